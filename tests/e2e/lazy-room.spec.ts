import { expect, test, type Browser, type Route } from '@playwright/test';

/**
 * Lobby and call load in a chunk of their own (first load stays small). These tests hold that chunk's
 * request at the network (no timing: the test decides when it arrives) and check that the room shows
 * at once anyway, and works once the chunk is there.
 */
const ROOM_CHUNK = /\/assets\/room-screens-[\w-]+\.js$/;

/** A page whose requests matching `held` (the room chunk by default) are held until `release()` (or refused with `fail()`); `requested` resolves when one is asked for. */
const withHeldChunk = async (browser: Browser, held: RegExp = ROOM_CHUNK) => {
  // No service worker: its precache would serve the chunk past the held route.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let markRequested = () => {};
  const requested = new Promise<void>((r) => (markRequested = r));
  let answer: (how: 'continue' | 'abort') => void = () => {};
  let decided = new Promise<'continue' | 'abort'>((r) => (answer = r));
  await page.route(held, async (route: Route) => {
    markRequested();
    if ((await decided) === 'abort') {
      // Only this attempt fails: the next one waits for a new decision.
      decided = new Promise((r) => (answer = r));
      await route.abort('failed');
    } else await route.continue();
  });
  return {
    context,
    page,
    errors,
    requested,
    release: () => answer('continue'),
    fail: () => answer('abort'),
  };
};

test('the lobby shows at once while its code is still on the way, then works in full', async ({ browser }) => {
  const { context, page, errors, requested, release } = await withHeldChunk(browser);
  await page.goto('/');
  const start = page.getByRole('button', { name: 'Start a call' });
  // Intent (focus on the button) asks for the room's code before the click.
  await start.focus();
  await requested;
  await start.click();
  // The chunk is held: the shell is what shows, with its heading and a way back.
  const shell = page.getByTestId('room-shell');
  await expect(shell.getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
  await expect(shell.getByRole('status')).toHaveText('Loading…');
  await expect(shell.getByRole('button', { name: 'Back to home' })).toBeEnabled();
  await expect(page.getByTestId('lobby')).toHaveCount(0);
  // The chunk arrives: the full lobby replaces the shell, previews, and joins.
  release();
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  await expect(shell).toHaveCount(0);
  await page.getByTestId('lobby').getByRole('button', { name: 'Join now' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  expect(errors).toEqual([]);
  await context.close();
});

/** A room link made by someone else's page. */
const makeLink = async (browser: Browser) => {
  const maker = await browser.newContext({ serviceWorkers: 'block' });
  const makerPage = await maker.newPage();
  await makerPage.goto('/');
  await makerPage.getByRole('button', { name: 'Start a call' }).click();
  await expect(makerPage.getByTestId('lobby')).toBeVisible();
  const link = makerPage.url();
  await maker.close();
  return link;
};

test('a link opens on its lobby, never Home, while config.json is still on the way; "Join now" says it is opening the call and goes on once it arrives', async ({
  browser,
}) => {
  const link = await makeLink(browser);
  const { context, page, errors, requested, release } = await withHeldChunk(browser, /\/config\.json$/);
  // Notes whether Home's button was ever in the page, from before its first render.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.querySelector('main.home')) (window as unknown as { __sawHome?: boolean }).__sawHome = true;
    }).observe(document, { subtree: true, childList: true });
  });
  await page.goto(link);
  await requested;
  // The config is held: the lobby is up anyway, with its preview.
  const lobby = page.getByTestId('lobby');
  await expect(lobby).toHaveAttribute('data-ready', 'true');
  await lobby.getByRole('button', { name: 'Join now' }).click();
  // Nothing joins without the relays config.json names, and the lobby says the click was taken
  // (no button that seems dead, no second join); once the config arrives the call goes on.
  await expect(page.getByTestId('lobby-join')).toBeDisabled();
  await expect(page.getByTestId('lobby-join')).toHaveText('Opening the call…');
  await expect(page.getByTestId('lobby-join')).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByTestId('status')).toHaveCount(0);
  release();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
  expect(await page.evaluate(() => (window as unknown as { __sawHome?: boolean }).__sawHome ?? false)).toBe(false);
  expect(errors).toEqual([]);
  await context.close();
});

test('a link with a room code asks for the room code at once; a failed load says so and "Try again" recovers', async ({
  browser,
}) => {
  const link = await makeLink(browser);
  const { context, page, errors, requested, release, fail } = await withHeldChunk(browser);
  await page.goto(link);
  // Asked for with no action from the person.
  await requested;
  await expect(page.getByTestId('room-shell').getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
  fail();
  await expect(page.getByTestId('room-shell').getByRole('alert')).toHaveText(/could not load this screen/);
  await page.getByRole('button', { name: 'Try again' }).click();
  release();
  await expect(page.getByTestId('lobby')).toHaveAttribute('data-ready', 'true');
  expect(errors).toEqual([]);
  await context.close();
});
