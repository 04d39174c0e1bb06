// Runs Lighthouse's performance audit (mobile, simulated throttling, its
// defaults) on the demo host page three ways, in turn: with the snippet and
// Parlor's origin allowed, the same with Parlor's origin blocked, and without
// the snippet. It prints per run and as medians: largest contentful paint
// (simulated and observed), total blocking time, main-thread work, and the
// bytes that came from Parlor. The pages are the demo page's HTML served
// here, on one origin for all three (which the default channel is told to
// allow, as the first admin, BENCH_ADMIN_EMAIL / BENCH_ADMIN_PASSWORD). Each
// run gets a fresh Chromium (CHROME_PATH; never a downloaded browser).
// Usage: node bench/lighthouse.mjs <demo-page-url> <parlor-origin> [runs each way]
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import http from 'node:http';

const [demo, parlor, runsArg] = process.argv.slice(2);
if (!demo || !parlor) {
  console.error('usage: node bench/lighthouse.mjs <demo-page-url> <parlor-origin> [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const withSnippet = await (await fetch(demo)).text();
const snippet = /<script async src="[^"]+\/loader\.js" charset="utf-8"><\/script>/;
if (!snippet.test(withSnippet)) throw new Error(`no snippet on ${demo}`);
const pages = { '/with': withSnippet, '/without': withSnippet.replace(snippet, '') };
const server = http.createServer((req, res) => {
  const body = pages[req.url];
  res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body ?? '');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const host = `http://127.0.0.1:${server.address().port}`;

// The default channel allows the demo page; this origin too, now.
const login = await fetch(`${parlor}/api/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams({
    email: process.env.BENCH_ADMIN_EMAIL ?? 'admin@bench.test',
    password: process.env.BENCH_ADMIN_PASSWORD ?? 'bench-password',
  }),
  redirect: 'manual',
});
const cookie = login.headers.get('set-cookie')?.split(';')[0];
if (!cookie) throw new Error(`sign-in failed: ${login.status}`);
async function admin(endpoint, body) {
  const res = await fetch(`${parlor}/api/${endpoint}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
  return res.json();
}
const [channel] = await admin('channels/list', {});
await admin('channels/sites', { id: channel.id, sites: `${new URL(demo).origin}\n${host}`, in_app: false });

async function audit(path, blocked) {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    const { lhr } = await lighthouse(`${host}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      blockedUrlPatterns: blocked ? [`${parlor}/*`] : [],
    });
    if (lhr.runtimeError) throw new Error(lhr.runtimeError.message);
    const a = lhr.audits;
    const observed = a.metrics.details.items[0];
    const fromParlor = a['network-requests'].details.items.filter((r) => r.url.startsWith(parlor));
    return {
      lcp: a['largest-contentful-paint'].numericValue,
      observedLcp: observed.observedLargestContentfulPaint,
      fcp: a['first-contentful-paint'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      mainThread: a['mainthread-work-breakdown'].numericValue,
      // Where the main thread's time went (script, style and layout, …).
      groups: Object.fromEntries(a['mainthread-work-breakdown'].details.items.map((g) => [g.groupLabel, g.duration])),
      parlorRequests: fromParlor.filter((r) => r.statusCode > 0).length,
      parlorBytes: fromParlor.reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
    };
  } finally {
    await chrome.kill();
  }
}

const ways = {
  allowed: ['/with', false],
  blocked: ['/with', true],
  'no snippet': ['/without', false],
};
const results = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, [path, blocked]] of Object.entries(ways)) results[name].push(await audit(path, blocked));
}
server.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v) => `${Math.round(v)} ms`;
console.log('| page | run | LCP (simulated) | LCP (observed) | FCP | TBT | main-thread work | from Parlor |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, list] of Object.entries(results)) {
  list.forEach((r, i) =>
    console.log(`| ${name} | ${i + 1} | ${ms(r.lcp)} | ${ms(r.observedLcp)} | ${ms(r.fcp)} | ${ms(r.tbt)} | ` +
      `${ms(r.mainThread)} | ${r.parlorRequests} req, ${r.parlorBytes} B |`),
  );
}
const m = {};
for (const [name, list] of Object.entries(results)) {
  m[name] = Object.fromEntries(['lcp', 'observedLcp', 'fcp', 'tbt', 'mainThread', 'parlorBytes'].map((k) => [k, median(list.map((r) => r[k]))]));
  console.log(`| **${name}, median** | | **${ms(m[name].lcp)}** | **${ms(m[name].observedLcp)}** | **${ms(m[name].fcp)}** | ` +
    `**${ms(m[name].tbt)}** | **${ms(m[name].mainThread)}** | ${m[name].parlorBytes} B |`);
}
for (const base of ['blocked', 'no snippet']) {
  const pct = (k) => `${m.allowed[k] >= m[base][k] ? '+' : ''}${((m.allowed[k] / m[base][k] - 1) * 100).toFixed(1)} %`;
  console.log('');
  console.log(`With the widget, against ${base} (medians):`);
  console.log(`- LCP ${pct('lcp')} simulated, ${pct('observedLcp')} observed (target: within 5 %)`);
  console.log(`- main-thread work ${pct('mainThread')} (target: within 5 %)`);
  console.log(`- TBT ${Math.round(m.allowed.tbt - m[base].tbt)} ms more (target: at most 10 ms)`);
}

// Which kind of main-thread work the widget adds (medians per group).
const groups = [...new Set(Object.values(results).flatMap((l) => l.flatMap((r) => Object.keys(r.groups))))];
console.log('');
console.log(`| main-thread work, median | ${Object.keys(results).join(' | ')} |`);
console.log(`|---|${Object.keys(results).map(() => '---:').join('|')}|`);
for (const g of groups) {
  console.log(`| ${g} | ${Object.values(results).map((l) => ms(median(l.map((r) => r.groups[g] ?? 0)))).join(' | ')} |`);
}
