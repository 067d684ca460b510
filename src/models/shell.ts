import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { AppShell } from '../adapters/pwa/types';

export interface ShellModel {
  /** A new version is installed and may take over: shown as "Reload to update", but never during a call. */
  readonly offerUpdate: ReadonlySignal<boolean>;
  /** The browser offers installing the app. */
  readonly canInstall: ReadonlySignal<boolean>;
  readonly online: ReadonlySignal<boolean>;
  /** Reloads into the new version; refused while a call screen is shown, so a call is never cut. */
  applyUpdate(): boolean;
  install(): Promise<void>;
  dispose(): void;
}

/** Update prompt, install button and connectivity, from an AppShell; `inCall` guards the reload. */
export const createShellModel = ({
  shell,
  inCall,
}: {
  shell: AppShell;
  inCall: ReadonlySignal<boolean>;
}): ShellModel => {
  const updateReady = signal(false);
  const canInstall = signal(false);
  const online = signal(shell.isOnline());
  const offs = [
    shell.onUpdateReady(() => (updateReady.value = true)),
    shell.onInstallOffer((available) => (canInstall.value = available)),
    shell.onOnlineChange((value) => (online.value = value)),
  ];
  return {
    offerUpdate: computed(() => updateReady.value && !inCall.value),
    canInstall,
    online,
    applyUpdate() {
      if (!updateReady.value || inCall.value) return false;
      shell.applyUpdate();
      return true;
    },
    async install() {
      canInstall.value = false;
      await shell.install();
    },
    dispose: () => offs.forEach((off) => off()),
  };
};
