import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from '../../relay/cli-args.js';
import { buildAppConfig } from '../../relay/config-response.js';
import { parseAppConfig } from '../../src/core/app-config.js';

const cwd = '/srv/parley';

describe('parseCliArgs', () => {
  it('defaults to 127.0.0.1:8787 and ./dist', () => {
    expect(parseCliArgs([], {}, cwd)).toMatchObject({
      ok: true,
      value: {
        type: 'run',
        host: '127.0.0.1',
        port: 8787,
        staticDir: resolve(cwd, 'dist'),
        strategy: 'nostr',
        allowedOrigins: [],
      },
    });
  });

  it('reads PORT and HOST, and flags win over them', () => {
    expect(parseCliArgs(['--insecure-http'], { PORT: '9000', HOST: '0.0.0.0' }, cwd)).toMatchObject({
      ok: true,
      value: { host: '0.0.0.0', port: 9000 },
    });
    expect(
      parseCliArgs(['--port', '0', '--host=::1', '--static', 'build/app'], { PORT: '9000', HOST: '0.0.0.0' }, cwd),
    ).toMatchObject({
      ok: true,
      value: { type: 'run', host: '::1', port: 0, staticDir: resolve(cwd, 'build/app') },
    });
  });

  it('--protocols: both by default, or one kind of relay only', () => {
    const protocols = (argv: string[]) => {
      const r = parseCliArgs(argv, {}, cwd);
      return r.ok && r.value.type === 'run' ? r.value.protocols : r;
    };
    expect(protocols([])).toEqual(['nostr', 'tracker']);
    expect(protocols(['--protocols', 'nostr'])).toEqual(['nostr']);
    expect(protocols(['--protocols', 'tracker'])).toEqual(['tracker']);
    expect(protocols(['--protocols', 'tracker,nostr'])).toEqual(['tracker', 'nostr']);
    for (const bad of ['torrent', 'nostr,smoke', ','])
      expect(protocols(['--protocols', bad])).toMatchObject({
        ok: false,
        error: expect.stringMatching(/--protocols must be/),
      });
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['--port', '1', '--help'], {}, cwd)).toEqual({ ok: true, value: { type: 'help' } });
  });

  it('refuses bad flags and values with a message', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--prot', '1'], {}, /unknown argument "--prot"/],
      [['extra'], {}, /unknown argument/],
      [['--port'], {}, /--port needs a value/],
      [['--port='], {}, /--port needs a value/],
      [['--port', '65536'], {}, /--port must be a port number/],
      [['--port', '-1'], {}, /--port must be a port number/],
      [[], { PORT: 'http' }, /PORT must be a port number/],
      [['--host', 'a b'], {}, /--host must be a host name/],
    ];
    for (const [argv, env, pattern] of bad) {
      const result = parseCliArgs(argv, env, cwd);
      expect(result.ok, argv.join(' ')).toBe(false);
      if (!result.ok) expect(result.error).toMatch(pattern);
    }
  });

  it('reads the guard, TLS, origin, strategy, token and TURN flags', () => {
    const parsed = parseCliArgs(
      [
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
        '--host',
        '0.0.0.0',
        '--allow-origin',
        'https://a.example,https://b.example',
        '--allow-origin=*',
        '--strategy',
        'torrent',
        '--config-relay',
        'wss://r1.example/',
        '--turn-url',
        'turn:t.example:3478',
        '--turn-secret-file',
        's',
        '--max-connections-per-ip',
        '8',
        '--rate',
        '10',
        '--max-peers-per-topic',
        '0',
        '--topic-idle',
        '60',
        '--log-level',
        'debug',
      ],
      {},
      cwd,
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        tlsCertFile: resolve(cwd, 'c.pem'),
        allowedOrigins: ['https://a.example', 'https://b.example', '*'],
        strategy: 'torrent',
        configRelays: ['wss://r1.example/'],
        turnUrls: ['turn:t.example:3478'],
        logLevel: 'debug',
        limits: {
          maxConnectionsPerIp: 8,
          connectionRate: { perSecond: 10, burst: 30 },
          maxPeersPerTopic: Number.MAX_SAFE_INTEGER,
          topicIdleMs: 60_000,
        },
      },
    });
    const bad: [string[], RegExp][] = [
      [['--host', '0.0.0.0'], /plain HTTP on 0\.0\.0\.0/],
      [['--tls-cert', 'c.pem'], /go together/],
      [['--allow-origin', 'https://a.example/path'], /--allow-origin must be an origin/],
      [['--strategy', 'carrier-pigeon'], /--strategy must be nostr or torrent/],
      [['--config-relay', 'http://x'], /--config-relay must start with ws: or wss:/],
      [['--turn-url', 'turn:x'], /needs --turn-secret-file/],
      [['--turn-only'], /--turn-only needs --turn-url/],
      [['--rate', '0'], /--rate must be a whole number of at least 1/],
      [['--print-token', '60'], /needs --token-secret-file/],
    ];
    for (const [argv, pattern] of bad) {
      const result = parseCliArgs(argv, {}, cwd);
      expect(result.ok, argv.join(' ')).toBe(false);
      if (!result.ok) expect(result.error).toMatch(pattern);
    }
  });

  it('--turn-only makes config.json ask for relayed media only, with the TURN credentials', () => {
    const parsed = parseCliArgs(
      ['--turn-url', 'turn:t.example:3478', '--turn-secret-file', 's', '--turn-only'],
      {},
      cwd,
    );
    expect(parsed).toMatchObject({ ok: true, value: { turnOnly: true } });
    const plain = parseCliArgs(['--turn-url', 'turn:t.example:3478', '--turn-secret-file', 's'], {}, cwd);
    expect(plain).toMatchObject({ ok: true, value: { turnOnly: false } });
    const turn = { urls: ['turn:t.example:3478'], secret: new TextEncoder().encode('s3cret'), ttlSeconds: 3600 };
    const config = buildAppConfig(
      'relay.example',
      'x',
      { strategy: 'nostr', secure: true, relays: [], turn: { ...turn, only: true } },
      1_700_000_000,
    );
    expect(config.iceTransportPolicy).toBe('relay');
    expect(config.iceServers[0]?.username).toBe('1700003600:parley');
    // What the relay sends is what the app accepts.
    expect(parseAppConfig(config)).toEqual({ ok: true, value: config });
    expect(
      buildAppConfig('relay.example', 'x', { strategy: 'nostr', secure: true, relays: [], turn }, 1_700_000_000),
    ).not.toHaveProperty('iceTransportPolicy');
  });

  it('reads the edge flags: public origins, metrics token, fragments, half-open heads, header timeout, open rate, refusal tolerance', () => {
    const parsed = parseCliArgs(
      [
        '--public-origin',
        'https://relay.example,https://other.example',
        '--metrics-token',
        'm'.repeat(32),
        '--max-fragments',
        '8',
        '--max-half-open',
        '4',
        '--headers-timeout',
        '3',
        '--open-rate',
        '1',
        '--refusal-tolerance',
        '50',
      ],
      {},
      cwd,
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        publicOrigins: ['https://relay.example', 'https://other.example'],
        metricsToken: 'm'.repeat(32),
        limits: {
          maxFragments: 8,
          maxHalfOpenPerIp: 4,
          headersTimeoutMs: 3000,
          requestTimeoutMs: 6000,
          connectionOpenRate: { perSecond: 1, burst: 16 },
          refusalTolerance: { perSecond: 5, burst: 50 },
        },
      },
    });
    expect(parseCliArgs([], { METRICS_TOKEN: 't'.repeat(20) }, cwd)).toMatchObject({
      ok: true,
      value: { metricsToken: 't'.repeat(20) },
    });
    const bad: [string[], RegExp][] = [
      [['--public-origin', '*'], /--public-origin must be an origin/],
      [['--public-origin', 'https://relay.example/app'], /--public-origin must be an origin/],
      [['--metrics-token', 'short'], /--metrics-token must be 16 to 256/],
      [['--max-fragments', '0'], /--max-fragments must be a whole number of at least 1/],
      [['--insecure-http=yes'], /does not take an argument/],
    ];
    for (const [argv, pattern] of bad) {
      const result = parseCliArgs(argv, {}, cwd);
      expect(result.ok, argv.join(' ')).toBe(false);
      if (!result.ok) expect(result.error).toMatch(pattern);
    }
  });

  it('reads --allowance: N units a connection may spend without charging its group, N/60 refilled a second; 0 turns it off', () => {
    expect(parseCliArgs(['--allowance', '120'], {}, cwd)).toMatchObject({
      ok: true,
      value: { limits: { connectionAllowance: { perSecond: 2, burst: 120 } } },
    });
    expect(parseCliArgs(['--allowance', '0'], {}, cwd)).toMatchObject({
      ok: true,
      value: { limits: { connectionAllowance: { perSecond: 0, burst: 0 } } },
    });
    // The default is the documented one: 60 units, 1 a second.
    expect(parseCliArgs([], {}, cwd)).toMatchObject({
      ok: true,
      value: { limits: { connectionAllowance: { perSecond: 1, burst: 60 } } },
    });
    for (const raw of ['-1', '1.5', 'lots', '']) {
      const result = parseCliArgs(['--allowance', raw], {}, cwd);
      expect(result.ok, raw).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/--allowance (must be a whole number of at least 0|needs a value)/);
    }
    expect(USAGE).toMatch(/--allowance N +work units each connection may spend without charging its address group/);
  });

  it('--help lists every flag the parser knows, and the parser knows every flag --help lists', () => {
    const rows = [...USAGE.matchAll(/^ {2}(--[a-z-]+)( [A-Z]+)?/gm)];
    const listed = rows.map((m) => m[1] ?? '');
    expect(listed.length).toBeGreaterThan(30);
    for (const [, flag = '', value] of rows) {
      const result = parseCliArgs(value === undefined ? [flag] : [flag, 'https://relay.example'], {}, cwd);
      if (!result.ok) expect(result.error, flag).not.toMatch(/unknown argument/);
    }
    expect(listed).toEqual(
      expect.arrayContaining([
        '--public-origin',
        '--metrics-token',
        '--max-fragments',
        '--max-half-open',
        '--headers-timeout',
        '--open-rate',
        '--refusal-tolerance',
        '--allowance',
      ]),
    );
  });
});
