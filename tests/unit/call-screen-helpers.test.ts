import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAS_EMOJI } from '../../src/core/verify-emoji';
import { emojiUrl } from '../../src/ui/emoji-url';
import { cornerAfterKey, nearestCorner, nextCorner } from '../../src/ui/self-view-corner';

describe('verification emoji pictures', () => {
  it('every one of the 64 emoji has its SVG in public/emoji, and no other picture is shipped (the licence note beside them)', () => {
    const files = new Set(readdirSync('public/emoji'));
    const wanted = SAS_EMOJI.map((e) => emojiUrl(e.emoji).replace(/^emoji\//, ''));
    expect(new Set(wanted).size).toBe(64);
    for (const f of wanted) expect(files.has(f), f).toBe(true);
    expect([...files].filter((f) => f.endsWith('.svg')).sort()).toEqual([...wanted].sort());
  });

  it('file names follow Twemoji: lower-case hex code points, the U+FE0F selector dropped', () => {
    expect(emojiUrl('\u{1F436}')).toBe('emoji/1f436.svg');
    expect(emojiUrl('\u{2601}\u{FE0F}')).toBe('emoji/2601.svg');
  });

  it('the pictures are plain SVG drawings: no script, no external reference', () => {
    for (const f of readdirSync('public/emoji').filter((n) => n.endsWith('.svg'))) {
      const svg = readFileSync(`public/emoji/${f}`, 'utf8');
      expect(svg.startsWith('<svg'), f).toBe(true);
      expect(svg, f).not.toMatch(/<script|href=|on[a-z]+=|<foreignObject/i);
    }
  });
});

describe('self-view corner', () => {
  it('a drop snaps to the nearest corner', () => {
    expect(nearestCorner(10, 10, 400, 800)).toBe('top-left');
    expect(nearestCorner(390, 10, 400, 800)).toBe('top-right');
    expect(nearestCorner(10, 790, 400, 800)).toBe('bottom-left');
    expect(nearestCorner(300, 500, 400, 800)).toBe('bottom-right');
  });

  it('arrow keys move across, other keys do nothing; a click goes round clockwise', () => {
    expect(cornerAfterKey('top-right', 'ArrowDown')).toBe('bottom-right');
    expect(cornerAfterKey('top-right', 'ArrowLeft')).toBe('top-left');
    expect(cornerAfterKey('bottom-left', 'ArrowUp')).toBe('top-left');
    expect(cornerAfterKey('bottom-left', 'ArrowRight')).toBe('bottom-right');
    expect(cornerAfterKey('top-left', 'Enter')).toBeNull();
    const seen: string[] = ['top-left'];
    let c = nextCorner('top-left');
    while (c !== 'top-left') {
      seen.push(c);
      c = nextCorner(c);
    }
    expect(seen).toEqual(['top-left', 'top-right', 'bottom-right', 'bottom-left']);
  });
});
