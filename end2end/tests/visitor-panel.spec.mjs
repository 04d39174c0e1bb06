// The visitor panel beside the open conversation: a visitor who came to the
// demo shop from a search, in a German browser in Tokyo, with a custom field
// from the JS API. The operator sees the page (live), the referrer, browser
// and OS, language, the visitor's local time, the custom field, and the
// visitor's earlier conversation, which opens on click.
import { test, expect } from '@playwright/test';
import { DEMO, chatWindow, launcher, operatorOnline, shot } from './support.mjs';

const SEARCH = 'https://search.example/?q=shoes';

/** "14:05" now in `zone`, as the operator's browser should show it. */
function timeIn(zone, at = new Date()) {
  return at.toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

async function say(win, text) {
  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
}

test('the operator sees where the visitor is and comes from', async ({ browser }) => {
  const staff = await operatorOnline(browser);
  const op = staff.page;

  const visitorContext = await browser.newContext({ locale: 'de-DE', timezoneId: 'Asia/Tokyo' });
  const tab = await visitorContext.newPage();
  await tab.goto(DEMO, { referer: SEARCH });
  await launcher(tab).click();
  await tab.evaluate(() => window.Parlor.setCustomField('plan', 'Pro'));
  const win = chatWindow(tab);

  // A first conversation, ended, then a second one.
  await say(win, 'Do the boots come in 44?');
  await tab.getByRole('button', { name: 'End conversation' }).click();
  await expect(tab.locator('parlor-chat .ended')).toContainText('This conversation has ended.');
  await tab.getByRole('button', { name: 'Start a new conversation' }).click();
  await say(win, 'And do you ship to Tokyo?');

  await op.locator('.conversation', { hasText: 'And do you ship to Tokyo?' }).click();
  const panel = op.getByRole('complementary', { name: 'Visitor' });
  await expect(panel.locator('.fact-page a')).toHaveText(`${DEMO}/`);
  await expect(panel.locator('.fact-page a')).toHaveAttribute('href', `${DEMO}/`);
  await expect(panel.locator('.fact-referrer a')).toHaveText(SEARCH);
  await expect(panel.locator('.fact-browser')).toHaveText(/^Chrom(e|ium) \d+$/);
  await expect(panel.locator('.fact-os')).toHaveText('Linux');
  await expect(panel.locator('.fact-language')).toHaveText('de-DE');
  // No proxy names the country here and there is no GeoIP database (the
  // Rust test server/tests/visitor_panel.rs covers a known one).
  await expect(panel.locator('.fact-country')).toHaveText('Unknown');
  // Computed in the operator's browser from the visitor's zone; allow for
  // the minute turning between the two readings.
  const shown = await panel.locator('.fact-time').textContent();
  const before = new Date(Date.now() - 60_000);
  expect([timeIn('Asia/Tokyo', before), timeIn('Asia/Tokyo')].map((t) => `${t} (Asia/Tokyo)`)).toContain(shown);
  await expect(panel.locator('.visitor-profile')).toContainText('plan');
  await expect(panel.locator('.visitor-profile dd')).toHaveText(['Pro']);

  // The earlier conversation is listed, and opens on click.
  const past = panel.locator('.history li');
  await expect(past).toHaveCount(1);
  await expect(past).toContainText('Do the boots come in 44?');
  await expect(past).toContainText('Closed');
  // A column at the right of the messages on a wide screen.
  const messages = await op.locator('ol.thread').boundingBox();
  const column = await panel.boundingBox();
  expect(column.x).toBeGreaterThanOrEqual(messages.x + messages.width - 1);
  await shot(op, 'visitor-panel');

  // The page follows the visitor live; the referrer stays the search.
  await tab.goto(`${DEMO}/checkout`);
  await expect(panel.locator('.fact-page a')).toHaveText(`${DEMO}/checkout`);
  await expect(panel.locator('.fact-referrer a')).toHaveText(SEARCH);

  // On a narrow screen the panel sits under the thread's header.
  await op.setViewportSize({ width: 900, height: 800 });
  const head = await op.locator('.thread-head').boundingBox();
  const box = await panel.boundingBox();
  expect(box.y).toBeGreaterThanOrEqual(head.y + head.height - 1);
  await shot(op, 'visitor-panel-narrow');
  await op.setViewportSize({ width: 1280, height: 720 });

  await past.getByRole('button').click();
  await expect(op.locator('ol.thread')).toContainText('Do the boots come in 44?');
  await expect(op.locator('ol.thread')).not.toContainText('And do you ship to Tokyo?');

  await visitorContext.close();
  await staff.close();
});
