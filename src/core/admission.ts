import type { AdmissionMessage } from './protocol.js';

// Exactly one pair per room, over Trystero's full mesh, decided by the peers themselves:
// - On connecting, each side sends its `state` (its pair, or none), and again with every heartbeat.
// - A free peer offers to the lowest-id free peer below its own id. Offers only ever go down the
//   id order, so a peer waiting for an answer can never be part of a waiting cycle.
// - A free peer with no offer out accepts the first offer; while its own offer is out it queues
//   others and rejects them once paired. A paired peer rejects every offer.
// - A paired peer rejects every offer, and also tells every other peer it meets that it is taken.
// - A free peer is refused ("room full") only by a pair that refuses it: two peers it is connected
//   to, each saying of itself that it is paired with the other, and each having rejected it.
// - Two pairs can still form at once when peers do not yet see each other. The older pair (then the
//   one with the lower smallest id) wins, and only a pair younger than PROVISIONAL_MS ever yields:
//   an established call is never broken up by anyone's claims.
//
// What a peer says is believed only as far as we can check it (issue 14): a peer speaks for itself,
// never for another peer, so one peer's claim of a pair makes only that peer unavailable (we wait
// and try again as its state changes); it never makes the room full, nor breaks our pair. Only a
// pair that both of its members, each on its own connection to us, report the same way counts.
// Time: how long our own pair has stood is measured on our clock. A pair's `at` (the acceptor's
// clock, which both members repeat) is a label that only orders two confirmed pairs in a race; every
// observer compares the same two labels, so all agree on the winner whatever the clocks say.

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
  /**
   * What the peer last said of itself; undefined until its first `state`. `'other'`: it spoke of a
   * pair it is not in, which it cannot speak for (it is not free either, as far as we know).
   */
  pair?: Pair | null | 'other';
  /** Its pair's label (the acceptor's clock), as it states it. */
  at?: number | undefined;
  /** It rejected us (an offer, or told us it is taken); cleared when it says it is free. */
  rejected?: boolean;
}

const sorted = (a: string, b: string): Pair => (a < b ? [a, b] : [b, a]);

/** True when pair `a` (formed at `ta`) takes precedence over pair `b` (formed at `tb`). */
export const pairWins = (a: Pair, ta: number, b: Pair, tb: number): boolean =>
  ta !== tb ? ta < tb : a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The admission state machine of one peer. Pure: feed it events and the clock, carry out what it returns. */
export const createAdmission = (selfId: string) => {
  const peers = new Map<string, PeerView>();
  let partner: string | null = null;
  /** When we paired, on our own clock: only this decides whether our pair is still young enough to yield. */
  let pairedAt = 0;
  let outgoing: string | null = null;
  const queue: string[] = [];
  let refused = false;

  const myPair = (): Pair | null => (partner === null ? null : sorted(selfId, partner));
  /** Our pair's label: the acceptor's clock when it accepted (the same on both members' lips). */
  let label = 0;
  const stateMessage = (): AdmissionMessage => ({
    v: 1,
    type: 'state',
    pair: myPair() as [string, string] | null,
    at: label,
  });
  const broadcast = (out: AdmissionOutput[]) => {
    for (const id of peers.keys()) out.push({ kind: 'send', to: id, message: stateMessage() });
  };

  /**
   * A pair we are not in that both of its members, each connected to us, report of themselves (the
   * same pair, the same label); if several, the one that wins.
   */
  const foreignPair = (): { pair: Pair; at: number; refusedUs: boolean } | null => {
    let best: { pair: Pair; at: number; refusedUs: boolean } | null = null;
    for (const [id, v] of peers) {
      if (!v.pair || v.pair === 'other' || v.pair[0] !== id || v.at === undefined) continue;
      const mate = peers.get(v.pair[1]);
      if (
        !mate?.pair ||
        mate.pair === 'other' ||
        mate.pair[0] !== v.pair[0] ||
        mate.pair[1] !== v.pair[1] ||
        mate.at !== v.at
      )
        continue;
      const found = { pair: v.pair, at: v.at, refusedUs: v.rejected === true && mate.rejected === true };
      if (!best || pairWins(found.pair, found.at, best.pair, best.at)) best = found;
    }
    return best;
  };
  /** Tells `peer` we are taken (it may be waiting for an answer, or may never have asked). */
  const rejectFor = (peer: string): AdmissionOutput => ({ kind: 'send', to: peer, message: { v: 1, type: 'reject' } });

  const becomePaired = (peer: string, now: number, at: number, out: AdmissionOutput[]) => {
    partner = peer;
    pairedAt = now;
    label = at;
    outgoing = null;
    out.push({ kind: 'paired', peer });
    broadcast(out);
    queue.splice(0);
    // Everyone else learns from us that we are taken: with our partner's word, that refuses them.
    for (const id of peers.keys()) if (id !== peer) out.push(rejectFor(id));
  };

  const unpair = (out: AdmissionOutput[]) => {
    const former = partner;
    if (former === null) return;
    partner = null;
    pairedAt = 0;
    label = 0;
    out.push({ kind: 'unpaired', peer: former });
    broadcast(out);
  };

  /** Free and idle: offer, accept a queued offer, or find that the room is full. */
  const step = (now: number, out: AdmissionOutput[]) => {
    if (partner !== null || outgoing !== null || refused) return;
    const other = foreignPair();
    if (other?.refusedUs) {
      refused = true;
      for (const q of queue.splice(0)) out.push(rejectFor(q));
      out.push({ kind: 'full' });
      return;
    }
    const queued = queue.shift();
    if (queued !== undefined) {
      out.push({ kind: 'send', to: queued, message: { v: 1, type: 'accept', at: now } });
      becomePaired(queued, now, now, out);
      return;
    }
    // Not to a peer that turned us down while it still says nothing new (its next change of state
    // clears that): it would only turn us down again.
    const below = [...peers]
      .filter(([id, v]) => id < selfId && v.pair === null && !v.rejected)
      .map(([id]) => id)
      .sort();
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
    if (now - pairedAt >= PROVISIONAL_MS || !pairWins(other.pair, other.at, mine, label)) return;
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
    connect(peer: string, _now: number): AdmissionOutput[] {
      const out: AdmissionOutput[] = [];
      if (peer === selfId || peers.has(peer)) return out;
      peers.set(peer, {});
      out.push({ kind: 'send', to: peer, message: stateMessage() });
      if (partner !== null) out.push(rejectFor(peer));
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
          if (view.pair === undefined) {
            out.push({ kind: 'send', to: peer, message: stateMessage() });
            // Our "taken" may have been lost the same way.
            if (partner !== null && partner !== peer) out.push(rejectFor(peer));
          }
          {
            // A peer cannot speak for a pair with us that we did not form (treat it as free), nor for a
            // pair it is not in (it is not free, but that says nothing about anyone else).
            const claim = message.pair;
            const pair =
              claim === null
                ? null
                : claim.includes(selfId) && partner !== peer
                  ? null
                  : claim.includes(peer)
                    ? claim
                    : 'other';
            const changed = JSON.stringify(pair) !== JSON.stringify(view.pair ?? null);
            view.pair = pair;
            view.at = pair === null || pair === 'other' ? undefined : message.at;
            // Free again: whatever it said before no longer stands.
            if (pair === null && changed) view.rejected = false;
          }
          if (partner !== null) resolveConflict(now, out);
          // Our offer is still unanswered and they still say they are free: it (or their answer) was lost
          // (a flood over their budget drops messages). Ask again, at their heartbeat's pace at most.
          else if (outgoing === peer && view.pair === null)
            out.push({ kind: 'send', to: peer, message: { v: 1, type: 'offer' } });
          step(now, out);
          break;
        case 'offer':
          // Our partner asking again: our accept was lost. Same answer.
          if (partner === peer) {
            out.push({ kind: 'send', to: peer, message: { v: 1, type: 'accept', at: label } });
            break;
          }
          if (partner !== null || refused || foreignPair()?.refusedUs) out.push(rejectFor(peer));
          else if (outgoing !== null) {
            if (!queue.includes(peer)) queue.push(peer);
          } else {
            out.push({ kind: 'send', to: peer, message: { v: 1, type: 'accept', at: now } });
            becomePaired(peer, now, now, out);
          }
          break;
        case 'accept':
          // Young from now on our clock; the acceptor's `at` is only the pair's label.
          if (outgoing === peer && partner === null) becomePaired(peer, now, message.at, out);
          break;
        case 'reject':
          // Its own word about itself: it will not pair with us (now).
          if (peer !== partner) view.rejected = true;
          if (outgoing === peer) outgoing = null;
          // Either way a free peer looks again: another offer, or a refusal now complete.
          step(now, out);
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
