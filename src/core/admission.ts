import type { AdmissionMessage } from './protocol.js';

// Exactly one pair per room, over Trystero's full mesh, decided by the peers themselves:
// - On connecting, each side sends its `state` (its pair, or none), and again with every heartbeat.
// - A free peer offers to the lowest-id free peer below its own id. Offers only ever go down the
//   id order, so a peer waiting for an answer can never be part of a waiting cycle.
// - A free peer with no offer out accepts the first offer; while its own offer is out it queues
//   others and rejects them once paired. A paired peer rejects every offer.
// - A free peer that learns of a pair it is not in is refused: "room full".
// - Two pairs can still form at once when peers do not yet see each other. The older pair (then the
//   one with the lower smallest id) wins, and only a pair younger than PROVISIONAL_MS ever yields:
//   an established call is never broken up by anyone's claims.

/** A pair this young yields to an older one it learns of; after that it never does. */
export const PROVISIONAL_MS = 5000;

export type Pair = readonly [string, string];
export type AdmissionOutput =
  | { kind: 'send'; to: string; message: AdmissionMessage }
  | { kind: 'paired'; peer: string }
  /** The partner left or the pair yielded; `peer` is the former partner. */
  | { kind: 'unpaired'; peer: string }
  /** The room holds a pair without us: we are refused. */
  | { kind: 'full' };

interface PeerView {
  /** What the peer last said of itself; undefined until its first `state`. */
  pair?: Pair | null;
  at?: number;
}

const sorted = (a: string, b: string): Pair => (a < b ? [a, b] : [b, a]);

/** True when pair `a` (formed at `ta`) takes precedence over pair `b` (formed at `tb`). */
export const pairWins = (a: Pair, ta: number, b: Pair, tb: number): boolean => (ta !== tb ? ta < tb : a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));

/** The admission state machine of one peer. Pure: feed it events and the clock, carry out what it returns. */
export const createAdmission = (selfId: string) => {
  const peers = new Map<string, PeerView>();
  let partner: string | null = null;
  let pairedAt = 0;
  let outgoing: string | null = null;
  const queue: string[] = [];
  let refused = false;

  const myPair = (): Pair | null => (partner === null ? null : sorted(selfId, partner));
  const stateMessage = (): AdmissionMessage => ({ v: 1, type: 'state', pair: myPair() as [string, string] | null, at: pairedAt });
  const broadcast = (out: AdmissionOutput[]) => {
    for (const id of peers.keys()) out.push({ kind: 'send', to: id, message: stateMessage() });
  };

  /** A pair that some peer reports and we are not in, if any. */
  const foreignPair = (): { pair: Pair; at: number } | null => {
    for (const v of peers.values()) {
      if (v.pair && !v.pair.includes(selfId) && v.at !== undefined) return { pair: v.pair, at: v.at };
    }
    return null;
  };

  const becomePaired = (peer: string, at: number, out: AdmissionOutput[]) => {
    partner = peer;
    pairedAt = at;
    outgoing = null;
    out.push({ kind: 'paired', peer });
    broadcast(out);
    for (const q of queue.splice(0)) if (q !== peer) out.push({ kind: 'send', to: q, message: { v: 1, type: 'reject' } });
  };

  const unpair = (out: AdmissionOutput[]) => {
    const former = partner;
    if (former === null) return;
    partner = null;
    pairedAt = 0;
    out.push({ kind: 'unpaired', peer: former });
    broadcast(out);
  };

  /** Free and idle: offer, accept a queued offer, or find that the room is full. */
  const step = (now: number, out: AdmissionOutput[]) => {
    if (partner !== null || outgoing !== null || refused) return;
    if (foreignPair()) {
      refused = true;
      for (const q of queue.splice(0)) out.push({ kind: 'send', to: q, message: { v: 1, type: 'reject' } });
      out.push({ kind: 'full' });
      return;
    }
    const queued = queue.shift();
    if (queued !== undefined) {
      out.push({ kind: 'send', to: queued, message: { v: 1, type: 'accept', at: now } });
      becomePaired(queued, now, out);
      return;
    }
    const below = [...peers].filter(([id, v]) => id < selfId && v.pair === null).map(([id]) => id).sort();
    const target = below[0];
    if (target !== undefined) {
      outgoing = target;
      out.push({ kind: 'send', to: target, message: { v: 1, type: 'offer' } });
    }
  };

  /** Another pair exists while we are paired: the younger of a simultaneous race yields. */
  const resolveConflict = (now: number, out: AdmissionOutput[]) => {
    const other = foreignPair();
    const mine = myPair();
    if (!other || !mine || partner === null) return;
    if (now - pairedAt >= PROVISIONAL_MS || !pairWins(other.pair, other.at, mine, pairedAt)) return;
    const former = partner;
    out.push({ kind: 'send', to: former, message: { v: 1, type: 'release' } });
    unpair(out);
  };

  return {
    get partner() {
      return partner;
    },
    get refused() {
      return refused;
    },
    /** Our standing, re-sent with every heartbeat: it heals a first `state` lost while a connection was still opening. */
    stateMessage,
    /** A connection to `peer` opened. */
    connect(peer: string, now: number): AdmissionOutput[] {
      const out: AdmissionOutput[] = [];
      if (peer === selfId || peers.has(peer)) return out;
      peers.set(peer, {});
      out.push({ kind: 'send', to: peer, message: stateMessage() });
      void now;
      return out;
    },
    /** The connection to `peer` closed. */
    disconnect(peer: string, now: number): AdmissionOutput[] {
      const out: AdmissionOutput[] = [];
      if (!peers.delete(peer)) return out;
      const q = queue.indexOf(peer);
      if (q >= 0) queue.splice(q, 1);
      if (outgoing === peer) outgoing = null;
      if (partner === peer) unpair(out);
      step(now, out);
      return out;
    },
    /** An admission message from `peer` (already parsed). Messages from peers we are not connected to are ignored. */
    receive(peer: string, message: AdmissionMessage, now: number): AdmissionOutput[] {
      const out: AdmissionOutput[] = [];
      const view = peers.get(peer);
      if (!view) return out;
      switch (message.type) {
        case 'state':
          // Our own first state may have been lost while the connection was still opening on their side
          // (their first message proves it is open now): answer once at once instead of at the next heartbeat.
          if (view.pair === undefined) out.push({ kind: 'send', to: peer, message: stateMessage() });
          // A peer cannot speak for a pair with us that we did not form; treat it as free.
          view.pair = message.pair && message.pair.includes(selfId) && partner !== peer ? null : message.pair;
          view.at = message.at;
          if (partner !== null) resolveConflict(now, out);
          step(now, out);
          break;
        case 'offer':
          if (partner !== null || refused || foreignPair()) out.push({ kind: 'send', to: peer, message: { v: 1, type: 'reject' } });
          else if (outgoing !== null) {
            if (!queue.includes(peer)) queue.push(peer);
          } else {
            out.push({ kind: 'send', to: peer, message: { v: 1, type: 'accept', at: now } });
            becomePaired(peer, now, out);
          }
          break;
        case 'accept':
          if (outgoing === peer && partner === null) becomePaired(peer, message.at, out);
          break;
        case 'reject':
          if (outgoing === peer) {
            outgoing = null;
            step(now, out);
          }
          break;
        case 'release':
          if (partner === peer) {
            unpair(out);
            step(now, out);
          }
          break;
      }
      return out;
    },
  };
};

export type Admission = ReturnType<typeof createAdmission>;
