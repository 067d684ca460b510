// Produces room-keys.json with node:crypto only (an implementation independent of @noble/hashes):
//   node tests/unit/vectors/make-room-keys.mjs > tests/unit/vectors/room-keys.json
import { createHmac, hkdfSync, scryptSync } from 'node:crypto';

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
const extract = (salt, ikm) => hmac(salt, ikm); // RFC 5869 §2.2
const expandRaw = (prk, info, len) => {
  // RFC 5869 §2.3
  let t = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < len; i++) {
    t = hmac(prk, Buffer.concat([t, Buffer.from(info), Buffer.from([i])]));
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, len);
};

const cases = [
  { name: 'no password', secretHex: '000102030405060708090a0b0c0d0e0f', expiresAt: Date.UTC(2026, 10, 29, 13, 0), hasPassword: false, password: null },
  { name: 'with password', secretHex: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', expiresAt: Date.UTC(2026, 11, 24, 18, 15), hasPassword: true, password: 'correct horse battery staple' },
];

const out = cases.map((c) => {
  const material = Buffer.alloc(21);
  Buffer.from(c.secretHex, 'hex').copy(material, 0);
  material.writeUInt32BE(c.expiresAt / 60000, 16);
  material[20] = (1 << 1) | (c.hasPassword ? 1 : 0);
  const base = extract(Buffer.from('parley-room-v1'), material);
  const salt = expandRaw(base, 'parley-v1 password salt', 16);
  let prk = base;
  let passwordKey = null;
  if (c.password !== null) {
    passwordKey = scryptSync(Buffer.from(c.password.normalize('NFKC')), salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    prk = extract(base, passwordKey);
  }
  return {
    ...c,
    passwordSaltHex: salt.toString('hex'),
    passwordKeyHex: passwordKey ? passwordKey.toString('hex') : null,
    topic: expandRaw(prk, 'parley-v1 rendezvous topic', 16).toString('hex'),
    signalingPassword: expandRaw(prk, 'parley-v1 signaling key', 32).toString('hex'),
    verifyContextHex: expandRaw(prk, 'parley-v1 verify context', 32).toString('hex'),
  };
});
process.stdout.write(JSON.stringify({ note: 'Made by make-room-keys.mjs with node:crypto (HMAC-SHA-256 per RFC 5869, scryptSync N=2^17 r=8 p=1).', cases: out }, null, 2) + '\n');
