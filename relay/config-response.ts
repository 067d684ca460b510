import type { AppConfig } from '../src/core/app-config.js';
import { turnCredentials } from './turn-credentials.js';

// host[:port] with a DNS-ish name, IPv4, or bracketed IPv6; anything else is not echoed into a URL.
const HOST_HEADER = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const MAX_HOST_CHARS = 255;

/** True when a Host header is plain `host[:port]` and safe to put in a URL. */
export const isValidHostHeader = (value: string): boolean => value.length <= MAX_HOST_CHARS && HOST_HEADER.test(value);

/** How the relay describes its deployment in `/config.json`. */
export interface ConfigOptions {
  strategy: 'nostr' | 'torrent';
  /** TLS is on: advertise `wss://`. */
  secure: boolean;
  /** Relay URLs of the deployment; when empty, this relay itself as the browser reached it. */
  relays: readonly string[];
  /** TURN servers with a coturn `use-auth-secret` secret: fresh credentials per response. */
  turn?:
    | {
        urls: readonly string[];
        secret: Uint8Array;
        ttlSeconds: number /** Advertise `iceTransportPolicy: "relay"`. */;
        only?: boolean;
      }
    | undefined;
}

export const DEFAULT_CONFIG_OPTIONS: ConfigOptions = { strategy: 'nostr', secure: false, relays: [] };

/**
 * The `config.json` the app loads: signaling through this very relay, addressed the way the
 * browser reached us (so a LAN or proxied name works), else by the bound `fallbackHost`; or the
 * configured relay list. ICE servers only when TURN is configured: public STUN only adds delay offline.
 */
export const buildAppConfig = (
  hostHeader: string | undefined,
  fallbackHost: string,
  options: ConfigOptions = DEFAULT_CONFIG_OPTIONS,
  nowUnix = Math.floor(Date.now() / 1000),
): AppConfig => {
  const host = hostHeader !== undefined && isValidHostHeader(hostHeader) ? hostHeader : fallbackHost;
  const relays = options.relays.length > 0 ? [...options.relays] : [`${options.secure ? 'wss' : 'ws'}://${host}/`];
  const iceServers =
    options.turn === undefined
      ? []
      : [turnCredentials(options.turn.secret, options.turn.urls, nowUnix, options.turn.ttlSeconds)];
  return {
    strategy: options.strategy,
    relays,
    iceServers,
    ...(options.turn?.only ? { iceTransportPolicy: 'relay' as const } : {}),
  };
};
