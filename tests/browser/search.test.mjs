// Reader-level test of /search/ (issue #10): builds tests/fixtures/search_site with warraq, serves it
// on 127.0.0.1 and uses the search page in headless Chromium as a reader would: types queries,
// reads the results and their highlighted words, follows the URL and the back button, uses the
// keyboard, turns JavaScript off, narrows the window to a phone, and runs axe-core on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { artifacts, buildAndServe, launch } from './common.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server, browser, base;

before(async () => {
  ({ server, base } = await buildAndServe('search_site'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const done = (page) => page.waitForSelector('#search-results[data-state="done"][aria-busy="false"]', { state: 'attached' });

/** What a reader sees: the status line and the results (link, title text, marked words). */
async function results(page) {
  await done(page);
  return page.evaluate(() => ({
    status: document.getElementById('search-status').textContent,
    links: [...document.querySelectorAll('#search-results a')].map((a) => decodeURI(new URL(a.href).pathname)),
    marks: [...document.querySelectorAll('#search-results .search-snippet mark')].map((m) => m.textContent),
    titleMarks: [...document.querySelectorAll('#search-results .search-result-title mark')].map((m) => m.textContent),
  }));
}

test('a shared /search/?q= link runs its query on load, variants found and highlighted as written', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/search/?q=${encodeURIComponent('مسئول')}`);
  const r = await results(page);
  assert.deepEqual(r.links.sort(), ['/2025/hamza/', '/2025/phrase/']);
  assert.equal(r.status, 'نتيجتان لـ«مسئول»');
  assert.deepEqual(r.marks.sort(), ['مسؤول', 'مسئول'], 'each text marks its own spelling');
  assert.equal(await page.inputValue('#search-input'), 'مسئول');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a question no article answers with every word shows those missing one word in three, and says so', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/search/?q=${encodeURIComponent('فلسطين بيروت البطاطس')}`);
  let r = await results(page);
  assert.deepEqual(r.links, ['/2025/names/']);
  assert.equal(r.status, 'لا مقال فيه كل كلمات «فلسطين بيروت البطاطس»؛ نتيجة واحدة في كلٍّ منها 2 من 3');
  await page.goto(`${base}/search/?q=${encodeURIComponent('الانتخابات بيروت')}`);
  r = await results(page);
  assert.deepEqual(r.links, [], 'two words stay strict');
  assert.match(r.status, /^لا نتائج/);
  await page.close();
});

test('typing searches, the URL follows, Back returns to the previous query', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/search/`);
  await done(page);
  assert.ok(await page.evaluate(() => document.activeElement?.id === 'search-input'), 'the field has focus');
  await page.keyboard.type('الانتخابات', { delay: 20 });
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'الانتخابات');
  let r = await results(page);
  assert.deepEqual(r.links.slice(0, 2).sort(), ['/2025/exact/', '/2025/second/'], 'exact matches first');
  assert.equal(r.links.length, 4);
  assert.ok(r.titleMarks.includes('الانتخابات'), 'the title marks the word');

  await page.fill('#search-input', '');
  await page.keyboard.type('فلسطين', { delay: 20 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'فلسطين');
  r = await results(page);
  assert.deepEqual(r.links, ['/2025/names/']);

  await page.goBack();
  await page.waitForFunction(() => document.getElementById('search-input').value === 'الانتخابات');
  r = await results(page);
  assert.equal(r.links.length, 4, 'Back shows the previous results again');
  await page.close();
});

test('phrases, typos, prefixes and absent words as a reader types them', async () => {
  const page = await browser.newPage();
  const ask = async (q) => {
    await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
    return results(page);
  };
  assert.deepEqual((await ask('"الدولة الإسلامية"')).links, ['/2025/phrase/']);
  assert.deepEqual((await ask('الدولة الإسلامية')).links, ['/2025/phrase/', '/2025/apart/']);
  const typo = await ask('الانتخبات');
  assert.deepEqual(typo.links.sort(), ['/2025/exact/', '/2025/second/']);
  assert.ok(typo.marks.includes('الانتخابات'), 'the corrected word is marked');
  assert.equal(typo.status, 'لا ترد «الانتخبات» في الأرشيف؛ نتيجتان لـ«الانتخابات»',
    'the page says the typed word is not in the archive and what was searched instead');
  const withOther = await ask('موعد الانتخبات');
  assert.match(withOther.status, /^لا ترد «الانتخبات» في الأرشيف؛ نتيجتان لـ«موعد الانتخابات»$/,
    'the other words stay as typed');
  assert.equal((await ask('الانتخ')).links.length, 4, 'the last word is a prefix');
  const none = await ask('البطاطس');
  assert.deepEqual(none.links, []);
  assert.match(none.status, /^لا نتائج/);
  assert.deepEqual((await ask('Reuters ٢٢٥٤')).links, ['/2025/latin/']);
  await page.close();
});

test('the field in every page header leads to the results; the search page has only its own', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(`${base}/2025/names/`);
  await page.fill('#site-search-q', 'مسئول');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\/\?q=/);
  const r = await results(page);
  assert.deepEqual(r.links.sort(), ['/2025/hamza/', '/2025/phrase/']);
  assert.equal(await page.locator('#site-search-q').count(), 0, 'one search form on the search page');
  await page.goto(`${base}/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(found, [], found.join('; '));
  await page.close();
});

test('the keyboard reaches every result', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/search/?q=${encodeURIComponent('الانتخابات')}`);
  await done(page);
  await page.focus('#search-input');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.closest('#search-results') !== null
    && document.activeElement.tagName === 'A');
  assert.ok(focused, 'after the button, the first result link');
  await page.close();
});

test('without JavaScript the page says so and offers tags and the archive', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/search/?q=${encodeURIComponent('مسئول')}`);
  const note = page.locator('.search-noscript');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /JavaScript/);
  const hrefs = await note.locator('a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  assert.deepEqual(hrefs, ['/tags/', '/archive/']);
  await context.close();
});

for (const width of [375, 1280]) {
  test(`results fit a ${width}px window and axe-core finds no violation`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${base}/search/?q=${encodeURIComponent('الانتخابات')}`);
      await done(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.search-result')).direction), 'rtl');
      await page.screenshot({ path: join(artifacts, `search-${width}-${scheme}.png`), fullPage: true });
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(found, [], `${scheme}: ${found.join('; ')}`);
    }
    await page.close();
  });
}
