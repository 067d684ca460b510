import { describe, expect, it } from 'vitest';
import { createFakeProbe } from '../../src/adapters/probe/fake';
import { createConnectionTestModel, type CheckLine } from '../../src/models/connection-test';
import { findingText } from '../../src/ui/relay-verdict-text';
import { err, ok } from '../../src/core/result';
import type { AppConfig } from '../../src/core/app-config';

/** A line as the page shows it (in English, the default language). */
const text = (l: CheckLine | undefined) => (l ? findingText(l.finding) : undefined);

const config: AppConfig = {
  strategy: 'nostr',
  relays: ['wss://up.example/', 'wss://down.example/'],
  iceServers: [
    { urls: ['stun:stun.example:3478'] },
    { urls: ['turn:turn.example:3478'], username: 'u', credential: 'c' },
  ],
};

describe('connection test', () => {
  it('says per relay and per STUN/TURN server whether it answered', async () => {
    const { probe } = createFakeProbe(
      { 'wss://up.example/': { kind: 'good' } },
      {
        'stun:stun.example:3478': { srflx: true, relay: false },
        'turn:turn.example:3478': { srflx: true, relay: false },
      },
    );
    const model = createConnectionTestModel({ probe, config: async () => ok(config) });
    await model.run();
    const s = model.state.value;
    expect(s.phase).toBe('done');
    if (s.phase !== 'done') return;
    expect(s.lines.map((l) => [l.what, l.ok])).toEqual([
      ['wss://up.example/', true],
      ['wss://down.example/', false],
      ['STUN stun.example:3478', true],
      // A TURN server counts only with a relay candidate: an srflx alone means STUN worked but the allocation did not.
      ['TURN turn.example:3478', false],
    ]);
    expect(text(s.lines[1])).toMatch(/^Unreachable: no WebSocket connection/);
    expect(text(s.lines[3])).toMatch(/credentials were refused/);
  });

  it('says plainly when no STUN or TURN server is configured', async () => {
    const { probe, calls } = createFakeProbe({ 'wss://up.example/': { kind: 'good' } }, {});
    const model = createConnectionTestModel({
      probe,
      config: async () => ok({ ...config, relays: ['wss://up.example/'], iceServers: [] }),
    });
    await model.run();
    const s = model.state.value;
    expect(s.phase === 'done' && s.lines.map(text)).toEqual([
      'Reachable, and answers as a Nostr relay, as config.json says.',
      expect.stringMatching(/^No STUN or TURN server is configured/),
    ]);
    expect(calls).toEqual(['wss://up.example/']);
  });

  it("names each relay's problem in the deployer's terms: the wrong protocol, the origin, a token, busy, its own words", async () => {
    const relays = {
      'wss://tracker.example/': { kind: 'other-protocol', speaks: 'tracker' },
      'wss://strict.example/': { kind: 'refused', cause: 'origin', status: 403 },
      'wss://token.example/': { kind: 'refused', cause: 'token', status: 401 },
      'wss://full.example/': { kind: 'refused', cause: 'busy', status: 503 },
      'wss://picky.example/': { kind: 'complaint', text: 'auth-required: we only serve members' },
    } as const;
    const { probe } = createFakeProbe(relays, {});
    const model = createConnectionTestModel({
      probe,
      config: async () => ok({ ...config, relays: Object.keys(relays), iceServers: [{ urls: ['stun:s.example'] }] }),
    });
    await model.run();
    const s = model.state.value;
    expect(s.phase === 'done' && s.lines.slice(0, 5).map((l) => [l.ok, text(l)])).toEqual([
      [false, expect.stringContaining('this looks like a WebTorrent tracker; config.json says "strategy": "nostr"')],
      [false, expect.stringContaining("add this site's origin with --allow-origin https://app.example")],
      [false, expect.stringContaining('needs a token')],
      [false, expect.stringContaining('busy')],
      [false, expect.stringContaining('The relay says: "auth-required: we only serve members"')],
    ]);
  });

  it('reports a config that failed to load instead of testing nothing', async () => {
    const { probe, calls } = createFakeProbe({}, {});
    const model = createConnectionTestModel({
      probe,
      config: async () => err({ kind: 'status', path: '/config.json', status: 404 }),
    });
    await model.run();
    expect(model.state.value).toEqual({
      phase: 'error',
      problem: { kind: 'config', problem: { kind: 'status', path: '/config.json', status: 404 } },
    });
    expect(calls).toEqual([]);
  });
});
