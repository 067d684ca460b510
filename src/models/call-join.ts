import { bytesToHex } from '@noble/hashes/utils.js';
import type { AppConfig } from '../core/app-config';
import type { CallEvent } from '../core/call-status';
import { errorDetail } from '../core/error-detail';
import { deriveRoomKeys, passwordBytes, passwordSalt } from '../core/keys';
import type { RoomCode } from '../core/room-code';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { JoinOptions, Signaling, SignalingRoom } from '../adapters/signaling/types';

export interface CallJoinDeps {
  signaling: Signaling;
  kdf: PasswordKdf;
  config: AppConfig;
  code: RoomCode;
  /** The call's life: aborting it cancels a password stretch or a join under way (and leaves a room joined meanwhile). */
  signal: AbortSignal;
  /** Moves the call's status; false when the event did not apply. */
  move: (event: CallEvent) => boolean;
  /** We are in the rendezvous. */
  entered: (room: SignalingRoom) => void;
}

/**
 * Getting into the room: derives the room keys (stretching a password off the main thread first), joins
 * with derived values only, and joins again with the same ones on Rejoin.
 */
export const createCallJoin = (deps: CallJoinDeps) => {
  const { code, signal } = deps;
  let options: JoinOptions | null = null;
  /** The room's HKDF verify context (hex): binds verification runs to this room. */
  let verifyCtx = '';

  const fail = (e: unknown) => {
    // Cancelled because the call ended: not a failure to show.
    if (signal.aborted) return;
    // The error's own words travel as data; the UI puts them after its sentence ("Could not join the room: …").
    deps.move({ type: 'failed', detail: errorDetail(e) });
  };

  /** Joins the rendezvous with derived options (again on Rejoin, without deriving anything twice). */
  const enter = async (joinOptions: JoinOptions) => {
    const room = await deps.signaling.join(joinOptions, signal);
    // Ended meanwhile: the signaling left the room when the signal aborted.
    if (!signal.aborted) deps.entered(room);
  };

  const join = async (passwordKey: Uint8Array | null) => {
    const keys = deriveRoomKeys(code, passwordKey);
    verifyCtx = bytesToHex(keys.verifyContext);
    passwordKey?.fill(0);
    options = {
      strategy: deps.config.strategy,
      relays: deps.config.relays,
      iceServers: deps.config.iceServers,
      topic: keys.topic,
      password: keys.signalingPassword,
      ...(deps.config.iceTransportPolicy ? { iceTransportPolicy: deps.config.iceTransportPolicy } : {}),
    };
    await enter(options);
  };

  const withPassword = async (password: string) => {
    deps.move({ type: 'join' });
    try {
      const key = await deps.kdf.derive(passwordBytes(password), passwordSalt(code), signal);
      signal.throwIfAborted();
      await join(key);
    } catch (e) {
      fail(e);
    }
  };

  return {
    verifyCtx: () => verifyCtx,
    /** The first attempt: at once for an open room or the creator's own password; otherwise the password is asked for. */
    start(password: string | null) {
      if (!code.hasPassword) void join(null).catch(fail);
      else if (password !== null) void withPassword(password);
      else deps.move({ type: 'ask-password', wrong: false });
    },
    withPassword,
    /** Enters again with the options of the last join; `leave` leaves the room we are in first. */
    async rejoin(leave: () => Promise<void>) {
      if (signal.aborted || options === null || !deps.move({ type: 'join' })) return;
      const again = options;
      await leave();
      try {
        await enter(again);
      } catch (e) {
        fail(e);
      }
    },
  };
};
