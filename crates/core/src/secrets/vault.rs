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

use super::index::{Index, IndexRow, MovedAside};
use super::keychain::Keychain;
use super::slots::SlotMeta;
use crate::{Error, Result};

/// The keychain user name of the remembered sign-in token (index rows use UUIDs).
pub const SIGN_IN_USER: &str = "remembered-sign-in-token";
/// The label given to keychain entries found without an index row, when repair adopts them.
pub const RECOVERED_LABEL: &str = "Recovered key";

/// The first line of a saved key's keychain item that also holds its cloud (see [`pack`]).
const BOUND_V1: &str = "mist-token-manager:bound-v1";

/// What a saved key's keychain item holds: `BOUND_V1`, the cloud's API address and the key, one
/// per line. The cloud is bound to the secret where only the keychain can change it; the index
/// file beside it is only a list for the screen. (A Mist key never has a line break.)
fn pack(cloud_api: &str, key: &SecretString) -> Result<SecretString> {
    if cloud_api.is_empty() || cloud_api.contains(['\n', '\r']) {
        return Err(Error::invalid("cloud", "That cloud address is not valid."));
    }
    Ok(SecretString::from(format!(
        "{BOUND_V1}\n{cloud_api}\n{}",
        key.expose_secret()
    )))
}

/// The key and, when the item has one, the cloud bound to it. A keychain item saved before keys
/// were bound holds the key alone.
fn unpack(stored: SecretString) -> StoredKey {
    let text = stored.expose_secret();
    if let Some(rest) = text
        .strip_prefix(BOUND_V1)
        .and_then(|r| r.strip_prefix('\n'))
    {
        if let Some((api, key)) = rest.split_once('\n') {
            if !api.is_empty() && !key.is_empty() {
                return StoredKey {
                    key: SecretString::from(key.to_string()),
                    cloud_api: Some(api.to_string()),
                };
            }
        }
    }
    StoredKey {
        key: stored,
        cloud_api: None,
    }
}

/// A saved key as read from the keychain: the key alone (never the packed item) and the cloud
/// address bound to it there, if any. Debug is redacted.
pub struct StoredKey {
    pub key: SecretString,
    /// `None`: saved before keys were bound to their cloud; the admin must confirm it once.
    pub cloud_api: Option<String>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey")
            .field("key", &"[REDACTED]")
            .field("cloud_api", &self.cloud_api)
            .finish()
    }
}

/// Whether the keychain still holds a saved key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Ok,
    MissingSecret,
}

/// One saved key as the UI sees it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SavedKey {
    #[serde(flatten)]
    pub row: IndexRow,
    pub status: KeyStatus,
}

/// `list_saved_keys`' answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SavedKeyList {
    pub keys: Vec<SavedKey>,
    /// Keychain entries of this app with no row in the index (0 if the store cannot search).
    pub orphans: usize,
    /// Set when the keychain could not be asked; statuses are then "ok" (unknown).
    #[ts(as = "Option<crate::error::ErrorBody>")]
    pub keychain_error: Option<Error>,
    /// Set when a damaged list of saved keys was moved aside and not yet seen to (Repair).
    pub index_notice: Option<IndexNotice>,
}

/// What the admin is told after a damaged list of saved keys was moved aside: where it went,
/// which keys it named (as far as it could still be read), and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IndexNotice {
    /// Where the damaged files are now.
    pub moved_to: Vec<String>,
    /// Labels still readable in them.
    pub labels: Vec<String>,
    /// Keys in the keychain that the list does not show now (they are safe there).
    pub unlisted: usize,
    pub message: String,
}

fn index_notice(moved: &[MovedAside], unlisted: usize, keychain_ok: bool) -> Option<IndexNotice> {
    if moved.is_empty() {
        return None;
    }
    let moved_to: Vec<String> = moved.iter().map(|m| m.path.clone()).collect();
    let labels: Vec<String> = moved.iter().flat_map(|m| m.labels.clone()).collect();
    let named = if labels.is_empty() {
        "Its names for the keys could not be read.".to_string()
    } else {
        format!(
            "It listed: {}.",
            labels
                .iter()
                .map(|l| format!("“{l}”"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let affected = if !keychain_ok {
        "The keychain cannot be asked right now which keys this affects; unlock it and refresh."
            .to_string()
    } else if unlisted == 0 {
        "No key in the keychain is missing from the list now.".to_string()
    } else {
        format!(
            "{unlisted} key{} in the keychain {} not in the list now, but safe there.",
            if unlisted == 1 { "" } else { "s" },
            if unlisted == 1 { "is" } else { "are" }
        )
    };
    let message = format!(
        "The list of saved keys was damaged and could not be read, so the app set it aside ({}) \
         and started a new one. {named} {affected} Choose Repair to list the keys again as \
         “{RECOVERED_LABEL}”, then Test each one, confirm its cloud and rename it.",
        moved_to.join(", ")
    );
    Some(IndexNotice {
        moved_to,
        labels,
        unlisted,
        message,
    })
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
        let loaded = self.index()?.load()?;
        let rows = loaded.rows;
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
        let index_notice = index_notice(&loaded.moved_aside, orphans, keychain_error.is_none());
        Ok(SavedKeyList {
            keys,
            orphans,
            keychain_error,
            index_notice,
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

fn missing_from_keychain() -> Error {
    Error::NotFound(
        "The keychain no longer holds this key (it was removed outside the app). Choose Repair \
         to tidy the list."
            .into(),
    )
}

fn index_save(inner: &Inner, rows: &[IndexRow]) -> Result<()> {
    inner.index()?.save(rows)
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

    /// Opens the keychain ahead of its first use ([`Keychain::prewarm`]), blocking: the app calls
    /// it from a thread of its own at start-up, while the window is being created, so that the
    /// sign-in screen's first question (is a sign-in remembered?) does not wait for the D-Bus
    /// connection and the Secret Service session.
    pub fn prewarm_keychain(&self) -> bool {
        let _guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.keychain.prewarm()
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
            // Bound to its cloud in the keychain; a key whose cloud is unknown is kept alone
            // and must have its cloud confirmed before it is sent anywhere.
            let item = if row.cloud_api.is_empty() {
                key
            } else {
                pack(&row.cloud_api, &key)?
            };
            inner.keychain.set(&row.id, &item)?;
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

    /// The saved key (the key alone, with the cloud bound to it in the keychain) and its index
    /// row, for the backend only (clipboard, `/self` test). Use the bound cloud, never the row's.
    pub async fn key(&self, id: &str) -> Result<(StoredKey, IndexRow)> {
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            match inner.keychain.get(&id)? {
                Some(stored) => Ok((unpack(stored), rows.swap_remove(i))),
                None => Err(missing_from_keychain()),
            }
        })
        .await
    }

    /// Binds a key saved before keys were bound to the cloud the admin confirmed, in the
    /// keychain, and shows that cloud in the list. A key already bound keeps its cloud: asking
    /// for another one is refused (the keychain item wins over anything else).
    pub async fn bind_cloud(
        &self,
        id: &str,
        cloud_api: &str,
        cloud_name: &str,
    ) -> Result<SavedKey> {
        let (id, api, name) = (
            id.to_string(),
            cloud_api.to_string(),
            cloud_name.to_string(),
        );
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            let stored = unpack(inner.keychain.get(&id)?.ok_or_else(missing_from_keychain)?);
            match stored.cloud_api.as_deref() {
                Some(bound) if bound.eq_ignore_ascii_case(&api) => {}
                Some(bound) => {
                    return Err(Error::invalid(
                        "cloud",
                        format!(
                            "This key is already kept in the keychain for {}, so it is used \
                             there only. Its cloud cannot be changed.",
                            crate::mist::clouds::host_of(bound)
                        ),
                    ))
                }
                None => inner.keychain.set(&id, &pack(&api, &stored.key)?)?,
            }
            rows[i].cloud_api = api;
            rows[i].cloud_name = name;
            index_save(inner, &rows)?;
            Ok(SavedKey {
                row: rows.swap_remove(i),
                status: KeyStatus::Ok,
            })
        })
        .await
    }

    /// Every index row (no secret, no keychain access): for the token list's "Saved" marks.
    /// Without a data folder there are none.
    pub async fn rows(&self) -> Result<Vec<IndexRow>> {
        self.blocking(|inner| match inner.index() {
            Ok(index) => Ok(index.load()?.rows),
            Err(_) => Ok(Vec::new()),
        })
        .await
    }

    /// Puts a new key into an existing saved entry (a rotation): same id, the new token's
    /// metadata, bound to the new token's cloud, under `label`. The old key is overwritten in the
    /// keychain, so whatever reads this entry gets the new key.
    pub async fn replace(
        &self,
        id: &str,
        key: SecretString,
        meta: SlotMeta,
        label: &str,
    ) -> Result<SavedKey> {
        let label = clean_label(label)?;
        let id = id.to_string();
        self.blocking(move |inner| {
            let (mut rows, i) = inner.find(&id)?;
            if meta.cloud_api.is_empty() {
                return Err(Error::Internal(
                    "The new key's cloud is not known, so it cannot replace a saved key.".into(),
                ));
            }
            inner.keychain.set(&id, &pack(&meta.cloud_api, &key)?)?;
            let row = &mut rows[i];
            row.label = label;
            row.token_id = Some(meta.token_id);
            row.token_name = Some(meta.token_name);
            row.kind = meta.kind;
            row.org_id = meta.org_id;
            row.org_name = meta.org_name;
            row.cloud_name = meta.cloud_name;
            row.cloud_api = meta.cloud_api;
            row.saved_at = now_epoch();
            inner.index()?.save(&rows).map_err(|e| {
                Error::Internal(format!(
                    "The new key is in the keychain under “{}”, but the list of saved keys could                      not be updated, so it still names the old token. ({e})",
                    rows[i].label
                ))
            })?;
            Ok(SavedKey {
                row: rows.swap_remove(i),
                status: KeyStatus::Ok,
            })
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

    /// The saved key's secret and row, but only if a cloud is bound to the key inside its
    /// keychain item; the row's `cloud_api` is then that binding, whatever the index file says
    /// (a plain file never decides where a key goes). A key saved by an older version, with no
    /// binding, is refused with `cloud_unconfirmed`: the command line cannot ask the admin, so
    /// it sends the key nowhere.
    pub async fn key_with_bound_cloud(&self, id: &str) -> Result<(SecretString, IndexRow)> {
        let (stored, mut row) = self.key(id).await?;
        let Some(bound) = stored.cloud_api else {
            return Err(Error::CloudUnconfirmed(
                "This key was saved by an older version of the app, which did not keep its cloud \
                 with it in the keychain, so it is not sent anywhere until its cloud is confirmed. \
                 In the app, choose Test on this key and confirm the cloud it belongs to."
                    .into(),
            ));
        };
        crate::usage::api_host(&bound)?;
        row.cloud_api = bound;
        Ok((stored.key, row))
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
                // A key saved since keys are bound still knows its cloud.
                let bound = match inner.keychain.get(&user) {
                    Ok(Some(stored)) => unpack(stored).cloud_api,
                    _ => None,
                };
                let (cloud_name, cloud_api) = match bound {
                    Some(api) => (crate::mist::clouds::host_of(&api), api),
                    None => ("Unknown cloud".into(), String::new()),
                };
                rows.push(IndexRow {
                    id: user,
                    label: format!("{RECOVERED_LABEL} {}", n + 1),
                    token_id: None,
                    token_name: None,
                    kind: crate::mist::TokenKind::User,
                    org_id: None,
                    org_name: None,
                    cloud_name,
                    cloud_api,
                    saved_at: now_epoch(),
                });
            }
            // Repaired: the damaged list's report has been seen to.
            inner.index()?.save_resolved(&rows)?;
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
