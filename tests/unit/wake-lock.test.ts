import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createFakeWakeLock } from '../../src/adapters/wake-lock/fake';
import { createWakeLock } from '../../src/models/wake-lock';

/** Lets the fake's request promise settle. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

describe('screen wake lock during a call', () => {
  it('is acquired when the call connects and released on hang-up', async () => {
    const fake = createFakeWakeLock();
    const connected = signal(false);
    const lock = createWakeLock({ port: fake.port, wanted: connected });
    await settle();
    expect(fake.state.requests).toBe(0);
    connected.value = true;
    await settle();
    expect(fake.state.held).toBe(1);
    expect(lock.held.value).toBe(true);
    connected.value = false;
    expect(fake.state.held).toBe(0);
    expect(fake.state.releases).toBe(1);
    expect(lock.held.value).toBe(false);
    lock.dispose();
  });

  it('is let go when the tab is hidden and taken again when it is visible', async () => {
    const fake = createFakeWakeLock();
    const lock = createWakeLock({ port: fake.port, wanted: signal(true) });
    await settle();
    expect(fake.state.held).toBe(1);
    fake.setVisible(false);
    await settle();
    expect(fake.state.held).toBe(0);
    expect(lock.held.value).toBe(false);
    // No request from a hidden page (the browser would refuse it anyway).
    expect(fake.state.requests).toBe(1);
    fake.setVisible(true);
    await settle();
    expect(fake.state.held).toBe(1);
    expect(fake.state.requests).toBe(2);
    expect(lock.held.value).toBe(true);
    lock.dispose();
    expect(fake.state.held).toBe(0);
  });

  it('hanging up while the browser is still deciding releases the lock as soon as it arrives', async () => {
    const fake = createFakeWakeLock();
    const connected = signal(true);
    const lock = createWakeLock({ port: fake.port, wanted: connected });
    connected.value = false;
    await settle();
    expect(fake.state.requests).toBe(1);
    expect(fake.state.held).toBe(0);
    expect(lock.held.value).toBe(false);
    lock.dispose();
  });

  it('a refusal is not retried in a loop, only on the next visibility or call', async () => {
    const fake = createFakeWakeLock({ refuse: true });
    const connected = signal(true);
    const lock = createWakeLock({ port: fake.port, wanted: connected });
    await settle();
    await settle();
    expect(fake.state.requests).toBe(1);
    expect(lock.held.value).toBe(false);
    fake.state.refuse = false;
    fake.setVisible(false);
    fake.setVisible(true);
    await settle();
    expect(fake.state.requests).toBe(2);
    expect(fake.state.held).toBe(1);
    lock.dispose();
    expect(fake.state.held).toBe(0);
    expect(fake.listeners.size).toBe(0);
  });
});
