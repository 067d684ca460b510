// The ONLY module that imports Trystero. Strategies load on demand so the home screen stays light.
// Trystero 0.25.4 is patched on install (patches/, see patches/README.md) for stale offers and relay
// abandonment; this module adds what a call needs on top: re-entering the rendezvous at once when
// the room empties or a relay comes back, and reporting whether any relay is reachable.
import type { JoinRoom, MessageAction, Room } from '@trystero-p2p/nostr';
import { openFileChannel } from '../files/rtc-channel';
import type { ByteChannel } from '../files/types';
import { createDtlsCertificate, readDtlsFingerprints } from '../rtc/fingerprints';
import { watchCertificates } from '../rtc/watch-certificates';
import { readStats } from '../rtc/stats';
import { createEmitter } from './emitter';
import { watchRelays } from './relay-watch';
import { watchLink } from './link';
import type { JoinOptions, Signaling, SignalingEvents, SignalingState } from './types';
import { sameRelayProblem, type RelayProblem } from '../../core/relay-probe';

/** Trystero app id: namespaces our topics on shared public relays. */
export const APP_ID = 'parley-v1';
/** Data-channel action name (Trystero limits it to 12 bytes). */
const ACTION = 'parley';
/** How often relay sockets are checked; cheap (reads readyState), and bounds how late "offline" shows. */
const RELAY_POLL_MS = 500;
/** A first connection slower than this is reported as "offline" rather than "connecting" forever. */
const FIRST_CONNECT_GRACE_MS = 5000;
/** Alone this long with no relay answering in our protocol: each relay is probed, to tell the person why. */
const DIAGNOSE_AFTER_MS = 4000;
/** While that lasts, the probe runs again this often (a relay may come back, or start refusing). */
const DIAGNOSE_EVERY_MS = 20_000;
/** What one probe may take. */
const DIAGNOSE_TIMEOUT_MS = 5000;

interface StrategyModule {
  joinRoom: JoinRoom;
  selfId: string;
  getRelaySockets: () => Record<string, WebSocket>;
}

const loaded = new Map<JoinOptions['strategy'], Promise<StrategyModule>>();
const loadStrategy = (strategy: JoinOptions['strategy']): Promise<StrategyModule> => {
  let p = loaded.get(strategy);
  if (!p) {
    p = strategy === 'torrent' ? import('@trystero-p2p/torrent') : import('@trystero-p2p/nostr');
    loaded.set(strategy, p);
  }
  return p;
};

const relayState = (mod: StrategyModule): 'online' | 'offline' =>
  Object.values(mod.getRelaySockets()).some((s) => s.readyState === WebSocket.OPEN) ? 'online' : 'offline';

/** Trystero's per-call options: one peer, or everyone when no id is given. */
const targetOf = (peerId: string | undefined) => (peerId === undefined ? {} : { target: peerId });

/** Signaling over Trystero (Nostr by default, or WebTorrent trackers). */
export const createTrysteroSignaling = (): Signaling => ({
  prepare(strategy) {
    // A failed prefetch is retried (and reported) by join().
    loadStrategy(strategy).catch(() => loaded.delete(strategy));
  },
  async join(options, signal) {
    signal?.throwIfAborted();
    // For the connect bench's breakdown (bench/connect-timeline.ts): config read and keys derived by now.
    performance.mark('parley:signaling-join');
    // Our own certificate (one per join) so both fingerprints can be read for call verification.
    const [mod, { certificate }] = await Promise.all([loadStrategy(options.strategy), createDtlsCertificate()]);
    // Cancelled while loading: nothing was announced yet.
    signal?.throwIfAborted();
    const emitter = createEmitter<SignalingEvents>();
    const peers = new Set<string>();
    /** Each connected peer's file channel, opened at once on both sides (see files/rtc-channel.ts). */
    const fileChannels = new Map<string, ByteChannel>();
    let state: SignalingState = 'connecting';
    let left = false;
    let rejoinWhenEmpty = true;
    let rejoining: Promise<void> | null = null;

    /**
     * What each connection gets from us, once per connection: Trystero shares a peer's connection
     * between rooms of one app, so after a re-join (ours or theirs) the new room is handed the same
     * RTCPeerConnection. A second negotiated channel with the file channel's id cannot be created
     * on it (createDataChannel throws, and that swallowed the peerJoin), and watching it twice would
     * report every link change twice.
     */
    const wired = new WeakMap<RTCPeerConnection, ByteChannel | null>();
    /** The partner's media stream on each connection, for a re-join that reuses the connection. */
    const remoteStreams = new WeakMap<RTCPeerConnection, MediaStream>();
    const wire = (id: string, pc: RTCPeerConnection): ByteChannel | null => {
      if (wired.has(pc)) return wired.get(pc) ?? null;
      watchLink(pc, (link) => emitter.emit('link', id, link));
      watchCertificates(pc, () => emitter.emit('transport', id));
      let channel: ByteChannel | null = null;
      try {
        channel = openFileChannel(pc);
      } catch {
        // No file channel on this connection: a transfer says it cannot start; the call goes on.
      }
      wired.set(pc, channel);
      return channel;
    };

    const open = () => {
      const room = mod.joinRoom(
        {
          appId: APP_ID,
          password: options.password,
          relayConfig: { urls: options.relays },
          rtcConfig: {
            iceServers: options.iceServers,
            certificates: [certificate],
            ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
          },
        },
        options.topic,
        { onJoinError: ({ error }) => emitter.emit('error', error) },
      );
      const action = room.makeAction<string>(ACTION);
      room.onPeerJoin = (id) => {
        performance.mark('parley:peer-joined');
        peers.add(id);
        const pc = room.getPeers()[id];
        const reused = pc !== undefined && wired.has(pc);
        const channel = pc ? wire(id, pc) : null;
        if (channel) fileChannels.set(id, channel);
        emitter.emit('peerJoin', id);
        // A re-joined room does not announce the media already flowing on a reused connection: the
        // stream it carries is handed over again, or the call would wait for video that never comes.
        const stream = reused ? remoteStreams.get(pc) : undefined;
        if (stream?.getTracks().some((t) => t.readyState === 'live')) emitter.emit('peerStream', stream, id);
      };
      room.onPeerLeave = (id) => peerGone(id);
      room.onPeerStream = (stream, id) => {
        const pc = room.getPeers()[id];
        if (pc) remoteStreams.set(pc, stream);
        emitter.emit('peerStream', stream, id);
      };
      action.onMessage = (data, { peerId }) => emitter.emit('message', data, peerId);
      return { room, action };
    };
    let current: { room: Room; action: MessageAction<string> } = open();

    // A fresh join re-announces at once with fresh offers; Trystero alone waits for its 60 s heartbeat.
    // `force`: also with other peers connected (they reconnect the same way), for a re-dial.
    const rejoin = (force = false) => {
      if (left || rejoining || (!force && (!rejoinWhenEmpty || peers.size > 0))) return;
      rejoining = (async () => {
        await current.room.leave();
        if (left) return;
        current = open();
        // New sockets (a strategy re-initialised) are watched before their first frame goes out.
        relays.scan();
      })().finally(() => (rejoining = null));
    };

    const peerGone = (id: string) => {
      if (!peers.delete(id)) return;
      fileChannels.delete(id);
      emitter.emit('peerLeave', id);
      rejoin();
    };

    // A relay with a two-peer cap refuses a third peer's announces; Trystero only logs that, so we
    // listen on its sockets to tell the person the room is full (relay-watch.ts: whom we believe).
    const relays = watchRelays(
      mod.getRelaySockets,
      () => peers.size === 0,
      () => emitter.emit('roomFull'),
      options.strategy === 'torrent' ? 'tracker' : 'nostr',
    );

    // No relay answering in our protocol after a few seconds alone: the person is told why (each
    // relay probed in its protocol, relay-socket.ts), not left waiting for someone who cannot come.
    let problem: RelayProblem | null = null;
    let diagnosing = false;
    const diagnose = async () => {
      if (left || diagnosing) return;
      const needed = peers.size === 0 && !relays.answering();
      if (!needed) {
        if (problem !== null) emitter.emit('relayProblem', (problem = null));
        return;
      }
      diagnosing = true;
      try {
        const probe = await import('../probe/relay-socket');
        const found = await probe.whyNobodyCanReach(options.relays, options.strategy, DIAGNOSE_TIMEOUT_MS);
        // Someone came, or a relay answered meanwhile: the verdict is stale.
        const next = left || peers.size > 0 || relays.answering() ? null : found;
        if (!sameRelayProblem(next, problem)) emitter.emit('relayProblem', (problem = next));
      } catch {
        // The probe's chunk did not load (offline): the relay state already says "unreachable".
      } finally {
        diagnosing = false;
      }
    };
    const firstDiagnosis = setTimeout(() => void diagnose(), DIAGNOSE_AFTER_MS);
    const diagnosis = setInterval(() => void diagnose(), DIAGNOSE_EVERY_MS);

    const started = Date.now();
    const poll = setInterval(() => {
      relays.scan();
      // A relay answered, or someone came: a shown problem is over.
      if (problem !== null && (peers.size > 0 || relays.answering())) emitter.emit('relayProblem', (problem = null));
      const next = relayState(mod);
      if (next === state) return;
      if (state === 'connecting' && next === 'offline' && Date.now() - started < FIRST_CONNECT_GRACE_MS) return;
      const cameBack = state === 'offline' && next === 'online';
      state = next;
      emitter.emit('state', next);
      if (cameBack) rejoin();
    }, RELAY_POLL_MS);

    const connectionTo = (peerId: string): RTCPeerConnection => {
      const pc = current.room.getPeers()[peerId];
      if (!pc) throw new Error('no connection to that peer');
      return pc;
    };

    const leave = async () => {
      if (left) return;
      left = true;
      clearInterval(poll);
      clearTimeout(firstDiagnosis);
      clearInterval(diagnosis);
      relays.stop();
      await rejoining;
      await current.room.leave();
      emitter.clear();
    };
    signal?.addEventListener('abort', () => void leave(), { once: true });

    return {
      selfId: mod.selfId,
      get state() {
        return state;
      },
      on: emitter.on,
      addStream: (stream, peerId) => {
        // One promise per peer; a peer that vanished mid-negotiation rejects, which is not our error.
        for (const p of current.room.addStream(stream, peerId === undefined ? {} : { target: peerId }))
          p.catch(() => undefined);
      },
      // As with addStream, a peer that vanished mid-way rejects, which is not our error.
      replaceTrack: (oldTrack, newTrack, peerId) => {
        for (const p of current.room.replaceTrack(oldTrack, newTrack, targetOf(peerId))) p.catch(() => undefined);
      },
      addTrack: (track, stream, peerId) => {
        for (const p of current.room.addTrack(track, stream, targetOf(peerId))) p.catch(() => undefined);
      },
      removeTrack: (track, peerId) => current.room.removeTrack(track, targetOf(peerId)),
      send: (data, peerId) => current.action.send(data, peerId === undefined ? {} : { target: peerId }),
      fileChannel: (peerId) => fileChannels.get(peerId) ?? null,
      fingerprints: async (peerId) => readDtlsFingerprints(connectionTo(peerId)),
      stats: async (peerId) => readStats(connectionTo(peerId)),
      disconnectPeer: (peerId) => {
        current.room.getPeers()[peerId]?.close();
        peerGone(peerId);
      },
      redial: (peerId) => {
        current.room.getPeers()[peerId]?.close();
        peerGone(peerId);
        // A fresh Trystero room: it holds no state about the old connection that would make it ignore
        // the peer's next announce, and it announces at once.
        rejoin(true);
      },
      stopRejoining: () => {
        rejoinWhenEmpty = false;
      },
      leave,
    };
  },
});
