import type { ByteChannel } from './types';

/** The file channel's SCTP stream id, agreed in advance (negotiated), so opening it needs no signaling. */
export const FILE_CHANNEL_ID = 100;
/** Frames that may arrive before the model listens (it listens once the partner is adopted). */
const MAX_EARLY_FRAMES = 8;

/**
 * Opens the file channel on a connection. Both sides open it as soon as the peer connects: a
 * negotiated channel drops frames for a stream its side has not opened yet.
 */
export const openFileChannel = (pc: RTCPeerConnection): ByteChannel => {
  // Lowest priority (WebRTC priority, honoured by Chromium's SCTP scheduler; ignored where unknown):
  // heartbeats and chat on the call's own channel go first, so a transfer never looks like a dead link.
  const init: RTCDataChannelInit & { priority: 'very-low' } = {
    negotiated: true,
    id: FILE_CHANNEL_ID,
    ordered: true,
    priority: 'very-low',
  };
  const dc = pc.createDataChannel('parley-file', init);
  dc.binaryType = 'arraybuffer';
  const early: unknown[] = [];
  const listeners = new Set<(data: unknown) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  dc.onmessage = (e) => {
    if (listeners.size === 0) {
      if (early.length < MAX_EARLY_FRAMES) early.push(e.data);
      return;
    }
    for (const l of listeners) l(e.data);
  };
  const onClosed = () => {
    if (closed) return;
    closed = true;
    early.length = 0;
    for (const l of closeListeners) l();
  };
  dc.onclose = onClosed;
  pc.addEventListener('connectionstatechange', () => pc.connectionState === 'closed' && onClosed());
  return {
    get open() {
      return !closed && dc.readyState === 'open';
    },
    get bufferedAmount() {
      return dc.bufferedAmount;
    },
    send(data) {
      if (typeof data === 'string') dc.send(data);
      else dc.send(data as Uint8Array<ArrayBuffer>);
    },
    drained(low) {
      if (closed || dc.readyState !== 'open') return Promise.resolve(false);
      if (dc.bufferedAmount <= low) return Promise.resolve(true);
      dc.bufferedAmountLowThreshold = low;
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          dc.removeEventListener('bufferedamountlow', onLow);
          dc.removeEventListener('close', onClose);
          resolve(ok);
        };
        const onLow = () => done(true);
        const onClose = () => done(false);
        dc.addEventListener('bufferedamountlow', onLow);
        dc.addEventListener('close', onClose);
      });
    },
    onMessage(listener) {
      listeners.add(listener);
      for (const d of early.splice(0)) listener(d);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      if (closed) queueMicrotask(listener);
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
  };
};
