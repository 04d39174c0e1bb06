// Issue 16, items 6 and 8, as the browser itself counts them: before the
// visitor shows any intent, a host page gets at most 2.5 KB of response
// bodies from Parlor (the loader, brotli at the highest level, and the
// display answer) and nothing of the panel, even after the old idle preload's
// 4 s; the loader asks display only after the page's first paint. Hover and
// focus are intent: the panel loads then.
import { test, expect } from '@playwright/test';
import { APP, HOST, WIDGET_BUDGET, adminCall, hostPage, launcher, recordParlorBytes, shopPage } from './support.mjs';

// A channel of its own: no rule or trigger another spec set (a trigger is
// intent, and loads the panel).
let src;
test.beforeAll(async () => {
  const id = await adminCall('channels/create', { name: 'Bytes shop' });
  await adminCall('channels/sites', { id, sites: HOST, in_app: false });
  src = `${APP}/widget/v1/channels/${id}/loader.js`;
});

const PANEL = /\/widget\/v1\/(assets\/|channels\/[0-9a-f-]{36}\/config)/;

test('a new visitor downloads at most 2.5 KB from Parlor and no panel before intent', async ({ page }) => {
  const responses = await recordParlorBytes(page);
  await hostPage(page, shopPage('en', 'ltr', src));
  await expect(launcher(page)).toBeVisible();
  // Longer than the idle preload that used to fetch the panel 4 s after load.
  await page.waitForTimeout(5000);
  const before = responses();
  const lines = before.map((r) => `${r.url.replace(APP, '')} ${r.status} ${r.encoding || 'identity'} ${r.body} B`);
  console.log(`before intent:\n  ${lines.join('\n  ')}`);
  expect(before.filter((r) => PANEL.test(r.url)), lines.join('\n')).toEqual([]);
  const loader = before.find((r) => r.url.endsWith('/loader.js'));
  expect(loader.encoding).toBe('br');
  expect(before.every((r) => r.body !== null && r.body > 0)).toBe(true);
  const total = before.reduce((sum, r) => sum + r.body, 0);
  expect(total, lines.join('\n')).toBeLessThanOrEqual(WIDGET_BUDGET.before_interaction);

  // The page painted before the loader asked anything.
  const order = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    display: performance.getEntriesByType('resource').find((e) => e.name.includes('/display?'))?.startTime,
  }));
  expect(order.display).toBeGreaterThan(order.paint);

  // Hover is intent: the panel comes.
  const panel = page.waitForRequest((r) => r.url().includes('/widget/v1/assets/') && r.url().endsWith('.js'));
  await launcher(page).hover();
  await panel;
});

test('focus on the launcher is intent too', async ({ page }) => {
  await hostPage(page, shopPage('en', 'ltr', src));
  await expect(launcher(page)).toBeVisible();
  const panel = page.waitForRequest((r) => PANEL.test(r.url()));
  await launcher(page).focus();
  await panel;
});
