// "Call again" (docs/verification.md §"Call again"): the room two people who remember each other meet in,
// derived from their current retained secret and the time window, so neither has to send a link.
import { CALL_AGAIN_WINDOW_MS, callAgainRoom } from './verify-continuity.js';
import { generateRoomCode, type RoomCode } from './room-code.js';

/**
 * The ordinary v1 room code of this window's call-again room: no password, expiring at the end of the next
 * window (so a call begun late in one window is not cut at the boundary). Topic, signaling key and verify
 * context come from it as for any room.
 */
export const callAgainCode = (current: Uint8Array, now: number): RoomCode => {
  const room = callAgainRoom(current, now);
  // generateRoomCode draws its secret from `randomBytes`: here it is the derived one, and `now` is pinned to
  // the window so both people compute the very same expiry (a whole minute: the window is whole minutes).
  return generateRoomCode({
    randomBytes: () => Uint8Array.from(room.secret),
    now: room.expiresAt - CALL_AGAIN_WINDOW_MS,
    lifetimeMinutes: CALL_AGAIN_WINDOW_MS / 60_000,
    hasPassword: false,
  });
};
