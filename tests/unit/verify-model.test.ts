// models/verification: what the screens show when a check is attacked (docs/verification.md §"Runs, warnings
// and Verify again"). Two models talk through a queue the test controls; the attacker drops, forges and
// replays verification messages, or a renegotiation brings another certificate.
import { effect } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { CertificateConflictError, type FingerprintPair } from '../../src/core/fingerprint';
import {
  VERIFY_TIMEOUT_MS,
  encodeVerifyMessage,
  parseVerifyMessage,
  type CancelReason,
  type VerifyMessage,
} from '../../src/core/verify';
import { VERIFY_AGAIN_LIMIT } from '../../src/core/verify-session';
import { createVerification, type Verification, type VerificationView } from '../../src/models/verification';
import { verifyBadge } from '../../src/ui/components/VerifyPanel';
import { CTX, fakeClock, fp } from './verify-harness';

type Side = 'a' | 'b';

/** Resolves once `v`'s view satisfies `test`. */
const until = (v: Verification, test: (view: VerificationView) => boolean) =>
  new Promise<VerificationView>((resolve) => {
    const stop = effect(() => {
      const view = v.view.value;
      if (!test(view)) return;
      queueMicrotask(() => stop());
      resolve(view);
    });
  });
const phase = (v: Verification, want: VerificationView['phase']) => until(v, (view) => view.phase === want);
const codeOf = (view: VerificationView) =>
  view.phase === 'comparing' || view.phase === 'confirmed' || view.phase === 'verified'
    ? view.sas.decimal.join(' ')
    : null;

const modelPair = async () => {
  const clock = fakeClock();
  const certs: Record<Side, FingerprintPair | Error> = {
    a: { local: fp('cert a'), remote: fp('cert b') },
    b: { local: fp('cert b'), remote: fp('cert a') },
  };
  const queue: { from: Side; data: string }[] = [];
  const sent: Record<Side, VerifyMessage[]> = { a: [], b: [] };
  const link = { tamper: (data: string, _from: Side): string | null => data };
  const make = (side: Side, selfId: string, peerId: string) =>
    createVerification({
      selfId,
      peerId,
      ctx: CTX,
      fingerprints: async () => {
        const c = certs[side];
        if (c instanceof Error) throw c;
        return c;
      },
      send: async (data) => {
        const m = parseVerifyMessage(data);
        if (m) sent[side].push(m);
        queue.push({ from: side, data });
      },
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      now: clock.now,
    });
  const a = make('a', 'alice-id', 'bob-id');
  const b = make('b', 'bob-id', 'alice-id');
  const models = { a, b };
  const net = {
    queue,
    sent,
    link,
    certs,
    /** Delivers everything in flight (and what that causes), through the tamper hook. */
    run() {
      for (let i = 0; i < 1000; i++) {
        const item = queue.shift();
        if (!item) return;
        const data = link.tamper(item.data, item.from);
        if (data !== null) models[item.from === 'a' ? 'b' : 'a'].receive(data);
      }
      throw new Error('did not go quiet');
    },
    /** A message on the channel that the peer did not send. */
    forge(to: Side, message: VerifyMessage) {
      models[to].receive(encodeVerifyMessage(message));
    },
  };
  await Promise.all([until(a, (v) => v.phase !== 'starting'), until(b, (v) => v.phase !== 'starting')]);
  return { a, b, net, clock };
};

/** Both people say the codes match. */
const verifyBoth = async (a: Verification, b: Verification, net: { run(): void }) => {
  const [va, vb] = [a.view.value, b.view.value];
  expect(codeOf(va)).not.toBeNull();
  expect(codeOf(va)).toBe(codeOf(vb));
  a.confirm(true);
  b.confirm(true);
  net.run();
  expect([a.view.value.phase, b.view.value.phase]).toEqual(['verified', 'verified']);
};

/** The txid of the run under way: alice-id < bob-id, so A's commit wins the glare of both starting. */
const runTxid = (net: { sent: Record<Side, VerifyMessage[]> }) => {
  const commit = net.sent.a.find((m) => m.type === 'commit');
  if (!commit) throw new Error('A sent no commit');
  return commit.txid;
};

const expectWarning = (v: Verification, reason: string, by: 'self' | 'peer') => {
  const view = v.view.value;
  expect(view).toEqual({ phase: 'warning', reason, by });
  // Never the neutral "Unverified (timed out)" of before: a warning, with "Verify again" offered.
  expect(verifyBadge(view).tone).toBe('warn');
  expect(v.info.value.againInSeconds).toBe(0);
};

describe('a forged cancel is a warning both can act on, in every phase', () => {
  const phases: { name: VerificationView['phase']; reach: (p: Awaited<ReturnType<typeof modelPair>>) => void }[] = [
    { name: 'exchanging', reach: () => undefined },
    { name: 'comparing', reach: ({ net }) => net.run() },
    { name: 'confirmed', reach: ({ a, net }) => (net.run(), a.confirm(true)) },
    {
      name: 'verified',
      reach: ({ a, b, net }) => {
        net.run();
        a.confirm(true);
        b.confirm(true);
        net.run();
      },
    },
  ];
  for (const { name, reach } of phases) {
    for (const reason of ['timeout', 'unexpected_message'] as CancelReason[]) {
      it(`${name}: cancel{${reason}} → "could not be verified", then Verify again reaches Verified on both`, async () => {
        const p = await modelPair();
        reach(p);
        expect(p.a.view.value.phase).toBe(name);
        p.net.queue.length = 0;
        p.net.forge('a', { type: 'cancel', txid: runTxid(p.net), reason });
        expectWarning(p.a, reason, 'peer');
        // The other screen warns at once too (A echoes the cancel), not only at its own timeout.
        p.net.run();
        expect(verifyBadge(p.b.view.value).tone).toBe('warn');
        await p.a.verifyAgain();
        p.net.run();
        // The other person is told, and its own new run starts.
        expect(p.b.info.value).toMatchObject({ run: 2, startedBy: 'peer' });
        expect(p.a.info.value).toMatchObject({ run: 2, startedBy: 'self' });
        await verifyBoth(p.a, p.b, p.net);
      });
    }
  }
});

describe('dropped and unexpected messages', () => {
  it("one side's verification messages all dropped → both time out into the warning; Verify again works once the path is honest", async () => {
    const { a, b, net, clock } = await modelPair();
    net.link.tamper = (data, from) => (from === 'b' ? null : data);
    net.run();
    expect(codeOf(a.view.value)).toBeNull();
    clock.advance(VERIFY_TIMEOUT_MS);
    a.tick();
    b.tick();
    net.run();
    expect(a.view.value).toMatchObject({ phase: 'warning', reason: 'timeout' });
    expect(b.view.value).toMatchObject({ phase: 'warning', reason: 'timeout' });
    for (const v of [a, b]) expect(verifyBadge(v.view.value).tone).toBe('warn');
    net.link.tamper = (data) => data;
    await b.verifyAgain();
    net.run();
    expect(a.info.value.startedBy).toBe('peer');
    await verifyBoth(a, b, net);
  });

  it('an unexpected message (a key nobody asked for) → the warning on both sides', async () => {
    const { a, b, net } = await modelPair();
    net.run();
    net.forge('b', { type: 'key', txid: runTxid(net), publicKey: fp('k'), nonce: fp('n').slice(0, 16) });
    expectWarning(b, 'unexpected_message', 'self');
    net.run();
    expectWarning(a, 'unexpected_message', 'peer');
  });
});

describe('Verify again is limited in rate', () => {
  it(`after ${VERIFY_AGAIN_LIMIT.limit} restarts in a minute the button says how long to wait, and pressing it sends nothing`, async () => {
    const { a, b, net, clock } = await modelPair();
    net.run();
    for (let i = 0; i < VERIFY_AGAIN_LIMIT.limit; i++) {
      net.forge('a', { type: 'cancel', txid: (net.sent.a.at(-1) ?? net.sent.b.at(-1))!.txid, reason: 'timeout' });
      net.queue.length = 0;
      await a.verifyAgain();
      net.run();
      expect(a.view.value.phase).toBe('comparing');
    }
    net.forge('a', { type: 'cancel', txid: net.sent.a.at(-1)!.txid, reason: 'timeout' });
    net.queue.length = 0;
    expect(a.info.value.againInSeconds).toBe(60);
    await a.verifyAgain();
    expect(net.queue).toEqual([]);
    expect(a.view.value.phase).toBe('warning');
    clock.advance(30_000);
    a.tick();
    expect(a.info.value.againInSeconds).toBe(30);
    clock.advance(30_000);
    a.tick();
    expect(a.info.value.againInSeconds).toBe(0);
    await a.verifyAgain();
    net.run();
    await verifyBoth(a, b, net);
  });
});

describe('certificates read again after a renegotiation', () => {
  const verifiedPair = async () => {
    const p = await modelPair();
    p.net.run();
    await verifyBoth(p.a, p.b, p.net);
    return p;
  };

  it('a changed remote certificate ends "Verified" on both screens', async () => {
    const { a, b, net } = await verifiedPair();
    net.certs.a = { local: fp('cert a'), remote: fp('attacker') };
    await a.recheck();
    expectWarning(a, 'certificate_changed', 'self');
    net.run();
    expectWarning(b, 'certificate_changed', 'peer');
    // Verifying again over the attacker's certificate is caught: the call must end.
    await a.verifyAgain();
    net.run();
    expect(a.view.value).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
    expect(b.view.value).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
  });

  it('transports that present different certificates end "Verified" too', async () => {
    const { a, net } = await verifiedPair();
    net.certs.a = new CertificateConflictError();
    await a.recheck();
    expectWarning(a, 'certificate_changed', 'self');
  });

  it('a transport caught between states is read again at the next tick, and a change found then ends "Verified"', async () => {
    const { a, b, net } = await verifiedPair();
    net.certs.a = new Error('cannot read DTLS fingerprints: no DTLS transport is connected yet');
    await a.recheck();
    expect(a.view.value.phase).toBe('verified');
    // The restart completes with another certificate, and no further transport event comes.
    net.certs.a = { local: fp('cert a'), remote: fp('attacker') };
    a.tick();
    await phase(a, 'warning');
    expectWarning(a, 'certificate_changed', 'self');
    net.run();
    expect(b.view.value.phase).toBe('warning');
  });

  it('the same certificates, or a transport between states (unreadable for now), keep "Verified"', async () => {
    const { a, b, net } = await verifiedPair();
    await a.recheck();
    net.certs.a = new Error('cannot read DTLS fingerprints: no DTLS transport is connected yet');
    await a.recheck();
    net.run();
    expect([a.view.value.phase, b.view.value.phase]).toEqual(['verified', 'verified']);
  });
});
