// Issue 14, item 5: a relay listed in config.json that lies. Any relay in the list could end every
// waiting call by answering `["OK", <id>, false, "rate-limited: room full"]`; here a hostile relay
// (a tiny ws server in the test) does exactly that to every event, beside an honest Parley relay.
// The call must still connect through the honest one, and nobody may be told "room full"; the hostile
// relay's malformed frames (not JSON, not arrays, prototype keys, wrong types) throw nothing in the page.
import { expect, test, type Page } from '@playwright/test';
import { WebSocket, WebSocketServer } from 'ws';
import { expectRemoteVideoPlaying, joinPeer, openPeer, startCall, type Peer } from './helpers';
import { relayProcess } from './relay-process';
import { NOSTR_ROOM_FULL } from '../../src/core/relay-notice';

const HONEST_PORT = 19211;
const HOSTILE_PORT = 19212;
const HOSTILE = `ws://127.0.0.1:${HOSTILE_PORT}/`;
/** A curious relay operator: forwards everything to the honest relay, faithfully, and keeps a copy. */
const CURIOUS_PORT = 19213;
const CURIOUS = `ws://127.0.0.1:${CURIOUS_PORT}/`;

/** Every status the call screen shows from the first page load on (the screen is rendered later). */
const recordStatuses = (page: Page) =>
  page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __allStatuses: string[] }).__allStatuses = seen;
    const note = (el: Element | null) => {
      const s = el?.getAttribute('data-status');
      if (s && seen.at(-1) !== s) seen.push(s);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target as Element);
        else
          for (const n of r.addedNodes)
            if (n instanceof Element)
              note(n.matches('[data-testid="status"]') ? n : n.querySelector('[data-testid="status"]'));
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
const statusesOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __allStatuses: string[] }).__allStatuses);

/** Resolves once a test's WebSocket server listens. */
const listening = (server: WebSocketServer) =>
  new Promise<void>((resolve) => server.once('listening', () => resolve()));
/** Drops a test server's clients and closes it. */
const shut = async (server: WebSocketServer) => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
};

/**
 * Frames that are not Nostr: text that is not JSON, JSON that is not an array (`null`, a WebTorrent
 * tracker's reply), events with a subscription id found on Object.prototype, and events whose
 * content or tags have the wrong type.
 */
const malformedFrames = (subId: string): string[] => [
  'not json {',
  'null',
  JSON.stringify({ 'failure reason': 'not a tracker either', interval: 5 }),
  JSON.stringify(['EVENT', '__proto__', { content: 'x' }]),
  JSON.stringify(['EVENT', 'constructor', { content: 'x', tags: [] }]),
  JSON.stringify(['EVENT', subId, { content: 'x', tags: 'nope' }]),
  JSON.stringify(['EVENT', subId, { content: 'x', tags: [null, 7, ['x']] }]),
  JSON.stringify(['EVENT', subId, { content: { nested: true } }]),
  JSON.stringify([42, subId]),
];

test.describe('a hostile relay beside an honest one', () => {
  const honest = relayProcess(HONEST_PORT, [
    '--config-relay',
    CURIOUS,
    '--config-relay',
    HOSTILE,
    '--connect-src',
    HOSTILE,
    '--connect-src',
    CURIOUS,
  ]);
  let hostile: WebSocketServer;
  let curious: WebSocketServer;
  /** Authors (Trystero's per-page keys) of the events the hostile relay refused with a forged "room full". */
  const refused: string[] = [];
  /** Every frame the curious relay carried, both ways: what a relay operator gets to read. */
  const seen: string[] = [];
  test.describe.configure({ timeout: 120_000 });

  test.beforeAll(async () => {
    hostile = new WebSocketServer({ host: '127.0.0.1', port: HOSTILE_PORT });
    hostile.on('connection', (socket: WebSocket) => {
      socket.on('message', (raw) => {
        let frame: unknown;
        try {
          frame = JSON.parse(String(raw));
        } catch {
          return;
        }
        if (!Array.isArray(frame)) return;
        // Subscriptions are acknowledged like any relay would, so the client keeps using this one.
        if (frame[0] === 'REQ' && typeof frame[1] === 'string') {
          socket.send(JSON.stringify(['EOSE', frame[1]]));
          // And frames no Nostr relay sends: each used to throw out of Trystero's socket handler.
          for (const junk of malformedFrames(frame[1])) socket.send(junk);
        }
        if (frame[0] === 'EVENT' && typeof frame[1]?.id === 'string') {
          refused.push(String(frame[1].pubkey));
          socket.send(JSON.stringify(['OK', frame[1].id, false, NOSTR_ROOM_FULL]));
        }
      });
    });
    await listening(hostile);
    curious = new WebSocketServer({ host: '127.0.0.1', port: CURIOUS_PORT });
    curious.on('connection', (client: WebSocket) => {
      const upstream = new WebSocket(`ws://127.0.0.1:${HONEST_PORT}/`);
      const early: string[] = [];
      upstream.on('open', () => early.splice(0).forEach((f) => upstream.send(f)));
      upstream.on('message', (raw) => {
        seen.push(String(raw));
        if (client.readyState === client.OPEN) client.send(String(raw));
      });
      client.on('message', (raw) => {
        seen.push(String(raw));
        if (upstream.readyState === upstream.OPEN) upstream.send(String(raw));
        else early.push(String(raw));
      });
      upstream.on('error', () => client.terminate());
      client.on('close', () => upstream.close());
      upstream.on('close', () => client.close());
    });
    await listening(curious);
    await honest.start();
  });
  test.afterAll(async () => {
    await honest.kill();
    await shut(hostile);
    await shut(curious);
  });

  test('answers every event with a forged "room full": the call still connects, and nobody is told the room is full', async ({
    browser,
  }) => {
    const people: Peer[] = [];
    const alice = await openPeer(browser, `${honest.url}/`);
    people.push(alice);
    await recordStatuses(alice.page);
    await alice.page.reload();
    const link = await startCall(alice);
    // Alice waits long enough for her announces to reach both relays, and the lie to come back.
    await expect.poll(() => refused.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const bob = await openPeer(browser, 'about:blank');
    people.push(bob);
    await recordStatuses(bob.page);
    await bob.page.goto(link);
    await bob.page.getByTestId('lobby').getByRole('button', { name: 'Join now' }).waitFor();
    await expect(bob.page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
    await bob.page.getByTestId('lobby').getByRole('button', { name: 'Join now' }).click();

    for (const p of people)
      await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    await expectRemoteVideoPlaying(alice.page);
    await expectRemoteVideoPlaying(bob.page);
    // The hostile relay did refuse both people's own events (it saw and answered each of them).
    expect(new Set(refused).size).toBeGreaterThanOrEqual(2);
    for (const p of people) {
      // Not one of the malformed frames threw through the page.
      expect(p.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
      expect(await statusesOf(p.page)).not.toContain('full');
      await expect(p.page.getByTestId('status')).not.toHaveText(/full/);
    }

    // What the curious relay operator read: the whole signaling of this call (announces, offers,
    // answers), and none of its secrets. The room code (the link's fragment), the SDP (addresses, ICE
    // credentials) and the DTLS fingerprints the verification binds to travel only encrypted under the
    // derived signaling key.
    const code = new URL(link).hash.slice(1).replace(/^\//, '');
    expect(code.length).toBeGreaterThan(20);
    const all = seen.join('\n');
    // It did carry the call: offers and answers (encrypted) crossed it.
    expect(all).toMatch(/offer\\?"\s*:/);
    expect(all).toMatch(/answer\\?"\s*:/);
    const secrets = [code, code.replace(/[-\s]/g, ''), 'a=fingerprint', 'a=ice-ufrag', 'candidate:', 'v=0'];
    for (const secret of secrets)
      expect(all.toLowerCase(), `the relay read ${secret}`).not.toContain(secret.toLowerCase());

    // A device thief after the call: hang up, and the browser keeps no trace of the room, the partner
    // or the chat: only device choices, the join limiter's timestamps and the notify opt-in.
    for (const p of people) {
      await p.page.getByRole('button', { name: 'Hang up' }).click();
      const stored = await p.page.evaluate(async () => ({
        local: Object.keys(localStorage),
        session: Object.keys(sessionStorage),
        cookies: document.cookie,
        databases: (await indexedDB.databases()).map((d) => d.name),
        values: Object.values(localStorage).join('\n'),
      }));
      for (const key of stored.local)
        expect(['parley.devices', 'parley.join-attempts', 'parley.notify-on-join']).toContain(key);
      expect(stored.session).toEqual([]);
      expect(stored.cookies).toBe('');
      expect(stored.databases).toEqual([]);
      expect(stored.values.toLowerCase()).not.toContain(code.toLowerCase());
    }
    await Promise.all(people.map((p) => p.context.close()));
  });
});

test.describe('a hostile tracker beside an honest one (strategy torrent)', () => {
  const HONEST_TRACKER_PORT = 19214;
  const HOSTILE_TRACKER_PORT = 19215;
  const HOSTILE_TRACKER = `ws://127.0.0.1:${HOSTILE_TRACKER_PORT}/`;
  const honest = relayProcess(HONEST_TRACKER_PORT, [
    '--strategy',
    'torrent',
    '--config-relay',
    `ws://127.0.0.1:${HONEST_TRACKER_PORT}/`,
    '--config-relay',
    HOSTILE_TRACKER,
    '--connect-src',
    HOSTILE_TRACKER,
  ]);
  let tracker: WebSocketServer;
  /** Announces the hostile tracker received (it answered each with junk). */
  let announces = 0;
  test.describe.configure({ timeout: 120_000 });

  test.beforeAll(async () => {
    tracker = new WebSocketServer({ host: '127.0.0.1', port: HOSTILE_TRACKER_PORT });
    tracker.on('connection', (socket: WebSocket) => {
      socket.on('message', (raw) => {
        let frame: { info_hash?: unknown } | null = null;
        try {
          frame = JSON.parse(String(raw)) as { info_hash?: unknown };
        } catch {
          return;
        }
        announces++;
        const hash = typeof frame?.info_hash === 'string' ? frame.info_hash : '';
        // Frames no tracker sends: not JSON, null, an array (a Nostr relay's reply), an info_hash found
        // on Object.prototype, and an offer for the announced topic whose fields have the wrong types.
        for (const junk of [
          'not json {',
          'null',
          JSON.stringify(['NOTICE', 'not a tracker']),
          JSON.stringify({ info_hash: '__proto__', offer: { sdp: 'x' }, offer_id: '1', peer_id: 'p', interval: 5 }),
          JSON.stringify({ info_hash: 'constructor', answer: { sdp: 'x' }, offer_id: '1', peer_id: 'p' }),
          JSON.stringify({ info_hash: hash, interval: 'soon', offer: 7, offer_id: 1, peer_id: {} }),
        ])
          socket.send(junk);
      });
    });
    await listening(tracker);
    await honest.start();
  });
  test.afterAll(async () => {
    await honest.kill();
    await shut(tracker);
  });

  test('answers every announce with malformed frames: nothing throws in the page, and the call connects', async ({
    browser,
  }) => {
    const alice = await openPeer(browser, `${honest.url}/`);
    const link = await startCall(alice);
    await expect.poll(() => announces, { timeout: 20_000 }).toBeGreaterThan(0);
    const bob = await joinPeer(browser, link);
    for (const p of [alice, bob])
      await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    await expectRemoteVideoPlaying(bob.page);
    for (const p of [alice, bob]) expect(p.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
