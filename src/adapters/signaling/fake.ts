import { createEmitter } from './emitter';
import type { LinkState } from '../../core/recovery';
import type { JoinOptions, Signaling, SignalingEvents, SignalingRoom } from './types';
import type { RelayProblem } from '../../core/relay-probe';

interface Member {
  id: string;
  /** Its DTLS certificate, by name: its id, unless it took someone else's id (an impostor). */
  cert: string;
  emitter: ReturnType<typeof createEmitter<SignalingEvents>>;
  streams: MediaStream[];
}

/**
 * In-memory signaling for unit tests: rooms that join the same topic with the same password meet,
 * as they would through a relay; messages and streams are delivered synchronously.
 */
export const createFakeSignalingHub = () => {
  const rooms = new Map<string, Map<string, Member>>();
  /** Peers whose messages are no longer delivered (a frozen or unplugged machine). */
  const silenced = new Set<string>();
  /** Pairs whose media path is down (`a|b`, both orders). */
  const cut = new Set<string>();
  let nextId = 0;
  const joins: JoinOptions[] = [];
  /** Re-dials asked for, as `selfId→peerId`. */
  const redials: string[] = [];
  /** Pairs (`a|b`, sorted) whose re-dial waits for the network to let new connections through. */
  const pendingRedials = new Set<string>();
  let reachable = true;
  /** Certificates changed by a renegotiation: `viewer|member` → the label `viewer` now sees for `member`. */
  const presented = new Map<string, string>();
  /** The id the next join takes instead of a fresh one (an impostor choosing someone's peer id). */
  let nextAs: string | null = null;
  /** A re-dialled pair connects again over a new path: the old path's cut no longer applies. */
  const reconnect = (pair: string) => {
    const [a = '', b = ''] = pair.split('|');
    for (const members of rooms.values()) {
      const [ma, mb] = [members.get(a), members.get(b)];
      if (!ma || !mb) continue;
      cut.delete(`${a}|${b}`);
      cut.delete(`${b}|${a}`);
      ma.emitter.emit('peerJoin', b);
      mb.emitter.emit('peerJoin', a);
    }
  };

  const prepared: string[] = [];
  /** Track operations in order, to check a switch replaced a track (no renegotiation) and whom it reached. */
  const trackOps: Array<{
    op: 'replace' | 'add' | 'remove';
    from: string;
    track: MediaStreamTrack;
    old?: MediaStreamTrack;
    to?: string;
  }> = [];
  const signaling: Signaling = {
    prepare(strategy) {
      prepared.push(strategy);
    },
    async join(options, signal) {
      signal?.throwIfAborted();
      joins.push(options);
      const key = `${options.topic}/${options.password}`;
      const members = rooms.get(key) ?? new Map<string, Member>();
      rooms.set(key, members);
      const fresh = `peer-${nextId++}`;
      // An impostor picks the id but cannot pick the certificate: its own has its own fingerprint.
      const self: Member = {
        id: nextAs ?? fresh,
        cert: nextAs === null ? fresh : `impostor-${fresh}`,
        emitter: createEmitter<SignalingEvents>(),
        streams: [],
      };
      nextAs = null;
      // Announce on a later task, after the caller has wired its listeners, as real signaling does.
      setTimeout(() => {
        // Left (or aborted) before announcing: never seen by anyone.
        if (left) return;
        const others = [...members.values()];
        members.set(self.id, self);
        for (const other of others) {
          other.emitter.emit('peerJoin', self.id);
          self.emitter.emit('peerJoin', other.id);
        }
      }, 0);
      let left = false;
      const room: SignalingRoom = {
        selfId: self.id,
        state: 'online',
        on: self.emitter.on,
        addStream(stream, peerId) {
          self.streams.push(stream);
          // Media arrives after negotiation, on a later task, never before the peer's join event.
          setTimeout(() => {
            for (const other of members.values()) {
              if (other !== self && (peerId === undefined || other.id === peerId))
                other.emitter.emit('peerStream', stream, self.id);
            }
          }, 0);
        },
        replaceTrack(old, track, peerId) {
          trackOps.push({ op: 'replace', from: self.id, old, track, ...(peerId === undefined ? {} : { to: peerId }) });
        },
        addTrack(track, _stream, peerId) {
          trackOps.push({ op: 'add', from: self.id, track, ...(peerId === undefined ? {} : { to: peerId }) });
        },
        removeTrack(track, peerId) {
          trackOps.push({ op: 'remove', from: self.id, track, ...(peerId === undefined ? {} : { to: peerId }) });
        },
        async send(data, peerId) {
          if (silenced.has(self.id)) return;
          for (const other of members.values()) {
            if (other === self || (peerId !== undefined && other.id !== peerId) || cut.has(`${self.id}|${other.id}`))
              continue;
            // A man in the middle of the data channel may change or drop (null) what crosses.
            const passed = hub.tamper ? hub.tamper(data, self.id, other.id) : data;
            if (passed !== null) other.emitter.emit('message', passed, self.id);
          }
        },
        async fingerprints(peerId) {
          // Each member has a fixed "certificate": its name's bytes padded to 32 (kept across re-dials),
          // or what presentCertificate set after a renegotiation.
          const fp = (name: string) => Uint8Array.from({ length: 32 }, (_, i) => name.charCodeAt(i % name.length));
          const local = presented.get(`${self.id}|${self.id}`) ?? self.cert;
          const remote = presented.get(`${self.id}|${peerId}`) ?? members.get(peerId)?.cert ?? peerId;
          // With a simulated man in the middle, each side sees the attacker's certificate as the remote one.
          return { local: fp(local), remote: fp(hub.interceptDtls ? `mitm-${remote}` : remote) };
        },
        async stats(peerId) {
          if (!members.has(peerId)) throw new Error('no connection to that peer');
          return hub.stats(self.id, peerId);
        },
        redial(peerId) {
          redials.push(`${self.id}→${peerId}`);
          const other = members.get(peerId);
          if (!other) return;
          self.emitter.emit('peerLeave', peerId);
          const pair = [self.id, peerId].sort().join('|');
          // The other end notices the close on a later task; the fresh connection opens after that,
          // as through a relay, or once the network lets new connections through.
          setTimeout(() => {
            other.emitter.emit('peerLeave', self.id);
            if (reachable) setTimeout(() => reconnect(pair), 0);
            else pendingRedials.add(pair);
          }, 0);
        },
        stopRejoining() {
          // The fake never re-joins on its own.
        },
        disconnectPeer(peerId) {
          // As closing an RTCPeerConnection does: both ends see the other leave.
          const other = members.get(peerId);
          if (!other) return;
          other.emitter.emit('peerLeave', self.id);
          self.emitter.emit('peerLeave', peerId);
        },
        async leave() {
          if (left) return;
          left = true;
          members.delete(self.id);
          for (const other of members.values()) other.emitter.emit('peerLeave', self.id);
          self.emitter.clear();
        },
      };
      // As the real one: aborting the join's signal leaves the room.
      signal?.addEventListener('abort', () => void room.leave(), { once: true });
      return room;
    },
  };
  const hub = {
    signaling,
    /** What `stats()` returns on `self`'s connection to `peerId`; tests replace it. */
    stats: (_self: string, _peerId: string): unknown[] => [],
    /** When true, fingerprints look as if a relay terminated DTLS on both legs. */
    interceptDtls: false,
    /** Plays a man in the middle of the data channel: returns what `to` receives of `from`'s message, or null to drop it. */
    tamper: null as ((data: string, from: string, to: string) => string | null) | null,
    /** Delivers `data` to `to` as if `from` had sent it (a forged message). */
    inject(to: string, from: string, data: string) {
      for (const members of rooms.values()) members.get(to)?.emitter.emit('message', data, from);
    },
    /** Every join request seen, to check what would have reached a relay. */
    joins,
    /** Strategies asked to be prepared ahead of a join. */
    prepared,
    trackOps,
    /** Ids of everyone currently in any room, in join order. */
    memberIds: () => [...rooms.values()].flatMap((m) => [...m.keys()]),
    /** A relay's two-peer cap refusing everyone in the hub: each room hears `roomFull`. */
    relayRoomFull() {
      for (const members of rooms.values()) for (const m of members.values()) m.emitter.emit('roomFull');
    },
    /** A probe of the relays found none that can carry the call (or, with null, one again): each room hears `relayProblem`. */
    relayProblem(problem: RelayProblem | null) {
      for (const members of rooms.values()) for (const m of members.values()) m.emitter.emit('relayProblem', problem);
    },
    /** The next join takes `peerId` (someone else's id, as an attacker may choose) with a certificate of its own. */
    impersonate(peerId: string) {
      nextAs = peerId;
    },
    /** Stops delivering `peerId`'s messages without telling anyone, as a frozen machine would. */
    silence(peerId: string) {
      silenced.add(peerId);
    },
    redials,
    /** While false, nothing new connects (the network is down): a re-dial waits for it to come back. */
    setReachable(value: boolean) {
      reachable = value;
      if (!value) return;
      for (const pair of [...pendingRedials]) {
        pendingRedials.delete(pair);
        reconnect(pair);
      }
    },
    /**
     * The media path between `a` and `b` changes state (a network blip: both ends see it); while not
     * connected, their data-channel messages are lost, as on a stalled transport.
     */
    setLink(a: string, b: string, state: LinkState) {
      for (const members of rooms.values()) {
        const [ma, mb] = [members.get(a), members.get(b)];
        if (!ma || !mb) continue;
        for (const k of [`${a}|${b}`, `${b}|${a}`]) {
          if (state === 'connected') cut.delete(k);
          else cut.add(k);
        }
        ma.emitter.emit('link', b, state);
        mb.emitter.emit('link', a, state);
      }
    },
    /** From now on `viewer` reads `label` as `member`'s certificate (`member === viewer`: its own). Tell it with renegotiate(). */
    presentCertificate(viewer: string, member: string, label: string) {
      presented.set(`${viewer}|${member}`, label);
    },
    /** The connection between `a` and `b` renegotiated (its DTLS transports changed state): both ends hear of it. */
    renegotiate(a: string, b: string) {
      for (const members of rooms.values()) {
        const [ma, mb] = [members.get(a), members.get(b)];
        if (!ma || !mb) continue;
        ma.emitter.emit('transport', b);
        mb.emitter.emit('transport', a);
      }
    },
    /** Delivers `peerId`'s messages again. */
    unsilence(peerId: string) {
      silenced.delete(peerId);
    },
    /** Simulates a peer vanishing without goodbye (crash, network gone). */
    drop(peerId: string) {
      // Its connections are gone, and with them the state of their paths.
      for (const k of [...cut]) if (k.split('|').includes(peerId)) cut.delete(k);
      for (const members of rooms.values()) {
        if (!members.delete(peerId)) continue;
        for (const other of members.values()) other.emitter.emit('peerLeave', peerId);
      }
    },
  };
  return hub;
};
