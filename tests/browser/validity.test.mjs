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

test('every page of the example archive passes the Nu Html Checker', () => {
  const site = mkdtempSync(join(tmpdir(), 'warraq-vnu-'));
  for (const part of ['site.yaml', 'content', 'static', 'templates', 'series', 'data']) {
    if (existsSync(join(repo, part))) cpSync(join(repo, part), join(site, part), { recursive: true });
  }
  execFileSync(binary, ['build', '--root', site, '--quiet']);
  const files = htmlFiles(join(site, 'public'));
  assert.ok(files.length > 30, `${files.length} pages`);
  let report;
  try {
    report = execFileSync('java', ['-jar', vnu, '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    report = e.stderr || e.stdout; // vnu exits 1 when it reports errors, on stderr
  }
  const messages = report ? JSON.parse(report).messages : [];
  const errors = messages.filter((m) => m.type === 'error').map((m) => `${m.url.replace(site, '')}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, []);
});
