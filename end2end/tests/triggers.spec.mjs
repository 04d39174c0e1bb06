// A trigger, as an admin sets it up and a visitor meets it: after some
// seconds on a matching page, the chat opens with a message in the channel's
// name; the answer keeps it in the conversation the operator sees.
import { test, expect } from '@playwright/test';
import { APP, HOST, signIn, hostPage, hydrated, launcher, chatWindow, shot, operatorOnline } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

test('a trigger opens the chat on matching pages, and an answer keeps its message', async ({ page, browser }) => {
  await signIn(page);
  await page.locator('#new-channel').fill('Pricing help');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/channels\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByRole('tab', { name: 'Widget' }).click();
  await page.locator('#allowed-sites').fill(HOST);
  await page.getByRole('button', { name: 'Save sites' }).click();
  const snippet = await page.locator('#widget-snippet').textContent();

  await page.getByRole('tab', { name: 'Triggers' }).click();
  const tab = page.locator('#panel-triggers');
  await expect(tab.getByText('No triggers.')).toBeVisible();
  await tab.getByRole('button', { name: 'Add a trigger' }).click();
  await page.locator('#trigger-0-url').fill('^/pricing');
  await page.locator('#trigger-0-after').fill('soon');
  await expect(page.locator('#trigger-0-after-error')).toHaveText('must be a whole number of seconds');
  await page.locator('#trigger-0-after').fill('2');
  await page.locator('#trigger-0-message').fill('Comparing plans? I can <b>help</b>.');
  await tab.getByRole('button', { name: 'Save triggers' }).click();
  await expect(tab.locator('[role=status]')).toHaveText('Saved.');
  await shot(page, 'triggers-tab');

  const shop = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><main><h1>Plans</h1><input id="search" aria-label="Search"></main></body></html>`;

  // Not on other pages.
  await hostPage(page, shop, '/about');
  await expect(launcher(page)).toBeVisible();
  await page.waitForTimeout(3000);
  await expect(chatWindow(page)).toBeHidden();

  // On a pricing page, after two seconds, without taking the page's focus.
  const started = Date.now();
  await hostPage(page, shop, '/pricing');
  await page.locator('#search').focus();
  const win = chatWindow(page);
  await expect(win).toBeVisible({ timeout: 8000 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  await expect(page.locator('#search')).toBeFocused();
  await expect(win.locator('.msg.operator .bubble:not(.welcome)')).toHaveText('Comparing plans? I can <b>help</b>.');
  await expect(win.locator('.msg.operator .who')).toHaveText('Chat with us');
  await shot(page, 'trigger-fired');

  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill('Yes, the team plan please');
  await input.press('Enter');
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await expect(win.locator('.msg .bubble:not(.welcome)')).toHaveText([
    'Comparing plans? I can <b>help</b>.',
    'Yes, the team plan please',
  ]);

  // The operator sees the trigger's message before the answer.
  const ctx = await browser.newContext({ baseURL: APP });
  const op = await ctx.newPage();
  await signIn(op, undefined, '/inbox');
  await op.locator('.conversation', { hasText: 'Yes, the team plan please' }).click();
  await expect(op.locator('ol.thread li .body')).toHaveText([
    'Comparing plans? I can <b>help</b>.',
    'Yes, the team plan please',
  ]);
  await ctx.close();

  // A visitor already chatting is not interrupted by it again.
  await page.reload();
  await page.waitForTimeout(3000);
  await expect(chatWindow(page)).toBeHidden();
});
