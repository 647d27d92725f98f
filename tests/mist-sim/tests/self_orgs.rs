//! GET /self, /self/usage, org discovery, pagination, MSPs, routing errors.

mod common;

use common::*;
use mist_sim::UserSpec;
use serde_json::json;

#[tokio::test]
async fn self_for_a_session_has_the_user_shape() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let me = body(s.get("/self").await).await;
    assert_eq!(me["email"], "admin@example.com");
    assert_eq!(me["first_name"], "Ada");
    assert_eq!(me["last_name"], "Admin");
    assert_eq!(me["via_sso"], false);
    assert_eq!(me["two_factor_verified"], false);
    assert!(me["session_expiry"].is_i64());
    let privs = me["privileges"].as_array().unwrap();
    assert_eq!(privs.len(), 2);
    let retail_id = retail(&sim);
    let p = privs
        .iter()
        .find(|p| p["org_id"] == retail_id.as_str())
        .unwrap();
    assert_eq!(p["scope"], "org");
    assert_eq!(p["role"], "admin");
    assert_eq!(p["name"], "Acme Retail");
    assert_eq!(p["org_name"], "Acme Retail");
}

#[tokio::test]
async fn self_for_msp_and_site_admins() {
    let sim = demo().await;
    let me = body(login(&sim, "msp@example.com").await.get("/self").await).await;
    let p = &me["privileges"][0];
    assert_eq!(p["scope"], "msp");
    assert_eq!(p["msp_id"], sim.msp_id("Acme MSP").unwrap().as_str());
    assert_eq!(p["msp_name"], "Acme MSP");

    let org = retail(&sim);
    let store2 = sim.site_id(&org, "Store 2").unwrap();
    sim.add_user(UserSpec {
        email: "site@example.com".into(),
        password: PW.into(),
        first_name: "Sid".into(),
        privileges: vec![json!({"scope": "site", "role": "write", "site_id": store2})],
        ..Default::default()
    });
    let s = login(&sim, "site@example.com").await;
    let me = body(s.get("/self").await).await;
    let p = &me["privileges"][0];
    assert_eq!(p["site_id"], store2.as_str());
    assert_eq!(p["org_id"], org.as_str());
    assert_eq!(p["name"], "Store 2");
    assert_eq!(p["org_name"], "Acme Retail");
    // a site admin sees the org and only their site, but not its tokens
    assert_eq!(s.get(&format!("/orgs/{org}")).await.status(), 200);
    let sites = body(s.get(&format!("/orgs/{org}/sites")).await).await;
    assert_eq!(sites.as_array().unwrap().len(), 1);
    assert_eq!(sites[0]["name"], "Store 2");
    let groups = body(s.get(&format!("/orgs/{org}/sitegroups")).await).await;
    assert_eq!(groups[0]["name"], "Stores");
    assert_eq!(s.get(&format!("/orgs/{org}/apitokens")).await.status(), 403);
}

#[tokio::test]
async fn self_for_user_token_and_org_token() {
    let sim = demo().await;
    let org = retail(&sim);
    let ukey = sim.add_user_token("observer@example.com", "u");
    let me = body(tget(&sim, &ukey, "/self").await).await;
    assert_eq!(me["email"], "observer@example.com");
    assert_eq!(me["privileges"][0]["role"], "read");

    let okey = sim.add_org_token(&org, "my org token", admin_org_privs(&org), vec![]);
    let me = body(tget(&sim, &okey, "/self").await).await;
    assert_eq!(me["name"], "my org token");
    assert!(me.get("email").is_none());
    assert_eq!(me["privileges"][0]["scope"], "org");
    assert_eq!(me["privileges"][0]["role"], "admin");
    assert_eq!(me["privileges"][0]["org_id"], org.as_str());
}

#[tokio::test]
async fn self_usage_counts_requests() {
    let sim = with(mist_sim::SimConfig {
        rate_limit_per_hour: 1234,
        ..Default::default()
    })
    .await;
    let s = login(&sim, "admin@example.com").await;
    s.get("/self").await;
    s.get("/self").await;
    let u = body(s.get("/self/usage").await).await;
    assert_eq!(u["request_limit"], 1234);
    assert_eq!(u["requests"], 3);
    assert!(u["seconds"].is_number());
    assert_eq!(sim.quota_used("admin@example.com"), 3);
}

#[tokio::test]
async fn org_object() {
    let sim = demo().await;
    let org = sim.org_id("Tenant One").unwrap();
    let s = login(&sim, "msp@example.com").await;
    let o = body(s.get(&format!("/orgs/{org}")).await).await;
    assert_eq!(o["id"], org.as_str());
    assert_eq!(o["name"], "Tenant One");
    assert_eq!(o["msp_id"], sim.msp_id("Acme MSP").unwrap().as_str());
    assert_eq!(o["msp_name"], "Acme MSP");
}

#[tokio::test]
async fn sites_are_paginated_with_headers() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    let r = s.get(&format!("/orgs/{org}/sites")).await;
    assert_eq!(r.headers()["x-page-limit"], "100");
    assert_eq!(r.headers()["x-page-page"], "1");
    assert_eq!(r.headers()["x-page-total"], "3");
    let all = body(r).await;
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Store 1", "Store 2", "Warehouse"]);
    assert_eq!(all[0]["org_id"], org.as_str());

    let r = s.get(&format!("/orgs/{org}/sites?limit=2&page=2")).await;
    assert_eq!(r.headers()["x-page-limit"], "2");
    assert_eq!(r.headers()["x-page-page"], "2");
    assert_eq!(r.headers()["x-page-total"], "3");
    let p2 = body(r).await;
    assert_eq!(p2.as_array().unwrap().len(), 1);
    assert_eq!(p2[0]["name"], "Warehouse");

    let r = s.get(&format!("/orgs/{org}/sites?limit=2&page=3")).await;
    assert_eq!(body(r).await, json!([]));
    assert_eq!(
        s.get(&format!("/orgs/{org}/sites?limit=abc"))
            .await
            .status(),
        400
    );
    assert_eq!(
        s.get(&format!("/orgs/{org}/sites?page=0")).await.status(),
        400
    );
}

#[tokio::test]
async fn many_sites_paginate_at_100() {
    let sim = demo().await;
    let org = sim.add_org("Big");
    for i in 0..150 {
        sim.add_site(&org, format!("S{i:03}"));
    }
    sim.add_user(UserSpec {
        email: "big@example.com".into(),
        password: PW.into(),
        privileges: admin_org_privs(&org),
        ..Default::default()
    });
    let s = login(&sim, "big@example.com").await;
    let r = s.get(&format!("/orgs/{org}/sites")).await;
    assert_eq!(r.headers()["x-page-total"], "150");
    assert_eq!(body(r).await.as_array().unwrap().len(), 100);
    let r = s.get(&format!("/orgs/{org}/sites?page=2")).await;
    assert_eq!(body(r).await.as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn sitegroups_are_paginated() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "observer@example.com").await;
    let r = s.get(&format!("/orgs/{org}/sitegroups")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-page-total"], "1");
    let g = body(r).await;
    assert_eq!(g[0]["name"], "Stores");
    assert_eq!(g[0]["site_ids"].as_array().unwrap().len(), 2);
    let store1 = sim.site_id(&org, "Store 1").unwrap();
    let sites = body(s.get(&format!("/orgs/{org}/sites")).await).await;
    let s1 = sites
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == store1.as_str())
        .unwrap();
    assert_eq!(s1["sitegroup_ids"][0], g[0]["id"]);
}

#[tokio::test]
async fn msp_orgs_for_msp_admins_only() {
    let sim = demo().await;
    let msp = sim.msp_id("Acme MSP").unwrap();
    let s = login(&sim, "msp@example.com").await;
    let r = s.get(&format!("/msps/{msp}/orgs")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-page-total"], "3");
    let orgs = body(r).await;
    let mut names: Vec<&str> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Tenant One", "Tenant Three", "Tenant Two"]);
    let a = login(&sim, "admin@example.com").await;
    assert_eq!(a.get(&format!("/msps/{msp}/orgs")).await.status(), 403);
    // MSP admin reaches the tenants' sites
    let t1 = sim.org_id("Tenant One").unwrap();
    assert_eq!(s.get(&format!("/orgs/{t1}/sites")).await.status(), 200);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let sim = demo().await;
    let r = client()
        .get(api(&sim, "/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(detail(r).await, "Not found.");
    let r = client().delete(api(&sim, "/self")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(detail(r).await.contains("DELETE"));
}

#[tokio::test]
async fn json_parse_errors_on_token_routes() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let r = client()
        .post(api(&sim, "/self/apitokens"))
        .header("cookie", s.cookie())
        .header("X-CSRFToken", &s.csrf)
        .header("Referer", s.referer())
        .header("content-type", "application/json")
        .body("{name: nope}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(detail(r).await.starts_with("JSON parse error - "));
    let r = s.post("/self/apitokens", json!(["a"])).await;
    assert_eq!(r.status(), 400);
}
