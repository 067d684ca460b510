import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/core/app-config';
import { err, ok, type Result } from '../../src/core/result';
import { createFakeMedia } from '../../src/adapters/media/fake';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createAppModel, type Location } from '../../src/models/app';

const config: AppConfig = { strategy: 'nostr', relays: ['ws://127.0.0.1:1/'], iceServers: [] };

/** An address bar in memory; setting the hash notifies listeners as the browser's hashchange does. */
const memoryLocation = (initial = ''): Location & { hash: string } => {
  const listeners = new Set<() => void>();
  const loc = {
    hash: initial,
    getHash: () => loc.hash,
    setHash(h: string) {
      loc.hash = h;
      listeners.forEach((l) => l());
    },
    onHashChange(l: () => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
  return loc;
};

const makeApp = (hash = '', loaded: Result<AppConfig> = ok(config)) => {
  const location = memoryLocation(hash);
  const hub = createFakeSignalingHub();
  const app = createAppModel({
    loadConfig: async () => loaded,
    signaling: hub.signaling,
    media: createFakeMedia(() => ({ stream: null, problem: 'not-found' })).port,
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    location,
  });
  return { app, location, hub };
};

describe('app model', () => {
  it('prepares the configured signaling strategy as soon as config is known', async () => {
    const { app, hub } = makeApp('', ok({ ...config, strategy: 'torrent' }));
    await app.ready;
    expect(hub.prepared).toEqual(['torrent']);
  });

  it('starts a call by putting a fresh code in the fragment', async () => {
    const { app, location } = makeApp();
    await app.ready;
    app.startCall();
    expect(location.hash).toMatch(/^#\/([0-9A-Z]{4}-){6}[0-9A-Z]{2}$/);
    const screen = app.screen.value;
    expect(screen.name).toBe('call');
    if (screen.name === 'call') expect(`#/${screen.code.text}`).toBe(location.hash);
    app.goHome();
    expect(app.screen.value.name).toBe('home');
    await app.dispose();
  });

  it('opens the call named by a link at load, having prefetched signaling before config arrived', async () => {
    const first = makeApp();
    await first.app.ready;
    first.app.startCall();
    const { app, hub } = makeApp(first.location.hash);
    expect(hub.prepared).toEqual(['nostr']);
    await app.ready;
    expect(app.screen.value.name).toBe('call');
    await Promise.all([first.app.dispose(), app.dispose()]);
  });

  it('joins from a pasted link and refuses a bad code with a sentence', async () => {
    const { app, location } = makeApp();
    await app.ready;
    app.join('cup');
    expect(app.codeError.value).toMatch(/"U" \(at position 2\) cannot appear/);
    expect(location.hash).toBe('');
    app.join('https://parley.example/#/' + '0'.repeat(26));
    expect(app.codeError.value).toBeNull();
    expect(location.hash).toBe('#/0000-0000-0000-0000-0000-0000-00');
    await app.dispose();
  });

  it('shows a bad link on Home with the reason', async () => {
    const { app } = makeApp('#/NOPE');
    await app.ready;
    expect(app.screen.value.name).toBe('home');
    expect(app.codeError.value).toMatch(/does not hold a valid room code.*26 letters and digits; this one has 4/);
  });

  it('reports a config error and refuses to start calls', async () => {
    const { app, location, hub } = makeApp('', err('config.json is not valid JSON.'));
    await app.ready;
    expect(hub.prepared).toEqual([]);
    expect(app.configError.value).toBe('config.json is not valid JSON.');
    app.startCall();
    expect(location.hash).toBe('');
    expect(app.screen.value.name).toBe('home');
  });
});
