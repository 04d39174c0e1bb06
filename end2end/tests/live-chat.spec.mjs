// A visitor on the demo host page and an operator in the inbox, in two
// browser contexts, against a server of this file's own so it can be
// restarted mid-conversation.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, signIn, launcher, chatWindow, recordDialogs, shot, startParlor } from './support.mjs';

const PORT = 3110;
const DEMO_PORT = 8190;
const APP = `http://127.0.0.1:${PORT}`;
const DEMO = `http://127.0.0.1:${DEMO_PORT}/`;

test.describe.configure({ mode: 'serial' });

let server;
const dataDir = mkdtempSync(path.join(tmpdir(), 'parlor-live-'));

test.beforeAll(async () => {
  server = await startParlor({ port: PORT, demoPort: DEMO_PORT, dataDir });
});
test.afterAll(async () => {
  await server?.stop();
});

/** The operator's inbox page, with a switch to pretend the tab is hidden and
 * counters for the chime and notifications it raises. */
async function openInbox(browser) {
  const context = await browser.newContext({ baseURL: APP });
  await context.grantPermissions(['notifications'], { origin: APP });
  await context.addInitScript(() => {
    window.__hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => window.__hidden });
    window.__chimes = 0;
    const Audio = window.AudioContext;
    window.AudioContext = class extends Audio {
      createOscillator() {
        window.__chimes++;
        return super.createOscillator();
      }
    };
    window.__notes = [];
    const Note = window.Notification;
    window.Notification = class extends Note {
      constructor(title, options) {
        super(title, options);
        window.__notes.push({ title, body: options?.body ?? '' });
      }
    };
  });
  const page = await context.newPage();
  await signIn(page, ADMIN, '/inbox');
  await expect(page.locator('.link-state')).toHaveText('Live');
  return page;
}

async function openVisitor(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = recordDialogs(page);
  await page.goto(DEMO);
  return { page, dialogs };
}

const visitorInput = (page) => chatWindow(page).getByRole('textbox', { name: 'Message' });
const visitorLines = (page) => chatWindow(page).locator('.msg .bubble:not(.welcome)');
const operatorLines = (page) => page.locator('ol.thread li .body');

test('visitor and operator chat live, through a reload and a server restart', async ({ browser }) => {
  const op = await openInbox(browser);
  const { page: visitor, dialogs } = await openVisitor(browser);

  // The visitor writes first (as text, never HTML).
  await launcher(visitor).click();
  await expect(chatWindow(visitor)).toBeVisible();
  await visitorInput(visitor).fill('Hello <b>there</b>, do you ship to Norway?');
  await visitorInput(visitor).press('Enter');
  await expect(visitorLines(visitor)).toHaveText(['Hello <b>there</b>, do you ship to Norway?']);
  await expect(chatWindow(visitor).locator('.msg.mine .state')).toHaveText('Sent');

  // It shows up in the operator's list without a reload.
  const row = op.locator('.conversation').first();
  await expect(row.locator('.preview')).toHaveText('Hello <b>there</b>, do you ship to Norway?');
  // The only operator online has room: routing gives it to them at once.
  await expect(op.locator('.filter', { hasText: 'Mine' }).locator('.count')).toHaveText('1');
  await expect(op.locator('.filter', { hasText: 'Unassigned' }).locator('.count')).toHaveText('0');
  await row.click();
  await expect(operatorLines(op)).toHaveText(['Hello <b>there</b>, do you ship to Norway?']);
  await expect(op.locator('.visitor-panel .fact-page')).toContainText(DEMO);

  // Typing shows on the other side, both ways.
  await op.getByRole('textbox', { name: 'Reply' }).pressSequentially('We d');
  await expect(chatWindow(visitor).locator('.typing')).toHaveText('Administrator is typing…');
  await visitorInput(visitor).pressSequentially('Oh');
  await expect(op.locator('.typing')).toHaveText('Visitor is typing…');
  await visitorInput(visitor).fill('');

  // The answer reaches the visitor with the operator's name.
  await op.getByRole('textbox', { name: 'Reply' }).fill('We do! Shipping takes 3 days.');
  await op.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitorLines(visitor)).toHaveText([
    'Hello <b>there</b>, do you ship to Norway?',
    'We do! Shipping takes 3 days.',
  ]);
  await expect(chatWindow(visitor).locator('.msg.operator .who').last()).toHaveText('Administrator');
  await expect(op.locator('.filter', { hasText: 'Mine' }).locator('.count')).toHaveText('1');
  await expect(op.locator('.thread-meta')).toContainText('Assigned to Administrator');
  await shot(visitor, 'live-visitor-answered');
  await shot(op, 'live-operator-inbox');

  // The visitor moves to another page of a single-page app; the operator
  // sees it.
  await visitor.evaluate(() => history.pushState({}, '', '/checkout?step=2'));
  await expect(op.locator('.visitor-panel .fact-page')).toContainText(`${DEMO}checkout?step=2`);

  // A message over the limit is refused and marked. Sending it again could
  // not work, so no Retry is offered.
  await visitorInput(visitor).fill('x'.repeat(4001));
  await visitorInput(visitor).press('Enter');
  const failed = chatWindow(visitor).locator('.msg.mine').last();
  await expect(failed.locator('.state')).toContainText('Not sent');
  await expect(failed).toHaveAttribute('data-state', 'failed');
  await expect(failed.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await shot(visitor, 'live-visitor-failed');

  // With the window closed, an answer raises the unread badge.
  await chatWindow(visitor).getByRole('button', { name: 'Close chat' }).click();
  await op.getByRole('textbox', { name: 'Reply' }).fill('Anything else?');
  await op.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitor.locator('parlor-chat .badge')).toHaveText('1');
  await shot(visitor, 'live-visitor-badge');

  // A reload keeps the visitor and shows the history.
  await visitor.reload();
  await launcher(visitor).click();
  await expect(visitorLines(visitor)).toHaveText([
    'Hello <b>there</b>, do you ship to Norway?',
    'We do! Shipping takes 3 days.',
    'Anything else?',
  ]);

  // The server restarts mid-conversation. A message typed meanwhile waits,
  // both sides reconnect by themselves, and nothing is lost or doubled.
  await server.stop();
  await expect(chatWindow(visitor).locator('.status')).toContainText('Offline');
  await expect(op.locator('.link-state')).toContainText('Offline');
  await visitorInput(visitor).fill('Sent while you were away');
  await visitorInput(visitor).press('Enter');
  await expect(chatWindow(visitor).locator('.msg.mine .state').last()).toHaveText('Sending…');
  await shot(visitor, 'live-visitor-offline');
  server = await startParlor({ port: PORT, demoPort: DEMO_PORT, dataDir });
  // Stored ("Sent"), and soon read by the operator, who has it open ("Seen").
  await expect(chatWindow(visitor).locator('.msg.mine .state').last()).toHaveText(/^(Sent|Seen)$/, { timeout: 20_000 });
  await expect(op.locator('.link-state')).toHaveText('Live', { timeout: 20_000 });
  await expect(operatorLines(op)).toHaveText([
    'Hello <b>there</b>, do you ship to Norway?',
    'We do! Shipping takes 3 days.',
    'Anything else?',
    'Sent while you were away',
  ]);
  await op.getByRole('textbox', { name: 'Reply' }).fill('Back again.');
  await op.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(visitorLines(visitor)).toHaveText([
    'Hello <b>there</b>, do you ship to Norway?',
    'We do! Shipping takes 3 days.',
    'Anything else?',
    'Sent while you were away',
    'Back again.',
  ]);
  // The newest line scrolls into view on both sides.
  await expect(visitorLines(visitor).last()).toBeInViewport();
  await expect(operatorLines(op).last()).toBeInViewport();

  // While the inbox tab is hidden, a visitor message chimes, notifies and
  // counts in the title.
  await op.evaluate(() => {
    window.__hidden = true;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await visitorInput(visitor).fill('Are you still there?');
  await visitorInput(visitor).press('Enter');
  await expect(op).toHaveTitle('(1) Inbox · Parlor');
  // The sound and the notification come with their code, on the first alert.
  await expect.poll(() => op.evaluate(() => window.__chimes)).toBeGreaterThan(0);
  await expect.poll(() => op.evaluate(() => window.__notes)).toContainEqual({
    title: expect.stringMatching(/^Visitor /),
    body: 'Are you still there?',
  });
  await op.evaluate(() => {
    window.__hidden = false;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await expect(op).toHaveTitle('Inbox · Parlor');

  // Closing ends it for the visitor, who can start a new conversation.
  await op.getByRole('button', { name: 'Close conversation' }).click();
  await expect(chatWindow(visitor).locator('.ended')).toContainText('This conversation has ended.');
  await expect(chatWindow(visitor).getByRole('button', { name: 'Start a new conversation' })).toBeInViewport();
  await expect(op.locator('.filter', { hasText: 'Closed' }).locator('.count')).toHaveText('1');
  await shot(visitor, 'live-visitor-ended');
  await chatWindow(visitor).getByRole('button', { name: 'Start a new conversation' }).click();
  await visitorInput(visitor).fill('One more question');
  await visitorInput(visitor).press('Enter');
  await expect(visitorLines(visitor)).toHaveText(['One more question']);
  await expect(op.locator('.filter', { hasText: 'Mine' }).locator('.count')).toHaveText('1');
  // The operator still has the closed one open: the new one counts as unread.
  await op.locator('.filter', { hasText: 'All' }).click();
  await expect(op.locator('.conversation').first().locator('.unread-count')).toHaveText('1');
  await expect(op.locator('.conversation').first().locator('.preview')).toHaveText('One more question');
  expect(dialogs).toEqual([]);
});
