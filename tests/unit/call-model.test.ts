import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/core/app-config';
import { deriveRoomKeys } from '../../src/core/keys';
import { generateRoomCode } from '../../src/core/room-code';
import { createFakeMedia } from '../../src/adapters/media/fake';
import type { LocalMedia } from '../../src/adapters/media/types';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createCallModel, type CallModel } from '../../src/models/call';
import { fakeStream, tracksOf } from './fake-stream';

const config: AppConfig = { strategy: 'nostr', relays: ['ws://127.0.0.1:1/'], iceServers: [] };
const code = generateRoomCode((n) => crypto.getRandomValues(new Uint8Array(n)));

/** Resolves when the model's status reaches `kind` (signals notify synchronously on change). */
const until = (call: CallModel, kind: string) =>
  new Promise<void>((resolve) => {
    const stop = call.status.subscribe((s) => {
      if (s.kind !== kind) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });

/** Resolves when `read()` returns something other than null. */
const untilSet = <T>(sig: { value: T | null; subscribe(fn: (v: T | null) => void): () => void }) =>
  new Promise<T>((resolve) => {
    const stop = sig.subscribe((v) => {
      if (v === null) return;
      queueMicrotask(() => stop());
      resolve(v);
    });
  });

const setup = (media: () => LocalMedia = () => ({ stream: fakeStream('audio', 'video'), problem: null })) => {
  const hub = createFakeSignalingHub();
  const make = () => createCallModel({ signaling: hub.signaling, media: createFakeMedia(media).port, config, code });
  return { hub, make };
};

describe('call model', () => {
  it('joins with derived keys only, never the code itself', async () => {
    const { hub, make } = setup();
    const a = make();
    await until(a, 'waiting');
    const keys = deriveRoomKeys(code.secret);
    expect(hub.joins).toEqual([{ strategy: 'nostr', relays: config.relays, iceServers: [], topic: keys.topic, password: keys.signalingPassword }]);
    expect(JSON.stringify(hub.joins)).not.toContain(code.text.replaceAll('-', ''));
    await a.dispose();
  });

  it('connects two people and exchanges their streams', async () => {
    const { make } = setup();
    const a = make();
    await until(a, 'waiting');
    const b = make();
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    expect(await untilSet(a.remoteStream)).toBe(b.localStream.value);
    expect(await untilSet(b.remoteStream)).toBe(a.localStream.value);
    await a.dispose();
    await b.dispose();
  });

  it('tells the other side "hung up" on hang-up and stops our devices', async () => {
    const { make } = setup();
    const a = make();
    const b = make();
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const local = a.localStream.value;
    await a.hangUp();
    expect(a.status.value).toEqual({ kind: 'ended' });
    expect(b.status.value).toEqual({ kind: 'waiting', previous: 'hung-up' });
    expect(b.remoteStream.value).toBeNull();
    expect(local && tracksOf(local).every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('says "connection lost" when the other person vanishes without goodbye, and reconnects when they return', async () => {
    const { hub, make } = setup();
    const a = make();
    const b = make();
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const [, bId] = hub.memberIds();
    hub.drop(bId ?? '');
    // b "crashed": it never hears of it, a notices and waits.
    expect(a.status.value).toEqual({ kind: 'waiting', previous: 'lost' });
    const c = make();
    await until(a, 'connected');
    expect(await untilSet(a.remoteStream)).toBe(c.localStream.value);
    await Promise.all([a.dispose(), c.dispose()]);
  });

  it('works receive-only when devices are denied', async () => {
    const hub = createFakeSignalingHub();
    const denied = createCallModel({
      signaling: hub.signaling,
      media: createFakeMedia(() => ({ stream: null, problem: 'denied' })).port,
      config,
      code,
    });
    const other = createCallModel({ signaling: hub.signaling, media: createFakeMedia(() => ({ stream: fakeStream('audio', 'video'), problem: null })).port, config, code });
    await Promise.all([until(denied, 'connected'), until(other, 'connected')]);
    expect(denied.mediaProblem.value).toBe('denied');
    expect([denied.hasMic.value, denied.hasCamera.value]).toEqual([false, false]);
    expect(await untilSet(denied.remoteStream)).toBe(other.localStream.value);
    expect(other.remoteStream.value).toBeNull();
    await Promise.all([denied.dispose(), other.dispose()]);
  });

  it('mutes and turns the camera off by disabling tracks, even if devices answer after the click', async () => {
    let release: (m: LocalMedia) => void = () => undefined;
    const hub = createFakeSignalingHub();
    const stream = fakeStream('audio', 'video');
    const call = createCallModel({
      signaling: hub.signaling,
      media: { getLocalMedia: () => new Promise<LocalMedia>((r) => (release = r)) },
      config,
      code,
    });
    call.toggleMic();
    expect(call.micOn.value).toBe(false);
    release({ stream, problem: null });
    await until(call, 'waiting');
    await new Promise<void>((r) => queueMicrotask(r));
    expect(tracksOf(stream).map((t) => [t.kind, t.enabled])).toEqual([
      ['audio', false],
      ['video', true],
    ]);
    call.toggleCamera();
    call.toggleMic();
    expect(tracksOf(stream).map((t) => [t.kind, t.enabled])).toEqual([
      ['audio', true],
      ['video', false],
    ]);
    await call.dispose();
    expect(tracksOf(stream).every((t) => t.readyState === 'ended')).toBe(true);
  });
});
