import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveness } from '../../src/core/liveness';
import { QUIET_AFTER_MS, RECOVERY_WINDOW_MS } from '../../src/core/recovery';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { makeCall, newCode } from './call-fixtures';

describe('liveness tracker', () => {
  it('reports a peer only once it has been silent for longer than the timeout', () => {
    const l = createLiveness(3000);
    l.heard('a', 0);
    l.heard('b', 1000);
    expect(l.silent(3000)).toEqual([]);
    expect(l.silent(3001)).toEqual(['a']);
    l.heard('a', 3001);
    expect(l.silent(4001)).toEqual(['b']);
    l.forget('b');
    expect(l.silent(10_000)).toEqual(['a']);
  });
});

describe('call heartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const code = newCode();
  const make = (hub: ReturnType<typeof createFakeSignalingHub>) => makeCall(hub, code);

  it('keeps a live call up indefinitely: both sides keep sending their state', async () => {
    const hub = createFakeSignalingHub();
    const a = make(hub);
    const b = make(hub);
    await vi.advanceTimersByTimeAsync(1000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('notices a partner that went quiet within the quiet time plus one check: reconnecting, then not restored after the window', async () => {
    const hub = createFakeSignalingHub();
    const a = make(hub);
    const b = make(hub);
    await vi.advanceTimersByTimeAsync(1000);
    const [, bId] = hub.memberIds();
    hub.silence(bId ?? '');
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_MS - 600);
    expect(a.status.value.kind).toBe('connected');
    await vi.advanceTimersByTimeAsync(1000);
    // A silent partner may be a network blip: the call waits for it, bounded by the recovery window.
    expect(a.status.value).toEqual({ kind: 'reconnecting' });
    await vi.advanceTimersByTimeAsync(RECOVERY_WINDOW_MS);
    expect(a.status.value).toEqual({ kind: 'unrestored' });
    expect(a.remoteStream.value).toBeNull();
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
