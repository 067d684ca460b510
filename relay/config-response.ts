import type { AppConfig } from '../src/core/app-config.js';

// host[:port] with a DNS-ish name, IPv4, or bracketed IPv6; anything else is not echoed into a URL.
const HOST_HEADER = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const MAX_HOST_CHARS = 255;

/** True when a Host header is plain `host[:port]` and safe to put in a URL. */
export const isValidHostHeader = (value: string): boolean => value.length <= MAX_HOST_CHARS && HOST_HEADER.test(value);

/**
 * The `config.json` the app loads: signaling through this very relay, addressed the way the
 * browser reached us (so a LAN or proxied name works), else by the bound `fallbackHost`.
 * No ICE servers: a local relay is for offline and test use, where public STUN only adds delay.
 */
export const buildAppConfig = (hostHeader: string | undefined, fallbackHost: string): AppConfig => {
  const host = hostHeader !== undefined && isValidHostHeader(hostHeader) ? hostHeader : fallbackHost;
  return { strategy: 'nostr', relays: [`ws://${host}/`], iceServers: [] };
};
