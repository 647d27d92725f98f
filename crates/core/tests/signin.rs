//! Backend integration tests against the simulator: clouds, finding the cloud, sign-in (password,
//! 2FA both ways, SSO, lock-out, tokens), who am I (MSP orgs, pagination), sign-out, expiry.

mod support;

use mist_token_core::mist::{IdentityKind, SignInMethod, TokenKind};
use std::time::{Duration, Instant};

use mist_sim::{Fault, FaultRule, Method, Sim, SimConfig, UserSpec};
use mist_token_core::mist::{clouds, MistState, SignInResult};
use mist_token_core::Error;
use serde_json::json;
use support::sim::*;

const SUFFIXES: [&str; 13] = [
    "", ".gc1", ".ac2", ".gc2", ".gc4", ".eu", ".gc3", ".ac6", ".gc6", ".ac5", ".gc5", ".gc7",
    ".us",
];

/// Every cloud's cookie suffix: sign in, then every unsafe call (POST, PUT, DELETE, logout) carries
/// the CSRF header read from the `csrftoken<suffix>` cookie (the simulator refuses it otherwise).
#[tokio::test]
async fn every_cookie_suffix_with_csrf_on_every_unsafe_call() {
    let runs = SUFFIXES.iter().map(|suffix| async move {
        let sim = sim_with_suffix(suffix).await;
        let state = state_for(&sim);
        sign_in(&state, "admin@example.com").await;
        let mist_token_core::mist::Created { token, .. } =
            state.create_user_token("suffix test").await.unwrap();
        let renamed = state
            .rename_token(TokenKind::User, None, &token.id, "suffix test 2")
            .await
            .unwrap();
        assert_eq!(renamed.name, "suffix test 2");
        let org = sim.org_id("Acme Retail").unwrap();
        let mist_token_core::mist::Created {
            token: org_token, ..
        } = state
            .create_org_token(
                &org,
                "suffix org",
                &[mist_token_core::mist::PrivilegeInput {
                    scope: "org".into(),
                    role: "read".into(),
                    site_id: None,
                    sitegroup_id: None,
                }],
                &[],
            )
            .await
            .unwrap();
        state
            .delete_token(TokenKind::Org, Some(&org), &org_token.id)
            .await
            .unwrap();
        state
            .delete_token(TokenKind::User, None, &token.id)
            .await
            .unwrap();
        assert_eq!(sim.session_count(), 1, "suffix {suffix:?}");
        state.sign_out().await;
        assert_eq!(sim.session_count(), 0, "logout reached Mist for {suffix:?}");
        assert!(state.session_info().await.is_none());
    });
    futures::future::join_all(runs).await;
}

#[tokio::test]
async fn resolves_portal_urls_and_custom_endpoints() {
    let state = MistState::with_clouds(clouds::builtin_clouds());
    assert_eq!(state.list_clouds().len(), 13);
    let c = state
        .resolve_cloud("https://manage.gc1.mist.com/admin/")
        .unwrap();
    assert_eq!(c.id, "global02");
    assert_eq!(c.api_url, "https://api.gc1.mist.com");
    assert!(c.is_mist);
    let custom = state.resolve_cloud("http://127.0.0.1:9/").unwrap();
    assert_eq!(custom.id, "custom");
    assert!(!custom.is_mist);
    assert_eq!(state.cloud("custom").unwrap().api_url, "http://127.0.0.1:9");
    let e = state.resolve_cloud("http://mist.example.com").unwrap_err();
    assert_eq!(e.kind(), "invalid_input");
}

#[tokio::test]
async fn clouds_file_replaces_the_list_and_a_bad_file_is_an_error() {
    let tmp = support::secrets::temp_dir("clouds");
    let dir = tmp.path();
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"[{"name": "Demo cloud", "api": "http://127.0.0.1:8787"}]"#,
    )
    .unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"[{"name": "x"}"#).unwrap();
    std::env::set_var(clouds::CLOUDS_ENV, &good);
    let state = MistState::from_env().unwrap();
    let list = state.list_clouds();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Demo cloud");
    assert!(!list[0].is_mist);
    std::env::set_var(clouds::CLOUDS_ENV, &bad);
    let e = MistState::from_env().unwrap_err();
    assert!(e.to_string().contains(clouds::CLOUDS_ENV), "{e}");
    std::env::remove_var(clouds::CLOUDS_ENV);
}

/// Five clouds: one knows the account, one knows an SSO account, one is dead, one is slow.
#[tokio::test]
async fn find_cloud_by_email_in_parallel_with_dead_and_slow_clouds() {
    let a = demo_sim().await;
    let b = Sim::start(SimConfig {
        seed: mist_sim::Seed::Empty,
        ..SimConfig::default()
    })
    .await;
    b.add_user(UserSpec {
        email: "sso-only@example.com".into(),
        password: "x".into(),
        sso: true,
        ..Default::default()
    });
    let slow = demo_sim().await;
    slow.inject_fault(FaultRule::new(
        "/login/lookup",
        Fault::Delay(Duration::from_secs(10)),
    ));
    let dead = demo_sim().await;
    let dead_cloud = cloud(&dead, "dead", "Dead cloud");
    dead.shutdown().await;
    let state = MistState::with_clouds(vec![
        cloud(&a, "a", "Cloud A"),
        cloud(&b, "b", "Cloud B"),
        cloud(&slow, "slow", "Slow cloud"),
        dead_cloud,
    ]);
    let t = Instant::now();
    let found = state
        .find_cloud_by_email("admin@example.com")
        .await
        .unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(4500),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(found.matches.len(), 1);
    assert_eq!(found.matches[0].cloud.id, "a");
    assert!(!found.matches[0].sso);
    assert!(found.unreachable.contains(&"Slow cloud".to_string()));
    assert!(found.unreachable.contains(&"Dead cloud".to_string()));

    let sso = state
        .find_cloud_by_email("sso-only@example.com")
        .await
        .unwrap();
    assert_eq!(sso.matches.len(), 1);
    assert_eq!(sso.matches[0].cloud.id, "b");
    assert!(sso.matches[0].sso);

    let e = state.find_cloud_by_email("not an email").await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "email"));
}

#[tokio::test]
async fn token_sign_in_finds_its_cloud_and_org_tokens_have_no_email() {
    let a = demo_sim().await;
    let b = demo_sim().await;
    let org = b.org_id("Acme Retail").unwrap();
    let key = b.add_org_token(
        &org,
        "ci reader",
        vec![json!({"scope": "org", "role": "read"})],
        vec![],
    );
    let state = MistState::with_clouds(vec![cloud(&a, "a", "Cloud A"), cloud(&b, "b", "Cloud B")]);
    let info = state
        .sign_in_token(secret(&format!("  {key}\n")), None)
        .await
        .unwrap();
    assert_eq!(info.cloud.id, "b");
    assert_eq!(info.method, SignInMethod::Token);
    assert_eq!(info.identity.kind, IdentityKind::OrgToken);
    assert_eq!(info.identity.email, None);
    assert_eq!(info.identity.name, "ci reader");
    assert!(!info.can_create_user_tokens);
    assert_eq!(info.orgs.len(), 1);
    assert_eq!(info.orgs[0].name, "Acme Retail");
    let inv = state.inventory().await.unwrap();
    assert!(inv.user_tokens.is_none(), "an org token has no user tokens");

    // A user token: the inventory marks it as the session's token.
    let ukey = a.add_user_token("admin@example.com", "signed in with");
    let info = state.sign_in_token(secret(&ukey), Some("a")).await.unwrap();
    assert_eq!(info.identity.email.as_deref(), Some("admin@example.com"));
    let inv = state.inventory().await.unwrap();
    let mine: Vec<_> = inv
        .user_tokens
        .unwrap()
        .into_iter()
        .filter(|t| t.is_session_token)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].name, "signed in with");

    let e = state
        .sign_in_token(secret("nope-not-a-token-0000"), Some("a"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
    let e = state
        .sign_in_token(secret("nope-not-a-token-0000"), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
}

#[tokio::test]
async fn two_factor_asked_then_given() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    let r = state
        .sign_in_password("sim", "2fa@example.com", secret(PASSWORD), None)
        .await
        .unwrap();
    assert_eq!(r, SignInResult::TwoFactorRequired);
    assert!(state.session_info().await.is_none(), "not signed in yet");
    let e = state.submit_two_factor(secret("000000")).await.unwrap_err();
    assert_eq!(e.kind(), "two_factor_invalid");
    let info = state.submit_two_factor(secret("123456")).await.unwrap();
    assert_eq!(info.identity.email.as_deref(), Some("2fa@example.com"));
    assert_eq!(info.method, SignInMethod::Password);
    // Unsafe calls work after 2FA (CSRF).
    let mist_token_core::mist::Created { token: t, .. } =
        state.create_user_token("after 2fa").await.unwrap();
    state
        .delete_token(TokenKind::User, None, &t.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn two_factor_given_up_front() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    let r = state
        .sign_in_password(
            "sim",
            "2fa@example.com",
            secret(PASSWORD),
            Some(secret("123456")),
        )
        .await
        .unwrap();
    assert!(matches!(r, SignInResult::SignedIn { .. }), "{r:?}");
    let e = state
        .sign_in_password(
            "sim",
            "2fa@example.com",
            secret(PASSWORD),
            Some(secret("999999")),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "two_factor_invalid");
}

#[tokio::test]
async fn sso_accounts_are_told_to_use_an_org_token() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    let e = state
        .sign_in_password("sim", "sso@example.com", secret("whatever"), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "sso_account");
    assert!(e.to_string().contains("org API token"), "{e}");
}

#[tokio::test]
async fn wrong_password_then_lockout_with_the_wait() {
    let sim = demo_sim().await;
    let state = state_for(&sim);
    for _ in 0..3 {
        let e = state
            .sign_in_password("sim", "admin@example.com", secret("wrong"), None)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), "unauthorized");
        assert!(!e.to_string().contains("wrong"));
    }
    let e = state
        .sign_in_password("sim", "admin@example.com", secret(PASSWORD), None)
        .await
        .unwrap_err();
    match &e {
        Error::RateLimited {
            retry_after_s: Some(s),
            message,
        } => {
            assert!(*s > 0 && *s <= 300, "{s}");
            assert!(message.contains("locked"), "{message}");
        }
        other => panic!("expected a lock-out, got {other:?}"),
    }
}

#[tokio::test]
async fn who_am_i_with_msp_orgs_and_privileges_in_words() {
    let (sim, state) = signed_in("msp@example.com").await;
    let info = state.session_info().await.unwrap();
    let names: Vec<_> = info.orgs.iter().map(|o| o.name.as_str()).collect();
    for t in ["Tenant One", "Tenant Two", "Tenant Three"] {
        assert!(names.contains(&t), "{names:?}");
    }
    assert!(info.privileges.iter().any(|p| p.scope == "msp"));
    assert!(
        info.privileges[0].summary.contains("Acme MSP"),
        "{:?}",
        info.privileges
    );
    let inv = state.inventory().await.unwrap();
    assert_eq!(inv.orgs.len(), info.orgs.len());
    drop(sim);

    let (_sim, state) = signed_in("admin@example.com").await;
    let info = state.session_info().await.unwrap();
    assert!(!info.identity.name.is_empty());
    let retail = info.orgs.iter().find(|o| o.name == "Acme Retail").unwrap();
    assert!(retail.can_manage_tokens);
    assert_eq!(retail.role, "admin");
    assert!(info
        .privileges
        .iter()
        .any(|p| p.summary == "Super User of Acme Retail"));
    let details = state.org_details(&retail.id).await.unwrap();
    let sites: Vec<_> = details.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sites, ["Store 1", "Store 2", "Warehouse"]);
    assert_eq!(details.sitegroups.len(), 1);
    assert_eq!(details.sitegroups[0].name, "Stores");
}

#[tokio::test]
async fn more_than_100_sites_are_all_listed() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Labs").unwrap();
    let before = state.org_details(&org).await.unwrap().sites.len();
    for i in 0..250 {
        sim.add_site(&org, format!("Site {i:03}"));
    }
    sim.reset_request_count();
    let d = state.org_details(&org).await.unwrap();
    assert_eq!(d.sites.len(), before + 250);
    for i in [0, 99, 100, 199, 200, 249] {
        let name = format!("Site {i:03}");
        assert!(d.sites.iter().any(|s| s.name == name), "{name} missing");
    }
    assert!(
        sim.request_count() >= 4,
        "three site pages and the site groups"
    );
}

#[tokio::test]
async fn sign_out_and_session_expiry() {
    let (sim, state) = signed_in("admin@example.com").await;
    state.sign_out().await;
    assert_eq!(sim.session_count(), 0);
    let e = state.inventory().await.unwrap_err();
    assert_eq!(e.kind(), "not_signed_in");

    // Expiry mid-way: the token the session uses is deleted behind its back.
    let key = sim.add_user_token("admin@example.com", "short lived");
    state
        .sign_in_token(secret(&key), Some("sim"))
        .await
        .unwrap();
    let id = sim
        .user_tokens("admin@example.com")
        .into_iter()
        .find(|t| t["name"] == "short lived")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    sim.inject_fault(
        FaultRule::new(
            "/self/apitokens",
            Fault::Status {
                code: 401,
                html: false,
            },
        )
        .method(Method::GET)
        .times(1),
    );
    let e = state.inventory().await.unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
    assert!(e.to_string().contains("Sign in again"), "{e}");
    assert!(
        state.session_info().await.is_none(),
        "the ended session is forgotten"
    );
    let _ = id;
}
