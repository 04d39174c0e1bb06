// The ticket page's thread, as an operator works it: a note stays with the
// team, a reply needs the customer's address, then goes out by email (the
// real postfix from scripts/mail.sh) and shows "Sent". Whatever anyone
// types shows as text.
import { test, expect } from '@playwright/test';
import { demoTeam, operatorOnline, shot, ticketFromChat } from './support.mjs';

const mailOn = Boolean(process.env.PARLOR_TEST_SUBMISSION_PORT);

test('notes and replies on the ticket page', async ({ browser }) => {
  if (!mailOn && process.env.CI === 'true') {
    throw new Error('the mail servers are not running, and CI must not skip this test');
  }
  const staff = await operatorOnline(browser);
  const op = staff.page;
  await demoTeam('Reply desk', 'replies');
  const number = await ticketFromChat(browser, op, 'My parcel is lost', 'Lost parcel');
  await op.goto(`/tickets/${number}`);
  await op.locator('body[data-hydrated]').waitFor();
  const thread = op.locator('section.ticket-thread');
  await expect(thread.getByText('Nothing written yet.')).toBeVisible();
  const box = thread.getByLabel('Reply to the customer, or log a note for the team');

  // A note: for the team, with markup shown as typed.
  await box.fill('Courier says <b>depot</b> <script>x()</script>');
  await thread.getByRole('button', { name: 'Log note' }).click();
  const note = thread.locator('li.entry-note');
  await expect(note.locator('.entry-body')).toHaveText('Courier says <b>depot</b> <script>x()</script>');
  await expect(note.locator('b, script')).toHaveCount(0);
  await expect(note).toContainText('Internal note');
  await expect(box).toHaveValue('');

  if (!mailOn) {
    await expect(thread.getByRole('button', { name: 'Send reply' })).toBeDisabled();
    test.info().annotations.push({ type: 'skipped', description: 'replies: no test mail servers (scripts/mail.sh)' });
    await staff.close();
    return;
  }

  // A chat visitor left no address: the reply is refused, and kept.
  await box.fill('We found your parcel.');
  await thread.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByText('the customer has no email address')).toBeVisible();
  await expect(box).toHaveValue('We found your parcel.');

  const address = `e2e${Date.now()}@customer.test`;
  await op.getByLabel('Customer email').fill(address);
  await op.getByRole('button', { name: 'Save ticket' }).click();
  await expect(op.locator('.ticket-form').getByRole('status')).toHaveText('Saved.');
  await thread.getByRole('button', { name: 'Send reply' }).click();
  const reply = thread.locator('li.entry-reply');
  await expect(reply.locator('.entry-body')).toHaveText('We found your parcel.');
  // Queued, then the sender hands it to postfix.
  await expect(reply.locator('.delivery')).toHaveText('Sent', { timeout: 20_000 });
  await shot(op, 'ticket-thread');
  await op.setViewportSize({ width: 390, height: 844 });
  await thread.scrollIntoViewIfNeeded();
  await shot(op, 'ticket-thread-phone');
  await staff.close();
});
