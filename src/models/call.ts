import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import { deriveRoomKeys } from '../core/keys';
import { encodeMessage, parseMessage } from '../core/protocol';
import type { RoomCode } from '../core/room-code';
import type { LocalMedia, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { Signaling, SignalingRoom } from '../adapters/signaling/types';

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
}

export interface CallModel {
  readonly status: ReadonlySignal<CallStatus>;
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
  const status = signal<CallStatus>({ kind: 'joining' });
  const localStream = signal<MediaStream | null>(null);
  const remoteStream = signal<MediaStream | null>(null);
  const mediaProblem = signal<MediaProblem | null>(null);
  const micOn = signal(true);
  const cameraOn = signal(true);
  let room: SignalingRoom | null = null;
  let peerId: string | null = null;
  let peerSaidBye = false;
  let disposed = false;

  const setTracks = (kind: 'audio' | 'video', enabled: boolean) =>
    localStream.value?.getTracks().forEach((t) => t.kind === kind && (t.enabled = enabled));

  const stopLocal = () => {
    localStream.value?.getTracks().forEach((t) => t.stop());
  };

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

  const wire = (r: SignalingRoom) => {
    r.on('peerJoin', (id) => {
      // Two-person admission proper comes with the room-size work; until then the first peer is the call.
      if (peerId !== null) return;
      peerId = id;
      peerSaidBye = false;
      status.value = { kind: 'connected' };
      if (localStream.value) r.addStream(localStream.value, id);
    });
    r.on('peerLeave', (id) => {
      if (id !== peerId) return;
      peerId = null;
      batch(() => {
        remoteStream.value = null;
        if (status.value.kind === 'connected') status.value = { kind: 'waiting', previous: peerSaidBye ? 'hung-up' : 'lost' };
      });
    });
    r.on('peerStream', (stream, id) => {
      if (id === peerId) remoteStream.value = stream;
    });
    r.on('message', (data, id) => {
      if (id !== peerId) return;
      const message = parseMessage(data);
      if (message?.type === 'bye') peerSaidBye = true;
    });
    r.on('error', (message) => {
      // A failed attempt with one peer is not the end: Trystero retries on the next announce.
      console.warn('parley: signaling:', message);
    });
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
      wire(r);
      if (status.value.kind === 'joining') status.value = { kind: 'waiting', previous: null };
    } catch (e) {
      status.value = { kind: 'failed', message: `Could not join the room: ${e instanceof Error ? e.message : String(e)}` };
    }
    await mediaPromise;
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    stopLocal();
    const r = room;
    room = null;
    await r?.leave();
  };

  void start();

  return {
    status,
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
      if (r && peerId) await r.send(encodeMessage({ v: 1, type: 'bye' })).catch(() => undefined);
      batch(() => {
        status.value = { kind: 'ended' };
        remoteStream.value = null;
      });
      await dispose();
    },
    dispose,
  };
};
