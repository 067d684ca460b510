import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import { deriveRoomKeys, passwordBytes, passwordSalt } from '../core/keys';
import { createAdmission, type Admission, type AdmissionOutput } from '../core/admission';
import { createLiveness, HEARTBEAT_INTERVAL_MS, LIVENESS_CHECK_MS } from '../core/liveness';
import { createRecovery, QUIET_AFTER_MS, type RecoveryOutput } from '../core/recovery';
import { encodeMessage, isAdmissionMessage, parseMessage } from '../core/protocol';
import { ADMISSION_BUDGET, createTokenBucket, MESSAGE_BUDGET } from '../core/token-bucket';
import type { RoomCode } from '../core/room-code';
import { sameFingerprint, sameFingerprintPair, type FingerprintPair } from '../core/fingerprint';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createChatModel, type ChatModel } from './chat';
import { createConnectionStats, type ConnectionStatsModel } from './connection-stats';
import { createVerification, INTERCEPTION, looksLikeVerifyMessage, type Verification } from './verification';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { DeviceControlPort, LocalMedia, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import { createCallDevices, type CallDevices } from './call-devices';
import type { JoinOptions, Signaling, SignalingRoom, SignalingState } from '../adapters/signaling/types';

/** Where the call stands, as the status line tells it. */
export type CallStatus =
  /** A password room: waiting for the person to type the password. */
  | { kind: 'password'; wrong: boolean }
  | { kind: 'joining' }
  /** In the room, nobody else yet; `previous` says how the last person went. */
  | { kind: 'waiting'; previous: 'hung-up' | 'lost' | null }
  | { kind: 'connected' }
  /** The media path to the partner broke; ICE is being restarted and the partner is kept. */
  | { kind: 'reconnecting' }
  /** The recovery window passed: the connection is closed; we are back in the room, alone. */
  | { kind: 'unrestored' }
  /** We hung up. */
  | { kind: 'ended' }
  /** The room reached its expiry with nobody else in it (or after they left). */
  | { kind: 'expired'; at: number }
  /** Two other people are already in this room. */
  | { kind: 'full' }
  /** Verification showed someone in the middle of the connection; the call was ended. */
  | { kind: 'intercepted' }
  /** One of the two said the codes differ; the call was ended. */
  | { kind: 'codes-differ'; by: 'self' | 'peer' }
  | { kind: 'failed'; message: string };

/** After this long alone in a password room, a joiner is told nobody with this password answered. */
export const PASSWORD_SILENCE_HINT_MS = 8000;
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
  /** CSPRNG (crypto.getRandomValues) for the verification step. */
  randomBytes: (n: number) => Uint8Array;
  /** From the lobby: the previewed media (instead of asking the devices again) and the on/off choices. */
  initialMedia?: Promise<LocalMedia>;
  startMicOn?: boolean;
  startCameraOn?: boolean;
  /** Device switching and screen sharing; without it the call keeps the devices it started with. */
  devices?: { port: DeviceControlPort; store: DeviceChoicesStore };
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
  /** Untrusted input refused so far. */
  readonly dropped: ReadonlySignal<DropCounters>;
  /** The other person's peer id (public; shown in connection details), while in a call. */
  readonly partner: ReadonlySignal<string | null>;
  /**
   * The partner is someone new to this call: they arrived while the previous partner's connection was
   * being recovered, and got the seat only when that person did not come back (`them`); or, on their
   * side, we were kept waiting for someone else's seat (`us`). Nothing of the earlier call vouches for them.
   */
  readonly someoneNew: ReadonlySignal<'them' | 'us' | null>;
  /** The verification step with the current partner, while in a call. */
  readonly verification: ReadonlySignal<Verification | null>;
  /** Text chat with the partner (memory only, cleared when they go or the call ends). */
  readonly chat: ChatModel;
  /** Connection details from getStats(), refreshed while connected. */
  readonly connection: ConnectionStatsModel;
  /** Device switching and screen sharing, when the deps offered them. */
  readonly devices: CallDevices | null;
  /** The local person's answer to "do the codes match?". */
  confirmCodes(matches: boolean): void;
  /** After a verification that could not complete: a new run with the same partner (limited in rate). */
  verifyAgain(): void;
  submitPassword(password: string): void;
  /** Leaves a password room nobody answered in, to type the password again. */
  retryPassword(): Promise<void>;
  toggleMic(): void;
  toggleCamera(): void;
  /** Leaves the room and enters it again at once (after a connection that could not be restored). */
  rejoin(): Promise<void>;
  /** How long the last interruption took to recover, in ms (null before any). */
  readonly lastRecoveryMs: ReadonlySignal<number | null>;
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
  const micOn = signal(deps.startMicOn ?? true);
  const cameraOn = signal(deps.startCameraOn ?? true);
  const clock = signal(now());
  const nobodyAnswered = signal(false);
  const liveness = createLiveness();
  const recovery = createRecovery();
  const lastRecoveryMs = signal<number | null>(null);
  let joinOptions: JoinOptions | null = null;
  /** Peers connected through signaling, with the stream each sent us and when they connected. */
  const connected = new Map<string, { stream: MediaStream | null; since: number; budget: ReturnType<typeof createTokenBucket> }>();
  const dropped = signal<DropCounters>({ rate: 0, malformed: 0, admissions: 0 });
  const partner = signal<string | null>(null);
  const verification = signal<Verification | null>(null);
  const devices = deps.devices
    ? createCallDevices({ ...deps.devices, localStream, micOn, cameraOn, room: () => room, partner })
    : null;
  let verifyKeyCtx = '';
  const chat = createChatModel(now);
  const connection = createConnectionStats();
  let stopWatchingVerification: () => void = () => undefined;
  const admissionBudget = createTokenBucket(ADMISSION_BUDGET.capacity, ADMISSION_BUDGET.perSecond, now);
  let admission: Admission | null = null;
  let room: SignalingRoom | null = null;
  /** Our partner: the one person this call is with. */
  let peerId: string | null = null;
  let peerSaidBye = false;
  /** The partner and certificates that both people verified in this call, if any. */
  let verifiedWith: { peer: string; fingerprints: FingerprintPair } | null = null;
  /** The partner whose connection closed mid-recovery (a re-dial): their place is kept until the window ends. */
  let awaiting: string | null = null;
  /**
   * The partner's DTLS certificate (the remote fingerprint read when they were adopted). Only a
   * connection presenting this very certificate is the partner returning: a peer id is chosen by the
   * client and proves nothing.
   */
  let partnerCert: Uint8Array | null = null;
  /**
   * Peers that connected while the seat is held (recovery under way), kept out of admission: first
   * while their certificate is read, then (`newcomer`) told to wait until the seat is free again.
   */
  const held = new Map<string, { stream: MediaStream | null; newcomer: boolean }>();
  /** Peers we kept waiting as newcomers since our last partner was adopted: if one gets the seat, it is someone new. */
  const heldAsNewcomers = new Set<string>();
  /** Peers that told us to wait for someone else's seat: if one pairs with us, we are the someone new. */
  const heldBy = new Set<string>();
  /** A held peer whose certificate is the partner's: admitted during recovery as the partner returning. */
  let vouched: string | null = null;
  const someoneNew = signal<'them' | 'us' | null>(null);
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

  // Counted in place and published with the heartbeat: a flood must not cost a render per message.
  const counts: DropCounters = { rate: 0, malformed: 0, admissions: 0 };
  const count = (what: keyof DropCounters) => void counts[what]++;
  const publishCounts = () => {
    const d = dropped.value;
    if (d.rate !== counts.rate || d.malformed !== counts.malformed || d.admissions !== counts.admissions) dropped.value = { ...counts };
  };

  /** Makes `id` the person we are in a call with (admission paired us). */
  const adopt = (r: SignalingRoom, id: string) => {
    // The same person back over a fresh connection (a re-dial) is a recovery, not a new partner; only
    // their certificate says so (checked when they connected: vouched), never their id.
    const returning = id === vouched && awaiting !== null;
    const newcomer = returning ? null : heldAsNewcomers.has(id) ? 'them' : heldBy.has(id) ? 'us' : null;
    vouched = null;
    heldAsNewcomers.clear();
    heldBy.clear();
    if (returning) recover(r, recovery.reconnected(now()));
    awaiting = null;
    if (!returning) partnerCert = null;
    peerId = id;
    // Who this partner is, for a recovery later: the certificate their connection presents.
    void r.fingerprints(id).then(
      (fp) => {
        if (peerId === id && room === r) partnerCert = fp.remote;
      },
      () => undefined,
    );
    peerSaidBye = false;
    aloneSince = null;
    recovery.reset();
    batch(() => {
      partner.value = id;
      someoneNew.value = newcomer;
      status.value = { kind: 'connected' };
      remoteStream.value = connected.get(id)?.stream ?? (returning ? remoteStream.value : null);
      nobodyAnswered.value = false;
    });
    if (localStream.value) r.addStream(localStream.value, id);
    // Someone arriving mid-share gets the screen's sound too, not only its picture.
    devices?.sendExtras(id);
    // A fresh connection is verified afresh (new keys); over certificates both people already verified
    // with this partner, our side confirms by itself (startVerification).
    startVerification(r, id);
    chat.start((text) => void r.send(encodeMessage({ v: 1, type: 'chat', text }), id).catch(() => undefined), returning);
    connection.start(() => r.stats(id));
  };

  /** Runs parley-verify-v1 with a new partner (again for every new connection); ends the call on interception or differing codes. */
  const startVerification = (r: SignalingRoom, id: string) => {
    stopVerification();
    // The certificates this run is bound to, as read for it.
    let seen: FingerprintPair | null = null;
    const v = createVerification({
      selfId: r.selfId,
      peerId: id,
      ctx: verifyKeyCtx,
      fingerprints: async () => (seen = await r.fingerprints(id)),
      send: (data) => r.send(data, id),
      randomBytes: deps.randomBytes,
      now,
    });
    verification.value = v;
    stopWatchingVerification = v.view.subscribe((view) => {
      if (view.phase === 'verified' && seen) verifiedWith = { peer: id, fingerprints: seen };
      // A fresh connection to someone both people verified, over the very same certificates (a re-dial
      // keeps them): this run's keys are bound to those certificates, so it vouches for the same
      // people the codes read aloud did. Our side says "they match" for us; nobody reads codes again.
      // Any other certificate (a relay in the middle of the new connection) gets no such pass.
      if (view.phase === 'comparing' && seen && verifiedWith?.peer === id && sameFingerprintPair(verifiedWith.fingerprints, seen)) {
        queueMicrotask(() => v.confirm(true));
      }
      if (view.phase !== 'cancelled' || (view.reason !== 'mismatched_sas' && !INTERCEPTION.has(view.reason))) return;
      // Let the cancel reach the other side before the connection closes.
      queueMicrotask(() => {
        batch(() => {
          status.value = view.reason === 'mismatched_sas' ? { kind: 'codes-differ', by: view.by } : { kind: 'intercepted' };
          remoteStream.value = null;
        });
        void dispose();
      });
    });
  };
  const stopVerification = () => {
    stopWatchingVerification();
    stopWatchingVerification = () => undefined;
    verification.value?.dispose();
    verification.value = null;
  };

  const partnerGone = () => {
    const former = peerId;
    peerId = null;
    stopVerification();
    connection.stop();
    if (former !== null && recovery.recovering && !peerSaidBye && !expired()) {
      // Their connection closed while we were recovering it, without a goodbye: a re-dial, ours or
      // theirs. Keep their place, the picture (frozen) and the chat; they connect again shortly.
      awaiting = former;
      recovery.closed(now());
      return;
    }
    forgetPartner();
  };

  /** No partner any more: the chat goes, and the call says why (or closes if the room has expired). */
  const forgetPartner = () => {
    chat.clear();
    partnerCert = null;
    someoneNew.value = null;
    if (expired()) {
      closeExpired();
      return;
    }
    aloneSince = now();
    batch(() => {
      partner.value = null;
      remoteStream.value = null;
      if (status.value.kind === 'connected') status.value = { kind: 'waiting', previous: peerSaidBye ? 'hung-up' : 'lost' };
      else if (status.value.kind === 'reconnecting') status.value = { kind: 'unrestored' };
    });
  };

  /** The re-dialled partner did not connect again within the window: the call could not be restored. */
  const giveUpAwaiting = () => {
    awaiting = null;
    forgetPartner();
  };

  /** We are the third: say so, and leave for good (no retry loop against the pair). */
  const refuseFull = () => {
    if (status.value.kind === 'full') return;
    batch(() => {
      status.value = { kind: 'full' };
      remoteStream.value = null;
    });
    void dispose();
  };

  /** Carries out what the recovery state machine decided about the partner's connection. */
  const recover = (r: SignalingRoom, outputs: RecoveryOutput[]) => {
    const id = peerId ?? awaiting;
    if (id === null) return;
    for (const o of outputs) {
      switch (o.kind) {
        case 'interrupted':
          if (status.value.kind === 'connected') status.value = { kind: 'reconnecting' };
          holdOthers(r);
          break;
        case 'redial':
          // Again while awaiting them: the last attempt did not connect.
          r.redial(id);
          break;
        case 'recovered':
          // Heartbeats sent during the outage may still be on their way: count from now.
          liveness.heard(id, now());
          batch(() => {
            lastRecoveryMs.value = o.afterMs;
            if (status.value.kind === 'reconnecting') status.value = { kind: 'connected' };
          });
          break;
        case 'give-up':
          if (peerId !== null) r.disconnectPeer(peerId);
          else giveUpAwaiting();
          break;
      }
    }
    releaseHeld(r);
  };

  /** Whether our partner's seat is kept for them: their connection is being recovered, or re-dialled. */
  const seatHeld = () => awaiting !== null || (peerId !== null && recovery.recovering);

  const holdMessage = encodeMessage({ v: 1, type: 'hold' });
  const holdAsNewcomer = (r: SignalingRoom, id: string, entry: { newcomer: boolean }) => {
    entry.newcomer = true;
    heldAsNewcomers.add(id);
    void r.send(holdMessage, id).catch(() => undefined);
  };

  /** Someone connected while the seat is held: keep them out of admission, and find out whether they are the partner. */
  const hold = (r: SignalingRoom, id: string) => {
    if (held.size >= MAX_HELD) {
      count('admissions');
      r.disconnectPeer(id);
      return;
    }
    const entry = { stream: null as MediaStream | null, newcomer: false };
    held.set(id, entry);
    const cert = partnerCert;
    if (cert === null) {
      holdAsNewcomer(r, id, entry);
      return;
    }
    const decide = (isPartner: boolean) => {
      if (held.get(id) !== entry || room !== r) return;
      if (!isPartner) heldAsNewcomers.add(id);
      if (seatHeld() && !isPartner) {
        holdAsNewcomer(r, id, entry);
        return;
      }
      // The partner's own certificate: they are back, whatever id they come with. (Or the seat was
      // freed while we read it: an ordinary arrival now.)
      held.delete(id);
      if (isPartner && seatHeld()) vouched = id;
      admit(r, id, entry.stream);
    };
    void r.fingerprints(id).then(
      (fp) => decide(sameFingerprint(fp.remote, cert)),
      () => decide(false),
    );
  };

  /** The seat became held: anyone else still connected (a refused third lingering) waits outside admission too. */
  const holdOthers = (r: SignalingRoom) => {
    for (const [id, p] of [...connected]) {
      if (id === peerId || held.size >= MAX_HELD) continue;
      connected.delete(id);
      liveness.forget(id);
      const entry = { stream: p.stream, newcomer: true };
      held.set(id, entry);
      holdAsNewcomer(r, id, entry);
      run(r, admission?.disconnect(id, now()) ?? []);
    }
  };

  /** The seat is no longer held (the partner is back, or did not come back in time): whoever waited enters admission. */
  const releaseHeld = (r: SignalingRoom) => {
    if (seatHeld() || held.size === 0 || room !== r) return;
    const waiting = [...held].filter(([, h]) => h.newcomer);
    for (const [id] of waiting) held.delete(id);
    for (const [id, h] of waiting) admit(r, id, h.stream);
  };

  /** Lets `id` into admission (a connection like any other from here). */
  const admit = (r: SignalingRoom, id: string, stream: MediaStream | null) => {
    if (!admission || connected.has(id)) return;
    connected.set(id, { stream, since: now(), budget: createTokenBucket(MESSAGE_BUDGET.capacity, MESSAGE_BUDGET.perSecond, now) });
    liveness.heard(id, now());
    run(r, admission.connect(id, now()));
  };

  /** Carries out what the admission state machine decided. */
  const run = (r: SignalingRoom, outputs: AdmissionOutput[]) => {
    for (const o of outputs) {
      switch (o.kind) {
        case 'send':
          void r.send(encodeMessage(o.message), o.to).catch(() => undefined);
          break;
        case 'paired':
          adopt(r, o.peer);
          break;
        case 'unpaired':
          if (o.peer === peerId) partnerGone();
          break;
        case 'full':
          refuseFull();
          return;
      }
    }
    releaseHeld(r);
  };

  /** The room is past its expiry and empty: leave the rendezvous for good. */
  const closeExpired = () => {
    batch(() => {
      status.value = { kind: 'expired', at: code.expiresAt };
      remoteStream.value = null;
    });
    void dispose();
  };

  const wire = (r: SignalingRoom, adm: Admission) => {
    r.on('peerJoin', (id) => {
      // Past expiry nobody new gets in, even while a call goes on; and a crowd of strangers is not answered.
      if (expired()) {
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
      if (seatHeld()) {
        hold(r, id);
        return;
      }
      admit(r, id, null);
    });
    r.on('peerLeave', (id) => {
      heldBy.delete(id);
      if (held.delete(id)) return;
      if (!connected.delete(id)) return;
      liveness.forget(id);
      run(r, adm.disconnect(id, now()));
    });
    r.on('peerStream', (stream, id) => {
      const waiting = held.get(id);
      if (waiting) waiting.stream = stream;
      const peer = connected.get(id);
      if (!peer) return;
      peer.stream = stream;
      if (id === peerId) remoteStream.value = stream;
    });
    r.on('message', (data, id) => {
      const peer = connected.get(id);
      if (!peer) return;
      // Any message shows the peer is alive, even one over budget: otherwise a flood would starve
      // the heartbeats it pushes aside and get the call dropped as "vanished".
      liveness.heard(id, now());
      // A message got through: the path works again, whatever ICE last said.
      if (id === peerId && recovery.recovering) recover(r, recovery.link('connected', now()));
      // The budget comes next: a flood costs one comparison per message, no parsing.
      if (!peer.budget.take()) {
        count('rate');
        return;
      }
      if (looksLikeVerifyMessage(data)) {
        if (id === peerId) verification.value?.receive(data);
        return;
      }
      const message = parseMessage(data);
      if (message === null) {
        count('malformed');
        return;
      }
      if (isAdmissionMessage(message)) run(r, adm.receive(id, message, now()));
      else if (message.type === 'bye' && id === peerId) peerSaidBye = true;
      // Kept waiting for someone else's seat: remembered, so that a pairing later says "someone new".
      else if (message.type === 'hold' && id !== peerId) heldBy.add(id);
      // Only the partner's chat is shown; a chat flood within the message budget still meets chat's own.
      else if (message.type === 'chat' && id === peerId && !chat.receive(message.text)) count('rate');
    });
    r.on('state', (s) => (signalingState.value = s));
    r.on('link', (id, state) => {
      if (id === peerId) recover(r, recovery.link(state, now()));
    });
    // A renegotiation or a DTLS transport changing state may bring another certificate: a changed one ends "Verified".
    r.on('transport', (id) => {
      if (id === peerId) void verification.value?.recheck();
    });
    r.on('roomFull', () => {
      if (peerId === null) refuseFull();
    });
    r.on('error', (message) => {
      // One failed attempt with one peer is not the end: signaling tries again on the next announce.
      console.warn('parley: signaling:', message);
    });
  };

  const tick = () => {
    clock.value = now();
    publishCounts();
    verification.value?.tick();
    if (!room) return;
    // Our admission state doubles as the heartbeat.
    if (admission) {
      const beat = encodeMessage(admission.stateMessage());
      for (const id of connected.keys()) void room.send(beat, id).catch(() => undefined);
    }
    // Those kept waiting hear that they still are (it also keeps their connection from timing out).
    for (const [id, h] of held) if (h.newcomer) void room.send(holdMessage, id).catch(() => undefined);
  };
  const checkLiveness = () => {
    const r = room;
    if (!r) return;
    // A vanished peer is closed here, which reports it as left on both sides. The partner's silence
    // instead starts recovery: a network blip silences it seconds before ICE notices, and from here
    // a blip and a crash look the same, so the recovery window bounds both.
    for (const id of liveness.silent(now())) if (id !== peerId) r.disconnectPeer(id);
    if (peerId !== null && liveness.silent(now(), QUIET_AFTER_MS).includes(peerId)) recover(r, recovery.silent(now()));
    recover(r, recovery.tick(now()));
    // A refused third that has not left by itself is shown the door.
    if (peerId !== null) {
      for (const [id, p] of connected) if (id !== peerId && now() - p.since > REFUSED_GRACE_MS) r.disconnectPeer(id);
    }
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
    verifyKeyCtx = bytesToHex(keys.verifyContext);
    passwordKey?.fill(0);
    joinOptions = {
      strategy: deps.config.strategy,
      relays: deps.config.relays,
      iceServers: deps.config.iceServers,
      topic: keys.topic,
      password: keys.signalingPassword,
      ...(deps.config.iceTransportPolicy ? { iceTransportPolicy: deps.config.iceTransportPolicy } : {}),
    };
    await enter(joinOptions);
  };

  /** Joins the rendezvous with derived options (again on Rejoin, without deriving anything twice). */
  const enter = async (options: JoinOptions) => {
    const r = await deps.signaling.join(options);
    if (disposed) {
      await r.leave();
      return;
    }
    room = r;
    admission = createAdmission(r.selfId);
    aloneSince = now();
    batch(() => {
      selfId.value = r.selfId;
      signalingState.value = r.state;
      if (status.value.kind === 'joining') status.value = { kind: 'waiting', previous: null };
    });
    wire(r, admission);
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
    stopWatchingVerification();
    chat.clear();
    connection.stop();
    devices?.dispose();
    // Leaving for any reason (hang-up, tab closed, page hidden) is a goodbye, not a lost connection.
    if (room && peerId) void room.send(encodeMessage({ v: 1, type: 'bye' }), peerId).catch(() => undefined);
    localStream.value?.getTracks().forEach((t) => t.stop());
    const r = room;
    room = null;
    await r?.leave();
  };

  timers.push(setInterval(tick, HEARTBEAT_INTERVAL_MS), setInterval(checkLiveness, LIVENESS_CHECK_MS));
  // Fetch the verification code now, while the server is surely reachable: the call may need it
  // after a relay outage (the relay may also be what serves the app).
  void import('../core/verify').catch(() => undefined);
  // Camera and microphone start at once, even while a password is typed: the preview is the lobby.
  void (deps.initialMedia ?? deps.media.getLocalMedia()).then(onLocalMedia);
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
    dropped,
    partner,
    someoneNew,
    verification,
    chat,
    connection,
    devices,
    confirmCodes(matches) {
      verification.value?.confirm(matches);
    },
    verifyAgain() {
      void verification.value?.verifyAgain();
    },
    submitPassword(password) {
      if (status.value.kind !== 'password' || password === '') return;
      void joinWithPassword(password);
    },
    async retryPassword() {
      if (!code.hasPassword || disposed || peerId !== null) return;
      const r = room;
      room = null;
      connected.clear();
      held.clear();
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
      batch(() => {
        status.value = { kind: 'ended' };
        remoteStream.value = null;
      });
      await dispose();
    },
    lastRecoveryMs,
    async rejoin() {
      if (disposed || status.value.kind !== 'unrestored' || joinOptions === null) return;
      const r = room;
      room = null;
      connected.clear();
      held.clear();
      status.value = { kind: 'joining' };
      await r?.leave();
      try {
        await enter(joinOptions);
      } catch (e) {
        fail(e);
      }
    },
    dispose,
  };
};
