// Channel options the visitor sees: a theme the channel fixes (whatever the
// page prefers), and the conversations mode: "one active" (the default) or
// "multiple", where the visitor lists their conversations and starts new ones.
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

/**
 * Creates a channel allowed on HOST, applies `options` on its Options tab,
 * and returns its snippet. The page is signed in already.
 */
async function channelWith(page, name, options) {
  await page.goto('/channels');
  await hydrated(page);
  await page.locator('#new-channel').fill(name);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/channels\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByRole('tab', { name: 'Options' }).click();
  for (const [id, value] of Object.entries(options)) {
    await page.locator(`#${id}`).selectOption(value);
  }
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#panel-options [role=status]')).toHaveText('Saved.');
  await page.getByRole('tab', { name: 'Widget' }).click();
  await page.locator('#allowed-sites').fill(HOST);
  await page.getByRole('button', { name: 'Save sites' }).click();
  return page.locator('#widget-snippet').textContent();
}

function shop(snippet) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>${snippet}</head>
<body><main><h1>Fernhill shop</h1></main></body></html>`;
}

async function background(page) {
  const css = await page.locator('parlor-chat .messages').evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = css.match(/\d+/g).map(Number);
  return r + g + b;
}

test('a theme the channel fixes wins over the page’s colour scheme', async ({ page }) => {
  await signIn(page);
  const snippet = await channelWith(page, 'Night shop', { theme: 'dark' });
  await page.emulateMedia({ colorScheme: 'light' });
  await hostPage(page, shop(snippet));
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  expect(await background(page)).toBeLessThan(200);
  // "One active" is the default: no list of conversations.
  await expect(chatWindow(page).getByRole('button', { name: 'Your conversations' })).toHaveCount(0);
  await shot(page, 'theme-fixed-dark');

  const light = await channelWith(page, 'Day shop', { theme: 'light' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await hostPage(page, shop(light));
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  expect(await background(page)).toBeGreaterThan(600);
});

test('in "multiple" mode the visitor lists, starts and reopens conversations', async ({ page }) => {
  await signIn(page);
  const snippet = await channelWith(page, 'Many talks', { conversation_mode: 'multiple' });
  await hostPage(page, shop(snippet));
  await launcher(page).click();
  const win = chatWindow(page);
  const composer = win.locator('textarea');
  const list = win.getByRole('button', { name: 'Your conversations' });
  const say = async (text) => {
    await composer.fill(text);
    await composer.press('Enter');
    await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  };

  // A new visitor has nothing to list yet.
  await list.click();
  await expect(win.locator('.conv-empty')).toHaveText('No conversations yet.');
  await list.click();
  await say('About my order');

  await list.click();
  await expect(win.locator('.conv')).toHaveCount(1);
  await expect(win.locator('.conv-text')).toHaveText(['About my order']);
  await win.getByRole('button', { name: 'New conversation' }).click();
  await expect(win.locator('.msg.mine')).toHaveCount(0);
  await say('A new question');

  await list.click();
  await expect(win.locator('.conv-text')).toHaveText(['A new question', 'About my order']);
  await shot(page, 'conversation-list');
  await win.locator('.conv', { hasText: 'About my order' }).click();
  await expect(win.locator('.convs')).toHaveCount(0);
  await expect(win.locator('.msg.mine .bubble')).toHaveText(['About my order']);
  // Still open: the visitor writes on in it.
  await say('Any news?');
  await expect(win.locator('.msg.mine .bubble')).toHaveText(['About my order', 'Any news?']);

  // After a reload, the window shows the conversation last opened.
  await page.reload();
  await launcher(page).click();
  await expect(chatWindow(page).locator('.msg.mine .bubble')).toHaveText(['About my order', 'Any news?']);
});

test('with several departments the visitor picks one before writing', async ({ page, browser }) => {
  await signIn(page);
  const snippet = await channelWith(page, 'Front desk', {});
  await page.getByRole('tab', { name: 'Operators' }).click();
  await page.locator('#departments').fill('Sales\nSupport\nsales');
  await page.getByRole('button', { name: 'Save departments' }).click();
  await expect(page.locator('#departments-error')).toContainText('listed twice');
  await page.locator('#departments').fill('Sales\nSupport');
  await page.getByRole('button', { name: 'Save departments' }).click();
  await expect(page.locator('.departments-form [role=status]')).toHaveText('Saved.');

  await hostPage(page, shop(snippet));
  await launcher(page).click();
  const win = chatWindow(page);
  const pick = win.getByRole('combobox', { name: 'Department' });
  await expect(pick).toBeVisible();
  await win.getByRole('textbox', { name: 'Message' }).fill('My order is late');
  await expect(win.getByRole('button', { name: 'Send' })).toBeDisabled();
  await pick.selectOption({ label: 'Support' });
  await shot(page, 'department-picker');
  await win.getByRole('button', { name: 'Send' }).click();
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await expect(pick).toBeHidden();

  const ctx = await browser.newContext({ baseURL: APP });
  const op = await ctx.newPage();
  await signIn(op, undefined, '/inbox');
  await op.locator('.conversation', { hasText: 'My order is late' }).click();
  await expect(op.locator('.thread-meta')).toContainText('Front desk · Support');
  await ctx.close();
});
