import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bytesReceived,
  connectionQuality,
  summariseStats,
  type ConnectionSummary,
} from '../../src/core/connection-stats';
import {
  formatBitrate,
  formatLoss,
  formatRoute,
  formatRtt,
  formatTlsVersion,
  formatVideo,
} from '../../src/ui/connection-words';
import enRoom from '../../src/ui/i18n/en-room';
import { addEnglish } from '../../src/ui/i18n/i18n';
import { createFakeSignalingHub } from '../../src/adapters/signaling/fake';
import { createConnectionStats, STATS_INTERVAL_MS } from '../../src/models/connection-stats';
import { makeCall, newCode, until } from './call-fixtures';

// The figures are worded by the call's panels, whose English arrives with the room's screens.
addEnglish(enRoom);

afterEach(() => vi.useRealTimers());

/** Entries shaped as Chromium reports them (field names from webrtc-stats), at time `at` with the given counters. */
const chromium = (o: {
  at: number;
  bytesIn: number;
  bytesOut: number;
  received: number;
  lost: number;
  local?: string;
  remote?: string;
}) => [
  {
    id: 'T01',
    type: 'transport',
    timestamp: o.at,
    selectedCandidatePairId: 'CP1',
    dtlsState: 'connected',
    tlsVersion: 'FEFD',
    dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
  },
  {
    id: 'CP0',
    type: 'candidate-pair',
    timestamp: o.at,
    localCandidateId: 'LX',
    remoteCandidateId: 'RX',
    state: 'failed',
    bytesReceived: 0,
    bytesSent: 0,
  },
  {
    id: 'CP1',
    type: 'candidate-pair',
    timestamp: o.at,
    localCandidateId: 'L1',
    remoteCandidateId: 'R1',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.0123,
    bytesReceived: o.bytesIn,
    bytesSent: o.bytesOut,
  },
  { id: 'L1', type: 'local-candidate', candidateType: o.local ?? 'host', protocol: 'udp' },
  { id: 'R1', type: 'remote-candidate', candidateType: o.remote ?? 'srflx', protocol: 'udp' },
  { id: 'LX', type: 'local-candidate', candidateType: 'relay', protocol: 'udp' },
  { id: 'RX', type: 'remote-candidate', candidateType: 'relay', protocol: 'udp' },
  {
    id: 'IV',
    type: 'inbound-rtp',
    kind: 'video',
    frameWidth: 640,
    frameHeight: 480,
    framesPerSecond: 29.7,
    packetsReceived: o.received,
    packetsLost: o.lost,
  },
  { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: 0, packetsLost: 0 },
  { id: 'OV', type: 'outbound-rtp', kind: 'video', frameWidth: 320, frameHeight: 240, framesPerSecond: 15 },
  { id: 'RI', type: 'remote-inbound-rtp', kind: 'video', fractionLost: 0.01, roundTripTime: 0.5 },
];

const first = chromium({ at: 10_000, bytesIn: 1_000_000, bytesOut: 400_000, received: 1000, lost: 0 });
const second = chromium({ at: 12_000, bytesIn: 1_250_000, bytesOut: 450_000, received: 1095, lost: 5 });

describe('stats summary', () => {
  it('reads the selected pair, its candidates, RTT, DTLS and SRTP, and both video formats', () => {
    expect(summariseStats(first, null)).toEqual({
      route: 'direct',
      localCandidate: 'host',
      remoteCandidate: 'srflx',
      protocol: 'udp',
      rttMs: 12.3,
      bitrateIn: null,
      bitrateOut: null,
      lossIn: 0,
      lossOut: 0.01,
      videoIn: { width: 640, height: 480, fps: 29.7 },
      videoOut: { width: 320, height: 240, fps: 15 },
      tlsVersion: 'FEFD',
      dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
    } satisfies ConnectionSummary);
  });

  it('measures bitrate and loss between two samples', () => {
    const s = summariseStats(second, first);
    // 250,000 bytes in 2 s = 1 Mbit/s; 50,000 bytes = 200 kbit/s.
    expect([s.bitrateIn, s.bitrateOut]).toEqual([1_000_000, 200_000]);
    expect([formatBitrate(s.bitrateIn), formatBitrate(s.bitrateOut)]).toEqual(['1.0 Mbit/s', '200 kbit/s']);
    // 5 lost of 100 in the interval, not 5 of 1100 since the start.
    expect(s.lossIn).toBeCloseTo(0.05);
    expect(formatLoss(s.lossIn)).toBe('5.0 %');
    // Loss since the start when there is only one sample.
    expect(summariseStats(second, null).lossIn).toBeCloseTo(5 / 1100);
  });

  it('gives no bitrate when counters went backwards (a new connection) or no time passed', () => {
    expect(summariseStats(first, second).bitrateIn).toBeNull();
    expect(summariseStats(second, second).bitrateIn).toBeNull();
  });

  it('says "relayed (TURN)" when either end of the selected pair is a relay candidate', () => {
    expect(
      formatRoute(
        summariseStats(chromium({ at: 1, bytesIn: 0, bytesOut: 0, received: 0, lost: 0, local: 'relay' }), null).route,
      ),
    ).toBe('relayed (TURN)');
    expect(
      formatRoute(
        summariseStats(chromium({ at: 1, bytesIn: 0, bytesOut: 0, received: 0, lost: 0, remote: 'relay' }), null).route,
      ),
    ).toBe('relayed (TURN)');
    expect(formatRoute(summariseStats(first, null).route)).toBe('direct');
  });

  it('finds the pair without a transport link (flagged `selected`, or nominated and succeeded), and falls back to RTCP RTT', () => {
    const unlinked = first.map((e) => (e.type === 'transport' ? { ...e, selectedCandidatePairId: undefined } : e));
    expect(summariseStats(unlinked, null).localCandidate).toBe('host');
    const flagged = unlinked.map((e) =>
      e.id === 'CP0' ? { ...e, selected: true } : e.id === 'CP1' ? { ...e, nominated: false } : e,
    );
    expect(summariseStats(flagged, null).route).toBe('relayed');
    const noPairRtt = first.map((e) => (e.id === 'CP1' ? { ...e, currentRoundTripTime: undefined } : e));
    expect(formatRtt(summariseStats(noPairRtt, null).rttMs)).toBe('500 ms');
  });

  it('missing fields read as unknown, never as zero or a throw', () => {
    const s = summariseStats([], null);
    expect(Object.values(s).every((v) => v === null)).toBe(true);
    expect([
      formatRoute(s.route),
      formatRtt(s.rttMs),
      formatBitrate(s.bitrateIn),
      formatLoss(s.lossIn),
      formatVideo(s.videoIn),
      formatTlsVersion(s.tlsVersion),
    ]).toEqual(['unknown', 'unknown', 'measuring…', 'unknown', 'no video', 'unknown']);
    expect(connectionQuality(s)).toBe('unknown');
  });

  it('rejects junk in string and number fields', () => {
    const junk = first.map((e) =>
      e.type === 'transport'
        ? { ...e, tlsVersion: 42, dtlsCipher: 'x'.repeat(500), srtpCipher: '<b>\u0000</b>' }
        : e.id === 'CP1'
          ? { ...e, currentRoundTripTime: -1, bytesReceived: Number.NaN }
          : e.id === 'IV'
            ? { ...e, frameWidth: '640', framesPerSecond: Infinity }
            : e,
    );
    const s = summariseStats(junk, null);
    expect([s.tlsVersion, s.dtlsCipher, s.srtpCipher, s.bitrateIn, s.videoIn]).toEqual([null, null, null, null, null]);
    // The RTT falls back to the RTCP report rather than showing a negative figure.
    expect(s.rttMs).toBe(500);
  });

  it('bytesReceived: every byte over all transports, or null when any transport does not say', () => {
    const transports = [
      { id: 'T01', type: 'transport', bytesReceived: 5000 },
      { id: 'T02', type: 'transport', bytesReceived: 1000 },
    ];
    expect(bytesReceived([...transports, { id: 'CP1', type: 'candidate-pair', bytesReceived: 77 }, 'junk', null])).toBe(
      6000,
    );
    expect(bytesReceived([])).toBeNull();
    expect(bytesReceived([{ id: 'T1', type: 'transport', bytesReceived: -5 }])).toBeNull();
    expect(
      bytesReceived([
        { id: 'T1', type: 'transport', bytesReceived: 5 },
        { id: 'T2', type: 'transport' },
      ]),
    ).toBeNull();
    fc.assert(
      fc.property(fc.array(fc.anything()), (entries) => {
        const n = bytesReceived(entries);
        expect(n === null || (Number.isFinite(n) && n >= 0)).toBe(true);
      }),
    );
  });

  it('fuzz: any list of anything summarises without throwing', () => {
    const entry = fc.oneof(
      fc.anything(),
      fc.record({
        id: fc.constantFrom('T01', 'CP1', 'L1', 'R1', 'IV'),
        type: fc.constantFrom('transport', 'candidate-pair', 'local-candidate', 'inbound-rtp'),
        x: fc.anything(),
      }),
      fc.constantFrom(...first).map((e) => ({ ...e, [Object.keys(e)[2] ?? 'id']: null })),
    );
    fc.assert(
      fc.property(fc.array(entry), fc.option(fc.array(entry)), (cur, prev) => {
        const s = summariseStats(cur, prev);
        connectionQuality(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatting', () => {
  it('formats RTT, bitrate, loss, video and the DTLS version', () => {
    expect(formatRtt(0.4)).toBe('0 ms');
    expect(formatRtt(87.6)).toBe('88 ms');
    expect(formatBitrate(0)).toBe('0 kbit/s');
    expect(formatBitrate(999_499)).toBe('999 kbit/s');
    expect(formatBitrate(2_540_000)).toBe('2.5 Mbit/s');
    expect(formatLoss(0)).toBe('0.0 %');
    expect(formatLoss(0.1234)).toBe('12.3 %');
    expect(formatVideo({ width: 1280, height: 720, fps: 29.97 })).toBe('1280×720 at 30 fps');
    expect(formatVideo({ width: 640, height: 480, fps: null })).toBe('640×480');
    expect(formatTlsVersion('FEFD')).toBe('DTLS 1.2');
    expect(formatTlsVersion('fefc')).toBe('DTLS 1.3');
    expect(formatTlsVersion('0303')).toBe('0303');
  });

  it('grades quality from RTT, loss either way and received frame rate', () => {
    const base = summariseStats(first, null);
    expect(connectionQuality(base)).toBe('good');
    expect(connectionQuality({ ...base, rttMs: 250 })).toBe('fair');
    expect(connectionQuality({ ...base, rttMs: 450 })).toBe('poor');
    expect(connectionQuality({ ...base, lossIn: 0.03 })).toBe('fair');
    expect(connectionQuality({ ...base, lossOut: 0.1 })).toBe('poor');
    expect(connectionQuality({ ...base, videoIn: { width: 640, height: 480, fps: 15 } })).toBe('fair');
    expect(connectionQuality({ ...base, videoIn: { width: 640, height: 480, fps: 5 } })).toBe('poor');
    // Audio-only: no frame rate to judge, RTT and loss decide.
    expect(connectionQuality({ ...base, videoIn: null })).toBe('good');
  });
});

describe('stats polling', () => {
  it('samples at once and every interval, measures against the previous sample, and stops for good', async () => {
    vi.useFakeTimers();
    const samples = [first, second];
    let reads = 0;
    const model = createConnectionStats();
    model.start(async () => samples[Math.min(reads++, 1)] ?? []);
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toBe(1);
    expect(model.summary.value?.bitrateIn).toBeNull();
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS);
    expect(reads).toBe(2);
    expect(model.summary.value?.bitrateIn).toBe(1_000_000);
    // 5 % lost in the interval: fair, though the first sample (no loss) was good.
    expect(model.quality.value).toBe('fair');
    model.stop();
    expect(model.summary.value).toBeNull();
    expect(model.quality.value).toBe('unknown');
    await vi.advanceTimersByTimeAsync(STATS_INTERVAL_MS * 10);
    expect(reads).toBe(2);
  });

  it('ignores a read that finishes after stop()', async () => {
    let finish: (v: unknown[]) => void = () => undefined;
    const model = createConnectionStats();
    model.start(() => new Promise((resolve) => (finish = resolve)));
    model.stop();
    finish(first);
    await Promise.resolve();
    expect(model.summary.value).toBeNull();
  });

  it("in a call: polls the partner's connection while connected, and stops when they leave", async () => {
    const hub = createFakeSignalingHub();
    const asked: Array<[string, string]> = [];
    hub.stats = (self, peer) => {
      asked.push([self, peer]);
      return first;
    };
    const code = newCode();
    const a = makeCall(hub, code);
    const b = makeCall(hub, code);
    await Promise.all([until(a, 'connected'), until(b, 'connected')]);
    await expect.poll(() => a.connection.summary.value?.dtlsCipher).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    expect(asked).toContainEqual([a.selfId.value, b.selfId.value]);
    await b.hangUp();
    expect(a.connection.summary.value).toBeNull();
    expect(a.connection.quality.value).toBe('unknown');
    await a.dispose();
  });
});
