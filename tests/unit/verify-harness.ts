// Test-only helpers for core/verify: a seeded PRNG (failures reproduce from the seed), a fake clock and a
// message network that carries every message through the real wire format (encode → string → parse).
import { createHash } from 'node:crypto';
import {
  createVerifier,
  encodeVerifyMessage,
  formatSas,
  parseVerifyMessage,
  type DtlsFingerprints,
  type Verifier,
  type VerifyMessage,
  type VerifyState,
  type VerifyStep,
} from '../../src/core/verify';
import {
  createVerifySession,
  type SessionState,
  type SessionStep,
  type VerifySession,
} from '../../src/core/verify-session';

/** mulberry32: a tiny seeded PRNG. Tests only — never a source of secrets. */
export const seededRandom = (seed: number) => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** Uniform float in [0, 1). */
    next,
    /** Uniform integer in [0, max). */
    int: (max: number): number => Math.floor(next() * max),
    /** A fresh array of n pseudo-random bytes. */
    bytes: (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
};
export type SeededRandom = ReturnType<typeof seededRandom>;

/** A clock the test moves by hand. */
export const fakeClock = (start = 1_000_000) => {
  let t = start;
  return { now: (): number => t, advance: (ms: number): void => void (t += ms) };
};
export type FakeClock = ReturnType<typeof fakeClock>;

/** A stand-in DTLS certificate fingerprint: SHA-256 of a label. */
export const fp = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(label).digest());

export const CTX = 'c0ffee00c0ffee00c0ffee00c0ffee00';

/** A verifier under test plus everything it did, for assertions. */
export interface Party {
  readonly name: string;
  readonly verifier: Verifier;
  /** Every state after every event, in order. */
  readonly history: VerifyState[];
  /** Every message it sent, decoded. */
  readonly sent: VerifyMessage[];
  /** Byte arrays randomBytes handed to it (to check secrets are zeroed). */
  readonly randomOutputs: Uint8Array[];
  /** True once its person pressed "They match" while the code was shown. */
  confirmedMatch: boolean;
}

export interface PartyOptions {
  name: string;
  selfId: string;
  peerId: string;
  fingerprints: DtlsFingerprints;
  rng: SeededRandom;
  clock: FakeClock;
  ctx?: string;
}

export const party = (o: PartyOptions): Party => {
  const randomOutputs: Uint8Array[] = [];
  const verifier = createVerifier({
    selfId: o.selfId,
    peerId: o.peerId,
    ctx: o.ctx ?? CTX,
    fingerprints: o.fingerprints,
    randomBytes: (n) => {
      const b = o.rng.bytes(n);
      randomOutputs.push(b);
      return b;
    },
    now: o.clock.now,
  });
  return { name: o.name, verifier, history: [], sent: [], randomOutputs, confirmedMatch: false };
};

/** What a wire hop may do to a message: pass it (possibly changed), or drop it (null). */
export type Tamper = (data: string, from: Party, to: Party) => string | null;

/** Point-to-point links between parties; messages are delivered FIFO through the JSON wire format. */
export class Network {
  private readonly peers = new Map<Party, Party>();
  readonly queue: { from: Party; to: Party; data: string }[] = [];
  tamper: Tamper = (data) => data;

  link(a: Party, b: Party): void {
    this.peers.set(a, b);
    this.peers.set(b, a);
  }

  /** Records a step of `who` and queues its messages for its linked peer. */
  apply(who: Party, step: VerifyStep): VerifyStep {
    who.history.push(step.state);
    const to = this.peers.get(who);
    for (const m of step.send) {
      who.sent.push(m);
      if (to) this.queue.push({ from: who, to, data: encodeVerifyMessage(m) });
    }
    return step;
  }

  start(who: Party): VerifyStep {
    return this.apply(who, who.verifier.start());
  }

  confirm(who: Party, matches: boolean): VerifyStep {
    if (matches && who.verifier.state.phase === 'comparing') who.confirmedMatch = true;
    return this.apply(who, who.verifier.confirm(matches));
  }

  /** Delivers one queued message; false when the queue is empty. */
  deliverOne(): boolean {
    const item = this.queue.shift();
    if (!item) return false;
    const data = this.tamper(item.data, item.from, item.to);
    if (data === null) return true;
    const message = parseVerifyMessage(data);
    if (message) this.apply(item.to, item.to.verifier.receive(message));
    return true;
  }

  /** Delivers until nothing is in flight (bounded, so a ping-pong bug fails instead of hanging). */
  run(limit = 1000): void {
    for (let i = 0; i < limit; i++) if (!this.deliverOne()) return;
    throw new Error('network did not go quiet');
  }
}

/** The code as text, or null when the state shows none. */
export const codeOf = (state: VerifyState): string | null =>
  state.phase === 'comparing' || state.phase === 'confirmed' || state.phase === 'verified'
    ? formatSas(state.sas)
    : null;

/** Two honest parties on a direct connection: each sees its own certificate as local and the other's as remote. */
export const honestPair = (seed = 1, ids: [string, string] = ['alice-id', 'bob-id']) => {
  const rng = seededRandom(seed);
  const clock = fakeClock();
  const [fa, fb] = [fp(`cert ${ids[0]}`), fp(`cert ${ids[1]}`)];
  const a = party({ name: 'A', selfId: ids[0], peerId: ids[1], fingerprints: { local: fa, remote: fb }, rng, clock });
  const b = party({ name: 'B', selfId: ids[1], peerId: ids[0], fingerprints: { local: fb, remote: fa }, rng, clock });
  const net = new Network();
  net.link(a, b);
  return { a, b, net, clock, rng };
};

/** A verification session under test (core/verify-session) plus what it did. */
export interface SessionParty {
  readonly name: string;
  readonly session: VerifySession;
  readonly history: SessionState[];
  readonly sent: VerifyMessage[];
}

/**
 * Two sessions on one connection, linked through the real wire format; `tamper` may change or drop
 * (null) what crosses, to play the man in the middle.
 */
export const sessionPair = (seed = 1, ids: [string, string] = ['alice-id', 'bob-id']) => {
  const rng = seededRandom(seed);
  const clock = fakeClock();
  const [fa, fb] = [fp(`cert ${ids[0]}`), fp(`cert ${ids[1]}`)];
  const make = (name: string, selfId: string, peerId: string, fingerprints: DtlsFingerprints): SessionParty => ({
    name,
    session: createVerifySession({
      selfId,
      peerId,
      ctx: CTX,
      fingerprints,
      randomBytes: (n) => rng.bytes(n),
      now: clock.now,
    }),
    history: [],
    sent: [],
  });
  const a = make('A', ids[0], ids[1], { local: fa, remote: fb });
  const b = make('B', ids[1], ids[0], { local: fb, remote: fa });
  const queue: { from: SessionParty; to: SessionParty; data: string }[] = [];
  const net = {
    queue,
    tamper: ((data) => data) as (data: string, from: SessionParty, to: SessionParty) => string | null,
    /** Records a step of `who` and queues its messages for the other side. */
    apply(who: SessionParty, step: SessionStep): SessionStep {
      who.history.push(step.state);
      const to = who === a ? b : a;
      for (const m of step.send) {
        who.sent.push(m);
        queue.push({ from: who, to, data: encodeVerifyMessage(m) });
      }
      return step;
    },
    start: (who: SessionParty) => net.apply(who, who.session.start()),
    confirm: (who: SessionParty, matches: boolean) => net.apply(who, who.session.confirm(matches)),
    again: (who: SessionParty, fingerprints?: DtlsFingerprints) =>
      net.apply(who, who.session.verifyAgain(fingerprints)),
    tick: (who: SessionParty) => net.apply(who, who.session.tick()),
    /** Gives `to` a message as if it came from the other side (forged or replayed). */
    inject: (to: SessionParty, message: VerifyMessage) => net.apply(to, to.session.receive(message)),
    deliverOne(): boolean {
      const item = queue.shift();
      if (!item) return false;
      const data = net.tamper(item.data, item.from, item.to);
      if (data === null) return true;
      const message = parseVerifyMessage(data);
      if (message) net.apply(item.to, item.to.session.receive(message));
      return true;
    },
    run(limit = 1000): void {
      for (let i = 0; i < limit; i++) if (!net.deliverOne()) return;
      throw new Error('network did not go quiet');
    },
  };
  return { a, b, net, clock, rng, fingerprints: { a: fa, b: fb } };
};
