//! The reveal-slot rules and the saved keys, through the IPC commands (Tauri mock runtime), as
//! the web view sees them.

use std::time::Duration;

use crate::support::app::App;
use crate::support::secrets::{fixture, meta, KEY};
use secrecy::SecretString;
use serde_json::json;

fn open(app: &App) -> String {
    let h = app
        .state()
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta());
    assert_eq!(h.expires_in_s, 600);
    h.slot_id
}

#[test]
fn reveal_is_once_then_already_revealed() {
    let (secrets, _f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let v = app.ok("reveal_key", json!({ "slotId": id }));
    assert_eq!(v, json!({ "key": KEY }));
    assert_eq!(
        app.err_kind("reveal_key", json!({ "slotId": id })),
        "already_revealed"
    );
    let st = app.ok("slot_status", json!({ "slotId": id }));
    assert_eq!(st["revealed"], true);
    assert_eq!(st["copied"], false);
    assert_eq!(st["saved"], false);
    assert_eq!(st["slot_id"], id.as_str());
}

#[test]
fn every_operation_after_dismiss_is_slot_expired() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    assert_eq!(app.ok("dismiss_key", json!({ "slotId": id })), json!(null));
    assert!(!app.state().secrets.slots.holds(&id), "the key is dropped");
    for (cmd, args) in [
        ("reveal_key", json!({ "slotId": id })),
        ("copy_key", json!({ "slotId": id })),
        ("save_key", json!({ "slotId": id, "label": "x" })),
        ("slot_status", json!({ "slotId": id })),
        ("dismiss_key", json!({ "slotId": id })),
    ] {
        assert_eq!(app.err_kind(cmd, args), "slot_expired", "{cmd}");
    }
    assert_eq!(f.clip.writes(), 0);
}

#[test]
fn expiry_after_ten_minutes_with_a_controlled_clock() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    f.clock.advance(Duration::from_secs(9 * 60));
    assert_eq!(
        app.ok("slot_status", json!({ "slotId": id }))["expires_in_s"],
        60
    );
    f.clock.advance(Duration::from_secs(60));
    assert_eq!(
        app.err_kind("reveal_key", json!({ "slotId": id })),
        "slot_expired"
    );
    assert!(!app.state().secrets.slots.holds(&id));
    assert_eq!(
        app.err_kind("copy_key", json!({ "slotId": id })),
        "slot_expired"
    );
}

#[test]
fn unknown_slot_is_slot_expired() {
    let (secrets, _f) = fixture();
    let app = App::new(secrets);
    assert_eq!(
        app.err_kind("reveal_key", json!({ "slotId": "nope" })),
        "slot_expired"
    );
}

#[test]
fn copy_and_save_do_not_return_the_key_and_status_tracks_them() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let copy = app.invoke("copy_key", json!({ "slotId": id })).unwrap();
    assert_eq!(copy, r#"{"clears_in_s":1}"#);
    assert_eq!(f.clip.read_text_for_test().as_deref(), Some(KEY));
    let saved = app
        .invoke("save_key", json!({ "slotId": id, "label": "CI" }))
        .unwrap();
    assert!(!saved.contains(KEY));
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["label"], "CI");
    assert_eq!(saved["status"], "ok");
    assert_eq!(saved["kind"], "org");
    assert_eq!(saved["token_id"], meta().token_id.as_str());
    let st = app.ok("slot_status", json!({ "slotId": id }));
    assert_eq!(
        (st["copied"].clone(), st["saved"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(st["revealed"], false);
    // Copy and save do not use up the one reveal.
    assert_eq!(app.ok("reveal_key", json!({ "slotId": id }))["key"], KEY);
    // The clipboard is cleared after the (test) 50 ms.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(f.clip.read_text_for_test(), None);
}

#[test]
fn saved_keys_commands_round_trip() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let saved = app.ok("save_key", json!({ "slotId": id, "label": "Deploy" }));
    let key_id = saved["id"].as_str().unwrap().to_string();
    app.ok("dismiss_key", json!({ "slotId": id }));

    let list = app.ok("list_saved_keys", json!({}));
    assert_eq!(list["orphans"], 0);
    assert_eq!(list["keychain_error"], json!(null));
    assert_eq!(list["keys"][0]["id"], key_id.as_str());
    assert_eq!(list["keys"][0]["status"], "ok");
    for field in [
        "label",
        "token_id",
        "token_name",
        "kind",
        "org_id",
        "org_name",
        "cloud_name",
        "cloud_api",
        "saved_at",
    ] {
        assert!(list["keys"][0].get(field).is_some(), "{field}");
    }

    let copy = app.ok("copy_saved_key", json!({ "id": key_id }));
    assert_eq!(copy["clears_in_s"], 1);
    assert_eq!(f.clip.read_text_for_test().as_deref(), Some(KEY));

    let renamed = app.ok("rename_saved_key", json!({ "id": key_id, "label": "Prod" }));
    assert_eq!(renamed["label"], "Prod");
    assert_eq!(
        app.err_kind("rename_saved_key", json!({ "id": key_id, "label": "" })),
        "invalid_input"
    );

    assert_eq!(
        app.ok("forget_saved_key", json!({ "id": key_id })),
        json!(null)
    );
    assert_eq!(app.ok("list_saved_keys", json!({}))["keys"], json!([]));
    assert_eq!(
        app.err_kind("forget_saved_key", json!({ "id": key_id })),
        "not_found"
    );
    assert_eq!(
        app.err_kind("copy_saved_key", json!({ "id": key_id })),
        "not_found"
    );
}

#[test]
fn missing_secret_is_listed_and_repair_drops_it() {
    use keyring_core::api::CredentialStoreApi;
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let saved = app.ok("save_key", json!({ "slotId": id, "label": "Gone" }));
    let key_id = saved["id"].as_str().unwrap();
    let service = app.state().secrets.vault.service().to_string();
    f.store
        .build(&service, key_id, None)
        .unwrap()
        .delete_credential()
        .unwrap();
    let list = app.ok("list_saved_keys", json!({}));
    assert_eq!(list["keys"][0]["status"], "missing_secret");
    let repaired = app.ok("repair_saved_keys", json!({}));
    assert_eq!(repaired["keys"], json!([]));
    assert_eq!(repaired["orphans"], 0);
}
