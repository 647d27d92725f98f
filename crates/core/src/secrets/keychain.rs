//! The OS keychain through keyring-core: Keychain (macOS), Credential Manager (Windows),
//! Secret Service over zbus (Linux). The store is created lazily and fallibly: when it cannot be
//! created the app still runs and every keychain call is `keychain_unavailable` with advice. A
//! failure is not cached, so unlocking or starting the keyring later just works.
//!
//! Every call here blocks (D-Bus, Security framework): call them from `spawn_blocking`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Result};

/// Creates the credential store on first use.
pub type StoreFactory = Arc<dyn Fn() -> keyring_core::Result<Arc<CredentialStore>> + Send + Sync>;

/// The platform's native store; also installed as keyring-core's default store.
pub fn native_store_factory() -> StoreFactory {
    Arc::new(|| {
        let store = native_store()?;
        if keyring_core::get_default_store().is_none() {
            keyring_core::set_default_store(store.clone());
        }
        Ok(store)
    })
}

#[cfg(target_os = "linux")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "no keychain on this platform".into(),
    ))
}

/// What to tell the admin when the keychain cannot be reached at all.
fn unreachable_advice() -> String {
    if cfg!(target_os = "linux") {
        "The system keyring (Secret Service) cannot be reached, so keys cannot be saved or read. \
         Sign in to a desktop session with GNOME Keyring or KWallet running, then try again. \
         You can still reveal or copy a new key."
            .into()
    } else if cfg!(target_os = "macos") {
        "The macOS Keychain cannot be reached, so keys cannot be saved or read. \
         Restart the app or your Mac, then try again. You can still reveal or copy a new key."
            .into()
    } else {
        "The Windows Credential Manager cannot be reached, so keys cannot be saved or read. \
         Sign out and back in to Windows, then try again. You can still reveal or copy a new key."
            .into()
    }
}

/// What to tell the admin when the keychain is there but locked or refused access.
fn locked_advice() -> String {
    if cfg!(target_os = "linux") {
        "The keyring is locked or refused access. Unlock your login keyring (for example in \
         “Passwords and Keys”) and try again. You can still reveal or copy a new key."
            .into()
    } else if cfg!(target_os = "macos") {
        "The Keychain is locked or refused access. Unlock your login keychain and choose \
         “Allow” when macOS asks, then try again. You can still reveal or copy a new key."
            .into()
    } else {
        "The Credential Manager refused access. Sign in to Windows again and retry. \
         You can still reveal or copy a new key."
            .into()
    }
}

/// Maps a keyring-core error to the app's error. `NoEntry` is handled by the callers.
pub fn map_error(err: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match err {
        K::NoStorageAccess(_) => Error::KeychainUnavailable(locked_advice()),
        K::PlatformFailure(_) | K::NoDefaultStore | K::NotSupportedByStore(_) => {
            Error::KeychainUnavailable(unreachable_advice())
        }
        K::NoEntry => Error::NotFound("The keychain no longer holds this key.".into()),
        K::BadEncoding(mut raw) | K::BadDataFormat(mut raw, _) => {
            zeroize::Zeroize::zeroize(&mut raw);
            Error::Internal(
                "A saved key in the keychain is not readable. Forget it and save it again.".into(),
            )
        }
        K::TooLong(..) | K::Invalid(..) => {
            Error::Internal("The keychain refused this entry. Please report this problem.".into())
        }
        _ => Error::KeychainUnavailable(
            "The keychain answered something unexpected. Try again; if it keeps happening, \
             check the keychain with your system's password manager."
                .into(),
        ),
    }
}

/// Entries under one service name (differs between debug and release builds).
pub struct Keychain {
    service: String,
    factory: StoreFactory,
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain")
            .field("service", &self.service)
            .finish()
    }
}

impl Keychain {
    pub fn new(service: impl Into<String>, factory: StoreFactory) -> Self {
        Self {
            service: service.into(),
            factory,
            store: Mutex::new(None),
        }
    }

    /// A keychain over a given store (tests: `keyring_core::mock::Store::new()`).
    pub fn with_store(service: impl Into<String>, store: Arc<CredentialStore>) -> Self {
        let kc = Self::new(
            service,
            Arc::new(|| Err(keyring_core::Error::NoDefaultStore)),
        );
        *kc.store.lock().unwrap_or_else(|e| e.into_inner()) = Some(store);
        kc
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn store(&self) -> Result<Arc<CredentialStore>> {
        let mut slot = self.store.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let store = (self.factory)().map_err(map_error)?;
        *slot = Some(store.clone());
        Ok(store)
    }

    /// Opens the store now (Linux: the D-Bus connection and the Secret Service session with its
    /// key exchange) so that the first real use does not wait for it. A failure is not kept: the
    /// first real use tries again and reports it. Whether the store could be opened.
    pub fn prewarm(&self) -> bool {
        self.store().is_ok()
    }

    fn entry(&self, user: &str) -> Result<Entry> {
        self.store()?
            .build(&self.service, user, None)
            .map_err(map_error)
    }

    /// Stores (or replaces) the secret for `user`.
    pub fn set(&self, user: &str, secret: &SecretString) -> Result<()> {
        self.entry(user)?
            .set_password(secret.expose_secret())
            .map_err(map_error)
    }

    /// The secret for `user`, or `None` if the keychain has no such entry.
    pub fn get(&self, user: &str) -> Result<Option<SecretString>> {
        match self.entry(user)?.get_password() {
            Ok(s) => Ok(Some(SecretString::from(s))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Whether the keychain holds an entry for `user` (does not read the secret where the
    /// store can avoid it).
    pub fn exists(&self, user: &str) -> Result<bool> {
        match self.entry(user)?.get_attributes() {
            Ok(_) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }

    /// Deletes the entry. `Ok(false)`: there was nothing to delete.
    pub fn delete(&self, user: &str) -> Result<bool> {
        match self.entry(user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }

    /// The user names of every entry under this service, or `None` if the store cannot search.
    pub fn users(&self) -> Result<Option<Vec<String>>> {
        let store = self.store()?;
        let spec = HashMap::from([("service", self.service.as_str())]);
        let found = match store.search(&spec) {
            Ok(found) => found,
            Err(keyring_core::Error::NotSupportedByStore(_)) => return Ok(None),
            Err(e) => return Err(map_error(e)),
        };
        let mut users = Vec::new();
        for entry in found {
            let Some((service, user)) = entry.get_specifiers() else {
                continue;
            };
            // The mock store matches substrings; release and dev names share a prefix.
            if service != self.service {
                continue;
            }
            match entry.get_attributes() {
                Ok(_) => users.push(user),
                Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(map_error(e)),
            }
        }
        users.sort();
        users.dedup();
        Ok(Some(users))
    }
}
