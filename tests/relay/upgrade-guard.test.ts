import { describe, expect, it } from 'vitest';
import { mintAccessToken } from '../../relay/access-token.js';
import { addressGroup, isLoopbackAddress } from '../../relay/address-group.js';
import { createHostAllowlist } from '../../relay/host-allowlist.js';
import {
  checkDiagnosis,
  checkUpgrade,
  parseRequestTarget,
  type UpgradeFacts,
  type UpgradePolicy,
} from '../../relay/upgrade-guard.js';

const facts = (over: Partial<UpgradeFacts> = {}): UpgradeFacts => ({
  method: 'GET',
  target: '/',
  host: '127.0.0.1:8787',
  origin: undefined,
  closing: false,
  connections: 0,
  groupConnections: 0,
  nowSeconds: 1_700_000_000,
  ...over,
});

const hosts = createHostAllowlist({
  bindHost: '127.0.0.1',
  publicOrigins: ['https://relay.example'],
  allowedOrigins: ['https://app.example', '*'],
});

const policy = (over: Partial<UpgradePolicy> = {}): UpgradePolicy => ({
  maxConnections: 10,
  maxConnectionsPerGroup: 2,
  allowsHost: hosts.allows,
  allowsOrigin: (origin) => origin === 'http://127.0.0.1:8787',
  takeOpenToken: () => true,
  ...over,
});

/** Every request target we know to have broken `new URL(target, base)` or to sneak a host in. */
const MALFORMED_TARGETS = [
  '//',
  'http://a:99999/',
  '//a:99999',
  'http://[::1/',
  '/\\evil.example/',
  '\\\\evil',
  '*',
  '',
  'ws://x/',
  'a',
  `/${'a'.repeat(5000)}`,
];

describe('parseRequestTarget', () => {
  it('reads origin-form targets and their query', () => {
    expect(parseRequestTarget('/?token=abc')).toMatchObject({ path: '/' });
    expect(parseRequestTarget('/?token=abc')?.query.get('token')).toBe('abc');
    expect(parseRequestTarget('/announce?info_hash=x')?.path).toBe('/announce');
  });

  it('returns undefined, never throws, for malformed or host-bearing targets', () => {
    for (const target of [...MALFORMED_TARGETS, undefined])
      expect(parseRequestTarget(target), String(target)).toBeUndefined();
  });
});

describe('checkUpgrade', () => {
  it('accepts a plain request to / and /announce', () => {
    expect(checkUpgrade(facts(), policy())).toEqual({ accept: true, path: '/' });
    expect(checkUpgrade(facts({ target: '/announce' }), policy())).toEqual({ accept: true, path: '/announce' });
  });

  it('refuses every malformed target with 400, before any other guard', () => {
    for (const target of MALFORMED_TARGETS) {
      expect(checkUpgrade(facts({ target, host: 'evil.example' }), policy()), target).toMatchObject({
        accept: false,
        status: 400,
        reason: 'bad_request',
      });
    }
    expect(checkUpgrade(facts({ method: 'POST' }), policy())).toMatchObject({ accept: false, status: 405 });
  });

  it('answers only for allowed host names: 421 for an unknown one (DNS rebinding), 400 for a malformed one', () => {
    expect(
      checkUpgrade(
        facts({ host: 'evil.example:8787', origin: 'http://evil.example:8787' }),
        policy({ allowsOrigin: () => true }),
      ),
    ).toMatchObject({ accept: false, status: 421, reason: 'host' });
    expect(checkUpgrade(facts({ host: 'evil"><x' }), policy())).toMatchObject({
      accept: false,
      status: 400,
      reason: 'host',
    });
    for (const host of [
      'localhost:8787',
      '127.0.0.1:1',
      '[::1]:8787',
      'relay.example',
      'RELAY.example.:443',
      'app.example',
    ]) {
      expect(checkUpgrade(facts({ host }), policy()), host).toEqual({ accept: true, path: '/' });
    }
  });

  it('runs the remaining guards in order: path, capacity, group, origin, token, open rate', () => {
    expect(checkUpgrade(facts({ closing: true }), policy())).toMatchObject({ status: 503 });
    expect(checkUpgrade(facts({ target: '/x' }), policy())).toMatchObject({ status: 404 });
    expect(checkUpgrade(facts({ connections: 10 }), policy())).toMatchObject({ status: 503, reason: 'capacity' });
    expect(checkUpgrade(facts({ groupConnections: 2 }), policy())).toMatchObject({
      status: 429,
      reason: 'ip_connections',
    });
    expect(checkUpgrade(facts({ origin: 'https://evil.example' }), policy())).toMatchObject({
      status: 403,
      reason: 'origin',
    });
    const secret = new TextEncoder().encode('0123456789abcdef0123');
    expect(checkUpgrade(facts(), policy({ tokenSecret: secret }))).toMatchObject({
      status: 401,
      text: 'access token missing',
    });
    const token = mintAccessToken(secret, 1_700_000_060);
    expect(checkUpgrade(facts({ target: `/?token=${token}` }), policy({ tokenSecret: secret }))).toEqual({
      accept: true,
      path: '/',
    });
    let asked = 0;
    const openRate = policy({ takeOpenToken: () => (asked += 1) > 1 });
    expect(checkUpgrade(facts({ origin: 'https://evil.example' }), openRate)).toMatchObject({ status: 403 });
    expect(asked).toBe(0); // a refused request spends no open token
    expect(checkUpgrade(facts(), openRate)).toMatchObject({ status: 429, reason: 'rate' });
    expect(checkUpgrade(facts(), openRate)).toEqual({ accept: true, path: '/' });
  });
});

describe('createHostAllowlist', () => {
  it('allows loopback names on a loopback or wildcard bind, the bound address, public and allowed origins, and nothing else', () => {
    const wildcard = createHostAllowlist({
      bindHost: '0.0.0.0',
      publicOrigins: [],
      allowedOrigins: [],
      interfaceAddresses: ['192.168.1.5', 'fe80::1%eth0'],
    });
    expect(['localhost:1', '127.0.0.1', '192.168.1.5:8787', '[fe80::1]:8787'].every(wildcard.allows)).toBe(true);
    expect(wildcard.allows('0.0.0.0:8787')).toBe(false);
    expect(wildcard.allows('evil.example')).toBe(false);
    const lan = createHostAllowlist({
      bindHost: '192.168.1.5',
      publicOrigins: ['https://parley.lan'],
      allowedOrigins: [],
    });
    expect(lan.allows('192.168.1.5:8787')).toBe(true);
    expect(lan.allows('parley.lan')).toBe(true);
    expect(lan.allows('localhost:8787')).toBe(false);
    expect(lan.allows('parley.lan.evil.example')).toBe(false);
  });
});

describe('addressGroup', () => {
  it('groups IPv6 by /64, IPv4 by address, and IPv4-mapped IPv6 as IPv4', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('::FFFF:cb00:7107')).toBe('203.0.113.7');
    const a = addressGroup('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2::1')).toBe(a);
    expect(addressGroup('2001:0db8:0001:0002:ffff:0:0:1')).toBe(a);
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(a);
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('::ffff:1.2.3.4')).not.toBe(addressGroup('::ffff:1.2.3.5'));
    expect(addressGroup('not an ip')).toBe('not an ip');
  });

  it('knows loopback peers', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1'].some(isLoopbackAddress)).toBe(false);
  });
});

describe('checkDiagnosis (?parley-diagnosis=1)', () => {
  const d = '/?parley-diagnosis=1';
  it('is not asked about a request without the parameter', () => {
    expect(checkDiagnosis(facts(), policy())).toBeNull();
  });

  it("reports the real upgrade's status for origin, token and capacity, spending one new-connection token", () => {
    let taken = 0;
    const counting = policy({ takeOpenToken: () => (taken++, true) });
    expect(checkDiagnosis(facts({ target: d, origin: 'https://evil.example' }), counting)).toEqual({
      accept: true,
      status: 403,
    });
    expect(checkDiagnosis(facts({ target: d }), { ...counting, tokenSecret: Buffer.from('s'.repeat(32)) })).toEqual({
      accept: true,
      status: 401,
    });
    expect(checkDiagnosis(facts({ target: d, connections: 10 }), counting)).toEqual({ accept: true, status: 503 });
    expect(checkDiagnosis(facts({ target: d, groupConnections: 2 }), counting)).toEqual({ accept: true, status: 429 });
    expect(checkDiagnosis(facts({ target: d }), counting)).toEqual({ accept: true, status: 101 });
    expect(taken).toBe(5);
  });

  it('is refused as any upgrade for a bad Host, a path we do not serve, a closing relay, or no new-connection token', () => {
    expect(checkDiagnosis(facts({ target: d, host: 'rebound.example' }), policy())).toMatchObject({
      accept: false,
      status: 421,
    });
    expect(checkDiagnosis(facts({ target: '/x?parley-diagnosis=1' }), policy())).toMatchObject({
      accept: false,
      status: 404,
    });
    expect(checkDiagnosis(facts({ target: d, closing: true }), policy())).toMatchObject({ accept: false, status: 503 });
    expect(checkDiagnosis(facts({ target: d }), policy({ takeOpenToken: () => false }))).toMatchObject({
      accept: false,
      status: 429,
    });
  });
});
