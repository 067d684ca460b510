import { type ChildProcess, spawn } from 'node:child_process';
import type { Plugin } from 'vite';

/** Where `npm run dev` starts its local Parley relay (PARLEY_DEV_RELAY_PORT overrides). */
export const DEV_RELAY_PORT = Number(process.env['PARLEY_DEV_RELAY_PORT'] ?? 8790);

/**
 * `npm run dev`: Vite serves the app with hot reload, and this plugin starts a local Parley relay
 * (build/relay, built by the script first) beside it. The app's /config.json is proxied to the relay,
 * which answers with itself as the signaling relay, so two tabs on the dev server call each other
 * with no internet. Stopping Vite (Ctrl-C) stops the relay.
 */
export const devRelay = (relayPort = DEV_RELAY_PORT): Plugin => {
  let relay: ChildProcess | null = null;
  const stop = () => {
    relay?.kill();
    relay = null;
  };
  return {
    name: 'parley:dev-relay',
    apply: 'serve',
    config: () => ({
      server: {
        // A fixed port, so the relay can be told which origin may open its WebSockets.
        strictPort: true,
        proxy: { '/config.json': { target: `http://127.0.0.1:${relayPort}`, changeOrigin: true } },
      },
    }),
    configureServer(server) {
      const port = server.config.server.port ?? 5173;
      const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`].join(',');
      relay = spawn(process.execPath, ['build/relay/cli.js', '--port', String(relayPort), '--allow-origin', origins], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      relay.once('exit', (code, signal) => {
        if (relay !== null) server.config.logger.error(`parley relay stopped (${signal ?? `exit ${code}`})`);
        relay = null;
      });
      server.httpServer?.once('close', stop);
      process.once('exit', stop);
    },
    // Vite injects CSS in dev as <style> elements; the page's CSP (index.html) refuses inline styles,
    // which the built app never uses. Only the dev server's copy of the page is relaxed.
    transformIndexHtml: (html) => html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
  };
};
