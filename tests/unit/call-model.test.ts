import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveRoomKeys } from '../../src/core/keys';
import type { LocalMedia } from '../../src/adapters/media/types';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createInlineKdf } from '../../src/adapters/kdf/fake';
import { createCallModel, PASSWORD_SILENCE_HINT_MS } from '../../src/models/call';
import { config, makeCall, newCode, until, untilSet } from './call-fixtures';
import { fakeStream, tracksOf } from './fake-stream';

afterEach(() => vi.useRealTimers());

describe('call model', () => {
  it('joins with derived keys only, never the code itself', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    await until(a, 'waiting');
    const keys = deriveRoomKeys(code, null);
    expect(hub.joins).toEqual([
      { strategy: 'nostr', relays: config.relays, iceServers: [], topic: keys.topic, password: keys.signalingPassword },
    ]);
    expect(JSON.stringify(hub.joins)).not.toContain(code.text.replaceAll('-', ''));
    await a.dispose();
  });

  it('connects two people and exchanges their streams', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    await until(a, 'waiting');
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    expect(await untilSet(a.remoteStream)).toBe(b.localStream.value);
    expect(await untilSet(b.remoteStream)).toBe(a.localStream.value);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('tells the other side "hung up" on hang-up and stops our devices', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const local = a.localStream.value;
    await a.hangUp();
    expect(a.status.value).toEqual({ kind: 'ended' });
    expect(b.status.value).toEqual({ kind: 'waiting', previous: 'hung-up' });
    expect(b.remoteStream.value).toBeNull();
    expect(local && tracksOf(local).every((t) => t.readyState === 'ended')).toBe(true);
    await b.dispose();
  });

  it('says "connection lost" when the other person vanishes, and connects whoever comes next', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    const [, bId] = hub.memberIds();
    hub.drop(bId ?? '');
    expect(a.status.value).toEqual({ kind: 'waiting', previous: 'lost' });
    const c = makeCall(hub, code);
    await until(a, 'connected');
    expect(await untilSet(a.remoteStream)).toBe(c.localStream.value);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  it('works receive-only when devices are denied', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const denied = makeCall(hub, code, { media: (): LocalMedia => ({ stream: null, problem: 'denied' }) });
    const other = makeCall(hub, code);
    await Promise.all([until(denied, 'connected'), until(other, 'connected')]);
    expect(denied.mediaProblem.value).toBe('denied');
    expect([denied.hasMic.value, denied.hasCamera.value]).toEqual([false, false]);
    expect(await untilSet(denied.remoteStream)).toBe(other.localStream.value);
    await Promise.all([denied.dispose(), other.dispose()]);
  });

  it('mutes and turns the camera off by disabling tracks, even if devices answer after the click', async () => {
    let release: (m: LocalMedia) => void = () => undefined;
    const stream = fakeStream('audio', 'video');
    const call = createCallModel({
      signaling: createFakeSignalingHub().signaling,
      media: { getLocalMedia: () => new Promise<LocalMedia>((r) => (release = r)) },
      kdf: createInlineKdf(),
      config,
      code: newCode(),
      password: null,
      isCreator: true,
      now: () => Date.now(),
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    });
    call.toggleMic();
    expect(call.micOn.value).toBe(false);
    release({ stream, problem: null });
    await untilSet(call.localStream);
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

describe('room full', () => {
  it('a relay refusing us for a full room ends the attempt with "full" and leaves for good', async () => {
    const hub = createFakeSignalingHub();
    const a = makeCall(hub, newCode());
    await until(a, 'waiting');
    await new Promise((r) => setTimeout(r, 10));
    hub.relayRoomFull();
    expect(a.status.value).toEqual({ kind: 'full' });
    expect(hub.memberIds()).toEqual([]);
  });
});

describe('no relay can carry the call (issue 20)', () => {
  it("the signaling's diagnosis reaches the waiting person, and goes when a relay works again", async () => {
    const hub = createFakeSignalingHub();
    const a = makeCall(hub, newCode());
    await until(a, 'waiting');
    expect(a.relayProblem.value).toBeNull();
    // In the room (the fake announces on a later task).
    await vi.waitFor(() => expect(hub.memberIds()).toHaveLength(1));
    const problem = {
      verdict: { kind: 'refused', cause: 'origin', status: 403 },
      origin: 'https://a.example',
    } as const;
    hub.relayProblem(problem);
    expect(a.relayProblem.value).toEqual(problem);
    expect(a.status.value.kind).toBe('waiting');
    hub.relayProblem(null);
    expect(a.relayProblem.value).toBeNull();
    await a.dispose();
  });
});

describe('admission claims from a link holder (issue 14)', () => {
  it('one forged "state" claiming a pair sends nobody waiting to "room full"; the real partner still connects', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    await until(a, 'waiting');
    // Anyone with the link: a raw client in the room that claims a pair of made-up ids, and one with itself.
    const forger = await hub.signaling.join(hub.joins[0]!);
    await new Promise((r) => setTimeout(r, 10));
    for (const pair of [['0', '1'], ['0', forger.selfId].sort()]) {
      await forger.send(JSON.stringify({ v: 1, type: 'state', pair, at: 0 }));
      await forger.send(JSON.stringify({ v: 1, type: 'reject' }));
    }
    expect(a.status.value).toEqual({ kind: 'waiting', previous: null });
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    expect(a.partner.value).toBe(b.selfId.value);
    await forger.leave();
    await Promise.all([a.dispose(), b.dispose()]);
  });
});

describe('password rooms', () => {
  it('the creator joins with the password it chose; a joiner is asked and then meets the creator', async () => {
    const hub = createFakeSignalingHub();
    const code = newCode({ hasPassword: true });
    const creator = makeCall(hub, code, { password: 'hunter2 hunter2', isCreator: true });
    await until(creator, 'waiting');
    const joiner = makeCall(hub, code);
    expect(joiner.status.value).toEqual({ kind: 'password', wrong: false });
    joiner.submitPassword('hunter2 hunter2');
    await Promise.all([until(creator, 'connected'), until(joiner, 'connected')]);
    expect(hub.joins[0]?.topic).toBe(hub.joins[1]?.topic);
    await Promise.all([creator.dispose(), joiner.dispose()]);
  });

  it('a wrong password lands in another, empty room; after a while the joiner is told and can retype', async () => {
    vi.useFakeTimers();
    const hub = createFakeSignalingHub();
    const code = newCode({ hasPassword: true });
    const creator = makeCall(hub, code, { password: 'right', isCreator: true });
    const joiner = makeCall(hub, code);
    joiner.submitPassword('wrong');
    await vi.advanceTimersByTimeAsync(100);
    expect(joiner.status.value.kind).toBe('waiting');
    expect(hub.joins[0]?.topic).not.toBe(hub.joins[1]?.topic);
    expect(joiner.nobodyAnswered.value).toBe(false);
    await vi.advanceTimersByTimeAsync(PASSWORD_SILENCE_HINT_MS);
    expect(joiner.nobodyAnswered.value).toBe(true);
    // The creator, alone too, is never told that: it chose the password.
    expect(creator.nobodyAnswered.value).toBe(false);
    await joiner.retryPassword();
    expect(joiner.status.value).toEqual({ kind: 'password', wrong: true });
    joiner.submitPassword('right');
    await vi.advanceTimersByTimeAsync(1000);
    expect([creator.status.value.kind, joiner.status.value.kind]).toEqual(['connected', 'connected']);
    await Promise.all([creator.dispose(), joiner.dispose()]);
  });
});

describe('expiry', () => {
  it('an empty room leaves the rendezvous at its expiry', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 29, 12, 0) });
    const hub = createFakeSignalingHub();
    const code = newCode({ lifetimeMinutes: 15, now: Date.now() });
    const a = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.joinTimeLeft.value).toBe(15 * 60_000 - 1000);
    await vi.advanceTimersByTimeAsync(15 * 60_000 - 2000);
    expect(a.status.value.kind).toBe('waiting');
    await vi.advanceTimersByTimeAsync(2000);
    expect(a.status.value).toEqual({ kind: 'expired', at: code.expiresAt });
    expect(hub.memberIds()).toEqual([]);
  });

  it('a call in progress goes on past expiry, nobody new gets in, and the room closes when they leave', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 29, 12, 0) });
    const hub = createFakeSignalingHub();
    const code = newCode({ lifetimeMinutes: 15, now: Date.now() });
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.status.value.kind).toBe('connected');
    await vi.advanceTimersByTimeAsync(16 * 60_000);
    expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
    expect(a.joinTimeLeft.value).toBe(0);
    // A latecomer that reaches the room anyway (e.g. it parsed the code before expiry) is turned away.
    const late = await hub.signaling.join(hub.joins[0]!);
    const seen: string[] = [];
    late.on('peerLeave', (id) => seen.push(id));
    await vi.advanceTimersByTimeAsync(10);
    expect(seen.length).toBe(2);
    await late.leave();
    await b.hangUp();
    expect(a.status.value).toEqual({ kind: 'expired', at: code.expiresAt });
  });
});
