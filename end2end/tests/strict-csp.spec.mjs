// Issue 16, items 1 and 9: the widget on a host page whose
// Content-Security-Policy allows scripts, styles, connections, images and
// fonts only from the page's own origin and Parlor's, plus
// 'wasm-unsafe-eval'. The launcher keeps its size, place and colour in light
// and dark, left-to-right and right-to-left, and nothing of Parlor's is
// refused.
import { test, expect } from '@playwright/test';
import {
  APP, allowHostPages, channelColours, channelOf, chatWindow, expectColour, hostPage, launcher, loaderSrc,
  operatorOnline, pixel, recordViolations, screen, shopPage, signIn,
} from './support.mjs';

const WS = APP.replace(/^http/, 'ws');
/** The policy of issue 16: Parlor's origin for everything, nothing inline. */
const STRICT =
  `default-src 'self'; script-src 'self' ${APP} 'wasm-unsafe-eval'; style-src 'self' ${APP}; ` +
  `connect-src 'self' ${APP} ${WS}; img-src 'self' ${APP}; font-src 'self' ${APP}`;
/**
 * What the Widget tab asks a site to allow (docs/embedding.md), and no
 * more: no style-src or font-src for Parlor, whose styles are constructed
 * sheets. Read from the tab in beforeAll.
 */
let documented;

let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});
test.beforeAll(allowHostPages);
test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext({ baseURL: APP });
  const page = await context.newPage();
  await signIn(page, undefined, `/channels/${channelOf(await loaderSrc())}`);
  await page.getByRole('tab', { name: 'Widget' }).click();
  const lines = (await page.locator('#widget-csp').textContent()).split('\n');
  expect(lines).toEqual([
    `script-src ${APP} 'wasm-unsafe-eval'`,
    `connect-src ${APP} ${WS}`,
    'img-src blob:',
  ]);
  documented = `default-src 'self'; ${lines.join('; ')}`;
  await context.close();
});

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
];

for (const [policyName, policyOf] of [
  ['strict', () => STRICT],
  ['documented', () => documented],
]) {
  for (const [size, viewport] of VIEWPORTS) {
    for (const [scheme, lang, dir] of [
      ['light', 'en', 'ltr'],
      ['dark', 'ar', 'rtl'],
    ]) {
      test(`launcher under the ${policyName} CSP: ${size}, ${scheme}, ${dir}`, async ({ page }) => {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: scheme });
        const violations = await recordViolations(page);
        const src = await loaderSrc();
        await hostPage(page, shopPage(lang, dir, src), '/', { 'content-security-policy': policyOf() });
        await expect(launcher(page)).toBeVisible();
        const box = await launcher(page).boundingBox();
        expect(box.width).toBeCloseTo(56, 0);
        expect(box.height).toBeCloseTo(56, 0);
        expect(box.x + box.width).toBeCloseTo(viewport.width - 20, 0);
        expect(box.y + box.height).toBeCloseTo(viewport.height - 20, 0);
        const { button } = await channelColours(channelOf(src));
        expectColour(await pixel(page, box.x + 7, box.y + box.height / 2), button, 'launcher');
        // The round button, not a square: its box's corner is not its colour.
        const corner = await pixel(page, box.x + 2, box.y + 2);
        expect(Math.max(...corner.map((v, i) => Math.abs(v - button[i]))), `corner rgb(${corner})`).toBeGreaterThan(60);
        await screen(page, `strict-csp-${policyName}-${size}-${scheme}`);
        expect(await violations()).toEqual([]);
      });
    }
  }
}

// The window too: its stylesheet is a constructed sheet the panel adds to
// the shadow root's adoptedStyleSheets, and its colours go through CSSOM.
for (const [size, viewport] of VIEWPORTS) {
  test(`the window under the strict CSP: ${size}, dark, right to left`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: 'dark' });
    const violations = await recordViolations(page);
    const src = await loaderSrc();
    await hostPage(page, shopPage('ar', 'rtl', src), '/', { 'content-security-policy': STRICT });
    await launcher(page).click();
    const win = chatWindow(page);
    await expect(win).toBeVisible();
    await expect(win).toHaveAttribute('dir', 'rtl');
    const w = await win.boundingBox();
    if (size === 'desktop') {
      expect(w.width).toBeCloseTo(360, 0);
      expect(w.height).toBeCloseTo(520, 0);
      expect(w.x + w.width).toBeCloseTo(viewport.width - 20, 0);
      expect(w.y + w.height).toBeCloseTo(viewport.height - 88, 0);
    } else {
      expect([w.x, w.y, w.width]).toEqual([0, 0, viewport.width]);
    }
    const head = await win.locator('.head').boundingBox();
    expect(head.y).toBeGreaterThanOrEqual(0);
    const { header } = await channelColours(channelOf(src));
    expectColour(await pixel(page, head.x + 6, head.y + head.height / 2), header, 'window header');
    // Dark: the message list is dark, not the light default.
    const list = await win.locator('.messages').boundingBox();
    const [r, g, b] = await pixel(page, list.x + 4, list.y + list.height - 4);
    expect(Math.max(r, g, b)).toBeLessThan(80);
    await screen(page, `strict-csp-window-${size}`);
    expect(await violations()).toEqual([]);
  });
}
