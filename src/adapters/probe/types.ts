import type { IceServer } from '../../core/app-config';

/** Which candidate kinds an ICE server produced for a throwaway connection. */
export interface IceProbeResult {
  /** Server-reflexive: a STUN answer (our public address). */
  srflx: boolean;
  /** Relayed: a TURN allocation (credentials accepted). */
  relay: boolean;
}

/** Network checks for the connection test. */
export interface ConnectionProbe {
  /** Whether a WebSocket to `url` opens within `timeoutMs`. */
  relay(url: string, timeoutMs: number): Promise<boolean>;
  /** Gathers candidates with only `server` configured, for at most `timeoutMs`. */
  ice(server: IceServer, timeoutMs: number): Promise<IceProbeResult>;
}
