// A team of three hands a conversation on: Uma transfers it to Vic with the
// form and a note, Vic sends it to the Billing department with `/transfer`,
// routing gives it to Billing's one member Wes, who looks at `/history`
// and ends it with `/close`. The transfer lines stay with the team; the
// visitor never sees them.
import { test, expect } from '@playwright/test';
import { APP, HOST, adminCall, chatWindow, hostPage, hydrated, launcher, operatorOnline, shot, signIn } from './support.mjs';

test.describe.configure({ mode: 'serial' });

const UMA = { email: 'uma@parlor.test', password: 'uma-password-1', name: 'Uma' };
const VIC = { email: 'vic@parlor.test', password: 'vic-password-1', name: 'Vic' };
const WES = { email: 'wes@parlor.test', password: 'wes-password-1', name: 'Wes' };
let channel;

test.beforeAll(async () => {
  channel = await adminCall('channels/create', { name: 'Hand-over shop' });
  await adminCall('channels/sites', { id: channel, sites: HOST, in_app: false });
  await adminCall('channels/departments', { id: channel, departments: 'Sales\nBilling' });
  const { channel: created } = await adminCall('channels/get', { id: channel });
  for (const user of created.operators) {
    await adminCall('channels/operator', { id: channel, user, member: false });
  }
  for (const who of [UMA, VIC, WES]) {
    const { id } = await adminCall('users/create', {
      user: { email: who.email, display_name: who.name, password: who.password, role: 'operator' },
    });
    who.id = id;
    await adminCall('channels/operator', { id: channel, user: id, member: true });
  }
});

const mine = (inbox) => inbox.page.locator('.filter', { hasText: 'Mine' }).locator('.count');
const composer = (page) => page.getByRole('textbox', { name: 'Reply' });

test('an admin names the members of a department on the Operators tab', async ({ page }) => {
  await signIn(page, undefined, `/channels/${channel}`);
  await page.getByRole('tab', { name: 'Operators' }).click();
  const billing = page.getByRole('group', { name: 'Billing' });
  await expect(billing.getByRole('checkbox')).toHaveCount(3);
  await billing.getByRole('checkbox', { name: 'Wes' }).check();
  await expect(page.locator('.department-members [role=status]')).toHaveText('Saved.');
  await page.reload();
  await hydrated(page);
  await page.getByRole('tab', { name: 'Operators' }).click();
  await expect(page.getByRole('group', { name: 'Billing' }).getByRole('checkbox', { name: 'Wes' })).toBeChecked();
  await expect(page.getByRole('group', { name: 'Sales' }).getByRole('checkbox', { name: 'Wes' })).not.toBeChecked();
  await shot(page, 'department-members');
});

test('a conversation goes from operator to operator to a department, and its history stays with the team', async ({ browser }) => {
  const uma = await operatorOnline(browser, UMA);

  // A Sales visitor: Uma is the only one online, so it is hers.
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await hostPage(
    visitor,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Hand-over shop</title>
<script async src="${APP}/widget/v1/channels/${channel}/loader.js"></script></head><body><h1>Hand-over shop</h1></body></html>`,
  );
  await launcher(visitor).click();
  const win = chatWindow(visitor);
  await win.getByRole('combobox', { name: 'Department' }).selectOption({ label: 'Sales' });
  await win.getByRole('textbox', { name: 'Message' }).fill('My invoice shows the wrong address');
  await win.getByRole('button', { name: 'Send' }).click();
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await expect(mine(uma)).toHaveText('1');

  const vic = await operatorOnline(browser, VIC);
  const wes = await operatorOnline(browser, WES);

  // Commands are offered while typing `/`; /help lists them.
  await uma.page.locator('.conversation', { hasText: 'wrong address' }).click();
  await composer(uma.page).fill('/');
  await expect(uma.page.getByRole('listbox', { name: 'Commands' }).getByRole('option')).toHaveCount(6);
  await composer(uma.page).fill('/he');
  await composer(uma.page).press('Tab');
  await expect(composer(uma.page)).toHaveValue('/help ');
  await composer(uma.page).press('Enter');
  const help = uma.page.getByRole('region', { name: 'Commands' });
  await expect(help).toContainText('/transfer');
  await expect(help).toContainText('Hand the conversation over, with a note');
  await expect(composer(uma.page)).toHaveValue('');
  await shot(uma.page, 'inbox-help');
  await help.getByRole('button', { name: 'Close panel' }).click();

  // Uma hands it to Vic with the form and a note.
  await uma.page.getByRole('button', { name: 'Transfer' }).click();
  const form = uma.page.getByRole('form', { name: 'Transfer' });
  await form.getByLabel('To').selectOption({ label: 'Vic (Online)' });
  await form.getByLabel('Note for them').fill('Knows <b>invoices</b> best');
  await shot(uma.page, 'inbox-transfer-form');
  await form.getByRole('button', { name: 'Transfer' }).click();
  await expect(form).toHaveCount(0);
  const umaLine = uma.page.locator('ol.thread li.transfer');
  await expect(umaLine.locator('.author')).toHaveText('Uma transferred it to Vic');
  await expect(umaLine.locator('.body')).toHaveText('Knows <b>invoices</b> best');
  await expect(uma.page.locator('.thread-meta')).toContainText('Assigned to Vic');
  await expect(mine(uma)).toHaveText('0');

  // Vic has it, with the note in its history.
  await expect(mine(vic)).toHaveText('1');
  await vic.page.locator('.conversation', { hasText: 'wrong address' }).click();
  await expect(vic.page.locator('ol.thread li.transfer .body')).toHaveText('Knows <b>invoices</b> best');

  // …and sends it to Billing with a command: Wes is its member.
  await composer(vic.page).fill('/transfer billing please fix the address');
  await composer(vic.page).press('Enter');
  await expect(vic.page.locator('ol.thread li.transfer')).toHaveCount(2);
  await expect(vic.page.locator('ol.thread li.transfer').last().locator('.author')).toHaveText('Vic transferred it to Billing');
  await expect(mine(wes)).toHaveText('1');
  await wes.page.locator('.conversation', { hasText: 'wrong address' }).click();
  await expect(wes.page.locator('.thread-meta')).toContainText('Hand-over shop · Billing · Assigned to Wes');
  await expect(wes.page.locator('ol.thread li.transfer .body')).toHaveText(['Knows <b>invoices</b> best', 'please fix the address']);
  await shot(wes.page, 'inbox-transferred');

  // /history: the visitor has no other conversation. Then /close ends it.
  await composer(wes.page).fill('/history');
  await composer(wes.page).press('Enter');
  await expect(wes.page.getByRole('region', { name: "The visitor's other conversations" })).toContainText('No other conversations.');
  await composer(wes.page).fill('/close');
  await composer(wes.page).press('Enter');
  await expect(wes.page.locator('.ended-tag')).toHaveText('Closed');

  // The visitor saw neither the transfers nor their notes.
  await expect(visitor.locator('parlor-chat .ended')).toContainText('This conversation has ended.');
  const seen = await win.innerText();
  expect(seen).not.toContain('invoices</b>');
  expect(seen).not.toContain('fix the address');
  expect(seen).not.toContain('transferred');
  for (const ctx of browser.contexts()) await ctx.close();
});
