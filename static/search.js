/* warraq search: queries the static index `warraq build` writes under /search/.
 *
 * Words are read with the rules the index was built with (meta.json `rules`, made by
 * src/search/analysis.rs), so the page and the index cannot disagree. Formats: src/search/encode.rs.
 * Works as a page script (the search page) and as a module for tests (`globalThis.WarraqSearch`).
 */
(function () {
  'use strict';

  const PAGE = 10;
  /* The index files' format this script reads (meta.json `version`, src/search/index.rs). */
  const FORMAT = 2;
  const MAX_PREFIX_CHUNKS = 4;
  const MAX_COMPLETIONS = 64;
  const MAX_TYPO_TARGETS = 4;
  /* Words and phrases a query may hold (a pasted paragraph searches its first ones). */
  const MAX_UNITS = 12;
  /* How much each kind of match counts, per word: the word itself; the same word behind clitics or
     in another spelling or number (والانتخابات, الأميركية, السجناء); a completion of what the
     reader is typing; another inflection of its stem; a typo's correction. */
  const LEVEL = { exact: 4, close: 3, prefix: 2, loose: 1, typo: 0 };
  /* Compounds Arabic writes both joined and apart (عبدالله / عبد الله, ديرالزور / دير الزور,
     ابوظبي / ابو ظبي): a first part from this list (folded), or a second part that starts with
     the article and has two letters after it. */
  const JOINED_FIRST = new Set(['عبد', 'ابو', 'ابي', 'ابا', 'ابن', 'بن', 'ام', 'ذو', 'ذي', 'نور', 'سيف', 'شمس', 'بيت', 'دار', 'راس', 'عين', 'بني']);

  /* ---------- reading words (rules from the index) ---------- */

  function analyzer(rules) {
    const cp = (s) => s.codePointAt(0);
    const ranges = (list) => list.map(([a, b]) => [cp(a), cp(b)]);
    const within = (c, rs) => rs.some(([a, b]) => c >= a && c <= b);
    const drop = ranges(rules.drop);
    const word = ranges(rules.word);
    const nonWord = ranges(rules.non_word);
    const marks = ranges(rules.word_marks);
    const arabic = ranges(rules.arabic);
    const shaped = ranges(rules.presentation || []);
    const foldMap = new Map(rules.fold);
    const protectedSet = new Set(rules.protected);
    const plurals = new Map(rules.plurals || []);
    const stop = new Set(rules.stop_words);
    const alnum = /[\p{Alphabetic}\p{N}]/u;
    const alpha = /\p{Alphabetic}/u;
    const upper = /\p{Uppercase}/u;

    function foldChar(ch) {
      if (within(cp(ch), drop)) return '';
      let c = foldMap.get(ch) || ch;
      if (cp(c) < 128 || upper.test(c)) c = c.toLowerCase();
      return c;
    }

    /* Presentation forms (text copied from a PDF) read as the letters they draw. */
    function fold(text) {
      let out = '';
      for (const ch of String(text).normalize('NFC')) {
        if (!within(cp(ch), shaped)) { out += foldChar(ch); continue; }
        for (const d of ch.normalize('NFKC')) out += within(cp(d), shaped) ? d : foldChar(d);
      }
      return out;
    }

    function isWordChar(ch) {
      const c = cp(ch);
      if (c < 128) return /[A-Za-z0-9]/.test(ch);
      if (within(c, word)) return true;
      if (within(c, nonWord)) return false;
      return alnum.test(ch) || within(c, marks);
    }

    /* Words of folded text (the index skips over-long ones; `keepLong` keeps them). */
    function words(folded, keepLong = false) {
      const out = [];
      let cur = '';
      for (const ch of folded) {
        if (isWordChar(ch)) cur += ch;
        else if (cur) { out.push(cur); cur = ''; }
      }
      if (cur) out.push(cur);
      if (keepLong) return out;
      return out.filter((w) => new TextEncoder().encode(w).length <= rules.max_word_bytes);
    }

    /* Words of raw text with their places, for snippets: [{text, start, end}]. */
    function spans(text) {
      const out = [];
      let start = -1;
      let i = 0;
      for (const ch of text) {
        if (isWordChar(ch)) { if (start < 0) start = i; }
        else if (start >= 0) { out.push({ start, end: i }); start = -1; }
        i += ch.length;
      }
      if (start >= 0) out.push({ start, end: i });
      return out;
    }

    const letters = (s) => [...s].length;
    const isArabicLetter = (ch) => within(cp(ch), arabic) && alpha.test(ch);

    function withoutArticle(w) {
      if (w.startsWith('ال') && letters(w.slice(2)) >= rules.min_after_article) return w.slice(2);
      return null;
    }

    /* The loose keys of a folded word: a port of analysis.rs `loose_keys`. */
    function looseKeys(w) {
      return keyLevels(w).map(([k]) => k);
    }

    /* The loose keys with how close each is: the word itself ('exact'), its clitic-free forms
       ('close'), its stems ('loose'); a lexicon group key is as close as the key that brought it. */
    function keyLevels(w) {
      const keys = baseKeys(w);
      const peeled = keys.peeled;
      const levels = keys.map((k, i) => (i === 0 ? 'exact' : i < peeled ? 'close' : 'loose'));
      const out = [...keys];
      // Lexicon groups: the group key of every key that is a form of a group, in order.
      for (let i = 0, n = out.length; i < n; i++) {
        const group = plurals.get(out[i]);
        if (group && !out.includes(group)) {
          out.push(group);
          levels.push(levels[i] === 'loose' ? 'loose' : 'close');
        }
      }
      return out.map((k, i) => [k, levels[i]]);
    }

    /* Clitic and suffix keys; `.peeled` counts the keys before the suffix step. */
    function baseKeys(w) {
      const keys = peelKeys(w);
      if (keys.peeled === undefined) keys.peeled = keys.length;
      return keys;
    }

    function peelKeys(w) {
      const keys = [w];
      const push = (k) => { if (!keys.includes(k)) keys.push(k); };
      const first = [...w][0];
      if (!first || !isArabicLetter(first)) return keys;
      const protectedKeys = (p) => {
        push(p);
        const r = withoutArticle(p);
        if (r) {
          push(r);
          // A sound masculine plural with the article also meets its other case (اللاجئون →
          // لاجئين), as the index reads it.
          for (const [from, to] of rules.case_pairs || []) {
            const stem = r.slice(0, r.length - from.length);
            const min = (rules.suffixes.find(([s]) => s === from) || [])[1];
            if (r.endsWith(from) && min !== undefined && letters(stem) >= min) { push(stem + to); break; }
          }
        }
        // A name in -يا meets its nisba (سوريا → سوري), as the index reads it.
        const last = r ?? p;
        const nisba = last.slice(0, -1);
        if (last.endsWith('يا') && letters(nisba) >= rules.nisba_min) push(nisba);
      };
      let cur = w;
      if (protectedSet.has(cur)) { protectedKeys(cur); return keys; }
      let articleDone = false;
      // The forms a one-letter clitic was peeled from, as the index reads them.
      const unpeeled = [];
      for (const set of [rules.conjunctions, rules.prepositions]) {
        if (set === rules.prepositions && cur.startsWith('لل') && letters(cur.slice(2)) >= rules.min_after_article) {
          const rest = cur.slice(2);
          push('ال' + rest);
          cur = rest;
          articleDone = true;
          push(cur);
          if (protectedSet.has(cur)) return keys;
          break;
        }
        const head = [...cur][0];
        const rest = cur.slice(head.length);
        // A number or a Latin word, perhaps behind a preposition, comes off a clitic at any length
        // (و3 → 3, وب5 → ب5), as the index reads it.
        const bare = rest && rules.prepositions.includes([...rest][0]) ? rest.slice(1) : rest;
        if (set.includes(head) && (letters(rest) >= rules.min_after_clitic || /^[a-z0-9]/.test(bare))) {
          unpeeled.push(cur);
          cur = rest;
          push(cur);
          if (protectedSet.has(cur)) { protectedKeys(cur); return keys; }
        }
      }
      if (!articleDone) {
        const rest = withoutArticle(cur);
        if (rest !== null) {
          cur = rest;
          articleDone = true;
          push(cur);
          if (protectedSet.has(cur)) return keys;
        }
      }
      keys.peeled = keys.length;
      const confirmed = articleDone && letters(cur) >= rules.min_after_clitic;
      for (const base of [cur, ...(confirmed ? [] : unpeeled)]) {
        for (const s of stems(base)) push(s);
        for (const form of [...beforePronoun(base), ...pluralConstruct(base)]) {
          push(form);
          for (const s of stems(form)) push(s);
        }
      }
      return keys;
    }

    /* A port of analysis.rs `stems`: the word without its one suffix, and a nisba plural's base. */
    function stems(w) {
      for (const [suffix, min] of rules.suffixes) {
        if (!w.endsWith(suffix)) continue;
        const stem = w.slice(0, w.length - suffix.length);
        if (letters(stem) < min) continue;
        const base = stem.slice(0, -1);
        if (rules.nisba_plurals.includes(suffix) && stem.endsWith('ي') && letters(base) >= rules.nisba_min) return [stem, base];
        return [stem];
      }
      return [];
    }

    /* A port of analysis.rs `plural_construct`: مقاتلو, مسؤولوها, مقاتليه → the plural with its ن. */
    function pluralConstruct(w) {
      let construct = null;
      for (const p of rules.pronouns || []) {
        const rest = w.slice(0, w.length - p.length);
        if (w.endsWith(p) && (rest.endsWith('و') || rest.endsWith('ي'))) { construct = rest; break; }
      }
      if (construct === null && w.endsWith('و')) construct = w;
      if (construct === null) return [];
      const ending = construct.endsWith('و') ? 'ون' : 'ين';
      const base = construct.slice(0, -1);
      if (letters(base) < rules.construct_min || base.endsWith('ا')) return [];
      return [base + ending];
    }

    /* A port of analysis.rs `before_pronoun`: a ت before a pronoun or the dual's ending was a ة
       (or the ت of ات). */
    function beforePronoun(w) {
      for (const p of rules.ta_endings || []) {
        if (!w.endsWith('ت' + p)) continue;
        const base = w.slice(0, w.length - p.length - 1);
        if (letters(base) < rules.ta_base_min) return [];
        return base.endsWith('ا') ? [base + 'ه', base + 'ت'] : [base + 'ه'];
      }
      return [];
    }

    return { fold, words, spans, looseKeys, keyLevels, letters, isStop: (w) => stop.has(w) };
  }

  /* ---------- the query ---------- */

  /* Units a query is made of: {kind: 'word'|'phrase', words: [...], prefix: bool}. */
  function parseQuery(raw, a) {
    const units = [];
    const text = String(raw);
    const quote = /"([^"]*)"?|«([^»]*)»?|“([^”]*)”?/g;
    let last = 0;
    let m;
    const free = [];
    while ((m = quote.exec(text)) !== null) {
      if (m[0] === '') { quote.lastIndex++; continue; }
      free.push(text.slice(last, m.index));
      const inner = m[1] ?? m[2] ?? m[3] ?? '';
      const ws = a.words(a.fold(inner));
      if (ws.length === 1) units.push({ kind: 'word', words: ws, prefix: false, exactOnly: true });
      else if (ws.length > 1) units.push({ kind: 'phrase', words: ws, prefix: false });
      last = m.index + m[0].length;
    }
    const tail = text.slice(last);
    free.push(tail);
    const freeWords = [];
    for (const part of free) for (const w of a.words(a.fold(part))) freeWords.push(w);
    const typing = tail.length > 0 && /[\p{L}\p{N}\p{M}]$/u.test(tail);
    const nonStop = freeWords.filter((w) => !a.isStop(w));
    const keep = nonStop.length > 0 || units.length > 0 ? nonStop : freeWords;
    keep.forEach((w, i) => {
      const isLast = i === keep.length - 1 && w === freeWords[freeWords.length - 1];
      units.push({ kind: 'word', words: [w], prefix: typing && isLast && a.letters(w) >= 2 });
    });
    return units.slice(0, MAX_UNITS);
  }

  /* The ways to cut a word in two, each part two letters or more: [[first, second], …]. */
  function splits(w) {
    const cs = [...w];
    const out = [];
    for (let i = 2; i <= cs.length - 2; i++) out.push([cs.slice(0, i).join(''), cs.slice(i).join('')]);
    return out;
  }

  /* Whether two words are a compound Arabic also writes as one (see JOINED_FIRST). */
  function compound([first, second]) {
    return JOINED_FIRST.has(first) || (second.startsWith('ال') && [...second].length >= 4);
  }

  /* ---------- reading the index ---------- */

  function varint(bytes, at) {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at.i++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  }

  const decoder = new TextDecoder();

  function parseChunk(bytes) {
    const at = { i: 0 };
    const count = varint(bytes, at);
    const entries = new Map();
    const keys = [];
    for (let e = 0; e < count; e++) {
      const kl = varint(bytes, at);
      const key = decoder.decode(bytes.subarray(at.i, at.i + kl));
      at.i += kl;
      const pl = varint(bytes, at);
      entries.set(key, bytes.subarray(at.i, at.i + pl));
      keys.push(key);
      at.i += pl;
    }
    return { entries, keys };
  }

  /* A posting list: {n, docs: Int32Array, impact(doc) via array}. */
  function readList(bytes, at, total) {
    const n = varint(bytes, at);
    const k = varint(bytes, at);
    const keptDocs = new Int32Array(k);
    const keptImpacts = new Uint8Array(k);
    let last = 0;
    for (let i = 0; i < k; i++) {
      const d = varint(bytes, at);
      last = i === 0 ? d : last + d;
      keptDocs[i] = last;
      keptImpacts[i] = bytes[at.i++];
    }
    if (k === n) return { n, docs: keptDocs, impacts: keptImpacts };
    const floor = bytes[at.i++];
    const mode = bytes[at.i++];
    const docs = new Int32Array(n);
    if (mode === 1) {
      /* One bit a document, up to the byte of the list's last one. */
      let j = 0;
      for (let d = 0; d < total && j < n; d++) {
        if (bytes[at.i + (d >> 3)] & (1 << (d & 7))) docs[j++] = d;
      }
      at.i += (docs[n - 1] >> 3) + 1;
    } else {
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const d = varint(bytes, at);
        prev = i === 0 ? d : prev + d;
        docs[i] = prev;
      }
    }
    const impacts = new Uint8Array(n).fill(floor);
    let j = 0;
    for (let i = 0; i < n && j < k; i++) {
      if (docs[i] === keptDocs[j]) { impacts[i] = keptImpacts[j]; j++; }
    }
    return { n, docs, impacts };
  }

  function readTerm(bytes, total) {
    const at = { i: 0 };
    const flags = bytes[at.i++];
    const exact = flags & 1 ? readList(bytes, at, total) : null;
    let loose = null;
    if (flags & 4) loose = exact;
    else if (flags & 2) loose = readList(bytes, at, total);
    return { exact, loose };
  }

  function readTargets(bytes) {
    const at = { i: 0 };
    const count = varint(bytes, at);
    const out = [];
    for (let i = 0; i < count; i++) {
      const l = varint(bytes, at);
      out.push(decoder.decode(bytes.subarray(at.i, at.i + l)));
      at.i += l;
    }
    return out;
  }

  /* Code point order, as the index sorts (UTF-16 order differs above U+FFFF). */
  function compare(a, b) {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }

  /* Index of the chunk whose range holds `key`, or -1. */
  function chunkIndex(dir, key) {
    let lo = 0;
    let hi = dir.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare(dir[mid][0], key) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  /* Edit distance (optimal string alignment) of at most one. */
  function withinOneEdit(a, b) {
    const x = [...a];
    const y = [...b];
    if (Math.abs(x.length - y.length) > 1) return false;
    const d = [];
    for (let i = 0; i <= x.length; i++) {
      d.push(new Array(y.length + 1).fill(0));
      d[i][0] = i;
    }
    for (let j = 0; j <= y.length; j++) d[0][j] = j;
    for (let i = 1; i <= x.length; i++) {
      for (let j = 1; j <= y.length; j++) {
        const cost = x[i - 1] === y[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length][y.length] <= 1;
  }

  /* ---------- the engine ---------- */

  function Engine(indexUrl, fetchBytes) {
    const base = new URL('.', new URL(indexUrl, globalThis.location ? globalThis.location.href : 'http://x/')).href;
    const get = fetchBytes || (async (url) => {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
    const cache = new Map();
    const fragments = new Map();
    let meta = null;
    let a = null;

    async function load() {
      if (!meta) {
        meta = get(new URL('meta.json', base).href).then((b) => JSON.parse(decoder.decode(b)));
      }
      const m = await meta;
      if (m.version !== FORMAT) {
        /* A page kept from before the site was rebuilt, or an index from another warraq. */
        meta = null;
        const e = new Error(`search index format ${m.version}, this script reads ${FORMAT}`);
        e.stale = true;
        throw e;
      }
      if (!a) a = analyzer(m.rules);
      return m;
    }

    /* Files are cached by URL: chunks (binary) and directory groups (JSON). */
    function file(space, name, parse) {
      const url = new URL(`${space}/${name}`, base).href;
      if (!cache.has(url)) cache.set(url, get(url).then(parse));
      return cache.get(url);
    }
    const chunk = (space, name) => file(space, `${name}.bin`, parseChunk);
    const group = (space, name) => file(space, `${name}.json`, (b) => JSON.parse(decoder.decode(b)));
    const SPACES = { t: 'terms', p: 'pairs', y: 'typos' };

    /* Where `key` would be: {top index, group, chunk index in the group}, or null. */
    async function locate(space, key) {
      const top = (await load())[SPACES[space]];
      const gi = chunkIndex(top, key);
      if (gi < 0) return null;
      const g = await group(space, top[gi][1]);
      return { top, gi, g, ci: Math.max(chunkIndex(g, key), 0) };
    }

    async function entry(space, key) {
      const at = await locate(space, key);
      if (!at) return null;
      const c = await chunk(space, at.g[at.ci][1]);
      return c.entries.get(key) || null;
    }

    async function term(key) {
      const m = await load();
      const bytes = await entry('t', key);
      return bytes ? readTerm(bytes, m.docs) : { exact: null, loose: null };
    }

    async function pair(first, second) {
      const m = await load();
      const bytes = await entry('p', `${first} ${second}`);
      return bytes ? readList(bytes, { i: 0 }, m.docs) : null;
    }

    /* Lists of the words (and clitic-free forms) that start with `prefix`, not the word itself. */
    async function completions(prefix) {
      const m = await load();
      const files = [];
      let at = await locate('t', prefix);
      if (!at && m.terms.length) at = { top: m.terms, gi: 0, g: await group('t', m.terms[0][1]), ci: 0 };
      // The chunk where the prefix would sit, then the next ones while they start with it.
      while (at && files.length < MAX_PREFIX_CHUNKS) {
        files.push(at.g[at.ci][1]);
        let next = null;
        if (at.ci + 1 < at.g.length) next = { ...at, ci: at.ci + 1 };
        else if (at.gi + 1 < at.top.length) {
          next = { top: at.top, gi: at.gi + 1, g: await group('t', at.top[at.gi + 1][1]), ci: 0 };
        }
        at = next && next.g[next.ci][0].startsWith(prefix) ? next : null;
      }
      const out = [];
      for (const c of await Promise.all(files.map((f) => chunk('t', f)))) {
        for (const key of c.keys) {
          if (key !== prefix && key.startsWith(prefix) && !key.includes(' ')) {
            // Loose lists too: a word the text writes behind a clitic (وتفرعات) still starts
            // with what the reader typed once the clitic is off.
            const t = readTerm(c.entries.get(key), m.docs);
            const list = t.loose || t.exact;
            if (list) out.push({ key, list });
          }
        }
      }
      out.sort((x, y) => y.list.n - x.list.n);
      return out.slice(0, MAX_COMPLETIONS);
    }

    /* Words of the archive one edit away from `w`. */
    async function typoTargets(w) {
      const m = await load();
      const chars = [...w];
      const keys = new Set([w]);
      for (let i = 0; i < chars.length; i++) keys.add(chars.slice(0, i).join('') + chars.slice(i + 1).join(''));
      const found = new Set();
      await Promise.all([...keys].map(async (k) => {
        const bytes = await entry('y', k);
        if (bytes) for (const t of readTargets(bytes)) if (t !== w && withinOneEdit(w, t)) found.add(t);
      }));
      return [...found].sort();
    }

    /* Per-document scores of one unit, in typed arrays over the whole archive (fast at 100k
       documents where Maps were not): level (-1: no match), best score, and the matched ids. */
    function scores(total) {
      return { level: new Int8Array(total).fill(-1), score: new Float32Array(total), docs: [], size: 0 };
    }

    /* BM25's idf of a list of `n` documents in an archive of `total`. */
    const idf = (n, total) => Math.log(1 + (total - n + 0.5) / (n + 0.5));

    /* Adds a list's documents to a unit's scores at `level`, its impacts weighted by idf. */
    function addList(out, list, level, weight, total) {
      if (!list) return;
      const w = (idf(list.n, total) * weight) / 255;
      const { docs, impacts } = list;
      for (let i = 0; i < list.n; i++) {
        const d = docs[i];
        const s = w * impacts[i];
        if (out.level[d] < 0) {
          out.level[d] = level;
          out.score[d] = s;
          out.docs.push(d);
        } else {
          if (level > out.level[d]) out.level[d] = level;
          if (s > out.score[d]) out.score[d] = s;
        }
      }
      out.size = out.docs.length;
    }

    /* A word typed joined that the text writes apart (ديرالزور → «دير الزور»): the lists of
       the pairs it cuts into, compounds first; every cut only when `everywhere`. */
    async function apart(forms, everywhere, tried) {
      const cuts = [];
      for (const f of forms) {
        for (const cut of splits(f)) {
          const key = cut.join(' ');
          // Any cut: parts of three letters or more (two-letter words are mostly function words).
          const any = everywhere && cut.every((part) => [...part].length >= 3);
          if (!tried.has(key) && (any || compound(cut))) { tried.add(key); cuts.push(cut); }
        }
      }
      const lists = await Promise.all(cuts.map(([x, y]) => pair(x, y)));
      return cuts.map((cut, i) => ({ cut, list: lists[i] })).filter((c) => c.list);
    }

    /* Matches one unit of the query. */
    async function matchUnit(unit, total) {
      const out = scores(total);
      const add = (list, level, weight) => addList(out, list, level, weight, total);
      const forms = new Set();
      if (unit.kind === 'phrase') {
        const lists = await Promise.all(unit.words.slice(1).map((w, i) => pair(unit.words[i], w)));
        unit.words.forEach((w) => forms.add(w));
        if (lists.some((l) => !l)) return { ...out, forms, phrase: true };
        // Documents holding every adjacent pair of the phrase.
        const seen = new Uint8Array(total);
        const sum = new Float32Array(total);
        lists.forEach((l) => {
          const w = idf(l.n, total) / 255;
          for (let i = 0; i < l.n; i++) {
            seen[l.docs[i]]++;
            sum[l.docs[i]] += w * l.impacts[i];
          }
        });
        for (let d = 0; d < total; d++) {
          if (seen[d] === lists.length) {
            out.level[d] = LEVEL.exact;
            out.score[d] = sum[d];
            out.docs.push(d);
          }
        }
        out.size = out.docs.length;
        return { ...out, forms, phrase: true };
      }
      const w = unit.words[0];
      const levels = unit.exactOnly ? [[w, 'exact']] : a.keyLevels(w);
      const keys = levels.map(([k]) => k);
      const [terms, extra] = await Promise.all([
        Promise.all(keys.map((k) => term(k))),
        unit.prefix ? completions(w) : Promise.resolve([]),
      ]);
      add(terms[0].exact, LEVEL.exact, 1);
      if (!unit.exactOnly) {
        // A key's loose list holds every word that has the key: for the word itself and its
        // clitic-free forms those are the same word behind clitics, for a stem other inflections.
        terms.forEach((t, i) => {
          const close = levels[i][1] !== 'loose';
          add(t.loose, close ? LEVEL.close : LEVEL.loose, close ? 0.8 : 0.6);
        });
      }
      for (const c of extra) add(c.list, LEVEL.prefix, 0.8);
      // The word apart in the text (the word as typed, and without its first clitic): as a
      // compound always; cut anywhere when nothing else, typos included, matched (below).
      const cuts = [];
      const cutForms = [w, ...keys.slice(1, 2)];
      const tried = new Set();
      if (!unit.exactOnly && a.letters(w) >= 4) {
        cuts.push(...await apart(cutForms, false, tried));
        cuts.forEach((c) => add(c.list, LEVEL.close, 0.8));
      }
      const result = {
        ...out, forms, keys: unit.exactOnly ? [w] : keys, prefix: unit.prefix ? w : null, typos: [],
        apart: cuts.flatMap((c) => c.cut),
      };
      const typoMin = (await load()).rules.typo_min_letters;
      if (out.size === 0 && a.letters(w) >= typoMin) {
        // The word as typed, and without its first clitic (والانتخبات → الانتخبات).
        const forms = [w, ...keys.slice(1, 2)].filter((f) => a.letters(f) >= typoMin);
        const found = await Promise.all(forms.map((f) => typoTargets(f)));
        const targets = [...new Set(found.flat())].slice(0, MAX_TYPO_TARGETS);
        const lists = await Promise.all(targets.map((t) => term(t)));
        lists.forEach((t) => add(t.exact, LEVEL.typo, 0.5));
        result.size = out.size;
        result.typos = targets;
      }
      if (out.size === 0 && !unit.exactOnly && a.letters(w) >= 6) {
        const more = await apart(cutForms, true, tried);
        more.forEach((c) => add(c.list, LEVEL.close, 0.8));
        result.size = out.size;
        result.apart.push(...more.flatMap((c) => c.cut));
      }
      return result;
    }

    /* The `k` best of `ids` by key (descending), then by id (descending: newer first, ids
       number the articles oldest first). */
    function best(ids, key, k) {
      const order = (x, y) => key[y] - key[x] || y - x;
      if (ids.length <= k) return Array.from(ids).sort(order);
      // Quickselect a threshold, then sort only what passes it.
      const values = Float64Array.from(ids, (d) => key[d]);
      let lo = 0;
      let hi = values.length - 1;
      const target = k - 1;
      while (lo < hi) {
        const pivot = values[(lo + hi) >> 1];
        let i = lo;
        let j = hi;
        while (i <= j) {
          while (values[i] > pivot) i++;
          while (values[j] < pivot) j--;
          if (i <= j) { const t = values[i]; values[i] = values[j]; values[j] = t; i++; j--; }
        }
        if (target <= j) hi = j; else if (target >= i) lo = i; else break;
      }
      const threshold = values[target];
      const picked = [];
      for (const d of ids) if (key[d] >= threshold) picked.push(d);
      return picked.sort(order).slice(0, k);
    }

    /* Runs a query: {total, results (the first ranked ids), more() (all of them), units, matched}. */
    async function search(raw) {
      const m = await load();
      const units = parseQuery(raw, a);
      if (units.length === 0) {
        // Words too long for any word of the archive (a pasted string without spaces).
        const tooLong = a.words(a.fold(String(raw)), true).length > 0;
        return { total: 0, results: [], more: () => [], units, matched: [], empty: true, tooLong };
      }
      const words = units.filter((u) => u.kind === 'word' && !u.prefix).map((u) => u.words[0]);
      const proximity = words.length >= 2 && words.length <= 4
        ? Promise.all(words.slice(1).map((w, i) => pair(words[i], w)))
        : Promise.resolve([]);
      const matched = await Promise.all(units.map((u) => matchUnit(u, m.docs)));
      // Two words typed apart that the text writes as one (عبد الله → عبدالله): a document with
      // the joined word, or it behind a clitic, has both.
      const free = units.map((u, i) => i).filter((i) => units[i].kind === 'word' && !units[i].exactOnly);
      const joins = [];
      for (let k = 0; k + 1 < free.length; k++) {
        const [i, j] = [free[k], free[k + 1]];
        if (j === i + 1 && compound([units[i].words[0], units[j].words[0]])) joins.push([i, j]);
      }
      const joined = await Promise.all(joins.map(([i, j]) => term(units[i].words[0] + units[j].words[0])));
      joins.forEach(([i, j], k) => {
        const t = joined[k];
        if (!t.exact && !t.loose) return;
        const word = units[i].words[0] + units[j].words[0];
        for (const u of [matched[i], matched[j]]) {
          addList(u, t.exact, LEVEL.close, 0.8, m.docs);
          addList(u, t.loose, LEVEL.close, 0.8, m.docs);
          u.joined = [...(u.joined || []), word];
        }
      });
      const bonus = await proximity;
      // Every unit must match (AND), starting from the smallest. The rank key: the match levels
      // first (exact above prefix above loose above typo), then the score.
      const order = [...matched].sort((x, y) => x.size - y.size);
      const key = new Float64Array(m.docs);
      const ids = [];
      if (order.length && order[0].size > 0) {
        for (const d of order[0].docs) {
          let level = 0;
          let score = 0;
          let all = true;
          for (const u of matched) {
            if (u.level[d] < 0) { all = false; break; }
            level += u.level[d];
            score += u.score[d];
          }
          if (all) {
            key[d] = level * 1e6 + score;
            ids.push(d);
          }
        }
      }
      // No article has every word of three or more (a question typed as a sentence, one word the
      // archive never uses): the articles that have the most of them, if they miss one word in
      // three at most, ranked as above. The page says that they lack some. Two words stay
      // strict: a reader who asks for both means both.
      let partial = null;
      const n = matched.length;
      if (ids.length === 0 && n >= 3) {
        const has = new Uint8Array(m.docs);
        let most = 0;
        for (const u of matched) {
          for (const d of u.docs) {
            has[d]++;
            if (has[d] > most) most = has[d];
          }
        }
        if (most >= n - Math.floor(n / 3)) {
          const picked = new Uint8Array(m.docs);
          for (const u of matched) {
            for (const d of u.docs) {
              if (has[d] !== most) continue;
              if (!picked[d]) { picked[d] = 1; ids.push(d); }
              key[d] += u.level[d] * 1e6 + u.score[d];
            }
          }
          partial = { of: n, has: most };
        }
      }
      for (const l of bonus) {
        if (!l) continue;
        for (let i = 0; i < l.n; i++) key[l.docs[i]] += l.impacts[i] / 255;
      }
      const FIRST = 200;
      let all = null;
      const more = () => {
        if (!all) all = best(ids, key, ids.length);
        return all;
      };
      const results = ids.length <= FIRST ? more() : best(ids, key, FIRST);
      // Words the archive does not have, matched through the words one typo away instead: the
      // page says so rather than present those results as the typed word's.
      const corrected = matched.flatMap((u, i) => (u.typos && u.typos.length
        ? [{ typed: units[i].words[0], to: u.typos }] : []));
      return { total: ids.length, results, more, units, matched, partial, corrected };
    }

    async function fragment(d) {
      if (!fragments.has(d)) {
        const url = new URL(`doc/${d}.txt`, base).href;
        fragments.set(d, get(url).then((b) => {
          // One line of JSON, then the plain text.
          const text = decoder.decode(b);
          const nl = text.indexOf('\n');
          const f = JSON.parse(nl < 0 ? text : text.slice(0, nl));
          f.x = nl < 0 ? '' : text.slice(nl + 1);
          return f;
        }));
      }
      return fragments.get(d);
    }

    /* Whether a folded word of the text is one the query matched (for highlighting). */
    function highlighter(outcome) {
      const exact = new Set();
      const keys = new Set();
      const prefixes = [];
      const phraseWords = new Set();
      for (const u of outcome.matched) {
        if (u.phrase) { u.forms.forEach((f) => phraseWords.add(f)); continue; }
        (u.keys || []).forEach((k, i) => (i === 0 ? exact.add(k) : keys.add(k)));
        if (u.prefix) prefixes.push(u.prefix);
        (u.typos || []).forEach((t) => exact.add(t));
        (u.apart || []).forEach((t) => exact.add(t));
        (u.joined || []).forEach((t) => keys.add(t));
      }
      if (exact.size) keys.add([...exact][0]);
      return (folded) => {
        if (exact.has(folded) || phraseWords.has(folded)) return true;
        if (prefixes.some((p) => folded.startsWith(p))) return true;
        if (keys.size && a.looseKeys(folded).some((k) => keys.has(k) || exact.has(k))) return true;
        return false;
      };
    }

    /* A snippet of `text` around the densest run of matched words: [{text, mark}]. */
    function snippet(text, isMatch, size = 28) {
      const spans = a.spans(text);
      const hits = spans.map((s) => isMatch(a.fold(text.slice(s.start, s.end))));
      let best = 0;
      let bestCount = -1;
      let count = 0;
      for (let i = 0; i < spans.length; i++) {
        if (hits[i]) count++;
        if (i >= size && hits[i - size]) count--;
        if (count > bestCount) { bestCount = count; best = Math.max(0, i - size + 1); }
      }
      if (bestCount <= 0) return null;
      // Start a few words before the first hit of the window.
      let first = best;
      while (first < spans.length && !hits[first]) first++;
      const start = Math.max(0, first - 6);
      const end = Math.min(spans.length, start + size);
      const parts = [];
      let at = start > 0 ? spans[start].start : 0;
      if (start > 0) parts.push({ text: '… ', mark: false });
      for (let i = start; i < end; i++) {
        if (spans[i].start > at) parts.push({ text: text.slice(at, spans[i].start), mark: false });
        parts.push({ text: text.slice(spans[i].start, spans[i].end), mark: hits[i] });
        at = spans[i].end;
      }
      if (end < spans.length) parts.push({ text: ' …', mark: false });
      else if (at < text.length) parts.push({ text: text.slice(at).trimEnd(), mark: false });
      return parts;
    }

    /* A title (or any short text) cut into marked and unmarked parts. */
    function marks(text, isMatch) {
      const parts = [];
      let at = 0;
      for (const s of a.spans(text)) {
        if (s.start > at) parts.push({ text: text.slice(at, s.start), mark: false });
        parts.push({ text: text.slice(s.start, s.end), mark: isMatch(a.fold(text.slice(s.start, s.end))) });
        at = s.end;
      }
      if (at < text.length) parts.push({ text: text.slice(at), mark: false });
      return parts;
    }

    return { load, search, fragment, highlighter, snippet, marks, analyzer: () => a };
  }

  /* ---------- the page ---------- */

  function page() {
    const form = document.querySelector('form.search-form[data-index]');
    if (!form) return;
    const input = form.querySelector('input[type=search]');
    const status = document.getElementById('search-status');
    const list = document.getElementById('search-results');
    const more = document.getElementById('search-more');
    const engine = Engine(form.dataset.index);
    let digits = 'latin';
    let generation = 0;
    let outcome = null;
    let shown = 0;
    let timer = null;

    const number = (n) => (digits === 'arabic-indic'
      ? String(n).replace(/[0-9]/g, (x) => '٠١٢٣٤٥٦٧٨٩'[x])
      : String(n));
    const counted = (n) => {
      if (n === 1) return 'نتيجة واحدة';
      if (n === 2) return 'نتيجتان';
      if (n >= 3 && n <= 10) return `${number(n)} نتائج`;
      return `${number(n)} نتيجة`;
    };

    function fill(el, parts) {
      for (const p of parts) {
        if (p.mark) {
          const m = document.createElement('mark');
          m.textContent = p.text;
          el.appendChild(m);
        } else el.appendChild(document.createTextNode(p.text));
      }
    }

    async function renderMore(mine) {
      if (shown + PAGE > outcome.results.length && outcome.results.length < outcome.total) {
        outcome.results = outcome.more();
      }
      const ids = outcome.results.slice(shown, shown + PAGE);
      const frags = await Promise.all(ids.map((d) => engine.fragment(d)));
      if (mine !== generation) return;
      const isMatch = engine.highlighter(outcome);
      frags.forEach((f, i) => {
        const li = document.createElement('li');
        li.className = 'search-result';
        if (f.l) li.lang = f.l;
        const h = document.createElement('h2');
        h.className = 'search-result-title';
        const link = document.createElement('a');
        link.href = f.u;
        link.dir = 'auto';
        fill(link, engine.marks(f.t, isMatch));
        h.appendChild(link);
        li.appendChild(h);
        const meta = document.createElement('p');
        meta.className = 'meta';
        const time = document.createElement('time');
        time.dateTime = f.d;
        time.textContent = f.dd;
        meta.appendChild(time);
        if (f.g && f.g.length) {
          meta.appendChild(document.createTextNode(' · '));
          f.g.forEach((t, k) => {
            if (k) meta.appendChild(document.createTextNode('، '));
            const b = document.createElement('bdi');
            b.className = 'search-tag';
            fill(b, engine.marks(t, isMatch));
            meta.appendChild(b);
          });
        }
        li.appendChild(meta);
        const parts = engine.snippet(f.x, isMatch) || (f.s ? engine.marks(f.s, isMatch) : null);
        if (parts) {
          const p = document.createElement('p');
          p.className = 'search-snippet';
          p.dir = 'auto';
          fill(p, parts);
          li.appendChild(p);
        }
        li.dataset.doc = String(ids[i]);
        list.appendChild(li);
      });
      shown += ids.length;
      more.hidden = shown >= outcome.total;
    }

    /* A folded word as `texts` write it (the first spelling whose fold it is), else as folded. */
    function spelled(folded, texts) {
      const a = engine.analyzer();
      for (const text of texts) {
        for (const sp of a.spans(text)) {
          const word = text.slice(sp.start, sp.end);
          if (a.fold(word) === folded) return word;
        }
      }
      return folded;
    }

    /* For a result that corrected typos: the sentence that names the words the archive does
       not have («لا ترد «الهول» في الأرشيف؛ »), and the query as it was searched (each such
       word replaced by the words one typo away, spelled as the first results write them).
       Without corrections: no sentence, and the query as typed. */
    async function corrections(result, query) {
      const fixes = result.corrected || [];
      if (!fixes.length) return ['', query];
      const frags = await Promise.all(result.results.slice(0, PAGE).map((d) => engine.fragment(d)));
      const texts = frags.flatMap((f) => [f.t, ...(f.g || []), f.s || '', f.x || '']);
      let asked = query;
      const typed = fixes.map((c) => {
        const word = spelled(c.typed, [query]);
        asked = asked.replace(word, () => c.to.map((t) => spelled(t, texts)).join(' أو '));
        return `«${word}»`;
      });
      return [`لا ترد ${typed.join(' ولا ')} في الأرشيف؛ `, asked];
    }

    async function run(query) {
      const mine = ++generation;
      list.setAttribute('aria-busy', 'true');
      list.dataset.state = 'searching';
      try {
        const m = await engine.load();
        digits = m.digits || 'latin';
        const result = await engine.search(query);
        if (mine !== generation) return;
        outcome = result;
        shown = 0;
        list.replaceChildren();
        more.hidden = true;
        if (result.empty) {
          status.textContent = !query.trim() ? ''
            : result.tooLong ? 'الكلمة أطول من أي كلمة في الأرشيف: اكتب كلمة أقصر، أو افصل الكلمات بمسافات.'
              : 'اكتب كلمة فيها حرف أو رقم.';
        } else if (result.total === 0) {
          status.textContent = `لا نتائج لـ«${query.trim()}». جرّب كلمة أخرى أو تصفّح الوسوم والأرشيف.`;
        } else {
          await renderMore(mine);
          if (mine !== generation) return;
          const [absent, asked] = await corrections(result, query.trim());
          if (mine !== generation) return;
          status.textContent = absent + (result.partial
            ? `لا مقال فيه كل كلمات «${asked}»؛ ${counted(result.total)} في كلٍّ منها ${number(result.partial.has)} من ${number(result.partial.of)}`
            : `${counted(result.total)} لـ«${asked}»`);
        }
      } catch (e) {
        if (mine !== generation) return;
        status.textContent = e && e.stale
          ? 'فهرس البحث من بناء للموقع غير بناء هذه الصفحة: أعد تحميل الصفحة ثم ابحث من جديد.'
          : 'تعذّر تحميل فهرس البحث. أعد المحاولة بعد قليل.';
        if (globalThis.console) console.error(e);
      }
      if (mine === generation) {
        list.setAttribute('aria-busy', 'false');
        list.dataset.total = String(outcome && !outcome.empty ? outcome.total : 0);
        list.dataset.state = 'done';
      }
    }

    function follow(query, push) {
      const url = new URL(location.href);
      if (query.trim()) url.searchParams.set('q', query);
      else url.searchParams.delete('q');
      if (url.href === location.href) return;
      if (push) history.pushState({ q: query }, '', url);
      else history.replaceState({ q: query }, '', url);
    }

    let lastPushed = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // A pause in typing is a step the back button returns to.
        follow(input.value, lastPushed !== null && lastPushed !== input.value);
        lastPushed = input.value;
        run(input.value);
      }, 120);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearTimeout(timer);
      follow(input.value, lastPushed !== input.value);
      lastPushed = input.value;
      run(input.value);
    });
    more.addEventListener('click', async () => {
      const first = shown;
      await renderMore(generation);
      const next = list.children[first];
      const link = next && next.querySelector('a');
      if (link) link.focus();
    });
    addEventListener('popstate', () => {
      const q = new URL(location.href).searchParams.get('q') || '';
      input.value = q;
      lastPushed = q;
      run(q);
    });
    const initial = new URL(location.href).searchParams.get('q') || '';
    if (initial) {
      input.value = initial;
      lastPushed = initial;
      run(initial);
    } else {
      list.dataset.state = 'done';
    }
    if (!initial) input.focus();
  }

  globalThis.WarraqSearch = { analyzer, parseQuery, Engine, withinOneEdit };
  if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', page);
    else page();
  }
})();
