// Shared by the browser tests: ports, the first admin, and small helpers.
import { expect } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// PARLOR_E2E_PORTS=app,demo,host moves a run off the default ports, so two
// work trees on one machine can each run a spec.
const PORTS = (process.env.PARLOR_E2E_PORTS ?? '3100,8180,8181').split(',').map(Number);
export const APP_PORT = PORTS[0];
export const DEMO_PORT = PORTS[1];
export const APP = `http://127.0.0.1:${APP_PORT}`;
export const DEMO = `http://127.0.0.1:${DEMO_PORT}`;
/** Where hostPage serves pages of a "third-party site". */
export const HOST_PORT = PORTS[2];
export const HOST = `http://127.0.0.1:${HOST_PORT}`;
export const ADMIN = { email: 'admin@parlor.test', password: 'e2e-admin-password' };

const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** Saves a screenshot under end2end/artifacts/ for a person to look at. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/**
 * Saves what the viewport shows, through CDP: Playwright's screenshots
 * miss fixed elements on a right-to-left page that overflows sideways.
 */
export async function screen(page, name) {
  const cdp = await page.context().newCDPSession(page);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  await cdp.detach();
  writeFileSync(path.join(artifacts, `${name}.png`), Buffer.from(data, 'base64'));
}

export async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor();
}

/** Signs in (which lands on the inbox), then opens `then` (the channel list by default). */
export async function signIn(page, who = ADMIN, then = '/channels') {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  if (then !== '/inbox') await page.goto(then);
  await hydrated(page);
}

/**
 * Keeps `who`'s inbox open in a browser context of its own until `close()`.
 * The first admin operates the default channel: while their inbox is open,
 * its visitors get the chat; without anyone online, the offline form.
 */
export async function operatorOnline(browser, who = ADMIN) {
  const context = await browser.newContext({ baseURL: APP });
  const page = await context.newPage();
  await signIn(page, who, '/inbox');
  await expect(page.locator('.link-state')).toHaveText('Live');
  return { page, close: () => context.close() };
}

/** Whether the channel `id` has an operator online, as its widget learns it. */
export async function channelOnline(id) {
  const res = await fetch(`${APP}/widget/v1/channels/${id}/display?path=/`);
  return (await res.json()).online;
}

/** The launcher button inside the widget's shadow root (Playwright pierces open roots). */
export function launcher(page) {
  return page.locator('parlor-chat button.launcher');
}

export function chatWindow(page) {
  return page.locator('parlor-chat .window');
}

/**
 * Serves `html` from a real HTTP server on HOST (another origin than
 * Parlor's and the demo's) and opens it at `path`. A real server rather than
 * page.route: Chromium treats intercepted pages as public, and refuses their
 * requests to loopback, which no real host page on this machine would meet.
 * One server for the run (one worker), so the origin stays the same and a
 * channel can allow it. `headers` go with the page (a CSP, say).
 */
let hostServer;
let hostHtml = '';
let hostHeaders = {};
export async function hostPage(page, html, path = '/', headers = {}) {
  hostHtml = html;
  hostHeaders = headers;
  if (!hostServer) {
    hostServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...hostHeaders });
      res.end(hostHtml);
    });
    await new Promise((resolve) => hostServer.listen(HOST_PORT, '127.0.0.1', resolve));
    hostServer.unref();
  }
  await page.goto(`${HOST}${path}`);
}

/**
 * The colour the screen shows at (x, y) of the viewport, as [r, g, b]: what
 * filters, opacity and overlays did to it, unlike computed styles. Through
 * CDP: page.screenshot's clip lands elsewhere on a right-to-left page that
 * overflows sideways.
 */
export async function pixel(page, x, y) {
  const cdp = await page.context().newCDPSession(page);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  await cdp.detach();
  const png = Buffer.from(data, 'base64');
  const width = png.readUInt32BE(16);
  const channels = { 2: 3, 6: 4 }[png[25]]; // RGB or RGBA, 8 bits
  const idat = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const row = Math.round(y);
  // Undo the rows' filters down to the wanted one.
  let prev = Buffer.alloc(stride);
  let line;
  for (let r = 0; r <= row; r++) {
    const filter = raw[r * (stride + 1)];
    line = Buffer.from(raw.subarray(r * (stride + 1) + 1, (r + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predict = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[i] = (line[i] + predict) & 255;
    }
    prev = line;
  }
  const at = Math.round(x) * channels;
  return [line[at], line[at + 1], line[at + 2]];
}

/** '#5b5bd6' as [91, 91, 214]. */
export function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The colours of channel `id`'s launcher and window header, as [r, g, b]. */
export async function channelColours(id) {
  const config = await (await fetch(`${APP}/widget/v1/channels/${id}/config`)).json();
  return { button: rgb(config.button_color), header: rgb(config.header_color) };
}

/** Expects two [r, g, b] colours to match within a few steps each. */
export function expectColour(seen, wanted, what) {
  const off = Math.max(...seen.map((v, i) => Math.abs(v - wanted[i])));
  expect(off, `${what}: saw rgb(${seen}), wanted rgb(${wanted})`).toBeLessThanOrEqual(6);
}

/** Calls one of the admin app's server functions as the first admin. */
export async function adminCall(endpoint, body) {
  const login = await fetch(`${APP}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: `email=${encodeURIComponent(ADMIN.email)}&password=${encodeURIComponent(ADMIN.password)}`,
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const res = await fetch(`${APP}/api/${endpoint}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The channel id in a loader URL. */
export function channelOf(src) {
  return src.match(/channels\/([0-9a-f-]{36})\/loader\.js/)[1];
}

/** Lets the demo page and HOST embed the default channel. */
export async function allowHostPages() {
  const id = channelOf(await loaderSrc());
  await adminCall('channels/sites', { id, sites: `${DEMO}\n${HOST}`, in_app: false });
}

/** Every dialog (alert, confirm…) a page opens; a script injection would open one. */
export function recordDialogs(page) {
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return dialogs;
}

/**
 * A Parlor server of the test's own, on `port` (demo page on `demoPort`),
 * over `dataDir`: stop it and start it again on the same port to restart it.
 * `siteRoot` serves another build of the admin app than the suite's.
 */
export async function startParlor({ port, demoPort, dataDir, siteRoot }) {
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.env.PARLOR_BIN, [], {
    env: {
      ...process.env,
      PARLOR_ADDR: `127.0.0.1:${port}`,
      PARLOR_DEMO_ADDR: `127.0.0.1:${demoPort}`,
      PARLOR_DATABASE_URL: `sqlite://${dataDir}/parlor.db`,
      PARLOR_ADMIN_EMAIL: ADMIN.email,
      PARLOR_ADMIN_PASSWORD: ADMIN.password,
      PARLOR_LOG: 'warn',
      ...(siteRoot ? { PARLOR_SITE_ROOT: siteRoot } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        return {
          async stop() {
            proc.kill('SIGKILL');
            await exited;
          },
        };
      }
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) throw new Error(`parlor exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('parlor did not become healthy in 20 s');
}

/** The loader URL the demo page embeds (the default channel's snippet). */
export async function loaderSrc() {
  const html = await (await fetch(DEMO)).text();
  return html.match(/src="([^"]+\/loader\.js)"/)[1];
}

/** A host page in language `lang` (and direction `dir`) that embeds `src`. */
export function shopPage(lang, dir, src) {
  return `<!DOCTYPE html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8">
<title>Shop</title><script async src="${src}" charset="utf-8"></script></head>
<body><main><h1>Shop</h1></main></body></html>`;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core on the page as it is now (it reads open shadow roots) and
 * expects no serious or critical violation. The page's CSP must let the
 * script in (`test.use({ bypassCSP: true })` on admin pages).
 */
export async function expectNoSeriousViolations(page, what) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
  expect(violations, `axe on ${what}`).toEqual([]);
}

/** The demo page's channel: the first one created, first in the list. */
export async function demoChannel() {
  return (await adminCall('channels/list', {}))[0].id;
}

/** A new operator `who` ({email, password, name}) of the demo page's channel. */
export async function demoTeammate(who) {
  const { id } = await adminCall('users/create', {
    user: { email: who.email, display_name: who.name, password: who.password, role: 'operator' },
  });
  await adminCall('channels/operator', { id: await demoChannel(), user: id, member: true });
  return id;
}

/** A visitor in a context of their own on the demo page who wrote `text`. */
export async function demoVisitor(browser, text) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(DEMO);
  await launcher(page).click();
  const win = chatWindow(page);
  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill(text);
  await input.press('Enter');
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  return { page, win, close: () => context.close() };
}

/**
 * A channel of its own named `name`, embeddable on HOST pages, operated by
 * `people` only (new operators, each given an `id`); the admin steps out.
 */
export async function channelOperatedBy(name, people) {
  const channel = await adminCall('channels/create', { name });
  await adminCall('channels/sites', { id: channel, sites: HOST, in_app: false });
  const { channel: created } = await adminCall('channels/get', { id: channel });
  for (const user of created.operators) {
    await adminCall('channels/operator', { id: channel, user, member: false });
  }
  for (const who of people) {
    const { id } = await adminCall('users/create', {
      user: { email: who.email, display_name: who.name, password: who.password, role: 'operator' },
    });
    who.id = id;
    await adminCall('channels/operator', { id: channel, user: id, member: true });
  }
  return channel;
}

/**
 * A visitor in a browser context of their own, on a HOST page titled
 * `title` that embeds `channel`, who opened the chat and wrote `text`.
 * `say` writes more, each line waiting until it is stored.
 */
export async function channelVisitor(browser, channel, title, text) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const src = `${APP}/widget/v1/channels/${channel}/loader.js`;
  await hostPage(
    page,
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script async src="${src}"></script></head><body><main><h1>${title}</h1></main></body></html>`,
  );
  await launcher(page).click();
  const say = async (line) => {
    const input = chatWindow(page).getByRole('textbox', { name: 'Message' });
    await input.fill(line);
    await input.press('Enter');
    await expect(chatWindow(page).locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  };
  await say(text);
  return { page, say, close: () => context.close() };
}

/**
 * The helpdesk team that takes the demo channel's /ticket: the one a spec
 * made earlier (specs run in any order), or a new one named `name`.
 */
export async function demoTeam(name, emailAlias = '') {
  const demo = (await adminCall('channels/list', {}))[0];
  const teams = await adminCall('helpdesk/teams', {});
  return (
    teams.find((t) => t.live_chat && t.channels.includes(demo.id)) ??
    (await adminCall('helpdesk/teams/create', {
      team: {
        name, assignment: 'manual', members: [], live_chat: true,
        channels: [demo.id], web_form: false, email_alias: emailAlias, stages: [],
      },
    }))
  );
}

/** A ticket titled `title`, made with /ticket from a new chat; its number. */
export async function ticketFromChat(browser, op, text, title) {
  // The operator's inbox is open (so they are online for the visitor).
  const visitor = await demoVisitor(browser, text);
  await expect(op.locator('.link-state')).toHaveText('Live');
  await op.locator('.conversation', { hasText: text }).click();
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill(`/ticket ${title}`);
  await reply.press('Enter');
  const note = op.locator('ol.thread li.note .body', { hasText: title });
  await expect(note).toHaveText(/^Ticket #\d+ created: /);
  await visitor.close();
  return Number((await note.textContent()).match(/#(\d+)/)[1]);
}

/**
 * Hands `raw` (a whole mail, CRLF lines) to the test postfix on loopback,
 * as another mail server would: plain SMTP, from `from` to `to`.
 */
export async function smtpSend(from, to, raw) {
  const socket = net.createConnection({
    host: process.env.PARLOR_TEST_SMTP_HOST,
    port: Number(process.env.PARLOR_TEST_SMTP_PORT),
  });
  socket.setEncoding('utf8');
  let buffer = '';
  const waiting = [];
  // A reply is done at its line with a space after the code.
  const settle = () => {
    while (waiting.length) {
      const m = buffer.match(/^(?:\d{3}-[^\r\n]*\r\n)*\d{3} [^\r\n]*\r\n/);
      if (!m) return;
      buffer = buffer.slice(m[0].length);
      waiting.shift()(m[0]);
    }
  };
  socket.on('data', (d) => {
    buffer += d;
    settle();
  });
  const expectReply = async (code) => {
    const reply = await new Promise((resolve) => {
      waiting.push(resolve);
      settle();
    });
    if (!reply.startsWith(String(code))) throw new Error(`SMTP said: ${reply}`);
  };
  await expectReply(220);
  for (const [line, code] of [
    ['EHLO e2e.test', 250],
    [`MAIL FROM:<${from}>`, 250],
    [`RCPT TO:<${to}>`, 250],
    ['DATA', 354],
  ]) {
    socket.write(`${line}\r\n`);
    await expectReply(code);
  }
  socket.write(`${raw.replace(/\r\n\./g, '\r\n..')}\r\n.\r\n`);
  await expectReply(250);
  socket.write('QUIT\r\n');
  await expectReply(221);
  socket.end();
}

/** The widget's byte budgets (bench/widget-budget.json). */
export const WIDGET_BUDGET = JSON.parse(readFileSync(new URL('../../bench/widget-budget.json', import.meta.url)));

/** Every response from Parlor's origin with its body bytes on the wire (CDP). */
export async function recordParlorBytes(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (!response.url.startsWith(APP)) return;
    seen.set(requestId, {
      url: response.url,
      encoding: response.headers['content-encoding'] ?? response.headers['Content-Encoding'] ?? '',
      status: response.status,
      // Bytes received so far: the status line and headers.
      headers: response.encodedDataLength,
      body: null,
    });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const r = seen.get(requestId);
    if (r) r.body = encodedDataLength - r.headers;
  });
  return () => [...seen.values()];
}

/** Records every CSP violation the page reports, from before it loads. */
export async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective}: ${e.blockedURI} (from ${e.sourceFile || 'the page'})`);
    });
  });
  return () => page.evaluate(() => window.__violations);
}
