// Routing as a team meets it: two operators with room for one chat each
// and visitors arriving. New chats go to whoever has room, the next visitor
// waits in line and sees their place, a closed chat lets the line move,
// and an operator takes a waiting chat by hand.
import { test, expect } from '@playwright/test';
import { adminCall, channelOperatedBy, channelVisitor, chatWindow, hydrated, operatorOnline, shot } from './support.mjs';

test.describe.configure({ mode: 'serial' });

const QUINN = { email: 'quinn@parlor.test', password: 'quinn-password-1', name: 'Quinn' };
const RAE = { email: 'rae@parlor.test', password: 'rae-password-1', name: 'Rae' };
let channel;

test.beforeAll(async () => {
  channel = await channelOperatedBy('Busy shop', [QUINN, RAE]);
  for (const who of [QUINN, RAE]) {
    await adminCall('users/max_chats', { user: who.id, max_chats: 1 });
  }
});

/** A visitor in a context of their own who opened the chat and wrote `text`. */
async function visitor(browser, text) {
  return (await channelVisitor(browser, channel, 'Busy shop', text)).page;
}

const mine = (inbox) => inbox.page.locator('.filter', { hasText: 'Mine' }).locator('.count');
const line = (page) => chatWindow(page).locator('.queue');

test('chats go to whoever has room, the rest wait in line, and operators take them', async ({ browser }) => {
  const quinn = await operatorOnline(browser, QUINN);
  const rae = await operatorOnline(browser, RAE);

  // Two visitors: one chat each, without anyone clicking anything.
  await visitor(browser, 'First in');
  await visitor(browser, 'Second in');
  await expect(mine(quinn)).toHaveText('1');
  await expect(mine(rae)).toHaveText('1');

  // Both full: the third visitor waits, and sees their place.
  const third = await visitor(browser, 'Third in');
  await expect(line(third)).toHaveText('You are number 1 in line. An operator will be with you shortly.');
  const fourth = await visitor(browser, 'Fourth in');
  await expect(line(fourth)).toContainText('number 2 in line');
  await shot(fourth, 'widget-queue');
  await expect(quinn.page.locator('.filter', { hasText: 'Unassigned' }).locator('.count')).toHaveText('2');

  // Quinn ends their chat: the line moves, the third visitor is Quinn's.
  await quinn.page.locator('.filter', { hasText: 'Mine' }).click();
  await quinn.page.locator('.conversation').first().click();
  const first = await quinn.page.locator('.thread .body').first().textContent();
  await quinn.page.getByRole('button', { name: 'Close conversation' }).click();
  await expect(line(third)).toHaveCount(0);
  await expect(line(fourth)).toContainText('number 1 in line');
  await expect(quinn.page.locator('.conversation', { hasText: 'Third in' })).toBeVisible();
  expect(['First in', 'Second in']).toContain(first);

  // Rae takes the last one by hand, though she has no room left.
  await rae.page.locator('.filter', { hasText: 'Unassigned' }).click();
  await rae.page.locator('.conversation', { hasText: 'Fourth in' }).click();
  // A reply half typed survives the conversation's row changing under it,
  // and a visit to another conversation.
  const reply = rae.page.getByRole('textbox', { name: 'Reply' });
  await reply.fill('One moment, I am');
  await rae.page.getByRole('button', { name: 'Take' }).click();
  await expect(rae.page.locator('.thread-meta')).toContainText('Assigned to Rae');
  await expect(reply).toHaveValue('One moment, I am');
  await rae.page.locator('.filter', { hasText: 'All' }).click();
  await rae.page.locator('.conversation', { hasText: 'Second in' }).or(rae.page.locator('.conversation', { hasText: 'First in' })).first().click();
  await expect(reply).toHaveValue('');
  await rae.page.locator('.conversation', { hasText: 'Fourth in' }).click();
  await expect(reply).toHaveValue('One moment, I am');
  await expect(line(fourth)).toHaveCount(0);
  await expect(mine(rae)).toHaveText('2');
  await shot(rae.page, 'inbox-taken');

  // The Users page shows each one's load and maximum.
  const admin = await operatorOnline(browser);
  await admin.page.goto('/users');
  // Typing into the server's HTML before hydration would be lost.
  await hydrated(admin.page);
  const row = admin.page.locator('tr', { hasText: RAE.email });
  await expect(row.locator('.open-chats')).toHaveText('2 open');
  await expect(row.getByRole('spinbutton')).toHaveValue('1');
  await row.getByRole('spinbutton').fill('3');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved');
  await admin.page.reload();
  await hydrated(admin.page);
  await expect(admin.page.locator('tr', { hasText: RAE.email }).getByRole('spinbutton')).toHaveValue('3');
  await shot(admin.page, 'users-load');
  for (const ctx of browser.contexts()) await ctx.close();
});
