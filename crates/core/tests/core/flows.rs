//! The flows on `AppState` (crates/core/src/flows.rs), called directly with plain tokio tests: no
//! Tauri, no IPC. Create puts the key in a slot tagged with the cloud of the session that made
//! it; "remember me" keeps the sign-in token in the keychain, a restart restores it, a token
//! Mist refuses is forgotten, and sign-out forgets it when asked.

use std::sync::Arc;

use mist_token_core::mist::TokenKind;
use mist_token_core::{AppState, Error};
use secrecy::ExposeSecret;

use crate::support::secrets::temp_dir;
use crate::support::sim::{demo_sim, secret, sign_in, state_for};

/// A state over the simulator, keyring-core's mock store (shared across "restarts") and `dir`.
fn app(
    sim: &mist_sim::SimHandle,
    store: &Arc<keyring_core::mock::Store>,
    dir: &std::path::Path,
) -> AppState {
    crate::support::secrets::app_over(state_for(sim), store, dir).0
}

#[tokio::test]
async fn flow_create_puts_the_key_in_a_slot_tagged_with_the_sessions_cloud() {
    let sim = demo_sim().await;
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("flows-create");
    let state = app(&sim, &store, dir.path());
    sign_in(&state.mist, "admin@example.com").await;

    let created = state.create_user_token("flow test").await.unwrap();
    let meta = state.secrets.slots.meta(&created.slot.slot_id).unwrap();
    assert_eq!(meta.token_id, created.token.id);
    assert_eq!(meta.kind, TokenKind::User);
    assert_eq!(meta.cloud_api, sim.url(), "tagged with the session's cloud");
    // The slot holds the very key Mist issued, and only the reveal gives it out, once.
    let shown = state.secrets.reveal(&created.slot.slot_id).unwrap();
    assert_eq!(
        Some(shown.key.expose_secret().to_string()),
        sim.last_issued_key()
    );
    assert_eq!(
        state
            .secrets
            .reveal(&created.slot.slot_id)
            .unwrap_err()
            .kind(),
        "already_revealed"
    );
    // The answer never carries the key.
    let json = serde_json::to_string(&created).unwrap();
    assert!(!json.contains(shown.key.expose_secret()));
}

#[tokio::test]
async fn flow_remember_restore_and_forget_when_mist_refuses_the_token() {
    let sim = demo_sim().await;
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("flows-remember");
    // A user token to sign in with, made through a password session.
    let key = {
        let state = app(&sim, &store, dir.path());
        sign_in(&state.mist, "admin@example.com").await;
        let created = state.create_user_token("remember me").await.unwrap();
        let key = state.secrets.reveal(&created.slot.slot_id).unwrap().key;
        state.sign_out(false).await.unwrap();
        key
    };

    let state = app(&sim, &store, dir.path());
    let info = state
        .sign_in_token(secret(key.expose_secret()), Some("sim"), true)
        .await
        .unwrap();
    assert!(info.remembered, "kept in the keychain");

    // A restart: a new state restores the session from the keychain alone.
    let state = app(&sim, &store, dir.path());
    let info = state
        .restore_session()
        .await
        .unwrap()
        .expect("a remembered session");
    assert!(info.remembered);
    // The token is deleted in Mist (here by the session itself).
    let list = state.mist.list_user_tokens().await.unwrap();
    let id = list
        .iter()
        .find(|t| t.name == "remember me")
        .expect("the token")
        .id
        .clone();
    state
        .mist
        .delete_token(TokenKind::User, None, &id)
        .await
        .unwrap();

    // The next start: Mist refuses it, so the app says so and forgets it.
    let state = app(&sim, &store, dir.path());
    let e = state.restore_session().await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    assert!(e.to_string().contains("has forgotten it"), "{e}");
    assert!(state
        .secrets
        .vault
        .recall_sign_in_token()
        .await
        .unwrap()
        .is_none());
    // And the start after that has nothing to restore.
    assert!(state.restore_session().await.unwrap().is_none());
}

#[tokio::test]
async fn flow_sign_out_forgets_the_remembered_token_only_when_asked() {
    let sim = demo_sim().await;
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("flows-signout");
    let state = app(&sim, &store, dir.path());
    sign_in(&state.mist, "admin@example.com").await;
    let created = state.create_user_token("sign out").await.unwrap();
    let key = state.secrets.reveal(&created.slot.slot_id).unwrap().key;
    state.sign_out(false).await.unwrap();

    state
        .sign_in_token(secret(key.expose_secret()), Some("sim"), true)
        .await
        .unwrap();
    state.sign_out(false).await.unwrap();
    assert!(state.mist.session_info().await.is_none());
    assert!(state
        .secrets
        .vault
        .recall_sign_in_token()
        .await
        .unwrap()
        .is_some());

    state.restore_session().await.unwrap().expect("restored");
    state.sign_out(true).await.unwrap();
    assert!(state
        .secrets
        .vault
        .recall_sign_in_token()
        .await
        .unwrap()
        .is_none());
    // Forgetting what is already gone is fine.
    state.sign_out(true).await.unwrap();
}
