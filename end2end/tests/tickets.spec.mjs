// Tickets as an operator works them: the list (highest priority first,
// stars that set the priority), the Kanban (drag a card to another stage)
// and the ticket page (a deep link that survives a reload; every field
// editable). The tickets come from live chats through /ticket.
import { test, expect } from '@playwright/test';
import { demoTeam, operatorOnline, shot, ticketFromChat } from './support.mjs';

test('the list, stars, the Kanban and the ticket page', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  // The team the demo channel's /ticket lands in.
  const team = await demoTeam('Kanban desk');
  const first = await ticketFromChat(browser, op, 'The blender hums', 'Blender hums');
  const second = await ticketFromChat(browser, op, 'The kettle leaks', 'Kettle leaks');

  await op.goto('/tickets');
  await op.locator('body[data-hydrated]').waitFor();
  // The live link's first reload (the page was rendered before it
  // connected) is done before anything is dragged.
  await op.waitForLoadState('networkidle');
  await op.getByRole('combobox', { name: 'Team' }).selectOption({ label: team.name });
  const rows = op.locator('table.tickets tbody tr');
  await expect(rows.filter({ hasText: 'Kettle leaks' })).toHaveCount(1);
  // Three stars on the older one put it first.
  const older = rows.filter({ hasText: 'Blender hums' });
  await older.getByRole('button', { name: 'Priority Urgent' }).click();
  await expect(older.getByRole('group', { name: 'Priority: Urgent' })).toBeVisible();
  await op.reload();
  await op.locator('body[data-hydrated]').waitFor();
  await op.getByRole('combobox', { name: 'Team' }).selectOption({ label: team.name });
  await expect(rows.first()).toContainText('Blender hums');
  await expect(rows.first().getByRole('group', { name: 'Priority: Urgent' })).toBeVisible();
  await shot(op, 'tickets-list');

  // The Kanban: drag the kettle from New to In progress.
  await op.getByRole('button', { name: 'Kanban' }).click();
  const column = (name) => op.locator('.kanban-column', { has: op.locator('h2', { hasText: name }) });
  const card = op.locator(`.ticket-card[data-ticket="${second}"]`);
  await expect(column('New').locator(card)).toBeVisible();
  await card.dragTo(column('In progress'));
  await expect(column('In progress').locator(`.ticket-card[data-ticket="${second}"]`)).toBeVisible();
  // Without a mouse: the card's stage menu, from the keyboard.
  const stage = op.getByRole('combobox', { name: `Stage of #${second}` });
  await stage.focus();
  await stage.selectOption({ label: 'On hold' });
  await expect(column('On hold').locator(`.ticket-card[data-ticket="${second}"]`)).toBeVisible();
  await shot(op, 'tickets-kanban');

  // The ticket page, by its link; edits stay after a reload.
  await op.goto(`/tickets/${first}`);
  await op.locator('body[data-hydrated]').waitFor();
  await expect(op.locator('h1')).toHaveText(`#${first} Blender hums`);
  await op.getByLabel('Title').fill('Blender hums <loudly>');
  await op.getByLabel('Tags (comma-separated)').fill('Kitchen, kitchen, noise');
  await op.getByLabel('Stage').selectOption({ label: 'On hold' });
  await op.getByRole('button', { name: 'Save ticket' }).click();
  await expect(op.getByRole('status')).toHaveText('Saved.');
  await op.reload();
  await op.locator('body[data-hydrated]').waitFor();
  await expect(op.locator('h1')).toHaveText(`#${first} Blender hums <loudly>`);
  await expect(op.getByLabel('Tags (comma-separated)')).toHaveValue('kitchen, noise');
  await expect(op.getByLabel('Stage')).toHaveValue(String(team.stages[2].id));
  await shot(op, 'ticket-page');
  await op.setViewportSize({ width: 390, height: 844 });
  await shot(op, 'ticket-page-phone');
  await staff.close();
});
