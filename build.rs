//! Decides, when the tests are compiled, whether the browser tests can run here: they need
//! Debian's Chromium and `npm ci` in tests/browser (and the search script's tests need Node). Without them the browser test is marked
//! ignored with the reason (so `cargo test` never reports it as passed when it did not run);
//! under CI (`CI=true`) it always runs, and fails if the browser is missing.

use std::path::Path;

fn main() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let modules = "tests/browser/node_modules/.package-lock.json";
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rerun-if-changed={chromium}");
    println!("cargo::rerun-if-changed={modules}");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=CHROMIUM");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    println!("cargo::rustc-check-cfg=cfg(node_tests)");
    println!("cargo::rerun-if-env-changed=PATH");
    let node = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join("node").is_file()));
    if ci || node {
        println!("cargo::rustc-cfg=node_tests");
    }
    // The metadata test reads pages with Python's extruct (a real consumer of JSON-LD and
    // OpenGraph); .ci/run installs it.
    println!("cargo::rustc-check-cfg=cfg(metadata_tests)");
    let extruct = std::process::Command::new("python3")
        .args(["-c", "import extruct"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ci || extruct {
        println!("cargo::rustc-cfg=metadata_tests");
    }
    // The progress test gives a build a terminal with util-linux's `script`.
    println!("cargo::rustc-check-cfg=cfg(pty_tests)");
    let script = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join("script").is_file()));
    if ci || script {
        println!("cargo::rustc-cfg=pty_tests");
    }
    if ci || (Path::new(&chromium).exists() && Path::new(modules).exists()) {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
