//! A rebuild writes only the files whose bytes changed: the others are linked from the previous
//! output and keep their modification time (what rsync and deploy tools compare), the build
//! says how many files it wrote, kept and removed, and a failed build still changes nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{read, site, stderr, warraq};

/// Every output file with its modification time.
fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// (written, unchanged, removed) from the build's summary line.
fn counts(err: &str) -> (usize, usize, usize) {
    let line = err
        .lines()
        .find(|l| l.starts_with("built ") || l.starts_with("nothing changed since"))
        .unwrap_or_else(|| panic!("no summary in {err}"));
    // "…: 1 file written, 5 unchanged, 0 removed" (a build that found nothing changed says no
    // "removed"): the number nearest before each word.
    let tokens: Vec<&str> = line
        .split([' ', ':', ','])
        .filter(|t| !t.is_empty())
        .collect();
    let number = |word: &str| -> usize {
        let at = tokens
            .iter()
            .position(|t| *t == word)
            .unwrap_or_else(|| panic!("{word}: {line}"));
        tokens[..at]
            .iter()
            .rev()
            .find_map(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{word}: {line}"))
    };
    let removed = if line.starts_with("nothing changed") {
        0
    } else {
        number("removed")
    };
    (number("written"), number("unchanged"), removed)
}

fn build(root: &Path) -> (usize, usize, usize) {
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    counts(&err)
}

#[test]
fn a_rebuild_keeps_unchanged_files_and_their_times() {
    let dir = site("good_site");
    let root = dir.path();
    let public = root.join("public");
    let (written, unchanged, removed) = build(root);
    assert!(
        written > 10 && unchanged == 0 && removed == 0,
        "{written} {unchanged} {removed}"
    );
    let first = mtimes(&public);
    let bytes = common::tree(&public);

    // Nothing changed: nothing written, every file keeps its bytes and time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(build(root), (0, first.len(), 0));
    assert_eq!(mtimes(&public), first);
    assert_eq!(common::tree(&public), bytes);

    // One article's body: its page and the few pages showing its text change; the rest keep
    // their times.
    let article = find_article(root);
    let text = read(&article);
    std::fs::write(&article, format!("{text}\nفقرة أضيفت في التحرير.\n")).unwrap();
    let (written, unchanged, removed) = build(root);
    assert!(
        written >= 1 && written * 3 < first.len(),
        "{written} of {}",
        first.len()
    );
    let after = mtimes(&public);
    assert_eq!(written + unchanged, after.len());
    // (search chunks are named by their content: an edit replaces a few)
    let gone = first.keys().filter(|k| !after.contains_key(*k)).count();
    assert_eq!(removed, gone);
    let changed: Vec<_> = after
        .iter()
        .filter(|(k, t)| first.get(*k) != Some(t))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(changed.len(), written, "{changed:?}");
    for file in &changed {
        assert_ne!(
            bytes.get(file),
            Some(&std::fs::read(public.join(file)).unwrap()),
            "{} was rewritten with the same bytes",
            file.display()
        );
    }

    // A file of the output changed by hand is not trusted: the next build writes it again.
    let home = public.join("index.html");
    std::fs::write(&home, "تعديل يدوي").unwrap();
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(counts(&err).0, 1, "only that file is written again: {err}");
    assert!(
        err.contains(": 1 file written, "),
        "one file, said so: {err}"
    );
    assert!(read(&home).contains("<html"), "the page is restored");

    // A deleted article: its files are removed and counted.
    std::fs::remove_file(&article).unwrap();
    let (_, _, removed) = build(root);
    assert!(removed >= 1, "{removed}");
}

#[test]
fn a_failed_rebuild_changes_no_file_nor_time() {
    let dir = site("good_site");
    let root = dir.path();
    let public = root.join("public");
    build(root);
    let before = mtimes(&public);
    let bytes = common::tree(&public);
    let article = find_article(root);
    std::fs::write(&article, "---\ntitle: [\n---\n").unwrap();
    let out = warraq(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(mtimes(&public), before);
    assert_eq!(common::tree(&public), bytes);
}

fn find_article(root: &Path) -> PathBuf {
    walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("an article")
        .into_path()
}

#[test]
fn quiet_builds_print_nothing_and_pipes_get_no_progress_bars() {
    let dir = site("good_site");
    let out = warraq(dir.path(), &["build", "--quiet"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "--quiet prints nothing");
    assert!(dir.path().join("public/index.html").is_file());
    // Not a terminal (this pipe): the summary only, no drawing.
    let out = warraq(dir.path(), &["build", "-v", "--clean"]);
    let err = stderr(&out);
    assert!(err.starts_with("built "), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
    assert!(err.contains("  load "), "-v keeps the stage times: {err}");
    // Errors are still reported under --quiet.
    std::fs::write(dir.path().join("site.yaml"), "per_page: 0\n").unwrap();
    let out = warraq(dir.path(), &["build", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("per_page"));
}

/// On a terminal each stage draws its own line (a bar, or a spinner where nothing is counted),
/// which the next one replaces, and the summary comes last on a clean line. Run under
/// `script`, which gives the build a pseudo-terminal.
#[test]
#[cfg_attr(
    not(pty_tests),
    ignore = "needs util-linux's `script` (apt-get install bsdutils) to give the build a terminal"
)]
fn a_terminal_shows_a_line_per_stage_and_then_the_summary() {
    let dir = site("good_site");
    let command = format!(
        "{} build --clean --root {}",
        env!("CARGO_BIN_EXE_warraq"),
        dir.path().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("util-linux's `script` runs");
    assert!(out.status.success(), "{out:?}");
    let screen = String::from_utf8_lossy(&out.stdout);
    for stage in [
        "reading ",
        " sources",
        "rendering ",
        "analysing ",
        "finding similar articles",
        "writing the search index",
        "writing ",
        " files",
    ] {
        assert!(screen.contains(stage), "no `{stage}` line: {screen:?}");
    }
    // Every drawn line is cleared (`\r` then erase line) before the summary is printed.
    let summary = screen.find("built ").expect("the summary");
    let last_erase = screen.rfind("\u{1b}[2K").expect("drawn lines are erased");
    assert!(last_erase < summary, "{screen:?}");
    assert!(!screen[summary..].contains("rendering "), "{screen:?}");
}
