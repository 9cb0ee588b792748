// Time from "the shards have arrived" to ranked results: runs each query once to fetch (from disk)
// and once more with everything cached, and reports the second run (ranking and the first page of
// snippets), and the bytes a cold query reads (raw and gzip -6).
//
//   node compute.mjs --site /tmp/o100000 --queries /tmp/q100000.json [--category names]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const here = path.dirname(fileURLToPath(import.meta.url));
await import(path.join(here, '..', '..', 'static', 'search.js'));
const { Engine } = globalThis.WarraqSearch;
const site = path.resolve(args.site);
let raw = 0;
let gz = 0;
const read = async (url) => {
  const b = fs.readFileSync(path.join(site, decodeURIComponent(new URL(url).pathname)));
  raw += b.length;
  gz += zlib.gzipSync(b, { level: 6 }).length;
  return new Uint8Array(b);
};
const { queries } = JSON.parse(fs.readFileSync(args.queries, 'utf8'));
const rows = [];
for (const q of queries.filter((x) => !args.category || x.category === args.category)) {
  const engine = Engine('http://x/search/meta.json', read);
  raw = 0; gz = 0;
  const first = await engine.search(q.query);
  const page = first.results.slice(0, 10);
  await Promise.all(page.map((d) => engine.fragment(d)));
  const bytes = { raw, gz };
  const t = performance.now();
  const again = await engine.search(q.query);
  const isMatch = engine.highlighter(again);
  for (const d of again.results.slice(0, 10)) engine.snippet((await engine.fragment(d)).x, isMatch);
  rows.push({ q: q.query, words: q.query.trim().split(/\s+/).length, ms: performance.now() - t, ...bytes, total: again.total });
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };
const show = (label, rs) => console.log(`${label}: ${rs.length} queries, compute median ${median(rs.map((r) => r.ms)).toFixed(1)} ms, max ${Math.max(...rs.map((r) => r.ms)).toFixed(1)} ms; fetched median ${(median(rs.map((r) => r.raw)) / 1024).toFixed(1)} KB raw / ${(median(rs.map((r) => r.gz)) / 1024).toFixed(1)} KB gzip, max ${(Math.max(...rs.map((r) => r.gz)) / 1024).toFixed(1)} KB gzip`);
show("all", rows);
if (args.slow) for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  ${r.ms.toFixed(1)} ms  ${r.q}  (${r.total})`);
show('two-word', rows.filter((r) => r.words === 2));
