// Reader-level test of long words on a phone: a fixture whose title, tags, writer, source,
// summary, related entries and body hold words longer than a phone's line (a pasted URL, a
// hashtag run together, a 90-letter Arabic word). Every page of the site is opened at 320 px and
// 375 px in headless Chromium: none may be wider than the screen (the reader would have to scroll
// sideways to read a card or a tag list), and the long table and code keep their words whole and
// scroll inside their own box instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, buildAndServe, launch } from './common.mjs';

let server, browser, base, root;

before(async () => {
  ({ server, base, root } = await buildAndServe('long_words'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Every page of the built site, as a path under the site root ("/", "/tags/…/"). */
function pages(dir, prefix = '/') {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...pages(join(dir, e.name), `${prefix}${e.name}/`));
    else if (e.name === 'index.html') out.push(prefix);
  }
  return out;
}

for (const width of [320, 375]) {
  test(`no page is wider than a ${width} px screen, whatever the length of its words`, async () => {
    const all = pages(root);
    assert.ok(all.length >= 12, `the fixture builds its pages: ${all}`);
    for (const tag of ['/tags/', '/authors/', '/sources/', '/2025/long/']) assert.ok(all.includes(tag), tag);
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    for (const path of all) {
      const response = await page.goto(base + encodeURI(path));
      assert.equal(response.status(), 200, path);
      const { overflow, widest } = await page.evaluate(() => {
        const viewport = document.documentElement.clientWidth;
        let widest = '';
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          // Inside a box that scrolls (a table, code) is the box's affair, not the page's.
          if (el.closest('table, pre')) continue;
          if (r.left < -1 || r.right > viewport + 1) { widest = `${el.tagName}.${el.className}`; break; }
        }
        return { overflow: document.documentElement.scrollWidth - viewport, widest };
      });
      if (overflow > 0 || widest) await page.screenshot({ path: join(artifacts, `overflow-${width}.png`), fullPage: true });
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen (${widest})`);
      assert.equal(widest, '', `${path}: ${widest} reaches past the screen`);
    }
    // The article's table and code scroll inside their own boxes, words whole.
    await page.goto(`${base}/2025/long/`);
    const boxes = await page.evaluate(() => ['table', 'pre'].map((s) => {
      const el = document.querySelector(`.content ${s}`);
      return { s, scrolls: el.scrollWidth > el.clientWidth, fits: el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1 };
    }));
    for (const b of boxes) {
      assert.ok(b.scrolls, `the ${b.s} scrolls inside its box`);
      assert.ok(b.fits, `the ${b.s} box itself fits the screen`);
    }
    await page.close();
  });
}
