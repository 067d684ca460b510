import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createRecovery,
  createStallWatch,
  QUIET_AFTER_MS,
  RECOVERY_WINDOW_MS,
  REDIAL_AFTER_MS,
  SILENT_REDIAL_AFTER_MS,
  STALL_WINDOW_MS,
} from '../../src/core/recovery';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from '../../src/core/liveness';
import { connectedPair, makeCall, newCode } from './call-fixtures';

describe('createStallWatch: whether an interrupted path still carries anything', () => {
  it('stalled once the byte count has not moved for the window; flowing when it moved since the last look', () => {
    const w = createStallWatch(1000);
    expect(w.look(500, 0)).toBe('unknown');
    expect(w.look(500, 999)).toBe('unknown');
    expect(w.look(500, 1000)).toBe('stalled');
    expect(w.look(620, 1250)).toBe('flowing');
    // The window starts again from the last movement.
    expect(w.look(620, 2000)).toBe('unknown');
    expect(w.look(620, 2250)).toBe('stalled');
  });

  it('no count from the browser, or a reset, says nothing', () => {
    const w = createStallWatch(1000);
    expect(w.look(null, 0)).toBe('unknown');
    expect(w.look(null, 5000)).toBe('unknown');
    w.look(10, 5000);
    w.reset();
    expect(w.look(10, 9000)).toBe('unknown');
    expect(w.look(10, 9000 + STALL_WINDOW_MS)).toBe('stalled');
  });
});

describe('recovery state machine', () => {
  it('a disconnect starts the window without a re-dial; coming back reports how long it took', () => {
    const r = createRecovery(20_000, 8_000);
    expect(r.link('interrupted', 1000)).toEqual([{ kind: 'interrupted' }]);
    expect(r.recovering).toBe(true);
    expect(r.link('interrupted', 1500)).toEqual([]);
    expect(r.tick(8999)).toEqual([]);
    expect(r.link('connected', 7200)).toEqual([{ kind: 'recovered', afterMs: 6200 }]);
    expect(r.recovering).toBe(false);
    expect(r.link('connected', 8000)).toEqual([]);
  });

  it('ICE failure re-dials at once, and again every interval until the fresh connection is there', () => {
    const r = createRecovery(20_000, 8_000, 5_000);
    expect(r.link('interrupted', 0)).toEqual([{ kind: 'interrupted' }]);
    expect(r.link('failed', 3000)).toEqual([{ kind: 'redial' }]);
    expect(r.redialing).toBe(true);
    expect(r.link('failed', 4000)).toEqual([]);
    expect(r.tick(7999)).toEqual([]);
    expect(r.tick(8000)).toEqual([{ kind: 'redial' }]);
    expect(r.tick(9000)).toEqual([]);
    // The old connection's news no longer counts: only the fresh connection ends the recovery.
    expect(r.link('connected', 9500)).toEqual([]);
    expect(r.recovering).toBe(true);
    expect(r.reconnected(11_000)).toEqual([{ kind: 'recovered', afterMs: 11_000 }]);
    expect(r.recovering).toBe(false);
    expect(r.redialing).toBe(false);
  });

  it('an interruption that lasts past the re-dial delay re-dials, without ICE saying failed', () => {
    const r = createRecovery(20_000, 8_000, 5_000);
    expect(r.silent(1000)).toEqual([{ kind: 'interrupted' }]);
    expect(r.tick(8999)).toEqual([]);
    expect(r.tick(9000)).toEqual([{ kind: 'redial' }]);
    expect(r.tick(12_000)).toEqual([]);
    expect(r.tick(14_000)).toEqual([{ kind: 'redial' }]);
    expect(r.tick(21_000)).toEqual([{ kind: 'give-up' }]);
    expect(r.recovering).toBe(false);
  });

  it('silence alone (ICE still says connected: a loaded machine looks the same) gets the old path longer before a re-dial', () => {
    const r = createRecovery(20_000, 2_000, 4_000, 8_000);
    expect(r.silent(1000)).toEqual([{ kind: 'interrupted' }]);
    expect(r.tick(3000)).toEqual([]);
    expect(r.tick(8999)).toEqual([]);
    expect(r.tick(9000)).toEqual([{ kind: 'redial' }]);
    // ICE confirming the loss ends the wait: the short head start applies from when it was noticed.
    const s = createRecovery(20_000, 2_000, 4_000, 8_000);
    s.silent(1000);
    expect(s.tick(2500)).toEqual([]);
    expect(s.link('interrupted', 2600)).toEqual([]);
    expect(s.tick(3000)).toEqual([{ kind: 'redial' }]);
  });

  it('a path that carries nothing confirms the loss as ICE does (the shorter delay); bytes arriving again take it back', () => {
    const r = createRecovery(20_000, 2_000, 4_000, 8_000);
    expect(r.silent(1000)).toEqual([{ kind: 'interrupted' }]);
    r.carrying('unknown');
    expect(r.tick(3000)).toEqual([]);
    r.carrying('stalled');
    expect(r.tick(3000)).toEqual([{ kind: 'redial' }]);

    const healing = createRecovery(20_000, 2_000, 4_000, 8_000);
    healing.silent(1000);
    healing.carrying('stalled');
    // Bytes arrive again (the path may be healing in place): the old path gets the longer wait again.
    healing.carrying('flowing');
    expect(healing.tick(3000)).toEqual([]);
    expect(healing.tick(9000)).toEqual([{ kind: 'redial' }]);
  });

  it("bytes still arriving outweigh ICE's disconnected (the path works, slowly); ICE's failed still re-dials at once", () => {
    const r = createRecovery(20_000, 2_000, 4_000, 8_000);
    expect(r.link('interrupted', 1000)).toEqual([{ kind: 'interrupted' }]);
    r.carrying('flowing');
    expect(r.tick(3000)).toEqual([]);
    expect(r.tick(8999)).toEqual([]);
    expect(r.tick(9000)).toEqual([{ kind: 'redial' }]);

    const failing = createRecovery(20_000, 2_000, 4_000, 8_000);
    failing.link('interrupted', 1000);
    failing.carrying('flowing');
    expect(failing.link('failed', 1500)).toEqual([{ kind: 'redial' }]);

    // Without a look at the bytes, ICE's word stands.
    const unseen = createRecovery(20_000, 2_000, 4_000, 8_000);
    unseen.link('interrupted', 1000);
    unseen.carrying('unknown');
    expect(unseen.tick(3000)).toEqual([{ kind: 'redial' }]);
  });

  it('what the path carries is only heard during an interruption, and forgotten with it', () => {
    const r = createRecovery(20_000, 2_000, 4_000, 8_000);
    r.carrying('stalled');
    r.silent(1000);
    expect(r.tick(3000)).toEqual([]);
    r.carrying('stalled');
    expect(r.link('connected', 3500)).toEqual([{ kind: 'recovered', afterMs: 2500 }]);
    r.silent(10_000);
    expect(r.tick(12_000)).toEqual([]);
  });

  it('a connection closed mid-recovery (the partner re-dialled first) is waited for before dialling ourselves', () => {
    const r = createRecovery(20_000, 8_000, 5_000);
    r.silent(0);
    r.closed(7000);
    expect(r.tick(8000)).toEqual([]);
    expect(r.tick(11_999)).toEqual([]);
    expect(r.tick(12_000)).toEqual([{ kind: 'redial' }]);
    expect(r.reconnected(13_000)).toEqual([{ kind: 'recovered', afterMs: 13_000 }]);
    // Closed with nothing under way is nothing to wait for.
    r.closed(14_000);
    expect(r.redialing).toBe(false);
    expect(r.reconnected(15_000)).toEqual([]);
  });

  it('gives up once the window has passed, exactly once', () => {
    const r = createRecovery(20_000, 8_000);
    r.link('failed', 100);
    expect(r.tick(20_099)).not.toContainEqual({ kind: 'give-up' });
    expect(r.tick(20_100)).toEqual([{ kind: 'give-up' }]);
    expect(r.recovering).toBe(false);
    expect(r.tick(30_000)).toEqual([]);
  });

  it('reset forgets an interruption (a new partner starts clean)', () => {
    const r = createRecovery();
    r.link('failed', 0);
    r.reset();
    expect(r.recovering).toBe(false);
    expect(r.tick(RECOVERY_WINDOW_MS * 2)).toEqual([]);
    expect(r.link('failed', RECOVERY_WINDOW_MS * 2)).toEqual([{ kind: 'interrupted' }, { kind: 'redial' }]);
  });
});

describe('call recovery (fake signaling, fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const code = newCode();

  const pair = () => connectedPair(code);

  it('a blip longer than the heartbeat timeout keeps the same partner, shows reconnecting, and recovers', async () => {
    const { hub, a, b, bId } = await pair();
    // Nothing gets through, and ICE has not noticed: the silence is what starts the recovery.
    hub.tamper = () => null;
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_MS + 500);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    // Silent past the heartbeat timeout (not yet the re-dial): without recovery the partner would be dropped here.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS - QUIET_AFTER_MS);
    expect(HEARTBEAT_TIMEOUT_MS + 500).toBeLessThan(QUIET_AFTER_MS + REDIAL_AFTER_MS);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    expect(a.partner.value).toBe(bId);
    expect(hub.redials).toEqual([]);
    hub.tamper = null;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(a.partner.value).toBe(bId);
    expect(hub.redials).toEqual([]);
    // From the silence being noticed (at least 3 s into it) to the first heartbeat after the blip,
    // within the time the test let pass.
    expect(a.lastRecoveryMs.value).toBeGreaterThan(0);
    expect(a.lastRecoveryMs.value).toBeLessThanOrEqual(
      HEARTBEAT_TIMEOUT_MS + 500 + HEARTBEAT_INTERVAL_MS - QUIET_AFTER_MS,
    );
    // Heartbeats flow again: the call stays up.
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS * 3);
    expect(a.status.value.kind).toBe('connected');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('a path that does not come back: both sides re-dial and connect again with the same partner, keeping the chat', async () => {
    const { hub, a, b, aId, bId } = await pair();
    a.chat.send('before the blip');
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(['before the blip']);
    hub.setLink(aId, bId, 'interrupted');
    await vi.advanceTimersByTimeAsync(REDIAL_AFTER_MS - 500);
    expect(hub.redials).toEqual([]);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(1000);
    // Both gave up the old path (each closes its end and re-enters the rendezvous).
    expect(hub.redials.sort()).toEqual([`${aId}→${bId}`, `${bId}→${aId}`]);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(a.partner.value).toBe(bId);
    expect(b.partner.value).toBe(aId);
    expect(a.lastRecoveryMs.value).toBeGreaterThanOrEqual(REDIAL_AFTER_MS);
    expect(a.lastRecoveryMs.value).toBeLessThan(REDIAL_AFTER_MS + 500);
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(['before the blip']);
    // The fresh connection carries messages, and the call stays up on it.
    b.chat.send('after');
    expect(a.chat.messages.value.map((m) => m.text)).toEqual(['before the blip', 'after']);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS * 3);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('a re-dial while the network is still down keeps the place, and connects once it is back', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.setReachable(false);
    hub.setLink(aId, bId, 'failed');
    expect(hub.redials.length).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    expect(a.partner.value).toBe(bId);
    hub.setReachable(true);
    await vi.advanceTimersByTimeAsync(100);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(b.partner.value).toBe(aId);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('gives up after the recovery window: "could not be restored", and Rejoin enters the room again', async () => {
    const { hub, a, b, aId, bId } = await pair();
    // Nothing new connects either: the re-dial cannot help.
    hub.setReachable(false);
    hub.setLink(aId, bId, 'failed');
    await vi.advanceTimersByTimeAsync(RECOVERY_WINDOW_MS - 1000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    await vi.advanceTimersByTimeAsync(1500);
    expect(a.status.value).toEqual({ kind: 'unrestored' });
    expect(b.status.value).toEqual({ kind: 'unrestored' });
    expect(a.partner.value).toBeNull();
    const joinsBefore = hub.joins.length;
    await a.rejoin();
    expect(hub.joins.length).toBe(joinsBefore + 1);
    expect(hub.joins.at(-1)).toEqual(hub.joins[0]);
    expect(a.status.value.kind).toBe('waiting');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('a newcomer during a reconnect waits: the seat stays the partner\'s, and once the partner is back the newcomer is told "room full"', async () => {
    const { hub, a, b, aId, bId } = await pair();
    a.chat.send('before the blip');
    hub.setLink(aId, bId, 'interrupted');
    // Anyone with the link, arriving during the blip.
    const c = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.status.value.kind).toBe('reconnecting');
    expect(a.partner.value).toBe(bId);
    // Kept waiting: neither seated nor refused for good.
    expect(c.status.value.kind).toBe('waiting');
    expect(c.partner.value).toBeNull();
    hub.setLink(aId, bId, 'connected');
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    await vi.advanceTimersByTimeAsync(1000);
    // The pair really refuses the newcomer now: exactly two per room.
    expect(c.status.value.kind).toBe('full');
    expect([a.partner.value, b.partner.value]).toEqual([bId, aId]);
    expect([a.someoneNew.value, b.someoneNew.value]).toEqual([null, null]);
    expect(b.chat.messages.value.map((m) => m.text)).toEqual(['before the blip']);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it('if the partner does not come back within the window, the newcomer gets the seat and both screens say it is someone new', async () => {
    const { hub, a, b, aId, bId } = await pair();
    a.chat.send('for b only');
    // The pair's network is gone for good (nothing they re-dial connects); someone new arrives meanwhile.
    hub.setReachable(false);
    hub.setLink(aId, bId, 'failed');
    const c = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(RECOVERY_WINDOW_MS - 2000);
    expect(a.status.value.kind).toBe('reconnecting');
    expect([c.status.value.kind, c.partner.value]).toEqual(['waiting', null]);
    await vi.advanceTimersByTimeAsync(3000);
    const cId = hub.memberIds().at(-1);
    expect(a.status.value.kind).toBe('connected');
    expect(a.partner.value).toBe(cId);
    expect(c.partner.value).toBe(aId);
    expect([a.someoneNew.value, c.someoneNew.value]).toEqual(['them', 'us']);
    // Nothing of the earlier call carries over to someone new: no chat, not b's picture.
    expect(a.chat.messages.value).toEqual([]);
    expect(c.chat.messages.value).toEqual([]);
    expect(a.remoteStream.value).toBe(c.localStream.value);
    expect(a.verification.value?.view.value.phase).not.toBe('verified');
    expect(b.status.value.kind).toBe('unrestored');
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it("an impostor taking the partner's peer id (but not its certificate) is not the partner returning", async () => {
    const { hub, a, b, aId, bId } = await pair();
    a.chat.send('for b only');
    hub.setLink(aId, bId, 'interrupted');
    const picture = a.remoteStream.value;
    expect(picture).toBe(b.localStream.value);
    // b's connection is gone (its machine dropped off); the attacker joins under b's id.
    hub.drop(bId);
    hub.impersonate(bId);
    const x = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    expect(x.selfId.value).toBe(bId);
    // Not admitted during the window: no seat, no chat, no picture of its own in b's place.
    expect(a.status.value.kind).toBe('reconnecting');
    expect(x.status.value.kind).toBe('waiting');
    expect(x.partner.value).toBeNull();
    expect(x.chat.messages.value).toEqual([]);
    await vi.advanceTimersByTimeAsync(RECOVERY_WINDOW_MS);
    // The window passed: it may have the seat, as someone new, with nothing of b's call.
    expect(a.status.value.kind).toBe('connected');
    expect(a.partner.value).toBe(bId);
    expect([a.someoneNew.value, x.someoneNew.value]).toEqual(['them', 'us']);
    expect(a.chat.messages.value).toEqual([]);
    expect(a.remoteStream.value).toBe(x.localStream.value);
    expect(a.remoteStream.value).not.toBe(picture);
    await Promise.all([a.dispose(), b.dispose(), x.dispose()]);
  });

  it('a lingering stranger connected before the blip cannot take the seat while the partner re-dials', async () => {
    const { hub, a, b, aId, bId } = await pair();
    // A raw client of the room that never leaves: told "full", it stays, says it is free and offers
    // itself to anyone it hears from, waiting for one of the pair to be free for a moment.
    const lurker = await hub.signaling.join(hub.joins[0]!);
    lurker.on('message', (data, from) => {
      if (typeof data !== 'string' || !data.includes('"state"')) return;
      void lurker.send(JSON.stringify({ v: 1, type: 'state', pair: null, at: 0 }), from);
      void lurker.send(JSON.stringify({ v: 1, type: 'offer' }), from);
    });
    await vi.advanceTimersByTimeAsync(10);
    hub.setLink(aId, bId, 'failed');
    await vi.advanceTimersByTimeAsync(100);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect([a.partner.value, b.partner.value]).toEqual([bId, aId]);
    expect(a.someoneNew.value).toBeNull();
    await lurker.leave();
    await Promise.all([a.dispose(), b.dispose()]);
  });

  /** The fake connection's byte counter, as getStats() reports it on the transport. */
  const transportBytes = (bytes: () => number) => () => [{ id: 'T1', type: 'transport', bytesReceived: bytes() }];

  it('silence on a path that carries nothing at all (ICE has not noticed yet): both re-dial 2 s after noticing it', async () => {
    const { hub, a, b, aId, bId } = await pair();
    hub.stats = transportBytes(() => 123_456);
    hub.tamper = () => null;
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_MS + 250);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['reconnecting', 'reconnecting']);
    expect(hub.redials).toEqual([]);
    await vi.advanceTimersByTimeAsync(REDIAL_AFTER_MS + 500);
    expect(hub.redials.sort()).toEqual([`${aId}→${bId}`, `${bId}→${aId}`]);
    expect(a.partner.value).toBe(bId);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("silence while the partner's media still arrives (a machine too busy for heartbeats) is not taken for a lost path", async () => {
    const { hub, a, b } = await pair();
    let bytes = 0;
    hub.stats = transportBytes(() => (bytes += 1200));
    hub.tamper = () => null;
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_MS + REDIAL_AFTER_MS + 1000);
    expect(a.status.value.kind).toBe('reconnecting');
    expect(hub.redials).toEqual([]);
    // Only the longer wait for silence alone ends it.
    await vi.advanceTimersByTimeAsync(SILENT_REDIAL_AFTER_MS - REDIAL_AFTER_MS);
    expect(hub.redials.length).toBeGreaterThan(0);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('cores taken by a big transfer: ICE says disconnected and heartbeats stop, but bytes still arrive: no re-dial ends it', async () => {
    const { hub, a, b, aId, bId } = await pair();
    let bytes = 0;
    hub.stats = transportBytes(() => (bytes += 64 * 1024));
    hub.tamper = () => null;
    hub.setLink(aId, bId, 'interrupted');
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_MS + REDIAL_AFTER_MS + 1000);
    expect(a.status.value.kind).toBe('reconnecting');
    expect(hub.redials).toEqual([]);
    // The machine catches up: heartbeats and ICE are back, on the same connection.
    hub.tamper = null;
    hub.setLink(aId, bId, 'connected');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(hub.redials).toEqual([]);
    await Promise.all([a.dispose(), b.dispose()]);
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
