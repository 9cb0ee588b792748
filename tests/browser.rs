//! Runs the reader-level browser tests (tests/browser/*.test.mjs, Node + Debian's Chromium) as
//! part of `cargo test`. They need `chromium` and `npm ci` in tests/browser; `.ci/run` installs
//! both. Outside CI, a machine without them gets a loud skip with the command to run; under
//! CI (CI=true) a missing browser is a failure, so the tests can never silently not run there.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_tests_pass_in_headless_chromium() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists() && here.join("node_modules/playwright-core").is_dir();
    if !ready {
        let how = "apt-get install chromium && (cd tests/browser && npm ci)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("browser tests cannot run: install them with `{how}`");
        }
        eprintln!(
            "SKIPPED browser tests: Chromium or playwright-core missing; install with `{how}`"
        );
        return;
    }
    let status = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(here.join("bidi.test.mjs"))
        .env("WARRAQ_BIN", env!("CARGO_BIN_EXE_warraq"))
        .env("CHROMIUM", &chromium)
        .status()
        .expect("run node");
    assert!(
        status.success(),
        "browser tests failed (screenshots in tests/browser/artifacts/)"
    );
}
