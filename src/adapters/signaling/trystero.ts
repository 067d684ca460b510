// The ONLY module that imports Trystero. Strategies load on demand so the home screen stays light.
import type { JoinRoom, Room } from '@trystero-p2p/nostr';
import { createEmitter } from './emitter';
import type { JoinOptions, Signaling, SignalingEvents, SignalingRoom } from './types';

/** Trystero app id: namespaces our topics on shared public relays. */
export const APP_ID = 'parley-v1';
/** Data-channel action name (Trystero limits it to 12 bytes). */
const ACTION = 'parley';

const loadJoinRoom = async (strategy: JoinOptions['strategy']): Promise<JoinRoom> =>
  strategy === 'torrent'
    ? (await import('@trystero-p2p/torrent')).joinRoom
    : (await import('@trystero-p2p/nostr')).joinRoom;

const loadSelfId = async (strategy: JoinOptions['strategy']): Promise<string> =>
  strategy === 'torrent' ? (await import('@trystero-p2p/torrent')).selfId : (await import('@trystero-p2p/nostr')).selfId;

const wrapRoom = (room: Room, selfId: string, emitter: ReturnType<typeof createEmitter<SignalingEvents>>): SignalingRoom => {
  const action = room.makeAction<string>(ACTION);
  room.onPeerJoin = (id) => emitter.emit('peerJoin', id);
  room.onPeerLeave = (id) => emitter.emit('peerLeave', id);
  room.onPeerStream = (stream, id) => emitter.emit('peerStream', stream, id);
  action.onMessage = (data, { peerId }) => emitter.emit('message', data, peerId);
  let left = false;
  return {
    selfId,
    on: emitter.on,
    addStream: (stream, peerId) => {
      // Trystero returns one promise per peer; a peer that vanished mid-negotiation rejects, which is not our error.
      for (const p of room.addStream(stream, peerId === undefined ? {} : { target: peerId })) p.catch(() => undefined);
    },
    send: (data, peerId) => action.send(data, peerId === undefined ? {} : { target: peerId }),
    leave: async () => {
      if (left) return;
      left = true;
      await room.leave();
      emitter.clear();
    },
  };
};

/** Signaling over Trystero (Nostr by default, or WebTorrent trackers). */
export const createTrysteroSignaling = (): Signaling => ({
  async join(options) {
    const [joinRoom, selfId] = await Promise.all([loadJoinRoom(options.strategy), loadSelfId(options.strategy)]);
    const emitter = createEmitter<SignalingEvents>();
    const room = joinRoom(
      {
        appId: APP_ID,
        password: options.password,
        relayConfig: { urls: options.relays },
        rtcConfig: { iceServers: options.iceServers },
      },
      options.topic,
      { onJoinError: ({ error }) => emitter.emit('error', error) },
    );
    return wrapRoom(room, selfId, emitter);
  },
});
