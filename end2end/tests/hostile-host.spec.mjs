// A host page that tries hard to break embedded widgets still gets a working
// one, and keeps its own scripts working.
import { test, expect } from '@playwright/test';
import {
  allowHostPages, DEMO, launcher, chatWindow, channelColours, channelOf, expectColour, hostPage, loaderSrc, pixel, screen, shot,
  operatorOnline,
} from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

// The default channel allows the demo page; these pages are on HOST.
test.beforeAll(allowHostPages);

test('hostile host CSS cannot hide or restyle the widget', async ({ page, request }) => {
  const demo = await (await request.get(`${DEMO}/`)).text();
  const snippet = demo.match(/<script async src="[^"]+loader\.js" charset="utf-8"><\/script>/)[0];
  await hostPage(
    page,
    `<!DOCTYPE html><html><head>${snippet}
      <style>* { all: unset } div { display: none !important } button { background: lime !important; width: 3px !important }</style>
      </head><body><div id="hidden">host content</div><p id="host">waiting</p>
      <script>document.getElementById('host').textContent = 'host script ran';</script></body></html>`,
  );
  await expect(launcher(page)).toBeVisible();
  const box = await launcher(page).boundingBox();
  expect(box.width).toBeGreaterThan(40);
  await launcher(page).click();
  const win = chatWindow(page);
  await expect(win).toBeVisible();
  await expect(win.locator('.welcome')).not.toBeEmpty();
  await win.locator('textarea').fill('typing still works');
  await expect(win.locator('textarea')).toHaveValue('typing still works');
  await expect(page.locator('#host')).toHaveText('host script ran');
  await shot(page, 'hostile-host-open');
});

/** The launcher's box and the colour it shows, read from the screen. */
async function launcherSeen(page) {
  const box = await launcher(page).boundingBox();
  // Inside the circle, left of the white icon.
  const colour = await pixel(page, box.x + 7, box.y + box.height / 2);
  return { box, colour };
}

async function buttonColour() {
  return channelColours(channelOf(await loaderSrc()));
}

// Issue 16, item 2: what a host page does to html, body and * reaches
// neither the launcher nor the window.
const AGGRESSIVE = `<style>
* { all: unset }
div { display: none !important }
button { background: lime !important; width: 3px !important }
html { transform: scale(1.1) rotate(2deg); filter: invert(1) hue-rotate(90deg); opacity: .6;
       zoom: 1.25; contain: layout style; font-size: 40px }
body { display: block; transform: scale(.5); filter: invert(1) blur(2px); opacity: .5;
       zoom: 2; contain: strict; font-size: 5px }
.cover { position: fixed; inset: 0; z-index: 2147483647; background: rgba(255, 0, 0, .3) }
parlor-chat { display: none !important; transform: scale(3) !important; opacity: 0 !important }
</style>`;

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`host transforms, filters, zoom and z-index leave the launcher and window alone (${name})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const src = await loaderSrc();
    await hostPage(
      page,
      `<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <script async src="${src}" charset="utf-8"></script>${AGGRESSIVE}</head>
      <body><p id="host">محتوى الصفحة</p>
      <script>document.documentElement.append(Object.assign(document.createElement('section'), { className: 'cover' }));</script>
      </body></html>`,
    );
    const colours = await buttonColour();
    await expect(launcher(page)).toBeVisible();
    const { box, colour } = await launcherSeen(page);
    expect(box.width).toBeCloseTo(56, 0);
    expect(box.height).toBeCloseTo(56, 0);
    expect(box.x + box.width).toBeCloseTo(viewport.width - 20, 0);
    expect(box.y + box.height).toBeCloseTo(viewport.height - 20, 0);
    expectColour(colour, colours.button, 'launcher');
    // Above the page's own z-index (a cover over the whole page), and it
    // takes the click.
    expect(
      await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, [viewport.width / 2, viewport.height / 2]),
    ).toBe('cover');
    expect(
      await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.localName, [box.x + 28, box.y + 28]),
    ).toBe('parlor-chat');
    await screen(page, `hostile-host-aggressive-${name}`);

    await launcher(page).click();
    const win = chatWindow(page);
    await expect(win).toBeVisible();
    const w = await win.boundingBox();
    if (name === 'desktop') {
      expect(w.width).toBeCloseTo(360, 0);
      expect(w.height).toBeCloseTo(520, 0);
      expect(w.x + w.width).toBeCloseTo(viewport.width - 20, 0);
      expect(w.y + w.height).toBeCloseTo(viewport.height - 88, 0);
    } else {
      expect(w.x).toBeCloseTo(0, 0);
      expect(w.y).toBeCloseTo(0, 0);
      expect(w.width).toBeCloseTo(viewport.width, 0);
    }
    const head = await win.locator('.head').boundingBox();
    expect(head.y).toBeGreaterThanOrEqual(0);
    expectColour(await pixel(page, head.x + 6, head.y + head.height / 2), colours.header, 'window header');
    await screen(page, `hostile-host-aggressive-${name}-open`);
  });
}

test('a host page modal dialog sits above the launcher, which works again once it closes', async ({ page }) => {
  const src = await loaderSrc();
  await hostPage(
    page,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><script async src="${src}" charset="utf-8"></script>
    <style>::backdrop { background: rgba(0, 0, 0, .5) } dialog { width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; padding: 0; border: 0 }</style>
    </head><body><p>Shop</p><dialog id="d"><form method="dialog"><button id="shut">Close</button></form></dialog></body></html>`,
  );
  await expect(launcher(page)).toBeVisible();
  const colours = await buttonColour();
  const before = await launcherSeen(page);
  // The page's ::backdrop rule dims nothing while only the launcher is up
  // (the launcher's host is a popover: it has a backdrop of its own).
  expectColour(before.colour, colours.button, 'launcher without a dialog');
  expectColour(await pixel(page, 300, 300), [255, 255, 255], 'the page without a dialog');
  await page.evaluate(() => document.getElementById('d').showModal());
  const { box } = before;
  expect(
    await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.id, [box.x + 28, box.y + 28]),
  ).toBe('d');
  await page.locator('#shut').click();
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
});
