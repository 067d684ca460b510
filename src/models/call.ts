import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import { deriveRoomKeys, passwordBytes, passwordSalt } from '../core/keys';
import { createLiveness, HEARTBEAT_INTERVAL_MS, LIVENESS_CHECK_MS } from '../core/liveness';
import { encodeMessage, parseMessage } from '../core/protocol';
import type { RoomCode } from '../core/room-code';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { LocalMedia, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { Signaling, SignalingRoom, SignalingState } from '../adapters/signaling/types';

/** Where the call stands, as the status line tells it. */
export type CallStatus =
  /** A password room: waiting for the person to type the password. */
  | { kind: 'password'; wrong: boolean }
  | { kind: 'joining' }
  /** In the room, nobody else yet; `previous` says how the last person went. */
  | { kind: 'waiting'; previous: 'hung-up' | 'lost' | null }
  | { kind: 'connected' }
  /** We hung up. */
  | { kind: 'ended' }
  /** The room reached its expiry with nobody else in it (or after they left). */
  | { kind: 'expired'; at: number }
  | { kind: 'failed'; message: string };

/** After this long alone in a password room, a joiner is told nobody with this password answered. */
export const PASSWORD_SILENCE_HINT_MS = 8000;

export interface CallDeps {
  signaling: Signaling;
  media: MediaDevicesPort;
  kdf: PasswordKdf;
  config: AppConfig;
  code: RoomCode;
  /** The password the creator just chose (kept in memory only), or null. */
  password: string | null;
  /** Whether this page created the room (a creator is not told "nobody answered"). */
  isCreator: boolean;
  now: () => number;
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
  /** Milliseconds until the room stops accepting joins (0 once it has). */
  readonly joinTimeLeft: ReadonlySignal<number>;
  /** A joiner of a password room has waited alone a while: the password may be wrong. */
  readonly nobodyAnswered: ReadonlySignal<boolean>;
  submitPassword(password: string): void;
  /** Leaves a password room nobody answered in, to type the password again. */
  retryPassword(): Promise<void>;
  toggleMic(): void;
  toggleCamera(): void;
  /** Says goodbye, leaves the room and stops our camera and microphone. */
  hangUp(): Promise<void>;
  /** Leaves without ceremony (page hiding, model torn down); idempotent. */
  dispose(): Promise<void>;
}

/** Runs one call: derives the room keys, joins, sends our media, tracks the other person, honours expiry. */
export const createCallModel = (deps: CallDeps): CallModel => {
  const { now, code } = deps;
  const status = signal<CallStatus>({ kind: 'joining' });
  const signalingState = signal<SignalingState>('connecting');
  const selfId = signal<string | null>(null);
  const localStream = signal<MediaStream | null>(null);
  const remoteStream = signal<MediaStream | null>(null);
  const mediaProblem = signal<MediaProblem | null>(null);
  const micOn = signal(true);
  const cameraOn = signal(true);
  const clock = signal(now());
  const nobodyAnswered = signal(false);
  const liveness = createLiveness();
  /** Peers connected through signaling, in arrival order, with the stream each sent us. */
  const connected = new Map<string, MediaStream | null>();
  let room: SignalingRoom | null = null;
  let peerId: string | null = null;
  let peerSaidBye = false;
  let disposed = false;
  const timers: Array<ReturnType<typeof setInterval>> = [];
  let aloneSince: number | null = null;

  const expired = () => clock.value >= code.expiresAt;

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
    aloneSince = null;
    liveness.heard(id, now());
    batch(() => {
      status.value = { kind: 'connected' };
      remoteStream.value = connected.get(id) ?? null;
      nobodyAnswered.value = false;
    });
    if (localStream.value) r.addStream(localStream.value, id);
  };

  /** The room is past its expiry and empty: leave the rendezvous for good. */
  const closeExpired = () => {
    batch(() => {
      status.value = { kind: 'expired', at: code.expiresAt };
      remoteStream.value = null;
    });
    void dispose();
  };

  const wire = (r: SignalingRoom) => {
    r.on('peerJoin', (id) => {
      // Past expiry nobody new gets in, even while a call goes on.
      if (expired()) {
        r.disconnectPeer(id);
        return;
      }
      connected.set(id, null);
      liveness.heard(id, now());
      if (peerId === null) adopt(r, id);
    });
    r.on('peerLeave', (id) => {
      if (!connected.delete(id)) return;
      liveness.forget(id);
      if (id !== peerId) return;
      peerId = null;
      const next = connected.keys().next();
      if (!next.done) {
        adopt(r, next.value);
        return;
      }
      if (expired()) {
        closeExpired();
        return;
      }
      aloneSince = now();
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

  const tick = () => {
    clock.value = now();
    if (!room) return;
    for (const id of connected.keys()) void room.send(encodeMessage({ v: 1, type: 'ping' }), id).catch(() => undefined);
  };
  const checkLiveness = () => {
    const r = room;
    if (!r) return;
    // A vanished peer (crash, network gone) is closed here, which reports it as left on both sides.
    for (const id of liveness.silent(now())) r.disconnectPeer(id);
    if (expired()) {
      if (peerId === null) closeExpired();
      else r.stopRejoining();
      return;
    }
    if (code.hasPassword && !deps.isCreator && aloneSince !== null && now() - aloneSince >= PASSWORD_SILENCE_HINT_MS) {
      nobodyAnswered.value = true;
    }
  };

  const join = async (passwordKey: Uint8Array | null) => {
    const keys = deriveRoomKeys(code, passwordKey);
    passwordKey?.fill(0);
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
    aloneSince = now();
    batch(() => {
      selfId.value = r.selfId;
      signalingState.value = r.state;
      if (status.value.kind === 'joining') status.value = { kind: 'waiting', previous: null };
    });
    wire(r);
  };

  const fail = (e: unknown) => {
    status.value = { kind: 'failed', message: `Could not join the room: ${e instanceof Error ? e.message : String(e)}` };
  };

  const joinWithPassword = async (password: string) => {
    status.value = { kind: 'joining' };
    try {
      const key = await deps.kdf.derive(passwordBytes(password), passwordSalt(code));
      if (disposed) return;
      await join(key);
    } catch (e) {
      fail(e);
    }
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    timers.forEach(clearInterval);
    localStream.value?.getTracks().forEach((t) => t.stop());
    const r = room;
    room = null;
    await r?.leave();
  };

  timers.push(setInterval(tick, HEARTBEAT_INTERVAL_MS), setInterval(checkLiveness, LIVENESS_CHECK_MS));
  // Camera and microphone start at once, even while a password is typed: the preview is the lobby.
  void deps.media.getLocalMedia().then(onLocalMedia);
  if (!code.hasPassword) void join(null).catch(fail);
  else if (deps.password !== null) void joinWithPassword(deps.password);
  else status.value = { kind: 'password', wrong: false };

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
    joinTimeLeft: computed(() => Math.max(0, code.expiresAt - clock.value)),
    nobodyAnswered,
    submitPassword(password) {
      if (status.value.kind !== 'password' || password === '') return;
      void joinWithPassword(password);
    },
    async retryPassword() {
      if (!code.hasPassword || disposed || peerId !== null) return;
      const r = room;
      room = null;
      connected.clear();
      aloneSince = null;
      await r?.leave();
      batch(() => {
        nobodyAnswered.value = false;
        status.value = { kind: 'password', wrong: true };
      });
    },
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
