// Independent implementation of parley-verify-v2's derivations (docs/verification.md §"parley-verify-v2"),
// written with node:crypto only (never src/core), which produces tests/unit/vectors/verify-v2.json.
// Run: node tests/unit/vectors/make-verify-v2.mjs > tests/unit/vectors/verify-v2.json
import { createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto';

const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const priv = (sk) => createPrivateKey({ key: Buffer.concat([PKCS8, sk]), format: 'der', type: 'pkcs8' });
const pub = (pk) => createPublicKey({ key: Buffer.concat([SPKI, pk]), format: 'der', type: 'spki' });
const pkOf = (sk) => createPublicKey(priv(sk)).export({ format: 'der', type: 'spki' }).subarray(-32);
const dh = (sk, pk) => diffieHellman({ privateKey: priv(sk), publicKey: pub(pk) });
const sha256 = (b) => createHash('sha256').update(b).digest();
const hmac = (k, b) => createHmac('sha256', k).update(b).digest();
const lp = (...parts) =>
  Buffer.concat(
    parts.flatMap((p) => {
      const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
      const n = Buffer.alloc(4);
      n.writeUInt32BE(b.length);
      return [n, b];
    }),
  );
// RFC 5869 by hand (Extract = HMAC(salt, ikm); Expand = T(1)..), checked against hkdfSync below.
const extract = (salt, ikm) => hmac(salt, ikm);
const expand = (prk, info, len) => {
  let t = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < len; i++) {
    t = hmac(prk, Buffer.concat([t, Buffer.from(info), Buffer.from([i])]));
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, len);
};
const fill = (seed, n) => sha256(Buffer.from(seed)).subarray(0, n);
const hex = (b) => b.toString('hex');

const V = 'parley-verify-v2';
const ctx = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const txid = fill('txid', 16);
const skI = fill('sk initiator', 32);
const skR = fill('sk responder', 32);
const nI = fill('nonce initiator', 16);
const nR = fill('nonce responder', 16);
const fpI = fill('certificate initiator', 32);
const fpR = fill('certificate responder', 32);
const saltI = fill('salt initiator', 16);
const saltR = fill('salt responder', 16);
// I remembers R (current X1, previous X0) and someone else (Y); R remembers I with X1 and X0.
const X1 = fill('retained X1', 32);
const X0 = fill('retained X0', 32);
const Y = fill('retained Y', 32);
const secretsI = [X1, X0, Y];
const secretsR = [X1, X0];
const HINT_SLOTS = 32;

const pkI = pkOf(skI);
const pkR = pkOf(skR);
const c = sha256(lp('parley-verify-v1 commit', txid, pkI, nI, ctx));
const hint = (s, role, salt) => hmac(s, lp(`${V} hint`, role, txid, salt));
const padded = (secrets, role, salt, padSeed) => [
  ...secrets.map((s) => hint(s, role, salt)),
  ...Array.from({ length: HINT_SLOTS - secrets.length }, (_, i) => fill(`${padSeed} ${i}`, 32)),
];
const hintsI = padded(secretsI, 'initiator', saltI, 'pad initiator');
const hintsR = padded(secretsR, 'responder', saltR, 'pad responder');
const digest = (salt, hints) => sha256(lp(`${V} hints`, salt, ...hints));
const HI = digest(saltI, hintsI);
const HR = digest(saltR, hintsR);
// Matching: a secret of mine matches when the peer's list holds HMAC(secret, peer role, txid, peer salt).
const matches = (mine, peerRole, peerSalt, peerHints) =>
  mine.filter((s) => peerHints.some((h) => h.equals(hint(s, peerRole, peerSalt))));
const matchedI = matches(secretsI, 'responder', saltR, hintsR);
const matchedR = matches(secretsR, 'initiator', saltI, hintsI);
const mixed = (list) =>
  list.length === 0
    ? Buffer.alloc(32)
    : sha256(lp(`${V} matched`, ...[...list].sort(Buffer.compare)));
const s = mixed(matchedI);
if (!s.equals(mixed(matchedR))) throw new Error('both sides must mix the same secrets');

const Z = dh(skI, pkR);
if (!Z.equals(dh(skR, pkI))) throw new Error('X25519 disagrees');
const TH = sha256(lp(`${V} transcript`, ctx, txid, c, pkI, nI, pkR, nR, fpI, fpR, HI, HR));
const PRK = extract(TH, Z);
if (!Buffer.from(hkdfSync('sha256', Z, TH, `${V} sas`, 6)).equals(expand(PRK, `${V} sas`, 6)))
  throw new Error('hand-written HKDF disagrees with hkdfSync');
const sas = expand(PRK, `${V} sas`, 6);
const kI = expand(PRK, `${V} confirm initiator`, 32);
const kR = expand(PRK, `${V} confirm responder`, 32);
const PRKc = extract(s, PRK);
const cI = expand(PRKc, `${V} continuity initiator`, 32);
const cR = expand(PRKc, `${V} continuity responder`, 32);
const next = expand(PRKc, `${V} retained secret`, 32);
const tag = (k, prefix) => hmac(k, Buffer.concat([Buffer.from(prefix), TH]));
// With no match (first call): s = 32 zero bytes.
const PRKc0 = extract(Buffer.alloc(32), PRK);

// Call again: window w = floor(t / 10 min); room secret from the current retained secret.
const WINDOW_MS = 600_000;
const t = Date.UTC(2026, 5, 1, 12, 34, 56);
const w = Math.floor(t / WINDOW_MS);
const wBytes = Buffer.alloc(8);
wBytes.writeBigUInt64BE(BigInt(w));
const roomPrk = extract(Buffer.from(`${V} call again`), X1);
const roomSecret = (win) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(win));
  return expand(roomPrk, Buffer.concat([Buffer.from(`${V} call again room `), b]), 16);
};

console.log(
  JSON.stringify(
    {
      ctx,
      txid: hex(txid),
      skI: hex(skI),
      skR: hex(skR),
      nI: hex(nI),
      nR: hex(nR),
      fpI: hex(fpI),
      fpR: hex(fpR),
      saltI: hex(saltI),
      saltR: hex(saltR),
      X1: hex(X1),
      X0: hex(X0),
      Y: hex(Y),
      pkI: hex(pkI),
      pkR: hex(pkR),
      commitment: hex(c),
      hintsI: hintsI.map(hex),
      hintsR: hintsR.map(hex),
      hintsDigestI: hex(HI),
      hintsDigestR: hex(HR),
      matched: matchedI.map(hex),
      mixedSecret: hex(s),
      transcriptHash: hex(TH),
      sas: hex(sas),
      confirmMacI: hex(tag(kI, 'confirm')),
      confirmMacR: hex(tag(kR, 'confirm')),
      continuityMacI: hex(tag(cI, 'continuity')),
      continuityMacR: hex(tag(cR, 'continuity')),
      doneMacI: hex(tag(kI, 'done')),
      nextSecret: hex(next),
      nextSecretUnmatched: hex(expand(PRKc0, `${V} retained secret`, 32)),
      continuityMacIUnmatched: hex(tag(expand(PRKc0, `${V} continuity initiator`, 32), 'continuity')),
      callAgain: {
        now: t,
        window: w,
        secret: hex(X1),
        roomSecret: hex(roomSecret(w)),
        previousRoomSecret: hex(roomSecret(w - 1)),
        expiresAt: (w + 2) * WINDOW_MS,
      },
    },
    null,
    2,
  ),
);
