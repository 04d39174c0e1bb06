// Read receipts both ways, and finding text within a conversation.
// The visitor's message reads "Sent" until an operator opens the
// conversation, then "Seen"; the operator's answer shows "Seen by the
// visitor" once the visitor's window has it on screen, and not while the
// visitor's window is closed. A colleague sees the same receipt. Within the
// open conversation, the find field highlights every match and Enter moves
// from one to the next.
import { test, expect } from '@playwright/test';
import { demoTeammate, demoVisitor, launcher, operatorOnline, shot } from './support.mjs';

const ZOE = { email: 'zoe@parlor.test', password: 'zoe-password-1', name: 'Zoe' };

test('each side sees when the other has read', async ({ browser }) => {
  await demoTeammate(ZOE);
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'Is the blue teapot in stock?');
  const win = visitor.win;
  const mine = win.locator('.msg.mine .state').last();
  // Nobody has opened it yet.
  await expect(mine).toHaveText('Sent');

  await op.locator('.conversation', { hasText: 'blue teapot' }).click();
  await expect(mine).toHaveText('Seen');
  await expect(mine).toHaveClass(/seen/);

  // The visitor closes the window: the answer arrives unread.
  await launcher(visitor.page).click();
  await expect(win).toBeHidden();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Yes, two left.');
  await reply.press('Enter');
  const answer = op.locator('ol.thread li.operator', { hasText: 'Yes, two left.' });
  await expect(answer).toBeVisible();
  await expect(op.locator('ol.thread .seen')).toHaveCount(0);

  // They open it again and read it.
  await launcher(visitor.page).click();
  await expect(win.locator('.msg.operator .bubble').last()).toHaveText('Yes, two left.');
  await expect(answer.locator('.seen')).toHaveText('Seen by the visitor');
  await expect(op.locator('ol.thread .seen')).toHaveCount(1);
  await shot(op, 'inbox-read-receipt');
  await shot(visitor.page, 'widget-read-receipt');

  // A colleague opening it sees the same receipt, and it survives a reload.
  const zoe = await operatorOnline(browser, ZOE);
  await zoe.page.locator('.filter', { hasText: 'All' }).click();
  await zoe.page.locator('.conversation', { hasText: 'Yes, two left.' }).click();
  await expect(
    zoe.page.locator('ol.thread li.operator', { hasText: 'Yes, two left.' }).locator('.seen'),
  ).toHaveText('Seen by the visitor');
  await visitor.page.reload();
  await launcher(visitor.page).click();
  await expect(win.locator('.msg.mine .state').last()).toHaveText('Seen');

  await zoe.close();
  await staff.close();
  await visitor.close();
});

test('an operator finds text within the conversation and jumps between matches', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'My ORDER 1042 has not arrived');
  await op.locator('.conversation', { hasText: 'ORDER 1042' }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  for (const text of ['Let me check your order.', 'Shipping is fine <b>today</b>.', 'Your order ships today.']) {
    await reply.fill(text);
    await reply.press('Enter');
    await expect(op.locator('ol.thread li.operator', { hasText: text })).toBeVisible();
  }

  // "F" opens the field (focus outside any text field first).
  await op.locator('.thread-title').click();
  await op.keyboard.press('f');
  const field = op.getByRole('searchbox', { name: 'Find in this conversation' });
  await expect(field).toBeFocused();
  await field.fill('order');
  const marks = op.locator('ol.thread mark');
  await expect(marks).toHaveText(['ORDER', 'order', 'order']);
  await expect(op.locator('.find-count')).toHaveText('1 of 3');
  await expect(op.locator('ol.thread mark.current')).toHaveText('ORDER');

  await field.press('Enter');
  await expect(op.locator('.find-count')).toHaveText('2 of 3');
  await expect(marks.nth(1)).toHaveClass(/current/);
  await field.press('Enter');
  await field.press('Enter');
  await expect(op.locator('.find-count')).toHaveText('1 of 3');
  await field.press('Shift+Enter');
  await expect(op.locator('.find-count')).toHaveText('3 of 3');
  await expect(marks.nth(2)).toHaveClass(/current/);
  await shot(op, 'inbox-find');

  // Markup typed by someone is matched as text, never drawn as HTML.
  await field.fill('<b>today</b>');
  await expect(op.locator('ol.thread mark')).toHaveText(['<b>today</b>']);
  await expect(op.locator('ol.thread b')).toHaveCount(0);
  await field.fill('refund');
  await expect(op.locator('.find-count')).toHaveText('No matches');

  // Escape closes it and the text reads as before.
  await field.press('Escape');
  await expect(field).toBeHidden();
  await expect(op.locator('ol.thread mark')).toHaveCount(0);
  await expect(op.locator('ol.thread li.operator .body').last()).toHaveText('Your order ships today.');
  await staff.close();
  await visitor.close();
});
