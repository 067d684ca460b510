import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs, USAGE } from './cli-args.js';
import { createRelay } from './server.js';

// Entry point: `npx tsc -p relay && node build/relay/cli.js`. Stdout carries exactly one line,
// the URL, because tests and Playwright's webServer wait for it; everything else goes to stderr.

const fail = (message: string, code: number): never => {
  process.stderr.write(`parley relay: ${message}\n`);
  process.exit(code);
};

const main = async (): Promise<void> => {
  const parsed = parseCliArgs(process.argv.slice(2), process.env, process.cwd());
  if (!parsed.ok) {
    process.stderr.write(USAGE);
    fail(parsed.error, 2);
    return;
  }
  if (parsed.value.type === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const { host, port, staticDir } = parsed.value;
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`parley relay: no app at ${staticDir} (run \`npm run build\`); serving signaling only\n`);
  }

  const relay = createRelay({ host, port, staticDir, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    await relay.ready;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use; pick another with --port or PORT`, 1);
    if (code === 'EADDRNOTAVAIL') fail(`cannot bind to ${host}: no such local address`, 1);
    fail(`cannot listen on ${host}:${port}: ${e instanceof Error ? e.message : String(e)}`, 1);
  }

  const { url, wsUrl } = relay.address();
  process.stdout.write(`Parley relay: open ${url} (signaling ${wsUrl})\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`parley relay: ${signal}, closing\n`);
    // A stuck close must not keep a Ctrl-C'd process alive.
    setTimeout(() => process.exit(1), 3000).unref();
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((e: unknown) => fail(`unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, 1));
