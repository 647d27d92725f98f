//! The index of saved keys: a small JSON file in the app data dir holding only what is not
//! secret (label, token id and name, kind, org, cloud, saved at). Written atomically (temp file
//! in the same directory, flushed, then renamed over the old one).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The index file's name inside the data dir.
pub const INDEX_FILE: &str = "saved-keys.json";

/// One saved key (no secret). `id` is also the keychain entry's user name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct IndexRow {
    pub id: String,
    pub label: String,
    pub token_id: Option<String>,
    pub token_name: Option<String>,
    pub kind: crate::mist::TokenKind,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub cloud_name: String,
    pub cloud_api: String,
    /// Epoch seconds.
    pub saved_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    #[serde(default)]
    keys: Vec<IndexRow>,
}

/// Reads and writes the index file.
#[derive(Debug, Clone)]
pub struct Index {
    path: PathBuf,
}

/// How loading went: a broken file is moved aside, not fatal.
#[derive(Debug)]
pub struct Loaded {
    pub rows: Vec<IndexRow>,
    /// Set when the file could not be read as an index and was moved aside to this path.
    pub moved_aside: Option<PathBuf>,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!(
        "Could not {what} the list of saved keys ({}): {e}. Check that the disk is not full \
         and that you can write to this folder.",
        path.display()
    ))
}

impl Index {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(INDEX_FILE),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The rows; a missing file is an empty index, a broken one is moved aside.
    pub fn load(&self) -> Result<Loaded> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    rows: Vec::new(),
                    moved_aside: None,
                })
            }
            Err(e) => return Err(io_error("read", &self.path, e)),
        };
        match serde_json::from_slice::<IndexFile>(&bytes) {
            Ok(file) => Ok(Loaded {
                rows: file.keys,
                moved_aside: None,
            }),
            Err(_) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let aside = self.path.with_extension(format!("json.broken-{stamp}"));
                std::fs::rename(&self.path, &aside)
                    .map_err(|e| io_error("move aside", &self.path, e))?;
                Ok(Loaded {
                    rows: Vec::new(),
                    moved_aside: Some(aside),
                })
            }
        }
    }

    /// Replaces the file atomically: write a temp file beside it, sync, rename over.
    pub fn save(&self, rows: &[IndexRow]) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| io_error("create the folder for", dir, e))?;
        let file = IndexFile {
            version: 1,
            keys: rows.to_vec(),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Internal(format!("Could not write the saved keys list: {e}")))?;
        let tmp = dir.join(format!(
            ".{INDEX_FILE}.{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &self.path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_error("save", &self.path, e));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> IndexRow {
        IndexRow {
            id: id.into(),
            label: format!("label {id}"),
            token_id: Some("t1".into()),
            token_name: Some("ci".into()),
            kind: crate::mist::TokenKind::Org,
            org_id: Some("o1".into()),
            org_name: Some("Acme".into()),
            cloud_name: "Global 01".into(),
            cloud_api: "https://api.mist.com".into(),
            saved_at: 1,
        }
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("mtm-index-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn missing_file_is_empty_and_round_trip_leaves_no_temp_files() {
        let dir = tempdir();
        let idx = Index::new(&dir);
        assert!(idx.load().unwrap().rows.is_empty());
        idx.save(&[row("a"), row("b")]).unwrap();
        idx.save(&[row("b")]).unwrap();
        assert_eq!(idx.load().unwrap().rows, vec![row("b")]);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![INDEX_FILE.to_string()]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn broken_file_is_moved_aside_not_fatal() {
        let dir = tempdir();
        std::fs::write(dir.join(INDEX_FILE), b"{ not json").unwrap();
        let loaded = Index::new(&dir).load().unwrap();
        assert!(loaded.rows.is_empty());
        assert!(loaded.moved_aside.unwrap().exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
