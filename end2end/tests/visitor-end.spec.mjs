// A visitor ends their own conversation from the widget, rates it (the
// operator sees the rating), and the next message starts a new one.
import { test, expect } from '@playwright/test';
import { APP, allowHostPages, signIn, hostPage, loaderSrc, shopPage as page, shot, launcher, operatorOnline } from './support.mjs';

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

test('the visitor ends the conversation, rates it, and the next message starts a new one', async ({ page: tab, browser }) => {
  await hostPage(tab, page('en', 'ltr', await loaderSrc()));
  await launcher(tab).click();
  const composer = tab.locator('parlor-chat textarea');
  const end = tab.getByRole('button', { name: 'End conversation' });
  await expect(end).toBeHidden(); // nothing to end yet
  await composer.fill('Thanks, that was all');
  await composer.press('Enter');
  await expect(tab.locator('parlor-chat .msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await shot(tab, 'visitor-end-button');
  await end.click();
  await expect(tab.locator('parlor-chat .ended')).toContainText('This conversation has ended.');
  await expect(end).toBeHidden();

  // Rating: a face, then an optional comment (as text, never HTML).
  const rate = tab.getByRole('group', { name: 'How was this conversation?' });
  await expect(rate.locator('.rate-comment')).toHaveCount(0);
  await rate.getByRole('button', { name: 'Bad' }).click();
  await expect(rate.getByRole('button', { name: 'Bad' })).toHaveAttribute('aria-pressed', 'true');
  await rate.locator('.rate-comment').fill('Too <b>slow</b> to answer');
  await shot(tab, 'visitor-rating');
  await rate.getByRole('button', { name: 'Send rating' }).click();
  await expect(tab.locator('parlor-chat .thanks')).toHaveText('Thank you for your feedback.');
  await shot(tab, 'visitor-ended');

  // The operator sees it on the conversation.
  const ctx = await browser.newContext({ baseURL: APP });
  const op = await ctx.newPage();
  await signIn(op, undefined, '/inbox');
  await op.locator('.filters button', { hasText: 'Closed' }).click();
  await op.locator('.conversation', { hasText: 'Unhappy' }).first().click();
  await expect(op.locator('.rating')).toContainText("Visitor's rating: 😞 Unhappy");
  await expect(op.locator('.rating-comment')).toHaveText('Too <b>slow</b> to answer');
  await shot(op, 'operator-sees-rating');
  await ctx.close();
  await tab.getByRole('button', { name: 'Start a new conversation' }).click();
  await composer.fill('Actually, one more question');
  await composer.press('Enter');
  await expect(tab.locator('parlor-chat .msg.mine')).toHaveCount(1);
  await expect(tab.locator('parlor-chat .msg.mine').last()).toHaveAttribute('data-state', 'sent');
});
