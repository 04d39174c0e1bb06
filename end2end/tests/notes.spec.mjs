// Internal notes as an operator uses them: a note among the messages,
// marked as such, for the team only; the visitor's window never shows it.
import { test, expect } from '@playwright/test';
import { DEMO, chatWindow, launcher, operatorOnline, shot } from './support.mjs';

test('an internal note stays with the team while the reply reaches the visitor', async ({ page, browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;

  await page.goto(DEMO);
  await launcher(page).click();
  const input = chatWindow(page).getByRole('textbox', { name: 'Message' });
  await input.fill('Where is my parcel 1042?');
  await input.press('Enter');
  await expect(chatWindow(page).locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');

  await op.locator('.conversation', { hasText: 'Where is my parcel 1042?' }).click();
  await op.getByRole('button', { name: 'Internal note' }).click();
  const note = op.getByRole('textbox', { name: 'Internal note' });
  await note.fill('Carrier lost it: <b>refund</b> approved');
  await op.getByRole('button', { name: 'Add note' }).click();
  const noted = op.locator('ol.thread li.note');
  await expect(noted.locator('.body')).toHaveText('Carrier lost it: <b>refund</b> approved');
  await expect(noted.locator('.author')).toHaveText('Note · Administrator');

  await op.getByRole('button', { name: 'Reply' }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Sorry! We are refunding you today.');
  await reply.press('Enter');
  await expect(chatWindow(page).locator('.msg.operator .bubble').last()).toHaveText('Sorry! We are refunding you today.');
  await shot(op, 'inbox-internal-note');

  // The visitor saw the reply and nothing of the note, even after a reload.
  await expect(chatWindow(page)).not.toContainText('refund</b> approved');
  await page.reload();
  await launcher(page).click();
  await expect(chatWindow(page).locator('.msg .bubble').last()).toHaveText('Sorry! We are refunding you today.');
  await expect(chatWindow(page)).not.toContainText('Carrier lost it');

  // Opened again later, the note is still in its place.
  await op.reload();
  await op.locator('.conversation', { hasText: 'Sorry! We are refunding you today.' }).click();
  await expect(op.locator('ol.thread li .body')).toHaveText([
    'Where is my parcel 1042?',
    'Carrier lost it: <b>refund</b> approved',
    'Sorry! We are refunding you today.',
  ]);
  await staff.close();
});
