import type { Strategy, IceServer } from '../../core/app-config';
import type { FingerprintPair } from '../../core/fingerprint';
import type { LinkState } from '../../core/recovery';
import type { ByteChannel } from '../files/types';
import type { RelayProblem } from '../../core/relay-probe';

/** Removes a listener; every `on*` returns one. */
export type Unsubscribe = () => void;

/** What joining needs: derived values only, never the room code itself. */
export interface JoinOptions {
  strategy: Strategy;
  relays: string[];
  iceServers: IceServer[];
  /** Public rendezvous id (HKDF of the room secret). */
  topic: string;
  /** Signaling encryption password (HKDF of the room secret, a separate label). */
  password: string;
  /** `relay`: media only through TURN. */
  iceTransportPolicy?: 'relay';
}

/** Whether we can reach any signaling relay: media between connected peers never depends on it. */
export type SignalingState = 'connecting' | 'online' | 'offline';

/** Events a signaling room reports. */
export interface SignalingEvents {
  peerJoin: (peerId: string) => void;
  peerLeave: (peerId: string) => void;
  peerStream: (stream: MediaStream, peerId: string) => void;
  /** A data-channel payload, still untrusted: parse it with core/protocol. */
  message: (data: unknown, peerId: string) => void;
  /** Signaling could not connect a peer (e.g. SDP exchange failed). */
  error: (message: string) => void;
  /** Relay reachability changed. */
  state: (state: SignalingState) => void;
  /**
   * Every relay that carries us refused an event we published on it because two people are already in
   * this room (its two-peer cap). One relay's word alone, or a "refusal" of something we never sent, is not this.
   */
  roomFull: () => void;
  /**
   * No relay could carry the call while we waited alone: why (each relay probed in its protocol, the most
   * telling verdict; the UI words it); null once one does, or someone came.
   */
  relayProblem: (problem: RelayProblem | null) => void;
  /** The media path to a connected peer broke, failed or came back (its connection is kept open meanwhile). */
  link: (peerId: string, state: LinkState) => void;
  /**
   * A DTLS transport of the connection to `peerId` changed state, or it renegotiated: its certificates may
   * have changed, so read `fingerprints(peerId)` again (docs/verification.md §"Fingerprints").
   */
  transport: (peerId: string) => void;
}

/** One joined room. The only surface of Trystero the rest of the app sees. */
export interface SignalingRoom {
  readonly selfId: string;
  /** Relay reachability now (changes are reported by the `state` event). */
  readonly state: SignalingState;
  on<K extends keyof SignalingEvents>(event: K, listener: SignalingEvents[K]): Unsubscribe;
  /** Sends our stream to every connected peer, or to one. */
  addStream(stream: MediaStream, peerId?: string): void;
  /** Swaps a track we send for another of the same kind without renegotiating (device switch, screen share). */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, peerId?: string): void;
  /** Sends one more track, as part of `stream` (the stream the peer already has): this renegotiates. */
  addTrack(track: MediaStreamTrack, stream: MediaStream, peerId?: string): void;
  /** Stops sending a track added with addTrack. */
  removeTrack(track: MediaStreamTrack, peerId?: string): void;
  /** Sends a data-channel payload to every connected peer, or to one. */
  send(data: string, peerId?: string): Promise<void>;
  /** The file channel to a connected peer (opened when it connected), or null; absent where files are not carried. */
  fileChannel?(peerId: string): ByteChannel | null;
  /** Our and the peer's DTLS certificate fingerprints on the connection to `peerId`, as this side sees them. */
  fingerprints(peerId: string): Promise<FingerprintPair>;
  /** The getStats() entries of the connection to `peerId` (untrusted shapes: parse with core/connection-stats). */
  stats(peerId: string): Promise<unknown[]>;
  /** Closes the connection to one peer (e.g. it stopped answering); reported as its `peerLeave`. */
  disconnectPeer(peerId: string): void;
  /**
   * Closes the connection to `peerId` and enters the rendezvous afresh, so the two connect again
   * through the signaling relay: new ICE credentials and candidates, a new DTLS handshake with the
   * same certificates, the same peer ids. Reported as its `peerLeave`, then a new `peerJoin`.
   */
  redial(peerId: string): void;
  /** Stops re-entering the rendezvous when the room empties (the room expired; a call in progress goes on). */
  stopRejoining(): void;
  /** Leaves the rendezvous and closes every peer connection. */
  leave(): Promise<void>;
}

/** Joins rooms; the real one wraps Trystero, tests use a fake. */
export interface Signaling {
  /** Starts loading what `join` needs for this strategy, so joining later does not wait for it. */
  prepare(strategy: JoinOptions['strategy']): void;
  /**
   * Enters the rendezvous. Aborting `signal` cancels a join under way (it rejects with the abort reason)
   * and leaves the room once joined, as `leave()` does.
   */
  join(options: JoinOptions, signal?: AbortSignal): Promise<SignalingRoom>;
}
