// The example archive's writer, source, dossier and archive pages as a reader sees them in
// Chromium: axe-core finds no violation and nothing overflows at phone and desktop widths; the
// timeline's bars are links a keyboard reaches, with the month and count as their names; the
// dossier box leads from part to part.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, buildAndServe, artifacts } from './common.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser, server, base;

before(async () => {
  ({ server, base } = await buildAndServe('example'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

const enc = (p) => p.split('/').map(encodeURIComponent).join('/');
const PAGES = [
  '/authors/', enc('/authors/قسم-التوثيق/'), '/sources/', enc('/sources/الشرق-الأوسط/'),
  '/series/', enc('/series/دليل-التحرير-في-وراق/'), '/archive/', '/2024/arabic-dates/',
];

for (const width of [375, 1280]) {
  test(`writer, source, dossier and archive pages at ${width}px: no overflow, axe-core clean`, async () => {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      for (const path of PAGES) {
        const response = await page.goto(base + path, { waitUntil: 'load' });
        assert.equal(response.status(), 200, path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path}: horizontal overflow of ${overflow}px`);
        await page.addScriptTag({ content: axeSource });
        const found = await page.evaluate(async () => (await window.axe.run(document)).violations
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
        assert.deepEqual(found, [], path);
      }
    } finally {
      await page.screenshot({ path: join(artifacts, `taxonomies-${width}.png`) });
      await page.close();
    }
  });
}

test('the timeline runs right to left and its bars are named links', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(base + '/archive/', { waitUntil: 'load' });
    const bars = await page.evaluate(() => [...document.querySelectorAll('svg.timeline a')].map((a) => ({
      href: a.getAttribute('href'), name: a.querySelector('title').textContent, x: a.querySelector('rect').getBoundingClientRect().x,
    })));
    assert.ok(bars.length >= 3, JSON.stringify(bars));
    // Markup runs oldest first; on screen the oldest is rightmost.
    for (let i = 1; i < bars.length; i++) assert.ok(bars[i].x < bars[i - 1].x, JSON.stringify(bars));
    assert.match(bars[0].name, /2023: 1$/);
    // The keyboard reaches a bar; following it lands on that month of the archive.
    const first = page.locator('svg.timeline a').first();
    await first.focus();
    assert.equal(await page.evaluate(() => document.activeElement.closest('svg') !== null), true);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(decodeURIComponent(page.url()), /\/archive\/2023\/#m9$/);
  } finally {
    await page.close();
  }
});

test('the dossier box leads from part to part', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(base + '/2024/writing-articles/', { waitUntil: 'load' });
    const box = page.locator('aside.dossier');
    assert.match(await box.innerText(), /الجزء 1 من 3/);
    await Promise.all([page.waitForNavigation(), box.getByRole('link', { name: /الجزء التالي/ }).click()]);
    assert.match(page.url(), /\/2024\/arabic-dates\/$/);
    assert.match(await page.locator('aside.dossier').innerText(), /الجزء 2 من 3/);
    // The byline leads to the writer's page.
    await Promise.all([page.waitForNavigation(), page.locator('.byline a').first().click()]);
    assert.match(decodeURIComponent(page.url()), /\/authors\/قسم-التوثيق\/$/);
  } finally {
    await page.close();
  }
});
