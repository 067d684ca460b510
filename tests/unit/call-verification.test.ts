import { effect } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import type { CallModel } from '../../src/models/call';
import type { VerificationView } from '../../src/models/verification';
import { makeCall, newCode, until } from './call-fixtures';

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
    for (const c of [a, b]) c.verification.value?.view.subscribe((v) => seen.push(v.phase));
    await Promise.all([until(a, 'intercepted'), until(b, 'intercepted')]);
    expect(seen).not.toContain('comparing');
    expect(seen).not.toContain('verified');
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
      expect([a.verification.value?.view.value.phase, b.verification.value?.view.value.phase]).toEqual(['comparing', 'comparing']);
      await Promise.all([a.dispose(), b.dispose()]);
    });

    it('a relay in the middle of the new connection is caught, verified before or not', async () => {
      const { hub, a, b } = await verifiedPair();
      hub.interceptDtls = true;
      redial(hub);
      await Promise.all([until(a, 'intercepted'), until(b, 'intercepted')]);
    });
  });
});
