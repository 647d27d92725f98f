//! Rate limits, injected faults, latency, helpers, several clouds.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mist_sim::{Fault, FaultRule, Method, Sim, SimConfig};
use serde_json::json;

const LIMIT_TEXT: &str =
    "Too Many Request. The API Token used for the request reached the 5 API Calls per hour threshold";

fn small_limit() -> SimConfig {
    SimConfig {
        rate_limit_per_hour: 5,
        ..Default::default()
    }
}

#[tokio::test]
async fn session_and_user_tokens_share_one_quota() {
    let sim = with(small_limit()).await;
    let s = login(&sim, "admin@example.com").await;
    let k1 = sim.add_user_token("admin@example.com", "one");
    let k2 = sim.add_user_token("admin@example.com", "two");
    for _ in 0..2 {
        assert_eq!(tget(&sim, &k1, "/self").await.status(), 200);
    }
    assert_eq!(tget(&sim, &k2, "/self").await.status(), 200);
    assert_eq!(s.get("/self").await.status(), 200);
    assert_eq!(s.get("/self").await.status(), 200);
    // 5 used: the script locks the person out of the portal too
    let r = s.get("/self").await;
    assert_eq!(r.status(), 429);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry));
    assert_eq!(detail(r).await, LIMIT_TEXT);
    assert_eq!(tget(&sim, &k1, "/self").await.status(), 429);
    assert_eq!(tget(&sim, &k2, "/self").await.status(), 429);
    // other users and org tokens are unaffected
    let o = login(&sim, "observer@example.com").await;
    assert_eq!(o.get("/self").await.status(), 200);
    let org = retail(&sim);
    let ok = sim.add_org_token(&org, "o", admin_org_privs(&org), vec![]);
    assert_eq!(tget(&sim, &ok, "/self").await.status(), 200);
    // the quota resets (a new hour)
    sim.reset_quotas();
    assert_eq!(s.get("/self").await.status(), 200);
}

#[tokio::test]
async fn each_org_token_has_its_own_quota() {
    let sim = with(small_limit()).await;
    let org = retail(&sim);
    let a = sim.add_org_token(&org, "a", admin_org_privs(&org), vec![]);
    let b = sim.add_org_token(&org, "b", admin_org_privs(&org), vec![]);
    for _ in 0..5 {
        assert_eq!(tget(&sim, &a, "/self").await.status(), 200);
    }
    let r = tget(&sim, &a, "/self").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    assert_eq!(tget(&sim, &b, "/self").await.status(), 200);
    // the admin who created them is unaffected
    let s = login(&sim, "admin@example.com").await;
    assert_eq!(s.get("/self").await.status(), 200);
}

#[tokio::test]
async fn exhaust_quota_helper() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    sim.exhaust_quota_for("admin@example.com");
    let r = s.get("/self").await;
    assert_eq!(r.status(), 429);
    assert!(detail(r).await.contains("5000 API Calls per hour"));
    let org = retail(&sim);
    let k = sim.add_org_token(&org, "x", admin_org_privs(&org), vec![]);
    assert_eq!(tget(&sim, &k, "/self").await.status(), 200);
    sim.exhaust_quota_for(&org);
    assert_eq!(tget(&sim, &k, "/self").await.status(), 429);
    let k2 = sim.add_org_token(&org, "y", admin_org_privs(&org), vec![]);
    sim.exhaust_quota_for(&k2);
    assert_eq!(tget(&sim, &k2, "/self").await.status(), 429);
}

#[tokio::test]
async fn html_status_faults() {
    let sim = demo().await;
    for code in [500u16, 502, 503] {
        sim.inject_fault(FaultRule {
            method: Some(Method::GET),
            path_contains: "/self".into(),
            fault: Fault::Status { code, html: true },
            times: Some(1),
        });
        let r = client().get(api(&sim, "/self")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), code);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let text = r.text().await.unwrap();
        assert!(text.contains("<html>") && text.contains(&code.to_string()));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    }
    // used up: the real answer is back
    assert_eq!(
        client()
            .get(api(&sim, "/self"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // JSON variant
    sim.inject_fault(
        FaultRule::new(
            "/self",
            Fault::Status {
                code: 503,
                html: false,
            },
        )
        .times(1),
    );
    let r = client().get(api(&sim, "/self")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(body(r).await["detail"].is_string());
}

#[tokio::test]
async fn fault_method_filter_and_clear() {
    let sim = demo().await;
    sim.inject_fault(
        FaultRule::new(
            "/login",
            Fault::Status {
                code: 502,
                html: true,
            },
        )
        .method(Method::PUT),
    );
    let r = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(r.status(), 200, "POST is not affected by a PUT rule");
    sim.inject_fault(FaultRule::new(
        "/login",
        Fault::Status {
            code: 502,
            html: true,
        },
    ));
    let r = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(r.status(), 502);
    let r = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(r.status(), 502, "times: None applies forever");
    sim.clear_faults();
    let r = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn malformed_json_fault() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    sim.inject_fault(FaultRule::new("/self/apitokens", Fault::MalformedJson).times(1));
    let r = s.get("/self/apitokens").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("json"));
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    assert_eq!(s.get("/self/apitokens").await.status(), 200);
}

#[tokio::test]
async fn drop_after_processing_creates_the_token_but_sends_nothing() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let before = sim.user_tokens("admin@example.com").len();
    sim.inject_fault(
        FaultRule::new("/self/apitokens", Fault::DropAfterProcessing)
            .method(Method::POST)
            .times(1),
    );
    let r = client()
        .post(api(&sim, "/self/apitokens"))
        .header("cookie", s.cookie())
        .header("X-CSRFToken", &s.csrf)
        .header("Referer", s.referer())
        .json(&json!({"name": "lost answer"}))
        .send()
        .await;
    let err = r.expect_err("the client must see a connection error");
    assert!(!err.is_timeout(), "{err}");
    let after = sim.user_tokens("admin@example.com");
    assert_eq!(after.len(), before + 1, "the token was created anyway");
    assert!(after.iter().any(|t| t["name"] == "lost answer"));
    assert!(sim.last_issued_key().is_some());
    // the server still serves
    assert_eq!(s.get("/self").await.status(), 200);
}

#[tokio::test]
async fn drop_after_processing_on_org_tokens() {
    let sim = demo().await;
    let org = retail(&sim);
    let s = login(&sim, "admin@example.com").await;
    sim.inject_fault(
        FaultRule::new("/apitokens", Fault::DropAfterProcessing)
            .method(Method::POST)
            .times(1),
    );
    let r = s
        .client
        .post(api(&sim, &format!("/orgs/{org}/apitokens")))
        .header("cookie", s.cookie())
        .header("X-CSRFToken", &s.csrf)
        .header("Referer", s.referer())
        .json(&json!({"name": "orphan", "privileges": [{"scope": "org", "role": "read"}]}))
        .send()
        .await;
    assert!(r.is_err());
    assert!(sim.org_tokens(&org).iter().any(|t| t["name"] == "orphan"));
}

#[tokio::test]
async fn delay_fault_exceeds_client_timeout() {
    let sim = demo().await;
    sim.inject_fault(
        FaultRule::new("/login/lookup", Fault::Delay(Duration::from_secs(5))).times(1),
    );
    let c = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let r = c
        .post(api(&sim, "/login/lookup"))
        .json(&json!({"email": "admin@example.com"}))
        .send()
        .await;
    assert!(r.expect_err("timeout").is_timeout());
    assert!(started.elapsed() < Duration::from_secs(2));
    // a short delay is simply slow
    sim.inject_fault(
        FaultRule::new("/login/lookup", Fault::Delay(Duration::from_millis(150))).times(1),
    );
    let started = Instant::now();
    let r = client()
        .post(api(&sim, "/login/lookup"))
        .json(&json!({"email": "admin@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn rate_limited_fault() {
    let sim = demo().await;
    sim.inject_fault(
        FaultRule::new(
            "/self",
            Fault::RateLimited {
                retry_after: Some(7),
            },
        )
        .times(1),
    );
    let r = client().get(api(&sim, "/self")).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert!(detail(r).await.starts_with("Too Many Request."));
    sim.inject_fault(FaultRule::new("/self", Fault::RateLimited { retry_after: None }).times(1));
    let r = client().get(api(&sim, "/self")).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn latency_is_added_to_every_request() {
    let sim = with(SimConfig {
        latency: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    client().get(api(&sim, "/self")).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    // Without latency the same request is well under the 300 ms (a wide margin, so that a loaded
    // machine does not make this flaky).
    sim.set_latency(Duration::ZERO);
    let started = Instant::now();
    client().get(api(&sim, "/self")).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
    sim.set_latency(Duration::from_millis(80));
    let started = Instant::now();
    client().get(api(&sim, "/self")).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(80));
}

#[tokio::test]
async fn request_count() {
    let sim = demo().await;
    assert_eq!(sim.request_count(), 0);
    client().get(api(&sim, "/self")).send().await.unwrap();
    client().get(api(&sim, "/nope")).send().await.unwrap();
    assert_eq!(sim.request_count(), 2);
    sim.reset_request_count();
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test]
async fn thirteen_clouds_in_one_process() {
    let suffixes = [
        "", ".gc1", ".ac2", ".gc2", ".gc4", ".eu", ".gc3", ".ac6", ".gc6", ".ac5", ".gc5", ".gc7",
        ".us",
    ];
    let mut sims = Vec::new();
    for s in suffixes {
        sims.push(
            Sim::start(SimConfig {
                cookie_suffix: s.into(),
                seed: mist_sim::Seed::Empty,
                ..Default::default()
            })
            .await,
        );
    }
    // each cloud holds its own account
    for (i, sim) in sims.iter().enumerate() {
        sim.add_user(mist_sim::UserSpec {
            email: format!("user{i}@example.com"),
            password: PW.into(),
            ..Default::default()
        });
    }
    let mut urls: Vec<String> = sims.iter().map(|s| s.url()).collect();
    urls.dedup();
    assert_eq!(urls.len(), 13);
    for (i, sim) in sims.iter().enumerate() {
        for j in [i, (i + 1) % 13] {
            let r = client()
                .post(api(sim, "/login/lookup"))
                .json(&json!({"email": format!("user{j}@example.com")}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), if i == j { 200 } else { 404 });
        }
        let s = login(sim, &format!("user{i}@example.com")).await;
        assert_eq!(s.suffix, suffixes[i]);
        assert_eq!(s.get("/self").await.status(), 200);
    }
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sim = demo().await;
    let url = api(&sim, "/self");
    assert_eq!(client().get(&url).send().await.unwrap().status(), 401);
    sim.shutdown().await;
    let served = sim.request_count();
    let c = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    // Refused; or, when a simulator of a test running alongside has been given the freed port
    // meanwhile (seen once), answered by that one and not by this one.
    let after = c.get(&url).send().await;
    assert!(
        after.is_err() || sim.request_count() == served,
        "the stopped simulator answered"
    );
}

#[tokio::test]
async fn dropping_the_last_handle_stops_serving() {
    let sim = demo().await;
    let url = api(&sim, "/self");
    let clone = sim.clone();
    drop(sim);
    assert_eq!(client().get(&url).send().await.unwrap().status(), 401);
    drop(clone);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let c = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert!(c.get(&url).send().await.is_err());
}

#[tokio::test]
async fn bulk_seed() {
    let sim = demo().await;
    sim.seed_bulk("admin@example.com", 12, 4);
    let org = sim.org_id("Bulk Org 007").unwrap();
    assert_eq!(sim.org_tokens(&org).len(), 4);
    let s = login(&sim, "admin@example.com").await;
    let me = body(s.get("/self").await).await;
    assert_eq!(me["privileges"].as_array().unwrap().len(), 14);
    assert_eq!(
        body(s.get(&format!("/orgs/{org}/apitokens")).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        4
    );
}
