import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The part of Node's stream handle (TCPWrap, TLSWrap) that starts and stops reads. */
interface ReadHandle {
  reading?: boolean;
  readStop?: () => number;
}

/**
 * Stops reading a client's socket now, at the libuv handle, and leaves it open for its close frame.
 *
 * `socket.pause()` alone only pauses the stream: Node keeps the handle reading until its buffer
 * passes the high-water mark, so one more 64 KiB read happens into fresh memory (and libuv reads
 * up to 32 of them per wake-up). On this 2-core machine 64 sockets of one attacker dumping
 * unfinished fragments at once cost the main thread ~75 ms that way, and ~50 ms with the reads
 * stopped here (the rest is the one read each needs before ws can refuse it). A bare
 * `terminate()` would stop the reads too, but a reset with unread data costs the kernel more and
 * can reach a still-writing client before the close frame: it would see 1006, not 1008/1009.
 *
 * What the client sends afterwards stays in the kernel: its window fills and its writes block.
 * Node exposes no public call for this; the handle's `readStop` is what `net.Socket` itself calls
 * when a push returns false (Node 20's `onStreamRead`), and `reading` is the flag it keeps beside.
 */
export const stopReading = (socket: WebSocket): void => {
  socket.pause();
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  const handle = (raw as unknown as { _handle?: ReadHandle | null } | undefined)?._handle;
  if (handle?.readStop === undefined || handle.reading === false) return;
  handle.reading = false;
  handle.readStop();
};
