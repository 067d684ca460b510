// Issue 14 item 8 in real Chromium: a renegotiation can bring another DTLS certificate. Chromium restarts
// DTLS when an ICE-restart answer carries a new fingerprint: the connection's RTCDtlsTransport goes
// new → connecting → connected and getStats() then reports the new remote certificate. Reading the
// fingerprints once per connection would keep "Verified" while the media goes to whoever answered.
//
// Chromium also caches certificate stats: read during the restart, getStats() keeps reporting no remote
// certificate after it connects. The reader therefore hashes what RTCDtlsTransport.getRemoteCertificates()
// holds, and cross-checks it with the stats.
//
// L ↔ R are two raw RTCPeerConnections in one page. The verification models of both sides run in this Node
// process (their messages are passed directly: the channel is not what is tested here) and read their
// fingerprints from the page with the app's own stats reader. L's connection is watched with the app's
// watchCertificates (installed verbatim), whose events call L's recheck(). Then:
//   1. a renegotiation over the same certificates (a new audio transceiver) keeps "Verified";
//   2. an ICE-restart renegotiation answered by M, a third endpoint with its own certificate, ends
//      "Verified" on both sides.
import { randomBytes } from 'node:crypto';
import { effect } from '@preact/signals';
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { collectPresentedCertificates, collectTransportCertificates } from '../../src/adapters/rtc/fingerprints';
import { watchCertificates } from '../../src/adapters/rtc/watch-certificates';
import {
  CertificateConflictError,
  TRANSPORTS_DISAGREE,
  fingerprintsFromTransports,
  type FingerprintPair,
  type TransportCertificates,
} from '../../src/core/fingerprint';
import { createVerification, type Verification, type VerificationView } from '../../src/models/verification';

interface Harness {
  pcs: Record<string, RTCPeerConnection>;
  certs: Record<string, string>;
  collect: (pc: RTCPeerConnection) => Promise<TransportCertificates[]>;
  presented: (pc: RTCPeerConnection) => ArrayBuffer[];
  watch: (pc: RTCPeerConnection, onChange: () => void) => () => void;
  changes: number;
}
type HarnessWindow = typeof globalThis & { h: Harness; parleyCertificatesMayHaveChanged: () => Promise<void> };

const setUpPage = async (page: Page) => {
  await page.goto('about:blank');
  // The app's stats reader and watcher, installed verbatim (both are self-contained).
  await page.evaluate(
    `globalThis.h = { pcs: {}, certs: {}, changes: 0, collect: ${collectTransportCertificates.toString()}, presented: ${collectPresentedCertificates.toString()}, watch: ${watchCertificates.toString()} };`,
  );
  await page.evaluate(async () => {
    const h = (globalThis as HarnessWindow).h;
    const keygen: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
    const [cl, cr, cm] = await Promise.all([1, 2, 3].map(() => RTCPeerConnection.generateCertificate(keygen)));
    h.certs = {
      L: cl!.getFingerprints()[0]!.value!,
      R: cr!.getFingerprints()[0]!.value!,
      M: cm!.getFingerprints()[0]!.value!,
    };
    const l = new RTCPeerConnection({ certificates: [cl!] });
    const r = new RTCPeerConnection({ certificates: [cr!] });
    h.pcs = { L: l, R: r, M: new RTCPeerConnection({ certificates: [cm!] }) };
    const channel = l.createDataChannel('call');
    const gathered = (pc: RTCPeerConnection) =>
      new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
    await l.setLocalDescription();
    await gathered(l);
    await r.setRemoteDescription(l.localDescription!);
    await r.setLocalDescription();
    await gathered(r);
    await l.setRemoteDescription(r.localDescription!);
    await new Promise<void>((resolve) =>
      channel.readyState === 'open' ? resolve() : channel.addEventListener('open', () => resolve()),
    );
  });
};

/** Offer from L, answer from `answerer` (non-trickle: loopback candidates ride in the descriptions). */
const renegotiate = (page: Page, answerer: 'R' | 'M', iceRestart: boolean) =>
  page.evaluate(
    async ([who, restart]) => {
      const { pcs } = (globalThis as HarnessWindow).h;
      const [l, other] = [pcs['L']!, pcs[who]!];
      const gathered = (pc: RTCPeerConnection) =>
        new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') return resolve();
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        });
      if (!restart) l.addTransceiver('audio');
      await l.setLocalDescription(await l.createOffer({ iceRestart: restart }));
      await gathered(l);
      await other.setRemoteDescription(l.localDescription!);
      await other.setLocalDescription();
      await gathered(other);
      await l.setRemoteDescription(other.localDescription!);
    },
    [answerer, iceRestart] as const,
  );

/**
 * What readDtlsFingerprints does, on a connection in the page: the stats and the certificates the transports
 * hold (hashed here: about:blank has no WebCrypto), through the same pure resolver.
 */
const readFingerprints = async (page: Page, name: 'L' | 'R'): Promise<FingerprintPair> => {
  const { transports, held } = await page.evaluate(async (n) => {
    const h = (globalThis as HarnessWindow).h;
    const pc = h.pcs[n]!;
    return { transports: await h.collect(pc), held: h.presented(pc).map((der) => Array.from(new Uint8Array(der))) };
  }, name);
  const presented = held.map((der) => new Uint8Array(createHash('sha256').update(Uint8Array.from(der)).digest()));
  const result = fingerprintsFromTransports(transports, presented);
  if (!result.ok && result.error === TRANSPORTS_DISAGREE) throw new CertificateConflictError();
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

const until = (v: Verification, want: VerificationView['phase']) =>
  new Promise<void>((resolve) => {
    const stop = effect(() => {
      if (v.view.value.phase !== want) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });

test('a renegotiation that brings another certificate ends "Verified"; one over the same certificates keeps it', async ({
  page,
}) => {
  await setUpPage(page);
  const models: Record<'L' | 'R', Verification> = {} as Record<'L' | 'R', Verification>;
  const make = (self: 'L' | 'R', peer: 'L' | 'R') =>
    createVerification({
      selfId: `peer-${self}`,
      peerId: `peer-${peer}`,
      ctx: 'verify-renegotiate-e2e-room',
      fingerprints: () => readFingerprints(page, self),
      // Delivered on a later task, as a channel would.
      send: async (data) => void setTimeout(() => models[peer].receive(data), 0),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      now: Date.now,
    });
  models.L = make('L', 'R');
  models.R = make('R', 'L');
  // The call model ticks its verification every 500 ms (timeouts, and re-reads while a transport settles).
  const ticking = setInterval(() => (models.L.tick(), models.R.tick()), 500);
  await Promise.all([until(models.L, 'comparing'), until(models.R, 'comparing')]);
  models.L.confirm(true);
  models.R.confirm(true);
  await Promise.all([until(models.L, 'verified'), until(models.R, 'verified')]);
  const before = await readFingerprints(page, 'L');

  // From here on, L's connection is watched as the app watches every call's connection.
  await page.exposeFunction('parleyCertificatesMayHaveChanged', () => models.L.recheck());
  await page.evaluate(() => {
    const w = globalThis as HarnessWindow;
    w.h.watch(w.h.pcs['L']!, () => {
      w.h.changes += 1;
      void w.parleyCertificatesMayHaveChanged();
    });
  });
  const changes = () => page.evaluate(() => (globalThis as HarnessWindow).h.changes);

  // 1. Same certificates: the watcher fires (negotiation back to stable), the re-read finds the same pair.
  await renegotiate(page, 'R', false);
  await expect.poll(changes).toBeGreaterThan(0);
  await models.L.recheck();
  expect(models.L.view.value.phase).toBe('verified');
  expect(models.R.view.value.phase).toBe('verified');

  // 2. An ICE restart answered by M: DTLS restarts with M's certificate, and "Verified" ends on both sides.
  const seen = await changes();
  const t0 = Date.now();
  await renegotiate(page, 'M', true);
  await Promise.all([until(models.L, 'warning'), until(models.R, 'warning')]);
  // A figure, not a goal: from the offer to "Verified" ended on both sides.
  console.log(`certificate change noticed ${Date.now() - t0} ms after the ICE-restart offer`);
  expect(await changes()).toBeGreaterThan(seen);
  expect(models.L.view.value).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'self' });
  expect(models.R.view.value).toEqual({ phase: 'warning', reason: 'certificate_changed', by: 'peer' });
  const after = await readFingerprints(page, 'L');
  const certs = await page.evaluate(() => (globalThis as HarnessWindow).h.certs);
  expect(after.remote).not.toEqual(before.remote);
  expect(Buffer.from(after.remote).toString('hex')).toBe(certs['M']!.replaceAll(':', ''));
  clearInterval(ticking);
});
