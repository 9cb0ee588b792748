// Reader-level test of `warraq serve` live reload (issue #9): in headless Chromium, a tab on an
// edited article reloads by itself, shows the new text and keeps the reader's scroll position;
// a tab on a page the edit did not touch does not reload; an error overlay appears and goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, launch, repo } from './common.mjs';

let server, browser, base, site;

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'warraq-serve-'));
  cpSync(join(repo, 'tests', 'fixtures', 'good_site'), site, { recursive: true });
  // A long article, so there is something to scroll.
  const long = join(site, 'content', '2025', 'sharaa.md');
  writeFileSync(long, readFileSync(long, 'utf8') + '\n' + Array.from({ length: 80 }, (_, i) => `فقرة طويلة رقم ${i} عن سوريا والتحالف.\n`).join('\n'));
  server = spawn(binary, ['serve', '--port', '0', '--root', site], { stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((ok, fail) => {
    let log = '';
    server.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) ok(`http://127.0.0.1:${m[1]}`);
    });
    server.on('exit', () => fail(new Error(`serve exited: ${log}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

test('an edit reloads the tab showing it, keeps its scroll position, and leaves other tabs alone', async () => {
  const article = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await article.goto(`${base}/2025/sharaa/`);
  const other = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await other.goto(`${base}/2023/english/`);
  await other.evaluate(() => { window.untouched = true; });
  // Let the event streams connect before editing.
  await article.waitForTimeout(300);
  await article.evaluate(() => window.scrollTo(0, 900));
  await article.waitForTimeout(100);
  const scrolled = await article.evaluate(() => window.scrollY);
  assert.ok(scrolled > 500, `the page scrolled (${scrolled})`);

  const file = join(site, 'content', '2025', 'sharaa.md');
  const reloaded = article.waitForEvent('load', { timeout: 10000 });
  writeFileSync(file, readFileSync(file, 'utf8').replace('طلبت واشنطن', 'طلبت واشنطن اليوم'));
  await reloaded;
  await article.waitForFunction(() => window.scrollY > 0, null, { timeout: 5000 });
  assert.ok((await article.textContent('main')).includes('طلبت واشنطن اليوم'));
  const after = await article.evaluate(() => window.scrollY);
  assert.ok(Math.abs(after - scrolled) < 50, `scroll kept: ${scrolled} → ${after}`);
  await other.waitForTimeout(500);
  assert.equal(await other.evaluate(() => window.untouched), true, 'the untouched tab did not reload');
});

test('an error shows as an overlay in every tab and goes away when fixed', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.waitForTimeout(300);
  const file = join(site, 'content', '2025', 'sharaa.md');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace('tags:', 'tgas:'));
  await page.waitForSelector('#warraq-errors mark', { timeout: 10000 });
  const text = await page.textContent('#warraq-errors');
  assert.ok(text.includes('content/2025/sharaa.md:4:1'), text);
  writeFileSync(file, good);
  await page.waitForFunction(() => !document.getElementById('warraq-errors'), null, { timeout: 10000 });
});
