import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import { startCli, type CliProcess } from './cli-process.js';
import { median, rssMiB, startHealthProbe } from './health-probe.js';
import { connect, createSigner, isEose, isEventOn, isOk, waitUntil, type Frame, type TestClient } from './helpers.js';
import { jsVerifier, type EventCheck } from '../../relay/schnorr-verifier.js';
import { createVerifyPool, type VerifyBackend } from '../../relay/verify-pool.js';
import type { NostrEvent } from '../../relay/nostr-types.js';

// Signature checks on the relay's verify worker thread (relay/verify-pool.ts, verify-queue.ts):
// still every event checked, each connection's events still in the order sent, what waits for a
// check bounded, and the in-thread fallback when no worker runs. Against the built CLI as a child
// process (`npx tsc -p relay` first), and the pool itself with worker scripts that fail.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 30_000 });

const KIND = 24242;
/** Limits opened so these tests reach the verify queue, not the per-connection work budget. */
const OPEN_LIMITS = [
  '--rate',
  '100000',
  '--ip-rate',
  '1000000',
  '--max-connections-per-ip',
  '1000',
  '--open-rate',
  '1000',
];

const running: CliProcess[] = [];
const clients: TestClient[] = [];
const sockets: WebSocket[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.terminate();
  for (const f of cleanups.splice(0)) f();
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
});

const startRelay = async (args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliProcess> => {
  const p = await startCli(['--port', '0', ...args], env);
  running.push(p);
  return p;
};

const open = async (cli: CliProcess): Promise<TestClient> => {
  const c = await connect(cli.url.replace(/^http/, 'ws'));
  clients.push(c);
  return c;
};

const subscribe = async (cli: CliProcess, topic: string): Promise<TestClient> => {
  const sub = await open(cli);
  sub.send(['REQ', 's', { kinds: [KIND], '#x': [topic] }]);
  await sub.next(isEose('s'));
  return sub;
};

/** A copy of the event with another key's signature over its (correct) id: the costly kind of forgery. */
const withForeignSignature = (event: NostrEvent): NostrEvent => ({
  ...event,
  sig: createSigner().sign({ kind: KIND }).sig,
});

/** Answers: forwarded, refused as forged, the rest. */
const expectChecked = async (cli: CliProcess): Promise<void> => {
  const topic = 'checked'.padEnd(40, '0');
  const sub = await subscribe(cli, topic);
  const pub = await open(cli);
  const signer = createSigner();
  const good = signer.sign({ kind: KIND, tags: [['x', topic]], content: 'good' });
  const forged = withForeignSignature(signer.sign({ kind: KIND, tags: [['x', topic]], content: 'forged' }));
  const changed = { ...signer.sign({ kind: KIND, tags: [['x', topic]], content: 'original' }), content: 'changed' };
  for (const event of [forged, changed, good]) pub.send(['EVENT', event]);
  expect(await pub.next(isOk(forged.id), 'the first answer (the worker may still be starting)', 30_000)).toEqual([
    'OK',
    forged.id,
    false,
    'invalid: signature does not verify',
  ]);
  expect(await pub.next(isOk(changed.id))).toEqual([
    'OK',
    changed.id,
    false,
    'invalid: id does not match the hash of the event',
  ]);
  expect(await pub.next(isOk(good.id))).toEqual(['OK', good.id, true, '']);
  expect((await sub.next(isEventOn('s')))[2]).toEqual(good);
  // Only the good one came through: the subscriber has nothing else.
  expect(sub.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
};

describe('signature checks on the verify worker (relay process)', () => {
  it('checks every event on the worker: a forged signature and a wrong id get OK false "invalid:", the valid one is forwarded', async () => {
    const cli = await startRelay();
    await expectChecked(cli);
    // The worker said which engine it runs before it answered anything; no fallback was taken.
    expect(cli.stderr()).toMatch(/"event":"verifier","engine":"wasm","thread":"worker"}/);
    expect(cli.stderr()).not.toMatch(/verify_worker_failed|"fallback"/);
  });

  it('a key proven on its own socket skips only the Schnorr check: its changed body is still refused (id), and the same key from another socket is checked in full', async () => {
    const cli = await startRelay(OPEN_LIMITS);
    const topic = 'proven'.padEnd(40, '0');
    const sub = await subscribe(cli, topic);
    const pub = await open(cli);
    const signer = createSigner();
    const on = (content: string) => signer.sign({ kind: KIND, tags: [['x', topic]], content });
    // The first event of the key is checked in full (and forwarded): now this socket has proved it.
    const first = on('first');
    pub.send(['EVENT', first]);
    expect(await pub.next(isOk(first.id), 'the first answer', 30_000)).toEqual(['OK', first.id, true, '']);
    expect((await sub.next(isEventOn('s', first.id)))[2]).toEqual(first);
    // The same socket, a body changed after signing: the id is still the hash of the content.
    const changed = { ...on('original'), content: 'changed' };
    pub.send(['EVENT', changed]);
    expect(await pub.next(isOk(changed.id))).toEqual([
      'OK',
      changed.id,
      false,
      'invalid: id does not match the hash of the event',
    ]);
    // Another socket claims the proven key with a correct id and another key's signature.
    const impostor = await open(cli);
    const forged = withForeignSignature(on('impostor'));
    impostor.send(['EVENT', forged]);
    expect(await impostor.next(isOk(forged.id), 'the impostor', 30_000)).toEqual([
      'OK',
      forged.id,
      false,
      'invalid: signature does not verify',
    ]);
    // The proven socket's next event still goes through, and it is all the subscriber got after the first.
    const last = on('last');
    pub.send(['EVENT', last]);
    expect(await pub.next(isOk(last.id))).toEqual(['OK', last.id, true, '']);
    expect((await sub.next(isEventOn('s', last.id)))[2]).toEqual(last);
    expect(sub.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });

  it("keeps one connection's events in the order sent while two workers check them (slow ones first, quick ones after)", async () => {
    const cli = await startRelay(OPEN_LIMITS, { PARLEY_RELAY_VERIFY_WORKERS: '2' });
    const topic = 'order'.padEnd(40, '0');
    const sub = await subscribe(cli, topic);
    const pub = await open(cli);
    const signer = createSigner();
    // Batches of 8 go to the worker with the least in flight: 8 events of 24 KB (slower to hash; 192 KB, under a connection's 256 KiB) to
    // one, the quick small ones after them to the other, which finishes first.
    const events = [
      ...Array.from({ length: 8 }, (_, i) =>
        signer.sign({ kind: KIND, tags: [['x', topic]], content: `large-${i}-${'l'.repeat(24_000)}` }),
      ),
      ...Array.from({ length: 24 }, (_, i) => signer.sign({ kind: KIND, tags: [['x', topic]], content: `small-${i}` })),
    ];
    for (const event of events) pub.send(['EVENT', event]);
    const received: string[] = [];
    // (Generous: the workers may still be starting on a busy machine; events wait for them.)
    for (let i = 0; i < events.length; i += 1)
      received.push(((await sub.next(isEventOn('s'), `event ${i}`, 30_000))[2] as NostrEvent).id);
    expect(received).toEqual(events.map((e) => e.id));
    // The publisher's answers came in the same order.
    const oks = (): Frame[] => pub.pending().filter((f) => f[0] === 'OK');
    await waitUntil(() => oks().length === events.length, 'every event answered');
    const answered = oks();
    expect(answered.map((f) => f[1])).toEqual(events.map((e) => e.id));
    expect(answered.every((f) => f[2] === true)).toBe(true);
    expect(cli.stderr().match(/"event":"verifier","engine":"wasm","thread":"worker"}/g)).toHaveLength(2);
  });

  it('bounds what waits for a check: 40 connections flooding badly signed events are refused "rate-limited:" past the caps, memory stays bounded, /healthz answers and an honest pair gets through', async () => {
    const cli = await startRelay(OPEN_LIMITS);
    const wsUrl = cli.url.replace(/^http/, 'ws');
    const pid = cli.child.pid ?? NaN;
    const topic = 'honest'.padEnd(40, '0');
    const honestSub = await subscribe(cli, topic);
    const honestPub = await open(cli);
    const honest = createSigner();
    // ~4 KB each, id correct and signature by another key: each one costs a full Schnorr check.
    const flooder = createSigner();
    const frames = Array.from({ length: 40 }, (_, c) =>
      JSON.stringify([
        'EVENT',
        withForeignSignature(
          flooder.sign({ kind: KIND, tags: [['x', `flood-${c}`.padEnd(40, '0')]], content: 'f'.repeat(4000) }),
        ),
      ]),
    );
    const floodSockets = await Promise.all(
      frames.map(
        () =>
          new Promise<WebSocket>((resolveSocket, reject) => {
            const s = new WebSocket(wsUrl, { perMessageDeflate: false });
            sockets.push(s);
            s.once('open', () => resolveSocket(s));
            s.once('error', reject);
          }),
      ),
    );
    const answers = { invalid: 0, queueFull: 0, other: 0 };
    for (const s of floodSockets) {
      s.on('message', (data: RawData) => {
        const f = JSON.parse(String(data)) as Frame;
        if (f[0] !== 'OK') return;
        if (/^invalid: signature/.test(String(f[3]))) answers.invalid += 1;
        else if (/^rate-limited: too many events are waiting for their signature check/.test(String(f[3])))
          answers.queueFull += 1;
        else answers.other += 1;
      });
    }
    const baseRss = rssMiB(pid);
    let peakRss = baseRss;
    const sampler = setInterval(() => {
      if (cli.child.exitCode === null) peakRss = Math.max(peakRss, rssMiB(pid));
    }, 50);
    cleanups.push(() => clearInterval(sampler));
    const probe = startHealthProbe(cli.url);
    cleanups.push(probe.kill);

    // 40 × 1,000 events (160 MB of frames), sent as fast as the sockets take them: far more than
    // a worker checks in the time (~3,000/s), so everything past the caps has to be refused.
    const PER_SOCKET = 1000;
    for (let round = 0; round < PER_SOCKET; round += 50) {
      floodSockets.forEach((s, c) => {
        for (let i = 0; i < 50; i += 1) s.send(frames[c] as string);
      });
      // Lets the relay's answers in between (this process reads them); not a synchronisation.
      await new Promise((r) => setImmediate(r));
    }
    // Meanwhile an honest page publishes: it is checked in its turn beside the flood, not behind it.
    const event = honest.sign({ kind: KIND, tags: [['x', topic]], content: 'offer' });
    honestPub.send(['EVENT', event]);
    expect(await honestPub.next(isOk(event.id), 'the honest OK', 30_000)).toEqual(['OK', event.id, true, '']);
    expect((await honestSub.next(isEventOn('s', event.id), 'the honest event', 30_000))[2]).toEqual(event);
    const total = frames.length * PER_SOCKET;
    const deadline = Date.now() + 90_000;
    while (answers.invalid + answers.queueFull + answers.other < total && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    clearInterval(sampler);
    const probes = await probe.stop();
    const health = probes.relay.map((p) => (p.status === 200 ? p.ms : Infinity));
    const control = probes.control.map((p) => (p.status === 200 ? p.ms : -1));
    console.log(
      `[verify-worker] flood: ${JSON.stringify(answers)} rssGrowthMiB=${(peakRss - baseRss).toFixed(1)} healthMedianMs=${median(health)?.toFixed(1)} healthWorstMs=${Math.max(...health).toFixed(1)} controlMedianMs=${median(control)?.toFixed(1)} probes=${health.length}`,
    );

    // Every flood event was answered: checked and refused as forged, or refused for the queue.
    expect(answers.invalid + answers.queueFull).toBe(total);
    expect(answers.other).toBe(0);
    expect(answers.queueFull).toBeGreaterThan(0);
    expect(peakRss - baseRss).toBeLessThan(64);
    expect(health.length).toBeGreaterThan(5);
    expect((median(health) ?? Infinity) - (median(control) ?? 0)).toBeLessThan(200);
  });

  it('checks in-thread, and says why, when the worker script is missing', async () => {
    // A copy of the build without verify-worker.js, beside the real one (so `ws` still resolves).
    const copy = mkdtempSync(join(resolve('build'), 'no-worker-'));
    cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(resolve('build/relay'), join(copy, 'relay'), { recursive: true });
    cpSync(resolve('build/src'), join(copy, 'src'), { recursive: true });
    rmSync(join(copy, 'relay/verify-worker.js'));
    const p = await startCli(['--port', '0'], {}, join(copy, 'relay/cli.js'));
    running.push(p);
    await waitUntil(
      () => /"event":"verifier","engine":"wasm","thread":"main","fallback":"no worker script/.test(p.stderr()),
      'the fallback is logged',
    );
    await expectChecked(p);
    expect(p.stderr()).not.toMatch(/"thread":"worker"/);
  });
});

// ---------------------------------------------------------------- the pool, with workers that fail

const BUILT_WORKER = pathToFileURL(resolve('build/relay/verify-worker.js'));

const workerScript = (source: string): URL => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-verify-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'worker.mjs');
  writeFileSync(file, source);
  return pathToFileURL(file);
};

const checkWith = (pool: VerifyBackend, events: readonly NostrEvent[]): Promise<EventCheck[]> =>
  new Promise((resolveChecks) => {
    const checks: EventCheck[] = [];
    pool.verify(events, (from, part) => {
      part.forEach((c, i) => (checks[from + i] = c));
      if (checks.filter((c) => c !== undefined).length === events.length) resolveChecks(checks);
    });
  });

const sample = (): { events: NostrEvent[]; expected: EventCheck[] } => {
  const signer = createSigner();
  const good = signer.sign({ kind: KIND, tags: [['x', 't']], content: 'a' });
  const forged = withForeignSignature(signer.sign({ kind: KIND, tags: [['x', 't']], content: 'b' }));
  const changed = { ...signer.sign({ kind: KIND, content: 'c' }), content: 'd' };
  return { events: [good, forged, changed, good], expected: ['valid', 'bad-signature', 'bad-id', 'valid'] };
};

describe('verify pool fallback', () => {
  it('the built worker checks a batch as the in-thread engine does', async () => {
    const pool = createVerifyPool({ workers: 1, verifier: jsVerifier, log: () => {}, workerUrl: BUILT_WORKER });
    cleanups.push(() => void pool.close());
    const { events, expected } = sample();
    expect(pool.inThread).toBe(false);
    expect(await checkWith(pool, events)).toEqual(expected);
  });

  it('a worker that cannot start: checks run in-thread, the switch logged once', async () => {
    const logged: [string, Record<string, unknown>][] = [];
    const pool = createVerifyPool({
      workers: 2,
      verifier: jsVerifier,
      log: (event, fields) => logged.push([event, fields ?? {}]),
      workerUrl: workerScript("throw new Error('cannot load');"),
    });
    cleanups.push(() => void pool.close());
    const { events, expected } = sample();
    // Whatever was handed over before the failure showed is checked all the same.
    expect(await checkWith(pool, events)).toEqual(expected);
    await waitUntil(() => pool.inThread, 'both workers retired');
    expect(await checkWith(pool, events)).toEqual(expected);
    expect(logged.filter(([e]) => e === 'verify_worker_failed')).toHaveLength(2);
    expect(logged.filter(([e, f]) => e === 'verifier' && f['thread'] === 'main')).toHaveLength(1);
  });

  it('a worker that dies with a batch in flight: that batch is checked in-thread, each event answered once', async () => {
    const logged: string[] = [];
    const pool = createVerifyPool({
      workers: 1,
      verifier: jsVerifier,
      log: (event) => logged.push(event),
      workerUrl: workerScript(
        "import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3));",
      ),
    });
    cleanups.push(() => void pool.close());
    const { events, expected } = sample();
    const parts: number[] = [];
    const checks = await new Promise<EventCheck[]>((resolveChecks) => {
      const out: EventCheck[] = [];
      pool.verify(events, (from, part) => {
        parts.push(from);
        part.forEach((c, i) => (out[from + i] = c));
        if (out.filter((c) => c !== undefined).length === events.length) resolveChecks(out);
      });
    });
    expect(checks).toEqual(expected);
    expect(parts).toEqual([0]);
    expect(logged).toContain('verify_worker_failed');
    expect(pool.inThread).toBe(true);
  });
});
