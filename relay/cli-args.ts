import { resolve } from 'node:path';
import { err, ok, type Result } from '../src/core/result.js';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_TURN_TTL_SECONDS = 6 * 3600;

export const USAGE = `Usage: node build/relay/cli.js [flags]        (npm run relay -- [flags])

Serves the built Parley app and its signaling (Nostr and WebTorrent tracker) on one port.
Flags win over the environment variables named in brackets. See relay/README.md.

Listening
  --port N                 TCP port (default $PORT or ${DEFAULT_PORT}; 0 picks a free port)
  --host H                 interface to bind (default $HOST or ${DEFAULT_HOST})
  --static DIR             directory of the built app (default: dist in the current directory)
  --tls-cert FILE          PEM certificate chain: serve HTTPS and WSS [TLS_CERT]
  --tls-key FILE           PEM private key for --tls-cert [TLS_KEY]
  --insecure-http          allow plain HTTP on a non-loopback interface (only behind a TLS proxy)

Who may connect
  --allow-origin O         extra browser origin allowed to open WebSockets, repeatable or comma-separated;
                           "*" allows any (default: only this relay's own origin)
  --token-secret-file F    require ?token= access tokens signed with the secret in F [RELAY_TOKEN_SECRET]
  --print-token SECONDS    print a token valid for SECONDS (needs the secret) and exit

What /config.json advertises
  --strategy S             nostr (default) or torrent
  --config-relay URL       relay URL to list instead of this relay itself, repeatable (several relays)
  --turn-url URL           TURN server URL, repeatable; needs --turn-secret-file
  --turn-secret-file F     coturn static-auth-secret for short-lived TURN credentials [TURN_SECRET]
  --turn-ttl SECONDS       lifetime of TURN credentials (default ${DEFAULT_TURN_TTL_SECONDS})
  --turn-only              media only through TURN (iceTransportPolicy "relay": hides each side's address)
  --connect-src SRC        extra CSP connect-src source, repeatable

Limits (defaults in brackets)
  --max-connections N          total WebSocket connections [${DEFAULT_LIMITS.maxConnections}]
  --max-connections-per-ip N   per client IP [${DEFAULT_LIMITS.maxConnectionsPerIp}]
  --rate N                     messages/s per connection, burst 3N [${DEFAULT_LIMITS.connectionRate.perSecond}]
  --ip-rate N                  messages/s per client IP, burst 3N [${DEFAULT_LIMITS.ipRate.perSecond}]
  --max-payload BYTES          largest WebSocket message [${DEFAULT_LIMITS.maxPayloadBytes}]
  --max-subscriptions N        Nostr subscriptions per connection [${DEFAULT_LIMITS.maxSubscriptionsPerConnection}]
  --max-peers-per-topic N      distinct peers per topic; 0 = no cap [${DEFAULT_LIMITS.maxPeersPerTopic}]
  --topic-idle SECONDS         publish-only membership expiry [${DEFAULT_LIMITS.topicIdleMs / 1000}]
  --tracker-interval SECONDS   announce interval asked of tracker clients [${DEFAULT_LIMITS.trackerIntervalSeconds}]
  --heartbeat SECONDS          ping interval; silent clients are cut after two [${DEFAULT_LIMITS.heartbeatMs / 1000}]
  --max-buffered BYTES         send buffer that marks a slow consumer [${DEFAULT_LIMITS.maxBufferedBytes}]

  --log-level L            info (default: refusals, errors, lifecycle) or debug (adds every connection open/close)
  --help                   show this help
`;

export interface CliOptions {
  host: string;
  port: number;
  staticDir: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  insecureHttp: boolean;
  allowedOrigins: string[];
  strategy: 'nostr' | 'torrent';
  configRelays: string[];
  connectSources: string[];
  tokenSecretFile?: string;
  /** The token secret itself, from RELAY_TOKEN_SECRET (a file is safer: argv is visible to every user). */
  tokenSecret?: string;
  printTokenSeconds?: number;
  turnUrls: string[];
  turnSecretFile?: string;
  turnSecret?: string;
  turnTtlSeconds: number;
  turnOnly: boolean;
  limits: RelayLimits;
  logLevel: 'info' | 'debug';
}

export type CliCommand = { type: 'help' } | ({ type: 'run' } & CliOptions);

type Env = Readonly<Record<string, string | undefined>>;

const parsePort = (raw: string, where: string): Result<number> => {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return err(`${where} must be a port number from 0 to 65535 (got "${raw.slice(0, 20)}")`);
  return ok(Number(raw));
};

const parseHost = (raw: string, where: string): Result<string> => {
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw)) return err(`${where} must be a host name or IP address (got "${raw.slice(0, 40)}")`);
  return ok(raw);
};

const parseCount = (raw: string, where: string, min: number): Result<number> => {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) return err(`${where} must be a whole number of at least ${min} (got "${raw.slice(0, 20)}")`);
  return ok(Number(raw));
};

const parseOrigin = (raw: string): Result<string> => {
  if (raw === '*') return ok(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`--allow-origin must be an origin like https://example.org (got "${raw.slice(0, 60)}")`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '').toLowerCase()) {
    return err(`--allow-origin must be an origin like https://example.org, with no path (got "${raw.slice(0, 60)}")`);
  }
  return ok(url.origin);
};

const parseUrlWith = (raw: string, where: string, schemes: readonly string[]): Result<string> => {
  const scheme = raw.split(':', 1)[0] ?? '';
  if (!schemes.includes(scheme)) return err(`${where} must start with ${schemes.map((s) => `${s}:`).join(' or ')} (got "${raw.slice(0, 60)}")`);
  if (raw.length > 512 || /\s/.test(raw)) return err(`${where} is not a valid URL`);
  return ok(raw);
};

/** True for addresses only this machine can reach. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

const FLAGS_WITH_VALUE = new Set([
  '--port', '--host', '--static', '--tls-cert', '--tls-key', '--allow-origin', '--token-secret-file', '--print-token', '--strategy',
  '--config-relay', '--turn-url', '--turn-secret-file', '--turn-ttl', '--connect-src', '--max-connections', '--max-connections-per-ip',
  '--rate', '--ip-rate', '--max-payload', '--max-subscriptions', '--max-peers-per-topic', '--topic-idle', '--tracker-interval',
  '--heartbeat', '--max-buffered', '--log-level',
]);
const SWITCHES = new Set(['--insecure-http', '--turn-only']);

/** Reads flags (which win) and the environment into options, or an error message for the user. */
export const parseCliArgs = (argv: readonly string[], env: Env, cwd: string): Result<CliCommand> => {
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return ok({ type: 'help' });
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (SWITCHES.has(name) && eq === -1) {
      switches.add(name);
      continue;
    }
    if (!FLAGS_WITH_VALUE.has(name)) return err(`unknown argument "${arg.slice(0, 40)}"`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') return err(`${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const last = (name: string): string | undefined => values.get(name)?.at(-1);
  const all = (name: string): string[] => (values.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

  const portRaw = last('--port') !== undefined ? { value: last('--port') ?? '', where: '--port' } : env['PORT'] ? { value: env['PORT'], where: 'PORT' } : undefined;
  const port = portRaw === undefined ? ok(DEFAULT_PORT) : parsePort(portRaw.value, portRaw.where);
  if (!port.ok) return port;
  const hostRaw = last('--host') !== undefined ? { value: last('--host') ?? '', where: '--host' } : env['HOST'] ? { value: env['HOST'], where: 'HOST' } : undefined;
  const host = hostRaw === undefined ? ok(DEFAULT_HOST) : parseHost(hostRaw.value, hostRaw.where);
  if (!host.ok) return host;
  const staticDir = resolve(cwd, last('--static') ?? 'dist');

  const tlsCertFile = last('--tls-cert') ?? env['TLS_CERT'];
  const tlsKeyFile = last('--tls-key') ?? env['TLS_KEY'];
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) return err('--tls-cert and --tls-key go together');
  const insecureHttp = switches.has('--insecure-http');
  if (tlsCertFile === undefined && !insecureHttp && !isLoopbackHost(host.value)) {
    return err(`plain HTTP on ${host.value} would expose calls' signaling to the network: pass --tls-cert and --tls-key, or --insecure-http behind a TLS proxy`);
  }

  const allowedOrigins: string[] = [];
  for (const raw of all('--allow-origin')) {
    const origin = parseOrigin(raw);
    if (!origin.ok) return origin;
    allowedOrigins.push(origin.value);
  }
  const strategy = last('--strategy') ?? 'nostr';
  if (strategy !== 'nostr' && strategy !== 'torrent') return err(`--strategy must be nostr or torrent (got "${strategy.slice(0, 20)}")`);
  const configRelays: string[] = [];
  for (const raw of all('--config-relay')) {
    const url = parseUrlWith(raw, '--config-relay', ['ws', 'wss']);
    if (!url.ok) return url;
    configRelays.push(url.value);
  }
  const turnUrls: string[] = [];
  for (const raw of all('--turn-url')) {
    const url = parseUrlWith(raw, '--turn-url', ['turn', 'turns', 'stun']);
    if (!url.ok) return url;
    turnUrls.push(url.value);
  }
  const turnSecretFile = last('--turn-secret-file');
  const turnSecret = env['TURN_SECRET'];
  if (turnUrls.length > 0 && turnSecretFile === undefined && !turnSecret) return err('--turn-url needs --turn-secret-file (or TURN_SECRET)');
  const turnOnly = switches.has('--turn-only');
  if (turnOnly && turnUrls.length === 0) return err('--turn-only needs --turn-url');
  const connectSources = all('--connect-src');
  for (const src of connectSources) if (!/^[A-Za-z0-9:/.*_[\]-]{1,200}$/.test(src)) return err(`--connect-src "${src.slice(0, 40)}" is not a CSP source`);

  const limits: RelayLimits = { ...DEFAULT_LIMITS };
  const counts: [string, number, (n: number) => void][] = [
    ['--max-connections', 1, (n) => (limits.maxConnections = n)],
    ['--max-connections-per-ip', 1, (n) => (limits.maxConnectionsPerIp = n)],
    ['--rate', 1, (n) => (limits.connectionRate = { perSecond: n, burst: 3 * n })],
    ['--ip-rate', 1, (n) => (limits.ipRate = { perSecond: n, burst: 3 * n })],
    ['--max-payload', 1024, (n) => (limits.maxPayloadBytes = n)],
    ['--max-subscriptions', 1, (n) => (limits.maxSubscriptionsPerConnection = n)],
    ['--max-peers-per-topic', 0, (n) => (limits.maxPeersPerTopic = n === 0 ? Number.MAX_SAFE_INTEGER : n)],
    ['--topic-idle', 1, (n) => (limits.topicIdleMs = n * 1000)],
    ['--tracker-interval', 10, (n) => (limits.trackerIntervalSeconds = n)],
    ['--heartbeat', 1, (n) => (limits.heartbeatMs = n * 1000)],
    ['--max-buffered', 1024, (n) => (limits.maxBufferedBytes = n)],
  ];
  for (const [name, min, set] of counts) {
    const raw = last(name);
    if (raw === undefined) continue;
    const n = parseCount(raw, name, min);
    if (!n.ok) return n;
    set(n.value);
  }
  const logLevel = last('--log-level') ?? 'info';
  if (logLevel !== 'info' && logLevel !== 'debug') return err(`--log-level must be info or debug (got "${logLevel.slice(0, 20)}")`);
  const turnTtl = parseCount(last('--turn-ttl') ?? String(DEFAULT_TURN_TTL_SECONDS), '--turn-ttl', 60);
  if (!turnTtl.ok) return turnTtl;
  const printRaw = last('--print-token');
  const printToken = printRaw === undefined ? undefined : parseCount(printRaw, '--print-token', 1);
  if (printToken !== undefined && !printToken.ok) return printToken;
  const tokenSecretFile = last('--token-secret-file');
  const tokenSecret = env['RELAY_TOKEN_SECRET'];
  if (printToken !== undefined && tokenSecretFile === undefined && !tokenSecret) return err('--print-token needs --token-secret-file (or RELAY_TOKEN_SECRET)');

  return ok({
    type: 'run',
    host: host.value,
    port: port.value,
    staticDir,
    ...(tlsCertFile === undefined ? {} : { tlsCertFile: resolve(cwd, tlsCertFile) }),
    ...(tlsKeyFile === undefined ? {} : { tlsKeyFile: resolve(cwd, tlsKeyFile) }),
    insecureHttp,
    turnOnly,
    allowedOrigins,
    strategy,
    configRelays,
    connectSources,
    ...(tokenSecretFile === undefined ? {} : { tokenSecretFile: resolve(cwd, tokenSecretFile) }),
    ...(tokenSecret ? { tokenSecret } : {}),
    ...(printToken === undefined ? {} : { printTokenSeconds: printToken.value }),
    turnUrls,
    ...(turnSecretFile === undefined ? {} : { turnSecretFile: resolve(cwd, turnSecretFile) }),
    ...(turnSecret ? { turnSecret } : {}),
    turnTtlSeconds: turnTtl.value,
    limits,
    logLevel,
  });
};
