//! Unit tests of the secrets layer: slots with a manual clock, the clipboard policy with an
//! in-memory clipboard, the vault over keyring-core's mock store.

use std::sync::Arc;
use std::time::Duration;

use keyring_core::api::CredentialStoreApi;
use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::Error;

const KEY: &str = "k3y-0123456789abcdefghijklmnopqrstuvwxyz";

fn meta() -> SlotMeta {
    SlotMeta {
        token_id: "tok-1".into(),
        token_name: "ci pipeline".into(),
        kind: crate::mist::TokenKind::Org,
        org_id: Some("org-1".into()),
        org_name: Some("Acme Retail".into()),
        cloud_name: "Global 01".into(),
        cloud_api: "https://api.mist.com".into(),
    }
}

fn key() -> SecretString {
    SecretString::from(KEY.to_string())
}

fn temp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("mtm-secrets-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Fixture {
    state: SecretsState,
    clock: Arc<ManualClock>,
    clip: Arc<MemoryClipboard>,
    store: Arc<keyring_core::mock::Store>,
    dir: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let clock = Arc::new(ManualClock::new());
    let clip = Arc::new(MemoryClipboard::new());
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir();
    let config = SecretsConfig {
        clear_after: Some(Duration::from_millis(50)),
        clock: clock.clone(),
        ..SecretsConfig::default()
    }
    .with_store(store.clone());
    let state = SecretsState::new(dir.clone(), clip.clone(), config);
    Fixture {
        state,
        clock,
        clip,
        store,
        dir,
    }
}

#[test]
fn reveal_once_then_already_revealed() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    assert_eq!(h.expires_in_s, 600);
    let revealed = f.state.reveal(&h.slot_id).unwrap();
    assert_eq!(revealed.key.expose_secret(), KEY);
    assert_eq!(
        f.state.reveal(&h.slot_id).unwrap_err(),
        Error::AlreadyRevealed
    );
    let st = f.state.slots.status(&h.slot_id).unwrap();
    assert!(st.revealed && !st.copied && !st.saved);
}

#[test]
fn dismiss_closes_and_drops_the_key() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    assert!(f.state.slots.holds(&h.slot_id));
    f.state.slots.dismiss(&h.slot_id).unwrap();
    assert!(!f.state.slots.holds(&h.slot_id));
    assert_eq!(f.state.slots.open_count(), 0);
    for e in [
        f.state.reveal(&h.slot_id).map(|_| ()).unwrap_err(),
        f.state.slots.status(&h.slot_id).map(|_| ()).unwrap_err(),
        f.state
            .slots
            .key_for_backend(&h.slot_id)
            .map(|_| ())
            .unwrap_err(),
        f.state.slots.dismiss(&h.slot_id).unwrap_err(),
    ] {
        assert_eq!(e, Error::SlotExpired);
    }
}

#[test]
fn expiry_with_a_manual_clock() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    f.clock.advance(Duration::from_secs(599));
    assert_eq!(f.state.slots.status(&h.slot_id).unwrap().expires_in_s, 1);
    f.clock.advance(Duration::from_secs(1));
    assert_eq!(f.state.reveal(&h.slot_id).unwrap_err(), Error::SlotExpired);
    assert!(!f.state.slots.holds(&h.slot_id), "expired slot is dropped");
}

#[test]
fn expired_slots_are_swept_when_another_opens() {
    let f = fixture();
    let old = f.state.slots.open(key(), meta());
    f.clock.advance(Duration::from_secs(601));
    let new = f.state.slots.open(key(), meta());
    assert!(!f.state.slots.holds(&old.slot_id));
    assert!(f.state.slots.holds(&new.slot_id));
}

#[test]
fn shutdown_closes_everything() {
    let f = fixture();
    let a = f.state.slots.open(key(), meta());
    let _b = f.state.slots.open(key(), meta());
    assert_eq!(f.state.shutdown(), 2);
    assert_eq!(
        f.state.slots.status(&a.slot_id).unwrap_err(),
        Error::SlotExpired
    );
}

#[test]
fn no_debug_output_carries_the_key() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    let revealed = f.state.reveal(&h.slot_id).unwrap();
    for text in [
        format!("{revealed:?}"),
        format!("{:?}", f.state),
        format!("{:?}", f.clip),
        format!("{:?}", key()),
    ] {
        assert!(!text.contains(KEY), "{text}");
    }
    // The one serialization that carries it, by design.
    let json = serde_json::to_string(&revealed).unwrap();
    assert_eq!(json, format!("{{\"key\":\"{KEY}\"}}"));
}

#[tokio::test]
async fn copy_writes_the_clipboard_and_clears_it_later() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    let r = f.state.copy_slot(&h.slot_id).await.unwrap();
    assert_eq!(r.clears_in_s, 1);
    assert_eq!(f.clip.read_text().unwrap().unwrap().as_str(), KEY);
    assert!(f.state.slots.status(&h.slot_id).unwrap().copied);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(f.clip.read_text().unwrap().is_none(), "cleared");
}

#[tokio::test]
async fn clear_leaves_something_else_alone() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    f.state.copy_slot(&h.slot_id).await.unwrap();
    f.clip.write_text("the admin copied this since").unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        f.clip.read_text().unwrap().unwrap().as_str(),
        "the admin copied this since"
    );
}

#[tokio::test]
async fn copy_after_dismiss_is_slot_expired_and_writes_nothing() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    f.state.slots.dismiss(&h.slot_id).unwrap();
    let e = f.state.copy_slot(&h.slot_id).await.unwrap_err();
    assert_eq!(e, Error::SlotExpired);
    assert_eq!(f.clip.writes(), 0);
    let e = f.state.save_slot(&h.slot_id, "x").await.unwrap_err();
    assert_eq!(e, Error::SlotExpired);
}

#[tokio::test]
async fn save_list_copy_rename_forget_with_the_mock_store() {
    let f = fixture();
    let h = f.state.slots.open(key(), meta());
    let saved = f.state.save_slot(&h.slot_id, "  CI key  ").await.unwrap();
    assert_eq!(saved.row.label, "CI key");
    assert!(f.state.slots.status(&h.slot_id).unwrap().saved);
    let list = f.state.vault.list().await.unwrap();
    assert_eq!(list.keys.len(), 1);
    assert_eq!(list.keys[0].status, KeyStatus::Ok);
    assert_eq!((list.orphans, list.keychain_error.is_none()), (0, true));

    f.state.slots.dismiss(&h.slot_id).unwrap();
    f.state.copy_saved(&saved.row.id).await.unwrap();
    assert_eq!(f.clip.read_text().unwrap().unwrap().as_str(), KEY);

    let renamed = f.state.vault.rename(&saved.row.id, "Deploy").await.unwrap();
    assert_eq!(renamed.row.label, "Deploy");
    let e = f
        .state
        .vault
        .rename(&saved.row.id, "   ")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_input");

    f.state.vault.forget(&saved.row.id).await.unwrap();
    assert!(f.state.vault.list().await.unwrap().keys.is_empty());
    let entry = f.store.build(DEV_SERVICE, &saved.row.id, None).unwrap();
    assert!(matches!(
        entry.get_password(),
        Err(keyring_core::Error::NoEntry)
    ));
    let e = f.state.vault.forget(&saved.row.id).await.unwrap_err();
    assert_eq!(e.kind(), "not_found");
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[tokio::test]
async fn disagreement_is_listed_and_repaired() {
    let f = fixture();
    let a = f.state.vault.save(key(), meta(), "A").await.unwrap();
    let b = f.state.vault.save(key(), meta(), "B").await.unwrap();
    // Removed outside the app.
    f.store
        .build(DEV_SERVICE, &a.row.id, None)
        .unwrap()
        .delete_credential()
        .unwrap();
    // The index file lost, with B still in the keychain.
    let list = f.state.vault.list().await.unwrap();
    let status: Vec<_> = list.keys.iter().map(|k| k.status).collect();
    assert_eq!(status, vec![KeyStatus::MissingSecret, KeyStatus::Ok]);
    let e = f.state.copy_saved(&a.row.id).await.unwrap_err();
    assert_eq!(e.kind(), "not_found");

    std::fs::remove_file(f.dir.join(index::INDEX_FILE)).unwrap();
    let list = f.state.vault.list().await.unwrap();
    assert_eq!((list.keys.len(), list.orphans), (0, 1));

    let repaired = f.state.vault.repair().await.unwrap();
    assert_eq!(repaired.orphans, 0);
    assert_eq!(repaired.keys.len(), 1);
    assert_eq!(repaired.keys[0].row.id, b.row.id);
    assert!(repaired.keys[0]
        .row
        .label
        .starts_with(vault::RECOVERED_LABEL));
    std::fs::remove_dir_all(&f.dir).unwrap();
}

#[tokio::test]
async fn sign_in_token_remember_recall_forget() {
    let f = fixture();
    assert!(f
        .state
        .vault
        .recall_sign_in_token()
        .await
        .unwrap()
        .is_none());
    let token = SecretString::from("signin-token-xyz".to_string());
    f.state
        .vault
        .remember_sign_in_token("https://api.eu.mist.com", &token)
        .await
        .unwrap();
    let (api, got) = f.state.vault.recall_sign_in_token().await.unwrap().unwrap();
    assert_eq!(api, "https://api.eu.mist.com");
    assert_eq!(got.expose_secret(), "signin-token-xyz");
    // Not an orphan of the saved keys list.
    assert_eq!(f.state.vault.list().await.unwrap().orphans, 0);
    f.state.vault.forget_sign_in_token().await.unwrap();
    f.state.vault.forget_sign_in_token().await.unwrap();
    assert!(f
        .state
        .vault
        .recall_sign_in_token()
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn unavailable_keychain_is_a_clear_error_and_reveal_copy_still_work() {
    let clip = Arc::new(MemoryClipboard::new());
    let config = SecretsConfig {
        store: Arc::new(|| {
            Err(keyring_core::Error::PlatformFailure(
                "no D-Bus session".into(),
            ))
        }),
        ..SecretsConfig::default()
    };
    let state = SecretsState::new(temp_dir(), clip.clone(), config);
    let h = state.slots.open(key(), meta());
    let e = state.save_slot(&h.slot_id, "x").await.unwrap_err();
    assert_eq!(e.kind(), "keychain_unavailable");
    assert!(e.to_string().contains("reveal or copy"), "{e}");
    state.copy_slot(&h.slot_id).await.unwrap();
    assert_eq!(state.reveal(&h.slot_id).unwrap().key.expose_secret(), KEY);
    let st = state.slots.status(&h.slot_id).unwrap();
    assert!(st.revealed && st.copied && !st.saved);
    let e = state.vault.recall_sign_in_token().await.unwrap_err();
    assert_eq!(e.kind(), "keychain_unavailable");
}

#[test]
fn locked_and_unreachable_give_different_advice() {
    let locked = keychain::map_error(keyring_core::Error::NoStorageAccess("locked".into()));
    let gone = keychain::map_error(keyring_core::Error::PlatformFailure("no bus".into()));
    assert_eq!(locked.kind(), "keychain_unavailable");
    assert_eq!(gone.kind(), "keychain_unavailable");
    assert_ne!(locked.to_string(), gone.to_string());
    assert!(locked.to_string().to_lowercase().contains("unlock"));
}

#[test]
fn service_names_differ_between_debug_and_release() {
    assert_ne!(RELEASE_SERVICE, DEV_SERVICE);
    assert_eq!(default_service(), DEV_SERVICE); // tests are debug builds
}

#[tokio::test]
async fn the_timer_closes_an_expired_slot_without_any_call() {
    let config = SecretsConfig {
        slot_ttl: Duration::from_millis(100),
        ..SecretsConfig::default()
    }
    .with_store(keyring_core::mock::Store::new().unwrap());
    let state = SecretsState::new(temp_dir(), Arc::new(MemoryClipboard::new()), config);
    let h = state.slots.open(key(), meta());
    assert!(state.slots.holds(&h.slot_id));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !state.slots.holds(&h.slot_id),
        "dropped (zeroized) by the timer"
    );
}

#[tokio::test]
async fn only_the_newest_copy_clears() {
    let clip = Arc::new(MemoryClipboard::new());
    let config = SecretsConfig {
        clear_after: Some(Duration::from_millis(400)),
        ..SecretsConfig::default()
    }
    .with_store(keyring_core::mock::Store::new().unwrap());
    let state = SecretsState::new(temp_dir(), clip.clone(), config);
    let a = state.slots.open(key(), meta());
    state.copy_slot(&a.slot_id).await.unwrap(); // t = 0: its timer fires at 400 ms
    tokio::time::sleep(Duration::from_millis(200)).await;
    state.copy_slot(&a.slot_id).await.unwrap(); // t = 200: its timer fires at 600 ms
    tokio::time::sleep(Duration::from_millis(300)).await; // t = 500
    assert_eq!(clip.read_text_for_test().as_deref(), Some(KEY));
    tokio::time::sleep(Duration::from_millis(400)).await; // t = 900
    assert_eq!(clip.read_text_for_test(), None);
}

#[tokio::test]
async fn prewarm_opens_the_store_once_and_the_first_use_reuses_it() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let opened = Arc::new(AtomicUsize::new(0));
    let store = keyring_core::mock::Store::new().unwrap();
    let counter = opened.clone();
    let factory: crate::secrets::keychain::StoreFactory = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let s: Arc<keyring_core::CredentialStore> = store.clone();
        Ok(s)
    });
    let vault = crate::secrets::vault::Vault::new(
        crate::secrets::keychain::Keychain::new("mtm-test", factory),
        Some(temp_dir()),
    );
    assert_eq!(opened.load(Ordering::SeqCst), 0, "nothing opened at start");
    assert!(vault.prewarm_keychain());
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    assert!(vault.recall_sign_in_token().await.unwrap().is_none());
    assert_eq!(opened.load(Ordering::SeqCst), 1, "the first use reused it");
}

#[tokio::test]
async fn a_failed_prewarm_is_not_kept_and_the_first_use_reports_the_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let tries = Arc::new(AtomicUsize::new(0));
    let counter = tries.clone();
    let factory: crate::secrets::keychain::StoreFactory = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Err(keyring_core::Error::NoDefaultStore)
    });
    let vault = crate::secrets::vault::Vault::new(
        crate::secrets::keychain::Keychain::new("mtm-test", factory),
        Some(temp_dir()),
    );
    assert!(!vault.prewarm_keychain());
    assert!(vault.recall_sign_in_token().await.is_err());
    assert_eq!(
        tries.load(Ordering::SeqCst),
        2,
        "tried again, not a cached failure"
    );
}
