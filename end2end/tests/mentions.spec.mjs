// An @mention in an internal note: the composer offers colleagues after
// `@`, and the one named sees the conversation marked in their list until
// they open it.
import { test, expect } from '@playwright/test';
import { demoTeammate, demoVisitor, operatorOnline, shot } from './support.mjs';

const MIA = { email: 'mia@parlor.test', password: 'mia-password-1', name: 'Mia' };

test('a note that mentions a colleague marks the conversation for them', async ({ browser }) => {
  await demoTeammate(MIA);
  const staff = await operatorOnline(browser);
  const mia = await operatorOnline(browser, MIA);
  const visitor = await demoVisitor(browser, 'Can I pay by invoice?');

  const op = staff.page;
  await op.locator('.conversation', { hasText: 'Can I pay by invoice?' }).click();
  await op.getByRole('button', { name: 'Internal note' }).click();
  const note = op.getByRole('textbox', { name: 'Internal note' });
  await note.fill('@mi');
  const people = op.getByRole('listbox', { name: 'Mention a colleague' });
  await expect(people.getByRole('option')).toHaveText(['@Mia']);
  await note.press('Tab');
  await expect(note).toHaveValue('@Mia ');
  await note.pressSequentially('can you approve invoicing?');
  await op.getByRole('button', { name: 'Add note' }).click();
  await expect(op.locator('ol.thread li.note .body')).toHaveText('@Mia can you approve invoicing?');
  // In a reply (to the visitor) nobody is offered.
  await op.getByRole('button', { name: 'Reply' }).click();
  await op.getByRole('textbox', { name: 'Reply' }).fill('@mi');
  await expect(people).toHaveCount(0);

  const row = mia.page.locator('.conversation', { hasText: 'Can I pay by invoice?' });
  await expect(row.locator('.badge.mention')).toHaveText('@ you');
  await shot(mia.page, 'inbox-mention');
  await row.click();
  await expect(mia.page.locator('ol.thread li.note .body')).toHaveText('@Mia can you approve invoicing?');
  await expect(row.locator('.badge.mention')).toHaveCount(0);
  await mia.close();
  await staff.close();
  await visitor.close();
});
