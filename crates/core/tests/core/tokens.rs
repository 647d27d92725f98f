//! Backend integration tests against the simulator: user and org tokens, validation, src_ips
//! immutability, the inventory (removal risk, per-org 403), and a create whose answer is lost.

use crate::support::sim::*;
use mist_sim::{Fault, FaultRule, Method};
use mist_token_core::mist::PrivilegeInput;
use mist_token_core::mist::{RemovalRisk, TokenKind};
use mist_token_core::Error;
use secrecy::ExposeSecret;

fn org_read() -> Vec<PrivilegeInput> {
    vec![PrivilegeInput {
        scope: "org".into(),
        role: "read".into(),
        site_id: None,
        sitegroup_id: None,
    }]
}

fn site(role: &str, id: &str) -> PrivilegeInput {
    PrivilegeInput {
        scope: "site".into(),
        role: role.into(),
        site_id: Some(id.into()),
        sitegroup_id: None,
    }
}

#[tokio::test]
async fn user_tokens_create_rename_delete() {
    let (sim, state) = signed_in("admin@example.com").await;
    let mist_token_core::mist::Created {
        token: view, key, ..
    } = state.create_user_token("  my script ").await.unwrap();
    assert_eq!(view.name, "my script");
    assert_eq!(view.kind, TokenKind::User);
    assert_eq!(key.expose_secret(), sim.last_issued_key().unwrap());
    assert!(!view.key_hint.is_empty() && view.key_hint.contains("..."));
    assert!(!key.expose_secret().contains("..."));
    assert_eq!(view.days_until_removal, 90);
    assert_eq!(view.removal_risk, RemovalRisk::Ok);
    assert_eq!(view.access_summary, "Same access as you");

    let r = state
        .rename_token(TokenKind::User, None, &view.id, "my script v2")
        .await
        .unwrap();
    assert_eq!(r.name, "my script v2");
    assert_eq!(r.key_hint, view.key_hint);
    assert!(sim
        .user_tokens("admin@example.com")
        .iter()
        .any(|t| t["name"] == "my script v2"));

    state
        .delete_token(TokenKind::User, None, &view.id)
        .await
        .unwrap();
    // Already gone counts as done.
    state
        .delete_token(TokenKind::User, None, &view.id)
        .await
        .unwrap();
    assert!(!sim
        .user_tokens("admin@example.com")
        .iter()
        .any(|t| t["id"] == view.id.as_str()));

    let e = state.create_user_token("   ").await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "name"));
}

#[tokio::test]
async fn org_tokens_create_reads_privileges_back_and_src_ips_never_change() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let s1 = sim.site_id(&org, "Store 1").unwrap();
    let s2 = sim.site_id(&org, "Store 2").unwrap();
    let mist_token_core::mist::Created {
        token: view, key, ..
    } = state
        .create_org_token(
            &org,
            "store reader",
            &[site("read", &s1), site("read", &s2)],
            &["10.0.0.0/8".into(), " 192.0.2.7 ".into()],
        )
        .await
        .unwrap();
    assert_eq!(key.expose_secret(), sim.last_issued_key().unwrap());
    assert_eq!(view.kind, TokenKind::Org);
    assert_eq!(view.org_name.as_deref(), Some("Acme Retail"));
    assert_eq!(view.privileges.len(), 2, "read back after the POST");
    assert_eq!(view.access_summary, "Read only · 2 sites");
    assert_eq!(view.src_ips, ["10.0.0.0/8", "192.0.2.7"]);
    assert_eq!(view.created_by.as_deref(), Some("admin@example.com"));

    // Change access: src_ips are sent back unchanged (Mist refuses a change).
    let v = state
        .update_org_token_access(&org, &view.id, &org_read())
        .await
        .unwrap();
    assert_eq!(v.access_summary, "Read only · whole organization");
    assert_eq!(v.src_ips, ["10.0.0.0/8", "192.0.2.7"]);
    let v = state
        .rename_token(TokenKind::Org, Some(&org), &view.id, "org reader")
        .await
        .unwrap();
    assert_eq!(v.name, "org reader");
    assert_eq!(v.access_summary, "Read only · whole organization");
    assert_eq!(v.src_ips, ["10.0.0.0/8", "192.0.2.7"]);
    let stored = sim
        .org_tokens(&org)
        .into_iter()
        .find(|t| t["id"] == view.id.as_str())
        .unwrap();
    assert_eq!(stored["name"], "org reader");
    assert_eq!(stored["src_ips"].as_array().unwrap().len(), 2);

    state
        .delete_token(TokenKind::Org, Some(&org), &view.id)
        .await
        .unwrap();
    state
        .delete_token(TokenKind::Org, Some(&org), &view.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn input_is_validated_before_sending_with_the_field_named() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    sim.reset_request_count();
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid_input, got {other:?}"),
    };
    let e = state
        .create_org_token(&org, "x", &org_read(), &["10.0.0.300".into()])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("10.0.0.300"));
    assert_eq!(field(e), "src_ips");
    let eleven: Vec<String> = (1..=11).map(|i| format!("192.0.2.{i}")).collect();
    let e = state
        .create_org_token(&org, "x", &org_read(), &eleven)
        .await
        .unwrap_err();
    assert_eq!(field(e), "src_ips");
    let e = state
        .create_org_token(&org, "x", &[], &[])
        .await
        .unwrap_err();
    assert_eq!(field(e), "privileges");
    let e = state
        .create_org_token(
            &org,
            "x",
            &[PrivilegeInput {
                scope: "site".into(),
                role: "read".into(),
                site_id: None,
                sitegroup_id: None,
            }],
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(field(e), "privileges");
    let e = state
        .create_org_token(&org, "", &org_read(), &[])
        .await
        .unwrap_err();
    assert_eq!(field(e), "name");
    assert_eq!(sim.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn inventory_with_removal_risk_and_a_read_only_admin() {
    let (sim, state) = signed_in("admin@example.com").await;
    let inv = state.inventory().await.unwrap();
    let user = inv.user_tokens.as_ref().unwrap();
    let old = user.iter().find(|t| t.name == "old integration").unwrap();
    assert!(
        (9..=10).contains(&old.days_until_removal),
        "{}",
        old.days_until_removal
    );
    assert_eq!(old.removal_risk, RemovalRisk::Soon);
    let retail = inv
        .orgs
        .iter()
        .find(|o| o.org.name == "Acme Retail")
        .unwrap();
    let tokens = retail.tokens.as_ref().unwrap();
    let ci = tokens.iter().find(|t| t.name == "ci pipeline").unwrap();
    assert_eq!(ci.src_ips, ["10.0.0.0/8"]);
    assert!(retail.error.is_none());

    // Overdue: last used 100 days ago.
    let id = ci.id.clone();
    sim.set_token_last_used(&id, Some(now() - 100 * 86_400));
    let inv = state.inventory().await.unwrap();
    let ci = inv
        .orgs
        .iter()
        .flat_map(|o| o.tokens.iter().flatten())
        .find(|t| t.id == id)
        .unwrap();
    assert_eq!(ci.removal_risk, RemovalRisk::Overdue);
    assert!(ci.days_until_removal <= -9);

    // A read-only admin: the org's error says 403 in words; the call itself succeeds.
    let (_sim2, observer) = signed_in("observer@example.com").await;
    let info = observer.session_info().await.unwrap();
    assert!(!info.orgs[0].can_manage_tokens);
    let inv = observer.inventory().await.unwrap();
    let retail = &inv.orgs[0];
    assert!(retail.tokens.is_none());
    let e = retail.error.as_ref().unwrap();
    assert_eq!(e.kind(), "forbidden");
    assert!(e.to_string().contains("Super User"), "{e}");
    assert!(inv.user_tokens.is_some());
    let e = observer
        .create_org_token(&retail.org.id, "nope", &org_read(), &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden");
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_by_listing() {
    let (sim, state) = signed_in("admin@example.com").await;
    let org = sim.org_id("Acme Retail").unwrap();
    // Same name as an existing token: only the new one may be reported.
    sim.inject_fault(
        FaultRule::new("/apitokens", Fault::DropAfterProcessing)
            .method(Method::POST)
            .times(1),
    );
    let e = state
        .create_org_token(&org, "monitoring", &org_read(), &[])
        .await
        .unwrap_err();
    let Error::CreateUnconfirmed { message, token_id } = &e else {
        panic!("expected create_unconfirmed, got {e:?}");
    };
    let id = token_id.clone().expect("the created token was found");
    let created = sim
        .org_tokens(&org)
        .into_iter()
        .filter(|t| t["name"] == "monitoring")
        .count();
    assert_eq!(created, 2, "the POST was processed once, not retried");
    assert!(message.contains("key could not be received"), "{message}");
    assert!(message.contains("delete"), "{message}");
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["kind"], "create_unconfirmed");
    assert_eq!(v["token_id"], id.as_str());
    // The UI offers to delete it.
    state
        .delete_token(TokenKind::Org, Some(&org), &id)
        .await
        .unwrap();

    // User tokens too.
    sim.inject_fault(
        FaultRule::new("/self/apitokens", Fault::DropAfterProcessing)
            .method(Method::POST)
            .times(1),
    );
    let e = state.create_user_token("lost").await.unwrap_err();
    match e {
        Error::CreateUnconfirmed {
            token_id: Some(id), ..
        } => {
            assert!(sim
                .user_tokens("admin@example.com")
                .iter()
                .any(|t| t["id"] == id.as_str() && t["name"] == "lost"));
        }
        other => panic!("expected create_unconfirmed, got {other:?}"),
    }
}
