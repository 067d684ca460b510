// Pure helpers of the verification step: DTLS fingerprint parsing and selection (core/fingerprint),
// length-prefixed encoding (core/length-prefix) and the SAS rendering (core/verify-sas, core/verify-emoji).
import { describe, expect, it } from 'vitest';
import {
  fingerprintFromSdp,
  fingerprintsFromTransports,
  parseFingerprint,
  type TransportCertificates,
} from '../../src/core/fingerprint';
import { lengthPrefixed } from '../../src/core/length-prefix';
import { SAS_EMOJI } from '../../src/core/verify-emoji';
import { formatSas, sasFromBytes } from '../../src/core/verify-sas';

const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const upper = [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
const lower = upper.toLowerCase();
const other = upper.replace(/^01/, '02');

describe('parseFingerprint', () => {
  it('reads the stats/SDP form, the getFingerprints() form and plain hex as the same bytes', () => {
    for (const text of [upper, lower, ` ${upper}\r\n`, lower.replaceAll(':', '')])
      expect(parseFingerprint(text)).toEqual(bytes);
  });
  it.each([
    ['empty', ''],
    ['31 bytes', upper.slice(3)],
    ['33 bytes', `${upper}:AA`],
    ['single-digit groups', upper.replace(/^01/, '1')],
    ['wrong separator', upper.replaceAll(':', '-')],
    ['mixed separators', upper.replace(':', '')],
    ['non-hex', upper.replace(/^01/, 'G1')],
    ['SHA-1 length', upper.slice(0, 59)],
  ])('refuses %s', (_label, text) => {
    expect(parseFingerprint(text)).toBeNull();
  });
});

describe('fingerprintFromSdp', () => {
  const sdp = (...fps: string[]) =>
    [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      ...fps.map((f) => `a=fingerprint:${f}`),
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      '',
    ].join('\r\n');
  it('finds the sha-256 line (session or media level, any case of the algorithm)', () => {
    expect(fingerprintFromSdp(sdp(`sha-256 ${upper}`))).toEqual(bytes);
    expect(fingerprintFromSdp(sdp(`SHA-256 ${upper}`, `sha-256 ${lower}`))).toEqual(bytes);
    expect(fingerprintFromSdp(sdp(`sha-1 AB:CD`, `sha-256 ${upper}`))).toEqual(bytes);
  });
  it('is null when absent, malformed or ambiguous', () => {
    expect(fingerprintFromSdp(sdp())).toBeNull();
    expect(fingerprintFromSdp(sdp('sha-1 AB:CD'))).toBeNull();
    expect(fingerprintFromSdp(sdp(`sha-256 ${upper.slice(3)}`))).toBeNull();
    expect(fingerprintFromSdp(sdp(`sha-256 ${upper}`, `sha-256 ${other}`))).toBeNull();
  });
});

describe('fingerprintsFromTransports', () => {
  const cert = (fingerprint: string, algorithm = 'sha-256') => ({ algorithm, fingerprint });
  const t = (id: string, local: string, remote: string | null, dtlsState = 'connected'): TransportCertificates => ({
    id,
    dtlsState,
    local: cert(local),
    remote: remote === null ? null : cert(remote),
  });
  it('returns both fingerprints as bytes when every connected transport agrees', () => {
    const result = fingerprintsFromTransports([
      t('T1', lower, upper),
      t('T2', upper, lower),
      t('T3', upper, null, 'new'),
    ]);
    expect(result).toEqual({ ok: true, value: { local: bytes, remote: bytes } });
  });
  it('refuses transports that present different remote certificates', () => {
    expect(fingerprintsFromTransports([t('T1', upper, upper), t('T2', upper, other)])).toEqual({
      ok: false,
      error: 'the transports of this connection present different certificates',
    });
  });
  it('takes the certificate the transport holds when the stats lack it (Chromium caches certificate stats across a DTLS restart)', () => {
    expect(fingerprintsFromTransports([t('T1', upper, null)], [bytes])).toEqual({
      ok: true,
      value: { local: bytes, remote: bytes },
    });
  });
  it("refuses a held certificate that differs from the stats or from another transport's (a DTLS restart to someone else)", () => {
    const elsewhere = parseFingerprint(other)!;
    const disagree = { ok: false, error: 'the transports of this connection present different certificates' };
    expect(fingerprintsFromTransports([t('T1', upper, upper)], [elsewhere])).toEqual(disagree);
    expect(fingerprintsFromTransports([t('T1', upper, null)], [bytes, elsewhere])).toEqual(disagree);
    expect(fingerprintsFromTransports([t('T1', upper, null)], [bytes.slice(1)])).toEqual(disagree);
  });
  it('refuses when nothing is connected, a certificate is missing, or the algorithm is not SHA-256', () => {
    expect(fingerprintsFromTransports([])).toMatchObject({ ok: false });
    expect(fingerprintsFromTransports([t('T1', upper, upper, 'connecting')])).toMatchObject({ ok: false });
    expect(fingerprintsFromTransports([t('T1', upper, null)])).toMatchObject({ ok: false });
    expect(
      fingerprintsFromTransports([
        { id: 'T1', dtlsState: 'connected', local: cert(upper), remote: cert(upper, 'sha-1') },
      ]),
    ).toMatchObject({ ok: false });
  });
});

describe('lengthPrefixed', () => {
  it('prefixes each part with its 4-byte big-endian length (strings as UTF-8)', () => {
    expect([...lengthPrefixed('é', Uint8Array.of(9), '')]).toEqual([0, 0, 0, 2, 0xc3, 0xa9, 0, 0, 0, 1, 9, 0, 0, 0, 0]);
  });
  it('keeps part boundaries: ("ab","c") ≠ ("a","bc")', () => {
    expect(lengthPrefixed('ab', 'c')).not.toEqual(lengthPrefixed('a', 'bc'));
  });
});

describe('the SAS rendering', () => {
  it('has 64 distinct emoji with distinct names', () => {
    expect(SAS_EMOJI).toHaveLength(64);
    expect(new Set(SAS_EMOJI.map((e) => e.emoji)).size).toBe(64);
    expect(new Set(SAS_EMOJI.map((e) => e.name)).size).toBe(64);
  });
  it('maps the extremes to the first and last entries and 1000 / 9191', () => {
    const zero = sasFromBytes(new Uint8Array(6));
    expect(zero.emoji.map((e) => e.name)).toEqual(Array(7).fill('Dog'));
    expect(zero.decimal).toEqual([1000, 1000, 1000]);
    const ones = sasFromBytes(new Uint8Array(6).fill(0xff));
    expect(ones.emoji.map((e) => e.name)).toEqual(Array(7).fill('Pin'));
    expect(ones.decimal).toEqual([9191, 9191, 9191]);
    expect(formatSas(zero)).toBe('Dog Dog Dog Dog Dog Dog Dog | 1000 1000 1000');
  });
  it('takes the bits most significant first (one set bit moves exactly one symbol)', () => {
    const b = new Uint8Array(6);
    b[0] = 0b0000_0100; // bit 42 of 48: the last bit of the first 6-bit group
    expect(sasFromBytes(b).emoji.map((e) => e.index)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(sasFromBytes(b).decimal).toEqual([1000 + (4 << 5), 1000, 1000]);
    expect(() => sasFromBytes(new Uint8Array(5))).toThrow(/length 6, got length=5/);
  });
});
