"""Gives every article of a bench corpus (../shared/bench/make_corpus.py) a cover image of about
2 megapixels (1732x1155 JPEG, a different picture per article) in the folder named like the
article, and an `image:` entry in its front-matter. For README's image timings:

    python3 ../shared/bench/make_corpus.py --articles 1000 --seed 7 --flavor warraq --out /tmp/c1000i
    python3 benches/images/add_covers.py /tmp/c1000i
    warraq build --root /tmp/c1000i -v   # cold: encodes every variant
    warraq build --root /tmp/c1000i -v   # warm: encodes nothing

Needs Pillow (pip install pillow)."""
import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

W, H = 1732, 1155  # 2.0 MP, 3:2


def picture(seed):
    rnd = random.Random(seed)
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    top = tuple(rnd.randrange(20, 90) for _ in range(3))
    low = tuple(rnd.randrange(150, 250) for _ in range(3))
    for y in range(0, H, 3):
        t = y / H
        d.rectangle([0, y, W, y + 3], fill=tuple(int(top[i] + (low[i] - top[i]) * t) for i in range(3)))
    for _ in range(rnd.randrange(4, 9)):
        base = rnd.randrange(H // 3, H)
        amp = rnd.randrange(10, 80)
        f = rnd.uniform(0.002, 0.02)
        ph = rnd.uniform(0, 6)
        col = tuple(rnd.randrange(30, 200) for _ in range(3))
        pts = [(0, H)] + [(x, base + amp * math.sin(x * f + ph)) for x in range(0, W + 16, 16)] + [(W, H)]
        d.polygon(pts, fill=col)
    for _ in range(rnd.randrange(10, 40)):
        x, y, r = rnd.randrange(W), rnd.randrange(H), rnd.randrange(5, 60)
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randrange(256) for _ in range(3)))
    # Photographs have texture; flat drawings would make the JPEG encoder look faster than it is.
    noise = Image.effect_noise((W, H), 40).convert("RGB")
    return Image.blend(img, noise, 0.12).filter(ImageFilter.SMOOTH)


def main(root):
    content = os.path.join(root, "content")
    articles = []
    for folder, _, files in os.walk(content):
        articles += [os.path.join(folder, f) for f in files if f.endswith(".md")]
    articles.sort()
    for n, path in enumerate(articles):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "\nimage:" in text.split("\n---", 2)[1]:
            continue
        folder = path[:-3]
        os.makedirs(folder, exist_ok=True)
        picture(n).save(os.path.join(folder, "cover.jpg"), quality=88)
        end = text.index("\n---", 3)
        text = text[:end] + '\nimage: {src: cover.jpg, alt: "صورة الغلاف %d", credit: "ورّاق"}' % n + text[end:]
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if n % 100 == 0:
            print(f"{n}/{len(articles)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
