// Issue 16, item 6, as the browser itself counts it: opening the chat on a
// host page downloads at most bench/widget-budget.json's `open_chat` bytes
// of response bodies from Parlor (the panel's JS and wasm, brotli as the
// server sends them; the stylesheet is inside the wasm). Sizes of a given
// build are deterministic, so this is a fair gate, unlike a timing.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { APP, allowHostPages, chatWindow, hostPage, launcher, loaderSrc, shopPage } from './support.mjs';

const budget = JSON.parse(readFileSync(new URL('../../bench/widget-budget.json', import.meta.url)));

test.beforeAll(allowHostPages);

test('opening the chat downloads the panel within its byte budget', async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (response.url.startsWith(APP)) {
      seen.set(requestId, {
        url: response.url,
        encoding: response.headers['content-encoding'] ?? '',
        headers: response.encodedDataLength,
        body: null,
      });
    }
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const r = seen.get(requestId);
    if (r) r.body = encodedDataLength - r.headers;
  });
  await hostPage(page, shopPage('en', 'ltr', await loaderSrc()));
  await expect(launcher(page)).toBeVisible();
  const before = new Set(seen.keys());
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  await expect.poll(() => [...seen.values()].every((r) => r.body !== null)).toBe(true);

  const opened = [...seen.entries()].filter(([id]) => !before.has(id)).map(([, r]) => r);
  const lines = opened.map((r) => `${r.url.replace(APP, '')} ${r.encoding || 'identity'} ${r.body} B`);
  console.log(`on opening the chat:\n  ${lines.join('\n  ')}`);
  const assets = opened.filter((r) => r.url.includes('/widget/v1/assets/'));
  expect(assets.map((r) => r.url.split('.').pop()).sort(), lines.join('\n')).toEqual(['js', 'wasm']);
  expect(assets.every((r) => r.encoding === 'br'), lines.join('\n')).toBe(true);
  const total = opened.reduce((sum, r) => sum + r.body, 0);
  expect(total, lines.join('\n')).toBeLessThanOrEqual(budget.open_chat);
});
