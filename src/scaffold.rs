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

fn usage(path: &Path, message: String) -> Failure {
    Failure::Usage(Diagnostic::new(Some(path), message))
}

/// Creates a site in `dir`; refuses to overwrite an existing site.
pub fn init(dir: &Path) -> Result<(), Failure> {
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
    // and the lock and temporary folders a build makes beside the output.
    write(
        ".gitignore",
        "/public\n/.warraq-cache/\n/.public.warraq-*\n",
    )?;
    Ok(())
}

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

/// Creates `content/<dir>/<slug>.md`; refuses to overwrite.
pub fn new_article(
    root: &Path,
    title: &str,
    tags: &[String],
    dir: Option<&str>,
) -> Result<PathBuf, Failure> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Failure::Usage(Diagnostic::new(
            None,
            format!("the title `{title}` has no letter or digit to make a file name from"),
        )));
    }
    let today = chrono::Local::now().date_naive();
    let folder = match dir {
        Some(d) => {
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
    let tags: Vec<String> = tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(yaml_quote)
        .collect();
    let text = format!(
        "---\ntitle: {}\ndate: {}\ntags: [{}]\n---\nاكتب هنا الفقرة الأولى؛ تصبح ملخّص المقال ما لم تضع `summary:` في الترويسة.\n",
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
    fn yaml_quoting_escapes_quotes() {
        assert_eq!(yaml_quote("قال \"لا\""), "\"قال \\\"لا\\\"\"");
    }
}
