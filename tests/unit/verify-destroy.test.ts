import { effect } from '@preact/signals';
import { describe, expect, it, vi } from 'vitest';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import type { CallModel } from '../../src/models/call';
import type { VerificationView } from '../../src/models/verification';
import { makeCall, newCode, until } from './call-fixtures';
import { honestPair } from './verify-harness';

/** The key schedule's outputs, as the verifiers got them: the real functions, watched (nothing replaced). */
const derived = vi.hoisted(() => ({
  keys: [] as Array<{ sas: Uint8Array; kI: Uint8Array; kR: Uint8Array }>,
  th: [] as Uint8Array[],
}));
vi.mock('../../src/core/verify-crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/verify-crypto')>();
  return {
    ...real,
    deriveKeys: (...args: Parameters<typeof real.deriveKeys>) => {
      const keys = real.deriveKeys(...args);
      derived.keys.push(keys);
      return keys;
    },
    transcriptHash: (...args: Parameters<typeof real.transcriptHash>) => {
      const th = real.transcriptHash(...args);
      derived.th.push(th);
      return th;
    },
  };
});

const zeroed = (b: Uint8Array | undefined) => b !== undefined && b.length > 0 && b.every((x) => x === 0);
/** The secrets one run keeps until it ends: both confirmation keys and the transcript hash. */
const runSecrets = (i: number) => [derived.keys[i]?.kI, derived.keys[i]?.kR, derived.th[i]];

describe('Verifier.destroy wipes a run', () => {
  it('mid-run, before the peer answered: the X25519 private key is zeroed and the verifier stays silent', () => {
    const { a, net } = honestPair(11);
    net.start(a);
    const [sk] = a.randomOutputs.filter((r) => r.length === 32);
    expect(zeroed(sk)).toBe(false);
    a.verifier.destroy();
    expect(zeroed(sk)).toBe(true);
    expect(a.verifier.state.phase).toBe('cancelled');
    expect(a.verifier.tick().send).toEqual([]);
  });

  it("while the code is shown: the confirmation keys and transcript hash are zeroed, the other side's are not", () => {
    derived.keys.length = 0;
    derived.th.length = 0;
    const { a, b, net } = honestPair(12);
    net.start(a);
    net.run();
    expect([a.verifier.state.phase, b.verifier.state.phase]).toEqual(['comparing', 'comparing']);
    // One key schedule per side (which came first does not matter here).
    expect(derived.keys).toHaveLength(2);
    for (const i of [0, 1]) expect(runSecrets(i).some(zeroed)).toBe(false);
    a.verifier.destroy();
    const wiped = [0, 1].filter((i) => runSecrets(i).every(zeroed));
    const live = [0, 1].filter((i) => runSecrets(i).every((s) => !zeroed(s)));
    expect([wiped.length, live.length]).toEqual([1, 1]);
    b.verifier.destroy();
    for (const i of [0, 1]) expect(runSecrets(i).every(zeroed)).toBe(true);
  });
});

/** Resolves when the call's verification view reaches `phase`. */
const phase = (call: CallModel, want: VerificationView['phase']) =>
  new Promise<void>((resolve) => {
    const stop = effect(() => {
      if (call.verification.value?.view.value.phase !== want) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });

describe('a call ended mid-verification', () => {
  it("zeroes the run's private key when the person hangs up while keys are in flight", async () => {
    const hub = createFakeSignalingHub();
    // Nothing of the verification crosses: each side's run waits on its commit, private key in memory.
    hub.tamper = (data) => (data.includes('"type":"verify.') ? null : data);
    const handedOut: Uint8Array[] = [];
    const randomBytes = (n: number) => {
      const b = crypto.getRandomValues(new Uint8Array(n));
      handedOut.push(b);
      return b;
    };
    const code = newCode();
    const a = makeCall(hub, code, { randomBytes });
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    await phase(a, 'exchanging');
    const keys = handedOut.filter((r) => r.length === 32);
    expect(keys).toHaveLength(1);
    expect(zeroed(keys[0])).toBe(false);
    await a.hangUp();
    expect(zeroed(keys[0])).toBe(true);
    await b.dispose();
  });

  it('zeroes the derived keys when the partner leaves while the code is shown', async () => {
    derived.keys.length = 0;
    derived.th.length = 0;
    const hub = createFakeSignalingHub();
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    await Promise.all([phase(a, 'comparing'), phase(b, 'comparing')]);
    expect(derived.keys).toHaveLength(2);
    for (const i of [0, 1]) expect(runSecrets(i).some(zeroed)).toBe(false);
    await b.hangUp();
    // Both runs ended: B's with its call, A's when its partner went.
    for (const i of [0, 1]) expect(runSecrets(i).every(zeroed)).toBe(true);
    await a.dispose();
  });
});
