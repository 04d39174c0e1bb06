// Searching the inbox: a word from a message finds its conversation (the
// match marked), opening it shows the thread, and a too short search says
// why.
import { test, expect } from '@playwright/test';
import { demoVisitor, operatorOnline, shot } from './support.mjs';

test('an operator finds a conversation by a word from it and opens it', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'My parcel 7731 never arrived');
  await demoVisitor(browser, 'Unrelated question about plants');

  const box = op.getByRole('searchbox', { name: 'Search conversations' });
  await box.fill('x');
  await op.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(op.getByRole('alert').filter({ hasText: 'type at least 2 characters' })).toBeVisible();

  await box.fill('PARCEL 77');
  await op.getByRole('button', { name: 'Search', exact: true }).click();
  const results = op.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('button')).toHaveCount(1);
  await expect(results.locator('mark')).toHaveText('parcel 77');
  await shot(op, 'inbox-search');
  await results.getByRole('button').click();
  await expect(op.locator('ol.thread li.visitor .body')).toHaveText('My parcel 7731 never arrived');
  await staff.close();
  await visitor.close();
});
