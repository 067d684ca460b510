import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, type KeyPress } from '../../src/ui/shortcuts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  typing: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it('M mutes, V toggles the camera, ? opens the help, in either case', () => {
    expect(['m', 'M', 'v', 'V', '?'].map((k) => shortcutFor(press(k)))).toEqual([
      'mic',
      'mic',
      'camera',
      'camera',
      'help',
    ]);
  });

  it('are ignored while typing in a field, and with Ctrl, Cmd or Alt (browser and system shortcuts)', () => {
    expect(shortcutFor(press('m', { typing: true }))).toBeNull();
    expect(shortcutFor(press('?', { typing: true }))).toBeNull();
    expect(shortcutFor(press('v', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('m', { metaKey: true }))).toBeNull();
    expect(shortcutFor(press('m', { altKey: true }))).toBeNull();
    expect(shortcutFor(press('x'))).toBeNull();
    expect(shortcutFor(press('Escape'))).toBeNull();
  });

  it('the help lists every shortcut the handler knows, once', () => {
    expect(SHORTCUTS.map((s) => shortcutFor(press(s.key)))).toEqual(SHORTCUTS.map((s) => s.action));
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });
});
