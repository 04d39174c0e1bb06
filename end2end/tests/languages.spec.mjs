// The widget speaks the host page's language: its own texts follow
// `<html lang>`, and a right-to-left language mirrors the window.
import { test, expect } from '@playwright/test';
import { allowHostPages, hostPage, loaderSrc, shopPage as page, shot, launcher, chatWindow, operatorOnline } from './support.mjs';

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

test('an Arabic page gets Arabic texts and a mirrored window', async ({ page: tab }) => {
  await hostPage(tab, page('ar', 'rtl', await loaderSrc()));
  await launcher(tab).click();
  const win = chatWindow(tab);
  await expect(win).toBeVisible();
  await expect(win).toHaveAttribute('dir', 'rtl');
  await expect(win).toHaveAttribute('lang', 'ar');
  const composer = tab.locator('parlor-chat textarea');
  await expect(composer).toHaveAttribute('aria-label', 'رسالة');
  await expect(tab.locator('parlor-chat .send')).toHaveAttribute('aria-label', 'إرسال');
  await expect(tab.locator('parlor-chat .close')).toHaveAttribute('aria-label', 'إغلاق الدردشة');

  await composer.fill('مرحبا، هل يمكنكم مساعدتي؟');
  await composer.press('Enter');
  const mine = tab.locator('parlor-chat .msg.mine').last();
  await expect(mine.locator('.state')).toHaveText('أُرسلت');

  // Mirrored: the send button sits left of the input, the visitor's own
  // message on the left and the welcome (the operator's side) on the right.
  const send = await tab.locator('parlor-chat .send').boundingBox();
  const input = await composer.boundingBox();
  expect(send.x).toBeLessThan(input.x);
  const welcome = await tab.locator('parlor-chat .bubble.welcome').boundingBox();
  const own = await mine.locator('.bubble').boundingBox();
  expect(own.x).toBeLessThan(welcome.x);
  await shot(tab, 'language-arabic');
});

test('a French page gets French texts; an unknown language falls back to English', async ({ page: tab }) => {
  const src = await loaderSrc();
  await hostPage(tab, page('fr-CA', 'ltr', src));
  await launcher(tab).click();
  await expect(chatWindow(tab)).toHaveAttribute('dir', 'ltr');
  await expect(tab.locator('parlor-chat .send')).toHaveAttribute('aria-label', 'Envoyer');
  const composer = tab.locator('parlor-chat textarea');
  await composer.fill('Bonjour');
  await composer.press('Enter');
  await expect(tab.locator('parlor-chat .msg.mine .state').last()).toHaveText('Envoyé');

  await hostPage(tab, page('xx', 'ltr', src));
  await launcher(tab).click();
  await expect(tab.locator('parlor-chat .send')).toHaveAttribute('aria-label', 'Send');
});

