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
});
