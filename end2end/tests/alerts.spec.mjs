// Alerts per operator: Ava turns the sound off for new messages in her
// conversations but keeps the notifications; Ben keeps the defaults. With
// their inbox tabs hidden, a visitor of each writes: Ava gets a
// notification and no chime, Ben both, and the titles count. A mention
// notifies Ava, and a visitor who must wait in line (everyone full) raises
// the "waiting in the queue" alert. The notifications are real
// (`grantPermissions`); an init script only records their titles, and the
// page counts its chimes in `data-chimes`.
import { test, expect } from '@playwright/test';
import {
  APP, channelOperatedBy, channelVisitor, chatWindow, expectNoSeriousViolations, hydrated, operatorOnline, shot, signIn,
} from './support.mjs';

test.describe.configure({ mode: 'serial' });

const AVA = { email: 'ava.alerts@parlor.test', password: 'ava-password-1', name: 'Ava' };
const BEN = { email: 'ben.alerts@parlor.test', password: 'ben-password-1', name: 'Ben' };
let channel;

test.beforeAll(async () => {
  channel = await channelOperatedBy('Alert shop', [AVA, BEN]);
});

/** `who`'s inbox, allowed to notify, with a switch to hide the tab and a
 * record of the notifications it shows (the real constructor still runs). */
async function inbox(browser, who) {
  // bypassCSP: axe is injected into the page.
  const context = await browser.newContext({ baseURL: APP, bypassCSP: true });
  await context.grantPermissions(['notifications'], { origin: APP });
  await context.addInitScript(() => {
    window.__hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => window.__hidden });
    window.__notes = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        window.__notes.push({ title, body: options?.body ?? '' });
        super(title, options);
      }
    };
  });
  const page = await context.newPage();
  await signIn(page, who, '/inbox');
  await expect(page.locator('.link-state')).toHaveText('Live');
  return page;
}

async function setHidden(page, hidden) {
  await page.evaluate((h) => {
    window.__hidden = h;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, hidden);
}

const chimes = async (page) => Number(await page.locator('.inbox').getAttribute('data-chimes'));
const notes = (page) => page.evaluate(() => window.__notes);

/** A visitor of the channel who wrote `text`; `say` writes more. */
const visitor = (browser, text) => channelVisitor(browser, channel, 'Alert shop', text);

const mine = (page) => page.locator('.filter', { hasText: 'Mine' }).locator('.count');

test('each operator is alerted as they chose, for messages, mentions and the queue', async ({ browser }) => {
  const ava = await inbox(browser, AVA);

  // Ava's settings: the defaults, then no sound for new messages.
  const button = ava.getByRole('button', { name: 'Alerts' });
  await button.click();
  const dialog = ava.getByRole('dialog', { name: 'Alerts' });
  const messageSound = dialog.getByRole('checkbox', { name: 'New message in my conversations: Sound' });
  const messageNote = dialog.getByRole('checkbox', { name: 'New message in my conversations: Notification' });
  await expect(messageSound).toBeChecked();
  await expect(dialog.getByRole('checkbox')).toHaveCount(16);
  await expect(dialog.getByRole('checkbox', { name: 'Also play sounds while the inbox tab is visible' })).not.toBeChecked();
  await expect(dialog).toContainText('Browser notifications are allowed.');
  await messageSound.uncheck();
  await expect(dialog.getByRole('status')).toHaveText('Saved.');
  // The test sound plays, and counts.
  await dialog.getByRole('button', { name: 'Play test sound' }).click();
  await expect(ava.locator('.inbox')).toHaveAttribute('data-chimes', '1');
  await shot(ava, 'alerts-settings');
  await expectNoSeriousViolations(ava, 'the Alerts dialog');
  // Escape closes it and gives the focus back to the button.
  await ava.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
  // Kept across a reload.
  await ava.reload();
  await hydrated(ava);
  await expect(ava.locator('.link-state')).toHaveText('Live');
  await button.click();
  await expect(messageSound).not.toBeChecked();
  await expect(messageNote).toBeChecked();
  await dialog.getByRole('button', { name: 'Close alerts' }).click();
  await expect(dialog).toHaveCount(0);

  // Ava alone online: the first visitor is hers. Then Ben, who is less
  // busy, gets the second.
  const first = await visitor(browser, 'First question');
  await expect(mine(ava)).toHaveText('1');
  const ben = await inbox(browser, BEN);
  const second = await visitor(browser, 'Second question');
  await expect(mine(ben)).toHaveText('1');
  expect(await chimes(ava), 'nothing while she looks').toBe(0);
  expect(await chimes(ben)).toBe(0);

  // Both look away; each one's visitor writes.
  await setHidden(ava, true);
  await setHidden(ben, true);
  await first.say('Are you there, Ava?');
  await second.say('Are you there, Ben?');
  await expect.poll(() => notes(ava)).toContainEqual({ title: expect.stringMatching(/^Visitor /), body: 'Are you there, Ava?' });
  await expect.poll(() => notes(ben)).toContainEqual({ title: expect.stringMatching(/^Visitor /), body: 'Are you there, Ben?' });
  await expect(ava).toHaveTitle('(1) Inbox · Parlor');
  await expect(ben).toHaveTitle('(1) Inbox · Parlor');
  await expect(ben.locator('.inbox')).toHaveAttribute('data-chimes', '1');
  expect(await chimes(ava), 'her sound is off for messages').toBe(0);
  // A colleague's conversation counts as unread but alerts nobody else.
  expect((await notes(ava)).map((n) => n.body)).not.toContain('Are you there, Ben?');
  expect((await notes(ben)).map((n) => n.body)).not.toContain('Are you there, Ava?');

  // Ben (back at his tab) mentions Ava in a note: she hears it.
  await setHidden(ben, false);
  await expect(ben).toHaveTitle('Inbox · Parlor');
  await ben.locator('.conversation', { hasText: 'Are you there, Ben?' }).click();
  await ben.getByRole('button', { name: 'Internal note' }).click();
  await ben.getByRole('textbox', { name: 'Internal note' }).fill('@Ava can you take over?');
  await ben.getByRole('button', { name: 'Add note' }).click();
  await expect.poll(() => notes(ava)).toContainEqual({ title: 'Ben mentioned you', body: '@Ava can you take over?' });
  await expect(ava.locator('.inbox')).toHaveAttribute('data-chimes', '1');
  await expect(ava).toHaveTitle('(2) Inbox · Parlor');

  // Room for one chat each, set on the Users page: both are full.
  const admin = await operatorOnline(browser);
  await admin.page.goto('/users');
  await hydrated(admin.page);
  for (const who of [AVA, BEN]) {
    const row = admin.page.locator('tr', { hasText: who.email });
    await row.getByRole('spinbutton').fill('1');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect(row.getByRole('status')).toHaveText('Saved');
  }
  await admin.close();

  // A third visitor waits in line: both hear of it, once.
  await setHidden(ben, true);
  const third = await visitor(browser, 'Anyone free?');
  await expect(chatWindow(third.page).locator('.queue')).toContainText('number 1 in line');
  for (const page of [ava, ben]) {
    await expect.poll(() => notes(page)).toContainEqual({ title: expect.stringMatching(/^Waiting in the queue: Visitor /), body: '' });
  }
  // One chime for "new" and "waiting" together; Ben's first message of
  // a conversation nobody has chimes again, Ava's does not.
  await expect.poll(async () => (await notes(ava)).map((n) => n.body)).toContain('Anyone free?');
  await expect.poll(async () => (await notes(ben)).map((n) => n.body)).toContain('Anyone free?');
  await expect(ava.locator('.inbox')).toHaveAttribute('data-chimes', '2');
  await expect(ben.locator('.inbox')).toHaveAttribute('data-chimes', '3');
  // New conversation, waiting, and its message: three more in her title.
  await expect(ava).toHaveTitle('(5) Inbox · Parlor');
  await third.say('Still here');
  await expect.poll(async () => (await notes(ava)).map((n) => n.body)).toContain('Still here');
  await expect(ava).toHaveTitle('(6) Inbox · Parlor');
  const waiting = (await notes(ava)).filter((n) => n.title.startsWith('Waiting in the queue'));
  expect(waiting, 'once per conversation').toHaveLength(1);
  expect(await chimes(ava)).toBe(2);

  // Back at the tab, the count clears.
  await setHidden(ava, false);
  await expect(ava).toHaveTitle('Inbox · Parlor');
  await shot(ava, 'alerts-inbox');
  for (const ctx of browser.contexts()) await ctx.close();
});
