// The inbox by keyboard: `?` shows the shortcuts, J and K move through the
// list, R goes to the composer (where letters are text again and Alt+↓
// still moves), E closes the shown conversation.
import { test, expect } from '@playwright/test';
import { demoVisitor, operatorOnline, shot } from './support.mjs';


test('an operator works the inbox from the keyboard', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  await demoVisitor(browser, 'Keyboard one');
  await demoVisitor(browser, 'Keyboard two');
  await expect(op.locator('.conversation', { hasText: 'Keyboard two' })).toBeVisible();

  await op.keyboard.press('?');
  const help = op.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Next conversation');
  await shot(op, 'inbox-shortcuts');
  await op.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // The list is newest first: J opens the first row, J the next, K back.
  const rows = op.locator('.conversation');
  await op.keyboard.press('j');
  await expect(rows.nth(0)).toHaveAttribute('aria-current', 'true');
  await op.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await op.keyboard.press('k');
  await expect(rows.nth(0)).toHaveAttribute('aria-current', 'true');
  await expect(op.locator('.thread-title')).toHaveText(await rows.nth(0).locator('.who').textContent());

  // R: the composer has the focus, and letters are text there.
  await op.keyboard.press('r');
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await expect(reply).toBeFocused();
  await op.keyboard.type('jk');
  await expect(reply).toHaveValue('jk');
  await expect(rows.nth(0)).toHaveAttribute('aria-current', 'true');
  // Alt+↓ moves from the composer too; the draft stays with its conversation.
  await op.keyboard.press('Alt+ArrowDown');
  await expect(rows.nth(1)).toHaveAttribute('aria-current', 'true');
  await op.keyboard.press('Alt+ArrowUp');
  await expect(reply).toHaveValue('jk');

  // E closes the shown conversation (out of the composer).
  await reply.fill('');
  await reply.blur();
  const shown = await op.locator('.thread-title').textContent();
  await op.keyboard.press('e');
  await expect(op.locator('.ended-tag')).toHaveText('Closed');
  await expect(op.locator('.thread-title')).toHaveText(shown);
  for (const ctx of browser.contexts()) await ctx.close();
});
