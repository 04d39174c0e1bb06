// A customer's email, with attachments, through the real mail servers. The
// admin sets up the mailbox on the Mail page (outgoing mail comes from the
// environment there, read-only); the mail lands in the team's ticket list
// while the operator looks at it, and its files download from the ticket
// page, names shown as written.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { adminCall, hydrated, shot, signIn, smtpSend } from './support.mjs';

const mailOn = Boolean(process.env.PARLOR_TEST_SUBMISSION_PORT);

test('an email with attachments becomes a ticket with files', async ({ page }) => {
  if (!mailOn && process.env.CI === 'true') {
    throw new Error('the mail servers are not running, and CI must not skip this test');
  }
  test.skip(!mailOn, 'the mail servers are not running (scripts/mail.sh start)');
  const team = await adminCall('helpdesk/teams/create', {
    team: {
      name: 'Mail desk', assignment: 'manual', members: [], live_chat: false,
      channels: [], web_form: false, email_alias: 'intake', stages: [],
    },
  });
  // The mailbox, on the Mail page.
  await signIn(page, undefined, '/settings/mail');
  const incoming = page.getByRole('group', { name: 'Incoming mail (IMAP)' });
  await incoming.getByLabel('Read a mailbox for new tickets').check();
  await incoming.getByLabel('Server', { exact: true }).fill(process.env.PARLOR_TEST_SMTP_HOST);
  await incoming.getByLabel('Port', { exact: true }).fill(process.env.PARLOR_TEST_IMAP_PORT);
  await incoming.getByLabel('Security', { exact: true }).selectOption('starttls');
  await incoming.getByLabel('User', { exact: true }).fill('intake@parlor.test');
  await incoming.getByLabel('Password', { exact: true }).fill(process.env.PARLOR_TEST_MAIL_PASSWORD);
  await incoming.getByLabel('Check every (seconds)', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Save mail settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await hydrated(page);
  // The password never comes back; the environment's SMTP is read-only.
  await expect(incoming.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(incoming.getByLabel('Password', { exact: true })).toHaveAttribute('placeholder', 'Saved; leave empty to keep it');
  const outgoing = page.getByRole('group', { name: 'Outgoing mail (SMTP)' });
  await expect(outgoing.getByLabel('Server', { exact: true })).toHaveValue(process.env.PARLOR_TEST_SMTP_HOST);
  await expect(outgoing.getByLabel('Server', { exact: true })).toBeDisabled();
  await expect(outgoing.getByLabel('Password', { exact: true })).toHaveValue('');
  await shot(page, 'mail-settings');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'mail-settings-phone');
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.goto('/tickets');
  await hydrated(page);
  await page.getByRole('combobox', { name: 'Team' }).selectOption({ label: team.name });
  await expect(page.getByText('No tickets match.')).toBeVisible();

  const run = Date.now().toString(36);
  const subject = `Cracked screen <b>${run}</b>`;
  const mail = [
    `From: Dee Customer <dee.${run}@customer.test>`,
    'To: intake@parlor.test',
    `Subject: ${subject}`,
    `Message-ID: <mail.${run}@customer.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=b1',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'It fell. Photos attached.',
    '--b1',
    'Content-Type: image/png; name="screen <1>.png"',
    'Content-Disposition: attachment; filename="screen <1>.png"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('\x89PNG\r\n\x1a\nparlor-file', 'latin1').toString('base64'),
    '--b1',
    'Content-Type: text/plain; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    '',
    'dropped from the desk',
    '--b1--',
  ].join('\r\n');
  await smtpSend(`dee.${run}@customer.test`, 'intake@parlor.test', mail);

  // The list shows it by itself: fetched, filed, and pushed to this screen.
  const row = page.locator('table.tickets tbody tr', { hasText: subject });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.getByRole('link').click();
  await page.locator('body[data-hydrated]').waitFor();
  await expect(page.locator('h1')).toContainText(subject);
  const files = page.getByRole('list', { name: 'Attachments' });
  await expect(files.getByRole('link')).toHaveText(['screen <1>.png', 'notes.txt']);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    files.getByRole('link', { name: 'notes.txt' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('notes.txt');
  expect((await readFile(await download.path(), 'utf8')).trim()).toBe('dropped from the desk');
  await shot(page, 'ticket-mail-files');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'ticket-mail-files-phone');
});
