//! The token lifecycle flows: the marked inventory (health, "Saved", rotations), rotate (create
//! the replacement, keep its key, then delete the old token), keep alive, API usage and export.
//! Methods on [`AppState`], like the other flows, so the commands stay one call each.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::flows::CreatedToken;
use crate::mist::health::mark_inventory;
use crate::mist::{
    ApiUsage, Inventory, RotationMark, RotationRole, SavedKeyToken, SavedTokenState, TokenKind,
    TokenView,
};
use crate::secrets::index::IndexRow;
use crate::secrets::rotations::PendingRotation;
use crate::secrets::{CopyResult, RevealedKey, SavedKey, SlotMeta, SlotStatus};
use crate::{AppState, Error, Result};

/// What "Rotate" returns: the pending rotation and the new key's slot (never the key).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RotationStarted {
    pub rotation: PendingRotation,
    pub created: CreatedToken,
    /// The label of the saved key that "Save to keychain" replaces, if the old key was saved.
    pub saved_key_label: Option<String>,
    /// Set when the rotation could not be recorded on disk: it works now, but a restart forgets
    /// which token replaces which.
    pub warning: Option<String>,
}

/// What "Delete old token" returns.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RotationFinished {
    pub rotation_id: String,
    pub deleted_token_id: String,
    pub message: String,
}

/// The outcome of one "Keep alive".
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct KeepAlive {
    /// The saved key's id.
    pub id: String,
    pub label: String,
    /// Whether Mist accepted the key.
    pub ok: bool,
    /// The token as Mist shows it after the call (its new `last_used`), when this sign-in can
    /// see it.
    pub token: Option<TokenView>,
    pub message: String,
}

fn same_cloud(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// The ids of the tokens of each place that was listed (`None` for a place not read).
fn listed_ids(inv: &Inventory) -> HashMap<(TokenKind, Option<String>), HashSet<String>> {
    let mut out = HashMap::new();
    if let Some(list) = &inv.user_tokens {
        out.insert(
            (TokenKind::User, None),
            list.iter().map(|t| t.id.clone()).collect(),
        );
    }
    for o in &inv.orgs {
        if let Some(list) = &o.tokens {
            out.insert(
                (TokenKind::Org, Some(o.org.id.clone())),
                list.iter().map(|t| t.id.clone()).collect(),
            );
        }
    }
    out
}

/// Whether this session may judge (mark, clean up, finish) a rotation: the same cloud, and for
/// user tokens the same account (they belong to it).
fn judged_by(r: &PendingRotation, session: &crate::mist::SessionInfo) -> bool {
    let lower = |e: Option<&str>| e.map(str::to_lowercase);
    same_cloud(&r.cloud_api, &session.cloud.api_url)
        && (r.kind == TokenKind::Org
            || r.account.is_none()
            || lower(r.account.as_deref()) == lower(session.identity.email.as_deref()))
}

fn place_key(kind: TokenKind, org_id: Option<&str>) -> (TokenKind, Option<String>) {
    match kind {
        TokenKind::User => (TokenKind::User, None),
        TokenKind::Org => (TokenKind::Org, org_id.map(str::to_string)),
    }
}

fn rotation_text(r: &PendingRotation, role: RotationRole) -> String {
    let state = match (&r.delete_error, r.key_kept) {
        (Some(e), _) => format!("Deleting the old token failed: {e} Choose “Delete old token” to try again."),
        (None, true) => "The new key is kept. Once your integrations use it, choose “Delete old token”.".into(),
        (None, false) => "The new key was not copied, saved or shown, so the old token stays. If the new key is lost, delete the new token instead.".into(),
    };
    match role {
        RotationRole::Old => format!(
            "Being replaced by a new token of the same name (key {}). {state}",
            r.new_key_hint
        ),
        RotationRole::New => format!(
            "Replaces the token of the same name with key {}, which still exists. {state}",
            r.old_key_hint
        ),
    }
}

impl AppState {
    /// Fetches every token (see [`crate::mist::MistState::inventory`]) and marks them.
    pub async fn inventory(&self) -> Result<Inventory> {
        let inv = self.mist.inventory().await?;
        Ok(self.marked(inv).await)
    }

    /// The inventory as it stands after the changes made in the app, marked again, without a
    /// request (one is made when there is no inventory yet).
    pub async fn current_inventory(&self) -> Result<Inventory> {
        match self.mist.cached_inventory().await {
            Some(inv) => Ok(self.marked(inv).await),
            None => self.inventory().await,
        }
    }

    /// Sets the health, "Saved" and rotation marks, the attention count and the saved keys'
    /// token states. Rotations whose new token is gone (abandoned) or whose old one is gone
    /// (finished elsewhere) are forgotten. Nothing here fails: a mark that cannot be known is
    /// left out.
    async fn marked(&self, mut inv: Inventory) -> Inventory {
        let Some(session) = self.mist.session_info().await else {
            return inv;
        };
        let cloud = session.cloud.api_url.clone();
        let ours = |r: &PendingRotation| judged_by(r, &session);
        let listed = listed_ids(&inv);
        let gone = |kind, org: Option<&str>, id: &str| {
            listed
                .get(&place_key(kind, org))
                .is_some_and(|ids| !ids.contains(id))
        };
        let rotations: Vec<PendingRotation> = self
            .secrets
            .rotations
            .retain(|r| {
                !(ours(r)
                    && (gone(r.kind, r.org_id.as_deref(), &r.new_token_id)
                        || gone(r.kind, r.org_id.as_deref(), &r.old_token_id)))
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|r| ours(r))
            .map(|r| self.with_slot_state(r))
            .collect();
        let pairs: Vec<(String, String)> = rotations
            .iter()
            .map(|r| (r.old_token_id.clone(), r.new_token_id.clone()))
            .collect();
        mark_inventory(&mut inv, &pairs);

        let rows = self.secrets.vault.rows().await.unwrap_or_default();
        let saved: HashSet<&str> = rows
            .iter()
            .filter(|r| same_cloud(&r.cloud_api, &cloud))
            .filter_map(|r| r.token_id.as_deref())
            .collect();
        let mut marks: HashMap<&str, RotationMark> = HashMap::new();
        for r in &rotations {
            for (id, role, other) in [
                (&r.old_token_id, RotationRole::Old, &r.new_token_id),
                (&r.new_token_id, RotationRole::New, &r.old_token_id),
            ] {
                marks.insert(
                    id,
                    RotationMark {
                        rotation_id: r.id.clone(),
                        role,
                        other_id: other.clone(),
                        key_kept: r.key_kept,
                        delete_error: r.delete_error.clone(),
                        text: rotation_text(r, role),
                    },
                );
            }
        }
        let mut by_id: HashMap<String, TokenView> = HashMap::new();
        let places = inv
            .user_tokens
            .iter_mut()
            .chain(inv.orgs.iter_mut().filter_map(|o| o.tokens.as_mut()));
        for list in places {
            for t in list.iter_mut() {
                t.saved = saved.contains(t.id.as_str());
                t.rotation = marks.get(t.id.as_str()).cloned();
                by_id.insert(t.id.clone(), t.clone());
            }
        }
        inv.saved_keys = rows
            .iter()
            .map(|r| SavedKeyToken {
                id: r.id.clone(),
                label: r.label.clone(),
                token: saved_state(r, &cloud, &by_id, &gone),
            })
            .collect();
        inv
    }

    /// A rotation with `key_kept` brought up to date from its open slot (and recorded).
    fn with_slot_state(&self, mut r: PendingRotation) -> PendingRotation {
        if r.key_kept {
            return r;
        }
        let kept = r
            .slot_id
            .as_deref()
            .and_then(|s| self.secrets.slots.status(s).ok())
            .is_some_and(|st| st.revealed || st.copied || st.saved);
        if kept {
            r.key_kept = true;
            let _ = self.secrets.rotations.update(&r.id, |x| x.key_kept = true);
        }
        r
    }

    /// Records that the key of `slot_id` was kept, for a rotation waiting on it.
    fn note_kept(&self, slot_id: &str) {
        if let Ok(list) = self.secrets.rotations.list() {
            for r in list
                .into_iter()
                .filter(|r| r.slot_id.as_deref() == Some(slot_id))
            {
                self.with_slot_state(r);
            }
        }
    }

    /// The one reveal of a new key (see [`crate::secrets::SecretsState::reveal`]); a rotation
    /// waiting on this key may now delete its old token.
    pub fn reveal_key(&self, slot_id: &str) -> Result<RevealedKey> {
        let key = self.secrets.reveal(slot_id)?;
        self.note_kept(slot_id);
        Ok(key)
    }

    /// Copies a new key to the clipboard (the backend writes it).
    pub async fn copy_key(&self, slot_id: &str) -> Result<CopyResult> {
        let r = self.secrets.copy_slot(slot_id).await?;
        self.note_kept(slot_id);
        Ok(r)
    }

    /// Saves a new key to the keychain. For a rotation whose old key was saved, the new key
    /// replaces that entry (same entry, bound to the new token), under `label`.
    pub async fn save_key(&self, slot_id: &str, label: &str) -> Result<SavedKey> {
        let replacing = self
            .secrets
            .rotations
            .list()
            .unwrap_or_default()
            .into_iter()
            .find(|r| r.slot_id.as_deref() == Some(slot_id))
            .and_then(|r| r.saved_key_id);
        let saved = self
            .secrets
            .save_slot_into(slot_id, replacing.as_deref(), label)
            .await?;
        self.note_kept(slot_id);
        Ok(saved)
    }

    /// What has been done with a new key so far.
    pub fn slot_status(&self, slot_id: &str) -> Result<SlotStatus> {
        let status = self.secrets.slots.status(slot_id)?;
        self.note_kept(slot_id);
        Ok(status)
    }

    /// Rotate, step one: creates the replacement of a token (same name, privileges and source
    /// IPs, or `src_ips` when the admin changes them), puts its key into a reveal slot and
    /// records the pending rotation. Nothing is deleted; if the create fails, nothing changed.
    pub async fn start_rotation(
        &self,
        kind: TokenKind,
        org_id: Option<&str>,
        token_id: &str,
        src_ips: Option<&[String]>,
    ) -> Result<RotationStarted> {
        let (old, created) = self
            .mist
            .create_replacement(kind, org_id, token_id, src_ips)
            .await?;
        let meta = SlotMeta::from_token(&created.token, &created.cloud);
        let cloud_api = created.cloud.api_url.clone();
        let new_token = created.token.clone();
        let slot = self.secrets.slots.open(created.key, meta);
        let saved_row: Option<IndexRow> = self
            .secrets
            .vault
            .rows()
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|r| {
                r.token_id.as_deref() == Some(old.id.as_str())
                    && same_cloud(&r.cloud_api, &cloud_api)
            });
        let account = self
            .mist
            .session_info()
            .await
            .and_then(|s| s.identity.email);
        let rotation = PendingRotation {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            org_id: old.org_id.clone(),
            org_name: old.org_name.clone(),
            cloud_api,
            account,
            name: new_token.name.clone(),
            old_token_id: old.id.clone(),
            new_token_id: new_token.id.clone(),
            old_key_hint: old.key_hint.to_string(),
            new_key_hint: new_token.key_hint.to_string(),
            started_at: crate::mist::views::now().max(0) as u64,
            saved_key_id: saved_row.as_ref().map(|r| r.id.clone()),
            slot_id: Some(slot.slot_id.clone()),
            key_kept: false,
            delete_error: None,
        };
        // The new key is in its slot whatever happens next: a failure to record the rotation
        // must not lose it.
        let warning = self.secrets.rotations.add(rotation.clone()).err().map(|e| {
            format!(
                "The new token works, but the app could not record the rotation, so after a \
                 restart it will not know that the new “{}” replaces the old one: delete the old \
                 one yourself once the new key is in use. ({e})",
                new_token.name
            )
        });
        Ok(RotationStarted {
            rotation,
            created: CreatedToken {
                token: new_token,
                slot,
            },
            saved_key_label: saved_row.map(|r| r.label),
            warning,
        })
    }

    /// Rotate, step two ("Delete old token"): deletes the old token, but only once the new key
    /// was kept. If the delete fails, the rotation stays, says which token still exists, and
    /// can be retried.
    pub async fn finish_rotation(&self, rotation_id: &str) -> Result<RotationFinished> {
        let r = self.with_slot_state(self.secrets.rotations.get(rotation_id)?);
        // Only the session that can see both tokens may delete one: elsewhere a "not found"
        // would read as "deleted" and the rotation would be forgotten with the old token alive.
        let session = self.mist.session_info().await.ok_or(Error::NotSignedIn)?;
        if !judged_by(&r, &session) {
            return Err(Error::Forbidden(format!(
                "This rotation of “{}” was started on {}{}. Sign in there to delete the old token.",
                r.name,
                crate::mist::clouds::host_of(&r.cloud_api),
                r.account
                    .as_deref()
                    .map(|a| format!(" as {a}"))
                    .unwrap_or_default(),
            )));
        }
        if !r.key_kept {
            return Err(Error::Forbidden(format!(
                "The new key of “{}” was not copied, saved or shown yet, so the old token is kept: \
                 deleting it now could leave your integrations without a working key. Keep the \
                 new key first. If the new key is lost, delete the new token (key {}) instead.",
                r.name, r.new_key_hint
            )));
        }
        match self
            .mist
            .delete_token(r.kind, r.org_id.as_deref(), &r.old_token_id)
            .await
        {
            Ok(()) => {
                let _ = self.secrets.rotations.remove(&r.id);
                Ok(RotationFinished {
                    rotation_id: r.id.clone(),
                    deleted_token_id: r.old_token_id.clone(),
                    message: format!(
                        "The old token “{}” (key {}) is deleted. The new one (key {}) replaces it.",
                        r.name, r.old_key_hint, r.new_key_hint
                    ),
                })
            }
            Err(e) => {
                let what = e.to_string();
                let _ = self
                    .secrets
                    .rotations
                    .update(&r.id, |x| x.delete_error = Some(what.clone()));
                let message = format!(
                    "The new token works, but the old token “{}”{} (key {}) still exists in Mist: \
                     deleting it failed. {what} Choose “Delete old token” again to retry.",
                    r.name,
                    r.org_name
                        .as_deref()
                        .map(|o| format!(" of {o}"))
                        .unwrap_or_default(),
                    r.old_key_hint,
                );
                Err(match e {
                    Error::Network(_) => Error::Network(message),
                    Error::Timeout(_) => Error::Timeout(message),
                    Error::Forbidden(_) => Error::Forbidden(message),
                    Error::RateLimited { retry_after_s, .. } => Error::RateLimited {
                        message,
                        retry_after_s,
                    },
                    Error::Unauthorized(_) => Error::Unauthorized(message),
                    _ => Error::Server(message),
                })
            }
        }
    }

    /// "Keep alive": one `GET /self` with each saved key (on the cloud bound to it), then the
    /// token's `last_used` as Mist reports it, when this sign-in can see the token. That a call
    /// resets Mist's 90-day clock is our reading of Mist's documentation.
    pub async fn keep_alive(&self, ids: &[String]) -> Vec<KeepAlive> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.keep_one_alive(id).await);
        }
        out
    }

    async fn keep_one_alive(&self, id: &str) -> KeepAlive {
        let fail = |label: String, message: String| KeepAlive {
            id: id.to_string(),
            label,
            ok: false,
            token: None,
            message,
        };
        let bound = match self.bound_saved_key(id).await {
            Ok(b) => b,
            Err(e) => {
                // The label, when the list still has the key (a key without a bound cloud).
                let label = self.secrets.vault.row(id).await.map(|r| r.label);
                return fail(label.unwrap_or_default(), e.to_string());
            }
        };
        let row = bound.row.clone();
        let test = match self.mist.test_key_on(&bound.cloud, &bound.key).await {
            Ok(t) => t,
            Err(e) => return fail(row.label, e.to_string()),
        };
        if !test.valid {
            return fail(row.label, test.message);
        }
        let same_session = self
            .mist
            .session_info()
            .await
            .is_some_and(|s| same_cloud(&s.cloud.api_url, &bound.cloud.api_url));
        let token = match (&row.token_id, same_session) {
            (Some(tid), true) => self
                .mist
                .token(row.kind, row.org_id.as_deref(), tid)
                .await
                .ok(),
            _ => None,
        };
        let message = match &token {
            Some(t) => format!(
                "Mist accepted “{}”. It now reports the token as last used {}; Mist removes it {} days after its last use.",
                row.label,
                t.last_used
                    .map(crate::export::utc)
                    .unwrap_or_else(|| "never (Mist has not updated it)".into()),
                crate::mist::views::REMOVAL_DAYS
            ),
            None => format!(
                "Mist accepted “{}”. Sign in to the account that can see its token to read the new last-used time.",
                row.label
            ),
        };
        drop(bound);
        KeepAlive {
            id: id.to_string(),
            label: row.label,
            ok: true,
            token,
            message,
        }
    }

    /// The signed-in account's calls this hour against Mist's limit.
    pub async fn api_usage(&self) -> Result<ApiUsage> {
        self.mist.api_usage().await
    }

    /// Writes the current inventory (as marked now) to `path`, as CSV or JSON by its extension.
    /// No key is in it: the app's inventory holds none.
    pub async fn export_inventory(&self, path: &Path) -> Result<crate::export::ExportSummary> {
        let inv = self.current_inventory().await?;
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || crate::export::write(&inv, &path))
            .await
            .map_err(|_| {
                Error::Internal("The export task failed unexpectedly. Try again.".into())
            })?
    }
}

fn saved_state(
    r: &IndexRow,
    cloud: &str,
    by_id: &HashMap<String, TokenView>,
    gone: &impl Fn(TokenKind, Option<&str>, &str) -> bool,
) -> SavedTokenState {
    let Some(tid) = r.token_id.as_deref() else {
        return SavedTokenState::Unknown;
    };
    if !same_cloud(&r.cloud_api, cloud) {
        return SavedTokenState::Unknown;
    }
    if let Some(t) = by_id.get(tid) {
        return SavedTokenState::Exists {
            token_id: t.id.clone(),
            days_until_removal: t.days_until_removal,
            removal_risk: t.removal_risk,
            last_used: t.last_used,
        };
    }
    if gone(r.kind, r.org_id.as_deref(), tid) {
        SavedTokenState::Gone
    } else {
        SavedTokenState::Unknown
    }
}
