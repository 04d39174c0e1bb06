// Editing a sent reply: the author edits it in place (Ctrl+Enter saves,
// Escape cancels), the visitor sees the new text marked "edited", and a
// colleague who is not an admin gets no Edit button on someone else's
// message.
import { test, expect } from '@playwright/test';
import { DEMO, adminCall, channelOnline, chatWindow, launcher, operatorOnline, shot } from './support.mjs';

const YAN = { email: 'yan@parlor.test', password: 'yan-password-1', name: 'Yan' };

test('an operator corrects a reply and the visitor sees it edited', async ({ browser }) => {
  const { id } = await adminCall('users/create', {
    user: { email: YAN.email, display_name: YAN.name, password: YAN.password, role: 'operator' },
  });
  // The demo page's channel: the first one created, first in the list.
  const website = (await adminCall('channels/list', {}))[0].id;
  await adminCall('channels/operator', { id: website, user: id, member: true });

  const staff = await operatorOnline(browser);
  const op = staff.page;
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(DEMO);
  await launcher(visitor).click();
  const win = chatWindow(visitor);
  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill('When do you ship to Oslo?');
  await input.press('Enter');
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');

  await op.locator('.conversation', { hasText: 'When do you ship to Oslo?' }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('We ship on Monday');
  await reply.press('Enter');
  await expect(win.locator('.msg.operator .bubble').last()).toHaveText('We ship on Monday');

  const mine = op.locator('ol.thread li.operator').last();
  await mine.getByRole('button', { name: 'Edit message' }).click();
  const field = mine.getByRole('textbox', { name: 'Edit message' });
  await expect(field).toBeFocused();
  // Escape leaves it as it was.
  await field.fill('We never ship');
  await field.press('Escape');
  await expect(mine.locator('.body')).toHaveText('We ship on Monday');

  await mine.getByRole('button', { name: 'Edit message' }).click();
  await field.fill('We ship on <b>Tuesday</b>');
  await shot(op, 'inbox-edit');
  await field.press('Control+Enter');
  await expect(op.locator('ol.thread li.operator').last().locator('.body')).toHaveText('We ship on <b>Tuesday</b>');
  await expect(op.locator('ol.thread li.operator').last().locator('.edited')).toHaveText('edited');
  await expect(win.locator('.msg.operator .bubble').last()).toHaveText('We ship on <b>Tuesday</b>');
  await expect(win.locator('.msg.operator').last()).toContainText('edited');
  await shot(visitor, 'widget-edited');

  // A colleague (not an admin) cannot edit the admin's reply.
  expect(await channelOnline(website)).toBe(true);
  const yan = await operatorOnline(browser, YAN);
  await yan.page.locator('.filter', { hasText: 'All' }).click();
  await yan.page.locator('.conversation', { hasText: 'Tuesday' }).click();
  await expect(yan.page.locator('ol.thread li.operator').last().locator('.body')).toHaveText('We ship on <b>Tuesday</b>');
  await expect(yan.page.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
  await yan.close();
  await staff.close();
  await context.close();
});
