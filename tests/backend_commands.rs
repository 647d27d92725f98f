//! Command-level tests through Tauri's mock runtime: the real command list (`builder(state)`), no
//! window, arguments named as the UI sends them (camelCase), and no response ever carrying a key,
//! a password or the token signed in with.

mod support;

use mist_sim::SimHandle;
use mist_token_manager_lib::mist::MistState;
use mist_token_manager_lib::AppState;
use serde_json::{json, Value};
use support::sim::cloud;

struct Harness {
    sim: SimHandle,
    app: support::app::App,
    /// Every response (ok or error) of every command but `reveal_key`, serialized.
    responses: Vec<String>,
    /// The data dir, removed when the harness drops.
    _tmp: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let tmp = support::secrets::temp_dir("commands");
        let dir = tmp.path().to_path_buf();
        std::env::set_var("MIST_TOKEN_MANAGER_DATA_DIR", &dir);
        // The simulator runs on Tauri's own async runtime, which keeps running between calls.
        let sim = support::app::demo_sim_blocking();
        let mist = MistState::with_clouds(vec![cloud(&sim, "sim", "Simulated cloud")]);
        let app = support::app::App::from_state(AppState::new(mist));
        Harness {
            sim,
            app,
            responses: Vec::new(),
            _tmp: tmp,
        }
    }

    fn invoke(&mut self, cmd: &str, args: Value) -> Result<Value, Value> {
        let parse = |text: String| serde_json::from_str::<Value>(&text).unwrap();
        let res = self.app.invoke(cmd, args).map(parse).map_err(parse);
        if cmd != "reveal_key" {
            let text = match &res {
                Ok(v) | Err(v) => v.to_string(),
            };
            self.responses.push(text);
        }
        res
    }

    fn ok(&mut self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => v,
            Err(e) => panic!("{cmd} failed: {e}"),
        }
    }

    fn assert_never_returned(&self, secret: &str) {
        assert!(secret.len() >= 8);
        for r in &self.responses {
            assert!(!r.contains(secret), "a response carried a secret: {r}");
        }
    }
}

#[test]
fn commands_work_without_a_window_and_never_return_a_key() {
    let mut h = Harness::new();
    let mut keys = Vec::new();

    let clouds = h.ok("list_clouds", json!({}));
    assert_eq!(clouds[0]["id"], "sim");
    assert_eq!(clouds[0]["is_mist"], false);
    let url = h.sim.url();
    let c = h.ok("resolve_cloud", json!({ "input": url }));
    assert_eq!(c["id"], "sim");
    let found = h.ok("find_cloud_by_email", json!({"email": "2fa@example.com"}));
    assert_eq!(found["matches"][0]["cloud"]["id"], "sim");
    assert_eq!(found["matches"][0]["sso"], false);
    assert_eq!(h.ok("session_info", json!({})), Value::Null);

    // Password + 2FA.
    let r = h.ok(
        "sign_in_password",
        json!({"cloudId": "sim", "email": "2fa@example.com", "password": "demo-password", "twoFactor": null}),
    );
    assert_eq!(r, json!({"status": "two_factor_required"}));
    let e = h
        .invoke("submit_two_factor", json!({"code": "000000"}))
        .unwrap_err();
    assert_eq!(e["kind"], "two_factor_invalid");
    let s = h.ok("submit_two_factor", json!({"code": "123456"}));
    assert_eq!(s["identity"]["email"], "2fa@example.com");
    assert_eq!(s["method"], "password");
    assert_eq!(s["remembered"], false);
    let org_id = s["orgs"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(s["orgs"][0]["name"], "Acme Retail");
    let details = h.ok("org_details", json!({"orgId": org_id}));
    assert_eq!(details["sites"].as_array().unwrap().len(), 3);

    let inv = h.ok("inventory", json!({}));
    assert!(inv["user_tokens"].is_array());
    assert!(inv["orgs"][0]["tokens"].is_array());
    assert!(inv["fetched_at"].as_i64().unwrap() > 0);

    // Create a user token: the key goes to a slot; the slot reveals it once.
    let created = h.ok("create_user_token", json!({"name": "from the app"}));
    let key = h.sim.last_issued_key().unwrap();
    keys.push(key.clone());
    assert_eq!(created["token"]["name"], "from the app");
    let slot_id = created["slot"]["slot_id"].as_str().unwrap().to_string();
    assert!(created["slot"]["expires_in_s"].as_u64().unwrap() > 0);
    let revealed = h.ok("reveal_key", json!({"slotId": slot_id}));
    assert_eq!(revealed["key"], key.as_str());
    let again = h
        .invoke("reveal_key", json!({"slotId": slot_id}))
        .unwrap_err();
    assert_eq!(again["kind"], "already_revealed");
    let user_token_id = created["token"]["id"].as_str().unwrap().to_string();

    // Org token: create, rename, change access, delete.
    let created = h.ok(
        "create_org_token",
        json!({
            "orgId": org_id,
            "name": "dashboard",
            "privileges": [{"scope": "org", "role": "read"}],
            "srcIps": ["198.51.100.0/24"],
        }),
    );
    keys.push(h.sim.last_issued_key().unwrap());
    let token_id = created["token"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["token"]["src_ips"], json!(["198.51.100.0/24"]));
    assert_eq!(
        created["token"]["access_summary"],
        "Read only · whole organization"
    );
    let site = h.sim.site_id(&org_id, "Store 1").unwrap();
    let v = h.ok(
        "update_org_token_access",
        json!({"orgId": org_id, "tokenId": token_id, "privileges": [{"scope": "site", "role": "write", "site_id": site}]}),
    );
    assert_eq!(v["access_summary"], "Write · 1 site");
    assert_eq!(v["src_ips"], json!(["198.51.100.0/24"]));
    let v = h.ok(
        "rename_token",
        json!({"kind": "org", "orgId": org_id, "tokenId": token_id, "name": "dashboard 2"}),
    );
    assert_eq!(v["name"], "dashboard 2");
    assert_eq!(
        h.ok(
            "delete_token",
            json!({"kind": "org", "orgId": org_id, "tokenId": token_id})
        ),
        Value::Null
    );
    let v = h.ok(
        "rename_token",
        json!({"kind": "user", "orgId": null, "tokenId": user_token_id, "name": "renamed"}),
    );
    assert_eq!(v["name"], "renamed");

    // Errors keep the IPC shape.
    let e = h
        .invoke(
            "create_org_token",
            json!({"orgId": org_id, "name": "bad", "privileges": [{"scope": "org", "role": "read"}], "srcIps": ["10.0.0.300"]}),
        )
        .unwrap_err();
    assert_eq!(e["kind"], "invalid_input");
    assert_eq!(e["field"], "src_ips");
    assert!(e["message"].as_str().unwrap().contains("10.0.0.300"));

    // Sign out; then sign in with the user token just created (cloud found by /self).
    assert_eq!(
        h.ok("sign_out", json!({"forgetRemembered": false})),
        Value::Null
    );
    assert_eq!(h.ok("session_info", json!({})), Value::Null);
    let e = h.invoke("inventory", json!({})).unwrap_err();
    assert_eq!(e["kind"], "not_signed_in");
    let s = h.ok(
        "sign_in_token",
        json!({"token": key, "cloudId": null, "remember": false}),
    );
    assert_eq!(s["method"], "token");
    assert_eq!(s["identity"]["email"], "2fa@example.com");
    let inv = h.ok("inventory", json!({}));
    let mine: Vec<&Value> = inv["user_tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["is_session_token"] == true)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["name"], "renamed");
    // Remember me: with or without a working keychain the sign-in works.
    let s = h.ok(
        "sign_in_token",
        json!({"token": key, "cloudId": "sim", "remember": true}),
    );
    let remembered = s["remembered"].as_bool().unwrap();
    assert_eq!(
        h.ok("sign_out", json!({"forgetRemembered": false})),
        Value::Null
    );
    // restore_session never fails start-up (keychain or not).
    let restored = h.ok("restore_session", json!({}));
    if remembered {
        assert_eq!(restored["identity"]["email"], "2fa@example.com");
        assert_eq!(restored["remembered"], true);
    } else {
        assert_eq!(restored, Value::Null);
    }
    let out = h.invoke("sign_out", json!({"forgetRemembered": true}));
    match out {
        Ok(v) => assert_eq!(v, Value::Null),
        Err(e) => assert_eq!(e["kind"], "keychain_unavailable", "{e}"),
    }
    assert_eq!(h.ok("session_info", json!({})), Value::Null);

    for k in &keys {
        h.assert_never_returned(k);
    }
    h.assert_never_returned("demo-password");
}

#[test]
fn sso_and_lockout_errors_through_the_commands() {
    let mut h = Harness::new();
    let e = h
        .invoke(
            "sign_in_password",
            json!({"cloudId": "sim", "email": "sso@example.com", "password": "x-password"}),
        )
        .unwrap_err();
    assert_eq!(e["kind"], "sso_account");
    for _ in 0..3 {
        let e = h
            .invoke(
                "sign_in_password",
                json!({"cloudId": "sim", "email": "admin@example.com", "password": "wrong-password"}),
            )
            .unwrap_err();
        assert_eq!(e["kind"], "unauthorized");
    }
    let e = h
        .invoke(
            "sign_in_password",
            json!({"cloudId": "sim", "email": "admin@example.com", "password": "demo-password"}),
        )
        .unwrap_err();
    assert_eq!(e["kind"], "rate_limited");
    assert!(e["retry_after_s"].as_u64().unwrap() > 0);
    h.assert_never_returned("wrong-password");
    h.assert_never_returned("demo-password");
}
