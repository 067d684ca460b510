import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveRoomKeys } from '../../src/core/keys';

const secret = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('room keys', () => {
  it('match an independent HKDF-SHA-256 (node:crypto) for each label', () => {
    const keys = deriveRoomKeys(secret);
    const node = (info: string, len: number) =>
      Buffer.from(hkdfSync('sha256', secret, 'parley-room-v1', info, len)).toString('hex');
    expect(keys.topic).toBe(node('parley-v1 rendezvous topic', 16));
    expect(keys.signalingPassword).toBe(node('parley-v1 signaling key', 32));
  });

  it('keep topic and key independent and never contain the secret', () => {
    const keys = deriveRoomKeys(secret);
    const hex = Buffer.from(secret).toString('hex');
    expect(keys.topic).not.toContain(hex);
    expect(keys.signalingPassword).not.toContain(hex);
    expect(keys.signalingPassword.slice(0, 32)).not.toBe(keys.topic);
  });

  it('change completely when one bit of the secret changes', () => {
    const other = Uint8Array.from(secret);
    other[15] = (other[15] ?? 0) ^ 1;
    expect(deriveRoomKeys(other).topic).not.toBe(deriveRoomKeys(secret).topic);
  });

  it('refuse a short secret', () => {
    expect(() => deriveRoomKeys(new Uint8Array(8))).toThrow('expected a room secret of at least 16 bytes, got length=8');
  });
});
