import type { AttentionPort } from './types';

/** Attention for tests: settable visibility and permission answer; records what was shown and played. */
export const createFakeAttention = (
  over: { hidden?: boolean; answer?: NotificationPermission; optIn?: boolean } = {},
) => {
  const state = {
    hidden: over.hidden ?? false,
    permission: 'default' as NotificationPermission,
    answer: over.answer ?? ('granted' as NotificationPermission),
    optIn: over.optIn ?? false,
    asked: 0,
    notifications: [] as Array<{ title: string; body: string }>,
    chimes: 0,
  };
  const port: AttentionPort = {
    isHidden: () => state.hidden,
    permission: () => state.permission,
    async requestPermission() {
      state.asked++;
      state.permission = state.answer;
      return state.permission;
    },
    notify(title, body) {
      if (state.permission === 'granted') state.notifications.push({ title, body });
    },
    chime() {
      state.chimes++;
    },
    loadOptIn: () => state.optIn,
    saveOptIn: (on) => void (state.optIn = on),
  };
  return { port, state };
};
