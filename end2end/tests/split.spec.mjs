// The admin app loads each section's code when the section is first opened
// (app/src/sections.rs; scripts/build.sh splits the bundle). Read from the
// browser's requests: a cold page fetches the main bundle and its own
// section's files, never another section's; a click to a section fetches
// its files once; and a tab left open across a deploy (the old build's
// files gone) loads the page it was going to from the new build, once.
import { test, expect } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, APP, demoVisitor, hydrated, operatorOnline, signIn, shot, startParlor } from './support.mjs';

const site = process.env.PARLOR_SITE_ROOT ?? '';
const buildId = readFileSync(path.join(site, 'pkg', 'BUILD_ID'), 'utf8').trim();
const manifest = JSON.parse(
  readFileSync(path.join(site, 'pkg', buildId, '__wasm_split_manifest.json'), 'utf8'),
);
const MAIN = ['parlor.js', 'parlor_bg.wasm', 'parlor.css'];

/** The files a split function (by name: `team`, `thread_view`…) needs. */
function filesOf(fn) {
  const key = Object.keys(manifest).find((k) => k.replace(/_\d+$/, '') === fn);
  expect(key, `a module for ${fn} in ${JSON.stringify(manifest)}`).toBeTruthy();
  return manifest[key].map((f) => `${f}.wasm`);
}
/** A section's own module (not the chunks it shares). */
const own = (fn) => filesOf(fn).filter((f) => f.startsWith('split_'));
// Every split function: the inbox's own parts as well as the sections.
const SECTIONS = ['channels', 'team', 'tickets', 'thread_view', 'search_results', 'dialog', 'ring', 'sign_in'];

/** The names of the files a page fetches from its build's directory. */
function pkgRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/pkg/')) seen.push(p.split('/').pop());
  });
  return seen;
}

/** A fresh context (empty HTTP cache) holding the admin's session. */
async function coldContext(browser) {
  const warm = await browser.newContext({ baseURL: APP });
  await signIn(await warm.newPage(), ADMIN, '/inbox');
  const storageState = await warm.storageState();
  await warm.close();
  return browser.newContext({ baseURL: APP, storageState });
}

/** The inbox, cold, with its errors and /pkg/ requests recorded. */
async function coldInbox(browser) {
  const context = await coldContext(browser);
  const page = await context.newPage();
  const errors = recordErrors(page);
  const seen = pkgRequests(page);
  await page.goto('/inbox');
  await hydrated(page);
  return { context, page, errors, seen };
}

/** Fails on any error the page logs or throws. */
function recordErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

// Every section's pages, opened cold: what each one shows once hydrated,
// and which split function its code is in (none: the main bundle).
const PAGES = [
  { path: '/inbox', heading: 'Inbox', fn: null },
  { path: '/channels', heading: 'Channels', fn: 'channels' },
  { path: '/users', heading: 'Users', fn: 'team' },
  { path: '/canned', heading: 'Canned responses', fn: 'team' },
  { path: '/settings/mail', heading: 'Mail', fn: 'team' },
  { path: '/helpdesk/teams', heading: 'Helpdesk teams', fn: 'team' },
  { path: '/tickets', heading: 'Tickets', fn: 'tickets' },
  { path: '/tickets/999999', heading: 'Ticket', fn: 'tickets' },
];

test('each section, opened cold, fetches its own code and no other section\'s', async ({ browser }) => {
  const context = await coldContext(browser);
  for (const { path: to, heading, fn } of PAGES) {
    // A page of its own each time, with the cache emptied: a cold load.
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    const errors = recordErrors(page);
    const seen = pkgRequests(page);
    await page.goto(to);
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    if (to === '/inbox') {
      await expect(page.getByText('Pick a conversation on the left.')).toBeVisible();
    } else if (to.startsWith('/tickets/')) {
      await expect(page.locator('.form-error')).toContainText('ticket');
    } else {
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    }
    for (const f of MAIN) expect(seen, `${to} fetched ${f}`).toContain(f);
    const mine = fn ? filesOf(fn) : [];
    for (const f of mine) expect(seen, `${to} fetched ${f}`).toContain(f);
    for (const other of SECTIONS.filter((s) => s !== fn)) {
      for (const f of own(other)) expect(seen, `${to} fetched ${f}`).not.toContain(f);
    }
    // Nothing but the main bundle, the loader and the section's own files.
    const expected = new Set([...MAIN, ...mine]);
    const extra = seen.filter((f) => !expected.has(f) && !f.startsWith('__wasm_split.'));
    expect(extra, `${to} fetched only its own files`).toEqual([]);
    // A ticket that does not exist is a 404 page, which Chromium logs.
    const notFound = to.startsWith('/tickets/') ? (e) => !/status of 404/.test(e) : () => true;
    expect(errors.filter(notFound), `${to} logged no errors`).toEqual([]);
    await page.close();
  }
  // The channel page itself, reached from the list: the channels module.
  const page = await context.newPage();
  const seen = pkgRequests(page);
  await page.goto('/channels');
  await hydrated(page);
  await page.locator('a[href^="/channels/"]').first().click();
  await expect(page.locator('h1.channel-title')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Widget' })).toBeVisible();
  expect(seen.filter((f) => f.endsWith('.wasm') && !MAIN.includes(f)).sort()).toEqual(
    filesOf('channels').sort(),
  );
  await context.close();
});

test('clicking through the app fetches each section once, and every section works', async ({ browser }) => {
  const { context, page, errors, seen } = await coldInbox(browser);
  await page.waitForLoadState('networkidle');
  for (const fn of SECTIONS) {
    for (const f of own(fn)) expect(seen, `the inbox fetched ${f}`).not.toContain(f);
  }

  /** Clicks the nav link `name`; the files fetched meanwhile. */
  async function open(name, heading) {
    const from = seen.length;
    // The Tickets link carries counts after its name.
    await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${name}`) }).first().click();
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    return seen.slice(from).filter((f) => f.endsWith('.wasm'));
  }
  async function inbox() {
    await page.getByRole('navigation').getByRole('link', { name: 'Inbox', exact: true }).click();
    await expect(page.getByText('Pick a conversation on the left.')).toBeVisible();
  }
  const fetched = [];
  const got = await open('Users', 'Users');
  expect(got.sort()).toEqual(filesOf('team').sort());
  fetched.push(...got);
  await page.locator('#user-name').fill('Nina Navigated');
  await page.locator('#user-email').fill('nina@parlor.test');
  await page.locator('#user-password').fill('nina-password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status')).toHaveText('Created Nina Navigated.');

  // The same section's other pages: nothing more to fetch.
  expect(await open('Canned responses', 'Canned responses')).toEqual([]);
  const add = page.locator('form.new-canned');
  await add.getByLabel('Shortcut').fill('splitcheck');
  await add.getByLabel('Text').fill('Loaded on demand.');
  await add.getByRole('button', { name: 'Add canned response' }).click();
  await expect(add.getByRole('status')).toHaveText('Added :splitcheck.');
  expect(await open('Mail', 'Mail')).toEqual([]);
  expect(await open('Helpdesk teams', 'Helpdesk teams')).toEqual([]);

  // Another section: only the files it does not share with what came.
  const tickets = await open('Tickets', 'Tickets');
  expect(tickets.sort()).toEqual(filesOf('tickets').filter((f) => !fetched.includes(f)).sort());
  fetched.push(...tickets);
  await expect(page.getByRole('combobox', { name: 'Team' })).toBeVisible();
  const channels = await open('Channels', 'Channels');
  expect(channels.sort()).toEqual(filesOf('channels').filter((f) => !fetched.includes(f)).sort());
  fetched.push(...channels);
  await page.locator('a[href^="/channels/"]').first().click();
  await page.getByRole('tab', { name: 'Widget' }).click();
  await expect(page.getByRole('button', { name: /Copy/ }).first()).toBeVisible();

  // Back where we were: nothing fetched again.
  const again = seen.length;
  await open('Users', 'Users');
  await expect(page.getByRole('cell', { name: 'nina@parlor.test' })).toBeVisible();
  await inbox();
  expect(seen.slice(again)).toEqual([]);
  expect(new Set(fetched).size, 'no file fetched twice').toBe(fetched.length);
  expect(errors).toEqual([]);
  await context.close();
});

test('the thread pane\'s code comes with the first conversation opened', async ({ browser }) => {
  const { context, page, errors, seen } = await coldInbox(browser);
  await expect(page.locator('.link-state')).toHaveText('Live');
  for (const f of own('thread_view')) expect(seen).not.toContain(f);
  const visitor = await demoVisitor(browser, 'Is the thread pane loaded yet?');
  const row = page.locator('.conversations li', { hasText: 'Is the thread pane loaded yet?' });
  await row.click();
  await expect(page.locator('.thread-pane').getByText('Is the thread pane loaded yet?')).toBeVisible();
  for (const f of filesOf('thread_view')) expect(seen, `opening fetched ${f}`).toContain(f);
  // It works: the operator answers, the visitor reads it.
  const reply = page.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Loaded when opened.');
  await reply.press('Enter');
  await expect(visitor.win.getByText('Loaded when opened.')).toBeVisible();
  expect(errors).toEqual([]);
  await visitor.close();
  await context.close();
});

test('a tab open across a deploy loads the page it was going to from the new build', async ({ browser }) => {
  const PORT = 3111;
  const DEMO_PORT = 8191;
  const base = `http://127.0.0.1:${PORT}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parlor-deploy-'));
  // Two builds: the second has other file names (its own build id).
  const before = path.join(dataDir, 'site-before');
  const after = path.join(dataDir, 'site-after');
  cpSync(site, before, { recursive: true });
  cpSync(site, after, { recursive: true });
  renameSync(path.join(after, 'pkg', buildId), path.join(after, 'pkg', 'deployed'));
  writeFileSync(path.join(after, 'pkg', 'BUILD_ID'), 'deployed\n');

  let server = await startParlor({ port: PORT, demoPort: DEMO_PORT, dataDir, siteRoot: before });
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  try {
    await signIn(page, ADMIN, '/inbox');
    const loads = [];
    page.on('load', () => loads.push(page.url()));
    const requests = [];
    page.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith('/pkg/')) requests.push(`${r.status()} ${p}`);
    });

    // The deploy: the old build's files are gone.
    await server.stop();
    server = await startParlor({ port: PORT, demoPort: DEMO_PORT, dataDir, siteRoot: after });

    // The old page asks for its build's Users module, gets a 404, and loads
    // /users from the new build instead: once, and it works.
    await page.getByRole('navigation').getByRole('link', { name: 'Users', exact: true }).click();
    await expect(page).toHaveURL(`${base}/users`);
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
    expect(loads).toEqual([`${base}/users`]);
    expect(requests.some((r) => r.startsWith(`404 /pkg/${buildId}/`)), requests.join('\n')).toBe(true);
    const served = requests.filter((r) => r.startsWith('200 '));
    expect(served.length, requests.join('\n')).toBeGreaterThan(0);
    expect(served.every((r) => r.includes('/pkg/deployed/')), requests.join('\n')).toBe(true);
    await page.locator('#user-name').fill('Dora Deployed');
    await page.locator('#user-email').fill('dora@parlor.test');
    await page.locator('#user-password').fill('dora-password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('status')).toHaveText('Created Dora Deployed.');
    // The guard against a reload loop holds when the last one happened.
    expect(Number(await page.evaluate(() => sessionStorage.getItem('parlor-split-reload')))).toBeGreaterThan(0);
    await shot(page, 'split-after-deploy');

    // Another deploy at once: the next module fails too, and the page does
    // not load again within the minute (no loop, whatever the builds do).
    await server.stop();
    server = await startParlor({ port: PORT, demoPort: DEMO_PORT, dataDir, siteRoot: before });
    const failed = page.waitForEvent('console', (m) => /could not load a part of the page/.test(m.text()));
    await page.getByRole('navigation').getByRole('link', { name: /^Tickets/ }).click();
    await failed;
    await page.waitForTimeout(1000);
    expect(loads).toEqual([`${base}/users`]);
  } finally {
    await context.close();
    await server.stop();
  }
});
