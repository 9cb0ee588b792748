//! Hostile and careless input (issue #13): values that mean nothing, control characters, pasted
//! tag lists, raw HTML that would run script, nonsense settings. Each class gets its error at
//! the value's position (exit 1) or is made harmless, and never reaches a reader.

mod common;

use common::*;

fn write_article(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join("content").join(name), text).unwrap();
}

/// Builds the good site with one extra article; returns (exit code, stderr).
fn build_with(name: &str, text: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = site("good_site");
    write_article(dir.path(), name, text);
    let out = warraq(dir.path(), &["build"]);
    (out.status.code(), stderr(&out), dir)
}

/// Builds the good site with `text` as content/x.md: it must fail with `message` at `location`
/// and write nothing. Returns the report.
fn assert_error_at(text: &str, location: &str, message: &str) -> String {
    let (code, err, dir) = build_with("x.md", text);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("{location}: {message}")),
        "expected `{location}: {message}…` in\n{err}"
    );
    assert!(!dir.path().join("public").exists(), "nothing is written");
    err
}

/// Builds the good site with `text` as content/x.md: it must succeed. Returns the article's
/// page, and the site to read other files of.
fn built_page(text: &str) -> (String, tempfile::TempDir) {
    let (code, err, dir) = build_with("x.md", text);
    assert_eq!(code, Some(0), "{err}");
    (read(dir.path().join("public/x/index.html")), dir)
}

/// Builds the good site with `yaml` as its site.yaml: it must fail (exit 1). Returns the report.
fn site_yaml_error(yaml: &str) -> String {
    let dir = site("good_site");
    std::fs::write(dir.path().join("site.yaml"), yaml).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{yaml}");
    stderr(&out)
}

#[test]
fn values_that_mean_nothing_are_errors_at_the_value() {
    assert_error_at(
        "---\ntitle: null\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:8",
        "this value is empty",
    );
    assert_error_at(
        "---\ntitle: ~\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:8",
        "this value is empty",
    );
    assert_error_at(
        "---\ntitle: \"\"\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:8",
        "`\"\"` is empty",
    );
    assert_error_at(
        "---\ntitle: \"\u{200F}\u{2067}\u{200B}\"\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:9",
        "`\u{200F}\u{2067}\u{200B}` holds only invisible characters",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags: [سوريا, null]\n---\nx\n",
        "content/x.md:4:15",
        "this value is empty",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags: [سوريا, \"\"]\n---\nx\n",
        "content/x.md:4:15",
        "`\"\"` is empty",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags:\n  - سوريا\n  - \"\u{200E}\"\n---\nx\n",
        "content/x.md:6:6",
        "`\u{200E}` holds only invisible characters",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\nauthor: [كاتب, \"  \"]\n---\nx\n",
        "content/x.md:4:17",
        "`  ` holds only invisible characters",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\nsummary: \"\"\n---\nx\n",
        "content/x.md:4:10",
        "`\"\"` is empty",
    );
}

#[test]
fn a_key_written_twice_is_an_error_at_the_second_naming_the_first() {
    let hint = |line: usize| format!("help: keep one of the two; the first is on line {line}");
    for (text, location, message, first) in [
        (
            "---\ntitle: x\ndate: 2025-01-01\ntitle: y\n---\nx\n",
            "content/x.md:4:1",
            "`title` is written twice in front-matter",
            2,
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nsource:\n  name: A\n  url: https://a.org\n  name: B\n---\nx\n",
            "content/x.md:7:3",
            "`name` is written twice in `source` in front-matter",
            5,
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nextra: {a: 1, b: {a: 2}, a: 3}\n---\nx\n",
            "content/x.md:4:26",
            "`a` is written twice in `extra` in front-matter",
            4,
        ),
        // Maps read by hand: the second value silently replaced the first.
        (
            "---\ntitle: x\ndate: 2025-01-01\nrelated:\n  - title: a\n    url: https://a.org\n  - title: b\n    url: https://b.org\n    title: c\n---\nx\n",
            "content/x.md:9:5",
            "`title` is written twice in `related[1]` in front-matter",
            7,
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nimage: {src: a.jpg, alt: x, src: b.jpg}\n---\nx\n",
            "content/x.md:4:29",
            "`src` is written twice in `image` in front-matter",
            4,
        ),
    ] {
        let err = assert_error_at(text, location, message);
        assert!(err.contains(&hint(first)), "{err}");
    }
}

#[test]
fn tabs_toml_and_blank_lines_before_the_front_matter_are_named() {
    for (text, location, message, hint) in [
        (
            "---\ntitle: x\ndate: 2025-01-01\ntags:\n\t- a\n---\nx\n",
            "content/x.md:5:1",
            "a tab indents this line of the front-matter; YAML indents with spaces only",
            "replace the tab with spaces",
        ),
        (
            "---\ntitle: x\ndate: 2025-01-01\nsource:\n  name: a\n\turl: https://a.org\n---\nx\n",
            "content/x.md:6:1",
            "a tab indents this line of the front-matter",
            "replace the tab with spaces",
        ),
        (
            "+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\nx\n",
            "content/x.md:1:1",
            "this front-matter is TOML (between `+++` lines)",
            "write `---` for `+++`",
        ),
        (
            "\n\n---\ntitle: x\ndate: 2025-01-01\n---\nx\n",
            "content/x.md:3:1",
            "the front-matter starts after blank lines; it must start on the first line",
            "remove the 2 blank lines above `---`",
        ),
    ] {
        let err = assert_error_at(text, location, message);
        assert!(err.contains(hint), "{err}");
    }
}

#[test]
fn front_matter_that_is_not_a_map_says_so_in_an_editors_words() {
    assert_error_at(
        "---\n- title: t\n- date: 2025-01-01\n---\nx\n",
        "content/x.md:2:1",
        "front-matter is a list, not a map of keys",
    );
    let (_, err, _dir) = build_with("x.md", "---\n- title: t\n---\nx\n");
    assert!(!err.contains("struct"), "{err}");
}

#[test]
fn dates_no_article_can_have_are_errors_at_the_value() {
    assert_error_at(
        "---\ntitle: t\ndate: 0000-01-01\n---\nx\n",
        "content/x.md:3:7",
        "`0000-01-01` is not a valid date (the calendar has no year 0)",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-04-28\nupdated: 2024-04-30\n---\nx\n",
        "content/x.md:4:10",
        "`updated` (2024-04-30) is earlier than `date` (2025-04-28)",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-04-28T10:00:00+03:00\nupdated:   2025-04-28T09:59:00+03:00\n---\nx\n",
        "content/x.md:4:12",
        "`updated` (2025-04-28T09:59:00+03:00) is earlier than `date`",
    );
    // The same day, once as a bare day (midnight UTC) and once as an instant, is not earlier;
    // nor is an instant an hour later written in another offset.
    for (date, updated) in [
        ("2025-04-28T10:00:00+03:00", "2025-04-28"),
        ("2025-04-28", "2025-04-28T01:00:00+03:00"),
        ("2025-04-28T10:00:00+03:00", "2025-04-28T08:00:00+00:00"),
    ] {
        let (code, err, _dir) = build_with(
            "x.md",
            &format!("---\ntitle: t\ndate: {date}\nupdated: {updated}\n---\nx\n"),
        );
        assert_eq!(code, Some(0), "{date} then {updated}: {err}");
    }
}

#[test]
fn an_optional_key_written_empty_is_absent_and_numbers_are_text() {
    let (page, dir) = built_page("---\ntitle: 1984\ndate: 2025-01-01\ntags: [2011, سوريا]\nsummary: ~\nauthor: null\n---\nنص.\n");
    assert!(page.contains("<h1>1984</h1>"), "{page}");
    assert!(dir.path().join("public/tags/2011/index.html").is_file());
    assert!(!page.contains(">null<"));
}

#[test]
fn control_characters_are_errors_in_front_matter_and_removed_from_bodies() {
    assert_error_at(
        "---\ntitle: \"عنوان \u{1b}[31m أحمر\"\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:15",
        "an invisible control character (U+001B) is here",
    );
    let (code, err, dir) = build_with(
        "x.md",
        "---\ntitle: نظيف\ndate: 2030-01-01\n---\nنص فيه\u{0}صفر و\u{1b}هروب و\u{7f} و\u{85} و\u{FFFF}.\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let public = dir.path().join("public");
    for file in ["x/index.html", "feed.xml", "index.html"] {
        let text = read(public.join(file));
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFF}'),
            "{file} carries a control character"
        );
    }
    let feed = std::fs::read(public.join("feed.xml")).unwrap();
    atom_syndication::Feed::read_from(&feed[..]).expect("the feed is well-formed XML");
}

#[test]
fn control_characters_written_as_escapes_are_errors_at_the_escape() {
    // YAML's double-quoted escapes decode to any character: what the raw scan cannot see.
    assert_error_at(
        "---\ntitle: \"عنوان \\x01 فيه\"\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:15",
        "this escape writes an invisible control character (U+0001)",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags: [سوريا, \"وسم\\e\"]\n---\nx\n",
        "content/x.md:4:19",
        "this escape writes an invisible control character (U+001B)",
    );
    // Anywhere, free-form values included; a written backslash (`\\x01`) is not an escape.
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags: [\"a\\\\x01\"]\nextra:\n  note: \"x\\u0085y\"\n---\nx\n",
        "content/x.md:6:11",
        "this escape writes an invisible control character (U+0085)",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\nimage: {src: a.jpg, alt: \"صورة\\uFFFE\"}\n---\nx\n",
        "content/x.md:4:31",
        "this escape writes an invisible control character (U+FFFE)",
    );
    // Escapes of what a page can carry are text as before.
    let (page, _dir) =
        built_page("---\ntitle: \"سطر\\tو\\u00e9 \\\\x01\"\ndate: 2030-01-01\n---\nx\n");
    assert!(page.contains("<h1>سطر\tوé \\x01</h1>"), "{page}");
}

#[test]
fn character_references_to_control_characters_reach_no_page() {
    let (code, err, dir) = build_with(
        "x.md",
        "---\ntitle: نظيف\ndate: 2030-01-01\n---\nنص &#11; و&#x1;ب &#xFFFE; و &#x85; هنا.\n\n\
         `a&#1;` [ب](http://x.org/ \"t&#1;\") <b>خام &#1;</b>\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let public = dir.path().join("public");
    for file in ["x/index.html", "feed.xml", "index.html", "search/doc/0.txt"] {
        let text = read(public.join(file));
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}'),
            "{file} carries a control character"
        );
    }
    let page = read(public.join("x/index.html"));
    assert!(page.contains("<p>نص  وب  و  هنا.</p>"), "{page}");
    assert!(page.contains("title=\"t\""), "{page}");
    assert!(page.contains("<b>خام </b>"), "{page}");
}

#[test]
fn tags_separated_by_arabic_commas_are_an_error_unless_quoted() {
    // An Arabic keyboard types `،`; YAML separates a list's items with `,` alone, so this list
    // was one tag, "داعش، سوريا، البادية", silently.
    let err = assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags: [داعش، سوريا، البادية]\n---\nx\n",
        "content/x.md:4:8",
        "tag `داعش، سوريا، البادية` is one name: YAML does not read",
    );
    assert!(
        err.contains("separate the names with `,` (داعش, سوريا, البادية)"),
        "{err}"
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ntags:\n  - سوريا\n  - داعش،البادية\n---\nx\n",
        "content/x.md:6:5",
        "tag `داعش،البادية` is one name",
    );
    // Quoted, the comma belongs to the name; a writer's name may hold one.
    let (page, _dir) = built_page("---\ntitle: t\ndate: 2030-01-01\ntags: [سوريا, \"الأمن، والدفاع\"]\nauthor: فريق التحرير، بيروت\n---\nx\n");
    assert!(page.contains("الأمن، والدفاع"), "{page}");
    assert!(page.contains("فريق التحرير، بيروت"), "{page}");
}

#[test]
fn what_a_right_to_left_editor_types_unseen_is_read_or_named() {
    // Arabic-Indic digits in dates and a series part, direction marks around values: read as
    // what they show.
    let (page, dir) = built_page(
        "---\ntitle: t\ndate: ٢٠٣٠-٠٤-٢٨\u{200F}\nupdated: \u{200E}۲۰۳۰-۰۵-۰۱\n\
         series: {name: ملف, part: ٢}\n---\nx\n",
    );
    assert!(page.contains("<time datetime=\"2030-04-28\">"), "{page}");
    assert!(page.contains("<time datetime=\"2030-05-01\">"), "{page}");
    write_article(
        dir.path(),
        "y.md",
        "---\ntitle: y\ndate: 2030-01-01\nrelated: [\u{200F}x\u{200F}]\n---\ny\n",
    );
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let y = read(dir.path().join("public/y/index.html"));
    assert!(
        y.contains("<a href=\"/archive/x/\"><bdi>t</bdi></a>"),
        "{y}"
    );
    // Where a mark breaks the YAML or a key, the error names it: the message cannot show it.
    let err = assert_error_at(
        "---\n\u{200F}title: t\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:1",
        "the key `title` holds an invisible character (U+200F, a direction mark)",
    );
    assert!(!err.contains("unknown key"), "{err}");
    let err = assert_error_at(
        "---\ntitle: \"t\"\u{200F}\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:11",
        "did not find expected key",
    );
    assert!(
        err.contains("delete an invisible character (U+200F, a direction mark) at column 11"),
        "{err}"
    );
    let err = assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\ndraft: false\u{200E}\n---\nx\n",
        "content/x.md:4:8",
        "wrong type",
    );
    assert!(
        err.contains("(U+200E, a direction mark) at column 13"),
        "{err}"
    );
    // A mark elsewhere on the line of an unrelated error is not blamed.
    let err = assert_error_at(
        "---\ntitle: [نص\u{200C}فارسی]\ndate: 2025-01-01\n---\nx\n",
        "content/x.md:2:8",
        "wrong type",
    );
    assert!(!err.contains("invisible"), "{err}");
}

#[test]
fn a_headline_or_date_written_as_editors_do_gets_the_line_it_should_be() {
    let cases = [
        // A `: ` in an unquoted headline starts a new key to YAML.
        (
            "title: داعش: عودة",
            "content/x.md:2:12",
            "`title` holds a `: `, which starts a new key",
            "quote it: title: \"داعش: عودة\"",
        ),
        (
            "related:\n  - title: عودة: داعش",
            "content/x.md:3:16",
            "`title` holds a `: `",
            "quote it: title: \"عودة: داعش\"",
        ),
        // Quotes inside a double-quoted headline end it early.
        (
            "title: \"عودة \"داعش\" إلى البادية\"",
            "content/x.md:2:15",
            "the quotes inside `title`'s value end it early",
            "title: 'عودة \"داعش\" إلى البادية'",
        ),
        // A headline that begins with a quoted word: YAML takes the quoted word for the value.
        (
            "title: \"داعش\" يعود: قراءة في البيان",
            "content/x.md:2:15",
            "the quotes around \"داعش\" close `title`'s value before its end",
            "quote the whole value: title: '\"داعش\" يعود: قراءة في البيان'",
        ),
        (
            "title: 'داعش' يعود",
            "content/x.md:2:15",
            "the quotes around 'داعش' close `title`'s value before its end",
            "quote the whole value: title: \"'داعش' يعود\"",
        ),
        // A key indented under a key whose value is a text: more of that text to YAML.
        (
            "title: عودة داعش\n tags: [داعش]",
            "content/x.md:3:2",
            "`tags` is indented under `title`, whose value is a text",
            "start `tags:` at the beginning of its line, as `title:` is",
        ),
        (
            "title: \"عودة داعش\"\n  tags: [داعش]",
            "content/x.md:3:3",
            "`tags` is indented under `title`",
            "start `tags:` at the beginning of its line",
        ),
        (
            "title: عودة\nsummary: ملخص\n  tags: [داعش]",
            "content/x.md:4:3",
            "`tags` is indented under `summary`",
            "as `summary:` is",
        ),
        // Shapes YAML names in its own terms.
        (
            "title عودة داعش",
            "content/x.md:2:6",
            "`title` has no `:` after it, so the front-matter is not read as keys",
            "write title: عودة داعش",
        ),
        (
            "title: *عاجل* انفجار في المرفأ",
            "content/x.md:2:8",
            "`title`'s value begins with `*`, which YAML reads as an alias",
            "quote it: title: \"*عاجل* انفجار في المرفأ\"",
        ),
        (
            "title: #عاجل انفجار في المرفأ",
            "content/x.md:2:8",
            "`#` starts a comment in YAML, so `#عاجل` and the rest",
            "quote the value: title: \"#عاجل انفجار في المرفأ\"",
        ),
        (
            "title: t\ntags: [سوريا, #لبنان]",
            "content/x.md:3:15",
            "`#` starts a comment in YAML, so `#لبنان`",
            "quote it: \"#لبنان\", or write it without the `#`",
        ),
        (
            "title: t\nauthor: @warraq_news",
            "content/x.md:3:9",
            "`author`'s value begins with `@`",
            "quote it: author: \"@warraq_news\"",
        ),
        (
            "title: t\nsummary: > «نص» من البيان",
            "content/x.md:3:10",
            "`summary`'s value begins with `>`",
            "quote it: summary: \"> «نص» من البيان\"",
        ),
        (
            "title: t\nsummary ملخص قصير\ntags: [داعش]",
            "content/x.md:3:8",
            "`summary` has no `:` after it",
            "write summary: ملخص قصير",
        ),
        (
            "title: t\ntags:\n  - سوريا\n  -داعش",
            "content/x.md:5:3",
            "`-داعش` has no space after its `-`, so it is a text, not a list item",
            "write a space after the dash: - داعش",
        ),
        (
            "title: t\ntags:\n  -داعش",
            "content/x.md:4:3",
            "`-داعش` has no space after its `-`",
            "write a space after the dash: - داعش",
        ),
        (
            "title: t\ntags: [داعش, سوريا",
            "content/x.md:3:7",
            "the list opened with `[` on line 3 is never closed",
            "end it with `]` on the same line",
        ),
        (
            "title: t\nrelated:\n  - title: \"عودة داعش\"\n  url: https://example.org/x",
            "content/x.md:5:3",
            "`url` starts at the `-` of the list item above",
            "indent `url:` 4 spaces, under `title:`",
        ),
        // Dates as they are written elsewhere, with the one they meant.
        (
            "date: 28/04/2025",
            "content/x.md:2:7",
            "`28/04/2025` is not a valid date",
            "write the date as YYYY-MM-DD: 2025-04-28",
        ),
        (
            "date: 28 نيسان (أبريل) 2025",
            "content/x.md:2:7",
            "`28 نيسان (أبريل) 2025` is not a valid date",
            "write the date as YYYY-MM-DD: 2025-04-28",
        ),
        (
            "date: 2025-04-28 10:30",
            "content/x.md:2:7",
            "`2025-04-28 10:30` is not a valid date",
            "write the time after a `T`, with its offset from UTC: 2025-04-28T10:30:00+03:00",
        ),
        (
            "date: أمس",
            "content/x.md:2:7",
            "`أمس` is not a valid date",
            "write the date as YYYY-MM-DD (2025-04-28), or with a time",
        ),
    ];
    let more = [
        // No space after a key's colon: one text to YAML, and an error wherever it ends.
        (
            "title:عنوان",
            "content/x.md:2:6",
            "`title:` needs a space after its colon",
            "write title: عنوان",
        ),
        (
            "related:\n  - title: x\n    url:https://x.org",
            "content/x.md:4:8",
            "`url:` needs a space after its colon",
            "write url: https://x.org",
        ),
        // Tags as one text: the list it meant.
        (
            "tags: داعش، سوريا",
            "content/x.md:2:7",
            "wrong type: string \"داعش، سوريا\", expected a sequence",
            "tags: [داعش, سوريا]",
        ),
        // A language by its name, in English or Arabic.
        (
            "lang: English",
            "content/x.md:2:7",
            "`English` names a language; write its code: `en`",
            "ISO 639 code",
        ),
        (
            "lang: الانجليزية",
            "content/x.md:2:7",
            "`الانجليزية` names a language; write its code: `en`",
            "ISO 639 code",
        ),
        (
            "lang: klingon",
            "content/x.md:2:7",
            "`klingon` is not a language tag",
            "ISO 639 code",
        ),
        // A list item indented under the one above continues it.
        (
            "related:\n- 2024/x\n  - 2024/y",
            "content/x.md:3:3",
            "related article `2024/x - 2024/y` does not exist",
            "start every `- ` of the list at the same indentation",
        ),
    ];
    for (line, location, message, hint) in cases.into_iter().chain(more) {
        let mut text = format!("---\n{line}\n");
        if !line.starts_with("title") {
            text.push_str("title: t\n");
        }
        if !line.starts_with("date") {
            text.push_str("date: 2025-01-01\n");
        }
        text.push_str("---\nx\n");
        let err = assert_error_at(&text, location, message);
        assert!(
            err.replace("\n        ", " ").contains(hint),
            "{line}: expected the hint `{hint}` in\n{err}"
        );
    }
}

#[test]
fn a_site_language_written_by_its_name_gets_its_code() {
    let err = site_yaml_error("title: أرشيف\nlanguage: arabic\n");
    assert!(
        err.contains("`language: arabic` is not a language tag"),
        "{err}"
    );
    assert!(err.contains("write its code: `language: ar`"), "{err}");
}

#[test]
fn numbers_in_arabic_indic_digits_get_a_hint_in_site_yaml() {
    let err = site_yaml_error("title: أرشيف\nper_page: ٢٠\n");
    assert!(
        err.contains("write the number with Latin digits: 20"),
        "{err}"
    );
}

#[test]
fn a_control_character_in_site_yaml_is_an_error() {
    let err = site_yaml_error("title: \"أرشيف\u{7}\"\n");
    assert!(
        err.contains("site.yaml:1:14: an invisible control character (U+0007)"),
        "{err}"
    );
    let err = site_yaml_error("title: \"أرشيف\\x0b\"\n");
    assert!(
        err.contains("site.yaml:1:14: this escape writes an invisible control character (U+000B)"),
        "{err}"
    );
}

#[test]
fn a_pasted_list_of_thousands_of_tags_is_an_error_not_half_a_gigabyte() {
    let tags: Vec<String> = (0..2000).map(|i| format!("وسم{i}")).collect();
    let (code, err, dir) = build_with(
        "x.md",
        &format!(
            "---\ntitle: t\ndate: 2025-01-01\ntags: [{}]\n---\nx\n",
            tags.join(", ")
        ),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("`tags` has 2000 entries; an article may have at most 50"),
        "{err}"
    );
    assert!(
        err.contains("content/x.md:4:"),
        "positioned at the tags: {err}"
    );
    assert!(!dir.path().join("public").exists());
    let fifty: Vec<String> = (0..50).map(|i| format!("وسم{i}")).collect();
    let (code, err, _) = build_with(
        "x.md",
        &format!(
            "---\ntitle: t\ndate: 2025-01-01\ntags: [{}]\n---\nx\n",
            fifty.join(", ")
        ),
    );
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn raw_html_that_would_run_script_is_an_error_at_its_position() {
    let text = "---\ntitle: t\ndate: 2025-01-01\n---\nنص.\n\n<p>x</p><script>alert(1)</script>\n\nفقرة <img src=x onerror=alert(1)> و<a href=\"&#106;avascript:alert(1)\">رابط</a>.\n\n<iframe src=\"https://evil.example/x\"></iframe>\n";
    let (code, err, dir) = build_with("x.md", text);
    assert_eq!(code, Some(1), "{err}");
    for expected in [
        "content/x.md:7:9: raw HTML `<script>` would run code in readers' browsers",
        "content/x.md:9:17: the event handler `onerror` would run script",
        "content/x.md:9:39: `href` uses the `javascript:` scheme",
        "content/x.md:11:9: this iframe loads `https://evil.example/x`",
    ] {
        assert!(err.contains(expected), "expected {expected} in\n{err}");
    }
    assert!(
        err.contains("raw_html: trusted"),
        "the hint names the setting: {err}"
    );
    assert!(!dir.path().join("public").exists());
}

#[test]
fn heading_ids_and_classes_that_are_not_names_are_errors_at_the_heading() {
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\n---\nنص.\n\n## العنوان {#javascript:alert(1)}\n",
        "content/x.md:7:1",
        "the heading id `javascript:alert(1)` holds `:`",
    );
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\n---\n## العنوان {#a\"onmouseover=alert(1) .x}\n",
        "content/x.md:5:1",
        "the heading id `a\"onmouseover=alert(1)` holds `\"`",
    );
    // Names are kept as written.
    let (code, err, dir) = build_with(
        "x.md",
        "---\ntitle: t\ndate: 2025-01-01\n---\n## العنوان {#الخلفية-2024 .key-point}\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let page = std::fs::read_to_string(dir.path().join("public/x/index.html")).unwrap();
    assert!(
        page.contains("<h2 id=\"الخلفية-2024\" class=\"key-point\">"),
        "{page}"
    );
}

#[test]
fn safe_raw_html_and_listed_embeds_are_kept_and_trusted_sites_keep_everything() {
    let text = "---\ntitle: t\ndate: 2025-01-01\n---\n<figure><img src=\"/a.png\" alt=\"صورة\"><figcaption>تعليق</figcaption></figure>\n\n<iframe src=\"https://www.youtube.com/embed/xyz\" allowfullscreen></iframe>\n\n<details><summary>المزيد</summary>\n\nنص <mark>مهم</mark>.\n\n</details>\n";
    let (page, _dir) = built_page(text);
    for kept in [
        "<figcaption>تعليق</figcaption>",
        "src=\"https://www.youtube.com/embed/xyz\"",
        "<summary>المزيد</summary>",
        "<mark>مهم</mark>",
    ] {
        assert!(page.contains(kept), "{kept} lost:\n{page}");
    }

    let dir = site("good_site");
    std::fs::write(dir.path().join("site.yaml"), "raw_html: trusted\n").unwrap();
    write_article(
        dir.path(),
        "x.md",
        "---\ntitle: t\ndate: 2025-01-01\n---\n<script>trackReaders()</script>\n",
    );
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        read(dir.path().join("public/x/index.html")).contains("<script>trackReaders()</script>")
    );
}

/// An SVG opened at its own address runs its script on the site's origin (`<img>` never does):
/// an article's SVG meets the body's raw-HTML policy, in a first build and in a build that
/// keeps the article while its image changes; `raw_html: trusted` publishes it as it is.
#[test]
fn svg_images_that_would_run_script_are_errors_at_the_image() {
    let article = "---\ntitle: خريطة\ndate: 2025-01-01\n---\nمقدمة\n\n![خريطة الحسكة](map.svg)\n";
    let plain = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><style>.r{fill:#a00}</style><a href="https://example.org/"><rect class="r" width="40" height="20"/></a><text x="2" y="12">الحسكة</text></svg>"#;
    let dir = site("good_site");
    write_article(dir.path(), "x.md", article);
    std::fs::write(dir.path().join("content/map.svg"), plain).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = read(dir.path().join("public/x/index.html"));
    assert!(page.contains("width=\"40\" height=\"20\""), "{page}");
    for (svg, expected) in [
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg">
<script>fetch('/admin')</script></svg>"#,
            "(line 2): raw HTML `<script>`",
        ),
        (
            r#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>"#,
            "(line 1): raw HTML `<script>`",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>"#,
            "the event handler `onclick`",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:l="http://www.w3.org/1999/xlink"><a l:href="javascript:alert(1)"><rect/></a></svg>"#,
            "`href` uses the `javascript:` scheme",
        ),
        (
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY j "javascript:alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"><a href="&j;"><rect/></a></svg>"#,
            "declares an XML entity (line 1)",
        ),
        (
            r#"<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="map.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
            "asks for a stylesheet (`<?xml-stylesheet`, line 2)",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onmouseover" to="alert(1)"/></svg>"#,
            "animating `onmouseover`",
        ),
    ] {
        std::fs::write(dir.path().join("content/map.svg"), svg).unwrap();
        let out = warraq(dir.path(), &["build"]);
        let err = flat(&stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{svg}\n{err}");
        assert!(
            err.contains(&flat("content/x.md:7:1: `content/map.svg`")),
            "{err}"
        );
        assert!(err.contains(&flat(expected)), "{expected}\n{err}");
        // The previous output stands, its image as it was.
        assert_eq!(read(dir.path().join("public/x/index.html")), page);
    }
    std::fs::write(dir.path().join("site.yaml"), "raw_html: trusted\n").unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A dossier's introduction (`series/<slug>.md`) is published like a body, so it is held to a
/// body's rules: what would run script is an error at its place in that file (it was published
/// as written), and a file in another encoding is named.
#[test]
fn a_dossiers_introduction_meets_the_bodys_rules() {
    let dir = site("good_site");
    write_article(
        dir.path(),
        "x.md",
        "---\ntitle: جزء\ndate: 2025-01-01\nseries: {name: ملف الحسكة, part: 1}\n---\nنص\n",
    );
    std::fs::create_dir_all(dir.path().join("series")).unwrap();
    let intro = dir.path().join("series/ملف-الحسكة.md");
    std::fs::write(&intro, "مقدمة الملف.\n\n<mark>مهم</mark>\n").unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = read(dir.path().join("public/series/ملف-الحسكة/index.html"));
    assert!(page.contains("<mark>مهم</mark>"), "{page}");
    for (text, expected) in [
        (
            "مقدمة.\n\n<img src=x onerror=alert(1)>\n"
                .as_bytes()
                .to_vec(),
            "series/ملف-الحسكة.md:3:12: the event handler `onerror` would run script",
        ),
        (
            "مقدمة.\n\n[المصدر](javascript:alert(1))\n"
                .as_bytes()
                .to_vec(),
            "series/ملف-الحسكة.md:3:1: link to `javascript:alert(1)` uses the `javascript:` scheme",
        ),
        (
            [
                b"\xd9\x85\n".as_slice(),
                &[0xE3, 0xE6, 0xD1, 0xC7, 0xC8, b'\n'],
            ]
            .concat(),
            "series/ملف-الحسكة.md:2:1: the file is not UTF-8 text",
        ),
    ] {
        std::fs::write(&intro, text).unwrap();
        let out = warraq(dir.path(), &["build"]);
        let err = flat(&stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(&flat(expected)), "{expected}\n{err}");
        assert_eq!(
            read(dir.path().join("public/series/ملف-الحسكة/index.html")),
            page
        );
    }
}

#[test]
fn nonsense_settings_are_errors_with_the_allowed_values() {
    for (yaml, expected) in [
        (
            "title: t\nlanguage: \"ar; x\"\n",
            "site.yaml:2:11: `language: ar; x` is not a language tag",
        ),
        (
            "base_url: \"https://example.org/?page=1\"\n",
            "site.yaml:1:11: `base_url: https://example.org/?page=1` is not usable",
        ),
        (
            "base_url: \"https://example.org/#top\"\n",
            "site.yaml:1:11: `base_url: https://example.org/#top` is not usable",
        ),
        (
            "raw_html: sometimes\n",
            "site.yaml:1:11: unknown value `sometimes`, expected `safe` or `trusted`",
        ),
        // serde's Rust type names (`usize`, `struct RawConfig`) never reach the editor.
        (
            "per_page: -5\n",
            "site.yaml:1:11: wrong type: integer `-5`, expected a whole number, 0 or more in `per_page`",
        ),
        (
            "- title: t\n",
            "site.yaml:1:1: site.yaml is a list, not a map of keys",
        ),
    ] {
        let err = site_yaml_error(yaml);
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn template_errors_name_the_template_file() {
    // A template saved by an older Arabic Windows editor: "<h1>خطأ</h1>" in Windows-1256.
    let cp1256 = [b"<p>\n<h1>".as_slice(), &[206, 216, 195], b"</h1>"].concat();
    for (template, expected) in [
        (
            b"{% include \"missing.html\" %}".to_vec(),
            "templates/404.html:1:12: Unknown template `missing.html`",
        ),
        (
            b"{{ 'x' | isolate(dir=\"sideways\") }}".to_vec(),
            "templates/404.html:1:",
        ),
        (
            cp1256,
            "templates/404.html:2:5: the template is not UTF-8 text (invalid byte at offset 8)",
        ),
    ] {
        let dir = site("good_site");
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), template).unwrap();
        let out = warraq(dir.path(), &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expected), "{expected}\n{err}");
        assert!(!err.contains("template error: error:"), "{err}");
    }
}

#[test]
fn deep_nesting_and_repetition_are_handled_not_choked_on() {
    // Thousands of identical headings get unique ids (in linear time: ids continue counting).
    let headings: String = (0..5000).map(|_| "## عنوان\n\n").collect();
    let (page, _dir) = built_page(&format!("---\ntitle: t\ndate: 2025-01-01\n---\n{headings}"));
    assert!(page.contains("id=\"عنوان-4999\""));
    assert!(!page.contains("id=\"عنوان-5000\""));
    // Blockquotes nested 50 000 deep build (directions are decided in one pass).
    let (code, err, _) = build_with(
        "x.md",
        &format!(
            "---\ntitle: t\ndate: 2025-01-01\n---\n{} English\n",
            ">".repeat(50_000)
        ),
    );
    assert_eq!(code, Some(0), "{err}");
    // Raw HTML nested deeper than 256 elements is refused at its position.
    assert_error_at(
        &format!(
            "---\ntitle: t\ndate: 2025-01-01\n---\n{}x\n",
            "<div>".repeat(100_000)
        ),
        "content/x.md:5:1281",
        "raw HTML is nested more than 256 elements deep here",
    );
}

#[test]
fn yaml_bombs_and_huge_numbers_are_errors_an_editor_can_read() {
    // Aliases of aliases (a "billion laughs"): refused at the first alias, with a hint.
    let mut yaml = String::from(
        "---\ntitle: t\ndate: 2025-01-01\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n",
    );
    for (name, of) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        yaml.push_str(&format!(
            "  {name}: &{name} [{}]\n",
            vec![format!("*{of}"); 9].join(", ")
        ));
    }
    yaml.push_str("---\nx\n");
    assert_error_at(
        &yaml,
        "content/x.md:6:10",
        "the front-matter's aliases (`*name`) expand into too many values",
    );
    // Lists nested thousands deep: refused, not a stack overflow.
    let (code, err, dir) = build_with(
        "x.md",
        &format!(
            "---\ntitle: t\ndate: 2025-01-01\nextra: {}{}\n---\nx\n",
            "[".repeat(3000),
            "]".repeat(3000)
        ),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("content/x.md:4:"), "{err}");
    assert!(err.contains("nests lists or maps too deeply"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("public").exists(), "nothing is written");
    // A whole number beyond 64 bits.
    assert_error_at(
        "---\ntitle: t\ndate: 2025-01-01\nseries: {name: s, part: 99999999999999999999999}\n---\nx\n",
        "content/x.md:4:25",
        "the number `99999999999999999999999` in `series.part` is too large",
    );
}

#[test]
fn symbolic_links_out_of_the_site_are_errors_and_nothing_they_name_is_read() {
    let dir = site("good_site");
    let away = tempfile::tempdir().unwrap();
    let secret = "---\ntitle: سر\ndate: 2025-01-01\n---\nkey-0123456789\n";
    std::fs::write(away.path().join("secret.md"), secret).unwrap();
    std::fs::write(away.path().join("token.txt"), "key-0123456789").unwrap();
    let root = dir.path();
    std::os::unix::fs::symlink(
        away.path().join("secret.md"),
        root.join("content/secret.md"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(away.path().join("token.txt"), root.join("static/token.txt"))
        .unwrap();
    std::os::unix::fs::symlink(away.path(), root.join("static/away")).unwrap();
    // A link that stays inside the site is followed as before.
    std::fs::write(root.join("notes.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(root.join("notes.txt"), root.join("static/notes.txt")).unwrap();
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for link in ["content/secret.md", "static/token.txt", "static/away"] {
        assert!(
            err.contains(&format!("{link}: this symbolic link leads to")),
            "{link} in\n{err}"
        );
    }
    assert!(
        !err.contains("key-0123456789"),
        "what a link names is never shown:\n{err}"
    );
    assert!(!root.join("public").exists(), "nothing is written");
    // Without the links that leave the site, it builds, and the inner link is published.
    for link in ["content/secret.md", "static/token.txt", "static/away"] {
        std::fs::remove_file(root.join(link)).unwrap();
    }
    let out = warraq(root, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(root.join("public/notes.txt")), "inside");
}

#[test]
fn extra_data_templates_cannot_take_is_an_error_in_the_article() {
    let (code, err, _) = build_with(
        "x.md",
        "---\ntitle: t\ndate: 2025-01-01\nextra: {[1, 2]: x}\n---\nنص\n",
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("content/x.md:4:"), "{err}");
    assert!(
        err.contains("`extra:` maps need text or number keys"),
        "{err}"
    );
}

/// URLs an editor writes with characters no URL may hold (`<` in a query, `^`, `|`, `[` outside
/// an IPv6 host, a second `#`, a `%` that starts no escape) reach pages, feeds and sources'
/// pages as valid URLs: percent-encoded, the rest (Arabic included) as written.
#[test]
fn urls_with_characters_no_url_may_hold_are_published_encoded() {
    let (code, err, dir) = build_with(
        "2025/urls.md",
        "---\ntitle: روابط\ndate: 2025-03-01\nsource: {name: رويترز, url: \"https://reuters.com/a?c=<2>|{x}^y\"}\nrelated:\n  - title: خارجي\n    url: \"https://example.org/?b=<2>#a#b\"\n  - title: IPv6\n    url: \"http://[::1]:8080/x[1]\"\n---\n[a](https://example.org/a^b%zz) و[ويكي](https://ar.wikipedia.org/wiki/سوريا)\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let page = read(dir.path().join("public/2025/urls/index.html"));
    for valid in [
        "https://reuters.com/a?c=%3C2%3E%7C%7Bx%7D%5Ey",
        "https://example.org/?b=%3C2%3E#a%23b",
        "http://[::1]:8080/x%5B1%5D",
        "https://example.org/a%5Eb%25zz",
        "https://ar.wikipedia.org/wiki/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7",
    ] {
        assert!(
            page.contains(&format!("href=\"{valid}\"")),
            "{valid} in\n{page}"
        );
    }
    let source = read(dir.path().join("public/sources/رويترز/index.html"));
    assert!(!source.contains("<2>"), "{source}");
    for html in [&page, &source] {
        assert!(
            !html.contains("href=\"https://reuters.com/a?c=&lt;"),
            "{html}"
        );
        assert!(!html.contains("^"), "no `^` left in a URL");
    }
}

/// A direction override left open in a title or a tag (pasted, or a spoof) would reverse what
/// follows it on the same line: the site's name after the title in `<title>`, the next tag. It is
/// closed at the end of its value, so nothing outside the value changes direction.
#[test]
fn a_direction_left_open_in_a_value_is_closed_at_its_end() {
    let (code, err, dir) = build_with(
        "2025/spoof.md",
        "---\ntitle: \"عنوان \u{202E}cod.exe\"\ndate: 2025-03-01\ntags: [\"\u{2067}وسم\", عادي]\n---\nنص.\n",
    );
    assert_eq!(code, Some(0), "{err}");
    let page = read(dir.path().join("public/2025/spoof/index.html"));
    let title = page
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .expect("a <title>");
    assert!(
        title.starts_with("عنوان \u{202E}cod.exe\u{202C}"),
        "{title:?}"
    );
    assert!(
        page.contains("\u{2067}وسم\u{2069}"),
        "the tag is closed too"
    );
    assert!(!page.contains("\u{2067}وسم<"), "no tag left open");
}

/// A path under `dir` whose last part is the bytes `name` (not UTF-8), written with `text`.
fn write_named(dir: &std::path::Path, name: &[u8], text: &str) {
    use std::os::unix::ffi::OsStrExt;
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(name)), text).unwrap();
}

/// Builds `dir`, which must fail with exit 1 and write nothing; returns its report, flattened.
fn failed_build(dir: &std::path::Path) -> String {
    let out = warraq(dir, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!dir.join("public").exists(), "nothing is written");
    flat(&err)
}

/// A file or folder name that is not UTF-8 (copied from an old Windows or Mac disk) cannot be an
/// article's id or URL, nor be named by a related entry: an error for each, reported with the
/// build's other problems, and nothing written.
#[test]
fn file_names_that_are_not_utf8_are_errors_reported_with_the_others() {
    use std::os::unix::ffi::OsStrExt;
    let dir = site("good_site");
    let content = dir.path().join("content");
    let article = "---\ntitle: عنوان\ndate: 2025-01-01\n---\nنص.\n";
    write_named(&content, b"caf\xe9.md", article);
    let folder = content.join(std::ffi::OsStr::from_bytes(b"d\xfe"));
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("y.md"), article).unwrap();
    write_article(
        dir.path(),
        "late.md",
        "---\ntitle: t\ndate: 2025-02-30\n---\nx\n",
    );
    let err = failed_build(dir.path());
    assert_has(
        &err,
        &flat("content/caf\u{FFFD}.md: the file's name is not UTF-8 text"),
    );
    assert_has(
        &err,
        &flat("content/d\u{FFFD}/y.md: the file's name is not UTF-8 text"),
    );
    assert_has(&err, "content/late.md:3:7:");
    assert_has(&err, &flat("3 problems found"));
}

/// The same for a static file: it would be published under another name (one with U+FFFD), where
/// no link to it works.
#[test]
fn a_static_file_whose_name_is_not_utf8_is_an_error() {
    let dir = site("good_site");
    let folder = dir.path().join("static");
    std::fs::create_dir_all(&folder).unwrap();
    write_named(&folder, b"r\xe9sum\xe9.pdf", "%PDF");
    assert_has(
        &failed_build(dir.path()),
        &flat("static/r\u{FFFD}sum\u{FFFD}.pdf: the file's name is not UTF-8 text"),
    );
}
