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

/// A damaged index that was moved aside, kept in the new index until the admin has seen to it
/// (Repair), so the list says so after a restart too. No secret: a path, a time and labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedAside {
    /// Where the damaged file now is.
    pub path: String,
    /// Epoch seconds.
    pub at: u64,
    /// The labels that could still be read from the damaged file (may be empty).
    #[serde(default)]
    pub labels: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    #[serde(default)]
    keys: Vec<IndexRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    moved_aside: Vec<MovedAside>,
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
    /// Damaged index files moved aside (now or before) that the admin has not seen to yet.
    pub moved_aside: Vec<MovedAside>,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!(
        "Could not {what} the list of saved keys ({}): {e}. Check that the disk is not full \
         and that you can write to this folder.",
        path.display()
    ))
}

/// The labels still readable in a damaged index (`"label": "..."` pairs), for the report.
fn salvage_labels(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut labels = Vec::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("\"label\"") {
        rest = &rest[at + 7..];
        let Some(colon) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let mut de = serde_json::Deserializer::from_str(colon.trim_start()).into_iter::<String>();
        if let Some(Ok(label)) = de.next() {
            if !label.is_empty() && label.chars().count() <= 100 && labels.len() < 50 {
                labels.push(label);
            }
        }
    }
    labels
}

/// Creates the data folder owner-only (0700 on Unix), and tightens it if it is looser.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// A new file, owner read/write only (0600 on Unix) from the start.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Makes a rename inside `dir` durable (Unix: fsync the folder).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
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

    /// The rows; a missing file is an empty index. A broken one is moved aside and a new index
    /// is written that records it, so the admin is told (see [`Loaded::moved_aside`]).
    pub fn load(&self) -> Result<Loaded> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    rows: Vec::new(),
                    moved_aside: Vec::new(),
                })
            }
            Err(e) => return Err(io_error("read", &self.path, e)),
        };
        match serde_json::from_slice::<IndexFile>(&bytes) {
            Ok(file) => Ok(Loaded {
                rows: file.keys,
                moved_aside: file.moved_aside,
            }),
            Err(_) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let aside = self.path.with_extension(format!("json.broken-{stamp}"));
                std::fs::rename(&self.path, &aside)
                    .map_err(|e| io_error("move aside", &self.path, e))?;
                let moved = vec![MovedAside {
                    path: aside.display().to_string(),
                    at: stamp,
                    labels: salvage_labels(&bytes),
                }];
                self.write(&[], &moved)?;
                Ok(Loaded {
                    rows: Vec::new(),
                    moved_aside: moved,
                })
            }
        }
    }

    /// Replaces the rows, keeping any moved-aside report for the admin.
    pub fn save(&self, rows: &[IndexRow]) -> Result<()> {
        let moved = match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice::<IndexFile>(&b)
                .map(|f| f.moved_aside)
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        self.write(rows, &moved)
    }

    /// Replaces the rows and drops the moved-aside report (after Repair).
    pub fn save_resolved(&self, rows: &[IndexRow]) -> Result<()> {
        self.write(rows, &[])
    }

    /// Replaces the file atomically (see [`write_private`]).
    fn write(&self, rows: &[IndexRow], moved_aside: &[MovedAside]) -> Result<()> {
        let file = IndexFile {
            version: 1,
            keys: rows.to_vec(),
            moved_aside: moved_aside.to_vec(),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Internal(format!("Could not write the saved keys list: {e}")))?;
        write_private(&self.path, &json).map_err(|e| io_error("save", &self.path, e))
    }
}

/// Replaces `path` atomically with `bytes`: a 0600 temp file beside it in a 0700 folder, synced,
/// renamed over, then the folder synced so the rename survives a crash.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut f = private_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
        assert!(Path::new(&loaded.moved_aside[0].path).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
