// The direct chat link (/chat/{id}): Parlor's own page fills the window at
// desktop and phone sizes with its header in view, sends a strict CSP that
// nothing on it breaks, and keeps the conversation on the next visit. Also
// the composer: a long placeholder is never clipped, and the text grows with
// its lines up to a cap.
import { test, expect } from '@playwright/test';
import { APP, adminCall, operatorOnline, recordViolations, shot } from './support.mjs';

const PLACEHOLDER = 'Ask about sizes, orders, returns, deliveries and anything else you need';
const HEADER = '#0b6e4f';

let channel;
test.beforeAll(async () => {
  channel = await adminCall('channels/create', { name: 'Direct link' });
  await adminCall('channels/update', {
    id: channel,
    settings: {
      name: 'Direct link',
      window_title: 'Shop help',
      notification_text: '',
      button_color: '#1a73e8',
      header_color: HEADER,
      welcome_message: 'Hello! How can we help?',
      input_placeholder: PLACEHOLDER,
    },
  });
});

for (const size of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`the direct link fills the window with its header in view (${size.name})`, async ({ browser }) => {
    const op = await operatorOnline(browser);
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
    const page = await context.newPage();
    const violations = await recordViolations(page);
    const res = await page.goto(`${APP}/chat/${channel}`);
    const csp = res.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'nonce-");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("style-src 'self'");

    const win = page.locator('#parlor .window');
    await expect(win).toBeVisible();
    const box = await win.boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: size.width, height: size.height });
    const head = await win.locator('.head').boundingBox();
    expect(head.y).toBe(0);
    await expect(win.locator('.title')).toHaveText('Shop help');
    await expect(win.locator('.head')).toHaveCSS('background-color', 'rgb(11, 110, 79)');
    // The composer sits on the bottom edge: no gap under it.
    const composer = await win.locator('.composer').boundingBox();
    expect(composer.y + composer.height).toBeCloseTo(size.height, 0);

    // The long placeholder shows whole: the one-line composer grew to hold it.
    const input = win.getByRole('textbox', { name: 'Message' });
    await expect(input).toHaveAttribute('placeholder', PLACEHOLDER);
    const fits = await input.evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
    expect(fits).toBe(true);
    await shot(page, `direct-link-${size.name}`);

    // Write, then come back later: the conversation is still there.
    await input.fill(`Hello from the ${size.name}`);
    await input.press('Enter');
    await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
    await page.reload();
    await expect(win.locator('.msg.mine .bubble')).toHaveText([`Hello from the ${size.name}`]);
    await input.fill('Still there?');
    await input.press('Enter');
    await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
    await expect(win.locator('.msg.mine')).toHaveCount(2);
    expect(await violations()).toEqual([]);
    await context.close();
    await op.close();
  });
}

test('the composer grows with its lines, up to a cap, and shrinks once sent', async ({ browser }) => {
  const op = await operatorOnline(browser);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${APP}/chat/${channel}`);
  const input = page.locator('#parlor .window').getByRole('textbox', { name: 'Message' });
  await input.fill('one');
  const one = (await input.boundingBox()).height;
  await input.fill('one\ntwo\nthree');
  const three = (await input.boundingBox()).height;
  expect(three).toBeGreaterThan(one + 30);
  await input.fill('1\n2\n3\n4\n5\n6\n7\n8\n9\n10');
  const many = (await input.boundingBox()).height;
  expect(many).toBeLessThanOrEqual(120);
  await input.press('Enter');
  await expect(input).toHaveValue('');
  await expect.poll(async () => (await input.boundingBox()).height).toBeLessThan(many);
  await context.close();
  await op.close();
});
