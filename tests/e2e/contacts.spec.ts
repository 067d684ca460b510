import { expect, test, type Page } from '@playwright/test';
import { joinPeer, openPeer, passLobby, startCall, type Peer } from './helpers';

// Remembered contacts (issue 17, parley-verify-v2) in real Chromium, IndexedDB and WebCrypto included: two
// people verify once by their codes and remember each other; a later call from a new link is verified with
// no code compared; "Call <name>" brings them together with no link; after one forgets, codes come back.

const verifyState = (p: Peer) => p.page.getByTestId('verify-state');

/** Both people say the codes match and both are verified. */
const verifyByCodes = async (a: Peer, b: Peer) => {
  for (const p of [a, b]) await expect(p.page.getByTestId('verify-panel')).toBeVisible({ timeout: 20_000 });
  expect(await a.page.getByTestId('verify-numbers').innerText()).toBe(
    await b.page.getByTestId('verify-numbers').innerText(),
  );
  for (const p of [a, b]) await p.page.getByRole('button', { name: 'They match' }).click();
  for (const p of [a, b]) await expect(verifyState(p)).toHaveText('Verified');
};

const remember = async (p: Peer, name: string) => {
  await p.page.getByTestId('remember-prompt').getByPlaceholder('Their name').fill(name);
  await p.page.getByRole('button', { name: 'Remember this person' }).click();
  await expect(p.page.getByTestId('remembered')).toContainText(`Remembered as ${name}`);
};

/** `a` hangs up, `b` sees it, and both go back to Home (same page, so the same IndexedDB). */
const hangUp = async (a: Peer, b: Peer) => {
  await a.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(b.page.getByTestId('status')).toHaveText(/They hung up/);
  await a.page.getByRole('button', { name: 'Back to home' }).click();
  // The other side waits in the room for them to come back: it leaves for Home through the address bar.
  await b.page.goto('/');
  for (const p of [a, b]) await expect(p.page.getByRole('button', { name: 'Start a call' })).toBeVisible();
};

/** A new room from a new link: `a` starts it, `b` opens the link (both on Home). */
const newCall = async (a: Peer, b: Peer) => {
  const link = await startCall(a);
  await b.page.goto(link);
  await passLobby(b.page);
};

const expectRecognised = async (p: Peer, name: string) => {
  await expect(p.page.getByTestId('verify-contact')).toHaveText(`Verified — ${name}`, { timeout: 20_000 });
  await expect(verifyState(p)).toHaveText('Verified');
};

/** What IndexedDB holds for contacts: whether the wrapping key is extractable, and the raw records as text. */
const rawStore = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ extractable: boolean | null; records: string }>((resolve, reject) => {
        const open = indexedDB.open('parley-contacts');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['keys', 'contacts']);
          const key = tx.objectStore('keys').get('wrap');
          const all = tx.objectStore('contacts').getAll();
          tx.oncomplete = () => {
            const records = (all.result as { sealed: ArrayBuffer; id: string }[])
              .map((r) => r.id + new TextDecoder('latin1').decode(r.sealed))
              .join('\n');
            resolve({ extractable: (key.result as CryptoKey | undefined)?.extractable ?? null, records });
          };
        };
      }),
  );

test('verify once, remember, then: verified without codes, Call <name> with no link, codes again once forgotten', async ({
  browser,
}) => {
  // Four calls in a row: ~40 s on a quiet machine; the bound is for a shared, loaded one.
  test.setTimeout(300_000);
  const alice = await openPeer(browser);
  const link = await startCall(alice);
  const bob = await joinPeer(browser, link);

  await test.step('A and B verify by the codes and both remember', async () => {
    await verifyByCodes(alice, bob);
    await remember(alice, 'Bob');
    await remember(bob, 'Alice');
    const raw = await rawStore(bob.page);
    expect(raw.extractable).toBe(false);
    expect(raw.records).not.toContain('Alice');
  });

  await test.step('a new room from a new link: both show "Verified — name" without pressing "They match"', async () => {
    await hangUp(alice, bob);
    await newCall(alice, bob);
    await expectRecognised(alice, 'Bob');
    await expectRecognised(bob, 'Alice');
    for (const p of [alice, bob]) await expect(p.page.getByRole('button', { name: 'They match' })).toHaveCount(0);
  });

  await test.step('"Call <name>" on both sides connects them with no link', async () => {
    await hangUp(bob, alice);
    await alice.page.getByRole('button', { name: 'Call Bob' }).click();
    await passLobby(alice.page);
    await bob.page.getByRole('button', { name: 'Call Alice' }).click();
    await passLobby(bob.page);
    expect(bob.page.url()).toBe(alice.page.url());
    for (const p of [alice, bob])
      await expect(p.page.getByTestId('status')).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
    await expectRecognised(alice, 'Bob');
    await expectRecognised(bob, 'Alice');
  });

  await test.step('after B forgets A, the next call asks for codes again', async () => {
    await hangUp(alice, bob);
    await bob.page.getByRole('button', { name: 'Forget Alice' }).click();
    await expect(bob.page.getByTestId('contacts')).toHaveCount(0);
    await newCall(alice, bob);
    for (const p of [alice, bob]) {
      await expect(verifyState(p)).toHaveText('Unverified: compare the codes', { timeout: 20_000 });
      await expect(p.page.getByTestId('verify-contact')).toHaveCount(0);
      await expect(p.page.getByTestId('continuity-warning')).toHaveCount(0);
    }
  });

  // Chromium reports the data channel it closes on "Hang up" as an aborted one (the hanging-up side, after the
  // bye went out): not a fault of anything here; every other console error fails the test.
  const unexpected = (errors: string[]) => errors.filter((e) => !/User-Initiated Abort, reason=Close called/.test(e));
  expect(unexpected(alice.errors)).toEqual([]);
  expect(unexpected(bob.errors)).toEqual([]);
  await Promise.all([alice.context.close(), bob.context.close()]);
});
