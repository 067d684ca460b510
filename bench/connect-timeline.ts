// Where a connect's milliseconds go, measured in the pages themselves (app and bare alike) by an init
// script that watches the relay socket, the RTCPeerConnections and the remote <video>: every
// milestone is a wall-clock time (Date.now, one clock for both pages of a sample) recorded when the
// browser reported it in that run. A milestone that never happened makes the sample fail; nothing
// is filled in.

/** What the init script records, first occurrence of each (wall clock, ms). */
export interface Milestones {
  /** The join: the click on "Join now" (app); the bare page has no lobby, so its navigation start. */
  joinedAt?: number;
  /** The app's signaling adapter was asked to join (config read and room keys derived by then). */
  signalingJoin?: number;
  wsCreated?: number;
  wsOpen?: number;
  /** The first Nostr EVENT published: the announce. */
  announceSent?: number;
  /** The SDP exchange finished on this side: an answer sent or received over the relay. */
  answerExchanged?: number;
  iceConnected?: number;
  /** RTCPeerConnection "connected": ICE and the DTLS handshake are done. */
  dtlsConnected?: number;
  /** The first data channel open (Trystero reports the peer as joined on it). */
  channelOpen?: number;
  /** The app heard of the peer (Trystero's onPeerJoin reached the signaling adapter). */
  peerJoined?: number;
  /** The app's admission paired this side with the peer (its media is added next). */
  paired?: number;
  /** This side added its media to a connection (addTrack). */
  mediaAdded?: number;
  /** The partner's media arrived: the first remote track (their renegotiation done). */
  remoteTrack?: number;
  firstRemoteFrame?: number;
}

declare global {
  interface Window {
    __milestones: Milestones;
  }
}

/** Runs in each page before its scripts (context.addInitScript). Self-contained: no imports. */
export const recordMilestones = () => {
  const m: Milestones = {};
  window.__milestones = m;
  const mark = (k: keyof Milestones, at = Date.now()) => {
    m[k] ??= at;
  };
  if (location.pathname.endsWith('/') && location.search.includes('relay='))
    m.joinedAt = Math.round(performance.timeOrigin);
  document.addEventListener(
    'click',
    (e) => {
      if (e.target instanceof Element && e.target.closest('[data-testid="lobby-join"]')) mark('joinedAt');
    },
    true,
  );
  // The app's own marks: the adapter asked to join, a peer reported joined, admission paired us.
  // An observer is told late (a busy page delays it): the mark's own time is what counts.
  const marks = {
    'parley:signaling-join': 'signalingJoin',
    'parley:peer-joined': 'peerJoined',
    'parley:paired': 'paired',
  } as const;
  new PerformanceObserver((list) => {
    for (const [name, k] of Object.entries(marks)) {
      const e = list.getEntriesByName(name)[0];
      if (e) mark(k, Math.round(performance.timeOrigin + e.startTime));
    }
  }).observe({ type: 'mark' });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      mark('wsCreated');
      this.addEventListener('open', () => mark('wsOpen'));
      this.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (typeof e.data === 'string' && e.data.startsWith('["EVENT"') && e.data.includes('\\"answer\\"'))
          mark('answerExchanged');
      });
    }
    override send(data: Parameters<WebSocket['send']>[0]) {
      if (typeof data === 'string' && data.startsWith('["EVENT"')) {
        mark('announceSent');
        if (data.includes('\\"answer\\"')) mark('answerExchanged');
      }
      super.send(data);
    }
  };
  const NativePeerConnection = window.RTCPeerConnection;
  const watchChannel = (c: RTCDataChannel) => {
    if (c.readyState === 'open') mark('channelOpen');
    else c.addEventListener('open', () => mark('channelOpen'));
  };
  window.RTCPeerConnection = class extends NativePeerConnection {
    // Media added to a connection (Trystero's addStream): the partner's renegotiation or answer follows.
    override addTrack(track: MediaStreamTrack, ...streams: MediaStream[]) {
      mark('mediaAdded');
      return super.addTrack(track, ...streams);
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit) {
      const c = super.createDataChannel(label, init);
      watchChannel(c);
      return c;
    }
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('datachannel', (e) => watchChannel(e.channel));
      this.addEventListener('track', () => mark('remoteTrack'));
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') mark('iceConnected');
      });
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('dtlsConnected');
      });
    }
  };
  document.addEventListener(
    'loadeddata',
    (e) => {
      const v = e.target;
      if (v instanceof HTMLVideoElement && (v.id === 'remote' || v.dataset['testid'] === 'remote-video'))
        mark('firstRemoteFrame');
    },
    true,
  );
};

/** The phases printed, each from one milestone of the joining side to the next. */
export const PHASES = [
  {
    name: 'join → signaling asked to join (config, key derivation)',
    from: 'joinedAt',
    to: 'signalingJoin',
    appOnly: true,
  },
  {
    name: '→ relay socket created (strategy module, DTLS certificate, joinRoom)',
    from: 'signalingJoin',
    to: 'wsCreated',
    appOnly: true,
  },
  { name: 'join → relay socket created (page load, joinRoom)', from: 'joinedAt', to: 'wsCreated', bareOnly: true },
  { name: '→ relay socket open', from: 'wsCreated', to: 'wsOpen' },
  { name: '→ announce published', from: 'wsOpen', to: 'announceSent' },
  { name: '→ offer/answer exchanged over the relay', from: 'announceSent', to: 'answerExchanged' },
  { name: '→ ICE connected', from: 'answerExchanged', to: 'iceConnected' },
  { name: '→ DTLS done (connection "connected")', from: 'iceConnected', to: 'dtlsConnected' },
  { name: '→ data channel open (Trystero: peer joined)', from: 'dtlsConnected', to: 'channelOpen' },
  { name: '→ the app hears of the peer (onPeerJoin)', from: 'channelOpen', to: 'peerJoined', appOnly: true },
  { name: '→ admission paired us', from: 'peerJoined', to: 'paired', appOnly: true },
  { name: '→ own media added (addTrack)', from: 'paired', to: 'mediaAdded', appOnly: true },
  { name: '→ own media added (onPeerJoin: addStream)', from: 'channelOpen', to: 'mediaAdded', bareOnly: true },
  { name: "→ partner's media track here (their renegotiation)", from: 'mediaAdded', to: 'remoteTrack' },
  { name: '→ first remote frame here (decoded, <video> loaded)', from: 'remoteTrack', to: 'firstRemoteFrame' },
] as const satisfies ReadonlyArray<{
  name: string;
  from: keyof Milestones;
  to: keyof Milestones;
  appOnly?: boolean;
  bareOnly?: boolean;
}>;

export type Kind = 'app' | 'bare';

export interface Breakdown {
  /** Join → first remote frame on both sides (the connect figure). */
  total: number;
  /** Per phase name, ms on the joining side; the last one, "first frame on the other side too", closes the sum. */
  phases: Record<string, number>;
}

export const BOTH_SIDES_PHASE = '→ first remote frame on the other side too';

/**
 * Splits one sample into phases. `joiner`'s milestones are the second person's; `other` only adds when
 * the first person saw a frame. Throws naming the missing milestone (the sample measured nothing then).
 * A milestone reached before the previous one (the socket was already open, say) counts 0 ms.
 */
export const breakdown = (kind: Kind, joiner: Milestones, other: Milestones): Breakdown => {
  const need = (side: Milestones, k: keyof Milestones, who: string): number => {
    const t = side[k];
    if (t === undefined || !Number.isFinite(t))
      throw new Error(`connect bench (${kind}): the ${who} never reached "${k}" in this sample`);
    return t;
  };
  const phases: Record<string, number> = {};
  const t0 = need(joiner, 'joinedAt', 'joining side');
  let at = t0;
  for (const p of PHASES) {
    if (('appOnly' in p && p.appOnly && kind !== 'app') || ('bareOnly' in p && p.bareOnly && kind !== 'bare')) continue;
    const t = need(joiner, p.to, 'joining side');
    phases[p.name] = Math.max(0, t - at);
    at = Math.max(at, t);
  }
  const end = Math.max(at, need(other, 'firstRemoteFrame', 'first person'));
  phases[BOTH_SIDES_PHASE] = end - at;
  return { total: end - t0, phases };
};
