import { describe, expect, it } from 'vitest';
import { mintAccessToken } from '../../relay/access-token.js';
import {
  diagnosisUrl,
  probeQuestion,
  readDiagnosis,
  readReply,
  type ProbeQuestion,
} from '../../src/core/relay-probe.js';
import { WAIT_MS, connect, createSigner, isEose, refusedStatus, relayFixture, type TestClient } from './helpers.js';

const start = relayFixture();
const STATIC_SITE = 'http://static.example:8080';
const random = (seed: number) => Uint8Array.from({ length: 20 }, (_, i) => (i * 31 + seed) & 0xff);
const nowUnix = () => Math.floor(Date.now() / 1000);
/** A socket's close code, or a failure after WAIT_MS (a diagnosis socket left open must fail the test, not hang it). */
const closeCode = (client: TestClient): Promise<number> =>
  Promise.race([
    client.closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the socket was not closed')), WAIT_MS)),
  ]);

/** Sends a probe question and returns the app's verdict on the relay's first answer to it. */
const ask = async (url: string, question: ProbeQuestion) => {
  const client = await connect(url);
  client.sendRaw(question.frame);
  // The helper wraps an object frame in an array: unwrap it to hand the app the relay's own text.
  const frame = await client.next(() => true, 'an answer');
  client.close();
  const raw = JSON.stringify(frame.length === 1 && typeof frame[0] === 'object' ? frame[0] : frame);
  return readReply(question, raw);
};

/** Opens the diagnosis socket; resolves with its one frame as the app reads it, and the close code. */
const diagnosis = async (relayUrl: string, options: { origin?: string } = {}) => {
  const client: TestClient = await connect(diagnosisUrl(relayUrl), options);
  const frame = await client.next(() => true, 'the diagnosis');
  return { read: readDiagnosis(JSON.stringify(frame[0])), code: await closeCode(client) };
};

describe('--protocols: a relay of one kind only', () => {
  it('both (the default): each question is answered in its own protocol', async () => {
    const url = (await start()).address().wsUrl;
    expect(await ask(url, probeQuestion('nostr', random(1), nowUnix()))).toEqual({ kind: 'good' });
    expect(await ask(url, probeQuestion('torrent', random(2), nowUnix()))).toEqual({ kind: 'good' });
  });

  it('nostr only: a tracker announce gets a NOTICE, which the app reads as "a Nostr relay"', async () => {
    const url = (await start({ protocols: ['nostr'] })).address().wsUrl;
    expect(await ask(url, probeQuestion('nostr', random(3), nowUnix()))).toEqual({ kind: 'good' });
    expect(await ask(url, probeQuestion('torrent', random(4), nowUnix()))).toEqual({
      kind: 'other-protocol',
      speaks: 'nostr',
    });
  });

  it('tracker only: a Nostr REQ gets a failure reason, which the app reads as "a tracker"', async () => {
    const url = (await start({ protocols: ['tracker'] })).address().wsUrl;
    expect(await ask(url, probeQuestion('torrent', random(5), nowUnix()))).toEqual({ kind: 'good' });
    expect(await ask(url, probeQuestion('nostr', random(6), nowUnix()))).toEqual({
      kind: 'other-protocol',
      speaks: 'tracker',
    });
  });
});

describe('the diagnosis socket (?parley-diagnosis=1)', () => {
  it('tells a refused origin 403, a missing token 401, a full relay 503, an accepted request 101, and closes', async () => {
    const secret = Buffer.from('a test secret of enough length');
    const relay = await start({ tokenSecret: secret, limits: { maxConnections: 1 } });
    const base = relay.address().wsUrl;
    const token = mintAccessToken(secret, nowUnix() + 60);
    // The real upgrades are refused as before: the browser sees only a failed socket.
    expect(await refusedStatus(base, { origin: STATIC_SITE })).toBe(403);
    expect(await diagnosis(base, { origin: STATIC_SITE })).toEqual({
      read: { status: 403, protocols: ['nostr', 'tracker'] },
      code: 1000,
    });
    expect((await diagnosis(base)).read?.status).toBe(401);
    expect((await diagnosis(`${base}?token=${token}`)).read?.status).toBe(101);
    const holder = await connect(`${base}?token=${token}`);
    expect((await diagnosis(`${base}?token=${token}`)).read?.status).toBe(503);
    holder.close();
    // Diagnosis sockets are not connections: the one real client was the only one counted.
    expect(relay.metrics()).toMatch(/^parley_relay_connections_total 1$/m);
  });

  it('names the protocols of a one-protocol relay', async () => {
    const relay = await start({ protocols: ['tracker'] });
    expect((await diagnosis(relay.address().wsUrl)).read).toEqual({ status: 101, protocols: ['tracker'] });
  });

  it('attack: a refused origin opens a diagnosis socket and tries to signal on it: nothing is relayed, and it is closed', async () => {
    const relay = await start();
    const base = relay.address().wsUrl;
    const topic = 'c'.repeat(40);
    const reader = await connect(base);
    reader.send(['REQ', 'r', { kinds: [20001], '#x': [topic] }]);
    await reader.next(isEose('r'), 'EOSE');
    const attacker = await connect(diagnosisUrl(base), { origin: 'https://evil.example' });
    const { sign } = createSigner();
    attacker.send(['EVENT', sign({ kind: 20001, tags: [['x', topic]], content: 'from a refused origin' })]);
    attacker.send(['REQ', 's', { kinds: [20001], '#x': [topic] }]);
    attacker.sendRaw(JSON.stringify({ action: 'announce', info_hash: 'd'.repeat(20), peer_id: 'e'.repeat(20) }));
    expect(await closeCode(attacker)).toBe(1000);
    // Its only frame was the diagnosis: no EOSE, no OK, no tracker reply; the reader got nothing.
    expect(attacker.pending().map((f) => Object.keys(f[0] as object)[0])).toEqual(['parley-diagnosis']);
    // A frame to the reader from a real publisher still arrives, and is the first it gets: nothing came before it.
    const publisher = await connect(base);
    publisher.send(['EVENT', sign({ kind: 20001, tags: [['x', topic]], content: 'real' })]);
    const got = await reader.next((f) => f[0] === 'EVENT', 'the real event');
    expect((got[2] as { content: string }).content).toBe('real');
    expect(reader.pending()).toEqual([]);
    expect(relay.stats().connections).toBe(2);
    reader.close();
    publisher.close();
  });

  it("attack: a flood of diagnosis sockets spends the address group's new-connection tokens like any upgrade (429)", async () => {
    const relay = await start({ limits: { connectionOpenRate: { perSecond: 0.001, burst: 3 } } });
    const base = relay.address().wsUrl;
    for (let i = 0; i < 3; i++) expect((await diagnosis(base)).read?.status).toBe(101);
    expect(await refusedStatus(diagnosisUrl(base))).toBe(429);
    // And the real upgrade shares the same bucket: the flood bought nothing extra.
    expect(await refusedStatus(base)).toBe(429);
  });

  it('attack: DNS rebinding (a Host we do not answer for) gets no diagnosis either (421)', async () => {
    const relay = await start();
    expect(await refusedStatus(diagnosisUrl(relay.address().wsUrl), { headers: { Host: 'rebound.example' } })).toBe(
      421,
    );
  });
});
