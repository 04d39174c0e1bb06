// A team's website form, as an admin sets it up and a customer uses it:
// the fields and the embed snippet on the team's card, then the public
// page with JavaScript off (a refused send keeps every answer; a good one
// gives the ticket's number), on a phone, in dark mode and in Arabic.
import { test, expect } from '@playwright/test';
import { APP, adminCall, expectNoSeriousViolations, shot, signIn } from './support.mjs';

test('set up the form, then send it without JavaScript', async ({ browser, page }) => {
  const team = await adminCall('helpdesk/teams/create', {
    team: {
      name: 'Returns desk', assignment: 'manual', members: [], live_chat: false,
      channels: [], web_form: true, email_alias: '', stages: [],
    },
  });

  // The admin adds a required list to the form.
  await signIn(page, undefined, '/helpdesk/teams');
  const card = page.locator(`section.helpdesk-team[data-team="${team.id}"]`);
  await card.getByRole('button', { name: 'Form fields and snippet' }).click();
  const editor = card.locator('form.help-form-editor');
  await expect(editor.getByLabel('Embed it in another site')).toHaveValue(
    new RegExp(`<iframe src="${APP}/help/${team.id}/new"`),
  );
  await editor.getByRole('button', { name: 'Add a field' }).click();
  await editor.getByLabel('Type').selectOption({ label: 'One choice from a list' });
  await editor.getByLabel('Label').fill('Reason');
  await editor.getByLabel('Required').check();
  await editor.getByLabel('Choices (one per line)').fill('Damaged\nWrong size\n');
  await editor.getByRole('button', { name: 'Save form' }).click();
  await expect(editor.getByRole('status')).toHaveText('Saved.');
  await shot(page, 'help-form-editor');
  const saved = await adminCall('helpdesk/form', { team: team.id });
  expect(saved.form.fields).toEqual([
    expect.objectContaining({ kind: 'choice', label: 'Reason', required: true, choices: ['Damaged', 'Wrong size'] }),
  ]);

  // Accessible (axe runs as a script, so in a page with JavaScript on).
  await page.goto(`/help/${team.id}/new`);
  await expectNoSeriousViolations(page, 'the website form');

  // The customer, without JavaScript.
  const context = await browser.newContext({ baseURL: APP, javaScriptEnabled: false });
  const customer = await context.newPage();
  await customer.goto(`/help/${team.id}/new`);
  await expect(customer.getByRole('heading', { name: 'Contact us' })).toBeVisible();
  await customer.getByLabel('Your name').fill('Dee <b>Customer</b>');
  await customer.getByLabel('Your email').fill('not-an-address');
  await customer.getByLabel('Subject').fill('Return <script>x()</script>');
  await customer.getByLabel('How can we help?').fill('The box arrived crushed.');
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByRole('alert')).toHaveText('Please correct the marked fields.');
  await expect(customer.getByLabel('Your email')).toHaveAttribute('aria-invalid', 'true');
  await expect(customer.locator('#field-f0-error')).toHaveText('Please fill this in.');
  await expect(customer.getByLabel('Subject')).toHaveValue('Return <script>x()</script>');
  await expect(customer.getByLabel('How can we help?')).toHaveValue('The box arrived crushed.');
  await shot(customer, 'help-form-refused');
  await customer.getByLabel('Your email').fill('dee@customer.test');
  await customer.getByLabel('Reason').selectOption('Damaged');
  await customer.getByRole('button', { name: 'Send' }).click();
  const done = customer.getByRole('status');
  await expect(done).toContainText('Your request is ticket #');
  const number = Number((await done.textContent()).match(/#(\d+)/)[1]);
  await shot(customer, 'help-form-sent');
  const ticket = await adminCall('helpdesk/tickets/get', { number });
  expect(ticket.title).toBe('Return <script>x()</script>');
  expect(ticket.source).toBe('form');
  expect(ticket.description).toBe('The box arrived crushed.\n\nReason: Damaged');

  // A phone, dark mode, Arabic (right to left).
  const phone = await browser.newContext({
    baseURL: APP, javaScriptEnabled: false, viewport: { width: 390, height: 844 },
    colorScheme: 'dark', locale: 'ar',
  });
  const small = await phone.newPage();
  await small.goto(`/help/${team.id}/new`);
  await expect(small.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(small.getByRole('heading', { name: 'اتصل بنا' })).toBeVisible();
  const background = await small.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(background).toBe('rgb(21, 23, 28)');
  await shot(small, 'help-form-phone-dark-ar');
  await context.close();
  await phone.close();
});
