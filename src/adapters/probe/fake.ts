import type { RelayVerdict } from '../../core/relay-probe';
import type { ConnectionProbe, IceProbeResult } from './types';

/** Probes that answer from tables (keyed by relay URL / first ICE URL); unknown ones have no WebSocket / no candidates. */
export const createFakeProbe = (relays: Record<string, RelayVerdict>, ice: Record<string, IceProbeResult>) => {
  const calls: string[] = [];
  const probe: ConnectionProbe = {
    origin: 'https://app.example',
    async relay(url) {
      calls.push(url);
      return relays[url] ?? { kind: 'no-websocket' };
    },
    async ice(server) {
      const key = server.urls[0] ?? '';
      calls.push(key);
      return ice[key] ?? { srflx: false, relay: false };
    },
  };
  return { probe, calls };
};
