// Ticket screens are live: what one operator changes shows on another's
// list and ticket page without a reload, and a field being edited keeps
// what was typed while the others take the new values.
import { test, expect } from '@playwright/test';
import { adminCall, APP, demoTeam, operatorOnline, shot, signIn, ticketFromChat } from './support.mjs';

test('the list and the ticket page follow changes made elsewhere', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const team = await demoTeam('Live desk');
  const number = await ticketFromChat(browser, op, 'The toaster sparks', 'Toaster sparks');

  // Two screens in another browser: the list, and the ticket's page.
  const context = await browser.newContext({ baseURL: APP });
  const list = await context.newPage();
  await signIn(list, undefined, '/tickets');
  await list.getByRole('combobox', { name: 'Team' }).selectOption({ label: team.name });
  const row = list.locator(`table.tickets tr[data-ticket="${number}"]`);
  await expect(row).toContainText('Toaster sparks');
  const page = await context.newPage();
  await page.goto(`/tickets/${number}`);
  await page.locator('body[data-hydrated]').waitFor();

  // Stars clicked on the list show on the ticket's page.
  await row.getByRole('button', { name: 'Priority High' }).click();
  await expect(page.getByRole('group', { name: 'Priority: High' })).toBeVisible();

  // A stage saved on the page shows on the list.
  await page.getByLabel('Stage').selectOption({ label: 'On hold' });
  await page.getByRole('button', { name: 'Save ticket' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(row).toContainText('On hold');

  // Someone else renames it while the description is being typed here.
  const description = page.getByLabel('Description');
  await description.fill('Sparks when <b>bread</b> is in');
  await adminCall('helpdesk/tickets/change', {
    number,
    change: { title: 'Toaster sparks and smokes' },
  });
  await expect(page.getByLabel('Title')).toHaveValue('Toaster sparks and smokes');
  await expect(page.locator('h1')).toHaveText(`#${number} Toaster sparks and smokes`);
  await expect(description).toHaveValue('Sparks when <b>bread</b> is in');
  await expect(row).toContainText('Toaster sparks and smokes');
  // Saving sends the description only: the new title stays.
  await page.getByRole('button', { name: 'Save ticket' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  const saved = await adminCall('helpdesk/tickets/get', { number });
  expect(saved.title).toBe('Toaster sparks and smokes');
  expect(saved.description).toBe('Sparks when <b>bread</b> is in');

  // A note written elsewhere joins the page's thread.
  await adminCall('helpdesk/tickets/note', {
    number,
    entry: { body: 'Customer <i>called</i> again', request_id: null },
  });
  await expect(page.locator('.ticket-thread')).toContainText('Customer <i>called</i> again');

  // A new ticket appears on the list by itself.
  const other = await ticketFromChat(browser, op, 'The fridge beeps', 'Fridge beeps');
  await expect(list.locator(`table.tickets tr[data-ticket="${other}"]`)).toContainText('Fridge beeps');
  await shot(list, 'tickets-live-list');
  await shot(page, 'tickets-live-page');
  await context.close();
  await staff.close();
});
