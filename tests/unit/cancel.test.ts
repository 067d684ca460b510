import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig, ConfigProblem } from '../../src/core/app-config';
import { ok, type Result } from '../../src/core/result';
import { createFakeAttention } from '../../src/adapters/attention/fake';
import { createInlineKdf } from '../../src/adapters/kdf/fake';
import type { PasswordKdf } from '../../src/adapters/kdf/types';
import { createFakeMedia, FakeTrack, fakeStreamOf } from '../../src/adapters/media/fake';
import { createFakeProbe } from '../../src/adapters/probe/fake';
import { createFakeAppShell } from '../../src/adapters/pwa/fake';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createTrysteroSignaling } from '../../src/adapters/signaling/trystero';
import type { Signaling } from '../../src/adapters/signaling/types';
import { memoryDeviceChoices } from '../../src/adapters/storage/device-choices-store';
import { memoryStore } from '../../src/adapters/storage/local-storage';
import { createRoot } from '../../src/app';
import { hashFor } from '../../src/models/app';
import { config, makeCall, newCode, until, untilSet } from './call-fixtures';
import { tracksOf } from './fake-stream';
import { createMemoryAddressBar } from '../../src/adapters/address-bar/fake';
import { createFakeWakeLock } from '../../src/adapters/wake-lock/fake';

afterEach(() => vi.useRealTimers());

/** Lets queued tasks run until `cond` holds (bounded), then checks it. */
const eventually = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(cond()).toBe(true);
};

describe('aborting a join', () => {
  it('leaves the room it joined: the others see us go', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    await until(a, 'waiting');
    const ctl = new AbortController();
    const raw = await hub.signaling.join(hub.joins[0]!, ctl.signal);
    await eventually(() => hub.memberIds().includes(raw.selfId));
    ctl.abort();
    expect(hub.memberIds()).not.toContain(raw.selfId);
    await a.dispose();
  });

  it('the Trystero adapter refuses a join whose signal is already aborted, before loading or announcing anything', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('call ended'));
    const options = {
      strategy: 'nostr' as const,
      relays: ['ws://127.0.0.1:1/'],
      iceServers: [],
      topic: 't',
      password: 'p',
    };
    await expect(createTrysteroSignaling().join(options, ctl.signal)).rejects.toThrow('call ended');
  });

  it('a call disposed while its join is under way hands signaling an aborted signal and never appears in the room', async () => {
    const hub = createFakeSignalingHub();
    let seen: AbortSignal | undefined;
    let release: () => void = () => undefined;
    const slow: Signaling = {
      prepare: () => undefined,
      async join(options, signal) {
        seen = signal;
        await new Promise<void>((r) => (release = r));
        return hub.signaling.join(options, signal);
      },
    };
    const call = makeCall(hub, newCode(), { signaling: slow });
    await eventually(() => seen !== undefined);
    expect(seen?.aborted).toBe(false);
    await call.dispose();
    expect(seen?.aborted).toBe(true);
    release();
    await new Promise((r) => setTimeout(r, 5));
    expect(hub.memberIds()).toEqual([]);
    // Cancelled is not failed.
    expect(call.status.value).toEqual({ kind: 'joining' });
  });

  it('a call disposed while the password is being stretched cancels the stretch and never joins', async () => {
    const hub = createFakeSignalingHub();
    let seen: AbortSignal | undefined;
    const kdf: PasswordKdf = {
      derive: (_p, _s, signal) =>
        new Promise((_resolve, reject) => {
          seen = signal;
          signal?.addEventListener('abort', () => reject(signal.reason));
        }),
    };
    const call = makeCall(hub, newCode({ hasPassword: true }), { kdf, password: 'right', isCreator: true });
    await eventually(() => seen !== undefined);
    await call.dispose();
    expect(seen?.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(hub.joins).toEqual([]);
    expect(call.status.value).toEqual({ kind: 'joining' });
  });
});

const makeRoot = (
  over: { hash?: string; loadConfig?: (signal: AbortSignal) => Promise<Result<AppConfig, ConfigProblem>> } = {},
) => {
  const hub = createFakeSignalingHub();
  /** Every track the camera and microphone gave out. */
  const tracks: FakeTrack[] = [];
  const media = createFakeMedia(() => {
    const opened = [new FakeTrack('audio'), new FakeTrack('video')];
    tracks.push(...opened);
    return { stream: fakeStreamOf(opened), problem: null };
  });
  const shell = createFakeAppShell();
  const wakeLock = createFakeWakeLock();
  const root = createRoot({
    loadConfig: over.loadConfig ?? (async () => ok(config)),
    signaling: hub.signaling,
    media: media.port,
    deviceChoices: memoryDeviceChoices(),
    kdf: createInlineKdf(),
    addressBar: createMemoryAddressBar(over.hash ?? ''),
    shell,
    probe: createFakeProbe({}, {}).probe,
    attention: createFakeAttention().port,
    wakeLock: wakeLock.port,
    joinAttempts: memoryStore(),
    now: () => Date.now(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  });
  return { root, hub, media, tracks, shell, wakeLock };
};

describe('the root owns every model', () => {
  it("disposed before config.json arrived: the fetch is aborted, the link's lobby closes its camera, and the late answer opens nothing", async () => {
    let seen: AbortSignal | undefined;
    let answer: (r: Result<AppConfig, ConfigProblem>) => void = () => undefined;
    const { root, media, tracks, hub } = makeRoot({
      hash: hashFor(newCode()),
      loadConfig: (signal) => ((seen = signal), new Promise((r) => (answer = r))),
    });
    // A link opens its lobby at once, config or not: its preview is asked for.
    expect(root.app.screen.value.name).toBe('lobby');
    await eventually(() => tracks.length > 0);
    await root.dispose();
    expect(seen?.aborted).toBe(true);
    expect(tracks.every((t) => t.readyState === 'ended')).toBe(true);
    answer(ok(config));
    await root.app.ready;
    expect(media.calls()).toBe(1);
    expect(hub.joins).toEqual([]);
    expect(root.app.screen.value.name).not.toBe('call');
  });

  it('disposing it mid-call leaves the room, stops the devices, unhooks the shell and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const code = newCode();
    const { root, hub, shell } = makeRoot({ hash: hashFor(code) });
    await vi.advanceTimersByTimeAsync(10);
    const lobby = root.app.screen.value;
    if (lobby.name !== 'lobby') throw new Error(`expected the lobby, got ${lobby.name}`);
    await vi.advanceTimersByTimeAsync(10);
    lobby.lobby.join();
    // The call model loads on the way into the room.
    await expect.poll(() => root.app.screen.value.name, { timeout: 10_000 }).toBe('call');
    const screen = root.app.screen.value;
    if (screen.name !== 'call') throw new Error(`expected the call, got ${screen.name}`);
    await vi.advanceTimersByTimeAsync(10);
    expect(screen.call.status.value.kind).toBe('waiting');
    const stream = screen.call.localStream.value;
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await root.dispose();
    expect(hub.memberIds()).toEqual([]);
    expect(stream && tracksOf(stream).every((t) => t.readyState === 'ended')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    shell._emitUpdateReady();
    expect(root.shell.offerUpdate.value).toBe(false);
    // Idempotent: the pagehide that follows a dispose is harmless.
    await root.dispose();
  });
});

describe('lobby → call hand-over', () => {
  it('the call sends the very stream the lobby previewed, with its toggles, without asking the devices again', async () => {
    const code = newCode();
    const { root, hub, media, wakeLock } = makeRoot({ hash: hashFor(code) });
    await root.app.ready;
    const lobby = root.app.screen.value;
    if (lobby.name !== 'lobby') throw new Error(`expected the lobby, got ${lobby.name}`);
    await eventually(() => lobby.lobby.ready.value);
    const preview = lobby.lobby.preview.value;
    lobby.lobby.toggleMic();
    lobby.lobby.join();
    // The call model loads on the way into the room.
    await expect.poll(() => root.app.screen.value.name, { timeout: 10_000 }).toBe('call');
    const screen = root.app.screen.value;
    if (screen.name !== 'call') throw new Error(`expected the call, got ${screen.name}`);
    const call = screen.call;
    expect(call.localStream.value).toBe(preview);
    expect([call.micOn.value, call.cameraOn.value]).toEqual([false, true]);
    expect(preview?.getAudioTracks().every((t) => !t.enabled)).toBe(true);
    // One stream, one set of toggles: switching in the call is what the (former) lobby's state shows too.
    call.toggleMic();
    expect(lobby.lobby.micOn.value).toBe(true);
    const other = makeCall(hub, code);
    await Promise.all([until(call, 'connected'), until(other, 'connected')]);
    expect(await untilSet(other.remoteStream)).toBe(preview);
    expect(media.calls()).toBe(1);
    // Connected: the screen is kept on; hanging up lets it sleep again.
    await eventually(() => wakeLock.state.held === 1);
    await call.hangUp();
    await eventually(() => wakeLock.state.held === 0);
    expect(wakeLock.state.releases).toBe(1);
    await Promise.all([root.dispose(), other.dispose()]);
  });
});
