// Files sent person to person over the file channel (loaded once a call connects, not on first load).
// The sender offers; nothing flows until the receiver accepts. Bytes go in order, never more than a
// window ahead of what the receiver stored, and never past the channel's buffer limit; the receiver
// checks each chunk at the edge (core/file-receive), hashes as it stores, and makes the file the
// person's only after the digest (SHA-256 over each chunk's SHA-256, core/file-digest) matched. Any
// break of the protocol cuts that transfer off.
import { batch, signal, type ReadonlySignal } from '@preact/signals';
import { createFileDigest, type FileDigest } from '../core/file-digest';
import {
  CHUNK_BYTES,
  encodeChunk,
  encodeFileControl,
  parseChunk,
  parseFileControl,
  transferIdFrom,
  type CancelReason,
  type FileControl,
  type RejectReason,
  type TransferId,
} from '../core/file-protocol';
import { sanitiseFileName } from '../core/file-name';
import {
  ACK_EVERY_BYTES,
  createIncoming,
  DEFAULT_MAX_FILE_BYTES,
  createRateMeter,
  FILE_CONTROL_BUDGET,
  FILE_OFFER_BUDGET,
  MAX_PENDING_OFFERS,
  SEND_WINDOW_BYTES,
  type IncomingState,
  type ReceiveFault,
} from '../core/file-receive';
import { createTokenBucket } from '../core/token-bucket';
import type { ByteChannel, FileSaver, FileSink, SavedFile } from '../adapters/files/types';

/**
 * Send while the channel holds less than this; then wait until it drains to LOW_WATER. Enough to keep
 * a fast link busy, little enough that the call's own messages (heartbeats, chat) on the other
 * channel of the same connection never queue behind seconds of file data.
 */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** The sender reads the file in blocks of this size (fewer reads than one per chunk). */
const READ_BYTES = 1024 * 1024;
/** Progress is published at most this often (a 64 MiB file is a thousand chunks). */
const PUBLISH_MS = 100;
/** Finished transfers kept in the list; older ones fall off (their downloads released). */
const MAX_LISTED = 20;
/** How often file traffic is reported as the partner's sign of life. */
const ACTIVITY_MS = 250;

export type TransferState =
  /** Receiver: an offer waits for the person's answer. */
  | 'offered'
  /** Sender: waiting for the other person to accept. */
  | 'waiting'
  /** Bytes are flowing. */
  | 'active'
  /** Everything arrived; the hash is being checked. */
  | 'verifying'
  | 'done'
  | 'refused'
  | 'cancelled'
  | 'failed';

export interface TransferView {
  /** Unique in the list (direction and wire id). */
  key: string;
  direction: 'send' | 'receive';
  /** Sanitised (a peer's name is untrusted): render as text only. */
  name: string;
  size: number;
  /** MIME type as announced ('' when unknown); informational, never used to open anything. */
  type: string;
  state: TransferState;
  /** Bytes stored by the receiver (for the sender: acknowledged). */
  bytes: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** Why it ended, when it did not end well (or the note for a refused offer). */
  reason: TransferReason | null;
  /** A verified file kept in memory, for the person to save. */
  download: { url: string; name: string } | null;
}

export interface FileTransferModel {
  readonly transfers: ReadonlySignal<readonly TransferView[]>;
  /** Whether files can be sent now (a partner is connected). */
  readonly ready: ReadonlySignal<boolean>;
  /** The largest file we receive into memory (where it cannot stream to disk). */
  readonly maxFileBytes: number;
  send(file: File): void;
  accept(key: string): Promise<void>;
  reject(key: string): void;
  cancel(key: string): void;
  /** Removes a finished entry, releasing its download. */
  dismiss(key: string): void;
}

export interface FileTransferControl extends FileTransferModel {
  /** The partner's file channel (a fresh one after a reconnect). */
  attach(channel: ByteChannel): void;
  /** The partner is gone or their connection was replaced: whatever was under way fails, clearly. */
  detach(): void;
  /** The call ended: everything is released. */
  dispose(): void;
}

export interface FileTransferDeps {
  saver: FileSaver;
  /** config.json `maxFileBytes`; absent: DEFAULT_MAX_FILE_BYTES. */
  maxFileBytes?: number;
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** An offer arrived (e.g. open the chat panel, where it is answered). */
  onOffer: () => void;
  /**
   * A frame arrived from the partner (at most every ACTIVITY_MS): proof they are alive. A busy transfer
   * can delay their heartbeats on the other channel behind its own data; this keeps the call from
   * taking them for silent.
   */
  onActivity?: () => void;
}

/**
 * SHA-256 of one chunk by WebCrypto (native and off the main thread, in browsers and Node alike). It
 * copies `bytes` before it returns, so the caller may reuse them.
 */
const chunkSha256 = async (bytes: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/**
 * Why a transfer ended other than well, or why an offer was turned away (the UI words it): a fault of the
 * sender's stream, the other side's cancel or refusal, or something on this side.
 */
export type TransferReason =
  | { kind: 'fault'; fault: ReceiveFault | 'window' }
  | { kind: 'cancel'; reason: CancelReason }
  | { kind: 'reject'; reason: RejectReason }
  /** Refused here: larger than this browser receives into memory (`max` bytes). */
  | { kind: 'too-large-here'; max: number }
  | { kind: 'interrupted' | 'read-failed' | 'write-failed' | 'save-failed' | 'you-declined' | 'you-cancelled' };

interface Entry {
  view: TransferView;
  meter: ReturnType<typeof createRateMeter>;
  lastPublish: number;
}
interface Outgoing extends Entry {
  file: File;
  id: TransferId;
  acked: number;
  wake: (() => void) | null;
}
interface Incoming extends Entry {
  id: TransferId;
  state: IncomingState;
  sink: FileSink | null;
  hash: FileDigest;
  /** Writes run in order; this is the last one queued. */
  writing: Promise<void>;
  stored: number;
  ackedSent: number;
  saved: SavedFile | null;
}

const ACTIVE: ReadonlySet<TransferState> = new Set(['offered', 'waiting', 'active', 'verifying']);

export const createFileTransferModel = (deps: FileTransferDeps): FileTransferControl => {
  const { saver, now } = deps;
  const maxFileBytes = deps.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const transfers = signal<readonly TransferView[]>([]);
  const ready = signal(false);
  const outgoing = new Map<TransferId, Outgoing>();
  const incoming = new Map<TransferId, Incoming>();
  /** Everything listed, newest last, by key. */
  const listed = new Map<string, Outgoing | Incoming>();
  let channel: ByteChannel | null = null;
  let offs: Array<() => void> = [];
  let offerBudget = createTokenBucket(FILE_OFFER_BUDGET.capacity, FILE_OFFER_BUDGET.perSecond, now);
  let controlBudget = createTokenBucket(FILE_CONTROL_BUDGET.capacity, FILE_CONTROL_BUDGET.perSecond, now);

  const publish = () => {
    transfers.value = [...listed.values()].map((e) => ({ ...e.view }));
  };
  /** A progress update skipped by the throttle is shown by this trailing publish (a stalled transfer shows where it stopped). */
  let trailing: ReturnType<typeof setTimeout> | null = null;
  const update = (e: Entry, patch: Partial<TransferView>, force = true) => {
    Object.assign(e.view, patch);
    const t = now();
    if (!force && t - e.lastPublish < PUBLISH_MS) {
      trailing ??= setTimeout(() => {
        trailing = null;
        publish();
      }, PUBLISH_MS);
      return;
    }
    e.lastPublish = t;
    publish();
  };
  const progress = (e: Entry, bytes: number) => {
    e.meter.sample(bytes);
    update(
      e,
      { bytes, bytesPerSecond: e.meter.bytesPerSecond(), secondsLeft: e.meter.secondsLeft(e.view.size) },
      bytes === e.view.size,
    );
  };
  const list = (e: Outgoing | Incoming) => {
    listed.set(e.view.key, e);
    // Finished entries beyond the cap fall off, oldest first, releasing their downloads.
    for (const [key, old] of listed) {
      if (listed.size <= MAX_LISTED) break;
      if (!ACTIVE.has(old.view.state)) forget(key);
    }
    publish();
  };
  const forget = (key: string) => {
    const e = listed.get(key);
    if (!e) return;
    listed.delete(key);
    if ('saved' in e && e.saved) saver.release(e.saved);
  };

  const sendControl = (frame: FileControl) => {
    try {
      channel?.send(encodeFileControl(frame));
    } catch {
      // Closed under us: the close handler fails what was under way.
    }
  };

  /** Ends a transfer: its memory goes (the sink aborted, the file reference dropped), the entry says why. */
  const finish = (e: Outgoing | Incoming, state: TransferState, reason: TransferReason | null) => {
    if (!ACTIVE.has(e.view.state)) return;
    if ('sink' in e) {
      e.sink?.abort();
      e.sink = null;
      incoming.delete(e.id);
    } else {
      outgoing.delete(e.id);
      e.wake?.();
    }
    update(e, { state, reason, bytesPerSecond: null, secondsLeft: null });
  };

  /** The peer broke the protocol on this transfer: tell them, and stop. */
  const cutOff = (t: Incoming, fault: ReceiveFault | 'window') => {
    sendControl({ t: 'cancel', id: t.id, reason: 'protocol' });
    finish(t, 'failed', { kind: 'fault', fault });
  };

  // ---- sending ----
  const pump = async (t: Outgoing) => {
    const hash = createFileDigest();
    let seq = 0;
    let sent = 0;
    const stillOn = () => outgoing.get(t.id) === t && channel !== null;
    /** The file could not be read (or hashed) here: the other side is told the transfer is off. */
    const readFailed = () => {
      if (!stillOn()) return;
      sendControl({ t: 'cancel', id: t.id, reason: 'cancelled' });
      finish(t, 'failed', { kind: 'read-failed' });
    };
    for (let offset = 0; offset < t.file.size; offset += READ_BYTES) {
      let block: Uint8Array;
      try {
        block = new Uint8Array(await t.file.slice(offset, offset + READ_BYTES).arrayBuffer());
      } catch {
        return readFailed();
      }
      // Hashed by the platform while the chunks go out; chained in order once the block is sent.
      const digests: Promise<Uint8Array>[] = [];
      for (let i = 0; i < block.byteLength; i += CHUNK_BYTES)
        digests.push(chunkSha256(block.subarray(i, i + CHUNK_BYTES)));
      for (let i = 0; i < block.byteLength; i += CHUNK_BYTES) {
        // Never more than a window ahead of what the receiver stored: its memory stays bounded.
        while (stillOn() && sent - t.acked > SEND_WINDOW_BYTES) await new Promise<void>((r) => (t.wake = r));
        const ch = channel;
        if (!stillOn() || !ch) return;
        if (ch.bufferedAmount > HIGH_WATER && !(await ch.drained(LOW_WATER))) return;
        if (!stillOn()) return;
        const piece = block.subarray(i, i + CHUNK_BYTES);
        ch.send(encodeChunk(t.id, seq++, piece));
        sent += piece.byteLength;
      }
      try {
        for (const d of await Promise.all(digests)) hash.add(d);
      } catch {
        return readFailed();
      }
    }
    if (!stillOn()) return;
    sendControl({ t: 'done', id: t.id, sha256: hash.hex() });
    update(t, { state: 'verifying' });
  };

  const onSenderFrame = (f: Extract<FileControl, { t: 'accept' | 'reject' | 'ack' | 'verified' | 'cancel' }>) => {
    const t = outgoing.get(f.id);
    if (!t) return false;
    switch (f.t) {
      case 'accept':
        if (t.view.state !== 'waiting') return true;
        update(t, { state: 'active' });
        t.meter.sample(0);
        void pump(t);
        return true;
      case 'reject':
        if (t.view.state === 'waiting') finish(t, 'refused', { kind: 'reject', reason: f.reason });
        return true;
      case 'ack':
        // Only forward, and never past the file: anything else is noise from the peer, ignored.
        if (t.view.state === 'waiting' || f.bytes <= t.acked || f.bytes > t.file.size) return true;
        t.acked = f.bytes;
        progress(t, f.bytes);
        t.wake?.();
        t.wake = null;
        return true;
      case 'verified':
        if (t.view.state === 'verifying' && t.acked === t.file.size) {
          outgoing.delete(t.id);
          update(t, { state: 'done', bytesPerSecond: null, secondsLeft: null });
        }
        return true;
      case 'cancel':
        finish(t, f.reason === 'cancelled' ? 'cancelled' : 'failed', { kind: 'cancel', reason: f.reason });
        return true;
    }
  };

  // ---- receiving ----
  const onOffer = (f: Extract<FileControl, { t: 'offer' }>) => {
    if (incoming.has(f.id) || listed.has(`receive:${f.id}`)) return;
    if (!offerBudget.take()) return;
    const view: TransferView = {
      key: `receive:${f.id}`,
      direction: 'receive',
      name: sanitiseFileName(f.name),
      size: f.size,
      type: f.type,
      state: 'offered',
      bytes: 0,
      bytesPerSecond: null,
      secondsLeft: null,
      reason: null,
      download: null,
    };
    const waiting = [...incoming.values()].filter((t) => t.view.state === 'offered').length;
    const refusal: RejectReason | null =
      !saver.streams && f.size > maxFileBytes ? 'too-large' : waiting >= MAX_PENDING_OFFERS ? 'busy' : null;
    if (refusal) {
      sendControl({ t: 'reject', id: f.id, reason: refusal });
      // Shown, so the person knows something was offered and why it was turned away.
      if (refusal === 'too-large') {
        view.state = 'refused';
        view.reason = { kind: 'too-large-here', max: maxFileBytes };
        list({ view, meter: createRateMeter(now), lastPublish: 0 } as Incoming);
      }
      return;
    }
    const t: Incoming = {
      view,
      meter: createRateMeter(now),
      lastPublish: 0,
      id: f.id,
      state: createIncoming(f.size),
      sink: null,
      hash: createFileDigest(),
      writing: Promise.resolve(),
      stored: 0,
      ackedSent: 0,
      saved: null,
    };
    incoming.set(f.id, t);
    list(t);
    deps.onOffer();
  };

  const onChunk = (id: TransferId, seq: number, bytes: Uint8Array) => {
    const t = incoming.get(id);
    // Chunks for a transfer that ended (cancelled while they were on their way) or never existed: dropped.
    if (!t) return;
    // Checked before anything is kept: order, size, acceptance (core/file-receive).
    const fault = t.state.chunk(seq, bytes.byteLength);
    if (fault) return cutOff(t, fault);
    // A sender ignoring the window would make a slow disk's queue grow without bound.
    if (t.state.received - t.ackedSent > SEND_WINDOW_BYTES + CHUNK_BYTES) return cutOff(t, 'window');
    // Hashed by the platform at once (several chunks at a time); chained in order as it is stored.
    const digest = chunkSha256(bytes);
    digest.catch(() => undefined);
    const sink = t.sink;
    t.writing = t.writing.then(async () => {
      if (!sink || incoming.get(id) !== t) return;
      const d = await digest;
      // Cancelled (or cut off) while the chunk was hashed: nothing more is stored.
      if (incoming.get(id) !== t) return;
      t.hash.add(d);
      await sink.write(bytes);
      t.stored += bytes.byteLength;
      if (t.stored - t.ackedSent >= ACK_EVERY_BYTES || t.stored === t.view.size) {
        t.ackedSent = t.stored;
        sendControl({ t: 'ack', id, bytes: t.stored });
      }
      progress(t, t.stored);
    });
    t.writing.catch(() => {
      if (incoming.get(id) !== t) return;
      sendControl({ t: 'cancel', id, reason: 'write-failed' });
      finish(t, 'failed', { kind: 'write-failed' });
    });
  };

  const onDone = async (t: Incoming, expected: string) => {
    const fault = t.state.done();
    if (fault) return cutOff(t, fault);
    update(t, { state: 'verifying' });
    try {
      await t.writing;
    } catch {
      return;
    }
    if (incoming.get(t.id) !== t || !t.sink) return;
    if (t.hash.hex() !== expected) {
      sendControl({ t: 'cancel', id: t.id, reason: 'hash-mismatch' });
      return finish(t, 'failed', { kind: 'cancel', reason: 'hash-mismatch' });
    }
    const sink = t.sink;
    t.sink = null;
    let saved: SavedFile;
    try {
      saved = await sink.commit();
    } catch {
      sendControl({ t: 'cancel', id: t.id, reason: 'write-failed' });
      return finish(t, 'failed', { kind: 'save-failed' });
    }
    incoming.delete(t.id);
    t.saved = saved;
    sendControl({ t: 'verified', id: t.id });
    update(t, {
      state: 'done',
      bytesPerSecond: null,
      secondsLeft: null,
      download: saved.kind === 'download' ? { url: saved.url, name: saved.name } : null,
    });
  };

  const onReceiverFrame = (f: Extract<FileControl, { t: 'done' | 'cancel' }>) => {
    const t = incoming.get(f.id);
    if (!t) return false;
    if (f.t === 'done') void onDone(t, f.sha256);
    else finish(t, f.reason === 'cancelled' ? 'cancelled' : 'failed', { kind: 'cancel', reason: f.reason });
    return true;
  };

  let lastActivity = Number.NEGATIVE_INFINITY;
  const onFrame = (raw: unknown) => {
    const t = now();
    if (deps.onActivity && t - lastActivity >= ACTIVITY_MS) {
      lastActivity = t;
      deps.onActivity();
    }
    if (raw instanceof ArrayBuffer) {
      const chunk = parseChunk(raw);
      if (chunk) onChunk(chunk.id, chunk.seq, chunk.bytes);
      return;
    }
    if (!controlBudget.take()) return;
    const f = parseFileControl(raw);
    if (!f) return;
    switch (f.t) {
      case 'offer':
        return onOffer(f);
      case 'done':
        onReceiverFrame(f);
        return;
      case 'cancel':
        // Either direction: the id says which (a cancel for one we neither send nor receive is noise).
        if (!onReceiverFrame(f)) onSenderFrame(f);
        return;
      default:
        onSenderFrame(f);
    }
  };

  const detach = () => {
    offs.forEach((off) => off());
    offs = [];
    channel = null;
    batch(() => {
      ready.value = false;
      for (const e of [...outgoing.values(), ...incoming.values()]) finish(e, 'failed', { kind: 'interrupted' });
    });
  };

  const byKey = (key: string) => listed.get(key);

  return {
    transfers,
    ready,
    maxFileBytes,
    attach(ch) {
      detach();
      channel = ch;
      offerBudget = createTokenBucket(FILE_OFFER_BUDGET.capacity, FILE_OFFER_BUDGET.perSecond, now);
      controlBudget = createTokenBucket(FILE_CONTROL_BUDGET.capacity, FILE_CONTROL_BUDGET.perSecond, now);
      offs = [ch.onMessage(onFrame), ch.onClose(() => channel === ch && detach())];
      ready.value = true;
    },
    detach,
    dispose() {
      if (trailing) clearTimeout(trailing);
      trailing = null;
      detach();
      for (const key of [...listed.keys()]) forget(key);
      publish();
    },
    send(file) {
      if (!channel) return;
      const id = transferIdFrom(deps.randomBytes(8));
      const name = sanitiseFileName(file.name);
      const t: Outgoing = {
        view: {
          key: `send:${id}`,
          direction: 'send',
          name,
          size: file.size,
          type: file.type,
          state: 'waiting',
          bytes: 0,
          bytesPerSecond: null,
          secondsLeft: null,
          reason: null,
          download: null,
        },
        meter: createRateMeter(now),
        lastPublish: 0,
        file,
        id,
        acked: 0,
        wake: null,
      };
      outgoing.set(id, t);
      list(t);
      sendControl({ t: 'offer', id, name, size: file.size, type: file.type });
    },
    async accept(key) {
      const t = byKey(key);
      if (!t || !('sink' in t) || t.view.state !== 'offered' || t.sink) return;
      // Opened from the person's click: where the browser can, a save picker asks where the file goes.
      let sink: FileSink | null;
      try {
        sink = await saver.open(t.view.name, t.view.size);
      } catch {
        sink = null;
      }
      if (!sink) return;
      // Cancelled by the sender while the picker was open.
      if (incoming.get(t.id) !== t) return sink.abort();
      t.sink = sink;
      t.state.accept();
      update(t, { state: 'active' });
      t.meter.sample(0);
      sendControl({ t: 'accept', id: t.id });
      // An empty file has no chunks: it is complete once the sender says so.
    },
    reject(key) {
      const t = byKey(key);
      if (!t || !('sink' in t) || t.view.state !== 'offered') return;
      sendControl({ t: 'reject', id: t.id, reason: 'declined' });
      finish(t, 'refused', { kind: 'you-declined' });
      forget(key);
      publish();
    },
    cancel(key) {
      const t = byKey(key);
      if (!t || !ACTIVE.has(t.view.state)) return;
      sendControl({ t: 'cancel', id: t.id, reason: 'cancelled' });
      finish(t, 'cancelled', { kind: 'you-cancelled' });
    },
    dismiss(key) {
      const t = byKey(key);
      if (!t || ACTIVE.has(t.view.state)) return;
      forget(key);
      publish();
    },
  };
};
