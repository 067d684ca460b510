import type { IceServer, Strategy } from '../../core/app-config';
import type { RelayVerdict } from '../../core/relay-probe';

/** Which candidate kinds an ICE server produced for a throwaway connection. */
export interface IceProbeResult {
  /** Server-reflexive: a STUN answer (our public address). */
  srflx: boolean;
  /** Relayed: a TURN allocation (credentials accepted). */
  relay: boolean;
}

/** Network checks for the connection test. */
export interface ConnectionProbe {
  /** This page's origin: what a relay's --allow-origin must name. */
  readonly origin: string;
  /** Speaks `strategy`'s protocol to the relay at `url` (one question, at most `timeoutMs`): what it found. */
  relay(url: string, strategy: Strategy, timeoutMs: number): Promise<RelayVerdict>;
  /** Gathers candidates with only `server` configured, for at most `timeoutMs`. */
  ice(server: IceServer, timeoutMs: number): Promise<IceProbeResult>;
}
