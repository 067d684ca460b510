import type { RelayProtocol } from './relay-probe.js';

/** Longer frames are not the short answers looked for here. */
const MAX_CHARS = 8192;

/**
 * Whether a frame (untrusted) a relay sent on a call's own socket shows it carrying the call in
 * `protocol`: a Nostr EOSE (it took a subscription), or a tracker's announce reply without a
 * failure. Lets the signaling skip probing a relay that visibly works. Apart from relay-probe.ts,
 * which loads only when a probe runs: this one is on every call's path.
 */
export const carries = (protocol: RelayProtocol, raw: unknown): boolean => {
  if (typeof raw !== 'string' || raw.length > MAX_CHARS) return false;
  if (protocol === 'nostr') return raw.startsWith('["EOSE"');
  if (!raw.includes('"interval"') || raw.includes('"failure reason"')) return false;
  try {
    const value: unknown = JSON.parse(raw);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<string, unknown>)['action'] === 'announce' &&
      typeof (value as Record<string, unknown>)['interval'] === 'number'
    );
  } catch {
    return false;
  }
};
