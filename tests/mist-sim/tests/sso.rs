//! The simulated company login (IdP) and portal: lookup → IdP page → "Sign in" → portal cookies
//! (a session `via_sso`), the refusing and self-submitting pages, and Django's Referer check on a
//! cookie session's writes.

mod common;

use common::*;
use mist_sim::{IdpPage, SimConfig};
use reqwest::redirect::Policy;
use serde_json::json;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn sso_url(sim: &mist_sim::SimHandle) -> String {
    let r = client()
        .post(api(sim, "/login/lookup"))
        .json(&json!({"email": "sso@example.com"}))
        .send()
        .await
        .unwrap();
    body(r).await["sso_url"].as_str().unwrap().to_string()
}

/// The IdP's "Sign in" as the browser posts it; returns the portal address it redirects to.
async fn idp_sign_in(sim: &mist_sim::SimHandle, email: &str) -> reqwest::Response {
    no_redirects()
        .post(format!("{}/idp/login", sim.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}&password=x", email.replace('@', "%40")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_company_login_leads_to_a_portal_session_via_sso() {
    let sim = demo().await;
    let url = sso_url(&sim).await;
    assert_eq!(
        url,
        format!("{}/idp/login?login_hint=sso%40example.com", sim.url()),
        "the SSO account is sent to this simulator's own IdP page"
    );
    // /login's 400 gives the same address as forward_url.
    let r = login_raw(&sim, json!({"email": "sso@example.com", "password": "x"})).await;
    assert_eq!(r.status(), 400);
    assert_eq!(body(r).await["forward_url"], json!(url));

    let page = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<button type=\"submit\">Sign in</button>"),
        "{page}"
    );
    assert!(page.contains("value=\"sso@example.com\""), "{page}");
    assert!(
        !page.contains("document.forms[0].submit(); }, 300"),
        "the default form waits for its button"
    );
    let told = |sim: mist_sim::SimHandle| async move {
        client()
            .get(format!("{}/idp/submit-now", sim.url()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert_eq!(told(sim.clone()).await, "no");
    sim.set_idp_page(IdpPage::SelfSubmitting);
    assert_eq!(
        told(sim.clone()).await,
        "yes",
        "an open form goes on by itself"
    );
    sim.set_idp_page(IdpPage::SignInForm);

    let r = idp_sign_in(&sim, "sso@example.com").await;
    assert_eq!(r.status(), 303);
    let portal = r.headers()["location"].to_str().unwrap().to_string();
    assert!(portal.starts_with("/admin/?sso_ticket="), "{portal}");
    assert_eq!(sim.session_count(), 0, "no session before the portal");

    let r = no_redirects()
        .get(format!("{}{portal}", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csrf = set_cookie(&r, "csrftoken.sim").expect("the portal sets csrftoken.sim");
    let sid = set_cookie(&r, "sessionid.sim").expect("the portal sets sessionid.sim");
    assert_eq!(sim.sso_session_count(), 1);
    // The ticket works once.
    let again = no_redirects()
        .get(format!("{}{portal}", sim.url()))
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&again, "sessionid.sim").is_none());

    let s = Session {
        base: sim.url(),
        suffix: ".sim".into(),
        csrf,
        sid,
        client: client(),
    };
    let me = body(s.get("/self").await).await;
    assert_eq!(me["email"], "sso@example.com");
    assert_eq!(me["via_sso"], true);
    // Refused user tokens; org tokens where the admin is a Super User are fine.
    let r = s.post("/self/apitokens", json!({"name": "mine"})).await;
    assert_eq!(r.status(), 403);
    let org = retail(&sim);
    let r = s
        .post(
            &format!("/orgs/{org}/apitokens"),
            json!({"name": "from sso", "privileges": [{"scope": "org", "role": "read"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(s.post("/logout", json!({})).await.status(), 200);
    assert_eq!(sim.sso_session_count(), 0);
}

#[tokio::test]
async fn the_company_login_knows_only_sso_accounts() {
    let sim = demo().await;
    let r = idp_sign_in(&sim, "admin@example.com").await;
    assert_eq!(r.status(), 200, "no redirect for a password account");
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("does not know that account"));
    let r = idp_sign_in(&sim, "nobody@example.com").await;
    assert_eq!(r.status(), 200);
    assert_eq!(sim.session_count(), 0);
    // A portal visit without a ticket sets nothing.
    let r = no_redirects()
        .get(format!("{}/admin/?sso_ticket=made-up", sim.url()))
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&r, "sessionid.sim").is_none());
}

#[tokio::test]
async fn the_idp_page_knob_refuses_or_submits_itself() {
    let sim = with(SimConfig {
        idp_page: IdpPage::RefusesEmbeddedBrowser,
        ..Default::default()
    })
    .await;
    let url = sso_url(&sim).await;
    let page = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("This browser or app may not be secure"),
        "{page}"
    );
    assert!(
        !page.contains("<form"),
        "the refusing page offers no way on"
    );
    sim.set_idp_page(IdpPage::SelfSubmitting);
    let page = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("document.forms[0].submit()"), "{page}");
    sim.set_idp_page(IdpPage::IpcProbe);
    let page = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("__TAURI_INTERNALS__") && page.contains("/idp/ipc-report"));
    let r = client()
        .post(format!("{}/idp/ipc-report", sim.url()))
        .body("session_info: refused not allowed")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(sim.ipc_reports(), vec!["session_info: refused not allowed"]);
}

#[tokio::test]
async fn cookie_session_writes_need_a_referer_of_this_host() {
    let sim = demo().await;
    let s = login(&sim, "admin@example.com").await;
    let write = |referer: Option<String>| {
        let s = s.clone();
        let sim = sim.clone();
        async move {
            let mut rb = s
                .client
                .post(api(&sim, "/self/apitokens"))
                .header("cookie", s.cookie())
                .header("X-CSRFToken", &s.csrf)
                .json(&json!({"name": "referer test"}));
            if let Some(r) = referer {
                rb = rb.header("Referer", r);
            }
            rb.send().await.unwrap()
        }
    };
    let r = write(None).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        detail(r).await,
        "CSRF Failed: Referer checking failed - no Referer."
    );
    let r = write(Some("https://evil.example/".into())).await;
    assert_eq!(r.status(), 403);
    assert!(detail(r)
        .await
        .contains("does not match any trusted origins"));
    let r = write(Some(s.referer())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(sim.last_write_referer(), Some(s.referer()));
    // Token requests carry no cookies: no Referer needed. GETs need none either.
    assert_eq!(s.get("/self").await.status(), 200);
    // The knob turns the check off.
    let lax = with(SimConfig {
        require_referer: false,
        ..Default::default()
    })
    .await;
    let s = login(&lax, "admin@example.com").await;
    let r = s
        .client
        .post(api(&lax, "/self/apitokens"))
        .header("cookie", s.cookie())
        .header("X-CSRFToken", &s.csrf)
        .json(&json!({"name": "no referer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
