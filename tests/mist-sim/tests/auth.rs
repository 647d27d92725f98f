//! Sign-in: login, 2FA, lookup, logout, cookies, CSRF, lockout.

mod common;

use common::*;
use mist_sim::{SimConfig, UserSpec};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn login_sets_suffixed_cookies_and_answers_empty_object() {
    let sim = demo().await;
    let resp = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(resp.status(), 200);
    assert!(set_cookie(&resp, "csrftoken.sim").is_some());
    assert!(set_cookie(&resp, "sessionid.sim").is_some());
    assert!(
        set_cookie(&resp, "csrftoken").is_none(),
        "bare name must not be used"
    );
    assert_eq!(body(resp).await, json!({}));
}

#[tokio::test]
async fn cookie_suffix_is_configurable_per_cloud() {
    for suffix in ["", ".eu", ".gc1"] {
        let sim = with(SimConfig {
            cookie_suffix: suffix.into(),
            ..Default::default()
        })
        .await;
        let s = login(&sim, "admin@example.com").await;
        assert_eq!(s.get("/self").await.status(), 200, "suffix {suffix:?}");
        // the same cookies under another suffix are not recognised
        let other = Session {
            suffix: format!("{suffix}.x"),
            ..s.clone()
        };
        assert_eq!(other.get("/self").await.status(), 401);
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_answer_400_with_detail() {
    let sim = demo().await;
    for body_ in [
        json!({"email": "admin@example.com", "password": "nope"}),
        json!({"email": "nobody@example.com", "password": PW}),
    ] {
        let resp = login_raw(&sim, body_).await;
        assert_eq!(resp.status(), 400);
        assert!(!detail(resp).await.is_empty());
        assert_eq!(sim.session_count(), 0);
    }
}

#[tokio::test]
async fn login_rejects_missing_fields_and_bad_json() {
    let sim = demo().await;
    let resp = login_raw(&sim, json!({"email": "admin@example.com"})).await;
    assert_eq!(resp.status(), 400);
    let resp = client()
        .post(api(&sim, "/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(detail(resp).await.starts_with("JSON parse error - "));
}

#[tokio::test]
async fn sso_account_login_is_refused_with_forward_url() {
    let sim = demo().await;
    let resp = login_raw(&sim, json!({"email": "sso@example.com", "password": PW})).await;
    assert_eq!(resp.status(), 400);
    let b = body(resp).await;
    assert_eq!(b["detail"], "sso admin login needs to be initiated by IdP");
    // The simulator's own company login page (tests/sso.rs follows it).
    assert!(b["forward_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/idp/login?", sim.url())));
}

#[tokio::test]
async fn lookup_tells_local_sso_and_unknown_apart() {
    let sim = demo().await;
    let c = client();
    let local = c
        .post(api(&sim, "/login/lookup"))
        .json(&json!({"email": "admin@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 200);
    assert_eq!(body(local).await, json!({}));
    let sso = c
        .post(api(&sim, "/login/lookup"))
        .json(&json!({"email": "SSO@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sso.status(), 200);
    assert!(body(sso).await["sso_url"].is_string());
    let unknown = c
        .post(api(&sim, "/login/lookup"))
        .json(&json!({"email": "ghost@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let missing = c
        .post(api(&sim, "/login/lookup"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
}

#[tokio::test]
async fn lookup_is_per_cloud() {
    let eu = with(SimConfig {
        cookie_suffix: ".eu".into(),
        seed: mist_sim::Seed::Empty,
        ..Default::default()
    })
    .await;
    let global = demo().await;
    eu.add_user(UserSpec {
        email: "eu-only@example.com".into(),
        password: PW.into(),
        ..Default::default()
    });
    let ask = |url: String| async move {
        client()
            .post(url)
            .json(&json!({"email": "eu-only@example.com"}))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(ask(api(&eu, "/login/lookup")).await, 200);
    assert_eq!(ask(api(&global, "/login/lookup")).await, 404);
}

#[tokio::test]
async fn two_factor_code_in_first_body() {
    let sim = demo().await;
    let resp = login_raw(
        &sim,
        json!({"email": "2fa@example.com", "password": PW, "two_factor": "123456"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let csrf = set_cookie(&resp, "csrftoken.sim").unwrap();
    let sid = set_cookie(&resp, "sessionid.sim").unwrap();
    let b = body(resp).await;
    assert_eq!(b["two_factor_passed"], true);
    let s = Session {
        base: sim.url(),
        suffix: ".sim".into(),
        csrf,
        sid,
        client: client(),
    };
    let me = body(s.get("/self").await).await;
    assert_eq!(me["email"], "2fa@example.com");
    assert_eq!(me["two_factor_verified"], true);
    assert_eq!(s.get("/self/apitokens").await.status(), 200);
}

#[tokio::test]
async fn two_factor_in_second_call_and_pending_state() {
    let sim = demo().await;
    let resp = login_raw(&sim, json!({"email": "2fa@example.com", "password": PW})).await;
    assert_eq!(resp.status(), 200);
    let csrf = set_cookie(&resp, "csrftoken.sim").unwrap();
    let sid = set_cookie(&resp, "sessionid.sim").unwrap();
    assert_eq!(
        body(resp).await,
        json!({"email": "2fa@example.com", "two_factor_required": true, "two_factor_passed": false})
    );
    let s = Session {
        base: sim.url(),
        suffix: ".sim".into(),
        csrf,
        sid,
        client: client(),
    };
    // pending: /self answers 200 with the flags, everything else 401
    let me = s.get("/self").await;
    assert_eq!(me.status(), 200);
    let me = body(me).await;
    assert_eq!(me["two_factor_required"], true);
    assert_eq!(me["two_factor_passed"], false);
    assert!(me.get("privileges").is_none());
    assert_eq!(s.get("/self/apitokens").await.status(), 401);
    assert_eq!(s.get("/self/usage").await.status(), 401);
    let org = retail(&sim);
    assert_eq!(s.get(&format!("/orgs/{org}")).await.status(), 401);
    assert_eq!(
        s.post("/self/apitokens", json!({"name": "x"}))
            .await
            .status(),
        401
    );
    // wrong code
    let wrong = s
        .post("/login/two_factor", json!({"two_factor": "000000"}))
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(!detail(wrong).await.is_empty());
    assert_eq!(s.get("/self/apitokens").await.status(), 401);
    // right code
    let ok = s
        .post("/login/two_factor", json!({"two_factor": "123456"}))
        .await;
    assert_eq!(ok.status(), 200);
    let me = body(s.get("/self").await).await;
    assert_eq!(me["two_factor_passed"], true);
    assert!(me["privileges"].is_array());
    assert_eq!(s.get("/self/apitokens").await.status(), 200);
}

#[tokio::test]
async fn two_factor_wrong_code_in_first_body_is_refused() {
    let sim = demo().await;
    let resp = login_raw(
        &sim,
        json!({"email": "2fa@example.com", "password": PW, "two_factor": "999999"}),
    )
    .await;
    assert_eq!(resp.status(), 400);
    assert!(set_cookie(&resp, "sessionid.sim").is_none());
}

#[tokio::test]
async fn two_factor_without_login_is_401_and_without_2fa_is_404() {
    let sim = demo().await;
    let resp = client()
        .post(api(&sim, "/login/two_factor"))
        .json(&json!({"two_factor": "123456"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let s = login(&sim, "admin@example.com").await;
    let resp = s
        .post("/login/two_factor", json!({"two_factor": "123456"}))
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn lockout_after_three_failures_then_cooldown() {
    let sim = with(SimConfig {
        lockout_secs: 1,
        ..Default::default()
    })
    .await;
    for _ in 0..3 {
        let r = login_raw(
            &sim,
            json!({"email": "admin@example.com", "password": "bad"}),
        )
        .await;
        assert_eq!(r.status(), 400);
    }
    let locked = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().get("retry-after").is_some());
    assert!(!detail(locked).await.is_empty());
    // other accounts are not affected
    let other = login_raw(
        &sim,
        json!({"email": "observer@example.com", "password": PW}),
    )
    .await;
    assert_eq!(other.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = login_raw(&sim, json!({"email": "admin@example.com", "password": PW})).await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn successful_login_resets_failure_count() {
    let sim = demo().await;
    for _ in 0..2 {
        login_raw(
            &sim,
            json!({"email": "admin@example.com", "password": "bad"}),
        )
        .await;
    }
    login(&sim, "admin@example.com").await;
    for _ in 0..2 {
        login_raw(
            &sim,
            json!({"email": "admin@example.com", "password": "bad"}),
        )
        .await;
    }
    assert_eq!(
        login_raw(&sim, json!({"email": "admin@example.com", "password": PW}))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn logout_kills_the_session_and_expires_cookies() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    assert_eq!(s.get("/self").await.status(), 200);
    let resp = s.post("/logout", json!({})).await;
    assert_eq!(resp.status(), 200);
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("sessionid.sim=") && c.contains("Max-Age=0")));
    assert_eq!(body(resp).await, json!({}));
    assert_eq!(s.get("/self").await.status(), 401);
}

#[tokio::test]
async fn unsafe_requests_on_a_session_need_matching_csrf_header() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let c = client();
    // missing header
    let r = c
        .post(api(&sim, "/self/apitokens"))
        .header("cookie", s.cookie())
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        detail(r).await,
        "CSRF Failed: CSRF token missing or incorrect."
    );
    // wrong header
    let r = c
        .post(api(&sim, "/self/apitokens"))
        .header("cookie", s.cookie())
        .header("X-CSRFToken", "wrong")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // DELETE and PUT too
    let key = sim.add_user_token("admin@example.com", "t");
    let id = sim.user_tokens("admin@example.com").last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for m in [Method::PUT, Method::DELETE] {
        let r = c
            .request(m, api(&sim, &format!("/self/apitokens/{id}")))
            .header("cookie", s.cookie())
            .json(&json!({"name": "y"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
    assert!(sim.user_tokens("admin@example.com").len() >= 3);
    // nothing was created by the refused POSTs
    assert_eq!(sim.user_tokens("admin@example.com").len(), 3);
    // right header works; GET needs none
    assert_eq!(
        s.post("/self/apitokens", json!({"name": "x"}))
            .await
            .status(),
        200
    );
    assert_eq!(s.get("/self/apitokens").await.status(), 200);
    // tokens need no CSRF
    let r = tok(
        &sim,
        &key,
        Method::POST,
        "/self/apitokens",
        Some(json!({"name": "z"})),
    )
    .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn logout_on_a_session_needs_csrf() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let r = client()
        .post(api(&sim, "/logout"))
        .header("cookie", s.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(s.get("/self").await.status(), 200);
}

#[tokio::test]
async fn unauthenticated_requests_get_401_with_documented_detail() {
    let sim = demo().await;
    let r = client().get(api(&sim, "/self")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        detail(r).await,
        "Authentication credentials were not provided."
    );
    let r = tget(&sim, "notakey", "/self").await;
    assert_eq!(r.status(), 401);
    let r = client()
        .get(api(&sim, "/self"))
        .header("Authorization", "Basic YWRtaW46eA==")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn create_session_helper_signs_in_sso_admins() {
    let sim = demo().await;
    let (csrf, sid) = sim.create_session("sso@example.com").unwrap();
    let s = Session {
        base: sim.url(),
        suffix: ".sim".into(),
        csrf,
        sid,
        client: client(),
    };
    let me = body(s.get("/self").await).await;
    assert_eq!(me["via_sso"], true);
}
