//! The lifecycle commands through IPC (Tauri mock runtime), as the web view sees them: rotate,
//! Delete old token, the marked inventory, keep alive, API usage and the export. No answer ever
//! carries a key: each is searched for every key the simulator issued.

use serde_json::{json, Value};

use crate::support::app::{demo_sim_blocking, App};

/// Signed in as admin@example.com over the demo simulator, with the secrets fixture.
fn signed_in() -> (mist_sim::SimHandle, App, crate::support::secrets::Fixture) {
    let sim = demo_sim_blocking();
    let (secrets, fixture) = crate::support::secrets::fixture();
    let app = App::with_mist(crate::support::sim::state_for(&sim), secrets);
    app.ok(
        "sign_in_password",
        json!({"cloudId": "sim", "email": "admin@example.com", "password": "demo-password"}),
    );
    (sim, app, fixture)
}

fn no_key(sim: &mist_sim::SimHandle, text: &str) {
    if let Some(k) = sim.last_issued_key() {
        assert!(!text.contains(&k), "a key crossed IPC: {text}");
    }
}

fn token<'a>(inv: &'a Value, name: &str) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = inv["user_tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    for o in inv["orgs"].as_array().unwrap() {
        out.extend(o["tokens"].as_array().into_iter().flatten());
    }
    out.into_iter().filter(|t| t["name"] == name).collect()
}

#[test]
fn rotate_through_ipc_never_carries_the_key_and_deletes_the_old_token_after_a_copy() {
    let (sim, app, f) = signed_in();
    let org = sim.org_id("Acme Retail").unwrap();
    let inv = app.ok("inventory", json!({}));
    assert_eq!(inv["attention"], 5, "the demo seed's marked tokens");
    let ci = token(&inv, "ci pipeline")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let text = app
        .invoke(
            "start_rotation",
            json!({"kind": "org", "orgId": org, "tokenId": ci, "srcIps": null}),
        )
        .unwrap();
    no_key(&sim, &text);
    let started: Value = serde_json::from_str(&text).unwrap();
    let rotation = started["rotation"]["id"].as_str().unwrap().to_string();
    let slot = started["created"]["slot"]["slot_id"]
        .as_str()
        .unwrap()
        .to_string();

    assert_eq!(
        app.err_kind("finish_rotation", json!({"rotationId": rotation})),
        "forbidden",
        "not before the key is kept"
    );
    let inv = app.invoke("current_inventory", json!({})).unwrap();
    no_key(&sim, &inv);
    let inv: Value = serde_json::from_str(&inv).unwrap();
    let pair = token(&inv, "ci pipeline");
    assert_eq!(pair.len(), 2);
    assert!(pair
        .iter()
        .all(|t| t["rotation"]["rotation_id"] == rotation.as_str()));

    app.ok("copy_key", json!({"slotId": slot}));
    assert_eq!(f.clip.read_text_for_test(), sim.last_issued_key());
    let done = app.ok("finish_rotation", json!({"rotationId": rotation}));
    assert_eq!(done["deleted_token_id"], ci.as_str());
    let inv = app.ok("current_inventory", json!({}));
    let left = token(&inv, "ci pipeline");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["rotation"], Value::Null);
    assert!(sim.org_tokens(&org).iter().all(|t| t["id"] != ci.as_str()));
}

#[test]
fn usage_keep_alive_and_export_through_ipc() {
    let (sim, app, f) = signed_in();
    app.ok("inventory", json!({}));
    let usage = app.ok("api_usage", json!({}));
    assert_eq!(
        usage["requests"].as_u64().unwrap(),
        sim.quota_used("admin@example.com") as u64
    );
    assert_eq!(usage["limit"], 5000);
    assert_eq!(usage["owner"], "user");

    // A saved user token, kept alive.
    let created = app.ok("create_user_token", json!({"name": "kept alive"}));
    let slot = created["slot"]["slot_id"].as_str().unwrap().to_string();
    let saved = app.ok("save_key", json!({"slotId": slot, "label": "kept alive"}));
    let id = saved["id"].as_str().unwrap().to_string();
    let token_id = created["token"]["id"].as_str().unwrap().to_string();
    assert!(sim.set_token_last_used(
        &token_id,
        Some(mist_token_manager_lib::mist::views::now() - 85 * 86_400)
    ));
    let text = app.invoke("keep_alive", json!({"ids": [id]})).unwrap();
    no_key(&sim, &text);
    let results: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(results[0]["ok"], true, "{results}");
    assert!(
        results[0]["token"]["days_until_removal"]
            .as_i64()
            .unwrap_or(0)
            >= 89,
        "{results}"
    );
    let inv = app.ok("current_inventory", json!({}));
    assert_eq!(token(&inv, "kept alive")[0]["saved"], true);
    assert_eq!(inv["saved_keys"][0]["token"]["state"], "exists");

    // Test shows the quota it spends.
    let test = app.ok("test_saved_key", json!({"id": saved["id"]}));
    assert_eq!(test["usage"]["owner"], "user", "{test}");

    // Export through the knob (no dialog): every token, no key.
    let path = f.dir.join("export.csv");
    std::env::set_var("MIST_TOKEN_MANAGER_EXPORT_PATH", &path);
    let summary = app.ok("export_inventory", json!({}));
    std::env::remove_var("MIST_TOKEN_MANAGER_EXPORT_PATH");
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        summary["rows"].as_u64().unwrap() as usize,
        csv.lines().count() - 1
    );
    assert!(csv.contains("kept alive"));
    no_key(&sim, &csv);
}
