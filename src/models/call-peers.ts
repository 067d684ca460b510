import { signal, type ReadonlySignal } from '@preact/signals';
import { createAdmission, type Admission, type AdmissionOutput } from '../core/admission';
import { createLiveness } from '../core/liveness';
import { encodeMessage, isAdmissionMessage, parseMessage, type Message } from '../core/protocol';
import { sameFingerprint } from '../core/fingerprint';
import { ADMISSION_BUDGET, createTokenBucket, MESSAGE_BUDGET } from '../core/token-bucket';
import type { SignalingRoom } from '../adapters/signaling/types';
import { looksLikeVerifyMessage } from './verification';

/** A third peer is told the room is full at once; if it has not gone after this, we close it. */
export const REFUSED_GRACE_MS = 3000;
/**
 * Newcomers kept waiting while our partner's seat is held (beyond this, more are closed unanswered):
 * each costs a connection and a heartbeat, and a seat needs only one of them.
 */
export const MAX_HELD = 4;

/** Counts of untrusted input we refused; shown in diagnostics, asserted by tests. */
export interface DropCounters {
  /** Messages over a peer's rate budget. */
  rate: number;
  /** Malformed, unknown or oversized messages. */
  malformed: number;
  /** Connections closed unanswered because too many unknown peers came by. */
  admissions: number;
}

/** Counted in place and published with the heartbeat: a flood must not cost a render per message. */
export const createDropCounts = () => {
  const counts: DropCounters = { rate: 0, malformed: 0, admissions: 0 };
  const dropped = signal<DropCounters>({ ...counts });
  return {
    dropped: dropped as ReadonlySignal<DropCounters>,
    count: (what: keyof DropCounters) => void counts[what]++,
    publish() {
      const d = dropped.value;
      if (d.rate !== counts.rate || d.malformed !== counts.malformed || d.admissions !== counts.admissions)
        dropped.value = { ...counts };
    },
  };
};

/**
 * What the partner lifecycle (call.ts) keeps across rooms and peers: who was kept waiting, who kept us
 * waiting, and which held peer presented the partner's certificate.
 */
export interface SeatMemory {
  /** Peers we kept waiting as newcomers since our last partner was adopted: if one gets the seat, it is someone new. */
  heldAsNewcomers: Set<string>;
  /** Peers that told us to wait for someone else's seat: if one pairs with us, we are the someone new. */
  heldBy: Set<string>;
  /** A held peer whose certificate is the partner's: admitted during recovery as the partner returning. */
  vouched: string | null;
}

/** The partner lifecycle, as the peers see it. */
export interface PartnerHooks {
  partner(): string | null;
  /** Our partner's seat is kept for them (their connection is being recovered or re-dialled). */
  seatHeld(): boolean;
  /** The certificate the partner's connection presented, if read. */
  partnerCert(): Uint8Array | null;
  paired(id: string): void;
  unpaired(id: string): void;
  full(): void;
  /** A message from the partner got through: the path works, whatever ICE last said. */
  heardPartner(): void;
  /** The partner's stream (a new one, or after renegotiation). */
  partnerStream(stream: MediaStream): void;
  /** A verification payload from the partner (still untrusted). */
  verify(raw: unknown): void;
  /** A chat (or its confirmation) or goodbye from the partner; false when it was refused (chat's own rate limit). */
  fromPartner(message: Extract<Message, { type: 'bye' | 'chat' | 'chat-ack' }>): boolean;
}

export interface PeersDeps {
  room: SignalingRoom;
  now: () => number;
  hooks: PartnerHooks;
  seat: SeatMemory;
  count: (what: keyof DropCounters) => void;
  /** Past the room's expiry: nobody new gets in. */
  expired: () => boolean;
}

/** Sends one payload; a refused send means the channel to that peer is gone, which liveness notices. */
export const sendTo = (room: SignalingRoom, id: string, data: string): void => {
  room
    .send(data, id)
    .catch((e: unknown) => console.debug('parley: send to', id, 'failed:', e instanceof Error ? e.message : e));
};

const HOLD = encodeMessage({ v: 1, type: 'hold' });

/**
 * The peers connected through one joined room and what they say: admission (who gets the seat), the
 * peers kept waiting while the partner's seat is held, message budgets and routing, heartbeats and
 * liveness. A rejoin makes a new one; the partner lifecycle stays with the call.
 */
export const createCallPeers = (deps: PeersDeps) => {
  const { room: r, now, hooks, seat, count } = deps;
  const admission: Admission = createAdmission(r.selfId);
  const admissionBudget = createTokenBucket(ADMISSION_BUDGET.capacity, ADMISSION_BUDGET.perSecond, now);
  const liveness = createLiveness();
  /** Peers in admission, with the stream each sent us and when they connected. */
  const connected = new Map<
    string,
    { stream: MediaStream | null; since: number; budget: ReturnType<typeof createTokenBucket> }
  >();
  /**
   * Peers that connected while the seat is held, kept out of admission: first while their certificate
   * is read, then (`newcomer`) told to wait until the seat is free again.
   */
  const held = new Map<string, { stream: MediaStream | null; newcomer: boolean }>();
  /** This room was left (rejoin, retyped password, call over): late answers change nothing. */
  const closed = new AbortController();
  const partner = hooks.partner;

  const holdAsNewcomer = (id: string, entry: { newcomer: boolean }) => {
    entry.newcomer = true;
    seat.heldAsNewcomers.add(id);
    sendTo(r, id, HOLD);
  };

  /** Someone connected while the seat is held: keep them out of admission, and find out whether they are the partner. */
  const hold = (id: string) => {
    if (held.size >= MAX_HELD) {
      count('admissions');
      r.disconnectPeer(id);
      return;
    }
    const entry = { stream: null as MediaStream | null, newcomer: false };
    held.set(id, entry);
    const cert = hooks.partnerCert();
    if (cert === null) {
      holdAsNewcomer(id, entry);
      return;
    }
    const decide = (isPartner: boolean) => {
      if (held.get(id) !== entry || closed.signal.aborted) return;
      if (!isPartner) seat.heldAsNewcomers.add(id);
      if (hooks.seatHeld() && !isPartner) {
        holdAsNewcomer(id, entry);
        return;
      }
      // The partner's own certificate: they are back, whatever id they come with. (Or the seat was
      // freed while we read it: an ordinary arrival now.)
      held.delete(id);
      if (isPartner && hooks.seatHeld()) seat.vouched = id;
      admit(id, entry.stream);
    };
    void r.fingerprints(id).then(
      (fp) => decide(sameFingerprint(fp.remote, cert)),
      () => decide(false),
    );
  };

  /** The seat became held: anyone else still connected (a refused third lingering) waits outside admission too. */
  const holdOthers = () => {
    for (const [id, p] of [...connected]) {
      if (id === partner() || held.size >= MAX_HELD) continue;
      connected.delete(id);
      liveness.forget(id);
      const entry = { stream: p.stream, newcomer: true };
      held.set(id, entry);
      holdAsNewcomer(id, entry);
      run(admission.disconnect(id, now()));
    }
  };

  /** The seat is no longer held (the partner is back, or did not come back in time): whoever waited enters admission. */
  const releaseHeld = () => {
    if (hooks.seatHeld() || held.size === 0 || closed.signal.aborted) return;
    const waiting = [...held].filter(([, h]) => h.newcomer);
    for (const [id] of waiting) held.delete(id);
    for (const [id, h] of waiting) admit(id, h.stream);
  };

  /** Lets `id` into admission (a connection like any other from here). */
  const admit = (id: string, stream: MediaStream | null) => {
    if (connected.has(id) || closed.signal.aborted) return;
    connected.set(id, {
      stream,
      since: now(),
      budget: createTokenBucket(MESSAGE_BUDGET.capacity, MESSAGE_BUDGET.perSecond, now),
    });
    liveness.heard(id, now());
    run(admission.connect(id, now()));
  };

  /** Carries out what the admission state machine decided. */
  const run = (outputs: AdmissionOutput[]) => {
    for (const o of outputs) {
      switch (o.kind) {
        case 'send':
          sendTo(r, o.to, encodeMessage(o.message));
          break;
        case 'paired':
          hooks.paired(o.peer);
          break;
        case 'unpaired':
          hooks.unpaired(o.peer);
          break;
        case 'full':
          hooks.full();
          return;
      }
    }
    releaseHeld();
  };

  const onMessage = (data: unknown, id: string) => {
    const peer = connected.get(id);
    if (!peer) return;
    const isPartner = id === partner();
    // Any message shows the peer is alive, even one over budget: otherwise a flood would starve
    // the heartbeats it pushes aside and get the call dropped as "vanished".
    liveness.heard(id, now());
    if (isPartner) hooks.heardPartner();
    // The budget comes next: a flood costs one comparison per message, no parsing.
    if (!peer.budget.take()) {
      count('rate');
      return;
    }
    if (looksLikeVerifyMessage(data)) {
      if (isPartner) hooks.verify(data);
      return;
    }
    const message = parseMessage(data);
    if (message === null) {
      count('malformed');
      return;
    }
    if (isAdmissionMessage(message)) run(admission.receive(id, message, now()));
    // Kept waiting for someone else's seat: remembered, so that a pairing later says "someone new".
    else if (message.type === 'hold') {
      if (!isPartner) seat.heldBy.add(id);
    }
    // Only the partner's chat is shown; a chat flood within the message budget still meets chat's own.
    else if (isPartner && !hooks.fromPartner(message)) count('rate');
  };

  const offs = [
    r.on('peerJoin', (id) => {
      // Past expiry nobody new gets in, even while a call goes on; and a crowd of strangers is not answered.
      if (deps.expired()) {
        r.disconnectPeer(id);
        return;
      }
      if (!admissionBudget.take()) {
        count('admissions');
        r.disconnectPeer(id);
        return;
      }
      // Someone arrives while our partner's connection is being recovered: the seat is theirs until
      // the window ends. Only the partner's certificate gets in now; anyone else waits (a crashed
      // partner reloading has a new certificate too, and gets in once the window has passed).
      if (hooks.seatHeld()) hold(id);
      else admit(id, null);
    }),
    r.on('peerLeave', (id) => {
      seat.heldBy.delete(id);
      if (held.delete(id)) return;
      if (!connected.delete(id)) return;
      liveness.forget(id);
      run(admission.disconnect(id, now()));
    }),
    r.on('peerStream', (stream, id) => {
      const waiting = held.get(id);
      if (waiting) waiting.stream = stream;
      const peer = connected.get(id);
      if (!peer) return;
      peer.stream = stream;
      if (id === partner()) hooks.partnerStream(stream);
    }),
    r.on('message', onMessage),
  ];

  return {
    room: r,
    /** The stream `id` sent us, if connected. */
    streamOf: (id: string): MediaStream | null => connected.get(id)?.stream ?? null,
    send: (id: string, message: Message) => sendTo(r, id, encodeMessage(message)),
    holdOthers,
    releaseHeld,
    /** The partner is heard from again (recovered): heartbeats sent during the outage may still be on their way. */
    heard: (id: string) => liveness.heard(id, now()),
    /** Whether `id` has been silent for `ms`. */
    silentFor: (id: string, ms: number) => liveness.silent(now(), ms).includes(id),
    /** Our admission state doubles as the heartbeat; those kept waiting hear that they still are. */
    heartbeat() {
      const beat = encodeMessage(admission.stateMessage());
      for (const id of connected.keys()) sendTo(r, id, beat);
      // (It also keeps their connection from timing out.)
      for (const [id, h] of held) if (h.newcomer) sendTo(r, id, HOLD);
    },
    /**
     * Closes vanished peers other than the partner (reported as left on both sides). The partner's silence
     * is the recovery's business instead: from here a blip and a crash look the same.
     */
    closeSilent() {
      const p = partner();
      for (const id of liveness.silent(now())) if (id !== p) r.disconnectPeer(id);
    },
    /** A refused third that has not left by itself is shown the door. */
    closeRefused() {
      const p = partner();
      if (p === null) return;
      for (const [id, c] of connected) if (id !== p && now() - c.since > REFUSED_GRACE_MS) r.disconnectPeer(id);
    },
    /** This room is done with: no more admissions, no listeners. (Leaving the room is the caller's.) */
    close() {
      closed.abort();
      offs.forEach((off) => off());
      connected.clear();
      held.clear();
    },
  };
};

export type CallPeers = ReturnType<typeof createCallPeers>;
