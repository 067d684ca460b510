import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import { deriveRoomKeys } from '../core/keys';
import { createLiveness, HEARTBEAT_INTERVAL_MS, LIVENESS_CHECK_MS } from '../core/liveness';
import { encodeMessage, parseMessage } from '../core/protocol';
import type { RoomCode } from '../core/room-code';
import type { LocalMedia, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { Signaling, SignalingRoom, SignalingState } from '../adapters/signaling/types';

/** Where the call stands, as the status line tells it. */
export type CallStatus =
  | { kind: 'joining' }
  /** In the room, nobody else yet; `previous` says how the last person went. */
  | { kind: 'waiting'; previous: 'hung-up' | 'lost' | null }
  | { kind: 'connected' }
  /** We hung up. */
  | { kind: 'ended' }
  | { kind: 'failed'; message: string };

export interface CallDeps {
  signaling: Signaling;
  media: MediaDevicesPort;
  config: AppConfig;
  code: RoomCode;
  /** Clock for liveness; Date.now in the app. */
  now?: () => number;
}

export interface CallModel {
  readonly status: ReadonlySignal<CallStatus>;
  /** Whether a signaling relay is reachable (a connected call does not need one). */
  readonly signaling: ReadonlySignal<SignalingState>;
  /** Our peer id on the signaling relays (public; shown in connection details). */
  readonly selfId: ReadonlySignal<string | null>;
  readonly localStream: ReadonlySignal<MediaStream | null>;
  readonly remoteStream: ReadonlySignal<MediaStream | null>;
  /** Why we send no camera or microphone (the call still receives). */
  readonly mediaProblem: ReadonlySignal<MediaProblem | null>;
  readonly micOn: ReadonlySignal<boolean>;
  readonly cameraOn: ReadonlySignal<boolean>;
  readonly hasMic: ReadonlySignal<boolean>;
  readonly hasCamera: ReadonlySignal<boolean>;
  toggleMic(): void;
  toggleCamera(): void;
  /** Says goodbye, leaves the room and stops our camera and microphone. */
  hangUp(): Promise<void>;
  /** Leaves without ceremony (page hiding, model torn down); idempotent. */
  dispose(): Promise<void>;
}

/** Runs one call: joins the room with derived keys, sends our media, tracks the one other person. */
export const createCallModel = (deps: CallDeps): CallModel => {
  const now = deps.now ?? Date.now;
  const status = signal<CallStatus>({ kind: 'joining' });
  const signalingState = signal<SignalingState>('connecting');
  const selfId = signal<string | null>(null);
  const localStream = signal<MediaStream | null>(null);
  const remoteStream = signal<MediaStream | null>(null);
  const mediaProblem = signal<MediaProblem | null>(null);
  const micOn = signal(true);
  const cameraOn = signal(true);
  const liveness = createLiveness();
  /** Peers connected through signaling, in arrival order, with the stream each sent us. */
  const connected = new Map<string, MediaStream | null>();
  let room: SignalingRoom | null = null;
  let peerId: string | null = null;
  let peerSaidBye = false;
  let disposed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let livenessCheck: ReturnType<typeof setInterval> | undefined;

  const setTracks = (kind: 'audio' | 'video', enabled: boolean) =>
    localStream.value?.getTracks().forEach((t) => t.kind === kind && (t.enabled = enabled));

  const onLocalMedia = (media: LocalMedia) => {
    if (disposed) {
      media.stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    batch(() => {
      localStream.value = media.stream;
      mediaProblem.value = media.problem;
    });
    // The person may have muted before the devices answered.
    setTracks('audio', micOn.value);
    setTracks('video', cameraOn.value);
    if (media.stream && room && peerId) room.addStream(media.stream, peerId);
  };

  /** Makes `id` the person we are in a call with. Room-size rules (one pair only) come later. */
  const adopt = (r: SignalingRoom, id: string) => {
    peerId = id;
    peerSaidBye = false;
    liveness.heard(id, now());
    batch(() => {
      status.value = { kind: 'connected' };
      remoteStream.value = connected.get(id) ?? null;
    });
    if (localStream.value) r.addStream(localStream.value, id);
  };

  const wire = (r: SignalingRoom) => {
    r.on('peerJoin', (id) => {
      connected.set(id, null);
      liveness.heard(id, now());
      if (peerId === null) adopt(r, id);
    });
    r.on('peerLeave', (id) => {
      connected.delete(id);
      liveness.forget(id);
      if (id !== peerId) return;
      peerId = null;
      const next = connected.keys().next();
      if (!next.done) {
        adopt(r, next.value);
        return;
      }
      batch(() => {
        remoteStream.value = null;
        if (status.value.kind === 'connected') status.value = { kind: 'waiting', previous: peerSaidBye ? 'hung-up' : 'lost' };
      });
    });
    r.on('peerStream', (stream, id) => {
      if (!connected.has(id)) return;
      connected.set(id, stream);
      if (id === peerId) remoteStream.value = stream;
    });
    r.on('message', (data, id) => {
      if (!connected.has(id)) return;
      liveness.heard(id, now());
      const message = parseMessage(data);
      if (message?.type === 'bye' && id === peerId) peerSaidBye = true;
    });
    r.on('state', (s) => (signalingState.value = s));
    r.on('error', (message) => {
      // One failed attempt with one peer is not the end: signaling tries again on the next announce.
      console.warn('parley: signaling:', message);
    });
  };

  const beat = () => {
    for (const id of connected.keys()) void room?.send(encodeMessage({ v: 1, type: 'ping' }), id).catch(() => undefined);
  };
  // A vanished peer (crash, network gone) is closed here, which reports it as left on both sides.
  const checkLiveness = () => {
    for (const id of liveness.silent(now())) room?.disconnectPeer(id);
  };

  const start = async () => {
    const keys = deriveRoomKeys(deps.code.secret);
    const mediaPromise = deps.media.getLocalMedia().then(onLocalMedia);
    try {
      const r = await deps.signaling.join({
        strategy: deps.config.strategy,
        relays: deps.config.relays,
        iceServers: deps.config.iceServers,
        topic: keys.topic,
        password: keys.signalingPassword,
      });
      if (disposed) {
        await r.leave();
        return;
      }
      room = r;
      batch(() => {
        selfId.value = r.selfId;
        signalingState.value = r.state;
        if (status.value.kind === 'joining') status.value = { kind: 'waiting', previous: null };
      });
      wire(r);
      heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
      livenessCheck = setInterval(checkLiveness, LIVENESS_CHECK_MS);
    } catch (e) {
      status.value = { kind: 'failed', message: `Could not join the room: ${e instanceof Error ? e.message : String(e)}` };
    }
    await mediaPromise;
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    clearInterval(heartbeat);
    clearInterval(livenessCheck);
    localStream.value?.getTracks().forEach((t) => t.stop());
    const r = room;
    room = null;
    await r?.leave();
  };

  void start();

  return {
    status,
    signaling: signalingState,
    selfId,
    localStream,
    remoteStream,
    mediaProblem,
    micOn,
    cameraOn,
    hasMic: computed(() => (localStream.value?.getAudioTracks().length ?? 0) > 0),
    hasCamera: computed(() => (localStream.value?.getVideoTracks().length ?? 0) > 0),
    toggleMic() {
      micOn.value = !micOn.value;
      setTracks('audio', micOn.value);
    },
    toggleCamera() {
      cameraOn.value = !cameraOn.value;
      setTracks('video', cameraOn.value);
    },
    async hangUp() {
      if (disposed) return;
      const r = room;
      if (r && peerId) await r.send(encodeMessage({ v: 1, type: 'bye' }), peerId).catch(() => undefined);
      batch(() => {
        status.value = { kind: 'ended' };
        remoteStream.value = null;
      });
      await dispose();
    },
    dispose,
  };
};
