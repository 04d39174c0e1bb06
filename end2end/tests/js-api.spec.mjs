// The host page's JavaScript API (docs/embedding.md): open, close, show,
// hide, custom fields and events; identify with a good signature (one person
// across devices) and with a bad one (anonymous, the claim shown only as an
// unverified claim).
import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { APP, HOST, adminCall, signIn, hostPage, launcher, chatWindow, shot, operatorOnline } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

/** A new channel allowed on HOST: its id, snippet and identity secret. */
async function apiChannel(name, { required = false } = {}) {
  const id = await adminCall('channels/create', { name });
  await adminCall('channels/sites', { id, sites: HOST, in_app: false });
  if (required) await adminCall('channels/identity', { id, required: true });
  const { channel } = await adminCall('channels/get', { id });
  const snippet = `<script async src="${APP}/widget/v1/channels/${id}/loader.js" charset="utf-8"></script>`;
  return { id, snippet, secret: channel.identity.secret };
}

/** A shop page whose own script runs `before` ahead of the snippet. */
function shop(snippet, before = '') {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script>${before}</script>${snippet}</head>
<body><main><h1>Fernhill shop</h1></main></body></html>`;
}

const sign = (secret, externalId) => createHmac('sha256', secret).update(externalId).digest('hex');

async function inbox(browser) {
  const ctx = await browser.newContext({ baseURL: APP });
  const op = await ctx.newPage();
  await signIn(op, undefined, '/inbox');
  return op;
}

async function say(page, text) {
  const input = chatWindow(page).getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
  await expect(chatWindow(page).locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
}

test('the page opens, closes, hides and shows the chat, sets fields and hears events', async ({ page, browser }) => {
  const { snippet } = await apiChannel('API shop');
  // Calls queued before the loader ran, and listeners added once it is ready.
  const before = `
    window.events = [];
    window.Parlor = [['setCustomField', 'plan', 'Pro'], ['setCustomField', 'cart', '3 items']];
    document.addEventListener('parlor:ready', (e) => {
      for (const name of ['open', 'close', 'message']) {
        e.detail.on(name, (d) => window.events.push(d ? name + ':' + d.from + ':' + d.body : name));
      }
    });`;
  await hostPage(page, shop(snippet, before));
  await expect(launcher(page)).toBeVisible();
  const events = () => page.evaluate(() => window.events);

  await page.evaluate(() => window.Parlor.open());
  await expect(chatWindow(page)).toBeVisible();
  await expect(chatWindow(page).locator('textarea')).toBeFocused();
  await page.evaluate(() => window.Parlor.close());
  await expect(chatWindow(page)).toBeHidden();
  await expect.poll(events).toEqual(['open', 'close']);

  await page.evaluate(() => window.Parlor.hide());
  await expect(launcher(page)).toBeHidden();
  await page.evaluate(() => window.Parlor.show());
  await expect(launcher(page)).toBeVisible();

  await page.evaluate(() => window.Parlor.open());
  await say(page, 'Is the fern in stock?');
  await expect.poll(events).toContain('message:visitor:Is the fern in stock?');

  // The operator sees the custom fields, answers, and the page hears it.
  const op = await inbox(browser);
  await op.locator('.conversation', { hasText: 'Is the fern in stock?' }).click();
  await expect(op.locator('.visitor-profile')).toContainText('plan');
  await expect(op.locator('.visitor-profile')).toContainText('Pro');
  await expect(op.locator('.visitor-profile')).toContainText('3 items');
  await op.getByRole('textbox', { name: 'Reply' }).fill('Yes, two left.');
  await op.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect.poll(events).toContain('message:operator:Yes, two left.');
  await shot(op, 'js-api-custom-fields');
  await op.context().close();
});

test('identify: a good signature joins devices, a bad one stays anonymous', async ({ browser }) => {
  const { snippet, secret } = await apiChannel('Members', { required: true });
  const ann = (signature) =>
    `window.Parlor = [['identify', ${JSON.stringify({ externalId: 'member-7', name: 'Ann Example', email: 'ann@example.com', signature })}]];`;
  const device = async (before) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await hostPage(page, shop(snippet, before));
    await launcher(page).click();
    return page;
  };

  const laptop = await device(ann(sign(secret, 'member-7')));
  await say(laptop, 'Hello from my laptop');

  // Another device, signed for the same member: her conversation continues.
  const phone = await device(ann(sign(secret, 'member-7')));
  await say(phone, 'And from my phone');
  await expect(chatWindow(phone).locator('.msg .bubble:not(.welcome)')).toHaveText([
    'Hello from my laptop',
    'And from my phone',
  ]);
  await expect(chatWindow(laptop).locator('.msg .bubble:not(.welcome)')).toHaveText([
    'Hello from my laptop',
    'And from my phone',
  ]);

  // A wrong signature is treated as anonymous: not Ann, not her history.
  const forger = await device(ann(sign('a guessed secret', 'member-7')));
  await say(forger, 'I am Ann, honestly');
  await expect(chatWindow(forger).locator('.msg .bubble:not(.welcome)')).toHaveText(['I am Ann, honestly']);

  const op = await inbox(browser);
  const annRow = op.locator('.conversation', { hasText: 'Ann Example' });
  await expect(annRow).toHaveCount(1);
  await annRow.click();
  await expect(op.locator('ol.thread li .body')).toHaveText(['Hello from my laptop', 'And from my phone']);
  await expect(op.locator('.visitor-profile')).toContainText('ann@example.com');
  await expect(op.locator('.visitor-profile .badge')).toHaveText('verified');
  await shot(op, 'js-api-identified');
  const forged = op.locator('.conversation', { hasText: 'I am Ann, honestly' });
  await expect(forged.locator('.who')).toHaveText(/^Visitor /);
  await forged.click();
  await expect(op.locator('.visitor-profile')).toHaveCount(0);
  // What it claimed shows only as that, in the visitor panel.
  await expect(op.getByRole('region', { name: 'Unverified claim' }).locator('dd')).toHaveText([
    'Ann Example',
    'ann@example.com',
    'member-7',
  ]);
  for (const p of [laptop, phone, forger, op]) await p.context().close();
});

test('a site that loads scripts through RequireJS embeds the chat as documented', async ({ page, browser }) => {
  const { id } = await apiChannel('AMD shop');
  const requirejs = readFileSync(createRequire(import.meta.url).resolve('requirejs/require.js'), 'utf8');
  // docs/embedding.md's example, as a Magento theme would run it: RequireJS
  // on the page, the loader as a path with the `.js` dropped.
  const setup = `
    require.config({ paths: { parlor: "${APP}/widget/v1/channels/${id}/loader" } });
    require(["parlor"], function () {
      window.Parlor.setCustomField("store", "EU");
      window.loadedBy = "requirejs";
    });`;
  await hostPage(
    page,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>AMD shop</title>
<script>${requirejs}</script><script>${setup}</script></head>
<body><main><h1>AMD shop</h1></main></body></html>`,
  );
  await expect.poll(() => page.evaluate(() => window.loadedBy)).toBe('requirejs');
  await expect(launcher(page)).toBeVisible();
  await page.evaluate(() => window.Parlor.open());
  await expect(chatWindow(page)).toBeVisible();
  await say(page, 'Hello from a RequireJS page');

  // The field set in the require callback reached the operator.
  const op = await inbox(browser);
  await op.locator('.conversation', { hasText: 'Hello from a RequireJS page' }).click();
  await expect(op.locator('.visitor-profile')).toContainText('store');
  await expect(op.locator('.visitor-profile')).toContainText('EU');
  await op.context().close();
});
