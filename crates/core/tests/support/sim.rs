//! Simulated clouds for the tests (`support::sim`): a simulator with the demo seed, a cloud entry
//! for it and a `MistState` pointing at it, signed in or not. No Tauri here: the core crate's
//! tests and the app's tests share this file.
#![allow(dead_code)]

use std::time::Duration;

use mist_sim::{Sim, SimConfig, SimHandle};
use mist_token_core::mist::{Cloud, MistState, SignInResult};
use secrecy::SecretString;

pub const PASSWORD: &str = "demo-password";

/// A simulated cloud with the demo seed and the given cookie suffix.
pub async fn sim_with_suffix(suffix: &str) -> SimHandle {
    Sim::start(SimConfig {
        cookie_suffix: suffix.to_string(),
        ..SimConfig::default()
    })
    .await
}

pub async fn demo_sim() -> SimHandle {
    Sim::start(SimConfig::default()).await
}

/// A custom (not Mist) cloud entry for a simulator.
pub fn cloud(sim: &SimHandle, id: &str, name: &str) -> Cloud {
    Cloud {
        id: id.to_string(),
        name: name.to_string(),
        api_url: sim.url(),
        portal_host: None,
        is_mist: false,
        cookie_suffix: None,
    }
}

/// A state whose only cloud is `sim` (id "sim").
pub fn state_for(sim: &SimHandle) -> MistState {
    MistState::with_clouds(vec![cloud(sim, "sim", "Simulated cloud")])
        .with_request_timeout(Duration::from_secs(5))
}

pub fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

/// Signs in with email and password (no 2FA expected).
pub async fn sign_in(state: &MistState, email: &str) {
    match state
        .sign_in_password("sim", email, secret(PASSWORD), None)
        .await
        .expect("sign-in works")
    {
        SignInResult::SignedIn { .. } => {}
        other => panic!("unexpected sign-in result {other:?}"),
    }
}

/// A demo sim and a state signed in as `email`.
pub async fn signed_in(email: &str) -> (SimHandle, MistState) {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    sign_in(&state, email).await;
    (sim, state)
}
