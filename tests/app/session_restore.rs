//! The remembered sign-in token at start-up, through the commands: it signs in again; once Mist
//! refuses it (deleted, or removed after 90 days), start-up says so plainly and forgets it; a
//! network failure is reported and the token kept for the next try.

use serde_json::json;

fn app_with_remembered_token() -> (mist_sim::SimHandle, crate::support::app::App, String) {
    let sim = crate::support::app::demo_sim_blocking();
    let key = sim.add_user_token("admin@example.com", "remembered");
    let (secrets, fixture) = crate::support::secrets::fixture();
    std::mem::forget(fixture);
    let app = crate::support::app::App::with_mist(crate::support::sim::state_for(&sim), secrets);
    let session = app.ok(
        "sign_in_token",
        json!({"token": key, "cloudId": "sim", "remember": true}),
    );
    assert_eq!(session["remembered"], true, "{session}");
    (sim, app, key)
}

#[test]
fn a_remembered_token_signs_in_at_start() {
    let (_sim, app, _key) = app_with_remembered_token();
    // A new start: the session is gone, the keychain still has the token.
    tauri::async_runtime::block_on(app.state().mist.sign_out());
    let restored = app.ok("restore_session", json!({}));
    assert_eq!(restored["identity"]["email"], "admin@example.com");
    assert_eq!(restored["remembered"], true);
}

#[test]
fn a_refused_remembered_token_is_reported_and_forgotten() {
    let (sim, app, _key) = app_with_remembered_token();
    let id = sim
        .user_tokens("admin@example.com")
        .into_iter()
        .find(|t| t["name"] == "remembered")
        .and_then(|t| t["id"].as_str().map(str::to_string))
        .unwrap();
    // Deleting the token the app signed in with (as another admin might, in the portal).
    app.ok(
        "delete_token",
        json!({"kind": "user", "orgId": null, "tokenId": id}),
    );
    tauri::async_runtime::block_on(app.state().mist.sign_out());

    let err = app.invoke("restore_session", json!({})).unwrap_err();
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["kind"], "unauthorized");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("no longer accepts"), "{message}");
    assert!(message.contains("forgotten"), "{message}");
    // Forgotten: the next start has nothing to restore.
    assert_eq!(
        app.ok("restore_session", json!({})),
        serde_json::Value::Null
    );
}

#[test]
fn a_network_failure_at_start_is_reported_and_the_token_kept() {
    let (sim, app, _key) = app_with_remembered_token();
    tauri::async_runtime::block_on(app.state().mist.sign_out());
    sim.inject_fault(mist_sim::FaultRule::new(
        "/self",
        mist_sim::Fault::Status {
            code: 503,
            html: true,
        },
    ));
    let err = app.invoke("restore_session", json!({})).unwrap_err();
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["kind"], "server", "{err}");
    sim.clear_faults();
    let restored = app.ok("restore_session", json!({}));
    assert_eq!(
        restored["remembered"], true,
        "the token was kept: {restored}"
    );
}
