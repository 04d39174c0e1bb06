// Widget quality as a visitor meets it: keyboard only, a phone-sized screen
// with its on-screen keyboard, the page's colour scheme; and axe-core run in
// the browser on the widget and every admin page, with no serious or
// critical violations.
import { test, expect } from '@playwright/test';
import { ADMIN, DEMO, signIn, shot, launcher, chatWindow, operatorOnline, expectNoSeriousViolations } from './support.mjs';

// The default channel's operator (the first admin) is at work, so its
// visitors get the chat rather than the offline form.
let staff;
test.beforeAll(async ({ browser }) => {
  staff = await operatorOnline(browser);
});
test.afterAll(async () => {
  await staff?.close();
});

// axe is injected as a script; the admin pages' CSP would refuse it.
test.use({ bypassCSP: true });

/** Whether the launcher (inside the widget's shadow root) has the focus. */
async function launcherFocused(page) {
  return page.evaluate(() => {
    const host = document.querySelector('parlor-chat');
    return document.activeElement === host && host.shadowRoot.activeElement?.classList.contains('launcher');
  });
}

test('keyboard only: reach the launcher, write, send, close with Escape', async ({ page }) => {
  await page.goto(DEMO);
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');
  for (let i = 0; i < 40 && !(await launcherFocused(page)); i++) await page.keyboard.press('Tab');
  expect(await launcherFocused(page), 'Tab reaches the launcher').toBe(true);

  await page.keyboard.press('Enter');
  await expect(chatWindow(page)).toBeVisible();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'true');
  // Focus moved into the window, onto the composer.
  const composer = page.locator('parlor-chat textarea');
  await expect(composer).toBeFocused();
  await page.keyboard.type('Hello, typed with the keyboard only');
  await page.keyboard.press('Enter');
  await expect(page.locator('parlor-chat .msg.mine .bubble').last()).toHaveText('Hello, typed with the keyboard only');
  await expect(page.locator('parlor-chat .msg.mine').last()).toHaveAttribute('data-state', 'sent');

  // Tab stays usable inside the window: the close button is reachable.
  await page.keyboard.press('Shift+Tab');
  await expect(page.locator('parlor-chat textarea')).not.toBeFocused();
  await shot(page, 'a11y-keyboard-open');

  // Escape closes, and the focus returns to the launcher.
  await page.keyboard.press('Escape');
  await expect(chatWindow(page)).toBeHidden();
  expect(await launcherFocused(page), 'focus back on the launcher').toBe(true);
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');

  // And Enter opens it again, focus in the composer.
  await page.keyboard.press('Enter');
  await expect(composer).toBeFocused();
});

test('axe finds nothing serious on the host page with the widget open', async ({ page }) => {
  await page.goto(DEMO);
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  await page.locator('parlor-chat textarea').fill('Checking accessibility');
  await page.keyboard.press('Enter');
  await expect(page.locator('parlor-chat .msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await expectNoSeriousViolations(page, 'the demo page with the widget open');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the window fills the screen and the on-screen keyboard never covers the input', async ({ page }) => {
    await page.goto(DEMO);
    await launcher(page).tap();
    const win = chatWindow(page);
    await expect(win).toBeVisible();
    const box = await win.boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await shot(page, 'a11y-phone-open');

    // The keyboard opens: the visible part of the page shrinks to 500 px.
    // The window follows, and the composer stays inside what is visible.
    await page.locator('parlor-chat textarea').tap();
    await page.setViewportSize({ width: 390, height: 500 });
    await expect
      .poll(async () => {
        const b = await page.locator('parlor-chat .composer').boundingBox();
        const visible = await page.evaluate(() => (window.visualViewport ? window.visualViewport.height : innerHeight));
        return b.y + b.height <= visible + 0.5;
      })
      .toBe(true);
    expect((await win.boundingBox()).height).toBeLessThanOrEqual(500);
    await shot(page, 'a11y-phone-keyboard');
    await page.locator('parlor-chat textarea').fill('Sent from a phone');
    await page.locator('parlor-chat .send').tap();
    await expect(page.locator('parlor-chat .msg.mine .bubble').last()).toHaveText('Sent from a phone');
  });
});

test('the widget follows the page’s dark colour scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(DEMO);
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
  const messages = page.locator('parlor-chat .messages');
  const shade = async () => {
    const [r, g, b] = (await messages.evaluate((el) => getComputedStyle(el).backgroundColor))
      .match(/\d+/g)
      .map(Number);
    return r + g + b;
  };
  // Polled: the window may still be fading in when it becomes visible.
  await expect.poll(shade, { message: 'a dark background' }).toBeLessThan(200);
  const background = await messages.evaluate((el) => getComputedStyle(el).backgroundColor);
  await shot(page, 'a11y-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // Polled too: the change of scheme may take a frame to apply.
  const now = () => messages.evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect.poll(now, { message: 'a light background' }).not.toBe(background);
});

test('axe finds nothing serious on the admin pages', async ({ page }) => {
  await page.goto('/login');
  // Checked hydrated, like every page below: while its split module loads,
  // the page's <title> is briefly out of the document.
  await page.locator('body[data-hydrated]').waitFor();
  await expectNoSeriousViolations(page, '/login');
  await signIn(page, ADMIN, '/inbox');
  await expectNoSeriousViolations(page, '/inbox');
  for (const path of ['/channels', '/users', '/tickets', '/helpdesk/teams', '/settings/mail']) {
    await page.goto(path);
    await page.locator('body[data-hydrated]').waitFor();
    await expectNoSeriousViolations(page, path);
  }
  await page.goto('/channels');
  await page.getByRole('link', { name: 'Website', exact: true }).click();
  for (const tab of ['Options', 'Operators', 'Channel Rules', 'Triggers', 'Widget']) {
    await page.getByRole('tab', { name: tab }).click();
    // A row in each list, so its fields are checked too (nothing is saved).
    if (tab === 'Channel Rules') await page.getByRole('button', { name: 'Add a rule' }).click();
    if (tab === 'Triggers') await page.getByRole('button', { name: 'Add a trigger' }).click();
    await expectNoSeriousViolations(page, `channel ${tab} tab`);
  }
});
