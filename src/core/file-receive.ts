// What a receiver checks about each incoming transfer, as a pure state machine: a chunk is taken only
// for an accepted offer, strictly in order, and never past the size the offer announced. A peer that
// breaks any of these is cut off (the model cancels the transfer and frees what it held).
import { CHUNK_BYTES } from './file-protocol.js';

/** Default cap on a file received into memory (config.json `maxFileBytes` changes it). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;
/** A receiver hears at most this many offers: bursts of 3, then one every 10 s. */
export const FILE_OFFER_BUDGET = { capacity: 3, perSecond: 0.1 } as const;
/**
 * Control frames (offers, acks, answers) per peer: a small JSON parse each. Acks come once per
 * ACK_EVERY_BYTES, so 2000 a second allows ~500 MB/s; a flood past it costs one comparison a frame.
 */
export const FILE_CONTROL_BUDGET = { capacity: 400, perSecond: 2000 } as const;
/** Offers waiting for an answer at once; more are declined as "busy". */
export const MAX_PENDING_OFFERS = 3;
/** The receiver acknowledges stored bytes every this many bytes (and at the end). */
export const ACK_EVERY_BYTES = 256 * 1024;
/**
 * The sender never has more than this many unacknowledged bytes in flight. It bounds the receiver's
 * memory, and also how much file data can queue in the receiving page ahead of the call's own
 * messages (heartbeats share that page's event loop): with 16 MiB, a slow receiver processed
 * seconds of backlog before the next heartbeat and the call went "Reconnecting…" mid-transfer.
 */
export const SEND_WINDOW_BYTES = 2 * 1024 * 1024;

/** Why a transfer was cut off: the peer broke the protocol. */
export type ReceiveFault = 'not-accepted' | 'out-of-order' | 'oversize' | 'short' | 'after-done';

export type ReceivePhase = 'offered' | 'receiving' | 'complete';

export interface IncomingState {
  readonly size: number;
  readonly phase: ReceivePhase;
  /** Bytes taken so far. */
  readonly received: number;
  /** The sequence number the next chunk must carry. */
  readonly nextSeq: number;
  accept(): void;
  /** Checks one chunk: null when taken (counts move on), or the fault that cuts the peer off. */
  chunk(seq: number, length: number): ReceiveFault | null;
  /** The sender says it is done: null when every announced byte arrived. */
  done(): ReceiveFault | null;
}

export const createIncoming = (size: number): IncomingState => {
  let phase: ReceivePhase = 'offered';
  let received = 0;
  let nextSeq = 0;
  return {
    size,
    get phase() {
      return phase;
    },
    get received() {
      return received;
    },
    get nextSeq() {
      return nextSeq;
    },
    accept() {
      if (phase === 'offered') phase = 'receiving';
    },
    chunk(seq, length) {
      if (phase === 'offered') return 'not-accepted';
      if (phase === 'complete') return 'after-done';
      if (seq !== nextSeq) return 'out-of-order';
      if (length < 1 || length > CHUNK_BYTES || received + length > size) return 'oversize';
      // Every chunk but the last is full, so a short chunk mid-file cannot hide extra chunks later.
      if (length < CHUNK_BYTES && received + length !== size) return 'out-of-order';
      received += length;
      nextSeq++;
      return null;
    },
    done() {
      if (phase !== 'receiving') return phase === 'offered' ? 'not-accepted' : 'after-done';
      phase = 'complete';
      return received === size ? null : 'short';
    },
  };
};

/**
 * Speed and time left from progress samples over the last `windowMs` (default 3 s): steady enough to
 * read, quick enough to follow a change of pace.
 */
export const createRateMeter = (now: () => number, windowMs = 3000) => {
  const samples: Array<{ t: number; bytes: number }> = [];
  return {
    sample(bytes: number): void {
      const t = now();
      samples.push({ t, bytes });
      while (samples.length > 2 && (samples[0]?.t ?? t) < t - windowMs) samples.shift();
    },
    /** Bytes per second, or null until two samples at least 200 ms apart exist. */
    bytesPerSecond(): number | null {
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (!first || !last || last.t - first.t < 200) return null;
      return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
    },
    /** Seconds until `total` at the current speed, or null when unknown. */
    secondsLeft(total: number): number | null {
      const speed = this.bytesPerSecond();
      const last = samples[samples.length - 1];
      if (speed === null || !last || speed <= 0) return null;
      return Math.max(0, (total - last.bytes) / speed);
    },
  };
};
