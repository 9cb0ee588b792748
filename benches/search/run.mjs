// Runs reader queries (queries.py) against warraq's search and Pagefind on the same built archive,
// in headless Chromium, as a reader would: warraq through its /search/?q= page, Pagefind through
// its JS API on an index of the article bodies only (its best configuration). Reports recall@10,
// MRR, false hits on absent words, bytes fetched per query (raw and gzip -6) and time to results.
//
//   node run.mjs --site /tmp/o1000 --queries /tmp/q1000.json [--engines warraq,pagefind] [--json out.json]
//                [--min-recall 0.95]   (exit 1 when warraq's recall@10 or MRR is lower, or any absent
//                                       word finds something: the CI guard)
//                [--jobs N]            (N queries at once, each in its own browser context; CI uses 3.
//                                       Times to results are only comparable at the default, 1)
//                [--warm]              (each worker keeps one page for all its queries instead of a
//                                       new browser context per query: the same answers and bytes,
//                                       nothing served from a cache (no-store), several times faster)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const site = path.resolve(args.site);
const data = JSON.parse(fs.readFileSync(args.queries, 'utf8'));
const engines = (args.engines || 'warraq,pagefind').split(',');

// ---- Pagefind index of the article bodies only ----
async function buildPagefind() {
  const pagefind = await import('pagefind');
  const start = performance.now();
  const { index } = await pagefind.createIndex({ forceLanguage: 'ar' });
  for (const url of data.articles) {
    const file = path.join(site, decodeURIComponent(url), 'index.html');
    const html = fs.readFileSync(file, 'utf8');
    const m = html.match(/<article class="article">[\s\S]*?<\/article>/);
    await index.addHTMLFile({ url, content: `<!doctype html><html lang="ar" dir="rtl"><body>${m ? m[0] : ''}</body></html>` });
  }
  await index.writeFiles({ outputPath: path.join(site, 'pagefind') });
  await pagefind.close();
  return (performance.now() - start) / 1000;
}

// ---- a static server; each page counts what it fetched (raw and gzip sizes by path) ----
const sizes = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.join(site, decodeURIComponent(url.pathname));
  if (!file.startsWith(site)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  const body = fs.readFileSync(file);
  if (!sizes.has(url.pathname)) {
    sizes.set(url.pathname, { raw: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length });
  }
  const type = file.endsWith('.html') ? 'text/html; charset=utf-8'
    : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.json') ? 'application/json'
      : file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const pagefindSeconds = engines.includes('pagefind') ? await buildPagefind() : null;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

// Starts noting the paths a page requests; the function it returns stops (a kept page answers
// many queries) and gives each path with its sizes.
function watch(page) {
  const paths = [];
  const note = (r) => paths.push(new URL(r.url()).pathname);
  page.on('requestfinished', note);
  return () => {
    page.off('requestfinished', note);
    return paths.filter((p) => sizes.has(p)).map((p) => ({ path: p, ...sizes.get(p) }));
  };
}

async function runWarraq(page, q) {
  const log = watch(page);
  const t = performance.now();
  await page.goto(`${origin}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#search-results[data-state="done"]', { state: 'attached', timeout: 60000 });
  const ms = performance.now() - t;
  const out = await page.evaluate(() => {
    const list = document.getElementById('search-results');
    return {
      total: Number(list.dataset.total || 0),
      urls: [...list.querySelectorAll('a')].slice(0, 10).map((a) => new URL(a.href).pathname),
    };
  });
  const fetched = log().filter((r) => r.path.startsWith('/search/') && r.path !== '/search/' && !r.path.endsWith('.js'));
  return { ...out, ms, fetched };
}

async function runPagefind(page, q) {
  await page.goto(`${origin}/404.html`);
  const log = watch(page);
  const t = performance.now();
  const out = await page.evaluate(async (q) => {
    const pf = await import('/pagefind/pagefind.js');
    const s = await pf.search(q);
    const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
    return { total: s.results.length, urls: data.map((d) => decodeURI(d.url)) };
  }, q);
  const ms = performance.now() - t;
  const fetched = log().filter((r) => r.path.startsWith('/pagefind/'));
  return { ...out, ms, fetched };
}

const jobs = Math.max(1, Number(args.jobs || 1));
const results = {};
for (const engine of engines) {
  const rows = new Array(data.queries.length);
  let next = 0;
  const worker = async () => {
    const kept = 'warm' in args ? await (await browser.newContext()).newPage() : null;
    while (next < data.queries.length) {
      const k = next++;
      const item = data.queries[k];
      const context = kept ? null : await browser.newContext();
      const page = kept || await context.newPage();
      const r = engine === 'warraq' ? await runWarraq(page, item.query) : await runPagefind(page, item.query);
      if (context) await context.close();
      const relevant = new Set(item.relevant);
      const top = r.urls.slice(0, 10);
      let recall = null;
      let rr = null;
      if (item.category !== 'absent') {
        const hits = top.filter((u) => relevant.has(u)).length;
        recall = hits / Math.min(10, relevant.size);
        const first = top.findIndex((u) => relevant.has(u));
        rr = first < 0 ? 0 : 1 / (first + 1);
      }
      rows[k] = {
        ...item, relevant: relevant.size, total: r.total, top, recall, rr, ms: r.ms,
        raw: r.fetched.reduce((s, f) => s + f.raw, 0), gzip: r.fetched.reduce((s, f) => s + f.gzip, 0),
        files: r.fetched.length,
      };
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  results[engine] = rows;
}
await browser.close();
server.close();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const categories = [...new Set(data.queries.map((q) => q.category))];
console.log(`${data.docs} articles, ${data.queries.length} queries${pagefindSeconds !== null ? `; Pagefind indexed the article bodies in ${pagefindSeconds.toFixed(1)} s` : ''}\n`);
const header = ['category', 'n', ...engines.flatMap((e) => [`${e} R@10`, `${e} MRR`, `${e} KB gz`])];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const c of [...categories, 'all']) {
  const cells = [c];
  let n = 0;
  for (const e of engines) {
    const rows = results[e].filter((r) => (c === 'all' ? r.category !== 'absent' : r.category === c));
    n = rows.length;
    if (c === 'absent') {
      const falseHits = rows.reduce((s, r) => s + r.total, 0);
      cells.push(`${falseHits} false hits`, '', (median(rows.map((r) => r.gzip)) / 1024).toFixed(1));
    } else {
      cells.push(mean(rows.map((r) => r.recall)).toFixed(3), mean(rows.map((r) => r.rr)).toFixed(3),
        (median(rows.map((r) => r.gzip)) / 1024).toFixed(1));
    }
  }
  cells.splice(1, 0, String(n));
  console.log(`| ${cells.join(' | ')} |`);
}
for (const e of engines) {
  const rows = results[e];
  console.log(`\n${e}: median ${median(rows.map((r) => r.ms)).toFixed(0)} ms to results (${'warm' in args ? 'a kept page, no HTTP cache' : 'cold'}, page load included), median ${(median(rows.map((r) => r.raw)) / 1024).toFixed(1)} KB raw / ${(median(rows.map((r) => r.gzip)) / 1024).toFixed(1)} KB gzip per query, max ${(Math.max(...rows.map((r) => r.gzip)) / 1024).toFixed(1)} KB gzip`);
  const misses = rows.filter((r) => (r.category === 'absent' ? r.total > 0 : r.recall < 1));
  for (const r of misses.slice(0, 40)) console.log(`  ${r.category} ${r.query}: recall ${r.recall?.toFixed(2) ?? '-'}, total ${r.total}, relevant ${r.relevant}`);
}
if (args.json) fs.writeFileSync(args.json, JSON.stringify(results, null, 1));
if (args['min-recall'] && results.warraq) {
  const min = Number(args['min-recall']);
  const rows = results.warraq.filter((r) => r.category !== 'absent');
  const recall = mean(rows.map((r) => r.recall));
  const mrr = mean(rows.map((r) => r.rr));
  const falseHits = results.warraq.filter((r) => r.category === 'absent').reduce((s, r) => s + r.total, 0);
  if (recall < min || mrr < min || falseHits > 0) {
    console.error(`warraq below the bar: recall@10 ${recall.toFixed(3)}, MRR ${mrr.toFixed(3)} (min ${min}), ${falseHits} false hits`);
    process.exit(1);
  }
}
