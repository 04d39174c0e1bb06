// A host page that tries hard to break embedded widgets still gets a working
// one, and keeps its own scripts working.
import { test, expect } from '@playwright/test';
import { allowHostPages, DEMO, launcher, chatWindow, hostPage, shot, operatorOnline } from './support.mjs';

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
