// Editing a sent reply: the author edits it in place (Ctrl+Enter saves,
// Escape cancels), the visitor sees the new text marked "edited", and a
// colleague who is not an admin gets no Edit button on someone else's
// message.
import { test, expect } from '@playwright/test';
import { channelOnline, demoChannel, demoTeammate, demoVisitor, operatorOnline, shot } from './support.mjs';

const YAN = { email: 'yan@parlor.test', password: 'yan-password-1', name: 'Yan' };

test('an operator corrects a reply and the visitor sees it edited', async ({ browser }) => {
  await demoTeammate(YAN);
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'When do you ship to Oslo?');
  const win = visitor.win;

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
  // The list shows the new text too.
  await expect(op.locator('.conversation[aria-current="true"] .preview')).toContainText('We ship on <b>Tuesday</b>');
  // An admin reads the earlier text in the audit trail.
  await op.locator('ol.thread li.operator').last().getByRole('button', { name: 'edited' }).click();
  await expect(op.locator('.edit-history li')).toHaveCount(1);
  await expect(op.locator('.edit-history li .body')).toHaveText('We ship on Monday');
  await expect(op.locator('.edit-history li .hint')).toContainText('replaced by');
  await shot(op, 'inbox-edit-history');
  await expect(win.locator('.msg.operator .bubble').last()).toHaveText('We ship on <b>Tuesday</b>');
  await expect(win.locator('.msg.operator').last()).toContainText('edited');
  await shot(visitor.page, 'widget-edited');

  // A colleague (not an admin) cannot edit the admin's reply.
  expect(await channelOnline(await demoChannel())).toBe(true);
  const yan = await operatorOnline(browser, YAN);
  await yan.page.locator('.filter', { hasText: 'All' }).click();
  await yan.page.locator('.conversation', { hasText: 'Tuesday' }).click();
  await expect(yan.page.locator('ol.thread li.operator').last().locator('.body')).toHaveText('We ship on <b>Tuesday</b>');
  await expect(yan.page.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
  // Only admins read the audit trail: for Yan "edited" is just a mark.
  await expect(yan.page.locator('ol.thread li.operator').last().locator('.edited')).toHaveText('edited');
  await expect(yan.page.getByRole('button', { name: 'edited' })).toHaveCount(0);
  await yan.close();
  await staff.close();
  await visitor.close();
});
