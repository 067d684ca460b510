// Listens on Trystero's relay sockets (alongside it, not instead) for a relay's two-peer cap refusing
// us, so the person can be told the room is full. Any relay in the config can say so, honestly or not:
// a refusal counts only as the answer to an event we published on that very socket, and the room is
// full only when every relay that carries us says so. A lying relay loses us nothing but itself.
import { createRelayVerdicts } from '../../core/relay-notice';
import { carries } from '../../core/relay-carries';
import type { RelayProtocol } from '../../core/relay-probe';

/** WebSocket.OPEN, spelled out: this module also runs where there is no global WebSocket (unit tests). */
const OPEN = 1;

/** What this module uses of a relay socket (a browser WebSocket). */
export interface RelaySocket {
  readonly readyState: number;
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  addEventListener(type: 'message' | 'open', listener: (e: MessageEvent<unknown>) => void): void;
  removeEventListener(type: 'message' | 'open', listener: (e: MessageEvent<unknown>) => void): void;
}

/**
 * Listeners of what is sent on each relay socket. Trystero sends through the socket's own `send`
 * (`socket.send(data)`, looked up at each call), so one wrapper per socket sees every frame; it is
 * installed once and shared by every join, since the sockets are the strategy module's, not a room's.
 */
const sendListeners = new WeakMap<RelaySocket, Set<(data: unknown) => void>>();
const onSend = (socket: RelaySocket, listener: (data: unknown) => void): (() => void) => {
  let listeners = sendListeners.get(socket);
  if (!listeners) {
    const set = new Set<(data: unknown) => void>();
    listeners = set;
    sendListeners.set(socket, set);
    const send = socket.send;
    socket.send = function (this: RelaySocket, data: Parameters<RelaySocket['send']>[0]) {
      for (const l of set) l(data);
      send.call(this, data);
    };
  }
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

/**
 * Watches the sockets `getSockets` returns (call `scan` as they may change: a reconnect makes a new
 * one) and calls `onFull` while `alone()` and every relay that carries us refuses us for a full room.
 * It also notes which relays answered in `protocol` (an EOSE, a tracker's announce reply): those
 * visibly carry the call, and need no probe when the person waits long.
 */
export const watchRelays = (
  getSockets: () => Record<string, RelaySocket>,
  alone: () => boolean,
  onFull: () => void,
  protocol: RelayProtocol = 'nostr',
) => {
  const verdicts = createRelayVerdicts();
  /** Relays that answered us in our protocol during this join. */
  const answered = new Set<string>();
  /** Relays seen open during this join: those that carry (or carried) us. */
  const carriers = new Set<string>();
  const watched = new WeakSet<RelaySocket>();
  const unwatch: Array<() => void> = [];
  const check = () => {
    if (alone() && verdicts.fullEverywhere(carriers)) onFull();
  };
  const scan = () => {
    for (const [url, socket] of Object.entries(getSockets())) {
      if (socket.readyState === OPEN) carriers.add(url);
      if (watched.has(socket)) continue;
      watched.add(socket);
      // A relay counts as carrying us from the moment its socket opens, not from the next scan: a
      // local relay can open, take our first announce and refuse it within one poll, and Trystero
      // then backs off for 60 s, so no later frame would come to re-ask (the e2e "late third person"
      // stayed "waiting" 1 run in 3). A socket that delivers a frame is open, too.
      const onOpen = () => {
        carriers.add(url);
        check();
      };
      const onFrame = (e: MessageEvent<unknown>) => {
        carriers.add(url);
        if (carries(protocol, e.data)) answered.add(url);
        verdicts.received(url, e.data);
        check();
      };
      socket.addEventListener('open', onOpen);
      socket.addEventListener('message', onFrame);
      const stopSending = onSend(socket, (data) => verdicts.sent(url, data));
      unwatch.push(() => {
        socket.removeEventListener('open', onOpen);
        socket.removeEventListener('message', onFrame);
        stopSending();
      });
    }
  };
  scan();
  return {
    /** Watches sockets made since (a reconnect), and asks again: the set of carriers may have grown, or we may be alone now. */
    scan: () => {
      scan();
      check();
    },
    /** Whether a relay whose socket is open now has answered us in our protocol. */
    answering: (): boolean =>
      Object.entries(getSockets()).some(([url, s]) => s.readyState === OPEN && answered.has(url)),
    stop: () => {
      for (const stop of unwatch.splice(0)) stop();
    },
  };
};
