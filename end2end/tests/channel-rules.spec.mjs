// Where and how the chat shows: allowed sites gate the snippet and refuse
// other origins; channel rules hide the button, float the notification, or
// open the window after a timer, by page URL and by the visitor's country.
import { test, expect } from '@playwright/test';
import { DEMO, HOST, signIn, hostPage, hydrated, launcher, chatWindow, shot, operatorOnline } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

/** Creates a channel in admin and returns its form's URL. */
async function newChannel(page, name) {
  await signIn(page);
  await page.locator('#new-channel').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/channels\/[0-9a-f-]{36}$/);
  await hydrated(page);
  return page.url();
}

async function openTab(page, url, name) {
  if (page.url() !== url) {
    await page.goto(url);
    await hydrated(page);
  }
  await page.getByRole('tab', { name }).click();
}

async function saveSites(page, sites) {
  await page.locator('#allowed-sites').fill(sites);
  await page.getByRole('button', { name: 'Save sites' }).click();
  await expect(page.locator('#panel-widget .saved')).toHaveText('Saved.');
}

function shop(snippet) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><main><h1>Fernhill shop</h1></main></body></html>`;
}

/**
 * Opens the shop page at `path` on HOST and waits for the loader's display
 * decision, or for the loader itself to be refused. `country` is what a
 * trusted proxy would say (the e2e server reads
 * PARLOR_COUNTRY_HEADER=X-Test-Country).
 */
async function visit(page, html, path, country) {
  await page.unrouteAll();
  if (country) {
    await page.route('**/display?*', (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-test-country': country } }),
    );
  }
  const decided = page.waitForResponse(
    (r) => r.url().includes('/display?') || (r.url().endsWith('/loader.js') && r.status() >= 400),
  );
  await hostPage(page, html, path);
  const res = await decided;
  return { status: res.status(), refused: res.url().endsWith('/loader.js'), at: Date.now() };
}

test('the snippet waits for an allowed site, and other sites are refused', async ({ page }) => {
  const url = await newChannel(page, 'Gated');
  await openTab(page, url, 'Widget');
  await expect(page.locator('#snippet-needs-site')).toBeVisible();
  await expect(page.locator('#widget-snippet')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Copy snippet' })).toHaveCount(0);
  await shot(page, 'widget-tab-needs-site');

  // Allowed on the demo site only.
  await page.locator('#allowed-sites').fill('ftp://files.example.com');
  await page.getByRole('button', { name: 'Save sites' }).click();
  await expect(page.locator('#allowed-sites-error')).toContainText('ftp://');
  await saveSites(page, DEMO);
  const snippet = await page.locator('#widget-snippet').textContent();
  await expect(page.getByRole('button', { name: 'Copy snippet' })).toBeVisible();

  // The page is on HOST: its request for the loader names it (Referer).
  const refused = await visit(page, shop(snippet), '/');
  expect(refused).toMatchObject({ status: 403, refused: true });
  await expect(page.locator('parlor-chat')).toHaveCount(0);
  await shot(page, 'refused-origin');

  // A page that sends no referrer still asks `display`, with its Origin.
  const warnings = [];
  page.on('console', (m) => warnings.push(m.text()));
  const quiet = shop(snippet).replace('<head>', '<head><meta name="referrer" content="no-referrer">');
  const asked = await visit(page, quiet, '/');
  expect(asked).toMatchObject({ status: 403, refused: false });
  await expect.poll(() => warnings.join('\n')).toContain('allowed sites');
  await expect(page.locator('parlor-chat')).toHaveCount(0);

  await openTab(page, url, 'Widget');
  await expect(page.locator('#allowed-sites')).toHaveValue(DEMO);
  await saveSites(page, `${DEMO}\n${HOST}`);
  const allowed = await visit(page, shop(snippet), '/');
  expect(allowed.status).toBe(200);
  await expect(launcher(page)).toBeVisible();
});

test('rules hide the button, show the notification, and open the window after the timer', async ({ page }) => {
  const url = await newChannel(page, 'Ruled');
  await openTab(page, url, 'Widget');
  await saveSites(page, HOST);
  const snippet = await page.locator('#widget-snippet').textContent();

  await openTab(page, url, 'Channel Rules');
  const rules = page.locator('#panel-rules');
  await expect(rules.getByText('No rules: the button shows on every page.')).toBeVisible();
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  await page.locator('#rule-0-display').selectOption('hide');
  await page.locator('#rule-0-url').fill('^/checkout');
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  await page.locator('#rule-1-display').selectOption('notify');
  await expect(page.locator('#rule-1-timer')).toHaveCount(0);
  // A bad pattern is an inline error before anything is sent.
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  await page.locator('#rule-2-url').fill('(unclosed');
  await expect(page.locator('#rule-2-url-error')).toContainText('is not a valid pattern');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.locator('[role=status]')).toHaveText('Please correct the highlighted fields.');
  await rules.getByRole('button', { name: 'Remove rule 3' }).click();
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.locator('[role=status]')).toHaveText('Saved.');
  await shot(page, 'channel-rules-tab');

  // Rule 1: no button at the checkout.
  expect((await visit(page, shop(snippet), '/checkout/pay')).status).toBe(200);
  await expect(page.locator('parlor-chat')).toHaveCount(0);

  // Rule 2: the button with the notification beside it; the bubble opens the chat.
  await visit(page, shop(snippet), '/plants/fern');
  const bubble = page.locator('parlor-chat .notice-text');
  await expect(bubble).toHaveText('Have a question? Chat with us.');
  await expect(launcher(page)).toBeVisible();
  await shot(page, 'rule-notification');
  await bubble.click();
  await expect(chatWindow(page)).toBeVisible();
  await expect(page.locator('parlor-chat .notice')).toHaveCount(0);

  // Rule 2 becomes "Open automatically": its timer field appears.
  await openTab(page, url, 'Channel Rules');
  await page.locator('#rule-1-display').selectOption('open');
  await expect(page.locator('#rule-1-timer')).toHaveValue('5');
  await page.locator('#rule-1-timer').fill('2');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.locator('[role=status]')).toHaveText('Saved.');

  const opened = await visit(page, shop(snippet), '/plants/fern');
  await expect(launcher(page)).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(chatWindow(page)).toBeHidden();
  await expect(chatWindow(page)).toBeVisible({ timeout: 6000 });
  expect(Date.now() - opened.at).toBeGreaterThanOrEqual(1900);
  // Opened by a timer, not by the visitor: the host page keeps the focus.
  await expect(page.locator('parlor-chat textarea')).not.toBeFocused();

  // A third rule for visitors in Germany, moved to the top: hide everywhere.
  await openTab(page, url, 'Channel Rules');
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  // (The form was loaded anew: its rows are keyed 0 and 1, this one 2.)
  await page.locator('#rule-2-display').selectOption('hide');
  await page.locator('#rule-2-countries').fill('de, AT');
  await rules.getByRole('button', { name: 'Move rule 3 up' }).click();
  await rules.getByRole('button', { name: 'Move rule 2 up' }).click();
  await expect(rules.locator('.rule h3').first()).toHaveText('Rule 1');
  await expect(page.locator('.rule').first().locator('#rule-2-countries')).toHaveValue('de, AT');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.locator('[role=status]')).toHaveText('Saved.');
  await page.reload();
  await hydrated(page);
  await page.getByRole('tab', { name: 'Channel Rules' }).click();
  await expect(page.locator('.rule').first().locator('input[id$=-countries]')).toHaveValue('DE, AT');

  await visit(page, shop(snippet), '/plants/fern', 'DE');
  await expect(page.locator('parlor-chat')).toHaveCount(0);
  await visit(page, shop(snippet), '/plants/fern', 'FR');
  await expect(launcher(page)).toBeVisible();
  // An unknown country: the German rule does not match, the next ones do.
  await visit(page, shop(snippet), '/checkout');
  await expect(page.locator('parlor-chat')).toHaveCount(0);
  await visit(page, shop(snippet), '/plants/fern');
  await expect(launcher(page)).toBeVisible();
});
