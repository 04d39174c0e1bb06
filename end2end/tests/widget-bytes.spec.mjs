// Issue 16, item 6, as the browser itself counts it: opening the chat on a
// host page downloads at most bench/widget-budget.json's `open_chat` bytes
// of response bodies from Parlor (the panel's JS and wasm, brotli as the
// server sends them; the stylesheet is inside the wasm). Sizes of a given
// build are deterministic, so this is a fair gate, unlike a timing.
import { test, expect } from '@playwright/test';
import {
  APP, WIDGET_BUDGET, allowHostPages, chatWindow, hostPage, launcher, loaderSrc, recordParlorBytes, shopPage,
} from './support.mjs';

test.beforeAll(allowHostPages);

test('opening the chat downloads the panel within its byte budget', async ({ page }) => {
  const responses = await recordParlorBytes(page);
  await hostPage(page, shopPage('en', 'ltr', await loaderSrc()));
  await expect(launcher(page)).toBeVisible();
  const before = responses().length;
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  await expect.poll(() => responses().every((r) => r.body !== null)).toBe(true);

  const opened = responses().slice(before);
  const lines = opened.map((r) => `${r.url.replace(APP, '')} ${r.encoding || 'identity'} ${r.body} B`);
  console.log(`on opening the chat:\n  ${lines.join('\n  ')}`);
  const assets = opened.filter((r) => r.url.includes('/widget/v1/assets/'));
  expect(assets.map((r) => r.url.split('.').pop()).sort(), lines.join('\n')).toEqual(['js', 'wasm']);
  expect(assets.every((r) => r.encoding === 'br'), lines.join('\n')).toBe(true);
  const total = opened.reduce((sum, r) => sum + r.body, 0);
  expect(total, lines.join('\n')).toBeLessThanOrEqual(WIDGET_BUDGET.open_chat);
});
