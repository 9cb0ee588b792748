//! Rendered article bodies kept on disk between load and render, not in memory: a build holds
//! every article's metadata and analysed text at once, but needs each body only when its page
//! and a few feeds are written. One anonymous temporary file (deleted by the OS when the build
//! ends, however it ends) receives the bodies as they are rendered; each article keeps where
//! its body is. Reads go through the page cache, which the kernel frees under pressure; the
//! process's own memory no longer grows with the text of the archive.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The file of spilled bodies.
#[derive(Debug)]
pub struct Spill {
    file: File,
    /// Where the next body goes.
    end: Mutex<u64>,
}

impl Spill {
    /// A spill file in `dir` (created if needed).
    pub fn new_in(dir: &Path) -> io::Result<Arc<Spill>> {
        std::fs::create_dir_all(dir)?;
        Ok(Arc::new(Spill {
            file: tempfile::tempfile_in(dir)?,
            end: Mutex::new(0),
        }))
    }

    /// Stores a body; threads write at once, each into its own range.
    fn put(&self, text: &str) -> io::Result<u64> {
        let offset = {
            let mut end = self.end.lock().map_err(|_| io::Error::other("poisoned"))?;
            let at = *end;
            *end += text.len() as u64;
            at
        };
        self.file.write_all_at(text.as_bytes(), offset)?;
        Ok(offset)
    }

    fn get(&self, offset: u64, len: usize) -> io::Result<String> {
        let mut bytes = vec![0; len];
        self.file.read_exact_at(&mut bytes, offset)?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// An article's rendered body: in memory (`serve`, which re-renders bodies on edits, and
/// tests) or in a [`Spill`] file (`build`, `check`).
#[derive(Debug, Clone)]
pub enum Body {
    Kept(String),
    Spilled {
        spill: Arc<Spill>,
        offset: u64,
        len: usize,
    },
}

impl Body {
    /// Keeps `html` in `spill` when there is one; if the disk refuses, keeps it in memory.
    pub fn new(html: String, spill: Option<&Arc<Spill>>) -> Body {
        match spill.map(|s| (s, s.put(&html))) {
            Some((spill, Ok(offset))) => Body::Spilled {
                spill: spill.clone(),
                offset,
                len: html.len(),
            },
            _ => Body::Kept(html),
        }
    }

    /// The HTML (read back from the spill file for a spilled body).
    pub fn html(&self) -> io::Result<Cow<'_, str>> {
        match self {
            Body::Kept(html) => Ok(Cow::Borrowed(html)),
            Body::Spilled { spill, offset, len } => spill.get(*offset, *len).map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_come_back_as_they_went_in_from_many_threads() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new_in(&dir.path().join("cache")).unwrap();
        let texts: Vec<String> = (0..200)
            .map(|i| format!("<p>فقرة {i} {}</p>", "ن".repeat(i % 17)))
            .collect();
        let bodies: Vec<Body> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(50)
                .map(|chunk| {
                    let spill = spill.clone();
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|t| Body::new(t.clone(), Some(&spill)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (body, text) in bodies.iter().zip(&texts) {
            assert!(matches!(body, Body::Spilled { .. }));
            assert_eq!(body.html().unwrap(), text.as_str());
        }
        assert_eq!(Body::new("x".into(), None).html().unwrap(), "x");
        // The spill file is anonymous: nothing is left in the folder.
        assert_eq!(
            std::fs::read_dir(dir.path().join("cache")).unwrap().count(),
            0
        );
    }
}
