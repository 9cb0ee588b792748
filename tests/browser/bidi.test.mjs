// Reader-level test of bidirectional layout (issue #3): builds a fixture article with warraq,
// serves it on 127.0.0.1, opens it in Debian's headless Chromium and checks what a reader sees:
// block directions, where lines start, the reading order of Latin names and numbers inside
// Arabic sentences, and that nothing overflows on a 375 px phone. Screenshots are kept in
// tests/browser/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, buildAndServe, launch } from './common.mjs';

let server, browser, base;

before(async () => {
  ({ server, base } = await buildAndServe('bidi_article'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens the article at a viewport width; returns the page. */
async function open(width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  // The Arabic path is requested percent-encoded, as a browser would.
  const response = await page.goto(`${base}/2025/mixed/`);
  assert.equal(response.status(), 200);
  return page;
}

/** Facts about the block whose text starts with `start`, measured in the page. */
async function block(page, selector, start) {
  return page.evaluate(([selector, start]) => {
    const el = [...document.querySelectorAll(selector)].find((e) => e.textContent.trim().startsWith(start));
    if (!el) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
    const text = walker.nextNode();
    const offset = text.textContent.search(/\S/);
    const range = document.createRange();
    range.setStart(text, offset);
    range.setEnd(text, offset + 1);
    const first = range.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const padStart = parseFloat(style.paddingInlineStart || 0);
    return {
      direction: style.direction,
      firstLeft: first.left, firstRight: first.right,
      contentLeft: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
      contentRight: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth),
      padStart,
    };
  }, [selector, start]);
}

/** The on-screen rectangle of the first occurrence of `needle` inside the element matching `start`. */
async function rectOf(page, start, needle) {
  return page.evaluate(([start, needle]) => {
    const el = [...document.querySelectorAll('.content p')].find((e) => e.textContent.startsWith(start));
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent.indexOf(needle);
      if (i >= 0) {
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + needle.length);
        const b = r.getBoundingClientRect();
        return { left: b.left, right: b.right, top: b.top };
      }
    }
    return null;
  }, [start, needle]);
}

const EPS = 2;

for (const width of [1280, 375]) {
  test(`blocks have the right direction and start at the right edge (${width}px)`, async () => {
    const page = await open(width);
    await page.screenshot({ path: join(artifacts, `bidi-${width}.png`), fullPage: true });

    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).direction), 'rtl');

    const arabic = await block(page, '.content p', 'برغم');
    assert.equal(arabic.direction, 'rtl');
    assert.ok(Math.abs(arabic.firstRight - arabic.contentRight) <= EPS, `Arabic paragraph starts at the right edge: ${JSON.stringify(arabic)}`);

    const english = await block(page, '.content p', 'Security analysts');
    assert.equal(english.direction, 'ltr');
    assert.ok(Math.abs(english.firstLeft - english.contentLeft) <= EPS, `English paragraph starts at the left edge: ${JSON.stringify(english)}`);

    const quote = await block(page, '.content blockquote', '"The group');
    assert.equal(quote.direction, 'ltr');

    assert.equal((await block(page, '.content li', 'بند عربي')).direction, 'rtl');
    assert.equal((await block(page, '.content li', 'An English')).direction, 'ltr');
    assert.equal((await block(page, '.content td', 'Raqqa')).direction, 'ltr');
    assert.equal((await block(page, '.content td', 'دير الزور')).direction, 'rtl');
    assert.equal((await block(page, '.content th', 'Source')).direction, 'ltr');

    const code = await block(page, '.content pre', 'warraq build');
    assert.equal(code.direction, 'ltr');
    assert.ok(Math.abs(code.firstLeft - code.contentLeft) <= EPS, 'code starts at the left edge');

    // Nothing overflows the viewport horizontally (long code scrolls inside its own box).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page overflows horizontally by ${overflow}px`);
    await page.close();
  });
}

test('Latin names and numbers keep their reading order inside Arabic sentences', async () => {
  const page = await open(1280);
  // "وفقاً لـ Reuters." — the sentence's full stop ends the RTL sentence: it sits left of "Reuters".
  const reuters = await rectOf(page, 'ونقلت', 'Reuters');
  const stop = await rectOf(page, 'ونقلت', '.');
  assert.ok(stop.right <= reuters.left + EPS, `full stop is after Reuters in reading order: ${JSON.stringify({ reuters, stop })}`);
  const lam = await rectOf(page, 'ونقلت', 'لـ');
  assert.ok(lam.left >= reuters.right - EPS, 'the Arabic word before Reuters stays to its right');

  // "UN Security Council 2254،" — the Latin run reads left to right with its number, and the
  // Arabic comma comes after the number in RTL reading order (to its left).
  const un = await rectOf(page, 'ويعود', 'UN');
  const council = await rectOf(page, 'ويعود', 'Council');
  const number = await rectOf(page, 'ويعود', '2254');
  const comma = await rectOf(page, 'ويعود', '،');
  assert.ok(un.left < council.left && council.left < number.left, 'UN Security Council 2254 reads left to right');
  assert.ok(comma.right <= number.left + EPS, `the Arabic comma follows 2254: ${JSON.stringify({ number, comma })}`);
  await page.close();
});

test('data of the other direction is isolated and titles stay readable', async () => {
  const page = await open(1280);
  const isolated = await page.evaluate(() => [...document.querySelectorAll('bdi')].map((b) => [b.textContent, getComputedStyle(b).unicodeBidi]));
  const names = isolated.map(([t]) => t);
  for (const expected of ['Reuters', 'John Smith', 'Syria: the return of ISIS', 'example.org']) {
    assert.ok(names.includes(expected), `${expected} is isolated in <bdi>: ${JSON.stringify(names)}`);
  }
  assert.ok(isolated.every(([, ub]) => ub === 'isolate'), 'bdi elements are isolated');
  // A title that opens with a Latin name is marked so tabs and previews lay it out right to left.
  const title = await page.title();
  assert.ok(title.startsWith('\u200F'), `title starts with RLM: ${JSON.stringify(title)}`);
  await page.close();
});
