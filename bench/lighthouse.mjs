// Runs Lighthouse's performance audit (mobile, simulated throttling, its
// defaults) on two host pages, each four ways, in turn: with the snippet and
// Parlor's origin allowed, the same with Parlor's origin blocked, without
// the snippet, and with an empty async script from another origin in its
// place (the floor for any third-party script). The pages are the demo page's HTML (one heading, two short
// products: almost no work of its own) and a shop page built on Debian's
// Bootstrap 5 (BENCH_BOOTSTRAP_DIR), which is what a small site looks like.
// It prints per run and as medians: largest contentful paint (simulated and
// observed), total blocking time, main-thread work, the main-thread work of
// the tasks the trace attributes to Parlor's origin (scaled by Lighthouse's
// CPU slowdown, as its own figures are), and the bytes that came from Parlor.
// All pages are served here, on one origin (which the default channel is
// told to allow, as the first admin, BENCH_ADMIN_EMAIL /
// BENCH_ADMIN_PASSWORD). Each run gets a fresh Chromium (CHROME_PATH; never a
// downloaded browser).
// Usage: node bench/lighthouse.mjs <demo-page-url> <parlor-origin> [runs each way]
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { TraceProcessor } from 'lighthouse/core/lib/tracehouse/trace-processor.js';
import { MainThreadTasks } from 'lighthouse/core/lib/tracehouse/main-thread-tasks.js';
import fs from 'node:fs';
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
const tag = withSnippet.match(snippet)[0];
const bootstrap = process.env.BENCH_BOOTSTRAP_DIR ?? '/usr/share/javascript/bootstrap5';
const shop = shopPage(tag);
const html = { 'content-type': 'text/html; charset=utf-8' };
const pages = {
  '/demo/with': [html, withSnippet],
  '/demo/without': [html, withSnippet.replace(snippet, '')],
  '/shop/with': [html, shop],
  '/shop/without': [html, shop.replace(tag, '')],
  '/empty.js': [{ 'content-type': 'text/javascript' }, '// nothing'],
  '/bootstrap.min.css': [{ 'content-type': 'text/css' }, fs.readFileSync(`${bootstrap}/css/bootstrap.min.css`)],
  '/bootstrap.bundle.min.js': [{ 'content-type': 'text/javascript' }, fs.readFileSync(`${bootstrap}/js/bootstrap.bundle.min.js`)],
};
const serve = (req, res) => {
  const [headers, body] = pages[req.url] ?? [html, null];
  res.writeHead(body ? 200 : 404, headers);
  res.end(body ?? '');
};
const server = http.createServer(serve);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const host = `http://127.0.0.1:${server.address().port}`;
// The floor any third-party script sets: an empty one, async in the same
// place, from another origin: another loopback address (no name to resolve).
const other = http.createServer(serve);
await new Promise((resolve) => other.listen(0, '127.0.0.2', resolve));
const empty = `<script async src="http://127.0.0.2:${other.address().port}/empty.js"></script>`;
pages['/demo/empty'] = [html, withSnippet.replace(snippet, empty)];
pages['/shop/empty'] = [html, shop.replace(tag, empty)];

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

const isParlor = (url) => url.startsWith(`${parlor}/`);

async function audit(path, blocked, run) {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    const { lhr, artifacts } = await lighthouse(`${host}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      blockedUrlPatterns: blocked ? [`${parlor}/*`] : [],
    });
    if (lhr.runtimeError) throw new Error(lhr.runtimeError.message);
    const trace = artifacts.Trace;
    // For a closer look (Chromium's Performance panel opens it).
    if (process.env.BENCH_TRACE_DIR) {
      fs.writeFileSync(`${process.env.BENCH_TRACE_DIR}/${path.slice(1).replace('/', '-')}${blocked ? '-blocked' : ''}-${run}.json`, JSON.stringify(trace));
    }
    const a = lhr.audits;
    const observed = a.metrics.details.items[0];
    const fromParlor = a['network-requests'].details.items.filter((r) => isParlor(r.url));
    return {
      lcp: a['largest-contentful-paint'].numericValue,
      observedLcp: observed.observedLargestContentfulPaint,
      fcp: a['first-contentful-paint'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      mainThread: a['mainthread-work-breakdown'].numericValue,
      parlorMain: parlorTaskTime(trace, lhr.configSettings.throttling.cpuSlowdownMultiplier),
      // Where the main thread's time went (script, style and layout, …).
      groups: Object.fromEntries(a['mainthread-work-breakdown'].details.items.map((g) => [g.groupLabel, g.duration])),
      parlorRequests: fromParlor.filter((r) => r.statusCode > 0).length,
      parlorBytes: fromParlor.reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
    };
  } finally {
    await chrome.kill();
  }
}

// Main-thread time of the top-level tasks whose work the trace attributes to
// Parlor's origin (its scripts' evaluation, timers, frames and microtasks),
// scaled by the CPU slowdown as Lighthouse scales its own task times. An
// estimate both ways: a task shared with the page (a DOMContentLoaded with
// both listeners) counts whole, and tasks without a script URL (network
// callbacks' plumbing, a frame no callback of ours asked for) not at all.
function parlorTaskTime(trace, slowdown) {
  const processed = TraceProcessor.processTrace(trace);
  const tasks = MainThreadTasks.getMainThreadTasks(processed.mainThreadEvents, processed.frames,
    processed.timestamps.traceEnd, processed.timestamps.timeOrigin);
  return tasks
    .filter((t) => !t.parent && t.attributableURLs.some(isParlor))
    .reduce((sum, t) => sum + t.duration, 0) * slowdown;
}

// A small shop's home page on Bootstrap 5: a navbar with a dropdown, a hero,
// twelve product cards, a newsletter form, a modal and a footer.
function shopPage(loaderTag) {
  const plants = ['Boston fern', 'Monstera', 'Snake plant', 'Pothos', 'Fiddle-leaf fig', 'Peace lily',
    'Rubber plant', 'ZZ plant', 'Calathea', 'Spider plant', 'Aloe vera', 'Jade plant'];
  const cards = plants.map((name, i) => `
      <div class="col-6 col-md-4 col-lg-3"><div class="card h-100 shadow-sm">
        <div class="ratio ratio-4x3 bg-success-subtle rounded-top"></div>
        <div class="card-body"><h3 class="h6 card-title">${name}</h3>
          <p class="card-text small text-body-secondary">Grows well in bright, indirect light. Water weekly.</p>
          <div class="d-flex justify-content-between align-items-center"><span class="fw-semibold">€${12 + i * 3}.00</span>
          <button class="btn btn-sm btn-outline-success" data-bs-toggle="modal" data-bs-target="#added">Add to cart</button></div>
        </div></div></div>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fernhill Plants</title>
<link rel="icon" href="data:,">
${loaderTag}
<link rel="stylesheet" href="/bootstrap.min.css">
</head>
<body>
<nav class="navbar navbar-expand-lg bg-success" data-bs-theme="dark">
  <div class="container"><a class="navbar-brand" href="#">Fernhill Plants</a>
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav" aria-controls="nav" aria-expanded="false" aria-label="Menu"><span class="navbar-toggler-icon"></span></button>
    <div class="collapse navbar-collapse" id="nav"><ul class="navbar-nav ms-auto">
      <li class="nav-item"><a class="nav-link active" href="#">Shop</a></li>
      <li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">Care guides</a>
        <ul class="dropdown-menu"><li><a class="dropdown-item" href="#">Watering</a></li><li><a class="dropdown-item" href="#">Light</a></li><li><a class="dropdown-item" href="#">Repotting</a></li></ul></li>
      <li class="nav-item"><a class="nav-link" href="#">Delivery</a></li>
    </ul></div></div>
</nav>
<main class="container py-4">
  <div class="p-4 p-md-5 mb-4 rounded-3 bg-body-tertiary">
    <h1 class="display-6 fw-semibold">Plants that forgive a missed watering</h1>
    <p class="lead">Hardy houseplants, grown in our greenhouse and delivered in two days, with a care card in every box.</p>
    <a class="btn btn-success btn-lg" href="#shop">Shop this week's plants</a>
  </div>
  <h2 id="shop" class="h4 mb-3">This week's plants</h2>
  <div class="row g-3">${cards}
  </div>
  <form class="row g-2 my-5 align-items-center">
    <div class="col-auto"><label class="visually-hidden" for="email">Email</label><input type="email" class="form-control" id="email" placeholder="you@example.com"></div>
    <div class="col-auto"><button type="submit" class="btn btn-outline-success">Get the newsletter</button></div>
  </form>
</main>
<div class="modal fade" id="added" tabindex="-1" aria-labelledby="added-title" aria-hidden="true"><div class="modal-dialog"><div class="modal-content">
  <div class="modal-header"><h2 class="modal-title fs-5" id="added-title">Added to your cart</h2><button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button></div>
  <div class="modal-body">Free delivery from €40.</div></div></div></div>
<footer class="border-top py-4 text-center small text-body-secondary">Fernhill Plants · Demo shop for Parlor's benchmark</footer>
<script src="/bootstrap.bundle.min.js"></script>
</body>
</html>`;
}

const ways = {
  allowed: ['with', false],
  blocked: ['with', true],
  'no snippet': ['without', false],
  'empty script': ['empty', false],
};
const keys = ['lcp', 'observedLcp', 'fcp', 'tbt', 'mainThread', 'parlorMain', 'parlorBytes'];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v) => `${Math.round(v)} ms`;
for (const page of (process.env.BENCH_PAGES ?? 'demo,shop').split(',')) {
  const results = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, [variant, blocked]] of Object.entries(ways)) {
      results[name].push(await audit(`/${page}/${variant}`, blocked, i + 1));
    }
  }
  console.log(`## ${page} page`);
  console.log('');
  console.log('| page | run | LCP (simulated) | LCP (observed) | FCP | TBT | main-thread work | Parlor\'s tasks | from Parlor |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, list] of Object.entries(results)) {
    list.forEach((r, i) =>
      console.log(`| ${name} | ${i + 1} | ${ms(r.lcp)} | ${ms(r.observedLcp)} | ${ms(r.fcp)} | ${ms(r.tbt)} | ` +
        `${ms(r.mainThread)} | ${ms(r.parlorMain)} | ${r.parlorRequests} req, ${r.parlorBytes} B |`),
    );
  }
  const m = {};
  for (const [name, list] of Object.entries(results)) {
    m[name] = Object.fromEntries(keys.map((k) => [k, median(list.map((r) => r[k]))]));
    console.log(`| **${name}, median** | | **${ms(m[name].lcp)}** | **${ms(m[name].observedLcp)}** | **${ms(m[name].fcp)}** | ` +
      `**${ms(m[name].tbt)}** | **${ms(m[name].mainThread)}** | **${ms(m[name].parlorMain)}** | ${m[name].parlorBytes} B |`);
  }
  for (const base of ['blocked', 'no snippet', 'empty script']) {
    const pct = (k) => `${m.allowed[k] >= m[base][k] ? '+' : ''}${((m.allowed[k] / m[base][k] - 1) * 100).toFixed(1)} %`;
    console.log('');
    console.log(`With the widget, against ${base} (medians):`);
    console.log(`- LCP ${pct('lcp')} simulated, ${pct('observedLcp')} observed (target: within 5 %)`);
    console.log(`- main-thread work ${pct('mainThread')}; Parlor's own tasks are ` +
      `${((m.allowed.parlorMain / m[base].mainThread) * 100).toFixed(1)} % of the page's (target: within 5 %)`);
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
  console.log('');
}
server.close();
other.close();
