//! Article texts kept on disk between load and render, not in memory: a build holds every
//! article's metadata at once, but needs its rendered body only when its page and a few feeds
//! are written, and its plain text only when the indexes analyse it and the search index writes
//! its snippet file. One anonymous temporary file (deleted by the OS when the build ends, however
//! it ends) receives the texts as they are made; each article keeps where its texts are. Reads
//! go through the page cache, which the kernel frees under pressure; the process's own memory
//! no longer grows with the text of the archive.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::diagnostics::Diagnostic;

/// The file of spilled texts.
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

    /// Stores a text; threads write at once, each into its own range.
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
        super::source::utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// A text of an article (its rendered body, its plain text): in memory (`serve`, which
/// re-renders bodies on edits, and tests) or in a [`Spill`] file (`build`, `check`).
#[derive(Debug, Clone)]
pub enum Stored {
    Kept(String),
    Spilled {
        spill: Arc<Spill>,
        offset: u64,
        len: usize,
    },
}

impl Stored {
    /// Keeps `text` in `spill` when there is one; if the disk refuses, keeps it in memory
    /// (no larger than it is).
    pub fn new(mut text: String, spill: Option<&Arc<Spill>>) -> Stored {
        match spill.map(|s| (s, s.put(&text))) {
            Some((spill, Ok(offset))) => Stored::Spilled {
                spill: spill.clone(),
                offset,
                len: text.len(),
            },
            _ => {
                text.shrink_to_fit();
                Stored::Kept(text)
            }
        }
    }

    /// The text's length in bytes (without reading it back).
    pub(crate) fn len(&self) -> usize {
        match self {
            Stored::Kept(text) => text.len(),
            Stored::Spilled { len, .. } => *len,
        }
    }

    /// The text (read back from the spill file when spilled).
    pub fn read(&self) -> io::Result<Cow<'_, str>> {
        match self {
            Stored::Kept(text) => Ok(Cow::Borrowed(text)),
            Stored::Spilled { spill, offset, len } => spill.get(*offset, *len).map(Cow::Owned),
        }
    }

    /// [`read`](Stored::read) for the article at `shown`: a failure (the disk failed under the
    /// build) is that article's problem.
    pub fn read_of(&self, shown: &Path) -> Result<Cow<'_, str>, Diagnostic> {
        self.read().map_err(|e| {
            Diagnostic::new(
                Some(shown),
                format!("cannot read back the article's text from the build's temporary file: {e}"),
            )
            .with_hint("check the disk holding the build's temporary files (.warraq-cache/ for build, the system's temporary folder for check) and build again")
        })
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
        let bodies: Vec<Stored> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(50)
                .map(|chunk| {
                    let spill = spill.clone();
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|t| Stored::new(t.clone(), Some(&spill)))
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
            assert!(matches!(body, Stored::Spilled { .. }));
            assert_eq!(body.read().unwrap(), text.as_str());
        }
        assert_eq!(Stored::new("x".into(), None).read().unwrap(), "x");
        // The spill file is anonymous: nothing is left in the folder.
        assert_eq!(
            std::fs::read_dir(dir.path().join("cache")).unwrap().count(),
            0
        );
    }
}
