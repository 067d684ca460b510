import { expect, test, type Browser, type Route } from '@playwright/test';

/**
 * Lobby and call load in a chunk of their own (first load stays small). These tests hold that chunk's
 * request at the network (no timing: the test decides when it arrives) and check that the room shows
 * at once anyway, and works once the chunk is there.
 */
const ROOM_CHUNK = /\/assets\/room-screens-[\w-]+\.js$/;

/** A page whose room chunk is held until `release()` (or refused with `fail()`); `requested` resolves when it is asked for. */
const withHeldChunk = async (browser: Browser) => {
  // No service worker: its precache would serve the chunk past the held route.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let markRequested = () => {};
  const requested = new Promise<void>((r) => (markRequested = r));
  let answer: (how: 'continue' | 'abort') => void = () => {};
  let decided = new Promise<'continue' | 'abort'>((r) => (answer = r));
  await page.route(ROOM_CHUNK, async (route: Route) => {
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

test('a link with a room code asks for the room code at once; a failed load says so and "Try again" recovers', async ({
  browser,
}) => {
  // A room code to open: made by someone else's page.
  const maker = await browser.newContext({ serviceWorkers: 'block' });
  const makerPage = await maker.newPage();
  await makerPage.goto('/');
  await makerPage.getByRole('button', { name: 'Start a call' }).click();
  await expect(makerPage.getByTestId('lobby')).toBeVisible();
  const link = makerPage.url();
  await maker.close();

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
