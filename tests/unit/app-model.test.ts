import { describe, expect, it } from 'vitest';
import type { AppConfig, ConfigProblem } from '../../src/core/app-config';
import { err, ok, type Result } from '../../src/core/result';
import { JOIN_LIMIT, createSlidingWindowLimiter } from '../../src/core/rate-limit';
import { generateRoomCode } from '../../src/core/room-code';
import { createInlineKdf } from '../../src/adapters/kdf/fake';
import { createFakeMedia } from '../../src/adapters/media/fake';
import { memoryStore } from '../../src/adapters/storage/local-storage';
import { FakeTrack, fakeStreamOf } from '../../src/adapters/media/fake';
import { memoryDeviceChoices } from '../../src/adapters/storage/device-choices-store';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createMemoryAddressBar } from '../../src/adapters/address-bar/fake';
import { CONFIG_MAX_AGE_MS, createAppModel } from '../../src/models/app';
import { codeErrorText } from '../../src/ui/code-error-text';
import type { CodeProblem } from '../../src/models/app';

type Conf = Result<AppConfig, ConfigProblem>;

/** The refusal as Home words it (English, times as ISO strings so they can be compared). */
const words = (p: CodeProblem | null) => (p === null ? null : codeErrorText(p, (ms) => new Date(ms).toISOString()));

const config: AppConfig = { strategy: 'nostr', relays: ['ws://127.0.0.1:1/'], iceServers: [] };

const makeApp = (
  hash = '',
  loaded: Conf | (() => Conf | Promise<Conf>) = ok(config),
  store = memoryStore(),
  now = () => Date.now(),
  warmCall?: () => void,
) => {
  const addressBar = createMemoryAddressBar(hash);
  const hub = createFakeSignalingHub();
  const app = createAppModel({
    loadConfig: async () => (typeof loaded === 'function' ? loaded() : loaded),
    signaling: hub.signaling,
    media: createFakeMedia(() => ({ stream: null, problem: 'not-found' })).port,
    kdf: createInlineKdf(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    deviceChoices: memoryDeviceChoices(),
    addressBar,
    now,
    joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store, now }),
    ...(warmCall && { warmCall }),
  });
  return { app, addressBar, hub };
};

const START = { lifetimeMinutes: 60, password: '' };

/** Lets queued tasks run until `cond` holds (bounded), then checks it. */
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(cond()).toBe(true);
};

describe('app model', () => {
  it('on Home, loads the configured signaling strategy only once the person shows intent', async () => {
    const early = makeApp('', ok({ ...config, strategy: 'torrent' }));
    early.app.warmUp();
    expect(early.hub.prepared).toEqual([]);
    await early.app.ready;
    expect(early.hub.prepared).toEqual(['torrent']);

    const { app, hub } = makeApp('', ok({ ...config, strategy: 'torrent' }));
    await app.ready;
    expect(hub.prepared).toEqual([]);
    app.warmUp();
    expect(hub.prepared).toEqual(['torrent']);
    await Promise.all([early.app.dispose(), app.dispose()]);
  });

  it('asks for what the call needs at connect to be warmed once the lobby preview is up, once, not on Home', async () => {
    let warmed = 0;
    const { app } = makeApp(
      '',
      ok(config),
      memoryStore(),
      () => Date.now(),
      () => warmed++,
    );
    await app.ready;
    app.warmUp();
    expect(warmed).toBe(0);
    app.startCall(START);
    expect(app.screen.value.name).toBe('lobby');
    // Not before the preview (here: the devices' answer, none) is up.
    expect(warmed).toBe(0);
    await until(() => warmed === 1);
    const lobby = app.screen.value;
    if (lobby.name === 'lobby') lobby.lobby.toggleCamera();
    await new Promise((r) => setTimeout(r, 0));
    expect(warmed).toBe(1);
    await app.dispose();

    let fromLink = 0;
    const code = generateRoomCode({
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: Date.now(),
      lifetimeMinutes: 60,
      hasPassword: false,
    });
    const linked = makeApp(
      `#/${code.text}`,
      ok(config),
      memoryStore(),
      () => Date.now(),
      () => fromLink++,
    );
    await linked.app.ready;
    expect(linked.app.screen.value.name).toBe('lobby');
    await until(() => fromLink === 1);
    await linked.app.dispose();
  });

  it('starts a call by putting a fresh code in the fragment, through the lobby', async () => {
    const { app, addressBar, hub } = makeApp();
    await app.ready;
    app.startCall(START);
    expect(addressBar.hash).toMatch(/^#\/([0-9A-Z]{4}-){8}[0-9A-Z]{2}$/);
    const lobby = app.screen.value;
    expect(lobby.name).toBe('lobby');
    if (lobby.name === 'lobby') {
      expect(`#/${lobby.code.text}`).toBe(addressBar.hash);
      // Nobody is told we are here until "Join now".
      expect(hub.joins).toEqual([]);
      lobby.lobby.join();
    }
    // The call model is loaded on the way into the room (preloaded with the lobby).
    await expect.poll(() => app.screen.value.name, { timeout: 10_000 }).toBe('call');
    const screen = app.screen.value;
    expect(screen.name).toBe('call');
    if (screen.name === 'call') expect(`#/${screen.code.text}`).toBe(addressBar.hash);
    await expect.poll(() => hub.joins.length).toBe(1);
    app.goHome();
    expect(app.screen.value.name).toBe('home');
    await app.dispose();
  });

  it('a "Start a call" clicked before config.json arrived is kept: the lobby opens once it does (once, however often clicked)', async () => {
    let arrive!: (r: Conf) => void;
    const { app, addressBar } = makeApp('', () => new Promise((resolve) => (arrive = resolve)));
    app.startCall(START);
    app.startCall(START);
    expect(addressBar.hash).toBe('');
    expect(app.screen.value.name).not.toBe('lobby');
    arrive(ok(config));
    await app.ready;
    await until(() => app.screen.value.name === 'lobby');
    const lobby = app.screen.value;
    if (lobby.name === 'lobby') expect(`#/${lobby.code.text}`).toBe(addressBar.hash);
    await app.dispose();
  });

  it('opens the lobby named by a link at once, before config arrives, having prefetched signaling', async () => {
    const first = makeApp();
    await first.app.ready;
    first.app.startCall(START);
    let arrive!: (r: Conf) => void;
    const { app, hub } = makeApp(first.addressBar.hash, () => new Promise((resolve) => (arrive = resolve)));
    expect(hub.prepared).toEqual(['nostr']);
    // The first screen is the room the link names, never Home for a moment.
    expect(app.screen.value.name).toBe('lobby');
    const lobby = app.screen.value;
    // "Join now" before config.json is here waits for it (nothing joins without the relays it names)...
    if (lobby.name !== 'lobby') throw new Error('expected the lobby');
    expect(lobby.lobby.joining.value).toBe(false);
    lobby.lobby.join();
    await new Promise((r) => setTimeout(r, 0));
    expect(hub.joins).toEqual([]);
    expect(app.screen.value).toBe(lobby);
    // ...saying so meanwhile: the click was taken, the call is on its way.
    expect(lobby.lobby.joining.value).toBe(true);
    // ...and goes on with it once it arrives.
    arrive(ok({ ...config, relays: ['ws://127.0.0.1:2/'] }));
    await until(() => app.screen.value.name === 'call');
    expect(hub.joins.map((j) => j.relays)).toEqual([['ws://127.0.0.1:2/']]);
    await Promise.all([first.app.dispose(), app.dispose()]);
  });

  it("a config that fails to load takes a link's lobby Home with the reason, and its camera is closed", async () => {
    const code = generateRoomCode({
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: Date.now(),
      lifetimeMinutes: 60,
      hasPassword: false,
    });
    let arrive!: (r: Conf) => void;
    const camera = new FakeTrack('video');
    const addressBar = createMemoryAddressBar(`#/${code.text}`);
    const hub = createFakeSignalingHub();
    const app = createAppModel({
      loadConfig: () => new Promise((resolve) => (arrive = resolve)),
      signaling: hub.signaling,
      media: createFakeMedia(() => ({ stream: fakeStreamOf([camera]), problem: null })).port,
      kdf: createInlineKdf(),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      deviceChoices: memoryDeviceChoices(),
      addressBar,
      now: () => Date.now(),
      joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: memoryStore(), now: () => Date.now() }),
    });
    const lobby = app.screen.value;
    expect(lobby.name).toBe('lobby');
    if (lobby.name === 'lobby') await until(() => lobby.lobby.preview.value !== null);
    expect(camera.readyState).toBe('live');
    arrive(err({ kind: 'network', path: '/config.json' } as const));
    await app.ready;
    expect(app.screen.value.name).toBe('home');
    expect(addressBar.hash).toBe('');
    expect(words(app.codeError.value)).toMatch(/config\.json/);
    expect(camera.readyState).toBe('ended');
    await app.dispose();
  });

  it('joins from a pasted link and refuses a bad code with a sentence', async () => {
    const { app, addressBar } = makeApp();
    await app.ready;
    app.join('cup');
    expect(words(app.codeError.value)).toMatch(/"U" \(at position 2\) cannot appear/);
    expect(addressBar.hash).toBe('');
    const code = generateRoomCode({
      randomBytes: (n) => new Uint8Array(n),
      now: Date.now(),
      lifetimeMinutes: 60,
      hasPassword: false,
    });
    app.join('https://parley.example/#/' + code.text.toLowerCase());
    expect(app.codeError.value).toBeNull();
    expect(addressBar.hash).toBe(`#/${code.text}`);
    await app.dispose();
  });

  it('shows a bad link on Home with the reason', async () => {
    const { app } = makeApp('#/NOPE');
    await app.ready;
    expect(app.screen.value.name).toBe('home');
    expect(words(app.codeError.value)).toMatch(
      /does not hold a valid room code.*34 letters and digits; this one has 4/,
    );
  });

  it('refuses an expired link saying when it expired', async () => {
    const code = generateRoomCode({
      randomBytes: (n) => new Uint8Array(n),
      now: Date.now() - 2 * 3600_000,
      lifetimeMinutes: 60,
      hasPassword: false,
    });
    const { app } = makeApp(`#/${code.text}`);
    await app.ready;
    expect(app.screen.value.name).toBe('home');
    expect(words(app.codeError.value)).toBe(
      `This room expired at ${new Date(code.expiresAt).toISOString()}. Ask the other person to start a new call.`,
    );
  });

  it('allows five rooms a minute per browser, remembered across reloads, and says when the next is allowed', async () => {
    const store = memoryStore();
    const first = makeApp('', ok(config), store);
    await first.app.ready;
    for (let i = 0; i < 5; i++) {
      first.app.startCall(START);
      expect(first.app.screen.value.name).toBe('lobby');
    }
    await first.app.dispose();
    const reloaded = makeApp('', ok(config), store);
    await reloaded.app.ready;
    reloaded.app.startCall(START);
    expect(reloaded.app.screen.value.name).toBe('home');
    expect(reloaded.addressBar.hash).toBe('');
    expect(words(reloaded.app.codeError.value)).toMatch(
      /^Too many join attempts in the last minute\. You can try again at \d{4}-/,
    );
  });

  it('hands the creator its password in memory only: the link carries just the flag', async () => {
    const { app, addressBar } = makeApp();
    await app.ready;
    app.startCall({ lifetimeMinutes: 15, password: 's3cret words' });
    expect(addressBar.hash).not.toContain('s3cret');
    const lobby = app.screen.value;
    if (lobby.name === 'lobby') lobby.lobby.join();
    await expect.poll(() => app.screen.value.name, { timeout: 10_000 }).toBe('call');
    const screen = app.screen.value;
    expect(screen.name === 'call' && screen.code.hasPassword).toBe(true);
    expect(screen.name === 'call' && screen.call.status.value.kind).not.toBe('password');
    await app.dispose();
  });

  it('the call gets the preview the lobby showed (not asked again), and device choices persist; leaving the lobby closes the preview', async () => {
    const stream = fakeStreamOf([new FakeTrack('audio'), new FakeTrack('video')]);
    const media = createFakeMedia(() => ({ stream, problem: null }));
    const deviceChoices = memoryDeviceChoices();
    const addressBar = createMemoryAddressBar();
    const app = createAppModel({
      loadConfig: async () => ok(config),
      signaling: createFakeSignalingHub().signaling,
      media: media.port,
      deviceChoices,
      kdf: createInlineKdf(),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      addressBar,
      now: Date.now,
      joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: memoryStore(), now: Date.now }),
    });
    await app.ready;
    app.startCall(START);
    const lobby = app.screen.value;
    if (lobby.name !== 'lobby') throw new Error('expected the lobby');
    await expect.poll(() => lobby.lobby.preview.value).toBe(stream);
    await lobby.lobby.chooseMicrophone('mic-2');
    expect(deviceChoices.value.microphone).toBe('mic-2');
    lobby.lobby.toggleCamera();
    lobby.lobby.join();
    await expect.poll(() => app.screen.value.name, { timeout: 10_000 }).toBe('call');
    const screen = app.screen.value;
    if (screen.name !== 'call') throw new Error('expected the call');
    await expect.poll(() => screen.call.localStream.value).toBe(stream);
    expect(screen.call.cameraOn.value).toBe(false);
    expect(media.calls()).toBe(1);
    await app.dispose();

    // Back out of a second lobby: its camera and microphone close.
    const again = fakeStreamOf([new FakeTrack('audio'), new FakeTrack('video')]);
    const media2 = createFakeMedia(() => ({ stream: again, problem: null }));
    const app2 = createAppModel({
      loadConfig: async () => ok(config),
      signaling: createFakeSignalingHub().signaling,
      media: media2.port,
      kdf: createInlineKdf(),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      deviceChoices: memoryDeviceChoices(),
      addressBar: createMemoryAddressBar(addressBar.hash),
      now: Date.now,
      joinLimiter: createSlidingWindowLimiter({ ...JOIN_LIMIT, store: memoryStore(), now: Date.now }),
    });
    await app2.ready;
    const lobby2 = app2.screen.value;
    if (lobby2.name !== 'lobby') throw new Error('expected the lobby');
    await expect.poll(() => lobby2.lobby.preview.value).toBe(again);
    app2.goHome();
    expect(app2.screen.value.name).toBe('home');
    expect(again.getTracks().every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('reports a config error and refuses to start calls', async () => {
    const { app, addressBar, hub } = makeApp('', err({ kind: 'not-json', path: '/config.json' } as const));
    await app.ready;
    expect(hub.prepared).toEqual([]);
    expect(app.configError.value).toEqual({ kind: 'not-json', path: '/config.json' });
    app.startCall(START);
    expect(addressBar.hash).toBe('');
    expect(app.screen.value.name).toBe('home');
  });

  it('fetches config.json again before a call once it is over an hour old (TURN credentials expire), keeping the old one if that fails', async () => {
    let t = Date.UTC(2026, 10, 29, 8);
    const fresh: AppConfig = {
      ...config,
      iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: `${t / 1000 + 6 * 3600}:parley`, credential: 'new' }],
    };
    const answers: Array<Result<AppConfig, ConfigProblem>> = [
      ok(config),
      err({ kind: 'network', path: '/config.json' } as const),
      ok(fresh),
    ];
    let loads = 0;
    const { app, hub } = makeApp(
      '',
      () => answers[Math.min(loads++, answers.length - 1)]!,
      memoryStore(),
      () => t,
    );
    await app.ready;
    const callThenHome = async () => {
      app.startCall(START);
      // A config fetch the lobby started lands while the person looks at their preview.
      await new Promise((r) => setTimeout(r, 0));
      const lobby = app.screen.value;
      if (lobby.name === 'lobby') lobby.lobby.join();
      await until(() => hub.joins.length > 0 && app.screen.value.name === 'call');
      const used = hub.joins.at(-1)?.iceServers;
      app.goHome();
      hub.joins.length = 0;
      return used;
    };
    // Within the hour: no second fetch.
    t += CONFIG_MAX_AGE_MS - 1000;
    expect(await callThenHome()).toEqual([]);
    expect(loads).toBe(1);
    // Past it: fetched again; that fetch fails, so the call goes on with what it had.
    t += 2000;
    expect(await callThenHome()).toEqual([]);
    expect(loads).toBe(2);
    // The next room entry tries again, and the call uses the new credentials.
    expect(await callThenHome()).toEqual(fresh.iceServers);
    expect(loads).toBe(3);
    await app.dispose();
  });
});
