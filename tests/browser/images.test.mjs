// The example archive's seed article as a reader sees it: its cover and body image in Chromium
// at phone and desktop widths — no layout shift while they load (CLS measured by the browser's
// own layout-shift entries), the WebP variant chosen, no horizontal overflow, axe-core clean —
// and the cover thumbnail on the home page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, buildAndServe, artifacts } from './common.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ARTICLE = '/2025/isis-defeat-not-the-end/';
let browser, server, base;

before(async () => {
  ({ server, base } = await buildAndServe('example'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Sums layout shifts as the CLS metric does (shifts right after input do not count). */
const recordShifts = () => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__shifts.push({ value: e.value, sources: (e.sources || []).map((s) => s.node?.nodeName || '?') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
};

for (const [width, height] of [[375, 800], [1280, 900]]) {
  test(`cover and body image at ${width}px: real size reserved, no layout shift, no overflow`, async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.addInitScript(recordShifts);
    // Slow the images down so that any missing reservation would show as a shift.
    await page.route(/\/images\//, async (route) => {
      await new Promise((ok) => setTimeout(ok, 300));
      await route.continue();
    });
    try {
      await page.goto(base + ARTICLE, { waitUntil: 'load' });
      const cover = page.locator('figure.cover img');
      await cover.evaluate((img) => img.complete || new Promise((ok) => img.addEventListener('load', ok)));
      const c = await cover.evaluate((img) => ({
        natural: img.naturalWidth, w: img.getBoundingClientRect().width, h: img.getBoundingClientRect().height,
        src: img.currentSrc, loading: img.getAttribute('loading'), alt: img.alt,
      }));
      assert.ok(c.natural > 0, 'the cover loaded');
      assert.ok(c.src.endsWith('.webp'), `Chromium takes the WebP variant: ${c.src}`);
      assert.equal(c.loading, null, 'the cover is not lazy');
      assert.ok(c.alt.length > 0);
      assert.ok(Math.abs(c.w / c.h - 16 / 9) < 0.02, `cover keeps its ratio: ${c.w}×${c.h}`);
      // The variant fetched fits the screen: not the 1600-px one on a phone.
      if (width === 375) assert.ok(!c.src.includes('-1600.'), c.src);
      // The caption and its credit are shown under the cover.
      const caption = await page.locator('figure.cover figcaption').innerText();
      assert.ok(caption.includes('البادية السورية') && caption.includes('CC0'), caption);

      // The body image loads lazily when scrolled to, in the space already reserved.
      const body = page.locator('.content picture img');
      assert.equal(await body.getAttribute('loading'), 'lazy');
      await body.scrollIntoViewIfNeeded();
      await body.evaluate((img) => img.complete && img.naturalWidth > 0 || new Promise((ok) => img.addEventListener('load', ok)));
      const b = await body.evaluate((img) => ({ natural: img.naturalWidth, w: img.getBoundingClientRect().width, h: img.getBoundingClientRect().height }));
      assert.ok(b.natural > 0, 'the body image loaded');
      assert.ok(Math.abs(b.w / b.h - 1200 / 700) < 0.02, `body image keeps its ratio: ${b.w}×${b.h}`);
      await page.waitForTimeout(200);

      const shifts = await page.evaluate(() => window.__shifts);
      const cls = shifts.reduce((sum, s) => sum + s.value, 0);
      assert.equal(cls, 0, `layout shifted: ${JSON.stringify(shifts)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
      await page.addScriptTag({ content: axeSource });
      const found = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(found, []);
    } finally {
      await page.screenshot({ path: join(artifacts, `images-${width}.png`), fullPage: false });
      await context.close();
    }
  });
}

test('the home page shows the cover as a thumbnail that fits a phone', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  try {
    await page.goto(base + '/', { waitUntil: 'load' });
    const thumb = page.locator(`.card.has-image a.card-image[href="${ARTICLE}"] img`);
    await thumb.scrollIntoViewIfNeeded();
    await thumb.evaluate((img) => img.complete && img.naturalWidth > 0 || new Promise((ok) => img.addEventListener('load', ok)));
    const box = await thumb.boundingBox();
    assert.ok(box.width > 50 && box.width < 200, `thumbnail width ${box.width}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
    await page.addScriptTag({ content: axeSource });
    const found = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id));
    assert.deepEqual(found, []);
  } finally {
    await page.close();
  }
});
