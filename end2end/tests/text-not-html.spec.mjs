// Whatever an admin types is shown as text, in admin and in the widget.
import { test, expect } from '@playwright/test';
import { HOST, hydrated, signIn, launcher, chatWindow, hostPage, recordDialogs, shot, operatorOnline } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

const EVIL = '<img src=x onerror=alert(1)>';

test('a channel name and welcome message of HTML render as text', async ({ page }) => {
  const dialogs = recordDialogs(page);
  await signIn(page);
  await page.locator('#new-channel').fill(EVIL);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/channels\/[0-9a-f-]{36}$/);
  await expect(page.locator('h1.channel-title')).toHaveText(EVIL);
  await page.locator('#welcome_message').fill(EVIL);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#panel-options [role=status]')).toHaveText('Saved.');

  // Server-rendered too, not only client-rendered.
  await page.reload();
  await expect(page.locator('h1.channel-title')).toHaveText(EVIL);
  await page.getByRole('tab', { name: 'Widget' }).click();
  // The snippet comes once the channel knows where it will be embedded.
  await page.locator('#allowed-sites').fill(HOST);
  await page.getByRole('button', { name: 'Save sites' }).click();
  const snippet = await page.locator('#widget-snippet').textContent();
  await page.goto('/channels');
  await hydrated(page);
  await expect(page.getByRole('link', { name: EVIL })).toBeVisible();
  expect(await page.locator('img').count()).toBe(0);
  await shot(page, 'admin-evil-name');

  await hostPage(page, `<!DOCTYPE html><html><head>${snippet}</head><body><p>shop</p></body></html>`);
  await launcher(page).click();
  await expect(chatWindow(page).locator('.welcome')).toHaveText(EVIL);
  expect(await page.locator('parlor-chat img').count()).toBe(0);
  await shot(page, 'widget-evil-welcome');
  expect(dialogs).toEqual([]);
});
