import type { ByteChannel, FileSaver, FileSink, SavedFile } from './types';

/** One end of a fake file channel, with what the tests need to drive it. */
export interface FakeByteChannel extends ByteChannel {
  /** Closes both ends (the connection went). */
  close(): void;
  /** Frames this end sent, in order (strings as sent; binary as copies). */
  readonly sent: Array<string | Uint8Array>;
  /**
   * A slow network: from now on at most `binaryFrames` more binary frames are delivered; after them
   * every frame is held, in order, until `gate(null)` lets them through.
   */
  gate(binaryFrames: number | null): void;
  /**
   * Resolves once every frame this end has sent so far (and not held by the gate) has been handed to
   * the other end's listeners: what a test waits on before checking that nothing more happened.
   */
  delivered(): Promise<void>;
}

/**
 * Two connected ends. Frames arrive on a later task, in order, as the real channel delivers them:
 * strings as strings, binary as a fresh ArrayBuffer. Nothing is ever buffered (bufferedAmount 0).
 */
export const createFakeChannelPair = (): [FakeByteChannel, FakeByteChannel] => {
  let closed = false;
  interface End {
    listeners: Set<(data: unknown) => void>;
    closeListeners: Set<() => void>;
    channel: FakeByteChannel;
    link(p: End): void;
  }
  const make = (): End => {
    const listeners = new Set<(data: unknown) => void>();
    const closeListeners = new Set<() => void>();
    const sent: Array<string | Uint8Array> = [];
    let peer: End | null = null;
    let allowance: number | null = null;
    const held: Array<string | ArrayBuffer> = [];
    let inFlight = 0;
    const idle: Array<() => void> = [];
    const deliver = (wire: unknown) => {
      inFlight++;
      setTimeout(() => {
        if (!closed) for (const l of peer?.listeners ?? []) l(wire);
        if (--inFlight === 0) for (const resolve of idle.splice(0)) resolve();
      }, 0);
    };
    const end: End = {
      listeners,
      closeListeners,
      channel: {
        sent,
        get open() {
          return !closed;
        },
        bufferedAmount: 0,
        send(data: string | Uint8Array) {
          if (closed) throw new Error('channel closed');
          const copy = typeof data === 'string' ? data : data.slice();
          sent.push(copy);
          const wire = typeof copy === 'string' ? copy : copy.buffer;
          if (allowance !== null && allowance <= 0) return void held.push(wire);
          if (allowance !== null && typeof copy !== 'string') allowance--;
          deliver(wire);
        },
        gate(binaryFrames: number | null) {
          allowance = binaryFrames;
          if (binaryFrames === null) for (const f of held.splice(0)) deliver(f);
        },
        drained: async () => !closed,
        delivered: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
        onMessage(l: (data: unknown) => void) {
          listeners.add(l);
          return () => listeners.delete(l);
        },
        onClose(l: () => void) {
          closeListeners.add(l);
          return () => closeListeners.delete(l);
        },
        close() {
          if (closed) return;
          closed = true;
          for (const e of [a, b]) for (const l of e.closeListeners) l();
        },
      } satisfies FakeByteChannel,
      link(p: End) {
        peer = p;
      },
    };
    return end;
  };
  const a = make();
  const b = make();
  a.link(b);
  b.link(a);
  return [a.channel, b.channel];
};

/** A sink's life as a test sees it. */
export interface FakeSinkRecord {
  name: string;
  size: number;
  bytes: number;
  chunks: Uint8Array[];
  state: 'open' | 'committed' | 'aborted';
}

/** A saver that keeps files in memory and records every sink; `streams` and a failing write are settable. */
export const createFakeFileSaver = (
  options: { streams?: boolean; failWriteAt?: number; pickerCancelled?: boolean } = {},
) => {
  const sinks: FakeSinkRecord[] = [];
  const released: SavedFile[] = [];
  const saver: FileSaver = {
    streams: options.streams ?? false,
    async open(name, size) {
      if (options.pickerCancelled) return null;
      const record: FakeSinkRecord = { name, size, bytes: 0, chunks: [], state: 'open' };
      sinks.push(record);
      const sink: FileSink = {
        async write(bytes) {
          if (options.failWriteAt !== undefined && record.bytes + bytes.byteLength > options.failWriteAt)
            throw new Error('disk full');
          record.chunks.push(bytes.slice());
          record.bytes += bytes.byteLength;
        },
        async commit() {
          record.state = 'committed';
          return { kind: 'download', url: `blob:fake/${sinks.length}`, name };
        },
        abort() {
          record.state = 'aborted';
          record.chunks = [];
        },
      };
      return sink;
    },
    release(saved) {
      released.push(saved);
    },
  };
  return { saver, sinks, released };
};
