//! The app's flows across `mist/` and `secrets/`: what happens between "the admin pressed a
//! button" and "Mist and the keychain did their part". Each is a method on [`AppState`], so the
//! IPC commands are one call each and the flows are tested with plain `#[tokio::test]` calls.
//!
//! - create → slot: a new key goes from Mist's answer straight into a reveal slot, tagged with the
//!   cloud of the session that made it;
//! - sign in with a token, remember it in the keychain, restore it at start, forget it on a 401
//!   or at sign-out;
//! - test a saved key against the cloud bound to it in the keychain (never the index file's).

use secrecy::SecretString;
use serde::Serialize;

use crate::mist::{Cloud, Created, KeyTest, PrivilegeInput, SessionInfo, TokenView};
use crate::secrets::{SavedKey, SlotHandle, SlotMeta};
use crate::{AppState, Error, Result};

/// What a create returns: the token's metadata and the slot holding its key (never the key).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CreatedToken {
    pub token: TokenView,
    pub slot: SlotHandle,
}

impl AppState {
    /// Puts a new key into a reveal slot, tagged with the token and the cloud that made it.
    fn open_slot(&self, created: Created) -> CreatedToken {
        let meta = SlotMeta::from_token(&created.token, &created.cloud);
        let slot = self.secrets.slots.open(created.key, meta);
        CreatedToken {
            token: created.token,
            slot,
        }
    }

    /// Creates a personal token; its key goes into a reveal slot.
    pub async fn create_user_token(&self, name: &str) -> Result<CreatedToken> {
        let created = self.mist.create_user_token(name).await?;
        Ok(self.open_slot(created))
    }

    /// Creates an org token; its key goes into a reveal slot.
    pub async fn create_org_token(
        &self,
        org_id: &str,
        name: &str,
        privileges: &[PrivilegeInput],
        src_ips: &[String],
    ) -> Result<CreatedToken> {
        let created = self
            .mist
            .create_org_token(org_id, name, privileges, src_ips)
            .await?;
        Ok(self.open_slot(created))
    }

    /// Signs in with an existing token; keeps it in the keychain when asked. If the keychain
    /// fails, the session still works and says `remembered: false`.
    pub async fn sign_in_token(
        &self,
        token: SecretString,
        cloud_id: Option<&str>,
        remember: bool,
    ) -> Result<SessionInfo> {
        let info = self.mist.sign_in_token(token.clone(), cloud_id).await?;
        if !remember {
            return Ok(info);
        }
        let token = self.mist.session_token().await.unwrap_or(token);
        match self
            .secrets
            .vault
            .remember_sign_in_token(&info.cloud.api_url, &token)
            .await
        {
            Ok(()) => Ok(self.mist.set_remembered(true).await.unwrap_or(info)),
            Err(_) => Ok(info),
        }
    }

    /// Signs in with the remembered token, if any (`None` when there is none or the keychain
    /// cannot be read). A token Mist refuses is forgotten, and the error says so; a network error
    /// is reported and the token kept, so the admin can try again later.
    pub async fn restore_session(&self) -> Result<Option<SessionInfo>> {
        let Ok(Some((cloud_api, token))) = self.secrets.vault.recall_sign_in_token().await else {
            return Ok(None);
        };
        match self.mist.sign_in_token_bound(token, &cloud_api).await {
            Ok(_) => Ok(self.mist.set_remembered(true).await),
            Err(Error::Unauthorized(_)) => {
                let forgotten = self.secrets.vault.forget_sign_in_token().await.is_ok();
                Err(Error::Unauthorized(format!(
                    "Mist no longer accepts the API token this app remembered: it was deleted, or \
                     removed after 90 days unused.{} Sign in again.",
                    if forgotten {
                        " The app has forgotten it."
                    } else {
                        ""
                    }
                )))
            }
            Err(e) => Err(e),
        }
    }

    /// Calls Mist's logout and forgets the session (and the remembered token if asked).
    pub async fn sign_out(&self, forget_remembered: bool) -> Result<()> {
        self.mist.sign_out().await;
        if forget_remembered {
            match self.secrets.vault.forget_sign_in_token().await {
                Ok(()) | Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// A saved key with the cloud bound to it in the keychain, for anything that sends it (the
    /// Test button, the future command line). The index file is never followed: a key with no
    /// bound cloud (saved by an older version) is refused with `cloud_unconfirmed`, and a row
    /// naming another cloud is reported in `index_disagrees`.
    pub async fn bound_saved_key(&self, id: &str) -> Result<BoundKey> {
        let (stored, row) = self.secrets.vault.key(id).await?;
        let Some(bound) = stored.cloud_api else {
            return Err(Error::CloudUnconfirmed(
                "This key was saved by an older version of the app, which did not keep its cloud \
                 with it in the keychain, so it is not sent anywhere until you confirm its cloud \
                 once. In the app, choose Test on this key and confirm the cloud it belongs to."
                    .into(),
            ));
        };
        let cloud = self.mist.bound_cloud(&bound)?;
        let index_disagrees = (!row.cloud_api.eq_ignore_ascii_case(&bound)).then(|| {
            let listed = crate::mist::clouds::host_of(&row.cloud_api);
            format!(
                "The list of saved keys names {listed} for this key, but the keychain keeps it \
                 for {}. The app used {} only and sent nothing to {listed}. The list file may \
                 have been changed outside the app.",
                cloud.host(),
                cloud.host(),
            )
        });
        Ok(BoundKey {
            key: stored.key,
            cloud,
            index_disagrees,
            row,
        })
    }

    /// Asks the saved key's cloud (the one bound to it in the keychain) `/self` with the key:
    /// who is it, does it still work? For a key that works, also `/self/usage`: whose quota it
    /// spends (its own for an org token, the user's shared one for a user token).
    pub async fn test_saved_key(&self, id: &str) -> Result<KeyTest> {
        let bound = self.bound_saved_key(id).await?;
        let mut test = self.mist.test_key_on(&bound.cloud, &bound.key).await?;
        test.warning = bound.index_disagrees.clone();
        if test.valid {
            test.usage = self
                .mist
                .key_usage(&bound.cloud, &bound.key, &test)
                .await
                .ok();
        }
        Ok(test)
    }

    /// Binds a key saved before keys were bound to the cloud the admin confirmed (`cloud_id`: a
    /// known cloud, or "custom" resolved in this session). Nothing is sent.
    pub async fn confirm_saved_key_cloud(&self, id: &str, cloud_id: &str) -> Result<SavedKey> {
        let cloud = self.mist.cloud(cloud_id)?;
        self.secrets
            .vault
            .bind_cloud(id, &cloud.api_url, &cloud.name)
            .await
    }
}

/// A saved key ready to be sent: the key, the cloud bound to it in the keychain, and what to say
/// when the index named another one. Debug is redacted.
pub struct BoundKey {
    pub key: SecretString,
    pub cloud: Cloud,
    pub index_disagrees: Option<String>,
    /// The key's row in the saved-keys list (label, token), as read with the key.
    pub row: crate::secrets::index::IndexRow,
}

impl std::fmt::Debug for BoundKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundKey")
            .field("key", &"[REDACTED]")
            .field("cloud", &self.cloud.api_url)
            .finish()
    }
}
