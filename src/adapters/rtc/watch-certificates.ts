/**
 * Calls `onChange` whenever the certificates of `pc` may have changed, so they are read again
 * (docs/verification.md §"Fingerprints"): a DTLS transport changed state (its handshake ran again, or a new
 * transport connected), negotiation came back to `stable` (a renegotiation finished: new m-lines may bring
 * new transports), or the connection's state changed. Reading the fingerprints once per connection would let
 * a renegotiation carry media over a certificate nobody verified while the screen still says "Verified".
 * Returns a function that stops watching.
 */
export const watchCertificates = (pc: RTCPeerConnection, onChange: () => void): (() => void) => {
  const watched = new Set<RTCDtlsTransport>();
  const transports = (): RTCDtlsTransport[] => {
    const found: Array<RTCDtlsTransport | null | undefined> = [pc.sctp?.transport];
    for (const t of pc.getTransceivers()) found.push(t.sender.transport, t.receiver.transport);
    return found.filter((t): t is RTCDtlsTransport => t !== null && t !== undefined);
  };
  /** Transports appear with negotiation: pick up new ones each time something changes. */
  const attach = () => {
    for (const t of transports()) {
      if (watched.has(t)) continue;
      watched.add(t);
      t.addEventListener('statechange', onChange);
    }
  };
  const onSignaling = () => {
    if (pc.signalingState !== 'stable') return;
    attach();
    onChange();
  };
  const onConnection = () => {
    attach();
    onChange();
  };
  attach();
  pc.addEventListener('signalingstatechange', onSignaling);
  pc.addEventListener('connectionstatechange', onConnection);
  return () => {
    pc.removeEventListener('signalingstatechange', onSignaling);
    pc.removeEventListener('connectionstatechange', onConnection);
    for (const t of watched) t.removeEventListener('statechange', onChange);
    watched.clear();
  };
};
