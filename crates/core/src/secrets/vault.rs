//! The vault: saved keys live only in the OS keychain (service = the app's service name, user =
//! the index row id); the JSON index beside it holds what is not secret. The two can disagree
//! (entry removed outside the app, index lost): `list` shows it, `repair` tidies it, nothing
//! panics. Also the "remember me" sign-in token. All keychain work runs in `spawn_blocking`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use super::index::{Index, IndexRow};
use super::keychain::Keychain;
use super::slots::SlotMeta;
use crate::{Error, Result};

/// The keychain user name of the remembered sign-in token (index rows use UUIDs).
pub const SIGN_IN_USER: &str = "remembered-sign-in-token";
/// The label given to keychain entries found without an index row, when repair adopts them.
pub const RECOVERED_LABEL: &str = "Recovered key";

/// Whether the keychain still holds a saved key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Ok,
    MissingSecret,
}

/// One saved key as the UI sees it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedKey {
    #[serde(flatten)]
    pub row: IndexRow,
    pub status: KeyStatus,
}

/// `list_saved_keys`' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedKeyList {
    pub keys: Vec<SavedKey>,
    /// Keychain entries of this app with no row in the index (0 if the store cannot search).
    pub orphans: usize,
    /// Set when the keychain could not be asked; statuses are then "ok" (unknown).
    pub keychain_error: Option<Error>,
}

struct Inner {
    keychain: Keychain,
    data_dir: RwLock<Option<PathBuf>>,
    /// Serializes read-modify-write of the index with keychain changes.
    lock: Mutex<()>,
}

impl Inner {
    fn index(&self) -> Result<Index> {
        match self
            .data_dir
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_deref()
        {
            Some(dir) => Ok(Index::new(dir)),
            None => Err(Error::Internal(
                "The app's data folder is not set up yet, so saved keys are not available. Restart the app."
                    .into(),
            )),
        }
    }

    fn rows(&self) -> Result<Vec<IndexRow>> {
        Ok(self.index()?.load()?.rows)
    }

    fn list(&self) -> Result<SavedKeyList> {
        let rows = self.rows()?;
        let mut keychain_error = None;
        let mut keys = Vec::with_capacity(rows.len());
        for row in rows {
            let status = if keychain_error.is_some() {
                KeyStatus::Ok
            } else {
                match self.keychain.exists(&row.id) {
                    Ok(true) => KeyStatus::Ok,
                    Ok(false) => KeyStatus::MissingSecret,
                    Err(e) => {
                        keychain_error = Some(e);
                        KeyStatus::Ok
                    }
                }
            };
            keys.push(SavedKey { row, status });
        }
        let mut orphans = 0;
        if keychain_error.is_none() {
            match self.orphan_users(&keys) {
                Ok(users) => orphans = users.len(),
                Err(e) => keychain_error = Some(e),
            }
        }
        Ok(SavedKeyList {
            keys,
            orphans,
            keychain_error,
        })
    }

    fn orphan_users(&self, keys: &[SavedKey]) -> Result<Vec<String>> {
        let known: HashSet<&str> = keys.iter().map(|k| k.row.id.as_str()).collect();
        Ok(self
            .keychain
            .users()?
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u != SIGN_IN_USER && !known.contains(u.as_str()))
            .collect())
    }

    fn find(&self, id: &str) -> Result<(Vec<IndexRow>, usize)> {
        let rows = self.rows()?;
        match rows.iter().position(|r| r.id == id) {
            Some(i) => Ok((rows, i)),
            None => Err(Error::NotFound(
                "This saved key is no longer in the list. Refresh the list.".into(),
            )),
        }
    }
}

fn now_epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Checks and tidies a label typed by the admin.
pub fn clean_label(label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid("label", "Give the saved key a name."));
    }
    if label.chars().count() > 100 {
        return Err(Error::invalid(
            "label",
            "That name is too long; use at most 100 characters.",
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(
            "label",
            "The name cannot contain line breaks or tabs.",
        ));
    }
    Ok(label.to_string())
}

/// Saved keys in the keychain plus their index. Cheap to clone (shared).
#[derive(Clone)]
pub struct Vault {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("keychain", &self.inner.keychain)
            .finish()
    }
}

impl Vault {
    pub fn new(keychain: Keychain, data_dir: Option<PathBuf>) -> Self {
        Self {
            inner: Arc::new(Inner {
                keychain,
                data_dir: RwLock::new(data_dir),
                lock: Mutex::new(()),
            }),
        }
    }

    /// Sets where the index lives (the app does this in its setup from `app_data_dir()`).
    pub fn set_data_dir(&self, dir: PathBuf) {
        *self
            .inner
            .data_dir
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(dir);
    }

    pub fn data_dir(&self) -> Option<PathBuf> {
        self.inner
            .data_dir
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn service(&self) -> &str {
        self.inner.keychain.service()
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let _guard = inner.lock.lock().unwrap_or_else(|e| e.into_inner());
            f(&inner)
        })
        .await
        .map_err(|_| Error::Internal("The keychain task failed unexpectedly. Try again.".into()))?
    }

    /// Keeps `key` in the keychain under `label`, with the token's metadata in the index.
    pub async fn save(&self, key: SecretString, meta: SlotMeta, label: &str) -> Result<SavedKey> {
        let label = clean_label(label)?;
        self.blocking(move |inner| {
            let index = inner.index()?;
            let mut rows = index.load()?.rows;
            let row = IndexRow {
                id: uuid::Uuid::new_v4().to_string(),
                label,
                token_id: Some(meta.token_id),
                token_name: Some(meta.token_name),
                kind: meta.kind,
                org_id: meta.org_id,
                org_name: meta.org_name,
                cloud_name: meta.cloud_name,
                cloud_api: meta.cloud_api,
                saved_at: now_epoch(),
            };
            inner.keychain.set(&row.id, &key)?;
            rows.push(row.clone());
            if let Err(e) = index.save(&rows) {
                // Do not leave a secret behind that the list does not know about.
                let _ = inner.keychain.delete(&row.id);
                return Err(e);
            }
            Ok(SavedKey {
                row,
                status: KeyStatus::Ok,
            })
        })
        .await
    }

    /// Every saved key with its keychain status, plus orphans and any keychain error.
    pub async fn list(&self) -> Result<SavedKeyList> {
        self.blocking(|inner| inner.list()).await
    }

    /// The saved key's secret and row, for the backend only (clipboard, `/self` test).
    pub async fn key(&self, id: &str) -> Result<(SecretString, IndexRow)> {
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            match inner.keychain.get(&id)? {
                Some(key) => Ok((key, rows.swap_remove(i))),
                None => Err(Error::NotFound(
                    "The keychain no longer holds this key (it was removed outside the app). \
                     Choose Repair to tidy the list."
                        .into(),
                )),
            }
        })
        .await
    }

    /// The saved key's index row (no secret, no keychain access).
    pub async fn row(&self, id: &str) -> Result<IndexRow> {
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            Ok(rows.swap_remove(i))
        })
        .await
    }

    /// The saved key's secret and row, but only if the key is bound to a cloud: a key whose
    /// cloud is unknown (recovered by Repair) is refused with `invalid_input` on field "cloud",
    /// so nothing sends it to a guessed host. (Today the cloud is the index row's; the keychain
    /// item's own binding can replace it here without changing the callers.)
    pub async fn key_with_bound_cloud(&self, id: &str) -> Result<(SecretString, IndexRow)> {
        let (key, row) = self.key(id).await?;
        if row.cloud_api.is_empty() || crate::usage::api_host(&row.cloud_api).is_err() {
            return Err(crate::usage::unbound_cloud());
        }
        Ok((key, row))
    }

    /// Renames a saved key (the index only; the keychain entry is keyed by id).
    pub async fn rename(&self, id: &str, label: &str) -> Result<SavedKey> {
        let label = clean_label(label)?;
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            rows[i].label = label;
            inner.index()?.save(&rows)?;
            let status = match inner.keychain.exists(&id) {
                Ok(false) => KeyStatus::MissingSecret,
                _ => KeyStatus::Ok,
            };
            Ok(SavedKey {
                row: rows.swap_remove(i),
                status,
            })
        })
        .await
    }

    /// Removes the keychain entry, then the index row. A half-done removal is an error that
    /// says what was and was not removed.
    pub async fn forget(&self, id: &str) -> Result<()> {
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            inner.keychain.delete(&id).map_err(|e| match e {
                Error::KeychainUnavailable(m) => {
                    Error::KeychainUnavailable(format!("Nothing was removed. {m}"))
                }
                other => other,
            })?;
            rows.remove(i);
            inner.index()?.save(&rows).map_err(|e| {
                Error::Internal(format!(
                    "The key was removed from the keychain, but the list of saved keys could not \
                     be updated, so it still shows there as missing. Choose Repair to tidy the \
                     list. ({e})"
                ))
            })
        })
        .await
    }

    /// Drops rows whose secret is gone and adopts keychain entries that have no row (labelled
    /// "Recovered key"; their token and cloud are unknown). Needs the keychain.
    pub async fn repair(&self) -> Result<SavedKeyList> {
        self.blocking(|inner| {
            let list = inner.list()?;
            if let Some(e) = list.keychain_error {
                return Err(e);
            }
            let orphans = inner.orphan_users(&list.keys)?;
            let mut rows: Vec<IndexRow> = list
                .keys
                .into_iter()
                .filter(|k| k.status == KeyStatus::Ok)
                .map(|k| k.row)
                .collect();
            for (n, user) in orphans.into_iter().enumerate() {
                rows.push(IndexRow {
                    id: user,
                    label: format!("{RECOVERED_LABEL} {}", n + 1),
                    token_id: None,
                    token_name: None,
                    kind: "user".into(),
                    org_id: None,
                    org_name: None,
                    cloud_name: "Unknown cloud".into(),
                    cloud_api: String::new(),
                    saved_at: now_epoch(),
                });
            }
            inner.index()?.save(&rows)?;
            inner.list()
        })
        .await
    }

    /// Remembers the token the admin signed in with (replacing any earlier one).
    pub async fn remember_sign_in_token(
        &self,
        cloud_api: &str,
        token: &SecretString,
    ) -> Result<()> {
        if cloud_api.contains('\n') {
            return Err(Error::invalid("cloud", "That cloud address is not valid."));
        }
        let packed = SecretString::from(format!("{cloud_api}\n{}", token.expose_secret()));
        self.blocking(move |inner| inner.keychain.set(SIGN_IN_USER, &packed))
            .await
    }

    /// The remembered sign-in token and its cloud's API URL, if one is kept.
    pub async fn recall_sign_in_token(&self) -> Result<Option<(String, SecretString)>> {
        self.blocking(|inner| {
            let Some(packed) = inner.keychain.get(SIGN_IN_USER)? else {
                return Ok(None);
            };
            let packed = Zeroizing::new(packed.expose_secret().to_string());
            match packed.split_once('\n') {
                Some((api, token)) if !api.is_empty() && !token.is_empty() => Ok(Some((
                    api.to_string(),
                    SecretString::from(token.to_string()),
                ))),
                _ => Ok(None),
            }
        })
        .await
    }

    /// Forgets the remembered sign-in token (nothing remembered is fine).
    pub async fn forget_sign_in_token(&self) -> Result<()> {
        self.blocking(|inner| inner.keychain.delete(SIGN_IN_USER).map(|_| ()))
            .await
    }
}
