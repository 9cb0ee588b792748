"""Reads HTML pages the way a real consumer of structured data does (extruct: the library
search engines' tooling and scrapers use) and prints, per file, the JSON-LD and OpenGraph it
finds: {file: {"json-ld": [...], "opengraph": [...]}}. tests/news.rs asserts on the result."""
import json
import sys

import extruct

out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        html = f.read()
    data = extruct.extract(html, syntaxes=["json-ld", "opengraph"], uniform=True, errors="strict")
    out[path] = {"json-ld": data["json-ld"], "opengraph": data["opengraph"]}
json.dump(out, sys.stdout, ensure_ascii=False)
