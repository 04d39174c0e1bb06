// An unverified identity never names the visitor (docs/embedding.md,
// "Identified visitors"): a page identifies its visitor as "Mallory Forged"
// with a wrong signature. The inbox's row and the conversation's header say
// "Visitor …"; the claim appears only in the visitor panel, under
// "Unverified claim", as text.
import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { APP, HOST, adminCall, signIn, hostPage, launcher, chatWindow, shot, operatorOnline } from './support.mjs';

const sign = (secret, externalId) => createHmac('sha256', secret).update(externalId).digest('hex');

test('a wrongly signed identity is shown only as an unverified claim', async ({ browser }) => {
  // A channel as the issue found it: signatures not required, so only the
  // wrong signature makes the claim untrusted.
  const id = await adminCall('channels/create', { name: 'Forgery shop' });
  await adminCall('channels/sites', { id, sites: HOST, in_app: false });
  const staff = await operatorOnline(browser);

  const identify = {
    externalId: 'owner-1',
    name: 'Mallory Forged',
    email: 'owner@fernhill.test',
    signature: sign('a guessed secret', 'owner-1'),
  };
  const visitor = await browser.newContext();
  const page = await visitor.newPage();
  await hostPage(
    page,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script>window.Parlor = [['identify', ${JSON.stringify(identify)}]];</script>
<script async src="${APP}/widget/v1/channels/${id}/loader.js"></script></head>
<body><main><h1>Fernhill shop</h1></main></body></html>`,
  );
  await launcher(page).click();
  const input = chatWindow(page).getByRole('textbox', { name: 'Message' });
  await input.fill('I own this shop: refund order 1234');
  await input.press('Enter');
  await expect(chatWindow(page).locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');

  const op = await (await browser.newContext({ baseURL: APP, viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(op, undefined, '/inbox');
  const row = op.locator('.conversation', { hasText: 'refund order 1234' });
  await expect(row.locator('.who')).toHaveText(/^Visitor [0-9a-f]{4}$/);
  await expect(row).not.toContainText('Mallory');
  await row.click();
  await expect(op.locator('.thread-title')).toHaveText(/^Visitor [0-9a-f]{4}$/);

  const panel = op.getByRole('complementary', { name: 'Visitor' });
  const claim = panel.getByRole('region', { name: 'Unverified claim' });
  await expect(claim.getByRole('heading', { name: 'Unverified claim' })).toBeVisible();
  await expect(claim.locator('dd')).toHaveText(['Mallory Forged', 'owner@fernhill.test', 'owner-1']);
  // Text only: the claimed address is no mail link.
  await expect(claim.locator('a')).toHaveCount(0);
  // Nowhere else on the page: not as who the visitor is, not in the profile.
  await expect(panel.locator('.visitor-profile')).toHaveCount(0);
  await expect(op.getByText('Mallory Forged')).toHaveCount(1);
  await expect(op.getByText('owner@fernhill.test')).toHaveCount(1);
  await shot(op, 'identity-unverified-claim');

  await op.context().close();
  await visitor.close();
  await staff.close();
});
