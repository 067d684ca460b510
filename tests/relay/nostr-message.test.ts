import { createEvent, subscribe } from '@trystero-p2p/nostr';
import { describe, expect, it } from 'vitest';
import { computeEventId } from '../../relay/nostr-event.js';
import { LIMITS } from '../../relay/limits.js';
import { isOversizedSubscription, parseClientMessage, peekVerb } from '../../relay/nostr-message.js';
import type { ClientMessage, MessageError } from '../../relay/nostr-types.js';
import type { Result } from '../../src/core/result.js';
import { createSigner } from './helpers.js';

const signer = createSigner();
const frame = (...parts: unknown[]): string => JSON.stringify(parts);

const expectNotice = (result: Result<ClientMessage, MessageError>, pattern: RegExp): void => {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  expect(result.error.type).toBe('notice');
  expect(result.error.reason).toMatch(pattern);
};

const expectRejected = (result: Result<ClientMessage, MessageError>, id: string, pattern: RegExp): void => {
  if (result.ok) throw new Error('expected a rejected event');
  expect(result.error).toMatchObject({ type: 'rejected-event', eventId: id });
  expect(result.error.reason).toMatch(pattern);
};

describe('parseClientMessage: EVENT', () => {
  it('accepts an event made by Trystero itself (createEvent in @trystero-p2p/nostr)', async () => {
    const topic = 'f'.repeat(40);
    const made = JSON.parse(await createEvent(topic, '{"sdp":"…"}')) as [string, Record<string, unknown>];
    const result = parseClientMessage(JSON.stringify(made));
    expect(result).toEqual({ ok: true, value: { type: 'EVENT', event: made[1] } });
  });

  it('drops fields it did not check', () => {
    const event = signer.sign({ kind: 1 });
    const result = parseClientMessage(frame('EVENT', { ...event, extra: 'x' }));
    expect(result.ok && result.value.type === 'EVENT' && Object.keys(result.value.event).sort()).toEqual([
      'content',
      'created_at',
      'id',
      'kind',
      'pubkey',
      'sig',
      'tags',
    ]);
  });

  it('rejects wrong field types with the reason and the readable id', () => {
    const good = signer.sign({ kind: 1, tags: [['t', 'a']] });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ pubkey: good.pubkey.toUpperCase() }, /^pubkey/],
      [{ pubkey: 'ab' }, /^pubkey/],
      [{ created_at: 1.5 }, /^created_at/],
      [{ created_at: -1 }, /^created_at/],
      [{ created_at: '1' }, /^created_at/],
      [{ kind: 65536 }, /^kind/],
      [{ kind: 1.5 }, /^kind/],
      [{ tags: 'x' }, /^tags/],
      [{ tags: [['t', 1]] }, /tag/],
      [{ tags: ['t'] }, /tag/],
      [{ content: null }, /^content/],
      [{ sig: 'ab' }, /^sig/],
      [{ sig: good.sig.toUpperCase() }, /^sig/],
    ];
    for (const [patch, pattern] of cases)
      expectRejected(parseClientMessage(frame('EVENT', { ...good, ...patch })), good.id, pattern);
  });

  it('rejects an id that is not the hash, and a signature by another key or over other bytes', () => {
    const good = signer.sign({ kind: 1, content: 'a' });
    expectRejected(parseClientMessage(frame('EVENT', { ...good, content: 'b' })), good.id, /^id does not match/);
    expectRejected(
      parseClientMessage(frame('EVENT', { ...good, sig: createSigner().sign({ kind: 1 }).sig })),
      good.id,
      /^signature/,
    );
    expectRejected(parseClientMessage(frame('EVENT', { ...good, sig: '0'.repeat(128) })), good.id, /^signature/);
    expectRejected(parseClientMessage(frame('EVENT', { ...good, sig: 'f'.repeat(128) })), good.id, /^signature/);
    // A pubkey that is not an x coordinate on the curve must fail verification, not throw.
    const unsigned = { pubkey: 'f'.repeat(64), created_at: good.created_at, kind: 1, tags: [], content: 'a' };
    const forgedId = computeEventId(unsigned);
    expectRejected(
      parseClientMessage(frame('EVENT', { ...unsigned, id: forgedId, sig: good.sig })),
      forgedId,
      /^signature/,
    );
  });

  it('answers with a notice when no id can be read', () => {
    expectNotice(parseClientMessage(frame('EVENT', { id: 'nope' })), /^invalid event: id/);
    expectNotice(parseClientMessage(frame('EVENT', [])), /^invalid event/);
    expectNotice(parseClientMessage(frame('EVENT')), /exactly one event/);
    expectNotice(parseClientMessage(frame('EVENT', signer.sign({ kind: 1 }), 'extra')), /exactly one event/);
  });
});

describe('parseClientMessage: REQ and CLOSE', () => {
  it('parses a Trystero subscription', () => {
    const topic = 'c'.repeat(40);
    const result = parseClientMessage(
      frame('REQ', 'a'.repeat(64), { kinds: [21234], since: 1700000000, '#x': [topic] }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'REQ',
        subId: 'a'.repeat(64),
        filters: [{ kinds: new Set([21234]), since: 1700000000, tags: [{ name: 'x', values: new Set([topic]) }] }],
      },
    });
  });

  it('parses every supported filter field and clamps limit', () => {
    const id = 'a'.repeat(64);
    const result = parseClientMessage(
      frame('REQ', 's', { ids: [id], authors: [id], kinds: [1], '#e': ['v'], since: 1, until: 2, limit: 1e9 }, {}),
    );
    if (!result.ok || result.value.type !== 'REQ') throw new Error('expected a REQ');
    expect(result.value.filters).toEqual([
      {
        ids: new Set([id]),
        authors: new Set([id]),
        kinds: new Set([1]),
        tags: [{ name: 'e', values: new Set(['v']) }],
        since: 1,
        until: 2,
        limit: 500,
      },
      { tags: [] },
    ]);
  });

  it('refuses bad subscription ids, filters and sizes', () => {
    const cases: [string, RegExp][] = [
      [frame('REQ', '', {}), /subscription id/],
      [frame('REQ', 's'.repeat(65), {}), /subscription id/],
      [frame('REQ', 7, {}), /subscription id/],
      [frame('REQ', 's'), /at least one filter/],
      [frame('REQ', 's', ...Array.from({ length: 17 }, () => ({}))), /more than 16 filters/],
      [frame('REQ', 's', []), /filter must be an object/],
      [frame('REQ', 's', { ids: ['A'.repeat(64)] }), /ids/],
      [frame('REQ', 's', { authors: 'x' }), /authors/],
      [frame('REQ', 's', { kinds: [-1] }), /kinds/],
      [frame('REQ', 's', { kinds: Array.from({ length: 513 }, (_, i) => i) }), /more than 512/],
      [frame('REQ', 's', { since: 1.5 }), /since/],
      [frame('REQ', 's', { until: '2' }), /until/],
      [frame('REQ', 's', { limit: -1 }), /limit/],
      [frame('REQ', 's', { '#x': [1] }), /#x/],
      [frame('REQ', 's', { '#x': ['v'.repeat(1025)] }), /#x/],
      [frame('REQ', 's', { '#1': ['v'] }), /unsupported filter field/],
      [frame('REQ', 's', { search: 'v' }), /unsupported filter field/],
      [frame('CLOSE'), /exactly one subscription id/],
      [frame('CLOSE', 's', 't'), /exactly one subscription id/],
      [frame('CLOSE', 's'.repeat(65)), /subscription id/],
    ];
    for (const [text, pattern] of cases) expectNotice(parseClientMessage(text), pattern);
    expect(parseClientMessage(frame('CLOSE', 's'))).toEqual({ ok: true, value: { type: 'CLOSE', subId: 's' } });
  });

  it('refuses frames that are not NIP-01 messages, without throwing', () => {
    const cases: [string, RegExp][] = [
      ['', /JSON/],
      ['{', /JSON/],
      ['{}', /non-empty JSON array/],
      ['[]', /non-empty JSON array/],
      ['"EVENT"', /non-empty JSON array/],
      ['[null]', /message type must be a string/],
      ['["AUTH", {}]', /unsupported message type "AUTH"/],
      ['["COUNT", "s", {}]', /unsupported message type/],
      [' '.repeat(256 * 1024 + 1), /longer than/],
      ['["REQ", "__proto__", {"__proto__": ["x"]}]', /unsupported filter field/],
    ];
    for (const [text, pattern] of cases) expectNotice(parseClientMessage(text), pattern);
  });
});

describe('REQ and CLOSE size cap (checked on the raw frame, before parsing)', () => {
  // Trystero 0.25.4's own REQ: `subscribe(subId, topic)` builds the frame its batcher sends
  // (flushBatch sends the same shape with every topic of the socket in one "#x" list).
  const trysteroTopic = (i: number): string => `${i}`.padEnd(40, 'z');
  const batchReq = (topics: number): string =>
    JSON.stringify([
      'REQ',
      'S'.repeat(64),
      {
        kinds: Array.from({ length: topics }, (_, i) => 20000 + i),
        since: 1_764_000_000,
        '#x': Array.from({ length: topics }, (_, i) => trysteroTopic(i)),
      },
    ]);

  it("admits Trystero's REQ with room to spare: a page's (~210 bytes) and one naming the most topics a connection may follow (64)", () => {
    const page = subscribe('S'.repeat(64), trysteroTopic(0));
    expect(page.length).toBeLessThan(300);
    expect(batchReq(2).length).toBeLessThan(300);
    expect(batchReq(64).length).toBeLessThan(LIMITS.maxSubscriptionFrameBytes / 2);
    expect(parseClientMessage(batchReq(64)).ok).toBe(true);
    expect(isOversizedSubscription(batchReq(64).slice(0, 32), Buffer.byteLength(batchReq(64)))).toBe(false);
  });

  it('refuses a REQ or CLOSE over the cap from its first bytes, without parsing it (a broken one gets the same answer)', () => {
    const big = JSON.stringify([
      'REQ',
      's',
      { '#x': ['t'], '#a': Array.from({ length: 2000 }, (_, i) => `value-${i}`) },
    ]);
    expect(big.length).toBeGreaterThan(LIMITS.maxSubscriptionFrameBytes);
    expect(isOversizedSubscription(big.slice(0, 32), big.length)).toBe(true);
    expectNotice(parseClientMessage(big), /at most 8192 bytes/);
    // Not JSON past its head: still the size answer, so nothing was parsed.
    expectNotice(parseClientMessage(`${big.slice(0, -10)}#`), /at most 8192 bytes/);
    const close = ` [ "CLOSE" , "${'c'.repeat(9000)}"]`;
    expect(isOversizedSubscription(close.slice(0, 32), close.length)).toBe(true);
  });

  it('leaves EVENTs (up to the frame cap) and frames that do not start like a NIP-01 message to the parser', () => {
    const event = JSON.stringify([
      'EVENT',
      signer.sign({ kind: 24242, tags: [['x', 't']], content: 'o'.repeat(20_000) }),
    ]);
    expect(isOversizedSubscription(event.slice(0, 32), event.length)).toBe(false);
    expect(peekVerb(event.slice(0, 32))).toBe('EVENT');
    expect(peekVerb('{"action":"announce"')).toBeUndefined();
    expect(peekVerb('["REQX","s"')).toBeUndefined();
    expect(parseClientMessage(event).ok).toBe(true);
  });
});
