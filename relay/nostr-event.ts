import { err, ok, type Result } from '../src/core/result.js';
import { LIMITS } from './limits.js';
import type { NostrEvent } from './nostr-types.js';
import { eventVerifier, type EventCheck } from './schnorr-verifier.js';

export { computeEventId } from './schnorr-verifier.js';

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** NIP-01: kinds 20000–29999 are ephemeral, relayed to live subscribers and never stored. */
export const isEphemeralKind = (kind: number): boolean => kind >= 20000 && kind < 30000;

/** The event's id if it is well-formed, so a rejection can still be answered with `OK false <id>`. */
export const readEventId = (raw: unknown): string | undefined => {
  if (!isRecord(raw)) return undefined;
  const id = raw['id'];
  return typeof id === 'string' && HEX64.test(id) ? id : undefined;
};

const parseTags = (raw: unknown): Result<string[][]> => {
  if (!Array.isArray(raw)) return err('tags must be an array');
  if (raw.length > LIMITS.maxTags) return err(`more than ${LIMITS.maxTags} tags`);
  const tags: string[][] = [];
  for (const tag of raw) {
    if (!Array.isArray(tag)) return err('each tag must be an array of strings');
    if (tag.length > LIMITS.maxTagItems) return err(`a tag has more than ${LIMITS.maxTagItems} items`);
    const items: string[] = [];
    for (const item of tag) {
      if (typeof item !== 'string') return err('each tag must be an array of strings');
      items.push(item);
    }
    tags.push(items);
  }
  return ok(tags);
};

/** Checks the NIP-01 field types only; `parseEvent` (or the relay's verify pool) adds the hash and signature checks. */
export const parseEventShape = (raw: unknown): Result<NostrEvent> => {
  if (!isRecord(raw)) return err('event must be an object');
  const { id, pubkey, created_at: createdAt, kind, content, sig } = raw;
  if (typeof id !== 'string' || !HEX64.test(id)) return err('id must be 64 lowercase hex characters');
  if (typeof pubkey !== 'string' || !HEX64.test(pubkey)) return err('pubkey must be 64 lowercase hex characters');
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) {
    return err('created_at must be a non-negative integer');
  }
  if (typeof kind !== 'number' || !Number.isInteger(kind) || kind < 0 || kind > 65535) {
    return err('kind must be an integer from 0 to 65535');
  }
  if (typeof content !== 'string') return err('content must be a string');
  if (typeof sig !== 'string' || !HEX128.test(sig)) return err('sig must be 128 lowercase hex characters');
  const tags = parseTags(raw['tags']);
  if (!tags.ok) return tags;
  return ok({ id, pubkey, created_at: createdAt, kind, tags: tags.value, content, sig });
};

/** Why a check refused an event, as the `OK false "invalid: …"` reply says it; undefined for a valid one. */
export const checkFailure = (check: EventCheck): string | undefined => {
  switch (check) {
    case 'valid':
      return undefined;
    case 'bad-id':
      return 'id does not match the hash of the event';
    case 'bad-signature':
      return 'signature does not verify';
  }
};

/**
 * Parses an untrusted event and verifies it: shape, id = hash of its fields, and a BIP-340
 * Schnorr signature over the 32 id bytes by `pubkey` (what Trystero's `schnorr.signAsync(id, …)` makes),
 * by the engine chosen at start (schnorr-verifier.ts: libsecp256k1 in WASM, noble as the fallback).
 * Unknown fields are dropped so we never relay anything we did not check.
 */
export const parseEvent = (raw: unknown): Result<NostrEvent> => {
  const shaped = parseEventShape(raw);
  if (!shaped.ok) return shaped;
  const failure = checkFailure(eventVerifier.check(shaped.value));
  return failure === undefined ? shaped : err(failure);
};
