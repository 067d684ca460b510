import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAT_RECEIVE_BUDGET,
  CHAT_SEND_BUDGET,
  cleanChatText,
  MAX_CHAT_HISTORY,
  MAX_CHAT_LENGTH,
  prepareChat,
} from '../../src/core/chat';
import { deriveRoomKeys } from '../../src/core/keys';
import { encodeMessage, MAX_MESSAGE_BYTES, parseMessage } from '../../src/core/protocol';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import type { SignalingRoom } from '../../src/adapters/signaling/types';
import { createChatModel } from '../../src/models/chat';
import { makeCall, newCode, until } from './call-fixtures';

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
        const wire = encodeMessage({ v: 1, type: 'chat', text: p.text });
        expect(wire.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(parseMessage(wire)).toEqual({ v: 1, type: 'chat', text: p.text });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('chat model', () => {
  const started = () => {
    let t = 0;
    const sent: string[] = [];
    const chat = createChatModel(() => t);
    chat.start((text) => sent.push(text));
    return { chat, sent, advance: (ms: number) => (t += ms) };
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
    expect(s.chat.messages.value).toEqual([{ id: expect.any(Number), from: 'self', text: 'hello' }]);
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
    const results = Array.from({ length: CHAT_RECEIVE_BUDGET.capacity + 3 }, (_, i) => s.chat.receive(`p${i}`));
    expect(results.filter(Boolean)).toHaveLength(CHAT_RECEIVE_BUDGET.capacity);
    expect(s.chat.messages.value.map((m) => m.text)).toEqual(
      Array.from({ length: CHAT_RECEIVE_BUDGET.capacity }, (_, i) => `p${i}`),
    );
    expect(s.chat.unread.value).toBe(CHAT_RECEIVE_BUDGET.capacity);
    s.chat.setOpen(true);
    expect(s.chat.unread.value).toBe(0);
    s.advance(1000);
    expect(s.chat.receive('while open')).toBe(true);
    expect(s.chat.unread.value).toBe(0);
    s.chat.setOpen(false);
    s.advance(1000);
    s.chat.receive('closed again');
    expect(s.chat.unread.value).toBe(1);
  });

  it(`keeps at most ${MAX_CHAT_HISTORY} messages, the newest`, () => {
    const s = started();
    for (let i = 0; i < MAX_CHAT_HISTORY + 50; i++) {
      s.advance(1000);
      s.chat.receive(`m${i}`);
    }
    expect(s.chat.messages.value).toHaveLength(MAX_CHAT_HISTORY);
    expect(s.chat.messages.value[0]?.text).toBe('m50');
    expect(s.chat.messages.value.at(-1)?.text).toBe(`m${MAX_CHAT_HISTORY + 49}`);
  });

  it('clear() forgets everything and stops sending; a new partner starts empty', () => {
    const s = started();
    s.chat.send('mine');
    s.chat.receive('theirs');
    s.chat.clear();
    expect([s.chat.messages.value, s.chat.unread.value]).toEqual([[], 0]);
    expect(s.chat.send('after')).toBe(false);
    expect(s.chat.receive('late')).toBe(true);
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
  const chatOf = (text: string) => encodeMessage({ v: 1, type: 'chat', text });

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
