//! Errors that are not about one value of front-matter: I/O trouble while writing (exit 2, one
//! error naming the output folder and the OS reason), content whose values cannot become file
//! names (exit 1, positioned at the value), and folders that hold no site.

mod common;

use std::process::Command;

use common::*;

/// Runs `warraq build` with its output on a 16 KB tmpfs of its own (a user and mount
/// namespace, so no privileges are needed).
#[test]
fn a_full_disk_is_one_error_naming_the_output_folder_with_exit_2() {
    let dir = site("good_site");
    let disk = tempfile::tempdir().unwrap();
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=16k tmpfs "$1" || exit 99; exec "$2" build --root "$3" --output "$1/public""#)
        .arg("sh")
        .arg(disk.path())
        .arg(env!("CARGO_BIN_EXE_warraq"))
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("unshare (util-linux) runs");
    let err = stderr(&out);
    assert_ne!(
        out.status.code(),
        Some(99),
        "cannot mount a tmpfs here: {err}"
    );
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_has(
        &err,
        &format!(
            "cannot write the site into `{}/public`",
            disk.path().display()
        ),
    );
    assert_has(&err, "No space left on device");
    assert_has(&err, "free some space on that disk");
    assert_eq!(
        err.matches("×").count(),
        1,
        "one error, not one per page:\n{err}"
    );
    assert!(!err.contains("problems found"), "{err}");
}

#[test]
fn an_over_long_slug_is_an_error_at_its_value() {
    let dir = site("good_site");
    let slug = "ب".repeat(130); // 260 bytes
    std::fs::write(
        dir.path().join("content/long.md"),
        format!("---\ntitle: طويل\ndate: 2025-01-01\nslug: {slug}\n---\nنص\n"),
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        "content/long.md:4:7: this article's slug is 260 bytes long;",
    );
    assert!(!dir.path().join("public").exists());
}

#[test]
fn an_over_long_tag_is_an_error_at_its_value() {
    let dir = site("good_site");
    let tag = "وسم ".repeat(150);
    std::fs::write(
        dir.path().join("content/tagged.md"),
        format!(
            "---\ntitle: موسوم\ndate: 2025-01-01\ntags: [قصير, {}]\n---\nنص\n",
            tag.trim()
        ),
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        "content/tagged.md:4:14: this tag is 1049 bytes long as a folder name",
    );
}

#[test]
fn a_folder_without_a_site_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_has(&err, "holds no site: it has neither content/ nor site.yaml");
    assert_has(&err, "warraq init");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_content_file_instead_of_a_folder_keeps_the_published_site() {
    let dir = site("good_site");
    assert_eq!(warraq(dir.path(), &["build"]).status.code(), Some(0));
    let before = tree(&dir.path().join("public"));
    std::fs::rename(dir.path().join("content"), dir.path().join("content-moved")).unwrap();
    std::fs::write(dir.path().join("content"), "not a folder").unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_has(&err, "exists but is not a folder");
    assert_eq!(tree(&dir.path().join("public")), before);
}

#[test]
fn check_removes_its_temporary_folder_even_when_the_build_fails_to_render() {
    let dir = site("template_render_error");
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_warraq"))
        .arg("check")
        .current_dir(dir.path())
        .env("TMPDIR", tmp.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "check left {left:?} behind");
}

#[test]
fn an_emptied_content_folder_does_not_replace_a_published_archive() {
    let dir = site("good_site");
    assert_eq!(warraq(dir.path(), &["build"]).status.code(), Some(0));
    let before = tree(&dir.path().join("public"));
    std::fs::remove_dir_all(dir.path().join("content")).unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("this build has no articles and would replace"),
        "{err}"
    );
    assert!(err.contains("--allow-empty"), "{err}");
    assert_eq!(tree(&dir.path().join("public")), before);
    let out = warraq(dir.path(), &["build", "--allow-empty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("public/index.html").is_file());
}

#[test]
fn a_symlink_loop_or_a_template_folder_is_an_io_error_and_keeps_the_site() {
    let dir = site("good_site");
    assert_eq!(warraq(dir.path(), &["build"]).status.code(), Some(0));
    let before = tree(&dir.path().join("public"));
    std::os::unix::fs::symlink("..", dir.path().join("content/2025/loop")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("content/2025/loop`: it is a symbolic link that loops back"),
        "{err}"
    );
    assert_eq!(tree(&dir.path().join("public")), before);
    std::fs::remove_file(dir.path().join("content/2025/loop")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates/base.html")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("templates/base.html` is not a file"), "{err}");
    assert_eq!(tree(&dir.path().join("public")), before);
}
