// Operators' availability and the offline form, as people meet them: a
// channel with nobody online offers a leave-a-message form; the inbox lists
// what was left; an operator's status (chosen, or away once their inbox is
// closed) reaches visitors and the team live.
import { test, expect } from '@playwright/test';
import {
  APP,
  HOST,
  adminCall,
  channelOnline,
  chatWindow,
  expectNoSeriousViolations,
  hostPage,
  launcher,
  operatorOnline,
  shot,
  signIn,
} from './support.mjs';

test.describe.configure({ mode: 'serial' });

const PAT = { email: 'pat@parlor.test', password: 'pat-password-1', name: 'Pat Night' };
let channel;

/** A page of HOST that embeds the "After hours" channel. */
async function shop(page) {
  const src = `${APP}/widget/v1/channels/${channel}/loader.js`;
  await hostPage(
    page,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Night shop</title>
<script async src="${src}"></script></head><body><main><h1>Night shop</h1></main></body></html>`,
  );
  await launcher(page).click();
  await expect(chatWindow(page)).toBeVisible();
}

const form = (page) => chatWindow(page).locator('form.leave');
const composer = (page) => chatWindow(page).locator('form.composer');

test.beforeAll(async () => {
  // A channel of its own, which nobody operates: its creator (the admin,
  // online during other specs) steps out of it.
  channel = await adminCall('channels/create', { name: 'After hours' });
  await adminCall('channels/sites', { id: channel, sites: HOST, in_app: false });
  const { channel: created } = await adminCall('channels/get', { id: channel });
  for (const user of created.operators) {
    await adminCall('channels/operator', { id: channel, user, member: false });
  }
});

test('with nobody online the widget offers a form, and the inbox lists the message', async ({ page, browser }) => {
  expect(await channelOnline(channel)).toBe(false);
  await shop(page);
  await expect(form(page)).toBeVisible();
  await expect(composer(page)).toBeHidden();
  await expect(form(page).locator('.leave-title')).toHaveText('Leave us a message');
  // Keyboard users land in the form's first field.
  await expect(form(page).getByRole('textbox', { name: 'Your name' })).toBeFocused();
  await expectNoSeriousViolations(page, 'the offline form');

  // A bad email is refused in the form; nothing is sent.
  await form(page).getByRole('textbox', { name: 'Your name' }).fill('Ann <i>Lee</i>');
  await form(page).getByRole('textbox', { name: 'Your email' }).fill('ann at example');
  await form(page).getByRole('textbox', { name: 'Message' }).fill('Please call me back <b>tomorrow</b>');
  await form(page).getByRole('button', { name: 'Send message' }).click();
  await expect(form(page).getByRole('alert')).toHaveText('Please give your name and a valid email address.');
  await shot(page, 'offline-form');

  await form(page).getByRole('textbox', { name: 'Your email' }).fill('ann@example.com');
  await form(page).getByRole('button', { name: 'Send message' }).click();
  const mine = chatWindow(page).locator('.msg.mine');
  await expect(mine.locator('.bubble')).toHaveText('Please call me back <b>tomorrow</b>');
  await expect(mine).toHaveAttribute('data-state', 'sent');
  await expect(chatWindow(page).locator('.left')).toHaveText('Thank you! We will answer by email at ann@example.com');
  // The conversation goes on in the composer.
  await expect(form(page)).toHaveCount(0);
  await expect(composer(page)).toBeVisible();
  await shot(page, 'offline-form-sent');

  // An admin opening the inbox later finds it among the offline messages.
  const staff = await browser.newContext({ baseURL: APP });
  const inbox = await staff.newPage();
  await signIn(inbox, undefined, '/inbox');
  const filter = inbox.locator('.filter', { hasText: 'Offline' });
  await expect(filter.locator('.count')).toHaveText('1');
  await filter.click();
  const row = inbox.locator('.conversation', { hasText: 'Ann <i>Lee</i>' });
  await expect(row.locator('.badge.offline')).toHaveText('Offline message');
  await row.click();
  await expect(inbox.locator('.thread-title')).toHaveText('Ann <i>Lee</i>');
  await expect(inbox.locator('.offline-note')).toBeVisible();
  await expect(inbox.locator('.visitor-profile a')).toHaveAttribute('href', 'mailto:ann@example.com');
  await expect(inbox.locator('ol.thread li .body')).toHaveText(['Please call me back <b>tomorrow</b>']);
  await shot(inbox, 'inbox-offline-message');
  await staff.close();
});

test("an operator's status reaches visitors and the team live", async ({ browser }) => {
  const { id: pat } = await adminCall('users/create', {
    user: { email: PAT.email, display_name: PAT.name, password: PAT.password, role: 'operator' },
  });
  await adminCall('channels/operator', { id: channel, user: pat, member: true });

  // Pat opens the inbox: the channel has someone online.
  const patInbox = await operatorOnline(browser, PAT);
  const picker = patInbox.page.getByRole('combobox', { name: 'Your status' });
  await expect(picker).toHaveValue('online');
  await expect.poll(() => channelOnline(channel)).toBe(true);

  // A visitor opening the widget now gets the chat.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await shop(visitor);
  await expect(composer(visitor)).toBeVisible();
  await expect(form(visitor)).toHaveCount(0);

  // The admin sees Pat online in the team list and on the Users page.
  const admin = await operatorOnline(browser);
  const member = admin.page.locator('.team .member', { hasText: PAT.name });
  await expect(member.locator('.status')).toHaveText('Online');

  // Pat steps away: the visitor's window turns to the form, the team sees it.
  await picker.selectOption('away');
  await expect(form(visitor)).toBeVisible();
  await expect(composer(visitor)).toBeHidden();
  await expect(member.locator('.status')).toHaveText('Away');
  await shot(admin.page, 'inbox-team-presence');

  // Back online, then the tab closes: away after the grace period.
  await picker.selectOption('online');
  await expect(composer(visitor)).toBeVisible();
  await expect(member.locator('.status')).toHaveText('Online');
  await patInbox.close();
  await expect(form(visitor)).toBeVisible();
  await expect(member.locator('.status')).toHaveText('Away');

  await admin.page.goto('/users');
  const row = admin.page.locator('tr', { hasText: PAT.email });
  await expect(row.locator('.status-label')).toHaveText('Away');
  await expect(admin.page.locator('tr', { hasText: 'admin@parlor.test' }).locator('.status-label')).toHaveText('Online');
  await shot(admin.page, 'users-presence');
  await admin.close();
  await visitorContext.close();
});
