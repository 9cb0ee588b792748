//! `warraq init` and `warraq new`: starting a site and an article.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Datelike;

use crate::arabic::slug::slugify;
use crate::diagnostics::Diagnostic;
use crate::pipeline::Failure;

const SITE_YAML: &str = r#"# إعدادات الموقع — every key is optional; see README.md for the full list.
title: "أرشيفي"
description: "أرشيف مقالات تحليلية"
base_url: "/"          # set the absolute address (https://example.org/) for feeds and the sitemap
language: ar
date_style: levant     # levant | arabic | maghreb | iso
digits: latin          # latin | arabic-indic
per_page: 20
"#;

/// The first paragraph `warraq new` writes, for the editor to replace.
pub const PLACEHOLDER: &str =
    "اكتب هنا الفقرة الأولى؛ تصبح ملخّص المقال ما لم تضع `summary:` في الترويسة.";

/// A warning for each article whose summary is still [`PLACEHOLDER`] (it has no `summary:` and
/// its first paragraph is the one `new` wrote): the build publishes it all the same, and the
/// placeholder would be its first paragraph, meta description and feed summary.
pub fn placeholders(articles: &[crate::content::article::Article]) -> Vec<Diagnostic> {
    let plain = PLACEHOLDER.replace('`', "");
    articles
        .iter()
        .filter(|a| a.description == plain)
        .map(|a| {
            // The body is not held any more (only the front-matter is): a position, no snippet.
            let mut d = Diagnostic::new(
                Some(&a.shown),
                "the article still begins with the paragraph `warraq new` wrote for you to replace",
            );
            d.line = a.file.text[..a.file.body_start].matches('\n').count() + 1;
            d.column = 1;
            d.with_hint("write the article's first paragraph in its place (it is the summary of feeds and link previews), or mark the article `draft: true` until it is ready")
        })
        .collect()
}

fn usage(path: &Path, message: String) -> Failure {
    Failure::Usage(Diagnostic::new(Some(path), message))
}

/// Creates a site in `dir`; refuses to overwrite an existing site.
pub fn init(dir: &Path) -> Result<(), Failure> {
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::Usage(
            Diagnostic::new(Some(dir), "this exists and is not a folder")
                .with_hint("give the name of a new folder, or of an empty one"),
        ));
    }
    for existing in ["site.yaml", "content"] {
        if dir.join(existing).exists() {
            return Err(Failure::Usage(
                Diagnostic::new(Some(&dir.join(existing)), "a site already exists here")
                    .with_hint("run `warraq init` in an empty folder, or `warraq init NEW-FOLDER`"),
            ));
        }
    }
    let year = chrono::Local::now().date_naive().year();
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
    let welcome = format!(
        "---\ntitle: \"أهلاً بك في أرشيفك\"\ndate: {today}\ntags: [دليل]\n---\nهذا أول مقال في أرشيفك. اكتب مقالاتك في مجلد `content/` بصيغة Markdown.\n\n- شغّل `warraq serve` وافتح `http://127.0.0.1:1111/` لترى الموقع كما سيراه القراء؛ كل حفظ يظهر في المتصفح فوراً.\n- شغّل `warraq build` قبل النشر، فيُكتب الموقع كاملاً في مجلد `public/`.\n- شغّل `warraq check` لتتأكد أن كل رابط داخلي يصل إلى وجهته.\n"
    );
    let write = |rel: &str, text: &str| -> Result<(), Failure> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| usage(parent, format!("cannot create the folder: {e}")))?;
        }
        fs::write(&path, text).map_err(|e| usage(&path, format!("cannot write: {e}")))
    };
    write("site.yaml", SITE_YAML)?;
    write(&format!("content/{year}/welcome.md"), &welcome)?;
    write("static/.keep", "")?;
    // The output, what builds keep for the next one (image variants, the output's manifest),
    // and the lock and temporary folders a build makes beside the output. A folder that is
    // already a repository keeps its own ignore file, with the lines it lacks added.
    let ignore = dir.join(".gitignore");
    let kept = match fs::read(&ignore) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(usage(&ignore, format!("cannot read: {e}"))),
    };
    // Its bytes stay as they are (whatever their encoding); lines are compared as bytes.
    let mut bytes = kept.clone();
    for line in IGNORED {
        if !kept
            .split(|&b| b == b'\n')
            .any(|l| l.trim_ascii() == line.as_bytes())
        {
            if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
    }
    if bytes != kept {
        fs::write(&ignore, bytes).map_err(|e| usage(&ignore, format!("cannot write: {e}")))?;
    }
    Ok(())
}

/// What `init`'s `.gitignore` ignores: the output, the build cache, and the lock and temporary
/// folders a build makes beside the output.
const IGNORED: [&str; 3] = ["/public", "/.warraq-cache/", "/.public.warraq-*"];

/// Quotes a string for YAML (double-quoted style).
fn yaml_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A title or tag given to `new`, as the article will hold it: line breaks and runs of spaces
/// made one space (a title pasted from two lines), trimmed. What the build would refuse (an
/// invisible control character, a tag with no letter or digit) is refused here, before a file
/// that cannot build is written.
fn tidy(what: &str, text: &str) -> Result<String, Failure> {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // (U+2028 and U+2029, which the build refuses too, are whitespace: made spaces above.)
    if let Some(c) = tidy
        .chars()
        .find(|&c| crate::arabic::normalize::is_forbidden_control(c))
    {
        return Err(Failure::Usage(
            Diagnostic::new(
                None,
                format!(
                    "the {what} `{}` holds an invisible control character (U+{:04X})",
                    tidy.escape_debug(),
                    c as u32
                ),
            )
            .with_hint("type it again, or delete the character (it often comes from copying text out of another program)"),
        ));
    }
    Ok(tidy)
}

/// The longest file name (in bytes, without `.md`) `new` makes from a title: about 80 Arabic
/// letters, a dozen words. A news headline can be twice that, which file systems refuse (255
/// bytes) and no reader wants in an address.
pub const NEW_SLUG_BYTES: usize = 160;

/// `slug` cut after its last whole word that fits in [`NEW_SLUG_BYTES`] (or, for one word that
/// long, at the last letter that fits).
fn shortened(slug: &str) -> String {
    if slug.len() <= NEW_SLUG_BYTES {
        return slug.to_string();
    }
    let mut end = NEW_SLUG_BYTES;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let head = &slug[..end];
    let cut = if slug[end..].starts_with('-') {
        head
    } else {
        head.rsplit_once('-').map_or(head, |(words, _)| words)
    };
    cut.trim_end_matches('-').to_string()
}

/// Creates `content/<dir>/<slug>.md`; refuses to overwrite.
pub fn new_article(
    root: &Path,
    title: &str,
    tags: &[String],
    dir: Option<&str>,
) -> Result<PathBuf, Failure> {
    // Run in the wrong folder, it would leave a stray content/ there.
    if let Some(none) = crate::pipeline::no_site(
        root,
        "run `warraq new` in a site's folder (or point --root at one), or create a site with `warraq init`",
    ) {
        return Err(none);
    }
    let title = &tidy("title", title)?;
    let slug = shortened(&slugify(title));
    if slug.is_empty() {
        return Err(Failure::Usage(Diagnostic::new(
            None,
            format!("the title `{title}` has no letter or digit to make a file name from"),
        )));
    }
    let today = chrono::Local::now().date_naive();
    let folder = match dir {
        Some(d) => {
            // `..` and `/x` name folders outside content/: said, not quietly put inside it.
            let escapes =
                d.starts_with(['/', '\\']) || d.split(['/', '\\']).any(|part| part.trim() == "..");
            if escapes {
                return Err(Failure::Usage(
                    Diagnostic::new(
                        None,
                        format!("`--dir {d}` leads out of content/: articles live inside it"),
                    )
                    .with_hint(
                        "give a folder under content/, such as `--dir 2025` or `--dir 2025/ملفات`",
                    ),
                ));
            }
            let parts: Vec<String> = d
                .split(['/', '\\'])
                .map(slugify)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.is_empty() {
                return Err(Failure::Usage(Diagnostic::new(
                    None,
                    format!("`--dir {d}` names no folder"),
                )));
            }
            parts.join("/")
        }
        None => today.year().to_string(),
    };
    let rel = PathBuf::from("content")
        .join(&folder)
        .join(format!("{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Failure::Usage(
            Diagnostic::new(Some(&rel), "an article with this file name already exists")
                .with_hint("choose another title, or edit the existing file"),
        ));
    }
    let mut quoted = Vec::with_capacity(tags.len());
    // A tag given twice (or in two spellings of one slug, سوريا and سوريّا) is written once.
    let mut seen = std::collections::HashSet::new();
    // An Arabic keyboard types `،` for the comma: either separates tags.
    for tag in tags.iter().flat_map(|t| t.split('،')) {
        let tag = tidy("tag", tag)?;
        if tag.is_empty() {
            continue;
        }
        let slug = slugify(&tag);
        if slug.is_empty() {
            return Err(Failure::Usage(
                Diagnostic::new(None, format!("the tag `{tag}` has no letter or digit"))
                    .with_hint("write the tag with words, or leave it out"),
            ));
        }
        if seen.insert(slug) {
            quoted.push(yaml_quote(&tag));
        }
    }
    let tags = quoted;
    let text = format!(
        "---\ntitle: {}\ndate: {}\ntags: [{}]\n---\n{PLACEHOLDER}\n",
        yaml_quote(title),
        today.format("%Y-%m-%d"),
        tags.join(", ")
    );
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| usage(parent, format!("cannot create the folder: {e}")))?;
    }
    fs::write(&path, text).map_err(|e| usage(&path, format!("cannot write: {e}")))?;
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_refuses_what_the_build_would_and_tidies_line_breaks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("site.yaml"), "title: موقع\n").expect("write");
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let refused = |title: &str, t: &[&str]| match new_article(root, title, &tags(t), None) {
            Err(Failure::Usage(d)) => d.message,
            other => panic!("{title:?} {t:?} was not refused: {:?}", other.map(|_| ())),
        };
        assert!(refused("a\u{1}b", &[]).contains("control character (U+0001)"));
        assert!(refused("عنوان", &["سوريا", "x\u{7f}"]).contains("control character (U+007F)"));
        assert!(refused("عنوان", &["..."]).contains("the tag `...` has no letter or digit"));
        assert!(refused("   ", &[]).contains("has no letter or digit"));
        assert!(!root.join("content").exists(), "nothing was written");
        let made = new_article(
            root,
            "  سطر\nجديد  ",
            &tags(&[" أمن\tعام ", ""]),
            Some("2025"),
        )
        .expect("made");
        assert_eq!(made, PathBuf::from("content/2025/سطر-جديد.md"));
        let text = fs::read_to_string(root.join(&made)).expect("read");
        assert!(text.contains("title: \"سطر جديد\"\n"), "{text}");
        assert!(text.contains("tags: [\"أمن عام\"]\n"), "{text}");
        let made = new_article(
            root,
            "وسوم مكررة",
            &tags(&["سوريا", " سوريا", "سوريّا", "داعش"]),
            Some("2025"),
        )
        .expect("made");
        let text = fs::read_to_string(root.join(&made)).expect("read");
        assert!(text.contains("tags: [\"سوريا\", \"داعش\"]\n"), "{text}");
        // The Arabic comma separates tags too.
        let made = new_article(root, "فاصلة", &tags(&["سوريا، داعش،البادية"]), Some("2025"))
            .expect("made");
        let text = fs::read_to_string(root.join(&made)).expect("read");
        assert!(
            text.contains("tags: [\"سوريا\", \"داعش\", \"البادية\"]\n"),
            "{text}"
        );
    }

    #[test]
    fn new_refuses_a_folder_that_holds_no_site() {
        let dir = tempfile::tempdir().expect("tempdir");
        match new_article(dir.path(), "عنوان", &[], None) {
            Err(Failure::Usage(d)) => assert!(d.message.contains("holds no site"), "{}", d.message),
            other => panic!("not refused: {:?}", other.map(|_| ())),
        }
        assert!(!dir.path().join("content").exists(), "nothing was written");
        fs::create_dir(dir.path().join("content")).expect("mkdir");
        assert!(new_article(dir.path(), "عنوان", &[], None).is_ok());
    }

    #[test]
    fn init_keeps_an_existing_ignore_file_and_refuses_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("repo");
        fs::create_dir(&root).expect("mkdir");
        // Its own lines, one of them not UTF-8 (a Latin-1 file name).
        fs::write(root.join(".gitignore"), b"target/\ncaf\xe9.txt\n/public").expect("write");
        init(&root).expect("init");
        assert_eq!(
            fs::read(root.join(".gitignore")).expect("read"),
            b"target/\ncaf\xe9.txt\n/public\n/.warraq-cache/\n/.public.warraq-*\n",
            "the repository's own lines are kept byte for byte; only the missing ones are added"
        );
        assert!(root.join("site.yaml").is_file());
        let fresh = dir.path().join("fresh");
        init(&fresh).expect("init");
        assert_eq!(
            fs::read_to_string(fresh.join(".gitignore")).expect("read"),
            "/public\n/.warraq-cache/\n/.public.warraq-*\n"
        );
        let file = dir.path().join("a-file");
        fs::write(&file, "x").expect("write");
        match init(&file) {
            Err(Failure::Usage(d)) => assert!(d.message.contains("not a folder"), "{}", d.message),
            other => panic!("a file was not refused: {:?}", other.map(|_| ())),
        }
        assert_eq!(fs::read_to_string(&file).expect("read"), "x");
    }

    #[test]
    fn a_folder_outside_content_is_refused_and_one_inside_is_tidied() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join("site.yaml"), "title: موقع\n").expect("write");
        for outside in ["../x", "/etc", "a/../../b", "\\x", "2025/ .. /y"] {
            match new_article(root, "عنوان", &[], Some(outside)) {
                Err(Failure::Usage(d)) => assert!(
                    d.message.contains("leads out of content/"),
                    "{outside}: {}",
                    d.message
                ),
                other => panic!("{outside} was not refused: {:?}", other.map(|_| ())),
            }
        }
        assert!(!root.join("content").exists(), "nothing was written");
        let made = new_article(root, "عنوان", &[], Some("2025/ملفات خاصة/")).expect("made");
        assert_eq!(made, PathBuf::from("content/2025/ملفات-خاصة/عنوان.md"));
        assert!(root.join(made).is_file());
    }

    #[test]
    fn a_long_headline_makes_a_file_name_of_its_first_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let words = ["الهزيمة", "العسكرية", "ليست", "النهاية", "داعش", "يستثمر"];
        let title = words
            .iter()
            .cycle()
            .take(40)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        fs::create_dir(dir.path().join("content")).expect("mkdir");
        let made = new_article(dir.path(), &title, &[], Some("2025")).expect("made");
        let stem = made.file_stem().and_then(|s| s.to_str()).expect("stem");
        assert!(stem.len() <= NEW_SLUG_BYTES, "{} bytes", stem.len());
        assert!(
            stem.len() > NEW_SLUG_BYTES - 20,
            "as many words as fit: {stem}"
        );
        assert!(
            slugify(&title).starts_with(&format!("{stem}-")),
            "whole words: {stem}"
        );
        // The title itself is kept whole.
        let text = fs::read_to_string(dir.path().join(&made)).expect("read");
        assert!(text.contains(&title), "{text}");
        // One word longer than the limit is cut at a letter; a short title is untouched.
        assert_eq!(shortened(&"ب".repeat(100)), "ب".repeat(80));
        assert_eq!(shortened("عنوان-قصير"), "عنوان-قصير");
    }

    #[test]
    fn yaml_quoting_escapes_quotes() {
        assert_eq!(yaml_quote("قال \"لا\""), "\"قال \\\"لا\\\"\"");
    }
}
