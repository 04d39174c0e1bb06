// Canned responses as a team uses them: an admin writes them on /canned
// (a taken shortcut is refused with a reason, a change sticks), then an
// operator types `:` and the start of a shortcut in the composer, picks
// one, and the visitor gets its text as plain text.
import { test, expect } from '@playwright/test';
import { demoVisitor, hydrated, operatorOnline, shot, signIn } from './support.mjs';

test('admins write canned responses and operators answer with them', async ({ page, browser }) => {
  await signIn(page, undefined, '/canned');
  const add = page.locator('form.new-canned');
  await add.getByLabel('Shortcut').fill('Refund');
  await add.getByLabel('Text').fill('We are refunding you <b>today</b>.');
  await add.getByRole('button', { name: 'Add canned response' }).click();
  await expect(add.getByRole('status')).toHaveText('Added :refund.');
  const row = page.locator('tr', { hasText: 'refund' });
  await expect(row).toContainText('We are refunding you <b>today</b>.');
  // The same shortcut again is refused, and says why.
  await add.getByLabel('Shortcut').fill('refund');
  await add.getByLabel('Text').fill('Another text');
  await add.getByRole('button', { name: 'Add canned response' }).click();
  await expect(page.locator('#canned-shortcut-error')).toContainText('already used');
  await add.getByLabel('Shortcut').fill('hello');
  await add.getByLabel('Text').fill('Hello! How can I help?');
  await add.getByRole('button', { name: 'Add canned response' }).click();
  await expect(add.getByRole('status')).toHaveText('Added :hello.');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await shot(page, 'canned-responses');

  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'I was charged twice');

  await op.locator('.conversation', { hasText: 'I was charged twice' }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Sorry about that. :ref');
  const offered = op.getByRole('listbox', { name: 'Canned responses' });
  await expect(offered.getByRole('option')).toHaveCount(1);
  await expect(offered).toContainText(':refund');
  await shot(op, 'inbox-canned');
  await reply.press('Tab');
  await expect(reply).toHaveValue('Sorry about that. We are refunding you <b>today</b>.');
  await expect(offered).toHaveCount(0);
  await reply.press('Enter');
  await expect(visitor.win.locator('.msg.operator .bubble').last()).toHaveText(
    'Sorry about that. We are refunding you <b>today</b>.',
  );
  // A click picks one too.
  await reply.fill(':');
  await expect(offered.getByRole('option')).toHaveCount(2);
  await offered.getByRole('button', { name: /:hello/ }).click();
  await expect(reply).toHaveValue('Hello! How can I help?');
  await staff.close();
  await visitor.close();
});
