import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecovery, RECOVERY_WINDOW_MS, RESTART_EVERY_MS } from '../../src/core/recovery';
import { HEARTBEAT_TIMEOUT_MS } from '../../src/core/liveness';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { makeCall, newCode } from './call-fixtures';

describe('recovery state machine', () => {
  it('a disconnect starts the window without a restart; coming back reports how long it took', () => {
    const r = createRecovery(20_000, 5_000);
    expect(r.link('interrupted', 1000)).toEqual([{ kind: 'interrupted' }]);
    expect(r.recovering).toBe(true);
    expect(r.link('interrupted', 1500)).toEqual([]);
    expect(r.tick(10_000)).toEqual([]);
    expect(r.link('connected', 7200)).toEqual([{ kind: 'recovered', afterMs: 6200 }]);
    expect(r.recovering).toBe(false);
    expect(r.link('connected', 8000)).toEqual([]);
  });

  it('ICE failure restarts at once, then again every interval while it stays failed', () => {
    const r = createRecovery(20_000, 5_000);
    expect(r.link('interrupted', 0)).toEqual([{ kind: 'interrupted' }]);
    expect(r.link('failed', 3000)).toEqual([{ kind: 'restart' }]);
    expect(r.tick(7999)).toEqual([]);
    expect(r.tick(8000)).toEqual([{ kind: 'restart' }]);
    // Checking again after the restart is not a failure: no further restarts while it tries.
    expect(r.link('interrupted', 9000)).toEqual([]);
    expect(r.tick(14_000)).toEqual([]);
    expect(r.link('connected', 15_000)).toEqual([{ kind: 'recovered', afterMs: 15_000 }]);
  });

  it('gives up once the window has passed, exactly once', () => {
    const r = createRecovery(20_000, 5_000);
    r.link('failed', 100);
    expect(r.tick(20_099)).not.toContainEqual({ kind: 'give-up' });
    expect(r.tick(20_100)).toEqual([{ kind: 'give-up' }]);
    expect(r.recovering).toBe(false);
    expect(r.tick(30_000)).toEqual([]);
  });

  it('silence starts the window like a disconnect, and does not cancel restarts of a failed ICE', () => {
    const r = createRecovery(20_000, 5_000);
    expect(r.silent(0)).toEqual([{ kind: 'interrupted' }]);
    expect(r.link('failed', 1000)).toEqual([{ kind: 'restart' }]);
    expect(r.silent(4000)).toEqual([]);
    expect(r.tick(6000)).toEqual([{ kind: 'restart' }]);
    expect(r.tick(20_000)).toEqual([{ kind: 'give-up' }]);
  });

  it('reset forgets an interruption (a new partner starts clean)', () => {
    const r = createRecovery();
    r.link('failed', 0);
    r.reset();
    expect(r.recovering).toBe(false);
    expect(r.tick(RECOVERY_WINDOW_MS * 2)).toEqual([]);
    expect(r.link('failed', RECOVERY_WINDOW_MS * 2)).toEqual([{ kind: 'interrupted' }, { kind: 'restart' }]);
  });
});

describe('call recovery (fake signaling, fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const code = newCode();

  const pair = async () => {
    const hub = createFakeSignalingHub();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    const [aId = '', bId = ''] = hub.memberIds();
    return { hub, a, b, aId, bId };
  };

  it('a blip longer than the heartbeat timeout keeps the same partner, shows reconnecting, and recovers', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'interrupted');
    expect(a.status.value).toEqual({ kind: 'reconnecting' });
    // Silent well past the heartbeat timeout: without recovery the partner would be dropped here.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS + 2000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    expect(a.partner.value).toBe(bId);
    hub.setLink(aId, bId, 'connected');
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(a.partner.value).toBe(bId);
    expect(a.lastRecoveryMs.value).toBe(HEARTBEAT_TIMEOUT_MS + 2000);
    // Heartbeats flow again: the call stays up.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS * 3);
    expect(a.status.value.kind).toBe('connected');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('restarts ICE when it fails, and repeats while it stays failed', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'failed');
    expect(hub.restarts.sort()).toEqual([`${aId}→${bId}`, `${bId}→${aId}`]);
    await vi.advanceTimersByTimeAsync(RESTART_EVERY_MS + 500);
    expect(hub.restarts.filter((r) => r === `${aId}→${bId}`)).toHaveLength(2);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('gives up after the recovery window: "could not be restored", and Rejoin enters the room again', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'failed');
    await vi.advanceTimersByTimeAsync(RECOVERY_WINDOW_MS - 1000);
    expect(a.status.value.kind).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1500);
    expect(a.status.value).toEqual({ kind: 'unrestored' });
    expect(a.partner.value).toBeNull();
    const joinsBefore = hub.joins.length;
    await a.rejoin();
    expect(hub.joins.length).toBe(joinsBefore + 1);
    expect(hub.joins.at(-1)).toEqual(hub.joins[0]);
    expect(a.status.value.kind).toBe('waiting');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('a newcomer while the partner is unreachable takes the slot at once (a crashed partner reloading)', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'interrupted');
    const c = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    const cId = hub.memberIds().at(-1);
    expect(a.status.value.kind).toBe('connected');
    expect(a.partner.value).toBe(cId);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it('a silent partner counts as interrupted (no ICE event needed), and its next message ends the recovery', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setLink(aId, bId, 'connected'); // no-op for the link: only messages stop below
    hub.silence(bId);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS + 500);
    expect(a.status.value).toEqual({ kind: 'reconnecting' });
    expect(a.partner.value).toBe(bId);
    hub.unsilence(bId);
    await vi.advanceTimersByTimeAsync(600);
    expect(a.status.value).toEqual({ kind: 'connected' });
    expect(a.partner.value).toBe(bId);
    await Promise.all([a.dispose(), b.dispose()]);
  });

});
