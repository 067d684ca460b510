import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAppConfig } from '../../src/core/app-config.js';
import { startCli, type CliProcess } from './cli-process.js';
import { connect, createSigner, httpRequest, isEose, isEventOn, isOk, type TestClient } from './helpers.js';

// Several relay processes serving one deployment: config.json lists them all, Trystero connects
// to every URL in relayConfig.urls, so two pages always share every relay that is up. The relays
// share nothing: each enforces its own limits on what it sees.

// Starts node processes: slow on a busy machine (a timeout only fails the test).
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let one: CliProcess;
let two: CliProcess;
const clients: TestClient[] = [];
const kind = 24242;
const ROOT = 'm'.repeat(40);

beforeAll(async () => {
  // The app is served by relay one; relay two must allow that origin.
  one = await startCli(['--port', '0', '--static', 'dist']);
  const appOrigin = one.url.replace(/\/$/, '');
  two = await startCli(['--port', '0', '--static', 'dist', '--max-peers-per-topic', '2', '--allow-origin', appOrigin]);
  // Restart one so that its config.json lists both (ports are only known once both listen).
  one.child.kill('SIGTERM');
  await one.exited;
  one = await startCli([
    '--port',
    new URL(appOrigin).port,
    '--static',
    'dist',
    '--max-peers-per-topic',
    '2',
    '--config-relay',
    `${appOrigin.replace('http', 'ws')}/`,
    '--config-relay',
    two.url.replace('http', 'ws'),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of [one, two]) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all([one.exited, two.exited]);
});

/** A page as Trystero runs it: one key, the same subscriptions on every relay in the list. */
const page = async (relays: string[], name: string, origin: string) => {
  const signer = createSigner();
  const self = `${name}-self`.padEnd(40, '0');
  const sockets = await Promise.all(relays.map((url) => connect(url, { origin })));
  clients.push(...sockets);
  await Promise.all(
    sockets.map(async (s) => {
      s.send(['REQ', 'sub', { kinds: [kind], '#x': [self, ROOT] }]);
      await s.next(isEose('sub'));
    }),
  );
  const publishOn = async (s: TestClient, topic: string, content: string) => {
    const event = signer.sign({ kind, tags: [['x', topic]], content });
    s.send(['EVENT', event]);
    return { event, reply: await s.next(isOk(event.id)) };
  };
  return { sockets, self, publishOn };
};

describe('several relays for one deployment', () => {
  it('lists every relay in config.json', async () => {
    const parsed = parseAppConfig(JSON.parse((await httpRequest(one.url, '/config.json')).body) as unknown);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.relays).toEqual([one.url.replace('http', 'ws'), two.url.replace('http', 'ws')]);
  });

  it('a pair connected to both relays still signals when one relay dies, and the relays share no state', async () => {
    const origin = one.url.replace(/\/$/, '');
    const relays = [one.url.replace('http', 'ws'), two.url.replace('http', 'ws')];
    const alice = await page(relays, 'alice', origin);
    const bob = await page(relays, 'bob', origin);
    const [aliceOne, aliceTwo] = alice.sockets;
    const [bobOne, bobTwo] = bob.sockets;
    if (!aliceOne || !aliceTwo || !bobOne || !bobTwo) throw new Error('missing sockets');

    // Announce on relay one only: relay two never sees it (no shared state).
    const { event: announce } = await alice.publishOn(aliceOne, ROOT, 'announce');
    await bobOne.next(isEventOn('sub', announce.id));
    const marker = await alice.publishOn(aliceTwo, ROOT, 'marker on two');
    await bobTwo.next(isEventOn('sub', marker.event.id));
    expect(bobTwo.pending().filter(isEventOn('sub', announce.id))).toEqual([]);

    // Room full on relay one; relay two counts only what it has seen (alice): a third page gets in there.
    await bob.publishOn(bobOne, ROOT, 'announce');
    const carol = await page(relays, 'carol', origin);
    const [carolOne, carolTwo] = carol.sockets;
    if (!carolOne || !carolTwo) throw new Error('missing sockets');
    expect((await carol.publishOn(carolOne, ROOT, 'announce')).reply[3]).toBe('rate-limited: room full');
    expect((await carol.publishOn(carolTwo, ROOT, 'announce')).reply[2]).toBe(true);

    // Relay one dies: alice and bob still exchange offer and answer through relay two.
    one.child.kill('SIGKILL');
    await one.exited;
    const { event: offer } = await alice.publishOn(aliceTwo, bob.self, 'offer');
    await bobTwo.next(isEventOn('sub', offer.id));
    const { event: answer } = await bob.publishOn(bobTwo, alice.self, 'answer');
    await aliceTwo.next(isEventOn('sub', answer.id));
  });
});
