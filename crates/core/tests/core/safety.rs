//! Safety, round 2 (issue 11), Tauri-free: each test is named after the hole it closes and fails
//! without the fix. The simulator counts every request it gets, so "nothing was sent" is checked
//! by its count, not assumed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mist_sim::{Sim, SimConfig, SimHandle};
use mist_token_core::mist::auth::key_hint;
use mist_token_core::mist::{Cloud, MistState, PrivilegeInput, SignInResult, TokenKind, TokenView};
use mist_token_core::secrets::index::{Index, IndexRow, INDEX_FILE};
use mist_token_core::secrets::{Keychain, ManualClock, RevealSlots, SlotMeta};
use mist_token_core::Error;
use secrecy::SecretString;
use serde_json::json;

const PASSWORD: &str = "demo-password";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn cloud(sim: &SimHandle, id: &str) -> Cloud {
    Cloud {
        id: id.into(),
        name: format!("Simulated {id}"),
        api_url: sim.url(),
        portal_host: None,
        is_mist: false,
        cookie_suffix: None,
    }
}

fn mist_for(clouds: Vec<Cloud>) -> MistState {
    MistState::with_clouds(clouds).with_request_timeout(Duration::from_secs(5))
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mtm-safety-{tag}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

use crate::support::secrets::app_over as app;

fn meta_at(api: &str) -> SlotMeta {
    SlotMeta {
        token_id: "0c7a1f52-3b9e-4d21-8f6a-9e2b4c1d7a30".into(),
        token_name: "laptop scripts".into(),
        kind: TokenKind::User,
        org_id: None,
        org_name: None,
        cloud_name: "Simulated sim".into(),
        cloud_api: api.into(),
    }
}

async fn sign_in(state: &MistState, email: &str) {
    match state
        .sign_in_password("sim", email, secret(PASSWORD), None)
        .await
        .expect("sign-in works")
    {
        SignInResult::SignedIn { .. } => {}
        other => panic!("unexpected {other:?}"),
    }
}

fn kind(e: &Error) -> &'static str {
    e.kind().as_str()
}

// ---- 1. A saved key is sent only to the cloud bound to it in the keychain ----

#[tokio::test]
async fn tampered_index_test_sends_nothing_to_the_host_the_index_names() {
    let real = Sim::start(SimConfig::default()).await;
    let attacker = Sim::start(SimConfig::default()).await;
    let key = real.add_user_token("admin@example.com", "kept");
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("tampered");
    let (state, clip) = app(mist_for(vec![cloud(&real, "sim")]), &store, &dir);
    let saved = state
        .secrets
        .vault
        .save(secret(&key), meta_at(&real.url()), "Kept")
        .await
        .unwrap();

    // Something that can write files but not read the keychain points the index elsewhere.
    let path = dir.join(INDEX_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&real.url()));
    std::fs::write(&path, text.replace(&real.url(), &attacker.url())).unwrap();
    let listed = state.secrets.vault.list().await.unwrap();
    assert_eq!(listed.keys[0].row.cloud_api, attacker.url(), "tampered");

    real.reset_request_count();
    attacker.reset_request_count();
    let t = state.test_saved_key(&saved.row.id).await.unwrap();
    assert_eq!(
        attacker.request_count(),
        0,
        "nothing was sent where the file said"
    );
    assert!(real.request_count() > 0, "the bound cloud was asked");
    assert!(t.valid, "{t:?}");
    let warning = t.warning.expect("the disagreement is reported");
    let attacker_host = attacker.url().trim_start_matches("http://").to_string();
    assert!(warning.contains(&attacker_host), "{warning}");
    assert!(warning.contains("sent nothing"), "{warning}");

    // The command line's way in uses the binding too.
    let bound = state.bound_saved_key(&saved.row.id).await.unwrap();
    assert_eq!(bound.cloud.api_url, real.url());
    assert!(bound.index_disagrees.is_some());

    // Copy copies the key alone, not the keychain item with its cloud.
    state.secrets.copy_saved(&saved.row.id).await.unwrap();
    assert_eq!(clip.read_text_for_test().as_deref(), Some(key.as_str()));
    assert_eq!(attacker.request_count(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn tampered_index_unbound_legacy_key_is_sent_nowhere_until_its_cloud_is_confirmed() {
    let real = Sim::start(SimConfig::default()).await;
    let other = Sim::start(SimConfig::default()).await;
    let key = real.add_user_token("admin@example.com", "legacy");
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("legacy");
    let (state, clip) = app(mist_for(vec![cloud(&real, "sim")]), &store, &dir);

    // A key saved by the previous version: the keychain item is the key alone.
    let id = uuid::Uuid::new_v4().to_string();
    Keychain::with_store(state.secrets.vault.service(), store.clone())
        .set(&id, &secret(&key))
        .unwrap();
    Index::new(&dir)
        .save(&[IndexRow {
            id: id.clone(),
            label: "Legacy".into(),
            token_id: None,
            token_name: None,
            kind: TokenKind::User,
            org_id: None,
            org_name: None,
            cloud_name: "Elsewhere".into(),
            cloud_api: other.url(),
            saved_at: 1,
        }])
        .unwrap();

    real.reset_request_count();
    other.reset_request_count();
    let e = state.test_saved_key(&id).await.unwrap_err();
    assert_eq!(kind(&e), "cloud_unconfirmed", "{e}");
    let e = state.bound_saved_key(&id).await.unwrap_err();
    assert_eq!(kind(&e), "cloud_unconfirmed");
    assert!(e.to_string().contains("confirm its cloud"), "{e}");
    assert_eq!(
        real.request_count() + other.request_count(),
        0,
        "nothing sent"
    );

    // Only a known cloud id (or the custom one resolved in this session) can be confirmed.
    let e = state
        .confirm_saved_key_cloud(&id, &other.url())
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input");
    let confirmed = state.confirm_saved_key_cloud(&id, "sim").await.unwrap();
    assert_eq!(confirmed.row.cloud_api, real.url(), "the list shows it now");
    assert_eq!(
        real.request_count() + other.request_count(),
        0,
        "confirming sends nothing"
    );

    let t = state.test_saved_key(&id).await.unwrap();
    assert!(t.valid && t.warning.is_none(), "{t:?}");
    assert_eq!(other.request_count(), 0);
    // Bound now: its cloud cannot be changed any more, and Copy still copies the key alone.
    let e = state
        .secrets
        .vault
        .bind_cloud(&id, &other.url(), "Elsewhere")
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input");
    state.secrets.copy_saved(&id).await.unwrap();
    assert_eq!(clip.read_text_for_test().as_deref(), Some(key.as_str()));
    let _ = std::fs::remove_dir_all(dir);
}

// ---- 2. Ids are Mist ids before any URL is built ----

#[tokio::test]
async fn rejects_path_ids_before_anything_is_sent() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = mist_for(vec![cloud(&sim, "sim")]);
    sign_in(&state, "admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let foreign_org = sim.add_org("Not yours");
    let token_uuid = "0c7a1f52-3b9e-4d21-8f6a-9e2b4c1d7a30";
    let traversal = format!("../../orgs/{org}");
    let read = [PrivilegeInput {
        scope: "org".into(),
        role: "read".into(),
        site_id: None,
        sitegroup_id: None,
    }];
    sim.reset_request_count();

    let invalid = |r: Result<(), Error>, what: &str| match r {
        Err(Error::InvalidInput { .. }) => {}
        other => panic!("{what}: expected invalid_input, got {other:?}"),
    };
    invalid(
        state.delete_token(TokenKind::User, None, &traversal).await,
        "user delete",
    );
    invalid(
        state
            .delete_token(TokenKind::User, None, "%2e%2e%2f%2e%2e%2forgs")
            .await,
        "encoded dots",
    );
    invalid(
        state
            .delete_token(TokenKind::Org, Some("../../self"), token_uuid)
            .await,
        "org id",
    );
    invalid(
        state.delete_token(TokenKind::Org, Some(&org), "..").await,
        "org token id",
    );
    invalid(
        state
            .rename_token(TokenKind::User, None, &traversal, "x")
            .await
            .map(|_| ()),
        "rename",
    );
    invalid(
        state
            .update_org_token_access(&org, "../x", &read)
            .await
            .map(|_| ()),
        "update",
    );
    invalid(
        state.org_details("../../self").await.map(|_| ()),
        "org details",
    );
    invalid(
        state.list_org_tokens("..%2F..").await.map(|_| ()),
        "org list",
    );
    let site = [PrivilegeInput {
        scope: "site".into(),
        role: "read".into(),
        site_id: Some("../sites".into()),
        sitegroup_id: None,
    }];
    invalid(
        state
            .create_org_token(&org, "x", &site, &[])
            .await
            .map(|_| ()),
        "site id",
    );
    // A well-formed org id that is not one of the session's: refused here, not sent.
    let e = state
        .delete_token(TokenKind::Org, Some(&foreign_org), token_uuid)
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "not_found", "{e}");
    assert_eq!(
        sim.request_count(),
        0,
        "the simulator saw no request at all"
    );
}

// ---- 7. Hints: at most 4 + ... + 4, rebuilt by the backend; the session token by id ----

fn assert_short_hint(t: &TokenView) {
    let h = &t.key_hint;
    let (head, tail) = h.split_once("...").unwrap_or_else(|| panic!("{h}"));
    assert!(
        head.chars().count() <= 4 && tail.chars().count() <= 4,
        "{}: {h}",
        t.name
    );
}

fn all_tokens(inv: &mist_token_core::mist::Inventory) -> Vec<TokenView> {
    let mut v = inv.user_tokens.clone().unwrap_or_default();
    for o in &inv.orgs {
        v.extend(o.tokens.clone().unwrap_or_default());
    }
    v
}

#[tokio::test]
async fn hint_never_longer_8_and_40_char_keys() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = mist_for(vec![cloud(&sim, "sim")]);
    sign_in(&state, "admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let read = [PrivilegeInput {
        scope: "org".into(),
        role: "read".into(),
        site_id: None,
        sitegroup_id: None,
    }];

    // An 8-character key: Mist's own hint of it ("abcd...efgh") would be the whole key.
    sim.set_key_shape(8, 4);
    let short = state.create_user_token("short key").await.unwrap();
    let short_key = sim.last_issued_key().unwrap();
    assert_eq!(short_key.len(), 8);
    assert_eq!(short.token.key_hint, "...", "create answer");
    let short_org = state
        .create_org_token(&org, "short org key", &read, &[])
        .await
        .unwrap();
    assert_eq!(short_org.token.key_hint, "...");
    let renamed = state
        .rename_token(TokenKind::User, None, &short.token.id, "short key 2")
        .await
        .unwrap();
    assert_eq!(renamed.key_hint, "...", "PUT answer");
    let changed = state
        .update_org_token_access(&org, &short_org.token.id, &read)
        .await
        .unwrap();
    assert_eq!(changed.key_hint, "...", "PUT answer (org)");

    // A 40-character key, and a Mist that shows 12 characters each side.
    sim.set_key_shape(40, 12);
    let long = state.create_user_token("long key").await.unwrap();
    let long_key = sim.last_issued_key().unwrap();
    assert_eq!(long_key.len(), 40);
    assert_eq!(long.token.key_hint, key_hint(&long_key));
    assert_eq!(long.token.key_hint.len(), 11);
    let other_key = sim.add_user_token("admin@example.com", "made elsewhere");
    assert!(sim
        .user_tokens("admin@example.com")
        .iter()
        .any(|t| t["key"].as_str().is_some_and(|k| k.len() > 11)));
    let renamed = state
        .rename_token(TokenKind::User, None, &long.token.id, "long key 2")
        .await
        .unwrap();
    assert_eq!(renamed.key_hint, key_hint(&long_key));

    let inv = state.inventory().await.unwrap();
    let tokens = all_tokens(&inv);
    for t in &tokens {
        assert_short_hint(t);
    }
    let by_name = |n: &str| tokens.iter().find(|t| t.name == n).unwrap().clone();
    assert_eq!(by_name("short key 2").key_hint, "...", "list");
    assert_eq!(by_name("short org key").key_hint, "...", "list (org)");
    assert_eq!(by_name("long key 2").key_hint, key_hint(&long_key));
    assert_eq!(by_name("made elsewhere").key_hint, key_hint(&other_key));
    let list = state.list_user_tokens().await.unwrap();
    list.iter().for_each(assert_short_hint);
}

#[tokio::test]
async fn session_token_by_id_hint_never_longer() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = mist_for(vec![cloud(&sim, "sim")]);

    // Short keys have no telling hint: none of them may look like the session's token.
    sim.set_key_shape(6, 4);
    let a = sim.add_user_token("admin@example.com", "short a");
    sim.add_user_token("admin@example.com", "short b");
    state.sign_in_token(secret(&a), Some("sim")).await.unwrap();
    let inv = state.inventory().await.unwrap();
    let marked: Vec<String> = all_tokens(&inv)
        .into_iter()
        .filter(|t| t.is_session_token)
        .map(|t| t.name)
        .collect();
    assert!(marked.len() <= 1, "short keys all look alike: {marked:?}");
    assert!(!marked.contains(&"short b".to_string()), "{marked:?}");
    state.sign_out().await;

    // A long key: its token, and only it, is the session's (by id).
    sim.set_key_shape(40, 4);
    let c = sim.add_user_token("admin@example.com", "long c");
    let c_id = sim
        .user_tokens("admin@example.com")
        .into_iter()
        .find(|t| t["name"] == "long c")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    state.sign_in_token(secret(&c), Some("sim")).await.unwrap();
    let inv = state.inventory().await.unwrap();
    let marked: Vec<String> = all_tokens(&inv)
        .into_iter()
        .filter(|t| t.is_session_token)
        .map(|t| t.id)
        .collect();
    assert_eq!(marked, vec![c_id]);
    state.sign_out().await;

    // An org token session: its token in its org's list.
    let org = sim.org_id("Acme Retail").unwrap();
    let bot = sim.add_org_token(
        &org,
        "bot",
        vec![json!({"scope": "org", "role": "admin"})],
        vec![],
    );
    state
        .sign_in_token(secret(&bot), Some("sim"))
        .await
        .unwrap();
    let marked: Vec<String> = state
        .list_org_tokens(&org)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.is_session_token)
        .map(|t| t.name)
        .collect();
    assert_eq!(marked, vec!["bot".to_string()]);
}

// ---- 8. Cloud ids over IPC; single-label hosts; bound clouds after a restart ----

#[tokio::test]
async fn cloud_ids_must_be_known_and_single_label_hosts_are_refused() {
    let sim = Sim::start(SimConfig::default()).await;
    let elsewhere = Sim::start(SimConfig::default()).await;
    let key = elsewhere.add_user_token("admin@example.com", "x");
    let state = mist_for(vec![cloud(&sim, "sim")]);
    elsewhere.reset_request_count();

    // A typed address is not a cloud id: it never becomes a host.
    let e = state
        .sign_in_token(secret(&key), Some(&elsewhere.url()))
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    let e = state
        .sign_in_password(
            &elsewhere.url(),
            "admin@example.com",
            secret(PASSWORD),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "{e}");
    let e = state
        .sign_in_token(secret(&key), Some("custom"))
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "invalid_input", "custom before any resolve");
    assert_eq!(elsewhere.request_count(), 0, "nothing was sent");

    for typed in ["https://emea1", "emea1", "https://intranet:8443"] {
        let e = state.resolve_cloud(typed).unwrap_err();
        assert_eq!(kind(&e), "invalid_input", "{typed}");
        assert!(e.to_string().contains("not a full address"), "{e}");
    }

    // The one custom cloud resolved in this session is usable by its id.
    let c = state.resolve_cloud(&elsewhere.url()).unwrap();
    assert_eq!(c.id, "custom");
    state
        .sign_in_token(secret(&key), Some("custom"))
        .await
        .unwrap();
}

#[tokio::test]
async fn bound_custom_clouds_keep_working_after_a_restart() {
    let custom = Sim::start(SimConfig::default()).await;
    let key = custom.add_user_token("admin@example.com", "remembered");
    let saved_key = custom.add_user_token("admin@example.com", "saved");
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("restart");
    // The built-in clouds only: the simulator is a custom address typed by the admin.
    {
        let (state, _) = app(
            mist_for(mist_token_core::mist::builtin_clouds()),
            &store,
            &dir,
        );
        state.mist.resolve_cloud(&custom.url()).unwrap();
        let info = state
            .sign_in_token(secret(&key), Some("custom"), true)
            .await
            .unwrap();
        assert!(info.remembered);
        state
            .secrets
            .vault
            .save(secret(&saved_key), meta_at(&custom.url()), "Saved")
            .await
            .unwrap();
    }
    // A restart: a new state, nothing resolved; the keychain still has the bindings.
    let (state, _) = app(
        mist_for(mist_token_core::mist::builtin_clouds()),
        &store,
        &dir,
    );
    let info = state.restore_session().await.unwrap().expect("restored");
    assert_eq!(info.cloud.api_url, custom.url());
    let id = state.secrets.vault.list().await.unwrap().keys[0]
        .row
        .id
        .clone();
    let t = state.test_saved_key(&id).await.unwrap();
    assert!(t.valid, "{t:?}");
    let _ = std::fs::remove_dir_all(dir);
}

// ---- 9. Sleep does not stretch the 10 minutes ----

#[test]
fn slot_expires_by_the_wall_clock_after_the_computer_slept() {
    let clock = Arc::new(ManualClock::new());
    let slots = RevealSlots::new(Duration::from_secs(600), clock.clone());
    let h = slots.open(
        secret("k3y-0123456789abcdefghij"),
        meta_at("https://api.mist.com"),
    );
    clock.sleep_computer(Duration::from_secs(300));
    assert!(slots.status(&h.slot_id).unwrap().expires_in_s <= 300);
    // The monotonic clock did not move at all, but the wall clock says 11 minutes passed.
    clock.sleep_computer(Duration::from_secs(360));
    assert!(matches!(slots.reveal(&h.slot_id), Err(Error::SlotExpired)));
    assert!(!slots.holds(&h.slot_id), "the key was dropped");
}

// ---- 10. The index file ----

#[cfg(unix)]
#[test]
fn index_permissions_file_0600_in_a_0700_folder() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let base = temp_dir("perm");
    // A folder the index creates, and one that already existed with looser permissions.
    let fresh = base.join("fresh");
    let loose = base.join("loose");
    std::fs::create_dir(&loose).unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
    for dir in [&fresh, &loose] {
        Index::new(dir).save(&[]).unwrap();
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        assert_eq!(mode(&dir.join(INDEX_FILE)), 0o600);
    }
    let _ = std::fs::remove_dir_all(base);
}

#[tokio::test]
async fn index_permissions_broken_index_moved_aside_is_reported() {
    let store = keyring_core::mock::Store::new().unwrap();
    let dir = temp_dir("broken");
    let (state, _) = app(mist_for(vec![]), &store, &dir);
    let vault = &state.secrets.vault;
    for label in ["Prod CI", "Laptop"] {
        vault
            .save(
                secret("k3y-0123456789abcdefghij"),
                meta_at("https://api.eu.mist.com"),
                label,
            )
            .await
            .unwrap();
    }
    assert!(vault.list().await.unwrap().index_notice.is_none());
    // Damage the file: cut it in the middle (as a full disk or a crash might).
    let path = dir.join(INDEX_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 40]).unwrap();

    let list = vault.list().await.unwrap();
    let notice = list.index_notice.expect("the admin is told");
    assert_eq!(notice.unlisted, 2, "{notice:?}");
    assert!(notice.labels.contains(&"Prod CI".to_string()), "{notice:?}");
    assert!(notice.message.contains("Repair"), "{}", notice.message);
    assert!(notice.message.contains("2 keys"), "{}", notice.message);
    assert!(Path::new(&notice.moved_to[0]).exists());

    // Still said after a restart.
    let (again, _) = app(mist_for(vec![]), &store, &dir);
    assert!(again
        .secrets
        .vault
        .list()
        .await
        .unwrap()
        .index_notice
        .is_some());
    // Repair lists the keys again, with the cloud bound to them, and the notice is done.
    let repaired = again.secrets.vault.repair().await.unwrap();
    assert!(repaired.index_notice.is_none());
    assert_eq!(repaired.keys.len(), 2);
    assert!(repaired
        .keys
        .iter()
        .all(|k| k.row.cloud_api == "https://api.eu.mist.com"));
    let _ = std::fs::remove_dir_all(dir);
}

// ---- 15. No cloud answered: the network, not the email ----

#[tokio::test]
async fn offline_sign_in_says_the_network_not_the_email() {
    // Nothing listens on these ports (bound, then closed).
    let dead = |id: &str| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Cloud {
            id: id.into(),
            name: format!("Dead {id}"),
            api_url: format!("http://127.0.0.1:{port}"),
            portal_host: None,
            is_mist: false,
            cookie_suffix: None,
        }
    };
    let offline = mist_for(vec![dead("a"), dead("b"), dead("c")]);
    let e = offline
        .find_cloud_by_email("admin@example.com")
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "network", "{e}");
    let m = e.to_string();
    assert!(m.contains("cannot reach Mist"), "{m}");
    assert!(m.contains("proxy") && m.contains("firewall"), "{m}");
    assert!(m.contains("Retry"), "{m}");
    assert!(!m.contains("recognised"), "{m}");
    // The same for a token whose cloud the app looks for.
    let e = offline
        .sign_in_token(secret("k3y-0123456789abcdefghij"), None)
        .await
        .unwrap_err();
    assert_eq!(kind(&e), "network", "{e}");
    assert!(e.to_string().contains("cannot reach Mist"), "{e}");

    // Some cloud answered and none knows the email: today's answer (unreachable listed).
    let sim = Sim::start(SimConfig::default()).await;
    let partly = mist_for(vec![cloud(&sim, "sim"), dead("b")]);
    let found = partly
        .find_cloud_by_email("nobody@example.com")
        .await
        .unwrap();
    assert!(found.matches.is_empty());
    assert_eq!(found.unreachable, vec!["Dead b".to_string()]);
}
