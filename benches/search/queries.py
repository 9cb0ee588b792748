#!/usr/bin/env python3
"""Reader queries for an Arabic archive, with relevance decided from the corpus text.

Usage: queries.py CONTENT_DIR > queries.json

Each query has a category and a relevance rule read against every article's text (title, tags,
summary, body), with a normaliser written here independently of warraq's (so the ground truth is
what a reader means, not what the engine does): tashkeel and tatweel dropped, alef/hamza/ya/ta
marbuta variants unified, digits unified, Latin lower-cased. A word "occurs" in an article when a
token equals it after the normaliser, optionally behind the clitics و ف + ب ك ل + ال. Categories:

  variants  the reader's spelling differs from the text's (مسئول / مسؤول, اعادة / إعادة)
  clitics   the text writes the word with a clitic (والنفوذ) or the reader does
  plurals   singular ↔ plural / nisba forms, relevance listed explicitly per query
  names     people, places, organisations
  phrases   quoted, must occur as a contiguous sequence
  latin     Latin-script names inside Arabic text
  digits    numbers, in Latin, Arabic-Indic and Persian digits
  prefixes  the reader is still typing (relevant: a token starting with the prefix)
  typos     one edit (deletion, insertion, substitution, transposition) of a 5+ letter word
  absent    words the archive does not have (relevant: nothing; any result is a false hit)
"""
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

TASHKEEL = re.compile("[\u064B-\u065F\u0670\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u061C]")
FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ؤ": "ء", "ئ": "ء", "ک": "ك",
    **{chr(0x660 + i): str(i) for i in range(10)}, **{chr(0x6F0 + i): str(i) for i in range(10)},
})
TOKEN = re.compile(r"[\w\u064B-\u065F\u0670\u0640]+")


def norm(text):
    return TASHKEEL.sub("", unicodedata.normalize("NFC", text)).translate(FOLD).lower()


def tokens(text):
    return TOKEN.findall(norm(text))


def bare_forms(token):
    """The token and what is left after peeling the clitics a reader ignores."""
    out = {token}
    for conj in ("", "و", "ف"):
        if not token.startswith(conj):
            continue
        a = token[len(conj):]
        for prep in ("", "ب", "ك", "ل"):
            if not a.startswith(prep):
                continue
            b = a[len(prep):]
            if len(b) >= 2:
                out.add(b)
            if prep == "ل" and b.startswith("ل"):  # لل = ل + ال
                out.add("ال" + b[1:])
                out.add(b[1:])
            if b.startswith("ال") and len(b) > 3:
                out.add(b[2:])
    return out


def read_corpus(content):
    docs = []
    for path in sorted(Path(content).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, fm, body = text.split("---", 2)
        meta = {}
        for line in fm.splitlines():
            m = re.match(r"(title|summary|tags): (.*)", line)
            if m:
                meta[m.group(1)] = json.loads(m.group(2))
        body = re.sub(r"\]\([^)]*\)", "]", body)  # link targets are not text
        rel = path.relative_to(content).with_suffix("")
        fields = [meta.get("title", ""), " ".join(meta.get("tags", [])), meta.get("summary", ""), body]
        # Field boundaries break phrases.
        toks = []
        for f in fields:
            toks.append(tokens(f))
        docs.append({"url": f"/{rel.as_posix()}/", "fields": toks})
    for d in docs:
        d["set"] = {t for f in d["fields"] for t in f}
        d["bare"] = {b for t in d["set"] for b in bare_forms(t)}
    return docs


def occurs(doc, word):
    w = norm(word)
    if " " in w:
        return phrase(doc, w)
    return w in doc["bare"] or (w.startswith("ال") and w[2:] in doc["bare"])


def phrase(doc, words):
    seq = tokens(words)
    n = len(seq)
    for f in doc["fields"]:
        for i in range(len(f) - n + 1):
            if f[i:i + n] == seq:
                return True
    return False


def starts(doc, prefix):
    p = norm(prefix)
    return any(b.startswith(p) for b in doc["bare"])


# (category, query, rule). Rules: ("word", w) | ("any", [w, ...]) | ("all", [rule, ...]) |
# ("phrase", text) | ("prefix", p) | ("none",)
FIXED = [
    # Spelling variants: the reader's form differs from the text's.
    ("variants", "مسئولون", ("word", "مسؤولون")),
    ("variants", "مسؤولين", ("any", ["مسؤولين", "مسؤولون"])),
    ("variants", "اعادة ترتيب", ("all", [("word", "إعادة"), ("word", "ترتيب")])),
    ("variants", "الاسلامية", ("word", "الإسلامية")),
    ("variants", "امريكيون", ("word", "أمريكيون")),
    ("variants", "الأنضمام", ("word", "الانضمام")),
    ("variants", "اطلاق سراح", ("all", [("word", "إطلاق"), ("word", "سراح")])),
    ("variants", "الامنية", ("word", "الأمنية")),
    ("variants", "تبقي", ("word", "تبقى")),
    ("variants", "الاسد", ("word", "الأسد")),
    ("variants", "ابريل", ("word", "أبريل")),
    ("variants", "الأنصار", ("word", "الأنصار")),
    ("variants", "الرئيس احمد الشرع", ("all", [("word", "الرئيس"), ("word", "أحمد"), ("word", "الشرع")])),
    ("variants", "التنظيمِ", ("word", "التنظيم")),
    ("variants", "الشَّرع", ("word", "الشرع")),
    ("variants", "داعـــش", ("word", "داعش")),
    ("variants", "مهدّداً", ("word", "مهددا")),
    ("variants", "الاجهزة", ("word", "الأجهزة")),
    ("variants", "الإعلامى", ("word", "الإعلامي")),
    ("variants", "قيادة", ("word", "قيادة")),
    ("variants", "التكيف", ("word", "التكيّف")),
    ("variants", "انطباع", ("word", "انطباع")),
    ("variants", "اوروبا", ("word", "أوروبا")),
    ("variants", "الأستقرار", ("word", "الاستقرار")),
    ("variants", "الأمريكية", ("any", ["الأمريكية", "الأميركية"])),
    ("variants", "ترمب", ("word", "ترامب")),
    # Clitics: in the text, in the query, or both.
    ("clitics", "النفوذ", ("word", "النفوذ")),
    ("clitics", "والنفوذ", ("word", "النفوذ")),
    ("clitics", "اعادة", ("word", "إعادة")),
    ("clitics", "واعادة", ("word", "إعادة")),
    ("clitics", "لإعادة", ("word", "إعادة")),
    ("clitics", "العراق", ("word", "العراق")),
    ("clitics", "والعراق", ("word", "العراق")),
    ("clitics", "الصحيفة", ("word", "الصحيفة")),
    ("clitics", "بالعالم", ("word", "العالم")),
    ("clitics", "للتنظيم", ("word", "التنظيم")),
    ("clitics", "الحكومة", ("word", "الحكومة")),
    ("clitics", "فرصة", ("word", "فرصة")),
    ("clitics", "المراقبين", ("word", "المراقبين")),
    ("clitics", "بقيادة", ("word", "قيادة")),
    ("clitics", "التنسيق", ("word", "تنسيق")),
    ("clitics", "الدولي", ("word", "الدولي")),
    ("clitics", "الميدان", ("word", "الميدان")),
    ("clitics", "بالدم", ("word", "الدم")),
    # Plurals and related forms: relevance listed.
    ("plurals", "مسؤول امريكي", ("all", [("any", ["مسؤول", "مسؤولون", "مسؤولين"]), ("any", ["أمريكي", "أمريكيون", "أمريكية", "أميركي", "أميركية"])])),
    ("plurals", "الحملة", ("any", ["الحملة", "الحملات", "حملات", "حملة"])),
    ("plurals", "مقاتل", ("any", ["مقاتل", "مقاتليه", "مقاتلين", "مقاتلون"])),
    ("plurals", "قيادي", ("any", ["قيادي", "قياداته", "قيادات"])),
    ("plurals", "السجين", ("any", ["السجين", "السجناء", "سجين"])),
    ("plurals", "الضربة", ("any", ["الضربة", "الضربات", "ضربات", "ضربة"])),
    ("plurals", "عمليات", ("any", ["عمليات", "العمليات"])),
    ("plurals", "المجموعة", ("any", ["المجموعة", "مجموعات", "المجموعات"])),
    ("plurals", "الحدود", ("any", ["الحدود", "حدود"])),
    ("plurals", "السوري", ("any", ["السوري", "السورية", "السوريين"])),
    ("plurals", "علاقة", ("any", ["علاقة", "علاقات"])),
    ("plurals", "تساؤل", ("any", ["تساؤل", "تساؤلات"])),
    ("plurals", "غارة", ("any", ["غارة", "غارات"])),
    ("plurals", "المؤيد", ("any", ["المؤيد", "المؤيدين", "المؤيدون"])),
    ("plurals", "الأسبوع", ("any", ["الأسبوع", "الأسابيع"])),
    # A ت before an attached pronoun: the ta marbuta of قوة, the ات of قيادات.
    ("plurals", "قوة", ("any", ["قوة", "قوته"])),
    ("plurals", "القيادات", ("any", ["القيادات", "قيادات", "قياداته"])),
    ("plurals", "استراتيجيات", ("any", ["استراتيجيات", "استراتيجياته"])),
    # A plural that is also a tag (a protected word) in the other case.
    ("plurals", "اللاجئين", ("any", ["اللاجئون", "اللاجئين", "لاجئين", "لاجئون"])),
    ("plurals", "لاجئين", ("any", ["اللاجئون", "اللاجئين", "لاجئين", "لاجئون"])),
    # Names.
    ("names", "أحمد الشرع", ("all", [("word", "أحمد"), ("word", "الشرع")])),
    ("names", "الجولاني", ("word", "الجولاني")),
    ("names", "بشار الأسد", ("all", [("word", "بشار"), ("word", "الأسد")])),
    ("names", "دير الزور", ("all", [("word", "دير"), ("word", "الزور")])),
    ("names", "الباغوز", ("word", "الباغوز")),
    ("names", "دمشق", ("word", "دمشق")),
    ("names", "السيدة زينب", ("all", [("word", "السيدة"), ("word", "زينب")])),
    ("names", "جبهة النصرة", ("all", [("word", "جبهة"), ("word", "النصرة")])),
    ("names", "قسد", ("word", "قسد")),
    ("names", "فرنسا", ("word", "فرنسا")),
    ("names", "تركيا", ("word", "تركيا")),
    ("names", "واشنطن", ("word", "واشنطن")),
    ("names", "داعش", ("word", "داعش")),
    ("names", "أوروبا", ("word", "أوروبا")),
    ("names", "الشرق الأوسط", ("all", [("word", "الشرق"), ("word", "الأوسط")])),
    ("names", "مجلة النبأ", ("all", [("word", "مجلة"), ("word", "النبأ")])),
    ("names", "أبو محمد الجولاني", ("all", [("word", "أبو"), ("word", "محمد"), ("word", "الجولاني")])),
    ("names", "سوريا", ("word", "سوريا")),
    ("names", "مظلوم عبدي", ("all", [("word", "مظلوم"), ("word", "عبدي")])),
    ("names", "ترامب", ("word", "ترامب")),
    # Phrases.
    ("phrases", '"البادية السورية"', ("phrase", "البادية السورية")),
    ("phrases", '"الفراغ الأمني"', ("phrase", "الفراغ الأمني")),
    ("phrases", '"التحالف الدولي ضد الإرهاب"', ("phrase", "التحالف الدولي ضد الإرهاب")),
    ("phrases", '"العدالة الانتقالية"', ("phrase", "العدالة الانتقالية")),
    ("phrases", '"سقوط النظام"', ("phrase", "سقوط النظام")),
    ("phrases", '"القيادة المركزية الأميركية"', ("phrase", "القيادة المركزية الأميركية")),
    ("phrases", '"إطلاق سراح السجناء"', ("phrase", "إطلاق سراح السجناء")),
    ("phrases", '"مجموعات متنقلة"', ("phrase", "مجموعات متنقلة")),
    ("phrases", '"الحكومة الجديدة"', ("phrase", "الحكومة الجديدة")),
    ("phrases", '"عودة داعش"', ("phrase", "عودة داعش")),
    ("phrases", "«العنف الطائفي»", ("phrase", "العنف الطائفي")),
    ("phrases", '"تحكيم الشريعة"', ("phrase", "تحكيم الشريعة")),
    ("phrases", '"داعش في سوريا"', ("phrase", "داعش في سوريا")),
    ("phrases", '"الضربات الأمنية المؤثرة"', ("phrase", "الضربات الأمنية المؤثرة")),
    ("phrases", '"سوريا الديمقراطية"', ("phrase", "سوريا الديمقراطية")),
    # Latin names.
    ("latin", "Reuters", ("word", "reuters")),
    ("latin", "CENTCOM", ("word", "centcom")),
    ("latin", "crisis group", ("all", [("word", "crisis"), ("word", "group")])),
    ("latin", "Foreign Policy", ("all", [("word", "foreign"), ("word", "policy")])),
    ("latin", "ISIS", ("word", "isis")),
    ("latin", "Washington Post", ("all", [("word", "washington"), ("word", "post")])),
    ("latin", "Security Council", ("all", [("word", "security"), ("word", "council")])),
    ("latin", "Inherent Resolve", ("all", [("word", "inherent"), ("word", "resolve")])),
    ("latin", "al-Hol", ("all", [("word", "al"), ("word", "hol")])),
    ("latin", "reuters داعش", ("all", [("word", "reuters"), ("word", "داعش")])),
    ("latin", "coalition", ("word", "coalition")),
    ("latin", "centcom", ("word", "centcom")),
    # Prefixes: the reader is still typing.
    ("prefixes", "الاستراتي", ("prefix", "الاستراتي")),
    ("prefixes", "استراتيج", ("prefix", "استراتيج")),
    ("prefixes", "الجولا", ("prefix", "الجولا")),
    ("prefixes", "تحريض", ("prefix", "تحريض")),
    ("prefixes", "الانتق", ("prefix", "الانتق")),
    ("prefixes", "داعش الاعل", ("all", [("word", "داعش"), ("prefix", "الاعل")])),
    ("prefixes", "المتمرك", ("prefix", "المتمرك")),
    ("prefixes", "مخط", ("prefix", "مخط")),
    ("prefixes", "Reut", ("prefix", "reut")),
    ("prefixes", "الإدار", ("prefix", "الإدار")),
    ("prefixes", "سوري", ("prefix", "سوري")),
    # Compounds typed joined that the text writes apart.
    ("compounds", "ديرالزور", ("phrase", "دير الزور")),
    ("compounds", "عبدالله الثاني", ("all", [("phrase", "عبد الله"), ("word", "الثاني")])),
    ("compounds", "الباديةالسورية", ("phrase", "البادية السورية")),
    ("prefixes", "الطائف", ("prefix", "الطائف")),
    ("prefixes", "تفر", ("prefix", "تفر")),
    ("prefixes", "البادي", ("prefix", "البادي")),
    ("prefixes", "الشري", ("prefix", "الشري")),
    # Absent words: any result is a false hit.
    ("absent", "البطاطس", ("none",)),
    ("absent", "الفيزياء", ("none",)),
    ("absent", "كرة القدم", ("none",)),
    ("absent", "الديناصورات", ("none",)),
    ("absent", "بيتهوفن", ("none",)),
    ("absent", "Kubernetes", ("none",)),
    ("absent", "الأولمبياد", ("none",)),
    ("absent", "٧٧٧٧٧٧", ("none",)),
    ("absent", "القطب الجنوبي", ("none",)),
    ("absent", "البرمجيات", ("none",)),
]

TYPO_WORDS = ["استراتيجية", "الانضمام", "التحالف", "الإرهاب", "الحكومة", "التنظيم", "السورية", "الجولاني",
              "الباغوز", "تحريضية", "الطائفي", "المراقبين", "الإعلامي", "مكافحة", "الانتقالية", "الشريعة",
              "المتمركزة", "الاستقرار"]
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def typo(word, rng):
    w = list(word)
    kind = rng.choice(["delete", "insert", "substitute", "transpose"])
    i = rng.randrange(1, len(w) - 1)
    if kind == "delete":
        del w[i]
    elif kind == "insert":
        w.insert(i, rng.choice(LETTERS))
    elif kind == "substitute":
        w[i] = rng.choice([c for c in LETTERS if c != w[i]])
    else:
        w[i], w[i + 1] = w[i + 1], w[i]
    return "".join(w), kind


def relevant(docs, rule):
    kind = rule[0]
    if kind == "none":
        return set()
    if kind == "word":
        return {d["url"] for d in docs if occurs(d, rule[1])}
    if kind == "any":
        return {d["url"] for d in docs if any(occurs(d, w) for w in rule[1])}
    if kind == "phrase":
        return {d["url"] for d in docs if phrase(d, rule[1])}
    if kind == "prefix":
        return {d["url"] for d in docs if starts(d, rule[1])}
    if kind == "all":
        sets = [relevant(docs, r) for r in rule[1]]
        return set.intersection(*sets)
    raise ValueError(kind)


def main():
    content = Path(sys.argv[1])
    docs = read_corpus(content)
    rng = random.Random(2026)
    queries = list(FIXED)
    every = {t for d in docs for t in d["set"]}
    for word in TYPO_WORDS:
        for _ in range(20):
            wrong, kind = typo(word, rng)
            if norm(wrong) not in every and norm(wrong) not in {b for t in every for b in bare_forms(t)}:
                queries.append(("typos", wrong, ("word", word)))
                break
    # Numbers the corpus holds in a few articles, asked in three digit shapes.
    counts = {}
    for d in docs:
        for t in d["set"]:
            if t.isdigit() and len(t) >= 3:
                counts[t] = counts.get(t, 0) + 1
    rare = sorted(t for t, c in counts.items() if 1 <= c <= 5)
    picks = rng.sample(rare, min(8, len(rare)))
    shapes = [lambda s: s, lambda s: "".join(chr(0x660 + int(c)) for c in s), lambda s: "".join(chr(0x6F0 + int(c)) for c in s)]
    for k, n in enumerate(picks):
        queries.append(("digits", shapes[k % 3](n), ("word", n)))
    for q, n in [("2254", "2254"), ("٢٠١٩", "2019"), ("2024", "2024"), ("۲۰۲۵ داعش", None)]:
        rule = ("word", n) if n else ("all", [("word", "2025"), ("word", "داعش")])
        queries.append(("digits", q, rule))
    out = []
    for category, query, rule in queries:
        rel = relevant(docs, rule)
        if category != "absent" and rule != ("none",) and not rel:
            print(f"warning: no relevant article for {category} {query!r}", file=sys.stderr)
            continue
        if category == "absent" and any(occurs(d, w) for d in docs for w in query.split()):
            print(f"warning: {query!r} is not absent", file=sys.stderr)
            continue
        out.append({"category": category, "query": query, "relevant": sorted(rel)})
    json.dump({"docs": len(docs), "articles": [d["url"] for d in docs], "queries": out}, sys.stdout,
              ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
