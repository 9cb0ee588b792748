// The search script (static/search.js) against the Rust side, in Node. Run by tests/search.rs,
// which writes the fixtures:
//   ANALYSIS  JSON: the rules as the index exports them, and texts with their fold, words and each
//             word's loose keys computed by Rust. The script must agree on every one (the rules are
//             data, the code on both sides must read them the same way).
//   SITE      a built copy of tests/fixtures/search_site: queries with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
await import(join(here, '..', '..', 'static', 'search.js'));
const { analyzer, parseQuery, Engine, withinOneEdit } = globalThis.WarraqSearch;

test('the script folds, splits and peels every word exactly as the index did', () => {
  const fixture = JSON.parse(readFileSync(process.env.ANALYSIS, 'utf8'));
  const a = analyzer(fixture.rules);
  assert.ok(fixture.cases.length > 1000);
  for (const c of fixture.cases) {
    assert.equal(a.fold(c.text), c.fold, `fold ${JSON.stringify(c.text)}`);
    assert.deepEqual(a.words(c.fold), c.words, `words ${JSON.stringify(c.fold)}`);
    for (const [w, keys] of Object.entries(c.keys)) {
      assert.deepEqual(a.looseKeys(w), keys, `keys ${JSON.stringify(w)}`);
    }
  }
});

test('queries are read into words, phrases and a prefix', () => {
  const fixture = JSON.parse(readFileSync(process.env.ANALYSIS, 'utf8'));
  const a = analyzer(fixture.rules);
  const units = parseQuery('«الدولة الإسلامية» في مسئول', a);
  assert.deepEqual(units.map((u) => [u.kind, u.words, u.prefix]), [
    ['phrase', ['الدوله', 'الاسلاميه'], false],
    ['word', ['مسءول'], true],
  ], 'stop words drop out of free words; the last word is still being typed');
  assert.equal(parseQuery('مسئول ', a)[0].prefix, false, 'a space ends the word');
  assert.deepEqual(parseQuery('في', a).map((u) => u.words), [['في']], 'a query of stop words keeps them');
  assert.deepEqual(parseQuery('  ،؟ ', a), []);
  assert.equal(parseQuery('كلمة '.repeat(5000), a).length, 12, 'a pasted text searches its first words');
  assert.ok(withinOneEdit('الانتخابات', 'الانتخبات'));
  assert.ok(withinOneEdit('الانتخابات', 'الانتخاابت'), 'a transposition is one edit');
  assert.ok(!withinOneEdit('الانتخابات', 'الانتبات'));
});

const site = process.env.SITE;
const read = async (url) => new Uint8Array(readFileSync(join(site, decodeURIComponent(new URL(url).pathname))));

async function search(q) {
  const engine = Engine('http://127.0.0.1/search/meta.json', read);
  const outcome = await engine.search(q);
  const urls = [];
  for (const d of outcome.results) urls.push((await engine.fragment(d)).u);
  return { engine, outcome, urls };
}

const slug = (u) => u.split('/').filter(Boolean).pop();

test('the word itself ranks above it behind a clitic, which ranks above another inflection', async () => {
  const { urls } = await search('الانتخابات ');
  assert.deepEqual(urls.slice(0, 2).map(slug).sort(), ['exact', 'second']);
  assert.deepEqual(urls.slice(2).map(slug), ['clitic', 'stem']);
});

test('spelling variants meet: hamza carriers, alef forms, digits, case', async () => {
  assert.deepEqual((await search('مسؤول ')).urls.map(slug).sort(), ['hamza', 'phrase']);
  assert.deepEqual((await search('مسئول ')).urls.map(slug).sort(), ['hamza', 'phrase']);
  assert.deepEqual((await search('٢٢٥٤')).urls.map(slug), ['latin']);
  assert.deepEqual((await search('2025 ')).urls.map(slug), ['latin']);
  assert.deepEqual((await search('reuters ')).urls.map(slug), ['latin']);
  assert.deepEqual((await search('CENTCOM')).urls.map(slug), ['latin']);
});

test('a phrase must be contiguous; free words only rank closer ones higher', async () => {
  assert.deepEqual((await search('"الدولة الإسلامية"')).urls.map(slug), ['phrase']);
  assert.deepEqual((await search('الدولة الإسلامية ')).urls.map(slug), ['phrase', 'apart']);
});

test('every word must match', async () => {
  assert.deepEqual((await search('الانتخابات بيروت ')).urls, []);
  assert.deepEqual((await search('فلسطين بيروت ')).urls.map(slug), ['names']);
  assert.equal((await search('فلسطين بيروت ')).outcome.partial, null);
});

test('a query with no word to look up says whether its words were too long or it had none', async () => {
  const long = await search('فلسطين'.repeat(60));
  assert.equal(long.outcome.empty, true);
  assert.equal(long.outcome.tooLong, true, 'a pasted string of letters is words too long to be in the archive');
  const none = await search('  ،؟ ـــ 🙂 ');
  assert.equal(none.outcome.empty, true);
  assert.equal(none.outcome.tooLong, false, 'punctuation, tatweel and emoji are no words at all');
});

test('three words or more that no article has together find the articles missing one in three', async () => {
  // البطاطس is in no article: the article with the other two is found, and says it is partial.
  const { outcome, urls } = await search('فلسطين بيروت البطاطس ');
  assert.deepEqual(urls.map(slug), ['names']);
  assert.deepEqual(outcome.partial, { of: 3, has: 2 });
  // No article has two of these three: nothing, rather than articles with one word in three.
  assert.deepEqual((await search('الانتخابات بيروت البطاطس ')).urls, []);
  // Two words stay strict, and an article with every word is never partial.
  assert.deepEqual((await search('بيروت البطاطس ')).urls, []);
  assert.equal((await search('الانتخابات ')).outcome.partial, null);
});

test('the last word matches as a prefix while typing', async () => {
  assert.deepEqual((await search('الانتخ')).urls.map(slug).sort(), ['clitic', 'exact', 'second', 'stem']);
  assert.deepEqual((await search('الانتخ ')).urls, [], 'a finished word is not a prefix');
  assert.deepEqual((await search('مرجع')).urls.map(slug), ['latin']);
});

test('a plural tag is found in its other case, as readers type it', async () => {
  // اللاجئون is a tag (a protected word: no stem), its text has only that case.
  assert.deepEqual((await search('اللاجئين ')).urls.map(slug), ['refugees']);
  assert.deepEqual((await search('لاجئين ')).urls.map(slug), ['refugees']);
  assert.deepEqual((await search('واللاجئون ')).urls.map(slug), ['refugees']);
  assert.deepEqual((await search('اللاجئين ')).outcome.corrected, [], 'found as the same word, not as a typo');
});

test('one typo is forgiven in a long word that finds nothing, never in an absent one', async () => {
  assert.deepEqual((await search('الانتخبات ')).urls.map(slug).sort(), ['exact', 'second']);
  assert.deepEqual((await search('والانتخبات ')).urls.map(slug).sort(), ['exact', 'second'], 'a typo behind a clitic');
  // The outcome names the corrected word and what it was read as, so the page can say so.
  assert.deepEqual((await search('الانتخبات ')).outcome.corrected, [{ typed: 'الانتخبات', to: ['الانتخابات'] }]);
  assert.deepEqual((await search('الانتخابات ')).outcome.corrected, [], 'a word the archive has is not corrected');
  assert.deepEqual((await search('البطاطس ')).urls, []);
  assert.deepEqual((await search('كمبيوتر ')).urls, []);
  assert.deepEqual((await search('الوفط ')).urls, [], 'typos need the word in two articles');
  assert.deepEqual((await search('المؤتمرات ')).urls, [], 'a typo is one edit at most');
});

test('a singular finds its broken plural', async () => {
  assert.deepEqual((await search('السجين ')).urls.map(slug), ['names']);
  const { engine, outcome } = await search('سجين ');
  const f = await engine.fragment(outcome.results[0]);
  const marked = engine.snippet(f.x, engine.highlighter(outcome)).filter((p) => p.mark).map((p) => p.text);
  assert.deepEqual(marked, ['السجناء']);
});

test('names the site tags are never damaged by stemming', async () => {
  const { urls, engine } = await search('فلسطين ');
  assert.deepEqual(urls.map(slug), ['names']);
  assert.deepEqual(engine.analyzer().looseKeys('فلسطين'), ['فلسطين']);
});

test('snippets mark the surface form the text uses', async () => {
  const { engine, outcome } = await search('مسئول ');
  const isMatch = engine.highlighter(outcome);
  for (const d of outcome.results) {
    const f = await engine.fragment(d);
    const marked = engine.snippet(f.x, isMatch).filter((p) => p.mark).map((p) => p.text);
    assert.ok(marked.length === 1 && ['مسؤول', 'مسئول'].includes(marked[0]), JSON.stringify(marked));
  }
  const clitic = await search('الانتخابات ');
  const hit = clitic.outcome.results[clitic.urls.findIndex((u) => slug(u) === 'clitic')];
  const parts = clitic.engine.snippet((await clitic.engine.fragment(hit)).x, clitic.engine.highlighter(clitic.outcome));
  assert.deepEqual(parts.filter((p) => p.mark).map((p) => p.text), ['والانتخابات']);
});

test('a compound is found joined or apart, whichever way the reader types it', async () => {
  // The text writes عبدالله and أبوظبي joined, «دير الزور» apart.
  assert.deepEqual((await search('عبد الله ')).urls.map(slug), ['compound']);
  assert.deepEqual((await search('ابو ظبي')).urls.map(slug), ['compound'], 'the last word still being typed');
  assert.deepEqual((await search('ديرالزور ')).urls.map(slug), ['compound']);
  assert.deepEqual((await search('وديرالزور ')).urls.map(slug), ['compound'], 'behind a clitic');
  // Any cut, when the joined word finds nothing else: «الوفد فلسطين» is no compound.
  assert.deepEqual((await search('الوفدفلسطين ')).urls.map(slug), ['names']);
  assert.deepEqual((await search('عبداللطيف ')).urls, [], 'a cut must be a pair of the text');
  const marked = async (q) => {
    const { engine, outcome } = await search(q);
    const f = await engine.fragment(outcome.results[0]);
    return engine.snippet(f.x, engine.highlighter(outcome)).filter((p) => p.mark).map((p) => p.text);
  };
  assert.deepEqual(await marked('ديرالزور '), ['دير', 'الزور']);
  assert.deepEqual(await marked('عبد الله '), ['عبدالله']);
});

test('an index of another format is refused as stale, not misread', async () => {
  const old = async (url) => {
    const bytes = await read(url);
    if (!url.endsWith('/meta.json')) return bytes;
    const meta = JSON.parse(new TextDecoder().decode(bytes));
    assert.equal(meta.version, 2, 'the index a build writes is of the format the script reads');
    meta.version = 1;
    return new TextEncoder().encode(JSON.stringify(meta));
  };
  const engine = Engine('http://127.0.0.1/search/meta.json', old);
  await assert.rejects(engine.search('الانتخابات '), (e) => e.stale === true);
  const fresh = Engine('http://127.0.0.1/search/meta.json', read);
  assert.equal((await fresh.search('الانتخابات ')).total, 4);
});
