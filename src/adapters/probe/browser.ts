import type { ConnectionProbe } from './types';

/** Real probes: a WebSocket per relay speaking its protocol (relay-socket.ts); a throwaway RTCPeerConnection per ICE server (no peer, no media). */
export const createBrowserProbe = (): ConnectionProbe => ({
  origin: location.origin,
  // Loaded on the first test: Home's first load carries none of the protocol talk.
  relay: async (url, strategy, timeoutMs) => (await import('./relay-socket')).probeRelay(url, strategy, timeoutMs),
  ice: (server, timeoutMs) =>
    new Promise((resolve) => {
      const found = { srflx: false, relay: false };
      let pc: RTCPeerConnection;
      try {
        pc = new RTCPeerConnection({ iceServers: [server] });
      } catch {
        resolve(found);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        pc.onicecandidate = null;
        pc.close();
        resolve(found);
      };
      const timer = setTimeout(done, timeoutMs);
      pc.onicecandidate = ({ candidate }) => {
        if (candidate === null) return done();
        if (candidate.type === 'srflx') found.srflx = true;
        if (candidate.type === 'relay') found.relay = true;
      };
      // A data channel gives the offer something to gather candidates for.
      pc.createDataChannel('probe');
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch(done);
    }),
});
