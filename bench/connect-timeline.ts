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
  const mark = (k: keyof Milestones) => {
    m[k] ??= Date.now();
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
  // The app's signaling adapter marks the moment it is asked to join.
  new PerformanceObserver((list) => {
    if (list.getEntriesByName('parley:signaling-join').length > 0) mark('signalingJoin');
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
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
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
  { name: '→ first remote frame here', from: 'dtlsConnected', to: 'firstRemoteFrame' },
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
