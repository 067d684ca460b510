import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../src/core/app-config';

describe('config.json', () => {
  it('the shipped public/config.json is valid, with several relays and STUN servers', () => {
    const parsed = parseAppConfig(JSON.parse(readFileSync('public/config.json', 'utf8')));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.strategy).toBe('nostr');
    expect(parsed.value.relays.length).toBeGreaterThanOrEqual(3);
    expect(parsed.value.iceServers.flatMap((s) => s.urls).every((u) => u.startsWith('stun:'))).toBe(true);
  });

  it('defaults strategy to nostr and ICE servers to none, and normalises a single URL', () => {
    expect(parseAppConfig({ relays: ['ws://127.0.0.1:1/'] })).toEqual({
      ok: true,
      value: { strategy: 'nostr', relays: ['ws://127.0.0.1:1/'], iceServers: [] },
    });
    const turn = parseAppConfig({
      strategy: 'torrent',
      relays: ['wss://t.example'],
      iceServers: [{ urls: 'turn:t.example', username: 'u', credential: 'c' }],
    });
    expect(turn).toEqual({
      ok: true,
      value: {
        strategy: 'torrent',
        relays: ['wss://t.example'],
        iceServers: [{ urls: ['turn:t.example'], username: 'u', credential: 'c' }],
      },
    });
  });

  it.each([
    [null, 'config.json must hold a JSON object'],
    [[], 'config.json must hold a JSON object'],
    [{}, '"relays" must be a non-empty list'],
    [{ relays: [] }, '"relays" must be a non-empty list'],
    [{ relays: ['https://x'] }, '"relays"[0] must start with ws: or wss:'],
    [{ relays: [7] }, '"relays"[0] must be a non-empty string'],
    [{ relays: Array(33).fill('wss://x') }, 'more than 32'],
    [{ relays: ['wss://' + 'a'.repeat(600)] }, 'longer than 512'],
    [{ strategy: 'mqtt', relays: ['wss://x'] }, '"strategy" must be "nostr" or "torrent"'],
    [{ relays: ['wss://x'], iceServers: {} }, '"iceServers" must be a list'],
    [{ relays: ['wss://x'], iceServers: [{ urls: [] }] }, '"iceServers"[0].urls must be a URL or a non-empty list'],
    [{ relays: ['wss://x'], iceServers: [{ urls: 'http://x' }] }, '"iceServers"[0].urls[0] must start with stun:'],
    [
      { relays: ['wss://x'], iceServers: [{ urls: 'stun:x', username: 3 }] },
      '"iceServers"[0].username must be a string',
    ],
    [
      { relays: ['wss://x'], iceServers: [{ urls: 'turn:t.example' }] },
      '"iceServers"[0] lists a TURN URL, so it needs both "username" and "credential"',
    ],
    [
      { relays: ['wss://x'], iceServers: [{ urls: ['stun:s', 'turns:t'], username: 'u' }] },
      '"iceServers"[0] lists a TURN URL, so it needs both',
    ],
    [
      {
        relays: ['wss://x'],
        iceServers: [{ urls: 'turn:t', username: 'u', credential: 'c' }],
        iceTransportPolicy: 'none',
      },
      '"iceTransportPolicy" must be "all" or "relay"',
    ],
    [
      { relays: ['wss://x'], iceServers: [{ urls: 'stun:s' }], iceTransportPolicy: 'relay' },
      '"iceTransportPolicy": "relay" needs at least one TURN server',
    ],
  ])('refuses %j: %s', (input, message) => {
    const parsed = parseAppConfig(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it('accepts TURN with static credentials (TCP and TLS too) and a relay-only policy', () => {
    const turn = {
      urls: ['turn:t.example:3478', 'turn:t.example:3478?transport=tcp', 'turns:t.example:5349'],
      username: '1700000000:parley',
      credential: 'c2VjcmV0',
    };
    expect(parseAppConfig({ relays: ['wss://x'], iceServers: [turn], iceTransportPolicy: 'relay' })).toEqual({
      ok: true,
      value: { strategy: 'nostr', relays: ['wss://x'], iceServers: [turn], iceTransportPolicy: 'relay' },
    });
    // "all" is the default, and is left out rather than spelled out.
    expect(parseAppConfig({ relays: ['wss://x'], iceServers: [turn], iceTransportPolicy: 'all' })).toEqual({
      ok: true,
      value: { strategy: 'nostr', relays: ['wss://x'], iceServers: [turn] },
    });
  });
});
