import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequestRaw } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startCli, type CliProcess } from './cli-process.js';
import { connect, createSigner, isEose, isOk, refusedStatus, type TestClient } from './helpers.js';
import { cpuMs, median, rssMiB, startHealthProbe, type ProbeReply, type Probes } from './health-probe.js';
import { makeSelfSignedCert, type TestCertificate } from './tls-cert.js';

// The attacker plays against a real relay process (`npx tsc -p relay` first). Each test shows the
// relay holding: it still answers /healthz within 200 ms (the median of probes made from another
// address, 127.0.0.2: Linux routes all of 127/8 on lo, over the median of an idle control server
// probed alongside; the worst must stay under 3 s, where the issue measured a 4.1 s median), its
// RSS stays bounded, and the attack is refused or cut off. Medians and a control, because this
// machine is shared: a probe may lose the CPU to someone else's build, which is not the relay's delay.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

const HEALTH_MS = 200;
const HEALTH_WORST_MS = 3000;
/** RSS the relay may gain during an attack (the bench's goal is the same 64 MiB). */
const RSS_GROWTH_MIB = 64;
const NEIGHBOUR = '127.0.0.2';

let cert: TestCertificate;
let secretDir: string;
/** A built app of one page, so `/` answers 200 rather than "not built". */
let staticDir: string;
const running: CliProcess[] = [];
const sockets: Socket[] = [];
const clients: TestClient[] = [];

beforeAll(() => {
  cert = makeSelfSignedCert();
  secretDir = mkdtempSync(join(tmpdir(), 'parley-attacks-'));
  writeFileSync(join(secretDir, 'token-secret'), randomBytes(32).toString('hex'));
  staticDir = join(secretDir, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Parley</title>');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of clients.splice(0)) c.close();
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});
afterAll(() => {
  rmSync(cert.dir, { recursive: true, force: true });
  rmSync(secretDir, { recursive: true, force: true });
});

const run = async (args: string[] = []): Promise<CliProcess & { port: number; pid: number }> => {
  const p = await startCli(['--port', '0', '--static', staticDir, ...args]);
  running.push(p);
  return { ...p, port: Number(new URL(p.url).port), pid: p.child.pid ?? 0 };
};

/** Resolves once `check()` holds, re-checking every 20 ms; fails after `ms`. Not a sleep: it returns at the first moment the state holds. */
const waitFor = async (check: () => boolean, label: string, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** One HTTP(S) request with the given headers, from `localAddress`. */
const get = (
  url: string,
  path: string,
  options: { headers?: Record<string, string>; localAddress?: string; host?: string } = {},
): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const { hostname, port, protocol } = new URL(url);
    const t0 = performance.now();
    const request = protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
    const req = request(
      {
        host: options.host ?? hostname,
        port,
        path,
        localAddress: options.localAddress,
        agent: false,
        rejectUnauthorized: false,
        headers: { ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.end();
  });

/** Probes the relay's /healthz from the neighbour address (see health-probe.ts). */
const probeHealth = (url: string) => startHealthProbe(url, { localAddress: NEIGHBOUR });

/** The median latency of `replies`; Infinity when there are none. */
const medianMs = (replies: readonly ProbeReply[]): number => median(replies.map((p) => p.ms)) ?? Infinity;

/**
 * The relay held: still running, every probe during the attack answered 200, the median answer came
 * within HEALTH_MS of the idle control's (on an idle machine: within 200 ms), and none took HEALTH_WORST_MS.
 */
const expectHeld = async (relay: CliProcess, probes: Probes): Promise<void> => {
  expect(relay.child.exitCode, `relay exited: ${relay.stderr().slice(-500)}`).toBeNull();
  expect(probes.relay.length).toBeGreaterThan(0);
  expect(probes.relay.map((p) => p.status)).toEqual(probes.relay.map(() => 200));
  expect(medianMs(probes.relay) - medianMs(probes.control)).toBeLessThan(HEALTH_MS);
  expect(Math.max(...probes.relay.map((p) => p.ms))).toBeLessThan(HEALTH_WORST_MS);
  expect((await get(relay.url, '/healthz', { localAddress: NEIGHBOUR })).status).toBe(200);
};

/** Opens a raw TCP (or TLS) socket, writes `text`, and resolves with what came back once the relay closed it. */
const rawExchange = (port: number, text: string, tls: boolean): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let received = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(`no answer to ${JSON.stringify(text.slice(0, 80))}; got ${JSON.stringify(received.slice(0, 200))}`),
        ),
      5000,
    );
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(text));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      // Keep-alive answers to plain GETs leave the socket open: the status line is what we need.
      if (/\r\n\r\n/.test(received) && !/^HTTP\/1\.1 101/.test(received)) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });

const statusOf = (response: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);

/**
 * Request targets that took the old relay down from its upgrade handler (`new URL(...)` threw
 * before any guard) or that smuggle a host into URL parsing. None carries a key, token or Origin.
 */
const MALFORMED_TARGETS = [
  '//',
  'http://a:99999/',
  '//a:99999',
  'http://[::1/',
  '/\\evil.example/',
  'ws://x:-1/',
  '*',
  'http://a:99999/?token=x',
  '/%',
  '/%zz',
  '/?%',
];

const upgradeRequest = (target: string, port: number): string =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`;

describe('attacks on the relay process: one request must never kill it', () => {
  const modes: [string, () => string[]][] = [
    ['plain', () => []],
    ['TLS', () => ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile]],
    ['token', () => ['--token-secret-file', join(secretDir, 'token-secret')]],
  ];
  for (const [mode, args] of modes) {
    it(`answers malformed upgrade and request targets with 4xx and keeps serving (${mode})`, async () => {
      const relay = await run(args());
      const tls = mode === 'TLS';
      const probe = probeHealth(relay.url);
      for (const target of MALFORMED_TARGETS) {
        const upgrade = statusOf(await rawExchange(relay.port, upgradeRequest(target, relay.port), tls));
        expect(upgrade, `upgrade ${target}`).toBeGreaterThanOrEqual(400);
        expect(upgrade, `upgrade ${target}`).toBeLessThan(500);
        const plain = statusOf(
          await rawExchange(relay.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${relay.port}\r\n\r\n`, tls),
        );
        expect(plain, `GET ${target}`).toBeGreaterThanOrEqual(200);
        expect(plain, `GET ${target}`).toBeLessThan(500);
      }
      await expectHeld(relay, await probe.stop());
    });
  }
});

describe('attacks on the relay process: hosts are allowlisted, not echoed', () => {
  it('refuses a DNS-rebound Host and Origin on HTTP (421) and on upgrade (421); config.json never names them', async () => {
    const relay = await run();
    const evil = `evil.example:${relay.port}`;
    const config = await get(relay.url, '/config.json', { headers: { host: evil, origin: `http://${evil}` } });
    expect(config.status).toBe(421);
    expect(config.body).not.toContain('evil');
    expect(
      await refusedStatus(`ws://127.0.0.1:${relay.port}/`, { headers: { host: evil }, origin: `http://${evil}` }),
    ).toBe(421);
    // The names a local user types still work.
    for (const host of [`localhost:${relay.port}`, `127.0.0.1:${relay.port}`]) {
      const own = await get(relay.url, '/config.json', { headers: { host } });
      expect(JSON.parse(own.body)).toMatchObject({ relays: [`ws://${host}/`] });
    }
    const published = await run(['--public-origin', 'https://relay.example']);
    const named = await get(published.url, '/config.json', { headers: { host: 'relay.example' } });
    expect(JSON.parse(named.body)).toMatchObject({ relays: ['ws://relay.example/'] });
    expect((await get(published.url, '/config.json', { headers: { host: evil } })).status).toBe(421);
  });

  it('keeps /metrics to loopback clients on a public interface, and behind --metrics-token when set', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
    if (external === undefined)
      throw new Error('this test needs a non-loopback IPv4 interface to play a remote client');
    const open = await run(['--host', '0.0.0.0', '--insecure-http']);
    expect((await get(open.url, '/metrics')).status).toBe(200);
    const remote = await get(`http://${external}:${open.port}/`, '/metrics', { localAddress: external });
    expect(remote.status).toBe(401);
    expect(remote.body).not.toContain('parley_relay');
    // The rest of the relay still answers that client.
    expect((await get(`http://${external}:${open.port}/`, '/healthz', { localAddress: external })).status).toBe(200);

    const token = randomBytes(24).toString('hex');
    const locked = await run(['--metrics-token', token]);
    expect((await get(locked.url, '/metrics')).status).toBe(401);
    expect((await get(locked.url, '/metrics', { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const allowed = await get(locked.url, '/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('parley_relay_refusals_total{reason="metrics_auth"} 2');
  });
});

/** A WebSocket opened by hand over TCP, so the test can write frames ws would never send. */
const rawWebSocket = (port: number): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> =>
  new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let received = Buffer.alloc(0);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    void closed.then(() => reject(new Error('the relay closed the connection before answering the upgrade')));
    socket.once('connect', () =>
      socket.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    const onData = (d: Buffer): void => {
      received = Buffer.concat([received, d]);
      const text = received.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      if (!text.startsWith('HTTP/1.1 101')) {
        reject(new Error(`upgrade refused: ${text.slice(0, 100)}`));
        return;
      }
      resolve({ socket, received: () => received, closed });
    };
    socket.on('data', onData);
  });

/** The close code in the relay's close frame, after the 101 head; undefined if it sent none. */
const closeCodeOf = (received: Buffer): number | undefined => {
  const head = received.indexOf('\r\n\r\n');
  const frame = received.subarray(head + 4);
  const at = frame.indexOf(0x88);
  return at === -1 || frame.length < at + 4 ? undefined : frame.readUInt16BE(at + 2);
};

/** Bytes the process has read with read(2) and the like, sockets included (/proc/<pid>/io rchar). */
const bytesRead = (pid: number): number =>
  Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);

/** A masked client frame (mask 0: the payload goes as is) with FIN clear: part of a message that never ends. */
const unfinishedFragment = (first: boolean): Buffer =>
  Buffer.from([first ? 0x01 : 0x00, 0x80 | 8, 0, 0, 0, 0, ...Buffer.from('fragment')]);

describe('attacks on the relay process: held resources are bounded', () => {
  it('cuts 64 connections sending 16,000 unfinished fragments each (1008 from ws maxFragments), RSS bounded', async () => {
    // --open-rate 8: 64 connections at once from one address, so only the fragment cap is under test.
    const relay = await run(['--open-rate', '8']);
    const before = rssMiB(relay.pid);
    const probe = probeHealth(relay.url);
    const conns = [];
    // One after another: only the fragment cap is under test here.
    for (let i = 0; i < 64; i += 1) conns.push(await rawWebSocket(relay.port));
    const cpuBefore = cpuMs(relay.pid);
    const flood = Buffer.concat(Array.from({ length: 16_000 }, (_, i) => unfinishedFragment(i === 0)));
    let peak = before;
    for (const c of conns) c.socket.write(flood);
    let closed = 0;
    for (const c of conns) void c.closed.then(() => (closed += 1));
    await waitFor(
      () => {
        peak = Math.max(peak, rssMiB(relay.pid));
        return closed === conns.length;
      },
      'the relay closed every fragment flooder',
      15_000,
    );
    expect(conns.map((c) => closeCodeOf(c.received()))).toEqual(conns.map(() => 1008));
    const fragmentLines = relay
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"event":"refused"') && l.includes('"reason":"fragments"')).length;
    console.log(
      `fragments: relay CPU ${cpuMs(relay.pid) - cpuBefore} ms, RSS +${(peak - before).toFixed(1)} MiB, ${fragmentLines} refusal log lines`,
    );
    expect(peak - before).toBeLessThan(RSS_GROWTH_MIB);
    // One line for the address group (within one 10 s sweep), not one per connection: each line is a
    // synchronous pipe write in the middle of the burst (the old relay wrote 64).
    expect(fragmentLines).toBe(1);
    await expectHeld(relay, await probe.stop());
  });

  it('stops reading a connection it cut for unfinished fragments: 16 connections that keep writing 8 MiB each after the cap get little of it read', async () => {
    const relay = await run(['--open-rate', '8']);
    const probe = probeHealth(relay.url);
    const conns = [];
    for (let i = 0; i < 16; i += 1) conns.push(await rawWebSocket(relay.port));
    // Past the fragment cap (64) at once, then 8 MiB more of unfinished fragments as fast as the socket takes them.
    const overCap = Buffer.concat(Array.from({ length: 100 }, (_, i) => unfinishedFragment(i === 0)));
    const more = Buffer.concat(Array.from({ length: (8 << 20) / 14 }, () => unfinishedFragment(false)));
    const read0 = bytesRead(relay.pid);
    for (const c of conns) {
      c.socket.write(overCap);
      c.socket.write(more);
    }
    let closed = 0;
    for (const c of conns) void c.closed.then(() => (closed += 1));
    await waitFor(() => closed === conns.length, 'the relay closed every fragment flooder', 15_000);
    const readMiB = (bytesRead(relay.pid) - read0) / 2 ** 20;
    console.log(`fragment flooders: relay read ${readMiB.toFixed(1)} MiB of the ${16 * 8} MiB they wrote`);
    expect(conns.map((c) => closeCodeOf(c.received()))).toEqual(conns.map(() => 1008));
    // One read each (Node reads 64 KiB at a time) before ws refuses the message: 16 × 64 KiB = 1 MiB.
    // A relay that only pauses the stream reads a second 64 KiB each (1.9 MiB); the relay before
    // that kept reading and dropping what they sent until it cut them a second later (36 MiB).
    expect(readMiB).toBeLessThan(1.25);
    await expectHeld(relay, await probe.stop());
  });

  it('negotiates no permessage-deflate, so 64 connections hold no inflate state or window each', async () => {
    const relay = await run();
    const ws = new WebSocket(relay.url.replace('http', 'ws'), {
      perMessageDeflate: { clientMaxWindowBits: 15, serverMaxWindowBits: 15 },
    });
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The client offered the extension; the relay's 101 accepted none.
    expect(ws.extensions).toBe('');
    ws.terminate();
  });

  it('holds at most --max-half-open half-sent upgrade requests per address, and those only until the header timeout', async () => {
    // A 3 s header timeout instead of the default 10 s keeps the test short; the guard is the same.
    const relay = await run(['--headers-timeout', '3']);
    const before = rssMiB(relay.pid);
    const probe = probeHealth(relay.url);
    let closed = 0;
    const half = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${relay.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`;
    for (let batch = 0; batch < 20; batch += 1) {
      await Promise.all(
        Array.from(
          { length: 100 },
          () =>
            new Promise<void>((resolve) => {
              const socket = netConnect({ host: '127.0.0.1', port: relay.port });
              sockets.push(socket);
              socket.on('error', () => {});
              socket.once('close', () => {
                closed += 1;
                resolve();
              });
              socket.once('connect', () => {
                socket.write(half);
                resolve();
              });
            }),
        ),
      );
    }
    // Past the cap (128 per address) a half-open connection is closed at once...
    await waitFor(() => closed >= 2000 - 128, 'all but 128 half-open requests were closed', 15_000);
    // ...and the 128 it holds go at the header timeout (3 s from their connect), not Node's ~90 s.
    await waitFor(() => closed === 2000, 'every half-open request was closed', 20_000);
    expect(rssMiB(relay.pid) - before).toBeLessThan(RSS_GROWTH_MIB);
    await expectHeld(relay, await probe.stop());
  }, 120_000);
});

/** Sends `["CLOSE","x"]` at ~600 frames/s (6 every 10 ms) until the socket closes; resolves with the close code. */
const flood = (client: TestClient): Promise<number> => {
  const timer = setInterval(() => {
    for (let i = 0; i < 6; i += 1) client.sendRaw('["CLOSE","x"]');
  }, 10);
  return client.closed.finally(() => clearInterval(timer));
};

const open = async (url: string, localAddress?: string): Promise<TestClient> => {
  const client = await connect(url, localAddress === undefined ? {} : { localAddress });
  clients.push(client);
  return client;
};

const kind = 24242;

/** An honest page: subscribed to its own topic, publishing a signed event every 100 ms; resolves with every OK's verdict. */
const honestTraffic = async (client: TestClient, name: string, until: Promise<unknown>): Promise<unknown[]> => {
  const signer = createSigner();
  const topic = `${name}-topic`.padEnd(40, '0');
  client.send(['REQ', `sub-${name}`, { kinds: [kind], '#x': [topic] }]);
  await client.next(isEose(`sub-${name}`));
  const verdicts: unknown[] = [];
  let done = false;
  void until.then(() => (done = true));
  while (!done || verdicts.length < 3) {
    const event = signer.sign({ kind, tags: [['x', topic]], content: String(verdicts.length) });
    client.send(['EVENT', event]);
    const ok = await client.next(isOk(event.id), `OK for ${name}`);
    verdicts.push(ok[2] === true ? true : ok[3]);
    await new Promise((r) => setTimeout(r, 100));
  }
  return verdicts;
};

describe('attacks on the relay process: costs are budgeted and a flooder is cut, not its neighbours', () => {
  it('disconnects a steady ~600 frames/s flood (1008) within seconds', async () => {
    const relay = await run();
    const probe = probeHealth(relay.url);
    const client = await open(relay.url.replace('http', 'ws'));
    const t0 = Date.now();
    const code = await Promise.race([
      flood(client),
      new Promise<string>((r) => setTimeout(() => r('still connected after 10 s'), 10_000)),
    ]);
    expect(code).toBe(1008);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await get(relay.url, '/metrics')).body).toMatch(/^parley_relay_refusals_total\{reason="flood"\} 1$/m);
    await expectHeld(relay, await probe.stop());
  });

  it('cuts four flooders on 127.0.0.1 while an honest page on the same address and one on 127.0.0.2 keep working', async () => {
    const relay = await run();
    const wsUrl = relay.url.replace('http', 'ws');
    const probe = probeHealth(relay.url);
    const sameAddress = await open(wsUrl, '127.0.0.1');
    const otherAddress = await open(wsUrl, NEIGHBOUR);
    const flooders = await Promise.all(Array.from({ length: 4 }, () => open(wsUrl, '127.0.0.1')));
    const cut = Promise.all(flooders.map(flood));
    const [codes, same, other] = await Promise.all([
      cut,
      honestTraffic(sameAddress, 'same', cut),
      honestTraffic(otherAddress, 'other', cut),
    ]);
    expect(codes).toEqual([1008, 1008, 1008, 1008]);
    // Every honest event was accepted, during the flood and after it.
    expect(
      same.every((v) => v === true),
      JSON.stringify(same),
    ).toBe(true);
    expect(
      other.every((v) => v === true),
      JSON.stringify(other),
    ).toBe(true);
    // The address is not locked out: a new page from it gets in and is served.
    const newcomer = await open(wsUrl, '127.0.0.1');
    expect((await honestTraffic(newcomer, 'newcomer', Promise.resolve())).every((v) => v === true)).toBe(true);
    await expectHeld(relay, await probe.stop());
  });
});

/**
 * `slots` raw upgrade requests from `localAddress` kept in flight: each slot sends an upgrade, reads
 * the status line, drops the socket (accepted or not) and at once sends the next, until stopped.
 */
const reconnectStorm = (port: number, localAddress: string, slots: number) => {
  const tally = { accepted: 0, refused: 0, other: 0 };
  let stopped = false;
  const attempt = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port, localAddress });
      sockets.push(socket);
      let head = '';
      const done = (): void => {
        socket.destroy();
        sockets.splice(sockets.indexOf(socket), 1);
        resolve();
      };
      socket.on('error', done);
      socket.on('close', done);
      socket.on('connect', () =>
        socket.write(
          `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
        ),
      );
      socket.on('data', (d: Buffer) => {
        head += d.toString('latin1');
        const status = statusOf(head);
        if (status === 0) return;
        if (status === 101) tally.accepted += 1;
        else if (status === 429) tally.refused += 1;
        else tally.other += 1;
        done();
      });
    });
  const loops = Array.from({ length: slots }, async () => {
    while (!stopped) await attempt();
  });
  return {
    tally,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return tally;
    },
  };
};

describe('attacks on the relay process: new connections are paced per address group', () => {
  it('64 sockets from one address reconnecting as fast as they can: another address connects and signals, the same address gets 429 at once, /healthz answers, the log stays short', async () => {
    // Default limits: 2 new WebSockets a second per address group, burst 32.
    const relay = await run();
    const wsUrl = relay.url.replace('http', 'ws');
    const probe = probeHealth(relay.url);
    const t0 = Date.now();
    const cpu0 = cpuMs(relay.pid);
    const storm = reconnectStorm(relay.port, '127.0.0.1', 64);
    // The storm has spent its group's tokens and keeps hammering.
    await waitFor(() => storm.tally.refused >= 1000, 'a thousand upgrades of the storm were refused', 30_000);

    // Another address: a pair connects, subscribes and signals as usual.
    const [reader, writer] = await Promise.all([
      connect(wsUrl, { localAddress: '127.0.0.3' }),
      connect(wsUrl, { localAddress: '127.0.0.3' }),
    ]);
    clients.push(reader, writer);
    const topic = 's'.repeat(40);
    reader.send(['REQ', 'storm', { kinds: [24242], '#x': [topic] }]);
    await reader.next(isEose('storm'));
    const event = createSigner().sign({ kind: 24242, tags: [['x', topic]], content: 'offer' });
    writer.send(['EVENT', event]);
    expect((await writer.next(isOk(event.id)))[2]).toBe(true);
    await reader.next((f) => f[0] === 'EVENT' && (f[2] as { id?: string }).id === event.id, 'the event at the reader');

    // The storm's own address: a clear 429 (refusedStatus rejects if it were let in), not a hang.
    expect(await refusedStatus(wsUrl, { localAddress: '127.0.0.1' })).toBe(429);
    const tally = await storm.stop();
    const seconds = (Date.now() - t0) / 1000;
    const refusedLines = relay
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"event":"refused"')).length;
    const probes = await probe.stop();
    console.log(
      `reconnect storm: ${tally.accepted} accepted, ${tally.refused} refused (429), ${tally.other} other in ${seconds.toFixed(1)} s; relay CPU ${cpuMs(relay.pid) - cpu0} ms; ${refusedLines} refusal log lines; /healthz median ${medianMs(probes.relay).toFixed(0)} ms (control ${medianMs(probes.control).toFixed(0)} ms)`,
    );
    // What the group got: its burst and the refill, no more.
    expect(tally.accepted).toBeLessThanOrEqual(32 + Math.ceil(2 * seconds) + 1);
    expect(tally.other).toBe(0);
    // One log line per reason and group every 10 s, not one per refused upgrade (the old relay wrote thousands).
    expect(refusedLines).toBeLessThanOrEqual(2 * Math.ceil(seconds / 10) + 2);
    await expectHeld(relay, probes);
  });
});
