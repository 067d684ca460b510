import { batch, computed, signal } from '@preact/signals';
import { nextStatus, type CallEvent, type CallStatus } from '../core/call-status';
import { HEARTBEAT_INTERVAL_MS, LIVENESS_CHECK_MS } from '../core/liveness';
import { encodeMessage } from '../core/protocol';
import { bytesReceived } from '../core/connection-stats';
import { createRecovery, createStallWatch, QUIET_AFTER_MS, type RecoveryOutput } from '../core/recovery';
import type { SignalingRoom, SignalingState } from '../adapters/signaling/types';
import { createChatModel } from './chat';
import { createFileHost } from './file-host';
import { createConnectionStats } from './connection-stats';
import { createCallDevices } from './call-devices';
import { createCallJoin } from './call-join';
import { createCallPeers, createDropCounts, sendTo, type CallPeers, type SeatMemory } from './call-peers';
import { createCallVerify } from './call-verify';
import type { CallDeps, CallModel } from './call-types';
import { createLocalMedia } from './local-media';
import type { RelayProblem } from '../core/relay-probe';

export type { CallStatus } from '../core/call-status';
export type { CallDeps, CallModel } from './call-types';
export { MAX_HELD, REFUSED_GRACE_MS, type DropCounters } from './call-peers';

/** After this long alone in a password room, a joiner is told nobody with this password answered. */
export const PASSWORD_SILENCE_HINT_MS = 8000;

/**
 * Runs one call: joins (call-join), sends our media (local-media), lets peers in and routes what they
 * say (call-peers), verifies the partner (call-verify), and here: the partner's lifecycle — adopted,
 * interrupted and recovered, gone — and the room's expiry.
 */
export const createCallModel = (deps: CallDeps): CallModel => {
  const { now, code } = deps;
  /** The call's life: dispose aborts it, which cancels a join or password stretch under way. */
  const life = new AbortController();
  const status = signal<CallStatus>({ kind: 'joining' });
  const signalingState = signal<SignalingState>('connecting');
  const relayProblem = signal<RelayProblem | null>(null);
  const selfId = signal<string | null>(null);
  const remoteStream = signal<MediaStream | null>(null);
  const local = deps.local ?? createLocalMedia({ acquire: deps.media.getLocalMedia() });
  /** What we send: an empty stream (everything refused in the lobby) counts as none. */
  const localStream = computed(() => {
    const s = local.stream.value;
    return s && s.getTracks().length > 0 ? s : null;
  });
  const clock = signal(now());
  const nobodyAnswered = signal(false);
  const recovery = createRecovery();
  const lastRecoveryMs = signal<number | null>(null);
  const partner = signal<string | null>(null);
  const someoneNew = signal<'them' | 'us' | null>(null);
  const chat = createChatModel(now);
  const connection = createConnectionStats();
  const { fileSaver } = deps;
  // An offer is answered in the chat panel: it opens, so the person sees it.
  const files = fileSaver
    ? createFileHost({
        saver: fileSaver,
        ...(deps.config.maxFileBytes === undefined ? {} : { maxFileBytes: deps.config.maxFileBytes }),
        now,
        randomBytes: deps.randomBytes,
        onOffer: () => chat.setOpen(true),
        onActivity: () => {
          if (peerId !== null) peers?.heard(peerId);
        },
      })
    : null;
  let room: SignalingRoom | null = null;
  let peers: CallPeers | null = null;
  /** Our listeners on the room's own events (its peers' are the CallPeers'). */
  let roomOffs: Array<() => void> = [];
  const devices = deps.devices ? createCallDevices({ ...deps.devices, local, room: () => room, partner }) : null;
  /** Our partner: the one person this call is with. */
  let peerId: string | null = null;
  let peerSaidBye = false;
  /** The partner whose connection closed mid-recovery (a re-dial): their place is kept until the window ends. */
  let awaiting: string | null = null;
  /**
   * The partner's DTLS certificate (the remote fingerprint read when they were adopted). Only a
   * connection presenting this very certificate is the partner returning: a peer id is chosen by the
   * client and proves nothing.
   */
  let partnerCert: Uint8Array | null = null;
  const seat: SeatMemory = { heldAsNewcomers: new Set(), heldBy: new Set(), vouched: null };
  let aloneSince: number | null = null;

  const move = (event: CallEvent): boolean => {
    const next = nextStatus(status.value, event);
    if (next === status.value) return false;
    status.value = next;
    return true;
  };
  /** The call is over for `event`: the picture goes, and we leave. */
  const end = (event: CallEvent) => {
    batch(() => {
      move(event);
      remoteStream.value = null;
    });
    void dispose();
  };

  const expired = () => clock.value >= code.expiresAt;

  const verify = createCallVerify({
    randomBytes: deps.randomBytes,
    now,
    ctx: () => join.verifyCtx(),
    end,
    ...(deps.contacts && { contacts: deps.contacts }),
  });

  const drops = createDropCounts();
  const count = drops.count;

  /** Makes `id` the person we are in a call with (admission paired us). */
  const adopt = (p: CallPeers, id: string) => {
    // For the connect bench's breakdown (bench/connect-timeline.ts).
    performance.mark('parley:paired');
    const r = p.room;
    // The same person back over a fresh connection (a re-dial) is a recovery, not a new partner; only
    // their certificate says so (checked when they connected: vouched), never their id.
    const returning = id === seat.vouched && awaiting !== null;
    const newcomer = returning ? null : seat.heldAsNewcomers.has(id) ? 'them' : seat.heldBy.has(id) ? 'us' : null;
    seat.vouched = null;
    seat.heldAsNewcomers.clear();
    seat.heldBy.clear();
    if (returning) recover(recovery.reconnected(now()));
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
      move({ type: 'paired' });
      remoteStream.value = p.streamOf(id) ?? (returning ? remoteStream.value : null);
      nobodyAnswered.value = false;
    });
    if (localStream.value) r.addStream(localStream.value, id);
    // Someone arriving mid-share gets the screen's sound too, not only its picture.
    devices?.sendExtras(id);
    // A fresh connection is verified afresh (new keys); over certificates both people already verified
    // with this partner, our side confirms by itself (call-verify). The run waits for their picture
    // (VERIFY_WAIT_MS at most), so its work does not delay the first frame.
    verify.startWhenMediaFlows(r, id, remoteStream);
    chat.start((frame) => p.send(id, { v: 1, ...frame }), returning);
    connection.start(() => r.stats(id));
    // A fresh connection has a fresh file channel: transfers over the old one have already failed.
    files?.attach(r.fileChannel?.(id) ?? null);
  };

  const partnerGone = () => {
    const former = peerId;
    peerId = null;
    verify.stop();
    connection.stop();
    files?.detach();
    if (former !== null && recovery.recovering && !peerSaidBye && !expired()) {
      // Their connection closed while we were recovering it, without a goodbye: a re-dial, ours or
      // theirs. Keep their place, the picture (frozen) and the chat; they connect again shortly.
      awaiting = former;
      chat.pause();
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
      end({ type: 'expired', at: code.expiresAt });
      return;
    }
    aloneSince = now();
    batch(() => {
      partner.value = null;
      remoteStream.value = null;
      move({ type: 'partner-gone', saidBye: peerSaidBye });
    });
  };

  /** Carries out what the recovery state machine decided about the partner's connection. */
  const recover = (outputs: RecoveryOutput[]) => {
    const id = peerId ?? awaiting;
    const p = peers;
    if (id === null || p === null) return;
    for (const o of outputs) {
      switch (o.kind) {
        case 'interrupted':
          move({ type: 'interrupted' });
          // What is typed now waits for the path (or the re-dialled partner), instead of being lost on it.
          chat.pause();
          p.holdOthers();
          break;
        case 'redial':
          // Again while awaiting them: the last attempt did not connect.
          p.room.redial(id);
          break;
        case 'recovered':
          // Heartbeats sent during the outage may still be on their way: count from now.
          p.heard(id);
          // Healed in place: the chat goes on over the same connection (a re-dial's restarts it in adopt).
          if (peerId !== null) chat.resume();
          batch(() => {
            lastRecoveryMs.value = o.afterMs;
            move({ type: 'recovered' });
          });
          break;
        case 'give-up':
          if (peerId !== null) p.room.disconnectPeer(peerId);
          else {
            // The re-dialled partner did not connect again within the window: the call could not be restored.
            awaiting = null;
            forgetPartner();
          }
          break;
      }
    }
    p.releaseHeld();
  };

  /** Whether our partner's seat is kept for them: their connection is being recovered, or re-dialled. */
  const seatHeld = () => awaiting !== null || (peerId !== null && recovery.recovering);

  /** We are in the rendezvous: let peers in, and listen to what the room says about itself. */
  const entered = (r: SignalingRoom) => {
    room = r;
    aloneSince = now();
    const p = createCallPeers({
      room: r,
      now,
      seat,
      count,
      expired,
      hooks: {
        partner: () => peerId,
        seatHeld,
        partnerCert: () => partnerCert,
        paired: (id) => adopt(p, id),
        unpaired: (id) => id === peerId && partnerGone(),
        // We are the third: say so, and leave for good (no retry loop against the pair).
        full: () => end({ type: 'full' }),
        heardPartner: () => recovery.recovering && recover(recovery.link('connected', now())),
        partnerStream: (stream) => (remoteStream.value = stream),
        verify: (raw) => verify.receive(raw),
        fromPartner(message) {
          if (message.type === 'bye') peerSaidBye = true;
          else return chat.receive(message);
          return true;
        },
      },
    });
    peers = p;
    batch(() => {
      selfId.value = r.selfId;
      signalingState.value = r.state;
      relayProblem.value = null;
      move({ type: 'entered' });
    });
    roomOffs = [
      r.on('state', (s) => (signalingState.value = s)),
      r.on('relayProblem', (problem) => (relayProblem.value = problem)),
      r.on('link', (id, state) => id === peerId && recover(recovery.link(state, now()))),
      // A renegotiation or a DTLS transport changing state may bring another certificate: a changed one ends "Verified".
      r.on('transport', (id) => id === peerId && void verify.current.value?.recheck()),
      r.on('roomFull', () => peerId === null && end({ type: 'full' })),
      // One failed attempt with one peer is not the end: signaling tries again on the next announce.
      r.on('error', (message) => console.warn('parley: signaling:', message)),
    ];
  };

  /** Leaves the room we are in (to retype the password, to rejoin, or for good); nothing it says reaches us any more. */
  const leaveRoom = async () => {
    const r = room;
    room = null;
    peers?.close();
    peers = null;
    roomOffs.forEach((off) => off());
    roomOffs = [];
    await r?.leave();
  };

  const join = createCallJoin({
    signaling: deps.signaling,
    kdf: deps.kdf,
    config: deps.config,
    code,
    signal: life.signal,
    move,
    entered,
  });

  const tick = () => {
    clock.value = now();
    drops.publish();
    chat.tick();
    verify.current.value?.tick();
    peers?.heartbeat();
  };
  /**
   * While the partner's path is interrupted (not yet re-dialled), whether it still carries anything:
   * nothing at all confirms the loss sooner than ICE does (core/recovery.ts, STALL_WINDOW_MS).
   */
  const stall = createStallWatch();
  let lookingAtPath = false;
  const lookAtPath = async (p: CallPeers, id: string) => {
    if (lookingAtPath) return;
    lookingAtPath = true;
    try {
      const bytes = bytesReceived(await p.room.stats(id));
      if (peerId === id && recovery.recovering) recovery.carrying(stall.look(bytes, now()));
    } catch {
      // The connection closed meanwhile: its closing is handled where it is reported.
    } finally {
      lookingAtPath = false;
    }
  };

  const checkLiveness = () => {
    const p = peers;
    if (!p) return;
    p.closeSilent();
    // The partner's silence starts recovery: a network blip silences it seconds before ICE notices, and
    // from here a blip and a crash look the same, so the recovery window bounds both.
    if (peerId !== null && p.silentFor(peerId, QUIET_AFTER_MS)) recover(recovery.silent(now()));
    if (peerId !== null && recovery.recovering && !recovery.redialing) void lookAtPath(p, peerId);
    else stall.reset();
    recover(recovery.tick(now()));
    p.closeRefused();
    if (expired()) {
      if (peerId === null) end({ type: 'expired', at: code.expiresAt });
      else p.room.stopRejoining();
      return;
    }
    if (code.hasPassword && !deps.isCreator && aloneSince !== null && now() - aloneSince >= PASSWORD_SILENCE_HINT_MS) {
      nobodyAnswered.value = true;
    }
  };

  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => (disposed ??= leaveForGood());
  const leaveForGood = async () => {
    // Leaving for any reason (hang-up, tab closed, page hidden) is a goodbye, not a lost connection:
    // said first, since aborting the call's life leaves the room.
    if (room && peerId) sendTo(room, peerId, encodeMessage({ v: 1, type: 'bye' }));
    life.abort();
    timers.forEach(clearInterval);
    unwatchStream();
    // Ends a verification run mid-way, wiping its secrets.
    verify.stop();
    chat.clear();
    connection.stop();
    files?.dispose();
    devices?.dispose();
    local.stop();
    await leaveRoom();
  };

  const timers = [setInterval(tick, HEARTBEAT_INTERVAL_MS), setInterval(checkLiveness, LIVENESS_CHECK_MS)];
  // Fetch the verification code now, while the server is surely reachable: the call may need it
  // after a relay outage (the relay may also be what serves the app).
  void import('../core/verify').catch(() => undefined);
  // Camera and microphone start at once, even while a password is typed: the preview is the lobby.
  // When the devices answer after a partner was adopted, the partner gets our media then.
  const unwatchStream = localStream.subscribe((s) => {
    if (s && room && peerId) room.addStream(s, peerId);
  });
  join.start(deps.password);

  return {
    status,
    signaling: signalingState,
    relayProblem,
    selfId,
    localStream,
    remoteStream,
    mediaProblem: computed(() =>
      local.ready.value && localStream.value === null ? (local.problem.value ?? 'not-found') : local.problem.value,
    ),
    micOn: local.micOn,
    cameraOn: local.cameraOn,
    hasMic: local.hasMic,
    hasCamera: local.hasCamera,
    joinTimeLeft: computed(() => Math.max(0, code.expiresAt - clock.value)),
    nobodyAnswered,
    dropped: drops.dropped,
    partner,
    someoneNew,
    verification: verify.current,
    continuity: verify.continuity,
    remember: verify.remember,
    chat,
    files: files ?? { model: signal(null) },
    connection,
    devices,
    confirmCodes(matches) {
      verify.current.value?.confirm(matches);
    },
    remotePictureShown: verify.mediaShown,
    verifyAgain() {
      void verify.current.value?.verifyAgain();
    },
    submitPassword(password) {
      if (status.value.kind !== 'password' || password === '') return;
      void join.withPassword(password);
    },
    async retryPassword() {
      if (!code.hasPassword || life.signal.aborted || peerId !== null) return;
      aloneSince = null;
      await leaveRoom();
      batch(() => {
        nobodyAnswered.value = false;
        move({ type: 'ask-password', wrong: true });
      });
    },
    toggleMic: local.toggleMic,
    toggleCamera: local.toggleCamera,
    async hangUp() {
      if (life.signal.aborted) return;
      end({ type: 'hung-up' });
      await dispose();
    },
    lastRecoveryMs,
    async rejoin() {
      if (status.value.kind !== 'unrestored') return;
      await join.rejoin(leaveRoom);
    },
    dispose,
  };
};
