import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/ui/format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [999, '1 s'],
    [59_000, '59 s'],
    [60_000, '1 min'],
    [60 * 60_000 + 40_000, '1 h'],
    [59 * 60_000 + 59_000, '59 min'],
    [24 * 3600_000, '24 h'],
    [(23 * 60 + 5) * 60_000, '23 h 5 min'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
