// Every HTML page of the example archive (articles, tags, writers, sources, dossiers, archive,
// search, 404) passes the Nu Html Checker (vnu.jar from npm's vnu-jar, run with Java) with no
// error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, binary } from './common.mjs';

const vnu = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');

function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out;
}

/// Builds the site whose parts are under `from` and returns the Nu Html Checker's errors on its
/// pages, as `page:line: message`, with how many pages there were.
function errorsOf(from, args = []) {
  const site = mkdtempSync(join(tmpdir(), 'warraq-vnu-'));
  for (const part of ['site.yaml', 'content', 'static', 'templates', 'series', 'data']) {
    if (existsSync(join(from, part))) cpSync(join(from, part), join(site, part), { recursive: true });
  }
  execFileSync(binary, ['build', '--root', site, '--quiet', ...args]);
  const files = htmlFiles(join(site, 'public'));
  let report;
  try {
    report = execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    // Without Java (or vnu.jar) nothing was checked: that is a failure, not a pass.
    if (typeof e.status !== 'number') throw new Error(`the Nu Html Checker did not run: ${e.message}`);
    report = e.stderr || e.stdout; // vnu exits 1 when it reports errors, on stderr
  }
  const messages = report ? JSON.parse(report).messages : [];
  const errors = messages.filter((m) => m.type === 'error').map((m) => `${m.url.replace(site, '')}:${m.lastLine}: ${m.message}`);
  return { pages: files.length, errors };
}

test('every page of the example archive passes the Nu Html Checker', () => {
  const { pages, errors } = errorsOf(repo);
  assert.ok(pages > 30, `${pages} pages`);
  assert.deepEqual(errors, []);
});

// What an editor may write, all of it: markup and quotes in titles, tags, summaries, writers and
// sources; footnotes, tables, task lists, nested quotes, code, raw HTML, an embed, duplicate and
// numeric headings; URLs with characters no URL may hold (`<` in a query, `^`, `|`, a second
// `#`, `[` outside an IPv6 host), Arabic URLs, an English article.
test('a site of everything an editor may write passes the Nu Html Checker', () => {
  const { pages, errors } = errorsOf(join(repo, 'tests', 'fixtures', 'valid_html'));
  assert.ok(pages > 15, `${pages} pages`);
  assert.deepEqual(errors, []);
});
