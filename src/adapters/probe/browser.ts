import type { ConnectionProbe } from './types';

/** Real probes: a WebSocket per relay; a throwaway RTCPeerConnection per ICE server (no peer, no media). */
export const createBrowserProbe = (): ConnectionProbe => ({
  relay: (url, timeoutMs) =>
    new Promise((resolve) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url);
      } catch {
        resolve(false);
        return;
      }
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.onopen = socket.onerror = socket.onclose = null;
        socket.close();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      socket.onopen = () => done(true);
      socket.onerror = socket.onclose = () => done(false);
    }),
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
