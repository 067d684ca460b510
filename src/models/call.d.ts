import { type ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import type { RoomCode } from '../core/room-code';
import { type ChatModel } from './chat';
import { type ConnectionStatsModel } from './connection-stats';
import { type Verification } from './verification';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { DeviceControlPort, LocalMedia, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/device-choices-store';
import { type CallDevices } from './call-devices';
import type { Signaling, SignalingState } from '../adapters/signaling/types';
/** Where the call stands, as the status line tells it. */
export type CallStatus = 
/** A password room: waiting for the person to type the password. */
{
    kind: 'password';
    wrong: boolean;
} | {
    kind: 'joining';
}
/** In the room, nobody else yet; `previous` says how the last person went. */
 | {
    kind: 'waiting';
    previous: 'hung-up' | 'lost' | null;
} | {
    kind: 'connected';
}
/** The media path to the partner broke; ICE is being restarted and the partner is kept. */
 | {
    kind: 'reconnecting';
}
/** The recovery window passed: the connection is closed; we are back in the room, alone. */
 | {
    kind: 'unrestored';
}
/** We hung up. */
 | {
    kind: 'ended';
}
/** The room reached its expiry with nobody else in it (or after they left). */
 | {
    kind: 'expired';
    at: number;
}
/** Two other people are already in this room. */
 | {
    kind: 'full';
}
/** Verification showed someone in the middle of the connection; the call was ended. */
 | {
    kind: 'intercepted';
}
/** One of the two said the codes differ; the call was ended. */
 | {
    kind: 'codes-differ';
    by: 'self' | 'peer';
} | {
    kind: 'failed';
    message: string;
};
/** After this long alone in a password room, a joiner is told nobody with this password answered. */
export declare const PASSWORD_SILENCE_HINT_MS = 8000;
/** A third peer is told the room is full at once; if it has not gone after this, we close it. */
export declare const REFUSED_GRACE_MS = 3000;
/**
 * Newcomers kept waiting while our partner's seat is held (beyond this, more are closed unanswered):
 * each costs a connection and a heartbeat, and a seat needs only one of them.
 */
export declare const MAX_HELD = 4;
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
    devices?: {
        port: DeviceControlPort;
        store: DeviceChoicesStore;
    };
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
export declare const createCallModel: (deps: CallDeps) => CallModel;
