import { initNostrWasm } from 'nostr-wasm';
import type { NostrEvent } from '../../relay/nostr-types.js';

// The bench signs thousands of events; libsecp256k1 (nostr-wasm) does it in a fraction of noble's
// time, so the clients do not become the bottleneck they are measuring.

const wasm = await initNostrWasm();

/** A signed NIP-01 event, as the relay parses it. */
export type BenchEvent = NostrEvent;

export const newKey = (): Uint8Array => wasm.generateSecretKey();

export const signEvent = (
  key: Uint8Array,
  fields: { kind: number; tags: string[][]; content: string; created_at?: number },
): BenchEvent => {
  const event: BenchEvent = {
    id: '',
    pubkey: '',
    created_at: fields.created_at ?? Math.floor(Date.now() / 1000),
    kind: fields.kind,
    tags: fields.tags,
    content: fields.content,
    sig: '',
  };
  wasm.finalizeEvent(event, key);
  return event;
};
