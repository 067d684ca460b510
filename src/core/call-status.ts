// Where a call stands, as the status line tells it, and the only ways it may move. The model feeds events
// here and shows what comes back; an event that makes no sense in the current state changes nothing (the
// same object is returned), so a late callback from a connection already gone cannot revive a call.

/** Where the call stands. */
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
  /** Joining failed; `detail` is the error's own words (the UI puts its sentence before them). */
  | { kind: 'failed'; detail: string };

/** What happened to the call. */
export type CallEvent =
  /** A password room asks for the password (first, or again after nobody answered). */
  | { type: 'ask-password'; wrong: boolean }
  /** Joining starts: a password was submitted, or a rejoin after a connection that could not be restored. */
  | { type: 'join' }
  /** We are in the rendezvous. */
  | { type: 'entered' }
  /** Admission paired us with a partner (a new one, or the same one over a fresh connection). */
  | { type: 'paired' }
  /** The media path to the partner broke; recovery started. */
  | { type: 'interrupted' }
  | { type: 'recovered' }
  /** The partner is gone; `saidBye`: they said goodbye first. */
  | { type: 'partner-gone'; saidBye: boolean }
  | { type: 'hung-up' }
  | { type: 'expired'; at: number }
  | { type: 'full' }
  | { type: 'intercepted' }
  | { type: 'codes-differ'; by: 'self' | 'peer' }
  | { type: 'failed'; detail: string };

type Kind = CallStatus['kind'];

/** The call is over: nothing moves it any more (the model has left the room). */
export const isFinal = (s: CallStatus): boolean =>
  s.kind === 'ended' ||
  s.kind === 'expired' ||
  s.kind === 'full' ||
  s.kind === 'intercepted' ||
  s.kind === 'codes-differ';

/** In the room (alone or with a partner): the states from which a partner can come or go. */
const IN_ROOM: ReadonlySet<Kind> = new Set<Kind>(['waiting', 'connected', 'reconnecting', 'unrestored']);
/** Alone, or not in the room yet: where the password may be asked for (again). */
const ALONE: ReadonlySet<Kind> = new Set<Kind>(['joining', 'password', 'waiting', 'unrestored', 'failed']);

/** The status after `event`; `status` itself (the same object) when the event does not apply. */
export const nextStatus = (status: CallStatus, event: CallEvent): CallStatus => {
  if (isFinal(status)) return status;
  const k = status.kind;
  switch (event.type) {
    case 'ask-password':
      return ALONE.has(k) ? { kind: 'password', wrong: event.wrong } : status;
    case 'join':
      return k === 'password' || k === 'unrestored' ? { kind: 'joining' } : status;
    case 'entered':
      return k === 'joining' ? { kind: 'waiting', previous: null } : status;
    case 'paired':
      return IN_ROOM.has(k) ? { kind: 'connected' } : status;
    case 'interrupted':
      return k === 'connected' ? { kind: 'reconnecting' } : status;
    case 'recovered':
      return k === 'reconnecting' ? { kind: 'connected' } : status;
    case 'partner-gone':
      if (k === 'connected') return { kind: 'waiting', previous: event.saidBye ? 'hung-up' : 'lost' };
      return k === 'reconnecting' ? { kind: 'unrestored' } : status;
    case 'failed':
      return k === 'joining' ? { kind: 'failed', detail: event.detail } : status;
    // The endings: from any state that is not already an ending.
    case 'hung-up':
      return { kind: 'ended' };
    case 'expired':
      return k === 'failed' ? status : { kind: 'expired', at: event.at };
    case 'full':
      return k === 'failed' ? status : { kind: 'full' };
    case 'intercepted':
      return IN_ROOM.has(k) ? { kind: 'intercepted' } : status;
    case 'codes-differ':
      return IN_ROOM.has(k) ? { kind: 'codes-differ', by: event.by } : status;
  }
};
