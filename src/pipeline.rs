//! The build, stage by stage: config → load → index → templates → render + write. `build`,
//! `check` and `serve` all go through [`load_site`]; they differ in where the output goes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tera::Tera;

use crate::config::Config;
use crate::content::article;
use crate::diagnostics::Diagnostic;
use crate::index::Site;
use crate::output::{OutputError, Staging};
use crate::render::{templates, Renderer};

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The content or the site has errors (exit 1).
    Site(Vec<Diagnostic>),
    /// Usage or I/O trouble (exit 2).
    Usage(Diagnostic),
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        let d = Diagnostic::new(None, e.to_string());
        Failure::Usage(match e.hint() {
            Some(h) => d.with_hint(h),
            None => d,
        })
    }
}

/// Options shared by the commands that build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    pub base_url: Option<String>,
}

/// A loaded, indexed site with its compiled templates.
pub struct Loaded {
    pub site: Site,
    pub tera: Tera,
    pub templates: templates::Sources,
    pub root: PathBuf,
}

/// Timings of a build, for `--verbose` output and the performance notes.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub load: f64,
    pub index: f64,
    pub render: f64,
    pub commit: f64,
}

/// Reads and indexes a site; every problem of every file is returned together.
pub fn load_site(root: &Path, options: &BuildOptions) -> Result<(Loaded, Timings), Failure> {
    if !root.is_dir() {
        return Err(Failure::Usage(Diagnostic::new(
            None,
            format!("`{}` is not a folder", root.display()),
        )));
    }
    let mut timings = Timings::default();
    let start = Instant::now();
    let mut config = Config::load(root).map_err(Failure::Site)?;
    if let Some(base) = &options.base_url {
        config.set_base_url(base).map_err(Failure::Usage)?;
    }
    let tera = templates::load(root, &config);
    let articles = article::load(root, &config, options.drafts);
    let ((tera, template_sources), articles) = match (tera, articles) {
        (Ok(t), Ok(a)) => (t, a),
        (t, a) => {
            let mut all = Vec::new();
            if let Err(d) = a {
                all.extend(d);
            }
            if let Err(d) = t {
                all.extend(d);
            }
            return Err(Failure::Site(all));
        }
    };
    timings.load = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let site = Site::build(config, articles).map_err(Failure::Site)?;
    timings.index = start.elapsed().as_secs_f64();
    Ok((
        Loaded {
            site,
            tera,
            templates: template_sources,
            root: root.to_path_buf(),
        },
        timings,
    ))
}

/// Renders a loaded site into a staging folder (static files included).
pub fn render_into(loaded: &Loaded, staging: &Staging) -> Result<usize, Failure> {
    staging.copy_static(&loaded.root).map_err(Failure::Usage)?;
    let renderer = Renderer::new(&loaded.site, &loaded.tera, loaded.templates.clone());
    let pages = renderer.pages().len();
    let errors = renderer.render_all(
        |paths| staging.create_folders(paths.iter().map(String::as_str)),
        |path, bytes| staging.write(path, bytes),
    );
    if errors.is_empty() {
        Ok(pages)
    } else {
        Err(Failure::Site(errors))
    }
}

/// Summary of a finished build.
pub struct Built {
    /// `base_url` has no scheme and host (feeds and sitemap cannot be absolute).
    pub relative_base: bool,
    pub articles: usize,
    pub pages: usize,
    pub output: PathBuf,
    pub timings: Timings,
}

/// `warraq build`: load, render into a temporary folder, and swap it in.
pub fn build(root: &Path, output: Option<&Path>, options: &BuildOptions) -> Result<Built, Failure> {
    let (loaded, mut timings) = load_site(root, options)?;
    let output = match output {
        Some(o) => o.to_path_buf(),
        None => root.join(&loaded.site.config.output),
    };
    let start = Instant::now();
    let staging = Staging::new(&output)?;
    let pages = render_into(&loaded, &staging)?;
    timings.render = start.elapsed().as_secs_f64();
    let start = Instant::now();
    staging.commit()?;
    timings.commit = start.elapsed().as_secs_f64();
    Ok(Built {
        relative_base: loaded.site.config.origin.is_none(),
        articles: loaded.site.articles.len(),
        pages,
        output,
        timings,
    })
}

/// `warraq check`: builds the site into a temporary folder (public/ is not touched) and checks it,
/// or checks an existing folder of HTML when `site` is given.
pub fn check(
    root: &Path,
    site: Option<&Path>,
    options: &BuildOptions,
    external: bool,
) -> Result<(String, crate::check::Outcome), Failure> {
    use crate::check::{self, Addressing, ExternalCheck, Sources};
    let io = |e: std::io::Error| {
        Failure::Usage(Diagnostic::new(None, format!("cannot read the site: {e}")))
    };
    if let Some(site) = site {
        if !site.is_dir() {
            return Err(Failure::Usage(Diagnostic::new(
                None,
                format!("`{}` is not a folder", site.display()),
            )));
        }
        let config = if root.join("site.yaml").is_file() {
            crate::config::Config::load(root).map_err(Failure::Site)?
        } else {
            crate::config::Config::default()
        };
        let addressing = Addressing {
            base_path: config.base_path.clone(),
            origin: config.origin.clone(),
        };
        let ext = external.then(|| ExternalCheck {
            config: &config.check,
            cache: Some(check::external::cache_path(root)),
        });
        let outcome = check::check(site, &addressing, &Sources::new(), ext.as_ref()).map_err(io)?;
        return Ok((site.display().to_string(), outcome));
    }
    let (loaded, _) = load_site(root, options)?;
    let temp = check::temp_site_dir();
    let staging = Staging::new(&temp)?;
    render_into(&loaded, &staging)?;
    let config = &loaded.site.config;
    let addressing = Addressing {
        base_path: config.base_path.clone(),
        origin: config.origin.clone(),
    };
    let sources: Sources = loaded
        .site
        .articles
        .iter()
        .map(|a| {
            (
                format!("{}index.html", a.path.trim_start_matches('/')),
                (
                    crate::diagnostics::display_path(&a.shown),
                    a.file.text.clone(),
                ),
            )
        })
        .collect();
    let ext = external.then(|| ExternalCheck {
        config: &config.check,
        cache: Some(check::external::cache_path(root)),
    });
    let outcome = check::check(staging.path(), &addressing, &sources, ext.as_ref()).map_err(io);
    drop(staging);
    if let Some(parent) = temp.parent() {
        let _ = std::fs::remove_dir_all(parent);
    }
    Ok((String::new(), outcome?))
}
