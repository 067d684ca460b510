import type { AppConfig } from '../../src/core/app-config';
import { generateRoomCode, type RoomCode } from '../../src/core/room-code';
import { createInlineKdf } from '../../src/adapters/kdf/fake';
import { createFakeMedia } from '../../src/adapters/media/fake';
import type { LocalMedia } from '../../src/adapters/media/types';
import { expect, vi } from 'vitest';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createCallModel, type CallDeps, type CallModel } from '../../src/models/call';
import { fakeStream } from './fake-stream';

export const config: AppConfig = { strategy: 'nostr', relays: ['ws://127.0.0.1:1/'], iceServers: [] };

export const newCode = (over: { hasPassword?: boolean; lifetimeMinutes?: number; now?: number } = {}): RoomCode =>
  generateRoomCode({
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    now: over.now ?? Date.now(),
    lifetimeMinutes: over.lifetimeMinutes ?? 60,
    hasPassword: over.hasPassword ?? false,
  });

export const withStream = (): LocalMedia => ({ stream: fakeStream('audio', 'video'), problem: null });

/** A call model over the fake hub; everything else real. */
export const makeCall = (
  hub: ReturnType<typeof createFakeSignalingHub>,
  code: RoomCode,
  over: Partial<Omit<CallDeps, 'media'>> & { media?: () => LocalMedia } = {},
): CallModel =>
  createCallModel({
    signaling: hub.signaling,
    kdf: createInlineKdf(),
    config,
    code,
    password: null,
    isCreator: false,
    now: () => Date.now(),
    randomBytes: (n: number) => crypto.getRandomValues(new Uint8Array(n)),
    ...over,
    media: over.media ? createFakeMedia(over.media).port : createFakeMedia(withStream).port,
  } as CallDeps);

/** Resolves when the model's status reaches `kind` (signals notify synchronously on change). */
export const until = (call: CallModel, kind: string) =>
  new Promise<void>((resolve) => {
    const stop = call.status.subscribe((s) => {
      if (s.kind !== kind) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });

/** Resolves with the first non-null value of a signal. */
export const untilSet = <T>(sig: { value: T | null; subscribe(fn: (v: T | null) => void): () => void }) =>
  new Promise<T>((resolve) => {
    const stop = sig.subscribe((v) => {
      if (v === null) return;
      queueMicrotask(() => stop());
      resolve(v);
    });
  });

/** Two calls in `code` over a fresh fake hub, connected (fake timers on), with their ids. */
export const connectedPair = async (code: RoomCode = newCode()) => {
  const hub = createFakeSignalingHub();
  const a = makeCall(hub, code);
  const b = makeCall(hub, code);
  await vi.advanceTimersByTimeAsync(1000);
  expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
  const [aId = '', bId = ''] = hub.memberIds();
  return { hub, a, b, aId, bId };
};
