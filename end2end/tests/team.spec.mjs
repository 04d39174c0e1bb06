// Users and channel operators: the admin creates an operator, puts them on a
// channel; the operator signs in with fewer rights and signs out.
import { test, expect } from '@playwright/test';
import { signIn, shot, hydrated } from './support.mjs';

const OPERATOR = { email: 'olivia@parlor.test', password: 'operator-password', name: 'Olivia Operator' };

test.describe.configure({ mode: 'serial' });

test('the admin creates an operator and adds them to a channel', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  // Server-rendered and hydrated, too.
  await page.reload();
  await hydrated(page);

  // Inline validation first.
  await page.locator('#user-email').fill('not-an-email');
  await page.locator('#user-password').fill('short');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.locator('#user-email-error')).toContainText('email address');
  await expect(page.locator('#user-password-error')).toContainText('at least 8');
  await expect(page.locator('#user-name-error')).toHaveText('is required');

  await page.locator('#user-name').fill(OPERATOR.name);
  await page.locator('#user-email').fill(OPERATOR.email);
  await page.locator('#user-password').fill(OPERATOR.password);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status')).toHaveText(`Created ${OPERATOR.name}.`);
  await expect(page.getByRole('cell', { name: OPERATOR.email })).toBeVisible();

  // The same email twice is refused beside the field.
  await page.locator('#user-name').fill('Copy');
  await page.locator('#user-email').fill(OPERATOR.email.toUpperCase());
  await page.locator('#user-password').fill(OPERATOR.password);
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.locator('#user-email-error')).toHaveText('is already used by another account');
  await shot(page, 'admin-users');

  await page.getByRole('link', { name: 'Channels' }).click();
  await page.getByRole('link', { name: 'Website', exact: true }).click();
  await page.getByRole('tab', { name: 'Operators' }).click();
  const row = page.locator('.operator-list li', { hasText: OPERATOR.email });
  await expect(row.getByRole('checkbox')).not.toBeChecked();
  await row.getByRole('checkbox').check();
  await expect(row.getByRole('checkbox')).toBeChecked();
  await shot(page, 'admin-operators');
  await page.reload();
  await hydrated(page);
  await page.getByRole('tab', { name: 'Operators' }).click();
  await expect(page.locator('.operator-list li', { hasText: OPERATOR.email }).getByRole('checkbox')).toBeChecked();
});

test('an operator sees channels but cannot change them, then signs out', async ({ page }) => {
  await signIn(page, OPERATOR);
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(page.locator('#new-channel')).toHaveCount(0);
  await page.getByRole('link', { name: 'Website', exact: true }).click();
  await expect(page.locator('#name')).toBeDisabled();
  // The server refuses even a hand-made request.
  const res = await page.request.post('/api/channels/create', { data: { name: 'Sneaky' } });
  expect(res.ok()).toBe(false);
  expect(await res.text()).toContain('Forbidden');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/channels');
  await expect(page).toHaveURL(/\/login$/);
});
