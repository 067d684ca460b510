import { describe, expect, it } from 'vitest';
import { createFakeProbe } from '../../src/adapters/probe/fake';
import { createConnectionTestModel } from '../../src/models/connection-test';
import { err, ok } from '../../src/core/result';
import type { AppConfig } from '../../src/core/app-config';

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
      { 'wss://up.example/': true },
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
    expect(s.lines[1]?.text).toMatch(/unreachable/);
    expect(s.lines[3]?.text).toMatch(/credentials were refused/);
  });

  it('says plainly when no STUN or TURN server is configured', async () => {
    const { probe, calls } = createFakeProbe({ 'wss://up.example/': true }, {});
    const model = createConnectionTestModel({
      probe,
      config: async () => ok({ ...config, relays: ['wss://up.example/'], iceServers: [] }),
    });
    await model.run();
    const s = model.state.value;
    expect(s.phase === 'done' && s.lines.map((l) => l.text)).toEqual([
      'Signaling relay reachable.',
      expect.stringMatching(/^No STUN or TURN server is configured/),
    ]);
    expect(calls).toEqual(['wss://up.example/']);
  });

  it('reports a config that failed to load instead of testing nothing', async () => {
    const { probe, calls } = createFakeProbe({}, {});
    const model = createConnectionTestModel({
      probe,
      config: async () => err('Could not load /config.json: the server answered 404.'),
    });
    await model.run();
    expect(model.state.value).toEqual({
      phase: 'error',
      message: 'Could not load /config.json: the server answered 404.',
    });
    expect(calls).toEqual([]);
  });
});
