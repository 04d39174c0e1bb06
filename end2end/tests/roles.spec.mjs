// The manager role: an admin makes Mia a manager on the Users page. Mia
// operates no channel, yet runs the shift: she sees the channel's
// conversation and each colleague's load, joins and takes it over, edits
// channels and chat limits, and is kept from users, mail settings and the
// identity secret, on screen and by the server. The list's preview says
// "You:" only for one's own message, a colleague's name otherwise.
import { test, expect } from '@playwright/test';
import { channelOperatedBy, channelVisitor, operatorOnline, screen, shot, signIn } from './support.mjs';

test.describe.configure({ mode: 'serial' });

const MIA = { email: 'mia.manager@parlor.test', password: 'mia-password-1', name: 'Mia Manager' };
const OREN = { email: 'oren@parlor.test', password: 'oren-password-1', name: 'Oren' };
let channel;

test.beforeAll(async () => {
  channel = await channelOperatedBy('Late shift shop', [OREN]);
});

test('an admin makes a manager on the Users page', async ({ page }) => {
  await signIn(page, undefined, '/users');
  const role = page.getByLabel('Role');
  await expect(role.locator('option')).toHaveText(['Operator', 'Manager', 'Admin']);
  await page.locator('#user-name').fill(MIA.name);
  await page.locator('#user-email').fill(MIA.email);
  await page.locator('#user-password').fill(MIA.password);
  await role.selectOption({ label: 'Manager' });
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status')).toHaveText(`Created ${MIA.name}.`);
  await expect(page.getByRole('row', { name: new RegExp(MIA.email) }).locator('.role')).toHaveText('manager');
});

test('a manager supervises a channel she does not operate, and takes a chat over', async ({ browser }) => {
  const oren = await operatorOnline(browser, OREN);
  const visitor = await channelVisitor(browser, channel, 'Late shift shop', 'Is the night delivery free?');
  await expect(oren.page.locator('.conversation', { hasText: 'night delivery' })).toBeVisible();

  const mia = await operatorOnline(browser, MIA);
  const page = mia.page;
  const row = page.locator('.conversation', { hasText: 'night delivery' });
  await expect(row).toBeVisible();
  // The team panel shows each colleague's load.
  await expect(page.locator('.team .member', { hasText: OREN.name }).locator('.load')).toHaveText('1 open');
  await expect(page.locator('.team .member', { hasText: MIA.name }).locator('.load')).toHaveText('0 open');
  await screen(page, 'manager-inbox');
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await screen(page, 'manager-inbox-phone');
  await page.setViewportSize(desktop);

  // She joins: the visitor reads her.
  await row.click();
  const composer = page.getByRole('textbox', { name: 'Reply' });
  await composer.fill('Mia here, the manager: yes, it is free tonight.');
  await composer.press('Enter');
  await expect(visitor.page.locator('parlor-chat')).toContainText('yes, it is free tonight');
  // The list says "You:" to her only; Oren reads her name.
  await expect(page.locator('.conversation .preview', { hasText: 'free tonight' })).toHaveText(/^You: Mia here/);
  await expect(oren.page.locator('.conversation .preview', { hasText: 'free tonight' })).toHaveText(
    new RegExp(`^${MIA.name}: Mia here`),
  );

  // …and takes it over with the Transfer form.
  await page.getByRole('button', { name: 'Transfer' }).click();
  const form = page.getByRole('form', { name: 'Transfer' });
  await form.getByLabel('To').selectOption({ label: 'Take it over yourself' });
  await form.getByRole('button', { name: 'Transfer' }).click();
  await expect(page.locator('.thread-meta')).toContainText(`Assigned to ${MIA.name}`);
  await expect(page.locator('ol.thread li.transfer .author')).toHaveText(`${MIA.name} took it over`);
  await expect(page.locator('.team .member', { hasText: MIA.name }).locator('.load')).toHaveText('1 open');
  await expect(page.locator('.team .member', { hasText: OREN.name }).locator('.load')).toHaveText('0 open');
  // Oren, an operator, sees no one's load.
  await expect(oren.page.locator('.team .load')).toHaveCount(0);
  await shot(page, 'manager-took-over');
  await Promise.all([oren.close(), mia.close(), visitor.close()]);
});

test('a manager edits channels and chat limits, and not users, mail or secrets', async ({ page }) => {
  await signIn(page, MIA);
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Mail' })).toHaveCount(0);

  // Channels: hers to change, but the identity secret stays with admins.
  await expect(page.locator('#new-channel')).toBeVisible();
  await page.getByRole('link', { name: 'Late shift shop', exact: true }).click();
  await expect(page.locator('#name')).toBeEnabled();
  await page.getByRole('tab', { name: 'Widget' }).click();
  await expect(page.getByText('Only admins see the secret.')).toBeVisible();

  // Users: the team and its chat limits, but no new accounts.
  await nav.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add user' })).toHaveCount(0);
  const oren = page.getByRole('row', { name: new RegExp(OREN.email) });
  await expect(oren.getByRole('spinbutton')).toBeEnabled();
  await screen(page, 'manager-users');

  // The server refuses what the screens leave out.
  for (const [path, data] of [
    ['/api/users/create', { user: { email: 'x@parlor.test', display_name: 'X', password: 'a-long-password', role: 'admin' } }],
    ['/api/settings/mail', undefined],
    ['/api/channels/identity', { id: channel, required: true }],
  ]) {
    const res = await page.request.post(path, data ? { data } : { form: {} });
    expect(res.status(), path).toBe(403);
  }
});
