//! Incremental = clean: after random sequences of edits (new, deleted and renamed articles;
//! body, title, tag, date, related, writer, slug and dossier changes; links between bodies (to
//! `.md` files and to site paths), drafts,
//! covers replaced by images of another size, writers' data files (aliases that merge two
//! writers), template overrides added and removed, tag counts printed in lists or not; an
//! article's language, summary, `updated` date, source and type, a heading its body links to
//! (which its page lists, from `page.headings`);
//! settings (pagination, date style and digits) and static files added, changed and removed (one
//! that a page replaces, `static/robots.txt`, too);
//! nothing at all),
//! the output of an incremental `warraq build` is byte-identical to a
//! clean build of the same sources into another folder, a build that fails fails both ways, and
//! a failed incremental build leaves the previous output untouched.
//!
//! The edits are drawn by a small seeded generator (xorshift), so a failure names its seed and
//! step and replays exactly: `WARRAQ_SEED=<seed> cargo test --test incremental` (`WARRAQ_STEPS=<n>`
//! for longer sequences than the default).

mod common;

use std::path::{Path, PathBuf};

use common::{folders, stderr, tree, warraq, write};

/// Seeds run by default (each is a sequence of [`STEPS`] edits, or `WARRAQ_STEPS`).
const SEEDS: [u64; 5] = [1, 7, 42, 2026, 90210];
const STEPS: usize = 20;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TAGS: [&str; 6] = ["سوريا", "النفط", "داعش", "العراق", "الانتخابات", "الفرات"];
const WORDS: [&str; 12] = [
    "الحدود",
    "النازحين",
    "المخيمات",
    "الحقول",
    "الاتفاق",
    "المفاوضات",
    "العشائر",
    "الجفاف",
    "الموازنة",
    "البادية",
    "الضربات",
    "المعابر",
];
const WRITERS: [&str; 3] = ["سارة الأحمد", "قسم التوثيق", "Omar K."];

/// One article as the generator knows it.
#[derive(Clone)]
struct Article {
    id: String,
    title: String,
    day: u32,
    tags: Vec<&'static str>,
    related: Vec<String>,
    writer: &'static str,
    series_part: Option<u32>,
    body: Vec<String>,
    /// What its body links to: an article's id (written `../<id>.md`) or a site path
    /// (`/2025/a3/`, as it was when the link was written: a later slug leaves it pointing
    /// nowhere).
    links: Vec<String>,
    /// Its `slug:`, when it has one.
    slug: Option<String>,
    draft: bool,
    /// The size of its cover (`<id>-cover.png` beside it), when it has one.
    cover: Option<(u32, u32)>,
    /// `lang: en`: an English article among Arabic ones.
    english: bool,
    /// Its `summary:`, when it has one (otherwise the first paragraph).
    summary: Option<String>,
    /// The day of April of its `updated:`, when it has one.
    updated: Option<u32>,
    /// Its `source:` (a name, with a URL), when it has one.
    source: Option<&'static str>,
    /// `type: news` instead of the default analysis.
    news: bool,
    /// Whether its body has a second-level heading, and its last paragraph links to it.
    heading: bool,
}

impl Article {
    fn text(&self) -> String {
        let mut front = format!(
            "---\ntitle: \"{}\"\ndate: 2025-03-{:02}\ntags: [{}]\nauthor: \"{}\"\n",
            self.title,
            self.day,
            self.tags.join(", "),
            self.writer
        );
        if !self.related.is_empty() {
            front.push_str("related:\n");
            for r in &self.related {
                front.push_str(&format!("  - {r}\n"));
            }
        }
        if self.draft {
            front.push_str("draft: true\n");
        }
        if let Some(slug) = &self.slug {
            front.push_str(&format!("slug: {slug}\n"));
        }
        if self.cover.is_some() {
            front.push_str(&format!(
                "image: {{src: {}, alt: \"غلاف\"}}\n",
                self.cover_file()
            ));
        }
        if self.english {
            front.push_str("lang: en\n");
        }
        if let Some(summary) = &self.summary {
            front.push_str(&format!("summary: \"{summary}\"\n"));
        }
        if let Some(day) = self.updated {
            front.push_str(&format!("updated: 2025-04-{day:02}\n"));
        }
        if let Some(source) = self.source {
            front.push_str(&format!(
                "source: {{name: \"{source}\", url: \"https://example.org/{}\"}}\n",
                source.len()
            ));
        }
        if self.news {
            front.push_str("type: news\n");
        }
        if let Some(part) = self.series_part {
            front.push_str(&format!(
                "series: {{name: \"ملف المعابر\", part: {part}}}\n"
            ));
        }
        let mut body = self.body.join("\n\n");
        if self.heading {
            body.push_str("\n\n## خلاصة التحليل\n\nانظر [الخلاصة](#خلاصة-التحليل).");
        }
        if !self.links.is_empty() {
            let links: Vec<String> = self
                .links
                .iter()
                .map(|to| match to.starts_with('/') {
                    true => format!("[{}]({to})", WORDS[to.len() % WORDS.len()]),
                    false => format!("[{}](../{to}.md)", WORDS[to.len() % WORDS.len()]),
                })
                .collect();
            body.push_str(&format!("\n\nانظر {}.", links.join(" و")));
        }
        format!("{front}---\n{body}\n")
    }

    /// Its site path: `/2025/<slug or file name>/`.
    fn site_path(&self) -> String {
        let (folder, stem) = self.id.rsplit_once('/').unwrap_or(("", &self.id));
        format!("/{folder}/{}/", self.slug.as_deref().unwrap_or(stem))
    }

    /// The cover's file name, beside the article's file.
    fn cover_file(&self) -> String {
        format!("{}-cover.png", self.id.rsplit('/').next().unwrap_or("x"))
    }
}

struct Site {
    root: PathBuf,
    articles: Vec<Article>,
    made: usize,
}

impl Site {
    fn path(&self, a: &Article) -> String {
        format!("content/{}.md", a.id)
    }

    fn write_all(&self) {
        for a in &self.articles {
            write(&self.root, &self.path(a), a.text());
        }
    }

    fn save(&self, i: usize) {
        let a = &self.articles[i];
        if let Some((w, h)) = a.cover {
            let folder = self
                .root
                .join("content")
                .join(a.id.rsplit_once('/').unwrap().0);
            std::fs::create_dir_all(&folder).unwrap();
            image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]))
                .save(folder.join(a.cover_file()))
                .unwrap();
        }
        write(&self.root, &self.path(a), a.text());
    }

    /// How many articles are not drafts.
    fn published(&self) -> usize {
        self.articles.iter().filter(|a| !a.draft).count()
    }

    /// Whether some other article names article `id` (in `related:` or a body link).
    fn named(&self, id: &str) -> bool {
        self.articles
            .iter()
            .any(|a| a.related.iter().chain(&a.links).any(|r| r == id))
    }

    /// Replaces every mention of `old` (related entries and body links) by `new`, or drops them
    /// when `new` is `None`, and saves the articles that changed.
    fn rename_mentions(&mut self, old: &str, new: Option<&str>) {
        for k in 0..self.articles.len() {
            let a = &mut self.articles[k];
            if !a.related.iter().chain(&a.links).any(|r| r == old) {
                continue;
            }
            for list in [&mut a.related, &mut a.links] {
                match new {
                    Some(new) => list
                        .iter_mut()
                        .filter(|r| *r == old)
                        .for_each(|r| *r = new.to_string()),
                    None => list.retain(|r| r != old),
                }
            }
            self.save(k);
        }
    }

    fn paragraph(rng: &mut Rng) -> String {
        (0..8)
            .map(|_| *rng.pick(&WORDS))
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    }

    fn new_article(&mut self, rng: &mut Rng) -> Article {
        self.made += 1;
        let n = self.made;
        let mut tags = vec![*rng.pick(&TAGS)];
        let second = *rng.pick(&TAGS);
        if !tags.contains(&second) {
            tags.push(second);
        }
        Article {
            id: format!("2025/a{n}"),
            title: format!("مقال {n} عن {}", rng.pick(&WORDS)),
            day: 1 + rng.below(28) as u32,
            tags,
            related: Vec::new(),
            writer: WRITERS[rng.below(WRITERS.len())],
            series_part: None,
            body: (0..2).map(|_| Self::paragraph(rng)).collect(),
            links: Vec::new(),
            slug: None,
            draft: false,
            cover: None,
            english: false,
            summary: None,
            updated: None,
            source: None,
            news: false,
            heading: rng.below(2) == 0,
        }
    }

    /// Applies one random edit; returns what it did (for failure messages).
    fn edit(&mut self, rng: &mut Rng) -> String {
        let n = self.articles.len();
        let i = rng.below(n);
        match rng.below(28) {
            0 => {
                let a = self.new_article(rng);
                let id = a.id.clone();
                self.articles.push(a);
                self.save(self.articles.len() - 1);
                format!("new article {id}")
            }
            1 if n > 3 && (self.articles[i].draft || self.published() > 1) => {
                let gone = self.articles.remove(i);
                std::fs::remove_file(self.root.join(self.path(&gone))).unwrap();
                // Nobody may name it any more (that would be an error, tested elsewhere).
                self.rename_mentions(&gone.id, None);
                format!("deleted {}", gone.id)
            }
            2 => {
                let old = self.path(&self.articles[i]);
                self.made += 1;
                let new_id = format!("2024/r{}", self.made);
                let old_id = std::mem::replace(&mut self.articles[i].id, new_id.clone());
                std::fs::remove_file(self.root.join(old)).unwrap();
                // Its cover goes with it (under its new name).
                self.save(i);
                self.rename_mentions(&old_id, Some(&new_id));
                format!("renamed {old_id} to {new_id}")
            }
            3 => {
                let p = Self::paragraph(rng);
                self.articles[i].body.push(p);
                self.save(i);
                format!("body of {}", self.articles[i].id)
            }
            4 => {
                self.articles[i].title =
                    format!("عنوان جديد {} {}", rng.pick(&WORDS), rng.next() % 100);
                self.save(i);
                format!("title of {}", self.articles[i].id)
            }
            5 => {
                let tag = *rng.pick(&TAGS);
                let tags = &mut self.articles[i].tags;
                if tags.contains(&tag) && tags.len() > 1 {
                    tags.retain(|t| *t != tag);
                } else if !tags.contains(&tag) {
                    tags.push(tag);
                }
                self.save(i);
                format!("tags of {}", self.articles[i].id)
            }
            6 => {
                self.articles[i].day = 1 + rng.below(28) as u32;
                self.save(i);
                format!("date of {}", self.articles[i].id)
            }
            7 => {
                let target = self.articles[rng.below(n)].clone();
                let (target, draft) = (target.id, target.draft);
                let a = &mut self.articles[i];
                if target != a.id && !a.related.contains(&target) && !draft {
                    a.related.push(target);
                } else {
                    a.related.clear();
                }
                self.save(i);
                format!("related of {}", self.articles[i].id)
            }
            8 => {
                self.articles[i].writer = WRITERS[rng.below(WRITERS.len())];
                self.save(i);
                format!("writer of {}", self.articles[i].id)
            }
            9 => {
                // Into or out of the dossier, with a part nobody else holds.
                let a = &self.articles[i];
                let part = if a.series_part.is_some() {
                    None
                } else {
                    let taken: Vec<u32> =
                        self.articles.iter().filter_map(|a| a.series_part).collect();
                    (1..).find(|p| !taken.contains(p))
                };
                self.articles[i].series_part = part;
                self.save(i);
                format!("dossier of {}", self.articles[i].id)
            }
            10 => {
                // Half the time the footer shows the article count, which pages' fingerprints
                // leave out while no template reads it.
                let count = if rng.below(2) == 0 {
                    " · {{ site.article_count }} مقالاً"
                } else {
                    ""
                };
                let footer = format!("<p class=\"stamp\">نسخة {}{count}</p>", rng.next() % 1000);
                write(
                    &self.root,
                    "templates/feed.xml",
                    include_str!("../templates/feed.xml"),
                );
                // Half the time base.html (every page's) is left as it is, and only the cards
                // below change: the pages that include them render again, and no other.
                let base_too = rng.below(2) == 0;
                if base_too {
                    let base = include_str!("../templates/base.html").replacen(
                        "</footer>",
                        &format!("{footer}</footer>"),
                        1,
                    );
                    write(&self.root, "templates/base.html", base);
                }
                // A third of the time the cards print their tags' counts, which pages'
                // fingerprints leave out while no template reads them (a new article changes
                // the counts of its tags in every list that shows one of their articles).
                let counts = rng.below(3) == 0;
                if counts {
                    let card = include_str!("../templates/partials/card.html").replacen(
                        "{{ t.name | isolate }}",
                        "{{ t.name | isolate }} ({{ t.count }})",
                        1,
                    );
                    write(&self.root, "templates/partials/card.html", card);
                } else {
                    let _ = std::fs::remove_file(self.root.join("templates/partials/card.html"));
                }
                format!("templates (base.html: {base_too}, cards with tag counts: {counts})")
            }
            11 => {
                // The page count, or only settings no page reads directly (how many similar
                // articles, `check:`): those move what the pages' values hold, if anything.
                // The site's title and feeds, which loading an article does not read either.
                let per_page = 2 + rng.below(3);
                let similar = 1 + rng.below(3);
                let timeout = 5 + rng.below(20);
                let title = rng.pick(&["أرشيف", "أرشيف التحليل", "Archive"]);
                let feeds = rng.below(4) != 0;
                write(
                    &self.root,
                    "site.yaml",
                    format!("title: \"{title}\"\nbase_url: \"https://example.org/\"\nper_page: {per_page}\nfeeds: {feeds}\nsimilar:\n  count: {similar}\ncheck:\n  timeout_secs: {timeout}\n"),
                );
                write(
                    &self.root,
                    "static/extra.css",
                    format!("/* {} */", rng.next()),
                );
                format!("settings (title {title}, per_page {per_page}, feeds {feeds}, similar {similar}) and a static file")
            }
            12 => {
                // One word of the last paragraph for another: the same length in words, the
                // same summary (the first paragraph), only the body's text differs.
                let word = *rng.pick(&WORDS);
                let last = self.articles[i].body.last_mut().expect("a body");
                let mut words: Vec<String> = last.split(' ').map(str::to_string).collect();
                let k = rng.below(words.len() - 1);
                words[k] = word.to_string();
                *last = words.join(" ");
                self.save(i);
                format!("a word of {}", self.articles[i].id)
            }
            13 => {
                // A link in the body to another article (a backlink), or none any more.
                // Half of them name its site path, which its own later edits (a slug) can move
                // without this file changing.
                let target = self.articles[rng.below(n)].clone();
                let to = match rng.below(2) {
                    0 => target.id.clone(),
                    _ => target.site_path(),
                };
                let a = &mut self.articles[i];
                if target.id != a.id && !target.draft && !a.links.contains(&to) {
                    a.links.push(to);
                } else {
                    a.links.clear();
                }
                self.save(i);
                format!("links of {}", self.articles[i].id)
            }
            14 => {
                // Into or out of the drafts (only an article nobody names: naming a draft is an
                // error, tested elsewhere).
                // The last published article stays published: a build with none is refused
                // (it would empty the published site; tested elsewhere).
                let id = self.articles[i].id.clone();
                if self.articles[i].draft || (!self.named(&id) && self.published() > 1) {
                    self.articles[i].draft = !self.articles[i].draft;
                    self.save(i);
                }
                format!("draft flag of {id}")
            }
            15 => {
                // A cover, or the same cover file with a picture of another size.
                let size = (8 + rng.below(40) as u32, 6 + rng.below(30) as u32);
                self.articles[i].cover = Some(size);
                self.save(i);
                format!("cover of {} ({size:?})", self.articles[i].id)
            }
            16 => {
                // The writers' data file: a bio, and sometimes an alias that makes two writers one.
                let alias = if rng.below(2) == 0 {
                    "\n  aliases: [\"Omar K.\"]"
                } else {
                    ""
                };
                write(
                    &self.root,
                    "data/authors.yaml",
                    format!(
                        "\"سارة الأحمد\":\n  bio: \"باحثة {}\"{alias}\n",
                        rng.pick(&WORDS)
                    ),
                );
                format!("writers' data (alias: {})", !alias.is_empty())
            }
            18 => {
                // A new slug, or none: links to its `.md` file now lead elsewhere, links to its
                // old site path nowhere, in files that did not change.
                let slug = match rng.below(3) {
                    0 => None,
                    _ => Some(format!("s{}", rng.next() % 1000)),
                };
                self.articles[i].slug = slug.clone();
                self.save(i);
                format!("slug of {} ({slug:?})", self.articles[i].id)
            }
            17 => {
                // The site's own base.html goes: the default is used again.
                let _ = std::fs::remove_file(self.root.join("templates/base.html"));
                "base.html override removed".into()
            }
            19 => {
                self.articles[i].english = !self.articles[i].english;
                self.save(i);
                format!("language of {}", self.articles[i].id)
            }
            20 => {
                self.articles[i].summary = match rng.below(3) {
                    0 => None,
                    _ => Some(format!(
                        "خلاصة عن {} و{}",
                        rng.pick(&WORDS),
                        rng.pick(&WORDS)
                    )),
                };
                self.save(i);
                format!("summary of {}", self.articles[i].id)
            }
            21 => {
                self.articles[i].updated = match rng.below(3) {
                    0 => None,
                    _ => Some(1 + rng.below(28) as u32),
                };
                self.save(i);
                format!("updated of {}", self.articles[i].id)
            }
            22 => {
                self.articles[i].source = match rng.below(3) {
                    0 => None,
                    _ => Some(*rng.pick(&["الشرق الأوسط", "عنب بلدي", "Reuters"])),
                };
                self.articles[i].news = rng.below(2) == 0;
                self.save(i);
                format!("source and type of {}", self.articles[i].id)
            }
            23 => {
                self.articles[i].heading = !self.articles[i].heading;
                self.save(i);
                format!("heading of {}", self.articles[i].id)
            }
            24 => {
                // How dates are written: every page that shows one changes.
                let style = *rng.pick(&["levant", "arabic", "maghreb", "iso"]);
                let digits = *rng.pick(&["latin", "arabic-indic"]);
                write(
                    &self.root,
                    "site.yaml",
                    format!("title: \"أرشيف\"\nbase_url: \"https://example.org/\"\nper_page: 2\ndate_style: {style}\ndigits: {digits}\nsimilar:\n  count: 2\n"),
                );
                format!("dates ({style}, {digits})")
            }
            25 => {
                // A static file goes: the output must lose it too.
                let _ = std::fs::remove_file(self.root.join("static/extra.css"));
                "static file removed".into()
            }
            26 => {
                // A static file that a page replaces (a robots.txt brought from another
                // generator): it is never published, however often it comes and goes.
                let path = self.root.join("static/robots.txt");
                if path.exists() && rng.below(2) == 0 {
                    let _ = std::fs::remove_file(path);
                    "static robots.txt removed".into()
                } else {
                    write(
                        &self.root,
                        "static/robots.txt",
                        format!("User-agent: * # {}", rng.next()),
                    );
                    "static robots.txt, which a page replaces".into()
                }
            }
            _ => "nothing".into(),
        }
    }
}

/// The two numbers ("14 of 130455") of the `-v` line that says `what`.
fn of_line(err: &str, what: &str) -> (usize, usize) {
    let line = err
        .lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` line: {err}"));
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// Asserts that `root`'s ./public is what a clean build of the site publishes (built into a
/// folder beside it, removed afterwards).
fn assert_same_as_clean(root: &Path) {
    let clean_out = root.join("clean-out");
    let (ok, err) = build(
        root,
        &["build", "--clean", "--output", clean_out.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert_eq!(tree(&root.join("public")), tree(&clean_out));
    std::fs::remove_dir_all(&clean_out).unwrap();
}

fn build(root: &Path, args: &[&str]) -> (bool, String) {
    let out = warraq(root, args);
    let err = stderr(&out);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "no crash or usage error: {err}"
    );
    (out.status.success(), err)
}

/// The default article template with a table of contents from `page.headings` before the body,
/// in `<ol class="toc{marker}">`.
fn article_with_contents(marker: &str) -> String {
    let toc = format!(
        "<ol class=\"toc{marker}\">{{% for h in page.headings %}}<li data-level=\"{{{{ h.level }}}}\"><a href=\"#{{{{ h.id }}}}\">{{{{ h.text }}}}</a></li>{{% endfor %}}</ol>\n{{{{ page.content | safe }}}}"
    );
    include_str!("../templates/article.html").replacen("{{ page.content | safe }}", &toc, 1)
}

fn run(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let clean_out = dir.path().join("clean-out");
    let clean_out = clean_out.to_str().unwrap().to_string();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut site = Site {
        root: root.clone(),
        articles: Vec::new(),
        made: 0,
    };
    write(
        &root,
        "site.yaml",
        "title: \"أرشيف\"\nbase_url: \"https://example.org/\"\nper_page: 2\nsimilar:\n  count: 2\n",
    );
    // The article pages print their headings as a table of contents: a build reads them back
    // from the store (for an article it did not render again) only when the page is rendered.
    write(&root, "templates/article.html", article_with_contents(""));
    for _ in 0..8 {
        let a = site.new_article(&mut rng);
        site.articles.push(a);
    }
    // Bodies link to one another from the start (by `.md` file or by site path), so the edits
    // that move an article (a slug, a rename, a deletion, a draft) meet links to it in files
    // they do not change.
    for i in 0..site.articles.len() {
        let target = &site.articles[(i + 1 + rng.below(7)) % site.articles.len()];
        let to = match rng.below(2) {
            0 => target.id.clone(),
            _ => target.site_path(),
        };
        site.articles[i].links.push(to);
    }
    site.write_all();
    let mut done = Vec::new();
    let mut compared = 0;
    let steps = std::env::var("WARRAQ_STEPS").map_or(STEPS, |s| s.parse().expect("a number"));
    for step in 0..=steps {
        if step > 0 {
            done.push(site.edit(&mut rng));
        }
        // Half the steps wait out the racy window, so "nothing changed" builds happen too.
        if rng.below(2) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(60));
        }
        let before = tree(&root.join("public"));
        let (ok, err) = build(&root, &["build"]);
        let (clean_ok, clean_err) = build(&root, &["build", "--clean", "--output", &clean_out]);
        let context = format!("seed {seed}, step {step}, after: {done:?}\n{err}\n{clean_err}");
        assert_eq!(ok, clean_ok, "both builds succeed or both fail: {context}");
        if !ok {
            assert_eq!(
                tree(&root.join("public")),
                before,
                "a failed build changes nothing: {context}"
            );
            continue;
        }
        let incremental = tree(&root.join("public"));
        let clean = tree(Path::new(&clean_out));
        let differ: Vec<_> = incremental
            .keys()
            .chain(clean.keys())
            .filter(|k| incremental.get(*k) != clean.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "incremental differs from clean in {differ:?}: {context}"
        );
        assert_eq!(
            folders(&root.join("public")),
            folders(Path::new(&clean_out)),
            "incremental and clean have the same folders (none left empty): {context}"
        );
        compared += 1;
    }
    // The edits keep the site buildable; a run whose builds all failed would compare nothing.
    assert!(
        compared > steps / 2,
        "seed {seed}: only {compared} of {} builds succeeded: {done:?}",
        steps + 1
    );
}

#[test]
fn incremental_builds_equal_clean_builds_after_random_edits() {
    match std::env::var("WARRAQ_SEED") {
        Ok(seed) => run(seed.parse().expect("WARRAQ_SEED is a number")),
        Err(_) => {
            for seed in SEEDS {
                run(seed);
            }
        }
    }
}

#[test]
fn a_template_change_renders_only_what_uses_it_and_nothing_new_renders_nothing() {
    let dir = common::site("incremental_site");
    let root = dir.path();
    let rendered = |err: &str| of_line(err, "pages rendered");
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (first, pages) = rendered(&err);
    assert_eq!(first, pages, "a first build renders every page");
    if cfg!(target_os = "linux") {
        let memory = err
            .lines()
            .find(|l| l.trim_start().starts_with("memory after load "))
            .unwrap_or_else(|| panic!("-v names the memory after each stage: {err}"));
        for stage in ["index", "search index", "render"] {
            assert!(memory.contains(&format!(", {stage} ")), "{memory}");
        }
        assert!(memory.contains(" MB (peak "), "{memory}");
    }
    // A changed feed template: the feeds only.
    write(
        root,
        "templates/feed.xml",
        include_str!("../templates/feed.xml").replacen("</feed>", "<!-- x --></feed>", 1),
    );
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let feeds = walkdir::WalkDir::new(root.join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "feed.xml")
        .count();
    assert_eq!(rendered(&err), (feeds, pages), "{err}");
    // A changed partial: the pages whose templates include it (the lists of cards), not the
    // articles' pages, which neither include it nor are rewritten.
    let article = root.join("public/2025/oil/index.html");
    let article_time = std::fs::metadata(&article).unwrap().modified().unwrap();
    write(
        root,
        "templates/partials/card.html",
        include_str!("../templates/partials/card.html").replacen(
            "<article class=\"card",
            "<article data-v=\"2\" class=\"card",
            1,
        ),
    );
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (lists, _) = rendered(&err);
    assert!(lists > 0 && lists < pages, "{lists} of {pages}: {err}");
    assert!(common::read(root.join("public/index.html")).contains("data-v=\"2\""));
    assert_eq!(
        std::fs::metadata(&article).unwrap().modified().unwrap(),
        article_time,
        "an article's page does not include the cards"
    );
    // One article's title: its page, and the lists and pages that show it; not the others.
    let oil = root.join("content/2025/oil.md");
    let text = common::read(&oil).replacen("حقول النفط شرق الفرات", "حقول النفط", 1);
    std::fs::write(&oil, text).unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (some, _) = rendered(&err);
    assert!(some > 1 && some < pages, "{some} of {pages}: {err}");
    // Nothing new (once the sources are older than the racy window): nothing at all.
    std::thread::sleep(std::time::Duration::from_millis(60));
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (ok, err2) = build(root, &["build", "-v"]);
    assert!(ok, "{err2}");
    assert!(
        err2.starts_with("nothing changed since the last build"),
        "{err}\n{err2}"
    );
    // --clean renders everything again.
    let (ok, err) = build(root, &["build", "-v", "--clean"]);
    assert!(ok, "{err}");
    assert_eq!(rendered(&err), (pages, pages));
}

/// An article's headings wait in the article store beside its body: an article kept from an
/// earlier build whose page is rendered again (here: its template changed) lists them as the
/// build that read its source did.
#[test]
fn the_headings_of_a_kept_article_come_back_when_its_page_is_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "templates/article.html", article_with_contents(""));
    write(
        root,
        "content/2025/a.md",
        "---\ntitle: \"مقال بفصول\"\ndate: 2025-01-02\n---\nمقدمة.\n\n## الجذور <em>الأولى</em>\n\nنص.\n\n### ما بعد 2019\n\nنص آخر.\n",
    );
    write(
        root,
        "content/2025/b.md",
        "---\ntitle: \"مقال بلا فصول\"\ndate: 2025-01-01\n---\nنص قصير.\n",
    );
    let expected = "<li data-level=\"2\"><a href=\"#الجذور-الأولى\">الجذور الأولى</a></li><li data-level=\"3\"><a href=\"#ما-بعد-2019\">ما بعد 2019</a></li></ol>";
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    let page = common::read(root.join("public/2025/a/index.html"));
    assert!(
        page.contains(&format!("<ol class=\"toc\">{expected}")),
        "{page}"
    );
    assert!(common::read(root.join("public/2025/b/index.html")).contains("<ol class=\"toc\"></ol>"));
    // The template changes: both pages are rendered again, neither source is read again.
    write(root, "templates/article.html", article_with_contents(" v2"));
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert_eq!(of_line(&err, "articles read"), (0, 2), "{err}");
    let page = common::read(root.join("public/2025/a/index.html"));
    assert!(
        page.contains(&format!("<ol class=\"toc v2\">{expected}")),
        "{page}"
    );
    assert!(
        common::read(root.join("public/2025/b/index.html")).contains("<ol class=\"toc v2\"></ol>")
    );
}

/// An article with a tag no other article has changes how many tags the site has, which every
/// page's context holds (the navigation links the tags' page when there are any). The default
/// templates show no more than that, so only the pages that show the article are rendered, not
/// every page; a site's own navigation that prints the number renders every page again.
#[test]
fn an_article_with_a_new_tag_renders_only_the_pages_that_show_it() {
    let dir = common::site("incremental_site");
    let root = dir.path();
    let rendered = |err: &str| of_line(err, "pages rendered");
    let article = "---\ntitle: \"مقال قديم بوسم جديد\"\ndate: 2019-03-01\ntags: [وسم لم يسبق]\n---\nنص قصير.\n";
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    write(root, "content/2019/new.md", article);
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (some, pages) = rendered(&err);
    // 17 of 52 here, where lists show two articles a page. It was all 52 while every page's
    // site values held the number of tags in its fingerprint, and 30 while each tag's pages
    // still held it in their `taxonomy`.
    assert!(some * 2 < pages, "{some} of {pages}: {err}");
    // Its page, its tag's page and the tags' page are among them.
    for file in ["2019/new/index.html", "tags/index.html"] {
        assert!(root.join("public").join(file).is_file(), "{file}");
    }
    // A navigation that prints how many tags there are: every page shows the new number.
    let base = include_str!("../templates/base.html")
        .replace("{{ t.title }}</a>", "{{ t.title }} ({{ t.count }})</a>");
    assert_ne!(base, include_str!("../templates/base.html"));
    write(root, "templates/base.html", base);
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    write(
        root,
        "content/2019/new2.md",
        article.replace("وسم لم يسبق", "وسم آخر"),
    );
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (all, now) = rendered(&err);
    assert!(all == now && now > pages, "{err}");
}

#[test]
fn a_build_right_after_an_edit_still_lets_the_next_build_do_nothing() {
    // `git checkout && warraq build`, or a script that saves and builds at once: the files
    // changed within the racy window, and the build still records what it was made from.
    let dir = common::site("incremental_site");
    let root = dir.path();
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    let oil = root.join("content/2025/oil.md");
    std::fs::write(&oil, common::read(&oil) + "\nفقرة جديدة.\n").unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert!(
        !err.starts_with("nothing changed"),
        "the edit is built: {err}"
    );
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert!(
        err.starts_with("nothing changed since the last build"),
        "{err}"
    );
}

#[test]
fn unchanged_articles_are_kept_and_a_damaged_store_is_read_again_from_the_sources() {
    let dir = common::site("incremental_site");
    let root = dir.path();
    let reread = |err: &str| of_line(err, "articles read and rendered");
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (all, articles) = reread(&err);
    assert_eq!(all, articles, "a first build reads every article");
    // One body edit, once the other files are older than the racy window: that article only.
    std::thread::sleep(std::time::Duration::from_millis(60));
    let oil = root.join("content/2025/oil.md");
    std::fs::write(&oil, common::read(&oil) + "\nفقرة جديدة.\n").unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert_eq!(reread(&err), (1, articles), "{err}");
    // Every kept text's bytes changed on disk: the build notices, reads every article from its
    // source instead, says so, and publishes what a clean build does.
    let store = root.join(".warraq-cache/articles");
    let texts: Vec<_> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("texts-")
        })
        .collect();
    assert!(!texts.is_empty(), "the store's texts");
    for texts in texts {
        let mut bytes = std::fs::read(&texts).unwrap();
        for b in bytes.iter_mut().step_by(97) {
            *b ^= 0x20;
        }
        std::fs::write(&texts, bytes).unwrap();
    }
    std::fs::write(&oil, common::read(&oil) + "\nفقرة أخرى.\n").unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "a damaged store does not fail the build: {err}");
    assert!(
        err.contains("warning: the article store in .warraq-cache/articles was damaged"),
        "{err}"
    );
    assert_eq!(reread(&err), (articles, articles), "{err}");
    let beside: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.") && n != ".public.warraq-lock")
        .collect();
    assert!(beside.is_empty(), "the failed attempt left {beside:?}");
    // The store was made afresh: the next build with an edit reads that article only.
    std::thread::sleep(std::time::Duration::from_millis(60));
    std::fs::write(&oil, common::read(&oil) + "\nفقرة ثالثة.\n").unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert!(!err.contains("damaged"), "{err}");
    assert_eq!(reread(&err), (1, articles), "{err}");
    assert_same_as_clean(root);
}

#[test]
fn settings_that_loading_does_not_read_leave_every_article_kept() {
    let dir = common::site("incremental_site");
    let root = dir.path();
    let rendered = |err: &str| of_line(err, "pages rendered");
    let reread = |err: &str| of_line(err, "articles read and rendered");
    let settings = |similar: usize, timeout: u64| {
        format!(
            "title: \"أرشيف التحديث التدريجي\"\nbase_url: \"https://example.org/\"\nper_page: 2\nsimilar:\n  count: {similar}\ncheck:\n  timeout_secs: {timeout}\n"
        )
    };
    write(root, "site.yaml", settings(2, 10));
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    // `check:` is read by `warraq check` alone: nothing is read or rendered again.
    write(root, "site.yaml", settings(2, 30));
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (read, articles) = reread(&err);
    assert_eq!(read, 0, "{err}");
    assert_eq!(rendered(&err).0, 0, "{err}");
    // One similar article instead of two: the articles' pages, whose lists shrink, and nothing
    // read again; what a clean build publishes.
    write(root, "site.yaml", settings(1, 30));
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert_eq!(reread(&err), (0, articles), "{err}");
    let (some, pages) = rendered(&err);
    assert!(some > 0 && some < pages, "{some} of {pages}: {err}");
    // The site's title is on every page, which is rendered again; no article is read again.
    let settings = settings(1, 30).replace("التحديث التدريجي", "التحليل");
    write(root, "site.yaml", settings);
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert_eq!(reread(&err), (0, articles), "{err}");
    assert_eq!(rendered(&err), (pages, pages), "{err}");
    assert_same_as_clean(root);
}

/// What the index stage makes (similar lists, the search index's lists) is kept when what it is
/// made from did not change, and made again when it did; either way the output is a clean
/// build's. A search file missing from the output is written again although its inputs did not
/// change.
#[test]
fn the_index_stage_is_kept_when_what_it_is_made_from_did_not_change() {
    let dir = common::site("incremental_site");
    let root = dir.path();
    // Builds with `-v` (and `more` arguments); what its output says was kept.
    let kept_after = |more: &[&str]| {
        let (ok, err) = build(root, &[&["build", "-v"], more].concat());
        assert!(ok, "{err}");
        let suffix = " kept from the previous build: what they are made from did not change";
        err.lines()
            .find_map(|l| l.trim().strip_suffix(suffix))
            .map(str::to_string)
    };
    let (both, similar, search) = (
        Some("similar lists and search index".to_string()),
        Some("similar lists".to_string()),
        Some("search index".to_string()),
    );
    assert_eq!(kept_after(&[]), None, "a first build has nothing to keep");
    // A template and the site's title: no article's words, date, tags or links changed.
    let card = std::fs::read_to_string("templates/partials/card.html").unwrap();
    write(
        root,
        "templates/partials/card.html",
        card + "<!-- card -->\n",
    );
    let settings = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let retitled = settings.replace("التحديث التدريجي", "التحليل");
    write(root, "site.yaml", &retitled);
    assert_eq!(kept_after(&[]), both);
    assert_same_as_clean(root);
    // Into a folder of its own with the memo of ./public: nothing there to keep, the lists are
    // gathered.
    let other = root.join("other");
    assert_eq!(kept_after(&["--output", other.to_str().unwrap()]), similar);
    assert_eq!(tree(&root.join("public")), tree(&other));
    // A search file gone from the output: the lists are gathered and it is written again.
    std::fs::remove_file(root.join("public/search/meta.json")).unwrap();
    assert_eq!(kept_after(&[]), similar);
    assert!(root.join("public/search/meta.json").is_file());
    assert_same_as_clean(root);
    // Fewer similar articles: the search index is kept, the similar lists are made again.
    write(root, "site.yaml", retitled.replace("count: 2", "count: 1"));
    assert_eq!(kept_after(&[]), search);
    assert_same_as_clean(root);
    // A damaged memo is no memo: both are made again.
    write(
        root,
        ".warraq-cache/index.bin",
        b"\x01\x00\x00\x00\xff\xff\xff\xff",
    );
    write(root, "site.yaml", &retitled);
    assert_eq!(kept_after(&[]), None);
    assert_same_as_clean(root);
    // A new word in a body: both are made again.
    let text = std::fs::read_to_string(root.join("content/2025/oil.md")).unwrap();
    write(root, "content/2025/oil.md", text + "\nالموانئ الجديدة.\n");
    assert_eq!(kept_after(&[]), None);
    assert_same_as_clean(root);
}

/// A site of thirty articles `a0`…`a29`, one a day from the first of January 2025, in ten
/// groups of three: each group shares a tag, and `body(article, group)` gives each its words.
fn groups_of_three(root: &Path, body: impl Fn(usize, usize) -> String) {
    write(root, "site.yaml", "title: أرشيف\n");
    for k in 0..30 {
        let group = k / 3;
        write(
            root,
            &format!("content/a{k}.md"),
            format!(
                "---\ntitle: مقال {k}\ndate: 2025-01-{:02}\ntags: [وسم{group}]\n---\n{}\n",
                k + 1,
                body(k, group)
            ),
        );
    }
}

#[test]
fn an_edit_of_words_scores_again_only_the_similar_lists_it_can_reach() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    groups_of_three(root, |k, group| {
        format!("موضوع{group}ا موضوع{group}ب موضوع{group}ج وحيد{k}ا وحيد{k}ب وحيد{k}ج وحيد{k}د.")
    });
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    // Replaces `from` with `to` in an article, builds with `-v`, and returns what it said.
    let edit_and_build = |article: &str, from: &str, to: &str| {
        let path = format!("content/{article}.md");
        let text = common::read(root.join(&path));
        write(root, &path, text.replace(from, to));
        let (ok, err) = build(root, &["build", "-v"]);
        assert!(ok, "{err}");
        err
    };
    // A word of its own added to one article: its group is reached (their query terms' lists
    // hold it, and they share its tag), no other article.
    let err = edit_and_build("a4", "وحيد4د.", "وحيد4د جديد4.");
    let (scored, of) = of_line(&err, "similar lists scored again");
    assert_eq!(of, 30);
    assert_eq!(scored, 3, "its group's lists, its own included: {err}");
    // Its vector alone is made again (its new word is no other article's): the others are the
    // previous build's, and no other article's words are read.
    let (read, of) = of_line(&err, "similar vectors made again");
    assert_eq!((read, of), (1, 30), "{err}");
    assert_same_as_clean(root);
    // A new article, the newest, in a group: its group and the articles its words or tag
    // reach are scored, not every list.
    write(
        root,
        "content/a30.md",
        "---\ntitle: مقال 30\ndate: 2025-02-01\ntags: [وسم5]\n---\nموضوع5ا وحيد30ا وحيد30ب.\n",
    );
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (scored, of) = of_line(&err, "similar lists scored again");
    assert_eq!(of, 31);
    assert!(scored < 10, "{err}");
    // Its vector, and those of the articles holding a word whose count it moved (its group's
    // word, held by three articles): not the other 27.
    let (read, of) = of_line(&err, "similar vectors made again");
    assert_eq!((read, of), (4, 31), "{err}");
    assert_same_as_clean(root);
    // A new date (the article becomes the newest): every list is scored.
    let err = edit_and_build("a7", "date: 2025-01-08", "date: 2025-02-20");
    assert!(!err.contains("similar lists scored again"), "{err}");
    assert!(!err.contains("kept from the previous build"), "{err}");
    assert_same_as_clean(root);
}

/// A build that fails while rendering has already written the similar vectors of its edit
/// beside the previous build's memo (they are written while the pages render): the next build
/// makes its own vectors from those, and publishes what a clean build does.
#[test]
fn vectors_a_failed_build_left_lead_the_next_build_to_what_a_clean_one_makes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    groups_of_three(root, |k, group| {
        format!("موضوع{group}ا موضوع{group}ب وحيد{k}ا وحيد{k}ب.")
    });
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    let vectors = root.join(".warraq-cache/vectors.bin");
    let first = std::fs::read(&vectors).expect("the vectors are kept");
    // Words that move other articles' vectors (a group's word given to another group), and a
    // template that fails on every article page.
    let edit = |article: &str, from: &str, to: &str| {
        let path = format!("content/{article}.md");
        let text = common::read(root.join(&path));
        write(root, &path, text.replace(from, to));
    };
    edit("a4", "وحيد4ب.", "وحيد4ب موضوع7ا.");
    write(
        root,
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}",
    );
    let (ok, err) = build(root, &["build"]);
    assert!(!ok, "the template fails: {err}");
    let left = std::fs::read(&vectors).expect("vectors");
    assert_ne!(
        left, first,
        "the failed build wrote the vectors of its edit"
    );
    // The template mended and another edit: the vectors are made from the failed build's.
    std::fs::remove_file(root.join("templates/article.html")).unwrap();
    edit("a20", "وحيد20ب.", "وحيد20ب موضوع1ب.");
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    let (read, of) = of_line(&err, "similar vectors made again");
    assert_eq!(of, 30, "{err}");
    assert!(read < 30, "{err}");
    assert_same_as_clean(root);
    // Again, and then the failed edit undone: that build's similar lists are the previous
    // build's (all that they are made from is as it was), but the vectors the failure left are
    // not these words' and must not be kept as theirs for the edit after.
    edit("a4", "وحيد4ب موضوع7ا.", "وحيد4ب موضوع8ب.");
    write(
        root,
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}",
    );
    let (ok, err) = build(root, &["build"]);
    assert!(!ok, "the template fails: {err}");
    std::fs::remove_file(root.join("templates/article.html")).unwrap();
    edit("a4", "وحيد4ب موضوع8ب.", "وحيد4ب موضوع7ا.");
    // (Another title, so that the build is not one of nothing changed.)
    write(root, "site.yaml", "title: أرشيف الأخبار\n");
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("similar lists and search index kept from the previous build"),
        "{err}"
    );
    edit("a27", "وحيد27ب.", "وحيد27ب وحيد27ج.");
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    assert_same_as_clean(root);
}

/// Asserts that `root`'s ./public is what a clean build of a copy of its site publishes (a copy:
/// a clean build of the site itself would replace the caches the next edit build patches from).
fn assert_same_as_clean_copy(root: &Path) {
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("site.yaml"), copy.path().join("site.yaml")).unwrap();
    std::fs::create_dir(copy.path().join("content")).unwrap();
    for entry in std::fs::read_dir(root.join("content")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            copy.path().join("content").join(entry.file_name()),
        )
        .unwrap();
    }
    let (ok, err) = build(copy.path(), &["build"]);
    assert!(ok, "{err}");
    assert_eq!(
        tree(&root.join("public")),
        tree(&copy.path().join("public"))
    );
}

#[test]
fn an_edit_of_a_few_articles_patches_the_search_index_to_what_a_whole_build_makes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "site.yaml", "title: أرشيف\n");
    let pool = [
        "الرقة",
        "القامشلي",
        "المعابر",
        "الفرات",
        "النفط",
        "والنفط",
        "بالمعابر",
        "المفاوضون",
        "المفاوضين",
        "الحدود",
        "العشائر",
        "الاتفاق",
        "دير",
        "الزور",
        "حلب",
        "إدلب",
        "الساحل",
    ];
    let article = |k: usize, extra: &str| {
        let body: Vec<&str> = (0..30)
            .map(|i| pool[(k * 7 + i * i) % pool.len()])
            .collect();
        format!(
            "---\ntitle: مقال {k} عن {}\ndate: 2025-01-{:02}\ntags: [{}]\n---\n{} {extra}\n",
            pool[k % pool.len()],
            k + 1,
            pool[k % 4],
            body.join(" ")
        )
    };
    for k in 0..24 {
        write(root, &format!("content/a{k}.md"), article(k, ""));
    }
    let (ok, err) = build(root, &["build"]);
    assert!(ok, "{err}");
    let patched = |err: &str| {
        err.lines()
            .find(|l| l.contains("search index patched"))
            .and_then(|l| l.split_whitespace().find_map(|w| w.parse::<usize>().ok()))
    };
    // Each step: files to write (or remove: `None`), then how many documents the patch is for.
    type Step<'a> = (&'a str, Vec<(String, Option<String>)>, usize);
    let steps: Vec<Step<'_>> = vec![
        (
            "a body edit: new words, a new pair, a word that becomes a typo target",
            vec![(
                "a3".into(),
                Some(article(3, "كلمةجديدة المستقلة والمستقلة")),
            )],
            1,
        ),
        (
            "another article: the words of the first edit are not in it",
            vec![("a5".into(), Some(article(5, "تعديل")))],
            1,
        ),
        (
            "the typo target's second document",
            vec![("a9".into(), Some(article(9, "المستقلة")))],
            1,
        ),
        (
            "a word removed from the archive, two articles at once",
            vec![
                ("a3".into(), Some(article(3, ""))),
                ("a10".into(), Some(article(10, "إضافة"))),
            ],
            2,
        ),
        (
            "a new article, the newest",
            vec![("new".into(), Some(article(30, "")))],
            1,
        ),
        ("the newest article removed", vec![("new".into(), None)], 1),
    ];
    for (what, files, documents) in steps {
        std::thread::sleep(std::time::Duration::from_millis(60));
        for (stem, text) in files {
            let path = root.join(format!("content/{stem}.md"));
            match text {
                Some(text) => std::fs::write(&path, text).unwrap(),
                None => std::fs::remove_file(&path).unwrap(),
            }
        }
        let (ok, err) = build(root, &["build", "-v"]);
        assert!(ok, "{what}: {err}");
        assert_eq!(patched(&err), Some(documents), "{what}: {err}");
        assert_same_as_clean_copy(root);
    }
    // A new tag name changes what the index is made from besides words: made whole.
    std::fs::write(
        root.join("content/a5.md"),
        article(5, "").replace("tags: [", "tags: [وسمجديد, "),
    )
    .unwrap();
    let (ok, err) = build(root, &["build", "-v"]);
    assert!(ok, "{err}");
    assert_eq!(patched(&err), None, "{err}");
    assert_same_as_clean_copy(root);
}
