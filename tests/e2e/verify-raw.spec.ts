// Browser proof of parley-verify-v1 with raw RTCPeerConnections in real Chromium (no Trystero, no relay):
//   A ↔ M1 | M2 ↔ B   M terminates DTLS on both legs and relays every data-channel message unchanged;
//   C ↔ D             a direct connection.
// The fingerprints each side reads from SDP, from getStats() (with the same code as
// src/adapters/rtc/fingerprints.ts) and from RTCCertificate.getFingerprints() must agree; then core/verify
// runs in this Node process over the real data channels: through M both sides end in key_mismatch with no
// code shown, directly both show the same code and end verified.
import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { collectTransportCertificates } from '../../src/adapters/rtc/fingerprints';
import {
  fingerprintFromSdp,
  fingerprintsFromTransports,
  parseFingerprint,
  type FingerprintPair,
  type TransportCertificates,
} from '../../src/core/fingerprint';
import {
  createVerifier,
  encodeVerifyMessage,
  formatSas,
  parseVerifyMessage,
  type Verifier,
  type VerifyState,
} from '../../src/core/verify';

type Name = 'A' | 'M1' | 'M2' | 'B' | 'C' | 'D';

/** What each endpoint reports about itself, as the browser prints it. */
interface RawView {
  transports: TransportCertificates[];
  localSdp: string;
  remoteSdp: string;
  certificate: { algorithm: string; value: string }[];
}

/** Page-side state, kept on window so later evaluate calls can reach it. */
interface Endpoint {
  pc: RTCPeerConnection;
  certificate: RTCCertificate;
  channel: RTCDataChannel;
  inbox: string[];
}
interface Harness {
  endpoints: Record<string, Endpoint>;
  collect: (pc: RTCPeerConnection) => Promise<TransportCertificates[]>;
}
type HarnessWindow = typeof globalThis & { harness: Harness };

/** Builds the three connections inside the page and waits for DTLS and the data channels to open. */
const setUpPage = async (page: Page): Promise<void> => {
  await page.goto('about:blank');
  // The stats reader from src/adapters/rtc/fingerprints.ts, installed verbatim (it is self-contained).
  await page.evaluate(`globalThis.harness = { endpoints: {}, collect: ${collectTransportCertificates.toString()} };`);
  await page.evaluate(async () => {
    const h = (globalThis as HarnessWindow).harness;
    const keygen: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
    const gathered = (pc: RTCPeerConnection) =>
      new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
    const opened = (dc: RTCDataChannel) =>
      new Promise<void>((resolve) =>
        dc.readyState === 'open' ? resolve() : dc.addEventListener('open', () => resolve()),
      );
    const connect = async (left: string, right: string) => {
      const [cl, cr] = await Promise.all([
        RTCPeerConnection.generateCertificate(keygen),
        RTCPeerConnection.generateCertificate(keygen),
      ]);
      const pl = new RTCPeerConnection({ iceServers: [], certificates: [cl] });
      const pr = new RTCPeerConnection({ iceServers: [], certificates: [cr] });
      const dl = pl.createDataChannel('verify', { ordered: true });
      const remoteChannel = new Promise<RTCDataChannel>((resolve) => (pr.ondatachannel = (e) => resolve(e.channel)));
      // Non-trickle exchange: each description carries its (loopback host) candidates.
      await pl.setLocalDescription();
      await gathered(pl);
      await pr.setRemoteDescription(pl.localDescription as RTCSessionDescriptionInit);
      await pr.setLocalDescription();
      await gathered(pr);
      await pl.setRemoteDescription(pr.localDescription as RTCSessionDescriptionInit);
      const dr = await remoteChannel;
      await Promise.all([opened(dl), opened(dr)]);
      for (const [name, pc, certificate, channel] of [
        [left, pl, cl, dl],
        [right, pr, cr, dr],
      ] as const) {
        const endpoint: Endpoint = { pc, certificate, channel, inbox: [] };
        channel.onmessage = (e: MessageEvent<string>) => endpoint.inbox.push(e.data);
        h.endpoints[name] = endpoint;
      }
    };
    await Promise.all([connect('A', 'M1'), connect('M2', 'B'), connect('C', 'D')]);
    // M: whatever arrives on one leg leaves on the other, byte for byte.
    const [m1, m2] = [h.endpoints['M1'], h.endpoints['M2']];
    if (!m1 || !m2) throw new Error('M legs missing');
    m1.channel.onmessage = (e: MessageEvent<string>) => m2.channel.send(e.data);
    m2.channel.onmessage = (e: MessageEvent<string>) => m1.channel.send(e.data);
  });
};

const rawView = (page: Page, name: Name): Promise<RawView> =>
  page.evaluate(async (n) => {
    const h = (globalThis as HarnessWindow).harness;
    const e = h.endpoints[n];
    if (!e) throw new Error(`no endpoint ${n}`);
    return {
      transports: await h.collect(e.pc),
      localSdp: e.pc.localDescription?.sdp ?? '',
      remoteSdp: e.pc.remoteDescription?.sdp ?? '',
      certificate: e.certificate.getFingerprints().map((f) => ({ algorithm: f.algorithm ?? '', value: f.value ?? '' })),
    };
  }, name);

/** Reads one endpoint's fingerprints three ways and insists they agree; returns the pair core/verify gets. */
const observedFingerprints = async (page: Page, name: Name, peer: Name): Promise<FingerprintPair> => {
  const [self, other] = [await rawView(page, name), await rawView(page, peer)];
  const fromStats = fingerprintsFromTransports(self.transports);
  if (!fromStats.ok) throw new Error(`${name}: ${fromStats.error}`);
  const ownCertificate = self.certificate.find((f) => f.algorithm === 'sha-256');
  const peerCertificate = other.certificate.find((f) => f.algorithm === 'sha-256');
  // getStats() prints upper-case with colons, getFingerprints() lower-case: the formats really differ.
  expect(self.transports[0]?.local?.fingerprint).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
  expect(ownCertificate?.value).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){31}$/);
  const local = fromStats.value.local;
  const remote = fromStats.value.remote;
  expect(fingerprintFromSdp(self.localSdp), `${name}: local SDP vs stats`).toEqual(local);
  expect(parseFingerprint(ownCertificate?.value ?? ''), `${name}: certificate vs stats`).toEqual(local);
  expect(fingerprintFromSdp(self.remoteSdp), `${name}: remote SDP vs stats`).toEqual(remote);
  expect(parseFingerprint(peerCertificate?.value ?? ''), `${name}: peer certificate vs stats`).toEqual(remote);
  return fromStats.value;
};

const isOver = (s: VerifyState) => s.phase === 'cancelled' || s.phase === 'verified';
const codeOf = (s: VerifyState) =>
  s.phase === 'comparing' || s.phase === 'confirmed' || s.phase === 'verified' ? formatSas(s.sas) : null;

/** Runs core/verify for two endpoints over their real data channels until both are finished or comparing. */
const runVerification = async (
  page: Page,
  sides: { name: Name; verifier: Verifier; history: VerifyState[] }[],
  until: (states: VerifyState[]) => boolean,
): Promise<void> => {
  const send = (name: Name, texts: string[]) =>
    texts.length === 0
      ? Promise.resolve()
      : page.evaluate(
          ([n, t]) => t.forEach((x) => (globalThis as HarnessWindow).harness.endpoints[n]?.channel.send(x)),
          [name, texts] as const,
        );
  const deadline = Date.now() + 15_000;
  while (!until(sides.map((s) => s.verifier.state))) {
    if (Date.now() > deadline)
      throw new Error(`verification stalled: ${sides.map((s) => s.verifier.state.phase).join(', ')}`);
    for (const side of sides) {
      const inbox = await page.evaluate(
        (n) => (globalThis as HarnessWindow).harness.endpoints[n]?.inbox.splice(0) ?? [],
        side.name,
      );
      for (const text of inbox) {
        const message = parseVerifyMessage(text);
        if (!message) continue;
        const step = side.verifier.receive(message);
        side.history.push(step.state);
        await send(side.name, step.send.map(encodeVerifyMessage));
      }
    }
    await page.waitForTimeout(20);
  }
};

const makeSide = (name: Name, selfId: string, peerId: string, fingerprints: FingerprintPair) => ({
  name,
  history: [] as VerifyState[],
  verifier: createVerifier({
    selfId,
    peerId,
    ctx: 'verify-raw-e2e-room',
    fingerprints,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    now: Date.now,
  }),
});

test.describe('parley-verify-v1 over raw RTCPeerConnections in Chromium', () => {
  test('fingerprints agree across SDP, getStats() and getFingerprints(); a DTLS-terminating relay is caught; a direct call verifies', async ({
    page,
  }) => {
    await setUpPage(page);

    const fp = {
      A: await observedFingerprints(page, 'A', 'M1'),
      M1: await observedFingerprints(page, 'M1', 'A'),
      M2: await observedFingerprints(page, 'M2', 'B'),
      B: await observedFingerprints(page, 'B', 'M2'),
      C: await observedFingerprints(page, 'C', 'D'),
      D: await observedFingerprints(page, 'D', 'C'),
    };
    // Each leg is consistent, but A and B do not see each other's certificate: that is the interception.
    expect(fp.A.remote).toEqual(fp.M1.local);
    expect(fp.B.remote).toEqual(fp.M2.local);
    expect(fp.A.remote).not.toEqual(fp.B.local);
    expect(fp.B.remote).not.toEqual(fp.A.local);
    expect(fp.C.remote).toEqual(fp.D.local);
    expect(fp.D.remote).toEqual(fp.C.local);

    // Through M: every verification message is relayed unchanged, yet both sides end in key_mismatch.
    const a = makeSide('A', 'peer-a', 'peer-b', fp.A);
    const b = makeSide('B', 'peer-b', 'peer-a', fp.B);
    // Both start at once, as the call model will do: glare is resolved inside the protocol.
    const startA = a.verifier.start();
    const startB = b.verifier.start();
    await page.evaluate(
      ([x, y]) => {
        const e = (globalThis as HarnessWindow).harness.endpoints;
        x.forEach((t) => e['A']?.channel.send(t));
        y.forEach((t) => e['B']?.channel.send(t));
      },
      [startA.send.map(encodeVerifyMessage), startB.send.map(encodeVerifyMessage)] as const,
    );
    await runVerification(page, [a, b], (states) => states.every(isOver));
    for (const side of [a, b]) {
      expect(side.verifier.state).toMatchObject({ phase: 'cancelled', reason: 'key_mismatch' });
      expect(
        side.history.every((s) => codeOf(s) === null),
        `${side.name} never showed a code`,
      ).toBe(true);
    }

    // Direct: the honest run shows the same code on both sides and ends verified.
    const c = makeSide('C', 'peer-c', 'peer-d', fp.C);
    const d = makeSide('D', 'peer-d', 'peer-c', fp.D);
    const startC = c.verifier.start();
    await page.evaluate(
      (x) => x.forEach((t) => (globalThis as HarnessWindow).harness.endpoints['C']?.channel.send(t)),
      startC.send.map(encodeVerifyMessage),
    );
    await runVerification(page, [c, d], (states) => states.every((s) => s.phase === 'comparing'));
    const code = codeOf(c.verifier.state);
    expect(code).not.toBeNull();
    expect(codeOf(d.verifier.state)).toBe(code);
    for (const side of [c, d]) {
      const step = side.verifier.confirm(true);
      side.history.push(step.state);
      const texts = step.send.map(encodeVerifyMessage);
      await page.evaluate(
        ([n, t]) => t.forEach((x) => (globalThis as HarnessWindow).harness.endpoints[n]?.channel.send(x)),
        [side.name, texts] as const,
      );
    }
    await runVerification(page, [c, d], (states) => states.every((s) => s.phase === 'verified'));
    expect(codeOf(c.verifier.state)).toBe(code);
    expect(codeOf(d.verifier.state)).toBe(code);
    console.log(`direct call code: ${code}`);
  });
});
