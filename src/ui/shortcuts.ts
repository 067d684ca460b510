import { useEffect } from 'preact/hooks';
import type { MessageKey } from './i18n/i18n';

export type ShortcutAction = 'mic' | 'camera' | 'help';

/** The call's keyboard shortcuts, as the help overlay lists them. */
export const SHORTCUTS: ReadonlyArray<{ key: string; action: ShortcutAction; description: MessageKey }> = [
  { key: 'M', action: 'mic', description: 'shortcuts.mic' },
  { key: 'V', action: 'camera', description: 'shortcuts.camera' },
  { key: '?', action: 'help', description: 'shortcuts.help' },
];

/** The parts of a keydown that decide whether it is a shortcut. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field or list (typing an "m" must not mute anyone). */
  typing: boolean;
}

/** Which shortcut a key press is, if any: plain keys only, never while typing. */
export const shortcutFor = (k: KeyPress): ShortcutAction | null => {
  if (k.typing || k.ctrlKey || k.metaKey || k.altKey) return null;
  if (k.key === '?') return 'help';
  const key = k.key.toLowerCase();
  return SHORTCUTS.find((s) => s.key.toLowerCase() === key)?.action ?? null;
};

const TEXT_ENTRY = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** Runs the handler of each shortcut pressed anywhere on the page while `enabled`. */
export const useShortcuts = (handlers: Record<ShortcutAction, () => void>, enabled: boolean) => {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat) return;
      const typing = e.target instanceof Element && e.target.closest(TEXT_ENTRY) !== null;
      const action = shortcutFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, typing });
      if (!action) return;
      e.preventDefault();
      handlers[action]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [handlers, enabled]);
};
