//! Search: the index a build writes, and the search script reading it (in Node, which the
//! browser tests need too; without Node the script tests are compiled as ignored with the
//! reason, and under CI they always run).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use warraq::arabic::normalize::{fold, words};
use warraq::search::analysis::{loose_keys, Lexicon};
use warraq::search::encode::read_varint;

fn warraq(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warraq"))
        .args(args)
        .output()
        .expect("run warraq")
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A built copy of a fixture site: (temporary folder, its public/).
fn built(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
        dir.path(),
    );
    let root = dir.path().to_str().expect("utf-8").to_string();
    let out = warraq(&["build", "--root", &root]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = dir.path().join("public");
    (dir, public)
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// An archive too small for some key space (one article: no word is in two articles, so there
/// are no typo keys) leaves no empty folder for it: a clean build left an empty `search/y/`
/// that the update in place of the next build did not, so the two outputs differed.
#[test]
fn a_key_space_without_keys_leaves_no_empty_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/2025")).expect("mkdir");
    std::fs::write(
        root.join("content/2025/a.md"),
        "---\ntitle: \"مقال وحيد\"\ndate: 2025-01-01\n---\nنص قصير عن البادية.\n",
    )
    .expect("write");
    let empty_folders = |public: &Path| -> Vec<PathBuf> {
        walkdir::WalkDir::new(public)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir())
            .filter(|e| std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_none()))
            .map(|e| e.path().to_path_buf())
            .collect()
    };
    let out = warraq(&["build", "--root", root.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = root.join("public");
    assert!(public.join("search/meta.json").is_file());
    assert!(public.join("search/t").is_dir(), "the words have keys");
    assert!(!public.join("search/y").exists(), "no typo keys, no folder");
    assert_eq!(empty_folders(&public), Vec::<PathBuf>::new());
    // An archive emptied on purpose: an index of no document, and still no empty folder.
    std::fs::remove_file(root.join("content/2025/a.md")).expect("remove");
    let out = warraq(&[
        "build",
        "--clean",
        "--allow-empty",
        "--root",
        root.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(public.join("search/meta.json").is_file());
    assert_eq!(empty_folders(&public), Vec::<PathBuf>::new());
}

#[test]
fn a_build_writes_the_search_page_and_its_index() {
    let (_dir, public) = built("search_site");
    let page = std::fs::read_to_string(public.join("search/index.html")).expect("search page");
    assert!(page.contains(r#"id="search-results""#));
    assert!(page.contains(r#"data-index="/search/meta.json""#));
    assert!(
        page.contains("<noscript>"),
        "without JavaScript the page says so"
    );
    assert!(page.contains(r#"href="/tags/""#) && page.contains(r#"href="/archive/""#));
    assert!(public.join("search.js").is_file());
    // The script's URL changes with the script, so a browser never pairs a kept older script
    // with a newer index.
    let script = page
        .split(r#"<script src="/search.js?v="#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the script's URL carries its version");
    assert_eq!(script.len(), 8, "{script}");
    let home = std::fs::read_to_string(public.join("index.html")).expect("home");
    assert!(
        home.contains(r#"href="/search/""#),
        "the navigation links the search page"
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("search/meta.json")).expect("meta"))
            .expect("json");
    assert_eq!(meta["docs"], 11);
    for space in ["terms", "pairs", "typos"] {
        let dir = meta[space].as_array().expect("directory");
        assert!(!dir.is_empty(), "{space}");
        let firsts: Vec<&str> = dir.iter().map(|c| c[0].as_str().expect("key")).collect();
        assert!(
            firsts.windows(2).all(|w| w[0] < w[1]),
            "{space} chunks in key order"
        );
    }
    let fragments = std::fs::read_dir(public.join("search/doc"))
        .expect("doc")
        .count();
    assert_eq!(
        fragments, 11,
        "one fragment per article, no list or tag page"
    );
}

#[test]
fn the_index_is_deterministic_and_search_false_leaves_it_out() {
    let (_a, first) = built("search_site");
    let (_b, second) = built("search_site");
    assert_eq!(files(&first.join("search")), files(&second.join("search")));

    let dir = tempfile::tempdir().expect("tempdir");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search_site"),
        dir.path(),
    );
    std::fs::write(dir.path().join("site.yaml"), "title: x\nsearch: false\n").expect("write");
    let out = warraq(&["build", "--root", dir.path().to_str().expect("utf-8")]);
    assert!(out.status.success());
    let public = dir.path().join("public");
    assert!(!public.join("search").exists());
    let home = std::fs::read_to_string(public.join("index.html")).expect("home");
    assert!(!home.contains("/search/"));
}

/// An archive large enough for many index chunks: 400 articles of 120 words from 3000, dated
/// across January 2025; returns its content folder.
fn archive_of_400(root: &Path) -> PathBuf {
    let content = root.join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    let vocabulary: Vec<String> = (0..3000).map(|i| format!("كلمة{i}")).collect();
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for a in 0..400 {
        let body: Vec<&str> = (0..120)
            .map(|_| vocabulary[next() % vocabulary.len()].as_str())
            .collect();
        std::fs::write(
            content.join(format!("a{a}.md")),
            format!(
                "---\ntitle: \"مقال {a}\"\ndate: 2025-01-{:02}\n---\nبداية {} نهاية\n",
                a % 28 + 1,
                body.join(" ")
            ),
        )
        .expect("write");
    }
    content
}

/// [`archive_of_400`] built once: its content folder, its root and its search files.
fn built_archive_of_400(root: &Path) -> (PathBuf, String, BTreeMap<String, Vec<u8>>) {
    let content = archive_of_400(root);
    let shown = root.to_str().expect("utf-8").to_string();
    assert!(warraq(&["build", "--root", &shown]).status.success());
    let files = files(&root.join("public/search"));
    (content, shown, files)
}

/// The names of the index's binary chunks (named by their bytes).
fn chunk_names(m: &BTreeMap<String, Vec<u8>>) -> std::collections::BTreeSet<String> {
    m.keys().filter(|k| k.ends_with(".bin")).cloned().collect()
}

#[test]
fn editing_one_article_changes_only_the_index_files_of_its_changed_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (content, root, before) = built_archive_of_400(dir.path());
    let root = root.as_str();
    // One word replaced by a new one: the article keeps its length (and so the impacts of all
    // its other words); the old word, the new one and the pairs around them change.
    let edited = content.join("a17.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, text.replacen("بداية", "استهلال", 1)).expect("write");
    assert!(warraq(&["build", "--root", root]).status.success());
    let after = files(&dir.path().join("public/search"));
    let (old, new) = (chunk_names(&before), chunk_names(&after));
    assert!(old.len() > 100, "{} chunks", old.len());
    let changed = new.difference(&old).count();
    assert!(
        (1..=8).contains(&changed),
        "{changed} of {} chunks changed for one replaced word",
        old.len()
    );
    let docs_changed = before
        .iter()
        .filter(|(k, v)| k.starts_with("doc/") && after.get(*k) != Some(v))
        .count();
    assert_eq!(
        docs_changed, 1,
        "only the edited article's fragment changes"
    );
}

#[test]
fn publishing_a_new_article_keeps_every_other_fragment_and_most_chunks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (content, root, before) = built_archive_of_400(dir.path());
    let root = root.as_str();
    // The newest article of the archive, with words of its own and some it shares.
    std::fs::write(
        content.join("new.md"),
        "---\ntitle: \"مقال جديد\"\ndate: 2025-02-01\n---\nبداية كلمة5 كلمة17 حدث جديد نهاية\n",
    )
    .expect("write");
    assert!(warraq(&["build", "--root", root]).status.success());
    let after = files(&dir.path().join("public/search"));
    let docs = |m: &BTreeMap<String, Vec<u8>>| m.keys().filter(|k| k.starts_with("doc/")).count();
    assert_eq!((docs(&before), docs(&after)), (400, 401));
    let changed: Vec<&String> = before
        .iter()
        .filter(|(k, v)| k.starts_with("doc/") && after.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        changed.is_empty(),
        "{} fragments of other articles changed, {:?} first",
        changed.len(),
        changed.first()
    );
    let new_doc = String::from_utf8(after["doc/400.txt"].clone()).expect("utf-8");
    assert!(
        new_doc.contains("مقال جديد"),
        "the new article is the last id: {new_doc}"
    );
    let (old, new) = (chunk_names(&before), chunk_names(&after));
    let added = new.difference(&old).count();
    assert!(
        (1..=40).contains(&added),
        "{added} of {} chunks changed for one new article of seven words",
        old.len()
    );
}

/// Every key of the terms chunks and its payload.
fn term_entries(m: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (_, bytes) in m
        .iter()
        .filter(|(k, _)| k.starts_with("t/") && k.ends_with(".bin"))
    {
        let mut at = 0;
        for _ in 0..read_varint(bytes, &mut at) {
            let len = read_varint(bytes, &mut at) as usize;
            let k = &bytes[at..at + len];
            at += len;
            let len = read_varint(bytes, &mut at) as usize;
            out.insert(
                String::from_utf8(k.to_vec()).expect("utf-8 key"),
                bytes[at..at + len].to_vec(),
            );
            at += len;
        }
    }
    out
}

#[test]
fn a_new_article_leaves_the_bitmap_lists_it_is_not_in_when_the_archive_reaches_a_multiple_of_eight()
{
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).expect("mkdir");
    // 600 articles (a multiple of eight) that all have one word: its list is long enough for
    // a bitmap (more documents than keep their own impact, and one bit each is the smaller).
    for a in 0..600 {
        std::fs::write(
            content.join(format!("a{a}.md")),
            format!(
                "---\ntitle: \"مقال {a}\"\ndate: 2024-{:02}-{:02}\n---\nمشترك وحيد{a} {}\n",
                a % 12 + 1,
                a % 28 + 1,
                "نص ".repeat(a % 7 + 1)
            ),
        )
        .expect("write");
    }
    let root = dir.path().to_str().expect("utf-8");
    assert!(warraq(&["build", "--root", root]).status.success());
    let old = term_entries(&files(&dir.path().join("public/search")));
    let payload = old["مشترك"].clone();
    // flags, then the exact list: n, k kept impacts, k × (delta, impact), floor, mode.
    let mut at = 1;
    let (n, k) = (
        read_varint(&payload, &mut at),
        read_varint(&payload, &mut at),
    );
    assert_eq!(n, 600);
    assert!(k < n, "{k} of {n} documents keep their impact");
    for _ in 0..k {
        read_varint(&payload, &mut at);
        at += 1;
    }
    assert_eq!(payload[at + 1], 1, "the list is a bitmap");
    // The 601st article, newest, without that word.
    std::fs::write(
        content.join("new.md"),
        "---\ntitle: \"خبر\"\ndate: 2025-02-01\n---\nحدث فريد\n",
    )
    .expect("write");
    assert!(warraq(&["build", "--root", root]).status.success());
    let new = term_entries(&files(&dir.path().join("public/search")));
    assert_eq!(
        new["مشترك"], payload,
        "the bitmap list of the other articles changed"
    );
    // Only the lists of the new article's words (and their loose keys: `#خبر`, `ريد` for
    // فريد read as ف + ريد) are new or changed.
    let changed: Vec<&String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(!changed.is_empty());
    let of_new = |k: &str| {
        ["خبر", "حدث", "فريد"]
            .iter()
            .any(|w| w.ends_with(k.trim_start_matches('#')))
    };
    assert!(
        changed.iter().all(|k| of_new(k)),
        "lists of other words changed: {changed:?}"
    );
}

/// Texts for the drift test: readers' spellings of every kind, and random strings from a pool
/// of the characters the rules treat specially.
fn analysis_cases() -> Vec<String> {
    let mut texts: Vec<String> = [
        "مسؤولون ومسئولون والمسؤولين",
        "الشَّرْع داعـــش إعادةُ واعادة لإعادة",
        "للتنظيم بالانتخابات فالحكومة",
        "ٱلعربية آمن أمن إمام",
        "مستشفى مدرسة ۀ کتاب ایران",
        "٢٠٢٥ ۱۴۰۳ 2254",
        "Reuters CENTCOM ǅ Σ İstanbul",
        "فلسطين وفلسطين بيروت ببيروت الانتخابات والانتخابات",
        "e\u{301}té ا\u{654}حمد",
        "\u{200F}سوريا\u{200E}",
        "كلمة\u{200D}أخرى",
        "وال ولل فال",
        "ال لل و",
        "القتلى المقاتلون مقاتلين السوري السورية",
        "اللاجئون واللاجئين لاجئين المقاتلين والمقاتلون البحرين بالبحرين",
        // A PDF's text layer: shaped letters, lam-alef ligatures, a word ligature, a form with
        // no decomposition, an isolated haraka that decomposes to a space and a mark.
        "ﺩﺍﻋﺶ ﻓﻲ ﺍﻟﺒﺎﺩﻳﺔ ﻷﻥ ﻻ ﺭﺋﻴﺲ ﷲ ﷺ \u{FD3E}ﺍ\u{FD3F} ﹰ ﹱ ﭼﮔ ﯾ",
        // Numbers and Latin words joined to a clitic.
        "و3.5 مليون بـ20 شخصاً لـCNN وG7 ف٢ والـ2025 كـ1",
        // A ت before an attached pronoun.
        "قوته وحكومتهم سياستنا قناتها قياداتهم بثقتهن سته بيتهما الدولتان حياته والحكومتين قناتين",
        "مقاتلو التنظيم ومسؤولوها مقاتليه قالوا فيديو يونيو نحو مسؤولي",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    texts.push("السجين والسجناء الأسبوع الأسابيع خلاياه والمدن مدينة".to_string());
    texts.push("الأمريكيون والأميركية أمريكي ترامب وترمب السوريين الإرهابيين".to_string());
    let pool: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱؤئىةوفبكلال ًٌٍَُِّْـ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹کیۀﺩﺍﻋﺶﻻﻷﺋﷲتهمنا\u{FE70}\u{FD3E}ABCxyz019 ،؛؟.-\u{200C}\u{200D}\u{200F}\u{202B}\u{2066}\u{654}\u{653}"
        .chars()
        .collect();
    let mut seed = 2026u64;
    for _ in 0..3000 {
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = 1 + (seed >> 59) as usize;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(pool[(seed >> 33) as usize % pool.len()]);
        }
        texts.push(s);
    }
    texts
}

#[test]
#[cfg_attr(
    not(node_tests),
    ignore = "needs Node.js (node on PATH) to run the search script"
)]
fn the_search_script_reads_words_as_the_index_does_and_answers_queries() {
    let protected = Lexicon::new(
        [
            "فلسطين",
            "بيروت",
            "الانتخابات",
            "اللاجئون",
            "المقاتلين",
            "البحرين",
        ],
        |k| ["سجين", "مدن", "اسابيع", "خلايا", "اميرك", "ترمب"].contains(&k),
    );
    let cases: Vec<serde_json::Value> = analysis_cases()
        .into_iter()
        .map(|text| {
            let folded = fold(&text);
            let ws: Vec<&str> = words(&folded)
                .filter(|w| w.len() <= warraq::index::terms::MAX_WORD_BYTES)
                .collect();
            let keys: serde_json::Map<String, serde_json::Value> = ws
                .iter()
                .map(|w| (w.to_string(), serde_json::json!(loose_keys(w, &protected))))
                .collect();
            serde_json::json!({"text": text, "fold": folded, "words": ws, "keys": keys})
        })
        .collect();
    let rules: serde_json::Value =
        serde_json::from_str(&warraq::search::index::rules_json(&protected)).expect("rules");
    let dir = tempfile::tempdir().expect("tempdir");
    let analysis = dir.path().join("analysis.json");
    std::fs::write(
        &analysis,
        serde_json::to_vec(&serde_json::json!({"rules": rules, "cases": cases})).expect("json"),
    )
    .expect("write");
    let (_site, public) = built("search_site");
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/script.test.mjs");
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(&here)
        .env("ANALYSIS", &analysis)
        .env("SITE", &public)
        .status()
        .expect("node runs (install Node.js)");
    assert!(status.success(), "the search script disagrees (see above)");
}
