import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CHAT_OUTBOX_BYTES,
  CHAT_RECEIVE_BUDGET,
  CHAT_RESEND_MS,
  CHAT_SEND_BUDGET,
  CHAT_UNSENT_AFTER_MS,
  cleanChatText,
  MAX_CHAT_HISTORY,
  MAX_CHAT_LENGTH,
  prepareChat,
  type ChatFrame,
} from '../../src/core/chat';
import { deriveRoomKeys } from '../../src/core/keys';
import { encodeMessage, MAX_MESSAGE_BYTES, parseMessage } from '../../src/core/protocol';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import type { SignalingRoom } from '../../src/adapters/signaling/types';
import { createChatModel } from '../../src/models/chat';
import { REDIAL_AFTER_MS } from '../../src/core/recovery';
import { connectedPair, makeCall, newCode, until } from './call-fixtures';

describe('chat text', () => {
  it('drops control characters but keeps tabs and newlines, normalises CRLF, repairs lone surrogates, keeps emoji', () => {
    expect(cleanChatText('a\u0000b\u0007c\u001b[31md\u007f')).toBe('abc[31md');
    expect(cleanChatText('line 1\r\nline 2\rline 3\n\tindented')).toBe('line 1\nline 2\nline 3\n\tindented');
    expect(cleanChatText('half \uD83D and \uDE00 half')).toBe('half \uFFFD and \uFFFD half');
    expect(cleanChatText('wave 👋🏽 <b>')).toBe('wave 👋🏽 <b>');
  });

  it('refuses blank and over-long messages; exactly the cap is fine', () => {
    expect(prepareChat('')).toEqual({ ok: false, reason: 'empty' });
    expect(prepareChat(' \n\t\u0000 ')).toEqual({ ok: false, reason: 'empty' });
    expect(prepareChat('x'.repeat(MAX_CHAT_LENGTH + 1))).toEqual({ ok: false, reason: 'too-long' });
    expect(prepareChat('x'.repeat(MAX_CHAT_LENGTH))).toEqual({ ok: true, text: 'x'.repeat(MAX_CHAT_LENGTH) });
    // The cap counts the text as sent: control characters removed first do not count.
    expect(prepareChat('x'.repeat(MAX_CHAT_LENGTH) + '\u0000')).toEqual({
      ok: true,
      text: 'x'.repeat(MAX_CHAT_LENGTH),
    });
  });

  it('fuzz: whatever a person types, a message we accept to send fits the wire limit and arrives unchanged', () => {
    // Strings biased towards what JSON escapes (quotes, backslashes, control characters, surrogate halves).
    const nasty = fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u001f',
      '\uD83D',
      '\uDE00',
      '👋',
      'x',
      '<',
      '\u2028',
    );
    const typed = fc.oneof(
      fc.string({ maxLength: 2100 }),
      fc.array(nasty, { maxLength: 2100 }).map((a) => a.join('')),
      fc.string({ unit: 'binary', maxLength: 2100 }),
    );
    fc.assert(
      fc.property(typed, (t) => {
        const cleaned = cleanChatText(t);
        expect(cleanChatText(cleaned)).toBe(cleaned);
        const p = prepareChat(t);
        if (!p.ok) return;
        // The largest id a sender could ever number a message with.
        const wire = encodeMessage({ v: 1, type: 'chat', id: Number.MAX_SAFE_INTEGER, text: p.text });
        expect(wire.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(parseMessage(wire)).toEqual({ v: 1, type: 'chat', id: Number.MAX_SAFE_INTEGER, text: p.text });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('chat model', () => {
  const started = () => {
    let t = 0;
    const frames: ChatFrame[] = [];
    const chat = createChatModel(() => t);
    chat.start((f) => frames.push(f));
    let peerId = 0;
    return {
      chat,
      frames,
      /** The texts of the chat messages sent, in order. */
      get sent() {
        return frames.flatMap((f) => (f.type === 'chat' ? [f.text] : []));
      },
      /** A message from the partner, numbered as its sender would. */
      fromPeer: (text: string) => chat.receive({ type: 'chat', id: peerId++, text }),
      advance: (ms: number) => (t += ms),
    };
  };

  it('sends nothing before a partner, and nothing blank or too long (saying why)', () => {
    const chat = createChatModel(() => 0);
    expect(chat.send('hello')).toBe(false);
    const s = started();
    expect(s.chat.send('   ')).toBe(false);
    expect(s.chat.refusal.value).toBe('empty');
    expect(s.chat.send('x'.repeat(MAX_CHAT_LENGTH + 1))).toBe(false);
    expect(s.chat.refusal.value).toBe('too-long');
    expect(s.sent).toEqual([]);
    expect(s.chat.send('hello')).toBe(true);
    expect(s.chat.refusal.value).toBeNull();
    expect(s.sent).toEqual(['hello']);
    expect(s.chat.messages.value).toEqual([
      { id: expect.any(Number), from: 'self', text: 'hello', delivery: 'pending' },
    ]);
  });

  it('rate-limits the sender: a burst, then one a second, and says "too fast" in between', () => {
    const s = started();
    const burst = Array.from({ length: CHAT_SEND_BUDGET.capacity + 2 }, (_, i) => s.chat.send(`m${i}`));
    expect(burst).toEqual([...Array<boolean>(CHAT_SEND_BUDGET.capacity).fill(true), false, false]);
    expect(s.chat.refusal.value).toBe('too-fast');
    expect(s.sent).toHaveLength(CHAT_SEND_BUDGET.capacity);
    s.advance(999);
    expect(s.chat.send('early')).toBe(false);
    s.advance(1);
    expect(s.chat.send('on time')).toBe(true);
    expect(s.chat.refusal.value).toBeNull();
    // A refused long message spends no token.
    expect(s.chat.send('x'.repeat(MAX_CHAT_LENGTH + 1))).toBe(false);
    s.advance(1000);
    expect(s.chat.send('next')).toBe(true);
  });

  it('drops what arrives over the receive budget, keeps order, and counts unread only while closed', () => {
    const s = started();
    const results = Array.from({ length: CHAT_RECEIVE_BUDGET.capacity + 3 }, (_, i) => s.fromPeer(`p${i}`));
    expect(results.filter(Boolean)).toHaveLength(CHAT_RECEIVE_BUDGET.capacity);
    expect(s.chat.messages.value.map((m) => m.text)).toEqual(
      Array.from({ length: CHAT_RECEIVE_BUDGET.capacity }, (_, i) => `p${i}`),
    );
    expect(s.chat.unread.value).toBe(CHAT_RECEIVE_BUDGET.capacity);
    s.chat.setOpen(true);
    expect(s.chat.unread.value).toBe(0);
    s.advance(1000);
    expect(s.fromPeer('while open')).toBe(true);
    expect(s.chat.unread.value).toBe(0);
    s.chat.setOpen(false);
    s.advance(1000);
    s.fromPeer('closed again');
    expect(s.chat.unread.value).toBe(1);
  });

  it(`keeps at most ${MAX_CHAT_HISTORY} messages, the newest`, () => {
    const s = started();
    for (let i = 0; i < MAX_CHAT_HISTORY + 50; i++) {
      s.advance(1000);
      s.fromPeer(`m${i}`);
    }
    expect(s.chat.messages.value).toHaveLength(MAX_CHAT_HISTORY);
    expect(s.chat.messages.value[0]?.text).toBe('m50');
    expect(s.chat.messages.value.at(-1)?.text).toBe(`m${MAX_CHAT_HISTORY + 49}`);
  });

  it('clear() forgets everything and stops sending; a new partner starts empty', () => {
    const s = started();
    s.chat.send('mine');
    s.fromPeer('theirs');
    s.chat.clear();
    expect([s.chat.messages.value, s.chat.unread.value]).toEqual([[], 0]);
    expect(s.chat.send('after')).toBe(false);
    expect(s.fromPeer('late')).toBe(true);
    expect(s.chat.messages.value).toEqual([]);
    s.chat.start(() => undefined);
    expect(s.chat.messages.value).toEqual([]);
  });
});

describe('chat in a call (fake signaling)', () => {
  /** A hub whose rooms we can also reach directly, to send as a peer (or a stranger) would. */
  const hubWithRooms = () => {
    const hub = createFakeSignalingHub();
    const rooms: SignalingRoom[] = [];
    const join = hub.signaling.join;
    hub.signaling.join = async (o) => {
      const r = await join(o);
      rooms.push(r);
      return r;
    };
    return { hub, rooms };
  };
  let wireId = 0;
  const chatOf = (text: string) => encodeMessage({ v: 1, type: 'chat', id: wireId++, text });

  it('delivers in order between the partners, and clears on hang-up and when the partner changes', async () => {
    const { hub } = hubWithRooms();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    for (const t of ['one', 'two', 'three']) expect(a.chat.send(t)).toBe(true);
    expect(b.chat.messages.value.map((m) => [m.from, m.text])).toEqual([
      ['peer', 'one'],
      ['peer', 'two'],
      ['peer', 'three'],
    ]);
    expect(b.chat.unread.value).toBe(3);

    // B's partner changes: A hangs up (A's own chat is gone too), C arrives: B's conversation starts empty.
    await a.hangUp();
    expect(a.chat.messages.value).toEqual([]);
    expect(b.chat.messages.value).toEqual([]);
    expect(b.chat.unread.value).toBe(0);
    const c = makeCall(hub, code);
    await until(c, 'connected');
    c.chat.send('new person');
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(['new person']);
    await b.hangUp();
    expect(b.chat.messages.value).toEqual([]);
    await c.dispose();
  });

  it('shows only the partner: a third peer in the room is not heard', async () => {
    const { hub, rooms } = hubWithRooms();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const keys = deriveRoomKeys(code, null);
    // A raw member (no call model, so never admitted) that talks anyway.
    const stranger = await hub.signaling.join({
      strategy: 'nostr',
      relays: [],
      iceServers: [],
      topic: keys.topic,
      password: keys.signalingPassword,
    });
    await new Promise<void>((resolve) => stranger.on('peerJoin', (id) => id === b.selfId.value && resolve()));
    await stranger.send(chatOf('I am not your partner'), b.selfId.value ?? '');
    await rooms[0]?.send(chatOf('I am'), b.selfId.value ?? '');
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(['I am']);
    await Promise.all([a.dispose(), b.dispose(), stranger.leave()]);
  });

  it("meets a flood within the data-channel budget with chat's own budget, counted as rate drops", async () => {
    const { hub, rooms } = hubWithRooms();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const before = b.dropped.value.rate;
    for (let i = 0; i < 30; i++) await rooms[0]?.send(chatOf(`flood ${i}`), b.selfId.value ?? '');
    const shown = b.chat.messages.value.length;
    // The receive budget refills 1/s: a slow machine may let one more through while the loop runs.
    expect(shown).toBeGreaterThanOrEqual(CHAT_RECEIVE_BUDGET.capacity);
    expect(shown).toBeLessThanOrEqual(CHAT_RECEIVE_BUDGET.capacity + 1);
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(Array.from({ length: shown }, (_, i) => `flood ${i}`));
    // Counts are published with the heartbeat.
    await expect.poll(() => b.dropped.value.rate - before).toBe(30 - shown);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});

describe('nothing typed is lost (chat model)', () => {
  /** Two chat models wired to each other through a path the test can cut, as the call wires them. */
  const linked = () => {
    let t = 0;
    const now = () => t;
    const a = createChatModel(now);
    const b = createChatModel(now);
    const path = { up: true, dropAcks: false };
    const wire: string[] = [];
    a.start((f) => {
      wire.push(f.type === 'chat' ? `a:${f.id}:${f.text}` : `a:ack${f.id}`);
      if (path.up) b.receive(f);
    });
    b.start((f) => {
      wire.push(f.type === 'chat' ? `b:${f.id}:${f.text}` : `b:ack${f.id}`);
      if (path.up && !(path.dropAcks && f.type === 'chat-ack')) a.receive(f);
    });
    const texts = (m: typeof a) => m.messages.value.map((e) => e.text);
    const deliveries = (m: typeof a) => m.messages.value.filter((e) => e.from === 'self').map((e) => e.delivery);
    return { a, b, path, wire, texts, deliveries, advance: (ms: number) => (t += ms) };
  };

  it('what is typed while the path is down waits, then arrives once, in order, when it is back', () => {
    const s = linked();
    s.a.send('before');
    expect(s.deliveries(s.a)).toEqual(['delivered']);
    s.path.up = false;
    s.a.pause();
    s.b.pause();
    for (const t of ['one', 'two', 'three']) expect(s.a.send(t)).toBe(true);
    // Queued, not thrown into the broken path.
    expect(s.wire.filter((w) => w.startsWith('a:') && !w.includes('ack'))).toEqual(['a:0:before']);
    expect(s.deliveries(s.a)).toEqual(['delivered', 'pending', 'pending', 'pending']);
    expect(s.texts(s.b)).toEqual(['before']);
    s.path.up = true;
    s.a.resume();
    s.b.resume();
    expect(s.texts(s.b)).toEqual(['before', 'one', 'two', 'three']);
    expect(s.deliveries(s.a)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it('a message the partner got just before the drop (its confirmation lost) is sent again but shown once', () => {
    const s = linked();
    s.path.dropAcks = true;
    s.a.send('just before the drop');
    expect(s.texts(s.b)).toEqual(['just before the drop']);
    expect(s.deliveries(s.a)).toEqual(['pending']);
    s.path.dropAcks = false;
    s.a.pause();
    s.a.send('during');
    // A fresh connection (the re-dialled partner): everything unconfirmed goes again, in order.
    s.a.start((f) => s.b.receive(f), true);
    expect(s.texts(s.b)).toEqual(['just before the drop', 'during']);
    expect(s.b.unread.value).toBe(2);
    // b confirmed the repeat too (its acks go to a's original deliver in this wiring, which is up again).
    expect(s.wire.filter((w) => w === 'b:ack0')).toHaveLength(2);
    expect(s.deliveries(s.a)).toEqual(['delivered', 'delivered']);
  });

  it(`not confirmed within ${CHAT_UNSENT_AFTER_MS / 1000} s: shown as not sent; retry sends it (once) when the path is back`, () => {
    const s = linked();
    s.path.up = false;
    s.a.pause();
    s.a.send('lost?');
    s.advance(CHAT_UNSENT_AFTER_MS - 1);
    s.a.tick();
    expect(s.deliveries(s.a)).toEqual(['pending']);
    s.advance(1);
    s.a.tick();
    expect(s.deliveries(s.a)).toEqual(['failed']);
    // Given up: the path coming back does not send it by itself.
    s.path.up = true;
    s.a.resume();
    expect(s.texts(s.b)).toEqual([]);
    const [entry] = s.a.messages.value;
    expect(s.a.retry(entry?.id ?? -1)).toBe(true);
    expect(s.texts(s.b)).toEqual(['lost?']);
    expect(s.deliveries(s.a)).toEqual(['delivered']);
    // Only a failed message can be retried.
    expect(s.a.retry(s.a.messages.value[0]?.id ?? -1)).toBe(false);
    expect(s.texts(s.b)).toEqual(['lost?']);
  });

  it('a retried message the partner did get after all (only its confirmation was lost) is not shown twice', () => {
    const s = linked();
    s.path.dropAcks = true;
    s.a.send('arrived, unconfirmed');
    s.advance(CHAT_UNSENT_AFTER_MS);
    s.a.tick();
    expect(s.deliveries(s.a)).toEqual(['failed']);
    s.path.dropAcks = false;
    expect(s.a.retry(s.a.messages.value[0]?.id ?? -1)).toBe(true);
    expect(s.texts(s.b)).toEqual(['arrived, unconfirmed']);
    expect(s.deliveries(s.a)).toEqual(['delivered']);
  });

  it(`the queue is bounded (${CHAT_OUTBOX_BYTES / 1024} KiB): past it a message is shown as not sent at once`, () => {
    const s = linked();
    s.path.up = false;
    s.a.pause();
    const long = 'x'.repeat(MAX_CHAT_LENGTH);
    const fits = Math.floor(CHAT_OUTBOX_BYTES / (2 * MAX_CHAT_LENGTH));
    for (let i = 0; i <= fits; i++) {
      s.advance(1000);
      expect(s.a.send(long)).toBe(true);
    }
    expect(s.deliveries(s.a)).toEqual([...Array<string>(fits).fill('pending'), 'failed']);
  });

  it("a queue sent after an outage keeps to the sender's pace, so the partner's receive budget takes all of it", () => {
    const s = linked();
    s.path.up = false;
    s.a.pause();
    // Typed over a 20 s outage at the most the sender allows: more than the receiver's burst.
    const typed = CHAT_RECEIVE_BUDGET.capacity + 8;
    let sent = 0;
    while (sent < typed) {
      if (s.a.send(`m${sent}`)) sent++;
      else s.advance(1000);
    }
    s.path.up = true;
    s.a.resume();
    while (s.texts(s.b).length < typed) {
      const before = s.texts(s.b).length;
      s.advance(500);
      s.a.tick();
      // Never stuck: every second something more arrives.
      if (s.texts(s.b).length === before) {
        s.advance(500);
        s.a.tick();
        expect(s.texts(s.b).length).toBeGreaterThan(before);
      }
    }
    expect(s.texts(s.b)).toEqual(Array.from({ length: typed }, (_, i) => `m${i}`));
  });

  it('a repeated id from the partner is shown once (confirmed each time); a confirmation of nothing we sent changes nothing', () => {
    const frames: ChatFrame[] = [];
    const s = { chat: createChatModel(() => 0), frames };
    s.chat.start((f) => frames.push(f));
    expect(s.chat.receive({ type: 'chat', id: 5, text: 'first' })).toBe(true);
    expect(s.chat.receive({ type: 'chat', id: 5, text: 'replayed with other text' })).toBe(true);
    expect(s.chat.messages.value.map((m) => m.text)).toEqual(['first']);
    // Each message, repeat or not, is confirmed.
    expect(s.frames.filter((f) => f.type === 'chat-ack')).toEqual([
      { type: 'chat-ack', id: 5 },
      { type: 'chat-ack', id: 5 },
    ]);
    // A confirmation of something we never sent changes nothing.
    s.chat.send('mine');
    expect(s.chat.receive({ type: 'chat-ack', id: 99 })).toBe(true);
    expect(s.chat.messages.value.at(-1)?.delivery).toBe('pending');
  });
});

describe('nothing typed is lost (call over fake signaling, fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const pair = () => connectedPair();
  const texts = (c: { chat: { messages: { value: readonly { text: string }[] } } }) =>
    c.chat.messages.value.map((m) => m.text);

  it('chat typed while the path is lost for good arrives over the re-dialled connection, once and in order', async () => {
    const { hub, a, b, aId, bId } = await pair();
    // The last message before the drop reaches b, but b's confirmation is lost with the path.
    hub.tamper = (data, from) => (from === bId && data.includes('"chat-ack"') ? null : data);
    a.chat.send('just before');
    expect(texts(b)).toEqual(['just before']);
    hub.tamper = null;
    hub.setLink(aId, bId, 'interrupted');
    expect(a.status.value.kind).toBe('reconnecting');
    a.chat.send('during one');
    await vi.advanceTimersByTimeAsync(1000);
    a.chat.send('during two');
    b.chat.send('from b meanwhile');
    expect(texts(b)).toEqual(['just before', 'from b meanwhile']);
    expect(a.chat.messages.value.map((m) => m.delivery)).toEqual(['pending', 'pending', 'pending']);
    // The path does not come back: both re-dial, and the same partner connects afresh.
    await vi.advanceTimersByTimeAsync(REDIAL_AFTER_MS);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    // (What one side sends before the other has taken it back as its partner is sent again, unconfirmed.)
    await vi.advanceTimersByTimeAsync(CHAT_RESEND_MS + 1000);
    expect(texts(b)).toEqual(['just before', 'from b meanwhile', 'during one', 'during two']);
    expect(texts(a)).toEqual(['just before', 'during one', 'during two', 'from b meanwhile']);
    expect(a.chat.messages.value.map((m) => m.delivery)).toEqual(['delivered', 'delivered', 'delivered', undefined]);
    expect(b.chat.messages.value.map((m) => m.delivery)).toEqual([undefined, 'delivered', undefined, undefined]);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('chat typed during a blip that heals in place arrives when the path is back', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'interrupted');
    a.chat.send('while down');
    await vi.advanceTimersByTimeAsync(REDIAL_AFTER_MS - 500);
    expect(texts(b)).toEqual([]);
    hub.setLink(aId, bId, 'connected');
    expect(texts(b)).toEqual(['while down']);
    await vi.advanceTimersByTimeAsync(500);
    expect(a.chat.messages.value.map((m) => m.delivery)).toEqual(['delivered']);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
