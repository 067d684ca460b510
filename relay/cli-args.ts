import { resolve } from 'node:path';
import { err, ok, type Result } from '../src/core/result.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export const USAGE = `Usage: node build/relay/cli.js [--port N] [--host H] [--static DIR]

Serves the built Parley app and a local Nostr signaling relay on one port.

  --port N      TCP port (default $PORT or ${DEFAULT_PORT}; 0 picks a free port)
  --host H      interface to bind (default $HOST or ${DEFAULT_HOST}; 0.0.0.0 for the LAN)
  --static DIR  directory of the built app (default: dist in the current directory)
  --help        show this help
`;

export interface CliOptions {
  host: string;
  port: number;
  staticDir: string;
}

export type CliCommand = { type: 'help' } | ({ type: 'run' } & CliOptions);

const parsePort = (raw: string, where: string): Result<number> => {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return err(`${where} must be a port number from 0 to 65535 (got "${raw.slice(0, 20)}")`);
  return ok(Number(raw));
};

const parseHost = (raw: string, where: string): Result<string> => {
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw)) return err(`${where} must be a host name or IP address (got "${raw.slice(0, 40)}")`);
  return ok(raw);
};

/** Reads flags (which win) and the PORT/HOST environment into options, or an error message for the user. */
export const parseCliArgs = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string): Result<CliCommand> => {
  let portRaw: { value: string; where: string } | undefined = env['PORT'] ? { value: env['PORT'], where: 'PORT' } : undefined;
  let hostRaw: { value: string; where: string } | undefined = env['HOST'] ? { value: env['HOST'], where: 'HOST' } : undefined;
  let staticDir = resolve(cwd, 'dist');

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return ok({ type: 'help' });
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== '--port' && name !== '--host' && name !== '--static') return err(`unknown argument "${arg.slice(0, 40)}"`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') return err(`${name} needs a value`);
    if (name === '--port') portRaw = { value, where: '--port' };
    else if (name === '--host') hostRaw = { value, where: '--host' };
    else staticDir = resolve(cwd, value);
  }

  const port = portRaw === undefined ? ok(DEFAULT_PORT) : parsePort(portRaw.value, portRaw.where);
  if (!port.ok) return port;
  const host = hostRaw === undefined ? ok(DEFAULT_HOST) : parseHost(hostRaw.value, hostRaw.where);
  if (!host.ok) return host;
  return ok({ type: 'run', host: host.value, port: port.value, staticDir });
};
