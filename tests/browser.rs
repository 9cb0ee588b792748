//! Runs the reader-level browser tests (tests/browser/*.test.mjs, Node + Debian's Chromium) as
//! part of `cargo test`. They need `chromium` and `npm ci` in tests/browser; `.ci/run` installs
//! both. On a machine without them the test is compiled as ignored, with the command to run in
//! its reason (build.rs decides), so it never counts as passed when it did not run; under CI
//! (CI=true) it always runs and a missing browser is a failure.

use std::path::Path;
use std::process::Command;

#[test]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium and playwright-core: apt-get install chromium && (cd tests/browser && npm ci)"
)]
fn browser_tests_pass_in_headless_chromium() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists() && here.join("node_modules/playwright-core").is_dir();
    assert!(
        ready,
        "browser tests cannot run: install them with `apt-get install chromium && (cd tests/browser && npm ci)`"
    );
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(here.join("bidi.test.mjs"))
        .arg(here.join("serve.test.mjs"))
        .arg(here.join("search.test.mjs"))
        .arg(here.join("images.test.mjs"))
        .arg(here.join("taxonomies.test.mjs"))
        .arg(here.join("validity.test.mjs"))
        .arg(here.join("overflow.test.mjs"))
        .env("WARRAQ_BIN", env!("CARGO_BIN_EXE_warraq"))
        .env("CHROMIUM", &chromium)
        .status()
        .expect("run node");
    assert!(
        status.success(),
        "browser tests failed (screenshots in tests/browser/artifacts/)"
    );
}
