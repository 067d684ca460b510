import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorDetail } from '../src/core/error-detail.js';
import { err, ok, type Result } from '../src/core/result.js';
import type { RelayProtocol } from '../src/core/relay-probe.js';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_TURN_TTL_SECONDS = 6 * 3600;

/** One row per flag: the parser's option table and `--help` are both made from it. */
interface Flag {
  name: string;
  /** Placeholder for the value; absent for a switch. */
  value?: string;
  /** Given more than once (or comma-separated), every value counts. */
  multiple?: boolean;
  help: string;
}

const LIMITS_HELP =
  'Limits (defaults in brackets; work is counted in the COST units of relay/limits.ts, one per small frame)';
const d = DEFAULT_LIMITS;

const FLAG_SECTIONS: readonly (readonly [string, readonly Flag[]])[] = [
  [
    'Listening',
    [
      { name: 'port', value: 'N', help: `TCP port (default $PORT or ${DEFAULT_PORT}; 0 picks a free port)` },
      { name: 'host', value: 'H', help: `interface to bind (default $HOST or ${DEFAULT_HOST})` },
      { name: 'static', value: 'DIR', help: 'directory of the built app (default: dist in the current directory)' },
      { name: 'tls-cert', value: 'FILE', help: 'PEM certificate chain: serve HTTPS and WSS [TLS_CERT]' },
      { name: 'tls-key', value: 'FILE', help: 'PEM private key for --tls-cert [TLS_KEY]' },
      { name: 'insecure-http', help: 'allow plain HTTP on a non-loopback interface (only behind a TLS proxy)' },
    ],
  ],
  [
    'Who may connect',
    [
      {
        name: 'public-origin',
        value: 'O',
        multiple: true,
        help: 'origin this relay is published as (e.g. https://relay.example), repeatable; only the host names of\nthese and of --allow-origin are answered for, besides localhost/127.0.0.1/[::1] on a loopback or\nwildcard bind (DNS rebinding gets 421)',
      },
      {
        name: 'allow-origin',
        value: 'O',
        multiple: true,
        help: 'extra browser origin allowed to open WebSockets, repeatable or comma-separated;\n"*" allows any (default: only this relay\'s own origin)',
      },
      {
        name: 'token-secret-file',
        value: 'F',
        help: 'require ?token= access tokens signed with the secret in F [RELAY_TOKEN_SECRET]',
      },
      {
        name: 'protocols',
        value: 'P',
        help: 'signaling protocols spoken: nostr,tracker (default: both on one socket); one of them alone\nmakes a relay of that kind only (the app\'s connection test then names a mismatched "strategy")',
      },
      { name: 'print-token', value: 'SECONDS', help: 'print a token valid for SECONDS (needs the secret) and exit' },
      {
        name: 'metrics-token',
        value: 'T',
        help: '/metrics needs "Authorization: Bearer T" [METRICS_TOKEN; the variable keeps T out of ps];\nwithout it /metrics answers loopback clients only',
      },
    ],
  ],
  [
    'What /config.json advertises',
    [
      { name: 'strategy', value: 'S', help: 'nostr (default) or torrent' },
      {
        name: 'config-relay',
        value: 'URL',
        multiple: true,
        help: 'relay URL to list instead of this relay itself, repeatable (several relays)',
      },
      { name: 'turn-url', value: 'URL', multiple: true, help: 'TURN server URL, repeatable; needs --turn-secret-file' },
      {
        name: 'turn-secret-file',
        value: 'F',
        help: 'coturn static-auth-secret for short-lived TURN credentials [TURN_SECRET]',
      },
      {
        name: 'turn-ttl',
        value: 'SECONDS',
        help: `lifetime of TURN credentials (default ${DEFAULT_TURN_TTL_SECONDS})`,
      },
      { name: 'turn-only', help: 'media only through TURN (iceTransportPolicy "relay": hides each side\'s address)' },
      { name: 'connect-src', value: 'SRC', multiple: true, help: 'extra CSP connect-src source, repeatable' },
    ],
  ],
  [
    LIMITS_HELP,
    [
      { name: 'max-connections', value: 'N', help: `total WebSocket connections [${d.maxConnections}]` },
      {
        name: 'max-connections-per-ip',
        value: 'N',
        help: `per address group (IPv4 address, IPv6 /64) [${d.maxConnectionsPerIp}]`,
      },
      { name: 'rate', value: 'N', help: `work units/s per connection, burst 3N [${d.connectionRate.perSecond}]` },
      { name: 'ip-rate', value: 'N', help: `work units/s per address group, burst 3N [${d.ipRate.perSecond}]` },
      {
        name: 'allowance',
        value: 'N',
        help: `work units each connection may spend without charging its address group, N/60\nrefilled a second; 0 charges every unit to the group [${d.connectionAllowance.burst}]`,
      },
      {
        name: 'open-rate',
        value: 'N',
        help: `new WebSockets/s per address group, burst 16N [${d.connectionOpenRate.perSecond}]`,
      },
      {
        name: 'refusal-tolerance',
        value: 'N',
        help: `refusals a connection may run up (N/10 forgiven a second) before it is cut (1008) [${d.refusalTolerance.burst}]`,
      },
      { name: 'max-payload', value: 'BYTES', help: `largest WebSocket message [${d.maxPayloadBytes}]` },
      { name: 'max-fragments', value: 'N', help: `fragments of one unfinished WebSocket message [${d.maxFragments}]` },
      {
        name: 'max-half-open',
        value: 'N',
        help: `TCP connections per address group still sending their request head [${d.maxHalfOpenPerIp}]`,
      },
      {
        name: 'headers-timeout',
        value: 'SECONDS',
        help: `time to send a request head or finish the TLS handshake; a whole request gets twice that [${d.headersTimeoutMs / 1000}]`,
      },
      {
        name: 'max-subscriptions',
        value: 'N',
        help: `Nostr subscriptions per connection [${d.maxSubscriptionsPerConnection}]`,
      },
      { name: 'max-peers-per-topic', value: 'N', help: `distinct peers per topic; 0 = no cap [${d.maxPeersPerTopic}]` },
      { name: 'topic-idle', value: 'SECONDS', help: `publish-only membership expiry [${d.topicIdleMs / 1000}]` },
      {
        name: 'tracker-interval',
        value: 'SECONDS',
        help: `announce interval asked of tracker clients [${d.trackerIntervalSeconds}]`,
      },
      {
        name: 'heartbeat',
        value: 'SECONDS',
        help: `ping interval; silent clients are cut after two [${d.heartbeatMs / 1000}]`,
      },
      { name: 'max-buffered', value: 'BYTES', help: `send buffer that marks a slow consumer [${d.maxBufferedBytes}]` },
    ],
  ],
  [
    '',
    [
      {
        name: 'log-level',
        value: 'L',
        help: 'info (default: refusals, errors, lifecycle) or debug (adds every connection open/close)',
      },
      { name: 'help', help: 'show this help' },
    ],
  ],
];

const FLAGS: readonly Flag[] = FLAG_SECTIONS.flatMap(([, flags]) => flags);
const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

const usageLine = (flag: Flag): string => {
  const left = `  --${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`;
  const [first = '', ...rest] = flag.help.split('\n');
  const pad = ' '.repeat(29);
  return [`${left.padEnd(29)}${left.length >= 29 ? `\n${pad}` : ''}${first}`, ...rest.map((l) => `${pad}${l}`)].join(
    '\n',
  );
};

export const USAGE = `Usage: node build/relay/cli.js [flags]        (npm run relay -- [flags])

Serves the built Parley app and its signaling (Nostr and WebTorrent tracker) on one port.
Flags win over the environment variables named in brackets. See relay/README.md.

${FLAG_SECTIONS.map(([title, flags]) => `${title === '' ? '' : `${title}\n`}${flags.map(usageLine).join('\n')}`).join('\n\n')}
`;

export interface CliOptions {
  host: string;
  port: number;
  staticDir: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  insecureHttp: boolean;
  allowedOrigins: string[];
  /** Origins the relay is published as: their host names are the ones it answers for. */
  publicOrigins: string[];
  /** Bearer token `/metrics` asks for (from --metrics-token or METRICS_TOKEN). */
  metricsToken?: string;
  strategy: 'nostr' | 'torrent';
  /** Signaling protocols this relay speaks (both by default). */
  protocols: RelayProtocol[];
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
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    return err(`${where} must be a port number from 0 to 65535 (got "${raw.slice(0, 20)}")`);
  return ok(Number(raw));
};

const parseHost = (raw: string, where: string): Result<string> => {
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw))
    return err(`${where} must be a host name or IP address (got "${raw.slice(0, 40)}")`);
  return ok(raw);
};

const parseProtocols = (raw: string): Result<RelayProtocol[]> => {
  const names = raw.split(',').map((p) => p.trim());
  const protocols = [...new Set(names)].filter((p): p is RelayProtocol => p === 'nostr' || p === 'tracker');
  if (protocols.length === 0 || protocols.length !== new Set(names).size)
    return err(`--protocols must be nostr, tracker or nostr,tracker (got "${raw.slice(0, 30)}")`);
  return ok(protocols);
};

const parseCount = (raw: string, where: string, min: number): Result<number> => {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min)
    return err(`${where} must be a whole number of at least ${min} (got "${raw.slice(0, 20)}")`);
  return ok(Number(raw));
};

const parseOrigin = (raw: string, where = '--allow-origin'): Result<string> => {
  if (raw === '*' && where === '--allow-origin') return ok(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`${where} must be an origin like https://example.org (got "${raw.slice(0, 60)}")`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '').toLowerCase()) {
    return err(`${where} must be an origin like https://example.org, with no path (got "${raw.slice(0, 60)}")`);
  }
  return ok(url.origin);
};

const parseUrlWith = (raw: string, where: string, schemes: readonly string[]): Result<string> => {
  const scheme = raw.split(':', 1)[0] ?? '';
  if (!schemes.includes(scheme))
    return err(`${where} must start with ${schemes.map((s) => `${s}:`).join(' or ')} (got "${raw.slice(0, 60)}")`);
  if (raw.length > 512 || /\s/.test(raw)) return err(`${where} is not a valid URL`);
  return ok(raw);
};

/** True for addresses only this machine can reach. */
export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

const PARSE_OPTIONS = Object.fromEntries(
  FLAGS.map((f) => [
    f.name,
    f.value === undefined
      ? { type: 'boolean' as const, ...(f.name === 'help' ? { short: 'h' } : {}) }
      : { type: 'string' as const, multiple: true },
  ]),
);

/** parseArgs' own messages name options its way; ours name what the user typed. */
const argsError = (e: unknown): string => {
  const message = errorDetail(e);
  const code = (e as { code?: string }).code;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unknown argument "${quoted.slice(0, 40)}"`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message))
    return `${quoted.split(' ', 1)[0] ?? ''} needs a value`;
  return message.slice(0, 200);
};

/** Reads flags (which win) and the environment into options, or an error message for the user. */
export const parseCliArgs = (argv: readonly string[], env: Env, cwd: string): Result<CliCommand> => {
  if (argv.includes('--help') || argv.includes('-h')) return ok({ type: 'help' });
  // `--port -1` is a value here (and then refused as a port), not a second flag as parseArgs would think.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    const flag = arg.startsWith('--') && !arg.includes('=') ? BY_NAME.get(arg.slice(2)) : undefined;
    if (flag?.value !== undefined && next !== undefined) {
      args.push(`${arg}=${next}`);
      i += 1;
    } else args.push(arg);
  }
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof PARSE_OPTIONS; strict: true; allowPositionals: false }>
  >['values'];
  try {
    parsed = parseArgs({ args, options: PARSE_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return err(argsError(e));
  }
  const values = parsed as Record<string, string[] | boolean | undefined>;
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value) && value.some((v) => v === '')) return err(`--${name} needs a value`);
  }
  const switches = new Set(
    Object.entries(values)
      .filter(([, v]) => v === true)
      .map(([k]) => `--${k}`),
  );
  const list = (name: string): string[] => {
    const value = values[name.replace(/^--/, '')];
    return Array.isArray(value) ? value : [];
  };
  const last = (name: string): string | undefined => list(name).at(-1);
  const all = (name: string): string[] =>
    list(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');

  const portRaw =
    last('--port') !== undefined
      ? { value: last('--port') ?? '', where: '--port' }
      : env['PORT']
        ? { value: env['PORT'], where: 'PORT' }
        : undefined;
  const port = portRaw === undefined ? ok(DEFAULT_PORT) : parsePort(portRaw.value, portRaw.where);
  if (!port.ok) return port;
  const hostRaw =
    last('--host') !== undefined
      ? { value: last('--host') ?? '', where: '--host' }
      : env['HOST']
        ? { value: env['HOST'], where: 'HOST' }
        : undefined;
  const host = hostRaw === undefined ? ok(DEFAULT_HOST) : parseHost(hostRaw.value, hostRaw.where);
  if (!host.ok) return host;
  const staticDir = resolve(cwd, last('--static') ?? 'dist');

  const tlsCertFile = last('--tls-cert') ?? env['TLS_CERT'];
  const tlsKeyFile = last('--tls-key') ?? env['TLS_KEY'];
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) return err('--tls-cert and --tls-key go together');
  const insecureHttp = switches.has('--insecure-http');
  if (tlsCertFile === undefined && !insecureHttp && !isLoopbackHost(host.value)) {
    return err(
      `plain HTTP on ${host.value} would expose calls' signaling to the network: pass --tls-cert and --tls-key, or --insecure-http behind a TLS proxy`,
    );
  }

  const allowedOrigins: string[] = [];
  for (const raw of all('--allow-origin')) {
    const origin = parseOrigin(raw);
    if (!origin.ok) return origin;
    allowedOrigins.push(origin.value);
  }
  const publicOrigins: string[] = [];
  for (const raw of all('--public-origin')) {
    const origin = parseOrigin(raw, '--public-origin');
    if (!origin.ok) return origin;
    publicOrigins.push(origin.value);
  }
  const metricsToken = last('--metrics-token') ?? (env['METRICS_TOKEN'] || undefined);
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken))
    return err('--metrics-token must be 16 to 256 printable characters without spaces');
  const strategy = last('--strategy') ?? 'nostr';
  if (strategy !== 'nostr' && strategy !== 'torrent')
    return err(`--strategy must be nostr or torrent (got "${strategy.slice(0, 20)}")`);
  const protocols = parseProtocols(last('--protocols') ?? 'nostr,tracker');
  if (!protocols.ok) return protocols;
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
  if (turnUrls.length > 0 && turnSecretFile === undefined && !turnSecret)
    return err('--turn-url needs --turn-secret-file (or TURN_SECRET)');
  const turnOnly = switches.has('--turn-only');
  if (turnOnly && turnUrls.length === 0) return err('--turn-only needs --turn-url');
  const connectSources = all('--connect-src');
  for (const src of connectSources)
    if (!/^[A-Za-z0-9:/.*_[\]-]{1,200}$/.test(src))
      return err(`--connect-src "${src.slice(0, 40)}" is not a CSP source`);

  const limits: RelayLimits = { ...DEFAULT_LIMITS };
  const counts: [string, number, (n: number) => void][] = [
    ['--max-connections', 1, (n) => (limits.maxConnections = n)],
    ['--max-connections-per-ip', 1, (n) => (limits.maxConnectionsPerIp = n)],
    ['--rate', 1, (n) => (limits.connectionRate = { perSecond: n, burst: 3 * n })],
    ['--ip-rate', 1, (n) => (limits.ipRate = { perSecond: n, burst: 3 * n })],
    ['--allowance', 0, (n) => (limits.connectionAllowance = { perSecond: n / 60, burst: n })],
    ['--max-payload', 1024, (n) => (limits.maxPayloadBytes = n)],
    ['--max-subscriptions', 1, (n) => (limits.maxSubscriptionsPerConnection = n)],
    ['--max-peers-per-topic', 0, (n) => (limits.maxPeersPerTopic = n === 0 ? Number.MAX_SAFE_INTEGER : n)],
    ['--topic-idle', 1, (n) => (limits.topicIdleMs = n * 1000)],
    ['--tracker-interval', 10, (n) => (limits.trackerIntervalSeconds = n)],
    ['--heartbeat', 1, (n) => (limits.heartbeatMs = n * 1000)],
    ['--max-buffered', 1024, (n) => (limits.maxBufferedBytes = n)],
    ['--open-rate', 1, (n) => (limits.connectionOpenRate = { perSecond: n, burst: 16 * n })],
    ['--refusal-tolerance', 10, (n) => (limits.refusalTolerance = { perSecond: n / 10, burst: n })],
    ['--max-fragments', 1, (n) => (limits.maxFragments = n)],
    ['--max-half-open', 1, (n) => (limits.maxHalfOpenPerIp = n)],
    [
      '--headers-timeout',
      1,
      (n) => {
        limits.headersTimeoutMs = n * 1000;
        limits.requestTimeoutMs = 2 * n * 1000;
      },
    ],
  ];
  for (const [name, min, set] of counts) {
    const raw = last(name);
    if (raw === undefined) continue;
    const n = parseCount(raw, name, min);
    if (!n.ok) return n;
    set(n.value);
  }
  const logLevel = last('--log-level') ?? 'info';
  if (logLevel !== 'info' && logLevel !== 'debug')
    return err(`--log-level must be info or debug (got "${logLevel.slice(0, 20)}")`);
  const turnTtl = parseCount(last('--turn-ttl') ?? String(DEFAULT_TURN_TTL_SECONDS), '--turn-ttl', 60);
  if (!turnTtl.ok) return turnTtl;
  const printRaw = last('--print-token');
  const printToken = printRaw === undefined ? undefined : parseCount(printRaw, '--print-token', 1);
  if (printToken !== undefined && !printToken.ok) return printToken;
  const tokenSecretFile = last('--token-secret-file');
  const tokenSecret = env['RELAY_TOKEN_SECRET'];
  if (printToken !== undefined && tokenSecretFile === undefined && !tokenSecret)
    return err('--print-token needs --token-secret-file (or RELAY_TOKEN_SECRET)');

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
    publicOrigins,
    ...(metricsToken === undefined ? {} : { metricsToken }),
    strategy,
    protocols: protocols.value,
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
