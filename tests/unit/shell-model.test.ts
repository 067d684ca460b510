import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createFakeAppShell } from '../../src/adapters/pwa/fake';
import { createShellModel } from '../../src/models/shell';

describe('shell model', () => {
  it('offers "Reload to update" only outside a call, and refuses to reload during one', () => {
    const shell = createFakeAppShell();
    const inCall = signal(false);
    const model = createShellModel({ shell, inCall });
    expect(model.offerUpdate.value).toBe(false);
    expect(model.applyUpdate()).toBe(false);

    shell._emitUpdateReady();
    expect(model.offerUpdate.value).toBe(true);
    inCall.value = true;
    expect(model.offerUpdate.value).toBe(false);
    expect(model.applyUpdate()).toBe(false);
    expect(shell.applied).toBe(0);

    inCall.value = false;
    expect(model.applyUpdate()).toBe(true);
    expect(shell.applied).toBe(1);
  });

  it('follows the install offer and connectivity, and stops listening when disposed', async () => {
    const shell = createFakeAppShell(false);
    const model = createShellModel({ shell, inCall: signal(false) });
    expect(model.online.value).toBe(false);
    shell._setOnline(true);
    expect(model.online.value).toBe(true);

    shell._emitInstallOffer(true);
    expect(model.canInstall.value).toBe(true);
    await model.install();
    expect(shell.installs).toBe(1);
    expect(model.canInstall.value).toBe(false);

    model.dispose();
    shell._setOnline(false);
    expect(model.online.value).toBe(true);
  });
});
