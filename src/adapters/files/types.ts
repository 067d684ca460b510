import type { Unsubscribe } from '../signaling/types';

/**
 * A data channel of its own for files, beside the call's message channel: file bytes never queue in
 * front of heartbeats or chat, and its send buffer is ours to watch (backpressure).
 */
export interface ByteChannel {
  /** Whether it can carry frames now. */
  readonly open: boolean;
  /** Bytes queued to send (RTCDataChannel.bufferedAmount). */
  readonly bufferedAmount: number;
  /** Queues one frame; throws when the channel is closed. */
  send(data: string | Uint8Array): void;
  /** Resolves once bufferedAmount is at or below `low` bytes (true), or false when the channel closed meanwhile. */
  drained(low: number): Promise<boolean>;
  /** Frames from the peer, untrusted: a string (control) or an ArrayBuffer (chunk). */
  onMessage(listener: (data: unknown) => void): Unsubscribe;
  /** The channel closed (the connection went or was replaced): transfers on it are over. */
  onClose(listener: () => void): Unsubscribe;
}

/** Where a received file's bytes go while it arrives; nothing becomes a usable file before `commit`. */
export interface FileSink {
  /** Stores the next bytes in order; a rejection means the disk refused (full, revoked permission). */
  write(bytes: Uint8Array): Promise<void>;
  /** The whole file arrived and its hash matched: make it the person's file. */
  commit(): Promise<SavedFile>;
  /** Throws away what was stored (a cancel, a fault, a hash mismatch): no partial file remains. */
  abort(): void;
}

/** What a committed file became: written where the person chose, or a download they start. */
export type SavedFile = { kind: 'written' } | { kind: 'download'; url: string; name: string };

/** Opens sinks for received files. */
export interface FileSaver {
  /** Whether files stream to disk (File System Access), so the in-memory limit does not apply. */
  readonly streams: boolean;
  /**
   * A sink for a file the person accepted (called from their click, so a save picker may open);
   * null when they closed the picker without choosing.
   */
  open(name: string, size: number): Promise<FileSink | null>;
  /** Forgets a download's object URL (the memory it holds) once it is saved or dismissed. */
  release(saved: SavedFile): void;
}
