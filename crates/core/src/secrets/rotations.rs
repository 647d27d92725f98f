//! Pending rotations: which token replaces which, kept beside the saved-keys index so the list
//! still shows both halves of an unfinished rotation after a restart. No secret: ids, names, a
//! hint, a cloud address and times. Written atomically, owner-only, like the index.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::index::write_private;
use crate::mist::TokenKind;
use crate::{Error, Result};

/// The file's name inside the data dir.
pub const ROTATIONS_FILE: &str = "rotations.json";

/// One rotation that is not finished: the new token exists, the old one is not deleted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PendingRotation {
    pub id: String,
    pub kind: TokenKind,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// The API address of the cloud both tokens live in.
    pub cloud_api: String,
    /// The email of the account that started it (user tokens belong to it), if any.
    #[serde(default)]
    pub account: Option<String>,
    /// Both tokens' name (the new one is made with the old one's name).
    pub name: String,
    pub old_token_id: String,
    pub new_token_id: String,
    pub old_key_hint: String,
    pub new_key_hint: String,
    /// Epoch seconds.
    pub started_at: u64,
    /// The saved key (by its id in the saved-keys list) that held the old token's key, if any:
    /// "Save to keychain" replaces it with the new key.
    pub saved_key_id: Option<String>,
    /// The reveal slot of the new key while it is open (an id, not a secret; meaningless after
    /// a restart).
    #[serde(default)]
    pub slot_id: Option<String>,
    /// Whether the new key was kept (copied, saved or revealed).
    pub key_kept: bool,
    /// The last failure to delete the old token, in words.
    pub delete_error: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RotationsFile {
    version: u32,
    #[serde(default)]
    rotations: Vec<PendingRotation>,
}

/// Reads and writes the pending rotations, in the saved keys' data folder. Without a data folder
/// (tests, a broken home) they are kept in memory only.
#[derive(Debug)]
pub struct Rotations {
    vault: super::Vault,
    memory: Mutex<Vec<PendingRotation>>,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Internal(format!(
        "Could not {what} the list of unfinished rotations ({}): {e}. Check that the disk is not \
         full and that you can write to this folder.",
        path.display()
    ))
}

impl Rotations {
    /// The rotations kept in `vault`'s data folder (it follows [`super::Vault::set_data_dir`]).
    pub fn new(vault: super::Vault) -> Self {
        Self {
            vault,
            memory: Mutex::new(Vec::new()),
        }
    }

    fn path(&self) -> Option<PathBuf> {
        self.vault.data_dir().map(|d| d.join(ROTATIONS_FILE))
    }

    /// Every pending rotation. A missing file is none; an unreadable one is an error (it is
    /// never overwritten blindly, so nothing is lost).
    pub fn list(&self) -> Result<Vec<PendingRotation>> {
        let Some(path) = self.path() else {
            return Ok(self
                .memory
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone());
        };
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice::<RotationsFile>(&b)
                .map(|f| f.rotations)
                .map_err(|_| {
                    Error::Internal(format!(
                        "The list of unfinished rotations ({}) is damaged, so the app cannot tell \
                         which tokens are being replaced. Both tokens of any rotation still exist \
                         in Mist: check the token list, then delete the file to start afresh.",
                        path.display()
                    ))
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(io_error("read", &path, e)),
        }
    }

    fn save(&self, rows: Vec<PendingRotation>) -> Result<()> {
        let Some(path) = self.path() else {
            *self.memory.lock().unwrap_or_else(|e| e.into_inner()) = rows;
            return Ok(());
        };
        let file = RotationsFile {
            version: 1,
            rotations: rows,
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Internal(format!("Could not write the rotations list: {e}")))?;
        write_private(&path, &json).map_err(|e| io_error("save", &path, e))
    }

    /// Adds a rotation.
    pub fn add(&self, r: PendingRotation) -> Result<()> {
        let mut rows = self.list()?;
        rows.push(r);
        self.save(rows)
    }

    /// The rotation with this id.
    pub fn get(&self, id: &str) -> Result<PendingRotation> {
        self.list()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| {
                Error::NotFound(
                    "This rotation is already finished (or was never recorded). Refresh the token list."
                        .into(),
                )
            })
    }

    /// Changes one rotation; returns it changed. `Ok(None)` when there is none with this id.
    pub fn update(
        &self,
        id: &str,
        f: impl FnOnce(&mut PendingRotation),
    ) -> Result<Option<PendingRotation>> {
        let mut rows = self.list()?;
        let Some(r) = rows.iter_mut().find(|r| r.id == id) else {
            return Ok(None);
        };
        f(r);
        let changed = r.clone();
        self.save(rows)?;
        Ok(Some(changed))
    }

    /// Drops the rotations `keep` says no to (saving only when one was dropped), and returns
    /// the ones kept.
    pub fn retain(&self, keep: impl Fn(&PendingRotation) -> bool) -> Result<Vec<PendingRotation>> {
        let rows = self.list()?;
        let before = rows.len();
        let rows: Vec<_> = rows.into_iter().filter(|r| keep(r)).collect();
        if rows.len() != before {
            self.save(rows.clone())?;
        }
        Ok(rows)
    }

    /// Forgets one rotation (finished).
    pub fn remove(&self, id: &str) -> Result<()> {
        self.retain(|r| r.id != id).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(id: &str) -> PendingRotation {
        PendingRotation {
            id: id.into(),
            kind: TokenKind::Org,
            org_id: Some("o".into()),
            org_name: Some("Acme".into()),
            cloud_api: "https://api.mist.com".into(),
            account: Some("a@example.com".into()),
            name: "ci".into(),
            old_token_id: "old".into(),
            new_token_id: "new".into(),
            old_key_hint: "abcd...wxyz".into(),
            new_key_hint: "efgh...stuv".into(),
            started_at: 1,
            saved_key_id: None,
            slot_id: None,
            key_kept: false,
            delete_error: None,
        }
    }

    fn at(dir: &Path) -> Rotations {
        // The keychain is never used here: only the vault's data folder.
        let keychain = crate::secrets::Keychain::new(
            "mtm-test",
            std::sync::Arc::new(|| Err(keyring_core::Error::NoStorageAccess("unused".into()))),
        );
        Rotations::new(crate::secrets::Vault::new(
            keychain,
            Some(dir.to_path_buf()),
        ))
    }

    #[test]
    fn rotations_survive_a_restart_and_hold_no_secret_fields() {
        let dir = std::env::temp_dir().join(format!("mtm-rot-{}", uuid::Uuid::new_v4()));
        let r = at(&dir);
        assert!(r.list().unwrap().is_empty());
        r.add(rotation("a")).unwrap();
        r.add(rotation("b")).unwrap();
        r.update("a", |x| x.key_kept = true).unwrap();
        let again = at(&dir);
        let rows = again.list().unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].key_kept);
        again.remove("a").unwrap();
        assert_eq!(at(&dir).list().unwrap(), vec![rotation("b")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(ROTATIONS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp file left behind");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn rotations_damaged_file_is_an_error_and_is_not_overwritten() {
        let dir = std::env::temp_dir().join(format!("mtm-rot-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(ROTATIONS_FILE), b"{ broken").unwrap();
        let r = at(&dir);
        let e = r.add(rotation("a")).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert_eq!(
            std::fs::read(dir.join(ROTATIONS_FILE)).unwrap(),
            b"{ broken"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
