import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { chosen } from './schnorr-verifier.js';
import { CHECK_CODES, type VerifyBatch, type VerifyWorkerMessage } from './verify-protocol.js';

// A worker thread of the verify pool (verify-pool.ts): it checks batches of events (id hash and
// BIP-340 signature) with the engine this thread chose at load (WASM, or JS as the fallback), so the
// relay's main thread keeps parsing, forwarding and answering /healthz while signatures are checked
// on another core. The batches come from the main thread, which built every event itself after
// checking its shape; answers go back as one code per event, in the batch's order.

const port = parentPort;
if (port === null) throw new Error('verify-worker.js runs as a worker thread of the relay, not on its own');

const post = (message: VerifyWorkerMessage): void => port.postMessage(message);

/**
 * A batch's answers go back in parts, one at least every millisecond of checking: an event's answer
 * does not wait for the rest of its batch (a batch of 8 takes ~3 ms), and the postMessage per
 * part stays cheap next to the checks.
 */
const PART_MS = 1;

port.on('message', (batch: VerifyBatch) => {
  let from = 0;
  let codes: number[] = [];
  let lastPost = performance.now();
  for (let i = 0; i < batch.events.length; i += 1) {
    const event = batch.events[i];
    // An event missing from the batch cannot be valid; the pool never sends one.
    codes.push(CHECK_CODES.indexOf(event === undefined ? 'bad-signature' : chosen.verifier.check(event)));
    const at = performance.now();
    if (at - lastPost >= PART_MS || i === batch.events.length - 1) {
      post({ type: 'checked', id: batch.id, from, checks: Uint8Array.from(codes) });
      from = i + 1;
      codes = [];
      lastPost = at;
    }
  }
});

post({
  type: 'ready',
  engine: chosen.verifier.engine,
  ...(chosen.fallbackReason === undefined ? {} : { fallback: chosen.fallbackReason }),
});
