import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorDetail } from '../src/core/error-detail.js';
import { mintAccessToken } from './access-token.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { createJsonLogger, type Logger } from './log.js';
import { chosen as verifierChoice } from './schnorr-verifier.js';
import { createRelay } from './server.js';

// Entry point: `npx tsc -p relay && node build/relay/cli.js`. Stdout carries exactly one line,
// the URL (or the token asked for with --print-token), because tests and Playwright's webServer
// wait for it; logs go to stderr as one JSON object per line.

/** Shorter secrets are guessable; 32 random bytes (e.g. `openssl rand -hex 32`) is the intent. */
const MIN_SECRET_CHARS = 16;
/** One line per connection is for debugging; at the default level logs carry what an operator acts on. */
const DEBUG_EVENTS = new Set(['open', 'close']);

const fail = (message: string, code: number): never => {
  process.stderr.write(`parley relay: ${message}\n`);
  process.exit(code);
};

const readSecret = (file: string | undefined, fromEnv: string | undefined, what: string): Uint8Array | undefined => {
  let text = fromEnv;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      fail(`cannot read the ${what} from ${file}: ${errorDetail(e)}`, 2);
    }
  }
  if (text === undefined) return undefined;
  const secret = text.trim();
  if (secret.length < MIN_SECRET_CHARS)
    fail(`the ${what} must have at least ${MIN_SECRET_CHARS} characters (try \`openssl rand -hex 32\`)`, 2);
  return Buffer.from(secret, 'utf8');
};

const readPem = (file: string, what: string): Buffer => {
  try {
    return readFileSync(file);
  } catch (e) {
    return fail(`cannot read the TLS ${what} ${file}: ${errorDetail(e)}`, 2);
  }
};

/** `PARLEY_RELAY_VERIFY_WORKERS`: signature-check worker threads (0: on the main thread); unset: the default. */
const verifyWorkersFromEnv = (text: string | undefined): number | undefined => {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,2}$/.test(text))
    return fail(
      `PARLEY_RELAY_VERIFY_WORKERS must be a count of worker threads from 0 to 99, not ${JSON.stringify(text.slice(0, 20))}`,
      2,
    );
  return Number(text);
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
  const options = parsed.value;
  const tokenSecret = readSecret(options.tokenSecretFile, options.tokenSecret, 'token secret');
  if (options.printTokenSeconds !== undefined && tokenSecret !== undefined) {
    process.stdout.write(
      `${mintAccessToken(tokenSecret, Math.floor(Date.now() / 1000) + options.printTokenSeconds)}\n`,
    );
    return;
  }
  const turnSecret =
    options.turnUrls.length > 0 ? readSecret(options.turnSecretFile, options.turnSecret, 'TURN secret') : undefined;
  const tls =
    options.tlsCertFile !== undefined && options.tlsKeyFile !== undefined
      ? { cert: readPem(options.tlsCertFile, 'certificate'), key: readPem(options.tlsKeyFile, 'key') }
      : undefined;
  const { host, port, staticDir } = options;
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`parley relay: no app at ${staticDir} (run \`npm run build\`); serving signaling only\n`);
  }

  const json = createJsonLogger((line) => process.stderr.write(`${line}\n`));
  const log: Logger =
    options.logLevel === 'debug'
      ? json
      : (event, fields) => {
          if (!DEBUG_EVENTS.has(event)) json(event, fields);
        };
  let relay: ReturnType<typeof createRelay>;
  try {
    relay = createRelay({
      host,
      port,
      staticDir,
      log,
      tls,
      // PARLEY_RELAY_CHECK_EVERY_SIGNATURE=1: no event skips its Schnorr check (see relay/README.md).
      limits:
        process.env['PARLEY_RELAY_CHECK_EVERY_SIGNATURE'] === '1'
          ? { ...options.limits, checkEverySignature: true }
          : options.limits,
      allowedOrigins: options.allowedOrigins,
      publicOrigins: options.publicOrigins,
      metricsToken: options.metricsToken,
      config: {
        strategy: options.strategy,
        relays: options.configRelays,
        turn:
          turnSecret === undefined
            ? undefined
            : {
                urls: options.turnUrls,
                secret: turnSecret,
                ttlSeconds: options.turnTtlSeconds,
                only: options.turnOnly,
              },
      },
      connectSources: options.connectSources,
      protocols: options.protocols,
      tokenSecret,
      verifyWorkers: verifyWorkersFromEnv(process.env['PARLEY_RELAY_VERIFY_WORKERS']),
    });
  } catch (e) {
    // e.g. a key that does not match the certificate
    return fail(`cannot start: ${errorDetail(e)}`, 1);
  }
  try {
    await relay.ready;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use; pick another with --port or PORT`, 1);
    if (code === 'EADDRNOTAVAIL') fail(`cannot bind to ${host}: no such local address`, 1);
    fail(`cannot listen on ${host}:${port}: ${errorDetail(e)}`, 1);
  }

  const { url, wsUrl } = relay.address();
  log('listening', {
    tls: tls !== undefined,
    strategy: options.strategy,
    protocols: options.protocols.join(','),
    tokens: tokenSecret !== undefined,
    turn: turnSecret !== undefined,
  });
  // Which Schnorr engine checks events (WASM is several times cheaper per event): an operator should know when the fallback runs.
  // Each verify worker logs its own engine as it starts (`"thread":"worker"`); this is the main thread's, used when no worker runs.
  log('verifier', {
    engine: verifierChoice.verifier.engine,
    thread: 'main',
    ...(verifierChoice.fallbackReason === undefined ? {} : { fallback: verifierChoice.fallbackReason }),
  });
  process.stdout.write(`Parley relay: open ${url} (signaling ${wsUrl})\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log('shutdown', { signal });
    // A stuck close must not keep a stopped process alive.
    setTimeout(() => process.exit(1), 5000).unref();
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((e: unknown) => fail(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 1));
