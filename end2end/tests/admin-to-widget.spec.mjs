// The admin → widget path: the admin edits the default channel and copies the
// embed snippet; the demo host page on another origin then shows the widget
// with those settings. Runs in order: later tests see earlier saves.
import { test, expect } from '@playwright/test';
import { APP, DEMO, signIn, shot, launcher, chatWindow, recordDialogs, hydrated, operatorOnline } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

const BUTTON = '#e4572e';
const HEADER = '#1d3557';
const WELCOME = 'Hi there! Ask us anything about your plants.';
const PLACEHOLDER = 'Type your question…';

test.describe.configure({ mode: 'serial' });

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#email').fill('admin@parlor.test');
  await page.locator('#password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is wrong.');
  await expect(page).toHaveURL(/\/login/);
});

test('admin pages need a session', async ({ page }) => {
  await page.goto('/channels');
  await expect(page).toHaveURL(/\/login$/);
});

test('admin changes options and both Copy buttons fill the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP });
  await signIn(page);
  await page.getByRole('link', { name: 'Website', exact: true }).click();
  await expect(page.locator('h1.channel-title')).toHaveText('Website');
  await expect(page.getByRole('tab', { name: 'Options' })).toHaveAttribute('aria-selected', 'true');

  // Hex entry drives the visual picker...
  const buttonHex = page.locator('#button_color-hex');
  await buttonHex.fill(BUTTON);
  await expect(page.locator('#button_color-picker')).toHaveValue(BUTTON);
  // ...and the visual picker drives the hex entry.
  await page.locator('#header_color-picker').fill(HEADER);
  await expect(page.locator('#header_color-hex')).toHaveValue(HEADER);

  await page.locator('#welcome_message').fill(WELCOME);
  await page.locator('#input_placeholder').fill(PLACEHOLDER);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#panel-options [role=status]')).toHaveText('Saved.');
  await shot(page, 'admin-options-saved');

  // Saved for real: a fresh server render shows the new values.
  await page.reload();
  await expect(page.locator('#button_color-hex')).toHaveValue(BUTTON);
  await expect(page.locator('#header_color-hex')).toHaveValue(HEADER);
  await expect(page.locator('#welcome_message')).toHaveValue(WELCOME);
  await expect(page.locator('#input_placeholder')).toHaveValue(PLACEHOLDER);

  await page.getByRole('tab', { name: 'Widget' }).click();
  const snippet = await page.locator('#widget-snippet').textContent();
  expect(snippet).toMatch(
    /^<script async src="http:\/\/127\.0\.0\.1:3100\/widget\/v1\/channels\/[0-9a-f-]{36}\/loader\.js" charset="utf-8"><\/script>$/,
  );
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await expect(page.getByRole('button', { name: 'Copied!' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
  await shot(page, 'admin-widget-tab-copied');

  const link = await page.locator('#chat-link').textContent();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:3100\/chat\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test('bad input shows inline errors and nothing half-saves', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Website', exact: true }).click();
  await page.locator('#button_color-hex').fill('#12345g');
  await expect(page.locator('#button_color-error')).toHaveText('must be a colour like #1a2b3c');
  await page.locator('#name').fill('');
  await expect(page.locator('#name-error')).toHaveText('is required');
  await page.locator('#welcome_message').fill('x'.repeat(1001));
  await expect(page.locator('#welcome_message-error')).toContainText('too long (1001 characters, at most 1000)');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#panel-options [role=status]')).toHaveText('Please correct the highlighted fields.');
  await shot(page, 'admin-options-invalid');

  // One control puts both colours back to the defaults (in the form; saving is separate).
  await page.getByRole('button', { name: 'Reset colours to defaults' }).click();
  await expect(page.locator('#button_color-hex')).toHaveValue('#875a7b');
  await expect(page.locator('#header_color-hex')).toHaveValue('#875a7b');
  await expect(page.locator('#header_color-picker')).toHaveValue('#875a7b');
  await expect(page.locator('#button_color-error')).toHaveCount(0);

  // The server enforces the same rules on its own: a direct call with one bad
  // field among good ones is refused whole.
  const id = page.url().split('/').pop();
  const res = await page.request.post('/api/channels/update', {
    data: {
      id,
      settings: {
        name: 'Half saved?',
        window_title: 'Chat',
        notification_text: '',
        button_color: 'red',
        header_color: '#000000',
        welcome_message: 'changed',
        input_placeholder: 'changed',
      },
    },
  });
  expect(res.ok()).toBe(false);
  expect(await res.text()).toContain('button_color');

  await page.reload();
  await expect(page.locator('#name')).toHaveValue('Website');
  await expect(page.locator('#button_color-hex')).toHaveValue(BUTTON);
  await expect(page.locator('#header_color-hex')).toHaveValue(HEADER);
  await expect(page.locator('#welcome_message')).toHaveValue(WELCOME);
});

test('the demo host page on another origin shows the widget as configured', async ({ page }) => {
  const wasm = [];
  const sockets = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const dialogs = recordDialogs(page);
  await page.goto(`${DEMO}/`);
  await expect(launcher(page)).toBeVisible();
  await expect(launcher(page)).toHaveCSS('background-color', 'rgb(228, 87, 46)');
  const box = await launcher(page).boundingBox();
  const viewport = page.viewportSize();
  expect(box.x + box.width).toBeGreaterThan(viewport.width - 40);
  expect(box.y + box.height).toBeGreaterThan(viewport.height - 40);
  // Nothing heavy before the visitor shows intent: from Parlor, only the
  // loader and its display decision (a few bytes of JSON).
  const fromParlor = await page.evaluate(
    (origin) => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.startsWith(origin)),
    APP,
  );
  expect(fromParlor).toEqual([
    expect.stringMatching(/\/widget\/v1\/channels\/[0-9a-f-]{36}\/loader\.js$/),
    expect.stringMatching(/\/widget\/v1\/channels\/[0-9a-f-]{36}\/display\?path=%2F$/),
  ]);
  expect(wasm).toEqual([]);
  expect(sockets).toEqual([]);
  expect(await page.locator('iframe').count()).toBe(0);
  await expect(page.locator('#host-script-status')).toHaveText("The host page's own script ran.");
  await shot(page, 'demo-closed');

  await launcher(page).click();
  const win = chatWindow(page);
  await expect(win).toBeVisible();
  await expect(win.locator('.title')).toHaveText('Chat with us');
  await expect(win.locator('.head')).toHaveCSS('background-color', 'rgb(29, 53, 87)');
  await expect(win.locator('.welcome')).toHaveText(WELCOME);
  await expect(win.locator('textarea')).toHaveAttribute('placeholder', PLACEHOLDER);
  expect(wasm.length).toBe(1);
  await shot(page, 'demo-open');

  // The launcher toggles, and the window's own close button closes it.
  await win.getByRole('button', { name: 'Close chat' }).click();
  await expect(win).toBeHidden();
  await launcher(page).click();
  await expect(win).toBeVisible();
  expect(dialogs).toEqual([]);
});

// Issue 16, item 6: the idle preload (4 s after load) is gone; a new
// visitor downloads the panel only on intent, and only once.
test('an idle page does not preload the panel; a click loads it once', async ({ page }) => {
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await page.goto(`${DEMO}/`);
  await expect(launcher(page)).toBeVisible();
  await page.waitForTimeout(5000);
  expect(wasm).toEqual([]);
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  expect(wasm.length).toBe(1);
});

test('the direct chat link opens a full-page chat', async ({ page }) => {
  await page.goto('/channels');
  const html = await (await page.request.get(`${DEMO}/`)).text();
  const id = html.match(/channels\/([0-9a-f-]{36})\/loader\.js/)[1];
  await page.goto(`${APP}/chat/${id}`);
  const win = chatWindow(page).or(page.locator('#parlor .window'));
  await expect(win).toBeVisible();
  await expect(win.locator('.welcome')).toHaveText(WELCOME);
  await expect(win.locator('textarea')).toHaveAttribute('placeholder', PLACEHOLDER);
  await expect(win.getByRole('button', { name: 'Close chat' })).toHaveCount(0);
  await shot(page, 'direct-link');
});
