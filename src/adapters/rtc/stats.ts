// Reads getStats() as a plain list for core/connection-stats, which checks every field: the adapter
// only copies entries out of the RTCStatsReport map.

/** Every entry of `pc.getStats()`, untouched (still untrusted shapes). */
export const readStats = async (pc: RTCPeerConnection): Promise<unknown[]> => {
  const entries: unknown[] = [];
  (await pc.getStats()).forEach((entry: unknown) => entries.push(entry));
  return entries;
};
