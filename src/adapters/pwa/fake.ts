import type { AppShell } from './types';

/** A shell the tests drive: `_emit*` stand in for the browser, `applied`/`installs` record what the app asked. */
export interface FakeAppShell extends AppShell {
  _emitUpdateReady(): void;
  _emitInstallOffer(available: boolean): void;
  _setOnline(online: boolean): void;
  readonly applied: number;
  readonly installs: number;
}

export const createFakeAppShell = (initiallyOnline = true): FakeAppShell => {
  const update = new Set<() => void>();
  const install = new Set<(available: boolean) => void>();
  const online = new Set<(online: boolean) => void>();
  let isOnline = initiallyOnline;
  let applied = 0;
  let installs = 0;
  return {
    onUpdateReady: (l) => (update.add(l), () => void update.delete(l)),
    applyUpdate: () => void applied++,
    onInstallOffer: (l) => (install.add(l), () => void install.delete(l)),
    install: () => (installs++, Promise.resolve(true)),
    isOnline: () => isOnline,
    onOnlineChange: (l) => (online.add(l), () => void online.delete(l)),
    _emitUpdateReady: () => update.forEach((l) => l()),
    _emitInstallOffer: (a) => install.forEach((l) => l(a)),
    _setOnline(value) {
      isOnline = value;
      online.forEach((l) => l(value));
    },
    get applied() {
      return applied;
    },
    get installs() {
      return installs;
    },
  };
};
