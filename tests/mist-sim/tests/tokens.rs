//! User and org API tokens: CRUD, key display, validation, authorization, src_ips.

mod common;

use common::*;
use mist_sim::{Seed, SimConfig, UserSpec};
use reqwest::Method;
use serde_json::{json, Value};

const ROLES: [&str; 5] = ["read", "write", "admin", "helpdesk", "installer"];
const VIEWS: [&str; 8] = [
    "lobby_admin",
    "location",
    "marketing",
    "mxedge_admin",
    "reporting",
    "security",
    "super_observer",
    "switch_admin",
];

fn is_truncated(key: &str) -> bool {
    key.len() == 11
        && &key[4..7] == "..."
        && key
            .chars()
            .filter(|c| *c != '.')
            .all(|c| c.is_ascii_alphanumeric())
}

fn is_full_key(key: &str) -> bool {
    key.len() == 40 && key.chars().all(|c| c.is_ascii_alphanumeric())
}

#[tokio::test]
async fn user_token_crud_through_a_session() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let list = body(s.get("/self/apitokens").await).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["laptop scripts", "old integration"]);
    for t in list.as_array().unwrap() {
        assert!(is_truncated(t["key"].as_str().unwrap()), "{t}");
        assert!(t["created_time"].is_i64());
    }

    let created = s.post("/self/apitokens", json!({"name": "new one"})).await;
    assert_eq!(created.status(), 200);
    let created = body(created).await;
    let key = created["key"].as_str().unwrap().to_string();
    assert!(is_full_key(&key), "{key}");
    assert_eq!(sim.last_issued_key().as_deref(), Some(key.as_str()));
    assert!(created["created_time"].is_i64());
    assert!(created["last_used"].is_null());
    let id = created["id"].as_str().unwrap().to_string();

    let got = body(s.get(&format!("/self/apitokens/{id}")).await).await;
    assert_eq!(got["key"], format!("{}...{}", &key[..4], &key[36..]));
    assert_eq!(got["name"], "new one");

    let put = s
        .put(&format!("/self/apitokens/{id}"), json!({"name": "renamed"}))
        .await;
    assert_eq!(put.status(), 200);
    assert_eq!(body(put).await["name"], "renamed");
    assert!(is_truncated(
        body(s.get(&format!("/self/apitokens/{id}")).await).await["key"]
            .as_str()
            .unwrap()
    ));

    // the key works, and its use updates last_used
    let before = sim::now();
    assert_eq!(tget(&sim, &key, "/self").await.status(), 200);
    let got = body(s.get(&format!("/self/apitokens/{id}")).await).await;
    assert!(got["last_used"].as_i64().unwrap() >= before);

    let del = s.delete(&format!("/self/apitokens/{id}")).await;
    assert_eq!(del.status(), 200);
    assert!(del.bytes().await.unwrap().is_empty());
    // gone: 404 on every verb, and the key stops working at once
    assert_eq!(s.get(&format!("/self/apitokens/{id}")).await.status(), 404);
    assert_eq!(
        s.delete(&format!("/self/apitokens/{id}")).await.status(),
        404
    );
    assert_eq!(
        s.put(&format!("/self/apitokens/{id}"), json!({"name": "x"}))
            .await
            .status(),
        404
    );
    assert_eq!(tget(&sim, &key, "/self").await.status(), 401);
}

mod sim {
    pub fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }
}

#[tokio::test]
async fn user_token_names_are_not_unique_and_name_is_validated() {
    let sim = demo().await;
    let s = login(&sim, "observer@example.com").await;
    let a = body(s.post("/self/apitokens", json!({"name": "same"})).await).await;
    let b = body(s.post("/self/apitokens", json!({"name": "same"})).await).await;
    assert_ne!(a["id"], b["id"]);
    assert_ne!(a["key"], b["key"]);
    assert_eq!(sim.user_tokens("observer@example.com").len(), 2);
    assert_eq!(s.post("/self/apitokens", json!({})).await.status(), 400);
    assert_eq!(
        s.post("/self/apitokens", json!({"name": 5})).await.status(),
        400
    );
    assert_eq!(
        s.post("/self/apitokens", json!({"name": " "}))
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn user_tokens_are_private_to_their_user() {
    let sim = demo().await;
    let admin_tok = sim.user_tokens("admin@example.com")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let s = login(&sim, "observer@example.com").await;
    assert_eq!(
        s.get(&format!("/self/apitokens/{admin_tok}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        s.delete(&format!("/self/apitokens/{admin_tok}"))
            .await
            .status(),
        404
    );
    assert_eq!(sim.user_tokens("admin@example.com").len(), 2);
}

#[tokio::test]
async fn a_user_token_has_its_users_rights() {
    let sim = demo().await;
    let key = sim.add_user_token("admin@example.com", "script");
    let me = body(tget(&sim, &key, "/self").await).await;
    assert_eq!(me["email"], "admin@example.com");
    let org = retail(&sim);
    assert_eq!(
        tget(&sim, &key, &format!("/orgs/{org}/apitokens"))
            .await
            .status(),
        200
    );
    // a user token may create user tokens
    let r = tok(
        &sim,
        &key,
        Method::POST,
        "/self/apitokens",
        Some(json!({"name": "child"})),
    )
    .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn sso_admins_cannot_create_user_tokens() {
    let sim = demo().await;
    let (csrf, sid) = sim.create_session("sso@example.com").unwrap();
    let s = Session {
        base: sim.url(),
        suffix: ".sim".into(),
        csrf,
        sid,
        client: client(),
    };
    let r = s.post("/self/apitokens", json!({"name": "mine"})).await;
    assert_eq!(r.status(), 403);
    assert!(detail(r).await.contains("SSO"));
    assert!(sim.user_tokens("sso@example.com").is_empty());
    // but they can create org tokens in an org they administer
    let org = retail(&sim);
    let r = s
        .post(
            &format!("/orgs/{org}/apitokens"),
            json!({"name": "sso org token", "privileges": [{"scope": "org", "role": "read"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn org_token_crud() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    let list = body(s.get(&format!("/orgs/{org}/apitokens")).await).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let monitoring = list.iter().find(|t| t["name"] == "monitoring").unwrap();
    assert!(monitoring["last_used"].is_null());
    assert_eq!(monitoring["created_by"], "admin@example.com");
    assert_eq!(monitoring["org_id"], org.as_str());
    assert_eq!(monitoring["privileges"][0]["role"], "read");
    let ci = list.iter().find(|t| t["name"] == "ci pipeline").unwrap();
    assert_eq!(ci["src_ips"], json!(["10.0.0.0/8"]));

    let store1 = sim.site_id(&org, "Store 1").unwrap();
    let created = s
        .post(
            &format!("/orgs/{org}/apitokens"),
            json!({
                "name": "robot",
                "privileges": [
                    {"scope": "org", "role": "admin"},
                    {"scope": "site", "role": "write", "site_id": store1}
                ]
            }),
        )
        .await;
    assert_eq!(created.status(), 200);
    let created = body(created).await;
    let key = created["key"].as_str().unwrap().to_string();
    assert!(is_full_key(&key));
    assert!(created.get("privileges").is_none(), "POST omits privileges");
    assert_eq!(created["created_by"], "admin@example.com");
    assert_eq!(created["org_id"], org.as_str());
    let id = created["id"].as_str().unwrap().to_string();

    let got = body(s.get(&format!("/orgs/{org}/apitokens/{id}")).await).await;
    assert!(is_truncated(got["key"].as_str().unwrap()));
    assert_eq!(got["privileges"].as_array().unwrap().len(), 2);
    assert_eq!(got["privileges"][0]["org_id"], org.as_str());

    let put = s
        .put(
            &format!("/orgs/{org}/apitokens/{id}"),
            json!({"name": "robot 2", "privileges": [{"scope": "org", "role": "read"}]}),
        )
        .await;
    assert_eq!(put.status(), 200);
    let got = body(s.get(&format!("/orgs/{org}/apitokens/{id}")).await).await;
    assert_eq!(got["name"], "robot 2");
    assert_eq!(
        got["privileges"],
        json!([{"scope": "org", "role": "read", "org_id": org}])
    );

    // the org token identifies itself by name, without email
    let me = body(tget(&sim, &key, "/self").await).await;
    assert_eq!(me["name"], "robot 2");
    assert!(me.get("email").is_none());
    assert_eq!(me["privileges"][0]["org_id"], org.as_str());

    let del = s.delete(&format!("/orgs/{org}/apitokens/{id}")).await;
    assert_eq!(del.status(), 200);
    assert!(del.bytes().await.unwrap().is_empty());
    assert_eq!(tget(&sim, &key, "/self").await.status(), 401);
    assert_eq!(
        s.get(&format!("/orgs/{org}/apitokens/{id}")).await.status(),
        404
    );
    assert_eq!(
        s.delete(&format!("/orgs/{org}/apitokens/{id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn org_token_post_can_include_privileges_when_configured() {
    let sim = with(SimConfig {
        org_token_post_includes_privileges: true,
        ..Default::default()
    })
    .await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    let created = body(
        s.post(
            &format!("/orgs/{org}/apitokens"),
            json!({"name": "r", "privileges": [{"scope": "org", "role": "read"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(created["privileges"][0]["role"], "read");
}

#[tokio::test]
async fn org_token_validation_errors() {
    let sim = demo().await;
    let org = retail(&sim);
    let labs = sim.org_id("Acme Labs").unwrap();
    let lab_site = sim.site_id(&labs, "Lab 1").unwrap();
    let s = login(&sim, "admin@example.com").await;
    let path = format!("/orgs/{org}/apitokens");
    let read = json!([{"scope": "org", "role": "read"}]);
    let eleven: Vec<Value> = (0..11)
        .map(|i| {
            let role = ROLES[i % 5];
            json!({"scope": "org", "role": role, "views": [VIEWS[i % 8]]})
        })
        .collect();
    let cases = vec![
        json!({"privileges": read}),
        json!({"name": "x"}),
        json!({"name": "x", "privileges": []}),
        json!({"name": "x", "privileges": eleven}),
        json!({"name": "x", "privileges": "admin"}),
        json!({"name": "x", "privileges": [{"scope": "msp", "role": "admin"}]}),
        json!({"name": "x", "privileges": [{"scope": "org", "role": "god"}]}),
        json!({"name": "x", "privileges": [{"role": "read"}]}),
        json!({"name": "x", "privileges": [{"scope": "site", "role": "read"}]}),
        json!({"name": "x", "privileges": [{"scope": "site", "role": "read", "site_id": lab_site}]}),
        json!({"name": "x", "privileges": [{"scope": "sitegroup", "role": "read", "sitegroup_id": "00000000-0000-0000-0000-000000000000"}]}),
        json!({"name": "x", "privileges": [{"scope": "org", "role": "read", "org_id": labs}]}),
        json!({"name": "x", "privileges": [{"scope": "org", "role": "read"}, {"scope": "org", "role": "read"}]}),
        json!({"name": "x", "privileges": [{"scope": "org", "role": "read", "views": ["everything"]}]}),
        json!({"name": "x", "privileges": [{"scope": "org", "role": "read", "views": 3}]}),
        json!({"name": "x", "privileges": read, "src_ips": ["not-an-ip"]}),
        json!({"name": "x", "privileges": read, "src_ips": ["10.0.0.0/33"]}),
        json!({"name": "x", "privileges": read, "src_ips": "10.0.0.1"}),
        json!({"name": "x", "privileges": read, "src_ips": (0..11).map(|i| format!("10.0.0.{i}")).collect::<Vec<_>>()}),
    ];
    for case in cases {
        let r = s.post(&path, case.clone()).await;
        assert_eq!(r.status(), 400, "{case}");
        let d = detail(r).await;
        assert!(!d.is_empty(), "{case}");
    }
    assert_eq!(sim.org_tokens(&org).len(), 2, "nothing was created");
    // valid edge cases: 10 privileges, 10 src_ips, a site group, IPv6
    let stores = sim.sitegroup_id(&org, "Stores").unwrap();
    let ten: Vec<Value> = (0..10)
        .map(|i| json!({"scope": "org", "role": ROLES[i / 2], "views": [VIEWS[i % 2]]}))
        .collect();
    let ok = s
        .post(
            &path,
            json!({"name": "ten", "privileges": ten, "src_ips": (0..9).map(|i| format!("10.0.0.{i}")).chain(["2001:db8::/32".to_string()]).collect::<Vec<_>>()}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let ok = s
        .post(
            &path,
            json!({"name": "sg", "privileges": [{"scope": "sitegroup", "role": "write", "sitegroup_id": stores}]}),
        )
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn src_ips_cannot_change_but_may_be_repeated() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    let created = body(
        s.post(
            &format!("/orgs/{org}/apitokens"),
            json!({"name": "ip", "privileges": [{"scope": "org", "role": "read"}], "src_ips": ["10.1.0.0/16", "192.0.2.7"]}),
        )
        .await,
    )
    .await;
    assert_eq!(created["src_ips"], json!(["10.1.0.0/16", "192.0.2.7"]));
    let id = created["id"].as_str().unwrap();
    let path = format!("/orgs/{org}/apitokens/{id}");
    let same = s
        .put(
            &path,
            json!({"name": "ip2", "src_ips": ["10.1.0.0/16", "192.0.2.7"]}),
        )
        .await;
    assert_eq!(same.status(), 200);
    let different = s.put(&path, json!({"src_ips": ["10.1.0.0/16"]})).await;
    assert_eq!(different.status(), 400);
    assert!(detail(different).await.contains("src_ips"));
    let cleared = s.put(&path, json!({"src_ips": []})).await;
    assert_eq!(cleared.status(), 400);
    let got = body(s.get(&path).await).await;
    assert_eq!(got["src_ips"], json!(["10.1.0.0/16", "192.0.2.7"]));
    assert_eq!(got["name"], "ip2");
    // a token created without src_ips cannot gain them
    let monitoring = sim
        .org_tokens(&org)
        .into_iter()
        .find(|t| t["name"] == "monitoring")
        .unwrap();
    let r = s
        .put(
            &format!(
                "/orgs/{org}/apitokens/{}",
                monitoring["id"].as_str().unwrap()
            ),
            json!({"src_ips": ["10.0.0.1"]}),
        )
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn src_ips_are_enforced_against_the_peer_address() {
    let sim = demo().await;
    let org = retail(&sim);
    let read = vec![json!({"scope": "org", "role": "read"})];
    let outside = sim.add_org_token(&org, "outside", read.clone(), vec!["10.0.0.0/8".into()]);
    let r = tget(&sim, &outside, "/self").await;
    assert_eq!(r.status(), 403);
    assert!(!detail(r).await.is_empty());
    let loopback = sim.add_org_token(&org, "loopback", read.clone(), vec!["127.0.0.0/8".into()]);
    assert_eq!(tget(&sim, &loopback, "/self").await.status(), 200);
    let exact = sim.add_org_token(
        &org,
        "exact",
        read,
        vec!["192.0.2.1".into(), "127.0.0.1".into()],
    );
    assert_eq!(tget(&sim, &exact, "/self").await.status(), 200);
    // the refused use does not count as use
    let t = sim
        .org_tokens(&org)
        .into_iter()
        .find(|t| t["name"] == "outside")
        .unwrap();
    assert!(t["last_used"].is_null());
}

#[tokio::test]
async fn src_ip_refusal_status_is_configurable() {
    let sim = with(SimConfig {
        src_ip_refusal_status: 401,
        ..Default::default()
    })
    .await;
    let org = retail(&sim);
    let k = sim.add_org_token(
        &org,
        "o",
        vec![json!({"scope": "org", "role": "read"})],
        vec!["203.0.113.0/24".into()],
    );
    assert_eq!(tget(&sim, &k, "/self").await.status(), 401);
}

#[tokio::test]
async fn read_only_admin_cannot_see_or_manage_org_tokens() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "observer@example.com").await;
    let path = format!("/orgs/{org}/apitokens");
    let r = s.get(&path).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        detail(r).await,
        "You do not have permission to perform this action."
    );
    let r = s
        .post(
            &path,
            json!({"name": "x", "privileges": [{"scope": "org", "role": "read"}]}),
        )
        .await;
    assert_eq!(r.status(), 403);
    let id = sim.org_tokens(&org)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(s.delete(&format!("{path}/{id}")).await.status(), 403);
    assert_eq!(
        s.put(&format!("{path}/{id}"), json!({"name": "y"}))
            .await
            .status(),
        403
    );
    // the observer can still read the org itself
    assert_eq!(s.get(&format!("/orgs/{org}")).await.status(), 200);
}

#[tokio::test]
async fn admins_of_other_orgs_get_403() {
    let sim = demo().await;
    let tenant = sim.org_id("Tenant One").unwrap();
    let s = login(&sim, "admin@example.com").await;
    assert_eq!(
        s.get(&format!("/orgs/{tenant}/apitokens")).await.status(),
        403
    );
    assert_eq!(s.get(&format!("/orgs/{tenant}")).await.status(), 403);
    assert_eq!(
        s.get("/orgs/00000000-0000-0000-0000-000000000000/apitokens")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn msp_admin_manages_tenant_tokens_unless_an_org_privilege_overrides() {
    let sim = demo().await;
    let tenant = sim.org_id("Tenant Two").unwrap();
    let s = login(&sim, "msp@example.com").await;
    let r = s
        .post(
            &format!("/orgs/{tenant}/apitokens"),
            json!({"name": "tenant robot", "privileges": [{"scope": "org", "role": "write"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(body(r).await["created_by"], "msp@example.com");
    // an org-level read privilege overrides the MSP admin role
    let msp = sim.msp_id("Acme MSP").unwrap();
    sim.add_user(UserSpec {
        email: "mixed@example.com".into(),
        password: PW.into(),
        privileges: vec![
            json!({"scope": "msp", "role": "admin", "msp_id": msp}),
            json!({"scope": "org", "role": "read", "org_id": tenant}),
        ],
        ..Default::default()
    });
    let m = login(&sim, "mixed@example.com").await;
    assert_eq!(
        m.get(&format!("/orgs/{tenant}/apitokens")).await.status(),
        403
    );
    let t3 = sim.org_id("Tenant Three").unwrap();
    assert_eq!(m.get(&format!("/orgs/{t3}/apitokens")).await.status(), 200);
}

#[tokio::test]
async fn org_tokens_cannot_create_tokens_by_default() {
    let sim = demo().await;
    let org = retail(&sim);
    let key = sim.add_org_token(&org, "admin token", admin_org_privs(&org), vec![]);
    // it may read the org's tokens
    assert_eq!(
        tget(&sim, &key, &format!("/orgs/{org}/apitokens"))
            .await
            .status(),
        200
    );
    let r = tok(
        &sim,
        &key,
        Method::POST,
        &format!("/orgs/{org}/apitokens"),
        Some(json!({"name": "child", "privileges": [{"scope": "org", "role": "read"}]})),
    )
    .await;
    assert_eq!(r.status(), 403);
    let id = sim.org_tokens(&org)[0]["id"].as_str().unwrap().to_string();
    let r = tok(
        &sim,
        &key,
        Method::DELETE,
        &format!("/orgs/{org}/apitokens/{id}"),
        None,
    )
    .await;
    assert_eq!(r.status(), 403);
    // no user tokens for an org token either
    let r = tok(
        &sim,
        &key,
        Method::POST,
        "/self/apitokens",
        Some(json!({"name": "u"})),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(tget(&sim, &key, "/self/apitokens").await.status(), 403);
    assert_eq!(sim.org_tokens(&org).len(), 3);
}

#[tokio::test]
async fn org_tokens_may_create_tokens_when_configured() {
    let sim = with(SimConfig {
        org_token_may_create_tokens: true,
        ..Default::default()
    })
    .await;
    let org = retail(&sim);
    let key = sim.add_org_token(&org, "admin token", admin_org_privs(&org), vec![]);
    let r = tok(
        &sim,
        &key,
        Method::POST,
        &format!("/orgs/{org}/apitokens"),
        Some(json!({"name": "child", "privileges": [{"scope": "org", "role": "read"}]})),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(body(r).await["created_by"].is_null());
    // a read-only org token still may not
    let ro = sim.add_org_token(
        &org,
        "ro",
        vec![json!({"scope": "org", "role": "read"})],
        vec![],
    );
    let r = tok(
        &sim,
        &ro,
        Method::POST,
        &format!("/orgs/{org}/apitokens"),
        Some(json!({"name": "child", "privileges": [{"scope": "org", "role": "read"}]})),
    )
    .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn org_token_is_bound_to_its_org() {
    let sim = demo().await;
    let org = retail(&sim);
    let labs = sim.org_id("Acme Labs").unwrap();
    let key = sim.add_org_token(&org, "a", admin_org_privs(&org), vec![]);
    assert_eq!(
        tget(&sim, &key, &format!("/orgs/{labs}")).await.status(),
        403
    );
    assert_eq!(
        tget(&sim, &key, &format!("/orgs/{labs}/apitokens"))
            .await
            .status(),
        403
    );
    assert_eq!(
        tget(&sim, &key, &format!("/orgs/{org}")).await.status(),
        200
    );
}

#[tokio::test]
async fn deleted_creator_shows_null_created_by() {
    let sim = demo().await;
    let org = retail(&sim);
    sim.remove_user("admin@example.com");
    for t in sim.org_tokens(&org) {
        assert!(t["created_by"].is_null());
    }
}

#[tokio::test]
async fn unknown_token_ids_are_404() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    let bogus = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        s.get(&format!("/self/apitokens/{bogus}")).await.status(),
        404
    );
    let r = s.get(&format!("/orgs/{org}/apitokens/{bogus}")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(detail(r).await, "Not found.");
    assert_eq!(
        s.put(
            &format!("/orgs/{org}/apitokens/{bogus}"),
            json!({"name": "x"})
        )
        .await
        .status(),
        404
    );
    // a token of another org is not found under this one
    let labs = sim.org_id("Acme Labs").unwrap();
    let id = sim.org_tokens(&org)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.get(&format!("/orgs/{labs}/apitokens/{id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn age_helpers_and_demo_token_ages() {
    let sim = demo().await;
    let now = sim::now();
    let tokens = sim.user_tokens("admin@example.com");
    let old = tokens
        .iter()
        .find(|t| t["name"] == "old integration")
        .unwrap();
    let days = (now - old["last_used"].as_i64().unwrap()) / 86_400;
    assert_eq!(days, 80);
    let laptop = tokens
        .iter()
        .find(|t| t["name"] == "laptop scripts")
        .unwrap();
    assert!(now - laptop["last_used"].as_i64().unwrap() < 86_400);
    let key = sim.add_user_token("admin@example.com", "aged");
    assert!(sim.set_token_last_used(&key, Some(now - 100 * 86_400)));
    assert!(sim.set_token_created(&key, now - 365 * 86_400));
    let aged = sim
        .user_tokens("admin@example.com")
        .into_iter()
        .find(|t| t["name"] == "aged")
        .unwrap();
    assert_eq!(aged["last_used"], now - 100 * 86_400);
    assert_eq!(aged["created_time"], now - 365 * 86_400);
    let id = aged["id"].as_str().unwrap();
    assert!(sim.set_token_last_used(id, None));
    assert!(!sim.set_token_last_used("nope", None));
}

#[tokio::test]
async fn empty_seed_and_builders() {
    let sim = with(SimConfig {
        seed: Seed::Empty,
        ..Default::default()
    })
    .await;
    assert!(sim.org_id("Acme Retail").is_none());
    let org = sim.add_org("Solo");
    let site = sim.add_site(&org, "S1");
    let sg = sim.add_sitegroup(&org, "G1");
    assert_eq!(sim.site_id(&org, "S1").as_deref(), Some(site.as_str()));
    assert_eq!(sim.sitegroup_id(&org, "G1").as_deref(), Some(sg.as_str()));
    sim.add_user(UserSpec {
        email: "solo@example.com".into(),
        password: "pw".into(),
        first_name: "S".into(),
        last_name: "O".into(),
        two_factor: None,
        sso: false,
        privileges: admin_org_privs(&org),
    });
    let r = login_raw(&sim, json!({"email": "solo@example.com", "password": "pw"})).await;
    assert_eq!(r.status(), 200);
    let k = sim.add_user_token("solo@example.com", "t");
    assert_eq!(
        tget(&sim, &k, &format!("/orgs/{org}/apitokens"))
            .await
            .status(),
        200
    );
}
