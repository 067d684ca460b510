import type { ConnectionProbe, IceProbeResult } from './types';

/** Probes that answer from tables (keyed by relay URL / first ICE URL); unknown ones fail. */
export const createFakeProbe = (relays: Record<string, boolean>, ice: Record<string, IceProbeResult>) => {
  const calls: string[] = [];
  const probe: ConnectionProbe = {
    async relay(url) {
      calls.push(url);
      return relays[url] ?? false;
    },
    async ice(server) {
      const key = server.urls[0] ?? '';
      calls.push(key);
      return ice[key] ?? { srflx: false, relay: false };
    },
  };
  return { probe, calls };
};
