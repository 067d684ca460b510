// The parley patch to Trystero's peer (patches/README.md, "12. The partner closing its connection is
// reported as an error"): Chromium tells our data channel that the other end closed the association
// with an RTCError "User-Initiated Abort" (SCTP cause 12). Upstream passed it to the room's error
// handler, which logs "Trystero peer error" and then does what it does on a close. It happens whenever
// a partner re-dials just as the connection its old room was making opens (recovery.spec, a 12 s
// outage: 2 runs of 6). These tests drive the patched node_modules/@trystero-p2p/core/dist/peer.mjs
// with a fake RTCPeerConnection; the first fails on the unpatched file.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPeer, type PeerModule } from './trystero-dist';

/** The data channel the offering peer creates; the test plays the browser's events on it. */
let channel: FakeDataChannel | null = null;

class FakeDataChannel {
  binaryType = 'blob';
  bufferedAmountLowThreshold = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: unknown = null;
  onerror: ((e: { error: unknown }) => void) | null = null;
  close() {}
}

/** Enough of RTCPeerConnection for Trystero to build an offering peer on it. */
class FakePeerConnection {
  connectionState = 'new';
  iceConnectionState = 'new';
  signalingState = 'stable';
  onnegotiationneeded: unknown = null;
  onicecandidate: unknown = null;
  onconnectionstatechange: unknown = null;
  ontrack: unknown = null;
  createDataChannel() {
    channel = new FakeDataChannel();
    return channel;
  }
  addEventListener() {}
  removeEventListener() {}
  close() {}
}

/** What Chromium's RTCError carries (only the fields Trystero may look at). */
const rtcError = (errorDetail: string, sctpCauseCode: number | null, message: string) =>
  Object.assign(new Error(message), { name: 'OperationError', errorDetail, sctpCauseCode });

let peerModule: PeerModule;
beforeAll(async () => {
  peerModule = await loadPeer();
});

const connectedPeer = () => {
  const peer = peerModule.default(true, {
    rtcPolyfill: FakePeerConnection,
    rtcConfig: { iceServers: [] },
  }) as ReturnType<PeerModule['default']> & { setHandlers(h: { close: () => void; error: (e: Error) => void }): void };
  const seen = { closes: 0, errors: [] as string[] };
  peer.setHandlers({ close: () => seen.closes++, error: (e) => seen.errors.push(e.message) });
  const dc = channel;
  if (dc === null) throw new Error('Trystero made no data channel');
  dc.onopen?.();
  return { dc, seen };
};

describe('Trystero peer (parley patch: the partner closing is a close, not an error)', () => {
  it('"User-Initiated Abort" from the other end closes the peer once, with no error reported', () => {
    const { dc, seen } = connectedPeer();
    dc.onerror?.({ error: rtcError('sctp-failure', 12, 'User-Initiated Abort, reason=Close called') });
    expect(seen).toEqual({ closes: 1, errors: [] });
    // The channel's own close event that follows is the same close, not a second one.
    dc.onclose?.();
    expect(seen.closes).toBe(1);
  });

  it('every other data-channel error is still reported as an error', () => {
    const { dc, seen } = connectedPeer();
    dc.onerror?.({ error: rtcError('sctp-failure', 1, 'Invalid Stream Identifier') });
    dc.onerror?.({ error: rtcError('data-channel-failure', null, 'Transport channel closed') });
    expect(seen.closes).toBe(0);
    expect(seen.errors).toEqual(['Invalid Stream Identifier', 'Transport channel closed']);
  });
});
