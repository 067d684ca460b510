import { expect, test } from '@playwright/test';

// The relay's real config.json is replaced per test: the thing under test is the app's handling of it.
const cases: Array<[string, { status?: number; body: string }, RegExp]> = [
  ['missing', { status: 404, body: 'not found' }, /Could not load \/config\.json: the server answered 404/],
  ['not JSON', { body: '{"relays": [' }, /config\.json is not valid JSON/],
  ['wrong scheme', { body: '{"relays": ["http://example.test"]}' }, /"relays"\[0\] must start with ws: or wss:/],
  [
    'unknown strategy',
    { body: '{"strategy": "carrier-pigeon", "relays": ["wss://r.test"]}' },
    /"strategy" must be "nostr" or "torrent"/,
  ],
];

for (const [name, response, message] of cases) {
  test(`a ${name} config.json shows a specific error and disables calls`, async ({ page }) => {
    await page.route('**/config.json', (route) =>
      route.fulfill({ status: response.status ?? 200, contentType: 'application/json', body: response.body }),
    );
    await page.goto('/');
    await expect(page.getByTestId('config-error')).toHaveText(message);
    await expect(page.getByRole('button', { name: 'Start a call' })).toBeDisabled();
  });
}
