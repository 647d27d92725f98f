//! The token lifecycle (issue 13) against the simulator, through the `AppState` flows: rotate
//! (keep the key first, then delete the old token; a failed delete keeps both and retries), the
//! health marks, keep alive, API usage, and the export.

use std::sync::Arc;

use mist_sim::{Fault, FaultRule, Method, SimHandle};
use mist_token_core::mist::{
    HealthReason, Inventory, PrivilegeInput, QuotaOwner, RotationRole, SavedTokenState, TokenKind,
    TokenView,
};
use mist_token_core::AppState;

use crate::support::secrets::{app_over, temp_dir};
use crate::support::sim::{demo_sim, sign_in, state_for};

fn app(sim: &SimHandle, store: &Arc<keyring_core::mock::Store>, dir: &std::path::Path) -> AppState {
    app_over(state_for(sim), store, dir).0
}

/// A demo simulator, a mock keychain, a data folder and a state signed in as admin@example.com.
async fn signed_in_admin(
    tag: &str,
) -> (
    SimHandle,
    Arc<keyring_core::mock::Store>,
    tempfile::TempDir,
    AppState,
) {
    let sim = demo_sim().await;
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir(tag);
    let state = app(&sim, &store, dir.path());
    sign_in(&state.mist, "admin@example.com").await;
    (sim, store, dir, state)
}

fn all(inv: &Inventory) -> Vec<&TokenView> {
    inv.user_tokens
        .iter()
        .flatten()
        .chain(inv.orgs.iter().filter_map(|o| o.tokens.as_ref()).flatten())
        .collect()
}

fn named<'a>(inv: &'a Inventory, name: &str) -> Vec<&'a TokenView> {
    all(inv).into_iter().filter(|t| t.name == name).collect()
}

/// An org token in Acme Retail with two privileges and a source IP range covering 127.0.0.1,
/// its key saved in the keychain under "ci key". Returns (token id, key).
async fn saved_org_token(sim: &SimHandle, state: &AppState) -> (String, String) {
    let org = sim.org_id("Acme Retail").unwrap();
    let store1 = sim.site_id(&org, "Store 1").unwrap();
    let created = state
        .create_org_token(
            &org,
            "rotating ci",
            &[
                PrivilegeInput {
                    scope: "site".into(),
                    role: "read".into(),
                    site_id: Some(store1),
                    sitegroup_id: None,
                },
                PrivilegeInput {
                    scope: "org".into(),
                    role: "write".into(),
                    site_id: None,
                    sitegroup_id: None,
                },
            ],
            &["127.0.0.0/8".into()],
        )
        .await
        .unwrap();
    let key = sim.last_issued_key().unwrap();
    state
        .save_key(&created.slot.slot_id, "ci key")
        .await
        .unwrap();
    (created.token.id, key)
}

fn sim_token(sim: &SimHandle, org: &str, id: &str) -> Option<serde_json::Value> {
    sim.org_tokens(org).into_iter().find(|t| t["id"] == id)
}

#[tokio::test]
async fn rotate_org_token_same_access_then_old_deleted_after_the_key_is_kept() {
    let (sim, _store, _dir, state) = signed_in_admin("rotate").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let (old_id, old_key) = saved_org_token(&sim, &state).await;
    state.inventory().await.unwrap();

    let started = state
        .start_rotation(TokenKind::Org, Some(&org), &old_id, None)
        .await
        .unwrap();
    let new_id = started.created.token.id.clone();
    assert_eq!(started.saved_key_label.as_deref(), Some("ci key"));
    assert!(started.warning.is_none());
    let old = sim_token(&sim, &org, &old_id).expect("the old token still exists");
    let new = sim_token(&sim, &org, &new_id).expect("the new token exists");
    assert_eq!(new["name"], old["name"]);
    assert_eq!(new["privileges"], old["privileges"], "same privileges");
    assert_eq!(
        new["src_ips"],
        serde_json::json!(["127.0.0.0/8"]),
        "same source IPs"
    );

    // Both are listed, as a pair, and the pair is no duplicate-name warning.
    let inv = state.current_inventory().await.unwrap();
    let pair = named(&inv, "rotating ci");
    assert_eq!(pair.len(), 2);
    for t in &pair {
        let mark = t.rotation.as_ref().expect("a rotation mark");
        assert_eq!(mark.role == RotationRole::Old, t.id == old_id);
        assert!(!t
            .health
            .iter()
            .any(|h| h.reason == HealthReason::DuplicateName));
    }

    // Not before the new key is kept.
    let e = state
        .finish_rotation(&started.rotation.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");
    assert!(sim_token(&sim, &org, &old_id).is_some());

    // "Save to keychain" replaces the saved entry of the old key, bound to the new token.
    let saved = state
        .save_key(&started.created.slot.slot_id, "ci key")
        .await
        .unwrap();
    let rows = state.secrets.vault.rows().await.unwrap();
    assert_eq!(rows.len(), 1, "replaced, not added");
    assert_eq!(rows[0].id, saved.row.id);
    assert_eq!(rows[0].token_id.as_deref(), Some(new_id.as_str()));

    let done = state.finish_rotation(&started.rotation.id).await.unwrap();
    assert_eq!(done.deleted_token_id, old_id);
    assert!(
        sim_token(&sim, &org, &old_id).is_none(),
        "old token deleted"
    );
    assert!(state.secrets.rotations.list().unwrap().is_empty());

    // The keychain entry works against the simulator (which enforces source IPs), the old key
    // is refused.
    let test = state.test_saved_key(&saved.row.id).await.unwrap();
    assert!(test.valid, "{}", test.message);
    let cloud = state.mist.bound_cloud(&sim.url()).unwrap();
    let old_test = state
        .mist
        .test_key_on(&cloud, &secrecy::SecretString::from(old_key))
        .await
        .unwrap();
    assert!(!old_test.valid);
    let inv = state.current_inventory().await.unwrap();
    let left = named(&inv, "rotating ci");
    assert_eq!(left.len(), 1);
    assert!(left[0].saved && left[0].rotation.is_none());
}

#[tokio::test]
async fn rotate_where_the_delete_fails_keeps_both_across_a_restart_and_retry_works() {
    let (sim, store, dir, state) = signed_in_admin("rotate-fail").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let (old_id, _) = saved_org_token(&sim, &state).await;
    let started = state
        .start_rotation(TokenKind::Org, Some(&org), &old_id, None)
        .await
        .unwrap();
    state.copy_key(&started.created.slot.slot_id).await.unwrap();

    // The simulator's rotate fault: the create went through, the delete fails.
    sim.inject_fault(
        FaultRule::new(
            format!("/apitokens/{old_id}"),
            Fault::Status {
                code: 502,
                html: true,
            },
        )
        .method(Method::DELETE),
    );
    let e = state
        .finish_rotation(&started.rotation.id)
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("still exists"), "{msg}");
    assert!(msg.contains("“rotating ci” of Acme Retail"), "{msg}");
    assert!(sim_token(&sim, &org, &old_id).is_some());

    // A restart: a new state over the same keychain and data folder still knows the pair.
    drop(state);
    let state = app(&sim, &store, dir.path());
    sign_in(&state.mist, "admin@example.com").await;
    let inv = state.inventory().await.unwrap();
    let pair = named(&inv, "rotating ci");
    assert_eq!(pair.len(), 2, "both tokens are listed");
    let old = pair.iter().find(|t| t.id == old_id).unwrap();
    let mark = old.rotation.as_ref().unwrap();
    assert_eq!(mark.role, RotationRole::Old);
    assert!(mark.key_kept, "the copy was recorded");
    assert!(mark.delete_error.is_some());
    assert!(mark.text.contains("try again"), "{}", mark.text);

    sim.clear_faults();
    let done = state.finish_rotation(&mark.rotation_id).await.unwrap();
    assert_eq!(done.deleted_token_id, old_id);
    assert!(sim_token(&sim, &org, &old_id).is_none());
}

#[tokio::test]
async fn rotate_failed_create_changes_nothing_and_bad_source_ips_are_refused() {
    let (sim, _store, _dir, state) = signed_in_admin("rotate-create").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let (old_id, _) = saved_org_token(&sim, &state).await;
    let before = sim.org_tokens(&org).len();
    let slots = state.secrets.slots.open_count();

    let bad = ["10.0.0.0/33".to_string()];
    let e = state
        .start_rotation(TokenKind::Org, Some(&org), &old_id, Some(&bad))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_input");
    assert_eq!(serde_json::to_value(&e).unwrap()["field"], "src_ips");

    sim.inject_fault(
        FaultRule::new(
            "/apitokens",
            Fault::Status {
                code: 500,
                html: false,
            },
        )
        .method(Method::POST)
        .times(1),
    );
    let e = state
        .start_rotation(TokenKind::Org, Some(&org), &old_id, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "server", "{e}");
    assert_eq!(sim.org_tokens(&org).len(), before, "nothing was created");
    assert!(state.secrets.rotations.list().unwrap().is_empty());
    assert_eq!(state.secrets.slots.open_count(), slots, "no new slot");

    // New source IPs are the way to change them.
    let ips = ["127.0.0.1".to_string(), "192.0.2.0/24".to_string()];
    let started = state
        .start_rotation(TokenKind::Org, Some(&org), &old_id, Some(&ips))
        .await
        .unwrap();
    let new = sim_token(&sim, &org, &started.created.token.id).unwrap();
    assert_eq!(new["src_ips"], serde_json::json!(ips));
}

#[tokio::test]
async fn rotate_abandoned_when_the_new_token_is_deleted_and_user_tokens_rotate_too() {
    let (sim, _store, _dir, state) = signed_in_admin("rotate-user").await;
    let inv = state.inventory().await.unwrap();
    let laptop = named(&inv, "laptop scripts")[0].id.clone();
    let started = state
        .start_rotation(TokenKind::User, None, &laptop, None)
        .await
        .unwrap();
    assert_eq!(started.created.token.kind, TokenKind::User);
    assert_eq!(sim.user_tokens("admin@example.com").len(), 3);
    // The admin deletes the new token instead (its key was lost): the rotation is forgotten.
    state
        .mist
        .delete_token(TokenKind::User, None, &started.created.token.id)
        .await
        .unwrap();
    let inv = state.current_inventory().await.unwrap();
    assert!(named(&inv, "laptop scripts")[0].rotation.is_none());
    assert!(state.secrets.rotations.list().unwrap().is_empty());
}

#[tokio::test]
async fn health_marks_on_the_demo_seed() {
    let (_sim, _store, _dir, state) = signed_in_admin("health").await;
    let inv = state.inventory().await.unwrap();
    let reasons = |name: &str| -> Vec<Vec<HealthReason>> {
        named(&inv, name)
            .iter()
            .map(|t| t.health.iter().map(|h| h.reason).collect())
            .collect()
    };
    assert_eq!(reasons("laptop scripts"), vec![vec![]]);
    assert_eq!(
        reasons("old integration"),
        vec![vec![HealthReason::RemovalSoon]]
    );
    assert_eq!(reasons("monitoring"), vec![vec![HealthReason::NeverUsed]]);
    assert_eq!(reasons("ci pipeline"), vec![vec![]]);
    assert_eq!(
        reasons("legacy sync"),
        vec![vec![
            HealthReason::RemovalOverdue,
            HealthReason::BroadAdmin,
            HealthReason::CreatorGone
        ]]
    );
    assert_eq!(
        reasons("backup"),
        vec![
            vec![HealthReason::DuplicateName],
            vec![HealthReason::DuplicateName]
        ]
    );
    assert_eq!(inv.attention, 5);
    let soon = &named(&inv, "old integration")[0].health[0].text;
    assert!(soon.starts_with("Mist removes it in "), "{soon}");
}

#[tokio::test]
async fn keep_alive_moves_last_used_in_the_simulator_and_saved_keys_show_their_token() {
    let (sim, _store, _dir, state) = signed_in_admin("keepalive").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let (id, _) = saved_org_token(&sim, &state).await;
    let eighty_days_ago = mist_token_core::mist::views::now() - 80 * 86_400;
    assert!(sim.set_token_last_used(&id, Some(eighty_days_ago)));
    let inv = state.inventory().await.unwrap();
    let row = state.secrets.vault.rows().await.unwrap().remove(0);
    match &inv.saved_keys[0].token {
        SavedTokenState::Exists {
            days_until_removal, ..
        } => assert!(*days_until_removal <= 10),
        other => panic!("{other:?}"),
    }
    assert!(named(&inv, "rotating ci")[0].saved, "marked Saved");

    let results = state.keep_alive(std::slice::from_ref(&row.id)).await;
    assert!(results[0].ok, "{}", results[0].message);
    let seen = results[0]
        .token
        .as_ref()
        .expect("the token as Mist shows it");
    let now = mist_token_core::mist::views::now();
    assert!(seen.last_used.unwrap() >= now - 5, "{:?}", seen.last_used);
    let in_sim = sim_token(&sim, &org, &id).unwrap()["last_used"]
        .as_i64()
        .unwrap();
    assert!(in_sim >= now - 5, "the simulator's last_used moved");
    let inv = state.current_inventory().await.unwrap();
    match &inv.saved_keys[0].token {
        SavedTokenState::Exists {
            days_until_removal, ..
        } => assert!(*days_until_removal >= 89),
        other => panic!("{other:?}"),
    }

    // A key whose token is gone: keep alive says so plainly, and the state is "gone".
    state
        .mist
        .delete_token(TokenKind::Org, Some(&org), &id)
        .await
        .unwrap();
    let results = state.keep_alive(std::slice::from_ref(&row.id)).await;
    assert!(!results[0].ok);
    assert!(
        results[0].message.contains("no longer accepts"),
        "{}",
        results[0].message
    );
    let inv = state.current_inventory().await.unwrap();
    assert_eq!(inv.saved_keys[0].token, SavedTokenState::Gone);
}

#[tokio::test]
async fn usage_numbers_equal_the_simulators_and_a_tested_key_names_its_quota() {
    let (sim, _store, _dir, state) = signed_in_admin("usage").await;
    state.inventory().await.unwrap();
    let usage = state.api_usage().await.unwrap();
    assert_eq!(usage.requests, sim.quota_used("admin@example.com") as u64);
    assert_eq!(usage.limit, 5000);
    assert_eq!(usage.owner, QuotaOwner::User);
    assert!(usage.text.contains("admin@example.com"), "{}", usage.text);

    let (id, _) = saved_org_token(&sim, &state).await;
    let row = state.secrets.vault.rows().await.unwrap().remove(0);
    let test = state.test_saved_key(&row.id).await.unwrap();
    let spent = test.usage.expect("the key's quota");
    assert_eq!(spent.owner, QuotaOwner::OrgToken);
    assert_eq!(spent.requests, sim.quota_used(&id) as u64);
    assert!(spent.text.contains("limit of its own"));

    let created = state.create_user_token("quota key").await.unwrap();
    state
        .save_key(&created.slot.slot_id, "quota key")
        .await
        .unwrap();
    let user_row = state
        .secrets
        .vault
        .rows()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.label == "quota key")
        .unwrap();
    let test = state.test_saved_key(&user_row.id).await.unwrap();
    let shared = test.usage.unwrap();
    assert_eq!(
        shared.owner,
        QuotaOwner::User,
        "a user token spends the user's quota"
    );
    assert_eq!(shared.requests, sim.quota_used("admin@example.com") as u64);
}

#[tokio::test]
async fn export_holds_every_token_and_no_key() {
    let (sim, _store, dir, state) = signed_in_admin("export").await;
    let (_, key) = saved_org_token(&sim, &state).await;
    let created = state.create_user_token("=HYPERLINK(\"x\")").await.unwrap();
    let formula_key = sim.last_issued_key().unwrap();
    state.reveal_key(&created.slot.slot_id).unwrap();
    let inv = state.inventory().await.unwrap();
    let total = all(&inv).len();

    let csv_path = dir.path().join("tokens.csv");
    let summary = state.export_inventory(&csv_path).await.unwrap();
    assert_eq!(summary.rows, total);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(
        csv.lines().count(),
        total + 1,
        "a header and one line per token"
    );
    for t in all(&inv) {
        assert!(
            csv.contains(&t.key_hint.to_string()),
            "{} is in the export",
            t.name
        );
    }
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "the formula is defused"
    );
    assert!(
        csv.contains("Super User on the whole organization"),
        "health reasons in words"
    );

    let json_path = dir.path().join("tokens.json");
    state.export_inventory(&json_path).await.unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json["tokens"].as_array().unwrap().len(), total);

    for text in [&csv, &json.to_string()] {
        for k in [&key, &formula_key] {
            assert!(!text.contains(k.as_str()), "a key is in the export");
            assert!(!text.contains(&k[..24]), "part of a key is in the export");
        }
    }
    let e = state
        .export_inventory(&dir.path().join("tokens.txt"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_input");
    assert!(!dir.path().join("tokens.txt").exists());
    // Keys never reach any file of the data folder either.
    for (path, text) in crate::support::secrets::files_text(dir.path()) {
        assert!(!text.contains(&key), "{}", path.display());
    }
}

#[tokio::test]
async fn rotate_is_finished_only_by_the_account_that_started_it() {
    let (sim, _store, _dir, state) = signed_in_admin("rotate-account").await;
    let inv = state.inventory().await.unwrap();
    let laptop = named(&inv, "laptop scripts")[0].id.clone();
    let started = state
        .start_rotation(TokenKind::User, None, &laptop, None)
        .await
        .unwrap();
    state.copy_key(&started.created.slot.slot_id).await.unwrap();

    // Another account on the same cloud: its lists lack admin's tokens, which must not read as
    // "gone", and it may not finish the rotation (a 404 would read as "deleted").
    state.sign_out(false).await.unwrap();
    sign_in(&state.mist, "observer@example.com").await;
    state.inventory().await.unwrap();
    assert_eq!(state.secrets.rotations.list().unwrap().len(), 1, "kept");
    let e = state
        .finish_rotation(&started.rotation.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden");
    assert!(e.to_string().contains("as admin@example.com"), "{e}");
    assert_eq!(
        sim.user_tokens("admin@example.com").len(),
        3,
        "nothing deleted"
    );
}
