import type { ReadonlySignal } from '@preact/signals';
import type { AppConfig } from '../core/app-config';
import type { CallStatus } from '../core/call-status';
import type { RoomCode } from '../core/room-code';
import type { PasswordKdf } from '../adapters/kdf/types';
import type { DeviceControlPort, MediaDevicesPort, MediaProblem } from '../adapters/media/types';
import type { DeviceChoicesStore } from '../adapters/storage/types';
import type { Signaling, SignalingState } from '../adapters/signaling/types';
import type { FileSaver } from '../adapters/files/types';
import type { ChatModel } from './chat';
import type { FileHost } from './file-host';
import type { ConnectionStatsModel } from './connection-stats';
import type { CallDevices } from './call-devices';
import type { DropCounters } from './call-peers';
import type { LocalMediaModel } from './local-media';
import type { ContinuityView } from './call-verify';
import type { ContactsModel } from './contacts';
import type { Verification } from './verification';
import type { RelayProblem } from '../core/relay-probe';
import type { ContactProblem } from './contacts';

// What a call needs and what it offers the screens; built by call.ts.

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
  /** Remembered contacts (parley-verify-v2); without them the call verifies with v1 only. */
  contacts?: ContactsModel;
  /** From the lobby: the previewed camera and microphone with their on/off state (the devices are not asked again). */
  local?: LocalMediaModel;
  /** Device switching and screen sharing; without it the call keeps the devices it started with. */
  devices?: { port: DeviceControlPort; store: DeviceChoicesStore };
  /** Where received files go; without it the call carries no files. */
  fileSaver?: () => Promise<FileSaver>;
}

export interface CallModel {
  readonly status: ReadonlySignal<CallStatus>;
  /** Whether a signaling relay is reachable (a connected call does not need one). */
  readonly signaling: ReadonlySignal<SignalingState>;
  /** Why no relay can carry the call while we wait (in the waiting person's words), or null. */
  readonly relayProblem: ReadonlySignal<RelayProblem | null>;
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
  /** Remembered contacts in this call: recognised, continuity broken, or "Remember this person" offered. */
  readonly continuity: ReadonlySignal<ContinuityView>;
  /** Remembers the partner under `nickname` (only while offered); resolves to an error sentence or null. */
  remember(nickname: string): Promise<ContactProblem | null>;
  /** Text chat with the partner (memory only, cleared when they go or the call ends). */
  readonly chat: ChatModel;
  /** Files sent person to person (its model loads once a partner connects). */
  readonly files: Pick<FileHost, 'model'>;
  /** Connection details from getStats(), refreshed while connected. */
  readonly connection: ConnectionStatsModel;
  /** Device switching and screen sharing, when the deps offered them. */
  readonly devices: CallDevices | null;
  /** The local person's answer to "do the codes match?". */
  confirmCodes(matches: boolean): void;
  /** The partner's picture is on screen (its first frame): the connection's check may start now. */
  remotePictureShown(): void;
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
