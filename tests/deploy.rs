//! The nginx configuration README gives is the one `.ci/run` serves the example archive with.

#[test]
fn readme_gives_the_nginx_configuration_ci_uses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let conf = std::fs::read_to_string(root.join(".ci/nginx/warraq.conf")).unwrap();
    let start = readme
        .find("```nginx\n")
        .expect("README has an nginx block")
        + "```nginx\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    assert_eq!(
        block, conf,
        "README's nginx block and .ci/nginx/warraq.conf differ"
    );
    for needed in [
        "error_page 404 /404.html;",
        "charset utf-8;",
        "immutable",
        "/images/",
    ] {
        assert!(conf.contains(needed), "{needed}");
    }
}
