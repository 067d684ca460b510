import { effect } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import type { CallModel } from '../../src/models/call';
import { encodeVerifyMessage, parseVerifyMessage, type VerifyMessage } from '../../src/core/verify';
import type { VerificationView } from '../../src/models/verification';
import { verifyBadge } from '../../src/ui/components/VerifyPanel';
import { makeCall, newCode, until } from './call-fixtures';
import { FakeTrack, fakeStreamOf } from '../../src/adapters/media/fake';
import type { LocalMedia } from '../../src/adapters/media/types';
import { VERIFY_WAIT_MS } from '../../src/models/call-verify';

/** Resolves once `ok()` holds, checked after every macrotask (no fixed sleep decides the outcome). */
const until2 = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 0));
};

/** Resolves when the call's verification view reaches `phase` (an effect re-runs on every change). */
const phase = (call: CallModel, want: VerificationView['phase']) =>
  new Promise<VerificationView>((resolve) => {
    const stop = effect(() => {
      const v = call.verification.value?.view.value;
      if (v?.phase !== want) return;
      queueMicrotask(() => stop());
      resolve(v);
    });
  });

const pair = async (intercept = false) => {
  const hub = createFakeSignalingHub();
  hub.interceptDtls = intercept;
  const code = newCode();
  const a = makeCall(hub, code);
  const b = makeCall(hub, code);
  await Promise.all([until(a, 'connected'), until(b, 'connected')]);
  return { hub, a, b };
};

describe('call verification', () => {
  it('both sides show the same code; verified only once both people confirm', async () => {
    const { a, b } = await pair();
    const [va, vb] = await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
    expect(va.phase === 'comparing' && va.sas).toEqual(vb.phase === 'comparing' && vb.sas);
    a.confirmCodes(true);
    expect(a.verification.value?.view.value.phase).toBe('confirmed');
    b.confirmCodes(true);
    await Promise.all([phase(a, 'verified'), phase(b, 'verified')]);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('"They don\'t match" ends the call on both sides with a warning', async () => {
    const { a, b } = await pair();
    await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
    b.confirmCodes(false);
    await Promise.all([until(a, 'codes-differ'), until(b, 'codes-differ')]);
    expect(a.status.value).toEqual({ kind: 'codes-differ', by: 'peer' });
    expect(b.status.value).toEqual({ kind: 'codes-differ', by: 'self' });
  });

  it('a relay terminating DTLS on both legs is caught: the call ends as intercepted, no code shown', async () => {
    const { a, b } = await pair(true);
    const seen: string[] = [];
    // Every phase of every run (a run may start after "connected": it waits for the partner's media).
    const stops = [a, b].map((c) =>
      effect(() => {
        const v = c.verification.value?.view.value;
        if (v) seen.push(v.phase);
      }),
    );
    await Promise.all([until(a, 'intercepted'), until(b, 'intercepted')]);
    stops.forEach((stop) => stop());
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('comparing');
    expect(seen).not.toContain('verified');
  });

  describe("waits for the partner's media before it starts (its work would delay the first frame)", () => {
    /** A remote-like track: muted until `unmute()` (its first packets), with the events a browser sends. */
    class ArrivingTrack extends FakeTrack {
      muted = true;
      private readonly events = new EventTarget();
      addEventListener(type: string, l: () => void, o?: AddEventListenerOptions) {
        this.events.addEventListener(type, l, o);
      }
      removeEventListener(type: string, l: () => void) {
        this.events.removeEventListener(type, l);
      }
      unmute() {
        this.muted = false;
        this.events.dispatchEvent(new Event('unmute'));
      }
    }
    /** A call whose media reaches its partner muted (the fake hub hands the partner this very stream). */
    const arriving = () => {
      const track = new ArrivingTrack('video');
      const media = (): LocalMedia => ({ stream: fakeStreamOf([track]), problem: null });
      return { track, media };
    };

    it('the side still waiting for the picture keeps what the partner sent, and starts when the picture arrives', async () => {
      const hub = createFakeSignalingHub();
      const commits: string[] = [];
      hub.tamper = (data, from) => {
        if (parseVerifyMessage(data)?.type === 'commit') commits.push(from);
        return data;
      };
      const code = newCode();
      const fromA = arriving();
      // a's media reaches b muted; b's reaches a flowing: a starts at once and sends first.
      const a = makeCall(hub, code, { media: fromA.media });
      const b = makeCall(hub, code);
      await Promise.all([until(a, 'connected'), until(b, 'connected')]);
      // a's opening commit has crossed (the hub delivers synchronously); b, still without a's picture, keeps it.
      await until2(() => commits.length > 0);
      expect(b.verification.value).toBeNull();
      fromA.track.unmute();
      const [va, vb] = await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
      expect(va.phase === 'comparing' && va.sas).toEqual(vb.phase === 'comparing' && vb.sas);
      // b answered the run a opened (its commit was kept), rather than opening a competing one.
      expect(commits).toEqual([a.selfId.value]);
      await Promise.all([a.dispose(), b.dispose()]);
    });

    it('a picture that never arrives delays the run by VERIFY_WAIT_MS at most', async () => {
      const hub = createFakeSignalingHub();
      const code = newCode();
      const [fromA, fromB] = [arriving(), arriving()];
      const a = makeCall(hub, code, { media: fromA.media });
      const b = makeCall(hub, code, { media: fromB.media });
      await Promise.all([until(a, 'connected'), until(b, 'connected')]);
      const connectedAt = Date.now();
      expect([a.verification.value, b.verification.value]).toEqual([null, null]);
      const [va, vb] = await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
      expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(VERIFY_WAIT_MS - 5);
      expect(va.phase === 'comparing' && va.sas).toEqual(vb.phase === 'comparing' && vb.sas);
      await Promise.all([a.dispose(), b.dispose()]);
    });
  });

  describe('over a re-dialled connection (the old path was lost)', () => {
    /** Resolves when a verification run other than `old` reaches `want`. */
    const nextRun = (call: CallModel, old: unknown, want: VerificationView['phase']) =>
      new Promise<void>((resolve) => {
        const stop = effect(() => {
          const v = call.verification.value;
          if (v === old || v?.view.value.phase !== want) return;
          queueMicrotask(() => stop());
          resolve();
        });
      });
    const verifiedPair = async () => {
      const p = await pair();
      await Promise.all([phase(p.a, 'comparing'), phase(p.b, 'comparing')]);
      p.a.confirmCodes(true);
      p.b.confirmCodes(true);
      await Promise.all([phase(p.a, 'verified'), phase(p.b, 'verified')]);
      return p;
    };
    const redial = (hub: ReturnType<typeof createFakeSignalingHub>) => {
      const [aId = '', bId = ''] = hub.memberIds();
      hub.setLink(aId, bId, 'failed');
    };

    it('a call both people verified is verified again over the same certificates, without reading codes', async () => {
      const { hub, a, b } = await verifiedPair();
      const [oldA, oldB] = [a.verification.value, b.verification.value];
      redial(hub);
      await Promise.all([nextRun(a, oldA, 'verified'), nextRun(b, oldB, 'verified')]);
      expect(hub.redials.length).toBeGreaterThan(0);
      expect([a.status.value.kind, b.status.value.kind]).toEqual(['connected', 'connected']);
      await Promise.all([a.dispose(), b.dispose()]);
    });

    it('a call nobody verified shows the codes again, and waits for the people', async () => {
      const { hub, a, b } = await pair();
      await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
      const [oldA, oldB] = [a.verification.value, b.verification.value];
      redial(hub);
      await Promise.all([nextRun(a, oldA, 'comparing'), nextRun(b, oldB, 'comparing')]);
      await new Promise((r) => setTimeout(r, 0));
      expect([a.verification.value?.view.value.phase, b.verification.value?.view.value.phase]).toEqual([
        'comparing',
        'comparing',
      ]);
      await Promise.all([a.dispose(), b.dispose()]);
    });

    it('a relay in the middle of the new connection is caught, verified before or not', async () => {
      const { hub, a, b } = await verifiedPair();
      hub.interceptDtls = true;
      redial(hub);
      await Promise.all([until(a, 'intercepted'), until(b, 'intercepted')]);
    });
  });

  describe('under attack on the data channel, and after a renegotiation', () => {
    /** Records every verification message that crosses the hub (a passive man in the middle). */
    const spy = (hub: ReturnType<typeof createFakeSignalingHub>) => {
      const seen: { from: string; message: VerifyMessage }[] = [];
      hub.tamper = (data, from) => {
        const message = parseVerifyMessage(data);
        if (message) seen.push({ from, message });
        return data;
      };
      return seen;
    };
    const ids = (hub: ReturnType<typeof createFakeSignalingHub>) => {
      const [aId = '', bId = ''] = hub.memberIds();
      return { aId, bId };
    };
    const bothVerify = async (a: CallModel, b: CallModel) => {
      await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
      const [va, vb] = [a.verification.value?.view.value, b.verification.value?.view.value];
      expect(va?.phase === 'comparing' && va.sas).toEqual(vb?.phase === 'comparing' && vb.sas);
      a.confirmCodes(true);
      b.confirmCodes(true);
      await Promise.all([phase(a, 'verified'), phase(b, 'verified')]);
    };

    it('cancel{timeout} forged on both legs: both screens warn (never neutral), the call goes on, and Verify again verifies', async () => {
      const { hub, a, b } = await pair();
      const seen = spy(hub);
      await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
      const txid = seen.find((s) => s.message.type === 'commit')?.message.txid;
      if (!txid) throw new Error('no commit seen');
      const { aId, bId } = ids(hub);
      const cancel = encodeVerifyMessage({ type: 'cancel', txid, reason: 'timeout' });
      hub.inject(aId, bId, cancel);
      hub.inject(bId, aId, cancel);
      for (const c of [a, b]) {
        const view = c.verification.value?.view.value ?? null;
        expect(view).toEqual({ phase: 'warning', reason: 'timeout', by: 'peer' });
        expect(verifyBadge(view).tone).toBe('warn');
        expect(c.status.value.kind).toBe('connected');
      }
      a.verifyAgain();
      await bothVerify(a, b);
      expect(b.verification.value?.info.value).toMatchObject({ run: 2, startedBy: 'peer' });
      await Promise.all([a.dispose(), b.dispose()]);
    });

    it('a renegotiation that brings another certificate ends "Verified" on both screens; verifying again catches the interception', async () => {
      const { hub, a, b } = await pair();
      await bothVerify(a, b);
      const { aId, bId } = ids(hub);
      hub.presentCertificate(aId, bId, 'attacker');
      hub.renegotiate(aId, bId);
      await Promise.all([phase(a, 'warning'), phase(b, 'warning')]);
      expect(a.verification.value?.view.value).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'self' });
      expect(b.verification.value?.view.value).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'peer' });
      a.verifyAgain();
      await Promise.all([until(a, 'intercepted'), until(b, 'intercepted')]);
    });

    it('a renegotiation over the same certificates keeps "Verified"', async () => {
      const { hub, a, b } = await pair();
      await bothVerify(a, b);
      const { aId, bId } = ids(hub);
      hub.renegotiate(aId, bId);
      await Promise.all([a.verification.value?.recheck(), b.verification.value?.recheck()]);
      expect([a.verification.value?.view.value.phase, b.verification.value?.view.value.phase]).toEqual([
        'verified',
        'verified',
      ]);
      await Promise.all([a.dispose(), b.dispose()]);
    });
  });
});
