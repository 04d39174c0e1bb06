// A visitor ends their own conversation from the widget; the next message
// starts a new one.
import { test, expect } from '@playwright/test';
import { allowHostPages, hostPage, loaderSrc, shopPage as page, shot, launcher } from './support.mjs';

// The default channel allows the demo page; these pages are on HOST.
test.beforeAll(allowHostPages);

test('the visitor ends the conversation, and the next message starts a new one', async ({ page: tab }) => {
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
  await shot(tab, 'visitor-ended');
  await tab.getByRole('button', { name: 'Start a new conversation' }).click();
  await composer.fill('Actually, one more question');
  await composer.press('Enter');
  await expect(tab.locator('parlor-chat .msg.mine')).toHaveCount(1);
  await expect(tab.locator('parlor-chat .msg.mine').last()).toHaveAttribute('data-state', 'sent');
});
