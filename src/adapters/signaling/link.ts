import type { LinkState } from '../../core/recovery';

const linkOf = (pc: RTCPeerConnection): LinkState => {
  if (pc.iceConnectionState === 'failed' || pc.connectionState === 'failed') return 'failed';
  if (
    (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') &&
    pc.connectionState === 'connected'
  )
    return 'connected';
  return 'interrupted';
};

/**
 * Takes the "is this connection dead?" decision away from Trystero and reports link changes instead.
 * Trystero 0.25.4 (`dist/peer.mjs`) closes a peer as soon as ICE reports `failed`, or after 5 s of
 * `disconnected`: a Wi-Fi blink of a few seconds would end the call. Its handler is installed both
 * as `onconnectionstatechange` and as an `iceconnectionstatechange` listener (the same function),
 * so it can be read from the one and removed from the other. The call model then decides, with a
 * re-dial through the relay and a bounded recovery window (core/recovery.ts), and closes the
 * connection itself when it gives up. A data channel that closes still ends the peer through Trystero as before.
 */
export const watchLink = (pc: RTCPeerConnection, onLink: (state: LinkState) => void): void => {
  const trysteroHandler = pc.onconnectionstatechange;
  if (trysteroHandler) {
    pc.onconnectionstatechange = null;
    pc.removeEventListener('iceconnectionstatechange', trysteroHandler);
  }
  let last: LinkState = linkOf(pc);
  const changed = () => {
    if (pc.connectionState === 'closed') return;
    const next = linkOf(pc);
    if (next === last) return;
    last = next;
    onLink(next);
  };
  pc.addEventListener('connectionstatechange', changed);
  pc.addEventListener('iceconnectionstatechange', changed);
  if (last !== 'connected') onLink(last);
};
