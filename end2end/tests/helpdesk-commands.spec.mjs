// The helpdesk from the inbox, as an operator uses it: an admin sets up a
// team that takes the demo channel's chats, then in a live chat `/ticket`
// opens a ticket whose number shows as a note (never to the visitor),
// `/search_tickets` finds it for the operator only, and a mistyped command
// is refused where it was typed, kept in the composer and never sent.
import { test, expect } from '@playwright/test';
import { adminCall, chatWindow, demoVisitor, operatorOnline, shot } from './support.mjs';

test('an admin sets up a team; /ticket and /search_tickets work in a chat; a typo is refused', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const demo = (await adminCall('channels/list', {}))[0];

  // The team, through its page, in a tab of its own: the inbox stays open,
  // so the admin stays online for the visitor.
  const admin = await op.context().newPage();
  await admin.goto('/helpdesk/teams');
  await admin.locator('body[data-hydrated]').waitFor();
  await admin.getByRole('button', { name: 'New team' }).click();
  const form = admin.locator('form.team-form');
  await form.getByLabel('Team name').fill('Support <desk>');
  await form.getByLabel('Tickets from live chat (/ticket)').check();
  await form.getByLabel(demo.name, { exact: true }).check();
  await form.getByRole('button', { name: 'Create team' }).click();
  const card = admin.locator('section.helpdesk-team', { hasText: 'Support <desk>' });
  await expect(card.locator('h2')).toHaveText('Support <desk>');
  await expect(card.locator('.stages li')).toHaveText(['New', 'In progress', 'On hold', 'Solved', 'Cancelled']);
  await expect(card.locator('a.chip')).toHaveText(`${demo.name} — configure`);
  await shot(admin, 'helpdesk-teams');
  await admin.setViewportSize({ width: 390, height: 844 });
  await card.getByRole('button', { name: 'Edit' }).click();
  await expect(admin.locator('section.helpdesk-team form.team-form')).toBeVisible();
  await shot(admin, 'helpdesk-team-edit-phone');
  await admin.locator('section.helpdesk-team').getByRole('button', { name: 'Cancel' }).click();
  await admin.close();

  const visitor = await demoVisitor(browser, 'My printer smokes');
  await expect(op.locator('.link-state')).toHaveText('Live');
  await op.locator('.conversation', { hasText: 'My printer smokes' }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });

  // A typo: refused beside the composer, kept there, not sent, no typing.
  await reply.pressSequentially('/clsoe', { delay: 30 });
  await reply.press('Enter');
  await expect(op.getByRole('alert').filter({ hasText: '/clsoe is not a command' })).toBeVisible();
  await expect(reply).toHaveValue('/clsoe');
  await expect(chatWindow(visitor.page).locator('.typing')).toHaveCount(0);

  await reply.fill('/ticket Printer on fire');
  await reply.press('Enter');
  const note = op.locator('ol.thread li.note', { hasText: 'Printer on fire' });
  await expect(note.locator('.body')).toHaveText(/^Ticket #\d+ created: Printer on fire$/);
  const number = (await note.locator('.body').textContent()).match(/#(\d+)/)[1];
  await expect(reply).toHaveValue('');

  await reply.fill('/search_tickets printer');
  await reply.press('Enter');
  const found = op.locator('section.thread-panel', { hasText: 'Tickets found' });
  await expect(found.locator('.found-tickets li').first()).toContainText(`#${number} Printer on fire`);
  await expect(found.getByRole('link', { name: `#${number} Printer on fire` })).toHaveAttribute(
    'href',
    `/tickets/${number}`,
  );
  await shot(op, 'inbox-ticket-from-chat');

  // The visitor saw none of it.
  const win = chatWindow(visitor.page);
  await expect(win).not.toContainText('/clsoe');
  await expect(win).not.toContainText('Ticket #');
  // The note's link opens the ticket.
  await note.getByRole('link', { name: `Open #${number}` }).click();
  await expect(op).toHaveURL(new RegExp(`/tickets/${number}$`));
  await expect(op.locator('h1')).toHaveText(`#${number} Printer on fire`);
  await expect(win).not.toContainText('Printer on fire');
  await visitor.close();
  await staff.close();
});
