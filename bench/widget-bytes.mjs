// Measures what a visitor's browser downloads from Parlor on a host page:
// before any interaction, and with the chat open. For each response it
// reports raw bytes plus what gzip -9 and brotli -11 make of them (computed
// here from the response body, so the figures do not depend on what the
// server chose to compress). Usage: node bench/widget-bytes.mjs <demo-url> <parlor-origin>
import { chromium } from 'playwright-core';
import zlib from 'node:zlib';

const [demoUrl, parlorOrigin] = process.argv.slice(2);
if (!demoUrl || !parlorOrigin) {
  console.error('usage: node bench/widget-bytes.mjs <demo-url> <parlor-origin>');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const page = await browser.newPage();
const seen = [];
page.on('response', async (res) => {
  if (!res.url().startsWith(parlorOrigin)) return;
  try {
    const body = await res.body();
    seen.push({ url: res.url(), raw: body.length, phase: phase() });
  } catch {
    /* redirects and 304s have no body */
  }
});
let opened = false;
const phase = () => (opened ? 'open' : 'load');
const bodies = new Map();
page.on('response', async (res) => {
  if (res.url().startsWith(parlorOrigin)) {
    try {
      bodies.set(res.url(), await res.body());
    } catch {}
  }
});

await page.goto(demoUrl, { waitUntil: 'load' });
await page.waitForTimeout(1500); // display comes after the first paint
const beforeIntent = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
opened = true;
await page.locator('parlor-chat button.launcher').click();
await page.locator('parlor-chat .window.open').waitFor();
await page.waitForTimeout(500);
await browser.close();

function sizes(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}
const rows = [...bodies.entries()].map(([url, buf]) => ({
  file: new URL(url).pathname.replace(/[0-9a-f-]{36}/, '{channel}').replace(/-[0-9a-f]{16}/, '-{hash}'),
  phase: beforeIntent.includes(url) ? 'before interaction' : 'on open',
  ...sizes(buf),
}));
const total = (phase) =>
  rows
    .filter((r) => phase === 'all' || r.phase === phase)
    .reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, brotli: a.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

console.log('| file | when | raw | gzip | brotli |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) console.log(`| \`${r.file}\` | ${r.phase} | ${r.raw} | ${r.gzip} | ${r.brotli} |`);
const b = total('before interaction');
const all = total('all');
console.log(`| **before interaction** | | **${b.raw}** | **${b.gzip}** | **${b.brotli}** |`);
console.log(`| **open chat, everything** | | **${all.raw}** | **${all.gzip}** | **${all.brotli}** |`);
console.log('');
console.log(`budget, before interaction <= 2560 B brotli: ${b.brotli <= 2560 ? 'met' : 'MISSED'} (${b.brotli} B)`);
console.log(`budget, open chat <= 65536 B brotli: ${all.brotli <= 65536 ? 'met' : 'MISSED'} (${all.brotli} B)`);
void seen;
