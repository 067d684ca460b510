import { isValidHostHeader } from './config-response.js';

/**
 * Which `Host` names the relay answers for. A page on `evil.example` whose DNS an attacker rebinds to
 * our address would otherwise talk to us as "its own origin" and read `/config.json`; it cannot make
 * the browser send a Host name we were not told about. Names only, not ports: the port a client
 * used is the proxy's business, and a rebinding attacker cannot change the name.
 */
export interface HostAllowlist {
  /** True for a `Host` header naming an allowed host (any port). A missing header is the caller's call. */
  allows(hostHeader: string): boolean;
  readonly names: ReadonlySet<string>;
}

/** The host name of a `host[:port]` header, lower-cased, without a trailing dot; brackets kept for IPv6. */
export const hostName = (hostHeader: string): string | undefined => {
  if (!isValidHostHeader(hostHeader)) return undefined;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : (hostHeader.split(':', 1)[0] ?? '');
  return name.toLowerCase().replace(/\.$/, '');
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export interface HostAllowlistOptions {
  /** Interface the relay binds (`--host`). */
  bindHost: string;
  /** Origins the relay is published as (`--public-origin`). */
  publicOrigins: readonly string[];
  /** Browser origins allowed to open WebSockets (`--allow-origin`); `*` names no host. */
  allowedOrigins: readonly string[];
  /** This machine's interface addresses, allowed as IP literals when the relay binds a wildcard (no DNS name can rebind to an IP literal). */
  interfaceAddresses?: readonly string[];
}

const isLoopbackBind = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export const createHostAllowlist = (options: HostAllowlistOptions): HostAllowlist => {
  const names = new Set<string>();
  const addName = (raw: string): void => {
    const name = raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw;
    names.add(name.toLowerCase().replace(/\.$/, ''));
  };
  for (const origin of [...options.publicOrigins, ...options.allowedOrigins]) {
    if (origin === '*') continue;
    try {
      addName(new URL(origin).hostname);
    } catch {
      // cli-args validated these; a bad one names nothing
    }
  }
  const wildcard = WILDCARDS.has(options.bindHost);
  if (wildcard || isLoopbackBind(options.bindHost)) for (const name of LOOPBACK_NAMES) names.add(name);
  if (!wildcard) addName(options.bindHost);
  else for (const address of options.interfaceAddresses ?? []) addName(address.split('%', 1)[0] ?? address);
  return {
    names,
    allows: (hostHeader) => {
      const name = hostName(hostHeader);
      return name !== undefined && names.has(name);
    },
  };
};
