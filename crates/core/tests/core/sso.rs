//! SSO sign-in in the core, against the simulator: the plan from `login/lookup`, the wait for the
//! portal and the cookie session it gives (`method: sso`, `via_sso`, org tokens only, sign-out),
//! and every way out that is not a session: the admin closing the window, the IdP refusing
//! embedded browsers, an address the window may not load, a portal without cookies, a login that
//! never finishes. The login window is a stand-in that loads pages over HTTP the way the web view
//! does (the real window is tested end to end in tests/e2e/flows_sso.rs).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use mist_sim::{IdpPage, Sim, SimConfig, SimHandle};
use mist_token_core::mist::sso::{LoginWindow, Navigation, PortalCookie, SsoEvent, SsoPlan};
use mist_token_core::mist::{Cloud, MistState, PrivilegeInput, SignInMethod, TokenKind};
use mist_token_core::Error;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use url::Url;
use zeroize::Zeroizing;

fn sso_cloud(sim: &SimHandle) -> Cloud {
    Cloud {
        id: "sim".into(),
        name: "Simulated cloud".into(),
        api_url: sim.url(),
        portal_host: Some(sim.url().trim_start_matches("http://").to_string()),
        is_mist: false,
        cookie_suffix: None,
    }
}

fn state_for(sim: &SimHandle) -> MistState {
    MistState::with_clouds(vec![sso_cloud(sim)]).with_request_timeout(Duration::from_secs(5))
}

/// A login window: a cookie store, and whether it was closed.
#[derive(Default)]
struct FakeWindow {
    cookies: Mutex<Vec<(String, String)>>,
    closed: AtomicBool,
}

impl LoginWindow for FakeWindow {
    fn cookies(&self, api: Url) -> BoxFuture<'_, mist_token_core::Result<Vec<PortalCookie>>> {
        let host = api.host_str().unwrap_or_default().to_string();
        let list = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(n, v)| PortalCookie {
                name: n.clone(),
                value: Zeroizing::new(v.clone()),
                domain: Some(host.clone()),
            })
            .collect();
        Box::pin(async move { Ok(list) })
    }
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// Loads `url` as the web view would: asks the plan first (the navigation handler), follows
/// redirects, keeps Set-Cookie, reports each finished page. Returns the page's body.
async fn load(
    plan: &SsoPlan,
    window: &FakeWindow,
    events: &UnboundedSender<SsoEvent>,
    mut url: Url,
    form: Option<String>,
) -> Option<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let mut form = form;
    loop {
        match plan.navigation(&url) {
            Navigation::Allow => {}
            Navigation::RefusedByIdp => {
                let _ = events.send(SsoEvent::RefusedByIdp);
                return None;
            }
            Navigation::Block => {
                let _ = events.send(SsoEvent::Blocked(url));
                return None;
            }
        }
        let req = match form.take() {
            Some(body) => client
                .post(url.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
            None => client.get(url.clone()),
        };
        let r = req.send().await.unwrap();
        for c in r.headers().get_all("set-cookie") {
            let (name, value) = c
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .split_once('=')
                .unwrap();
            let mut jar = window.cookies.lock().unwrap();
            jar.retain(|(n, _)| n != name);
            jar.push((name.to_string(), value.to_string()));
        }
        if r.status().is_redirection() {
            url = url.join(r.headers()["location"].to_str().unwrap()).unwrap();
            continue;
        }
        let body = r.text().await.unwrap();
        let _ = events.send(SsoEvent::PageLoaded(url));
        return Some(body);
    }
}

/// The admin's part: the IdP page loads; if it has the form, they press "Sign in".
async fn admin_signs_in(plan: SsoPlan, window: Arc<FakeWindow>, events: UnboundedSender<SsoEvent>) {
    let page = load(&plan, &window, &events, plan.login_url().clone(), None).await;
    if let Some(page) = page {
        if page.contains(">Sign in</button>") {
            let action = plan.login_url().join("/idp/login").unwrap();
            load(
                &plan,
                &window,
                &events,
                action,
                Some("email=sso%40example.com&password=x".into()),
            )
            .await;
        }
    }
    // Keep the window "open" until the core closes it.
    while !window.closed.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn run(
    state: &MistState,
    plan: SsoPlan,
) -> (
    mist_token_core::Result<mist_token_core::mist::SessionInfo>,
    Arc<FakeWindow>,
) {
    let window = Arc::new(FakeWindow::default());
    let (tx, rx) = unbounded_channel();
    let admin = tokio::spawn(admin_signs_in(plan.clone(), window.clone(), tx));
    let r = tokio::time::timeout(
        Duration::from_secs(30),
        state.sign_in_sso(plan, &*window, rx),
    )
    .await
    .expect("an SSO sign-in never hangs");
    admin.abort();
    (r, window)
}

#[tokio::test]
async fn the_company_login_gives_a_cookie_session_via_sso_with_org_tokens_only() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    assert_eq!(
        plan.login_url().as_str(),
        format!("{}/idp/login?login_hint=sso%40example.com", sim.url())
    );
    let (r, window) = run(&state, plan).await;
    let info = r.unwrap();
    assert!(
        window.closed.load(Ordering::SeqCst),
        "the login window is closed"
    );
    assert_eq!(info.method, SignInMethod::Sso);
    assert!(info.identity.via_sso);
    assert_eq!(info.identity.email.as_deref(), Some("sso@example.com"));
    assert!(
        !info.can_create_user_tokens,
        "Mist refuses user tokens to SSO admins"
    );
    assert_eq!(sim.sso_session_count(), 1);
    assert_eq!(state.sso_step().as_deref(), Some("signed in"));

    // The cookies never reach what the web view sees.
    let cookies = window.cookies.lock().unwrap().clone();
    assert!(cookies.iter().any(|(n, _)| n == "sessionid.sim"));
    let seen = serde_json::to_string(&info).unwrap() + &state.sso_step().unwrap();
    for (_, value) in &cookies {
        assert!(
            !seen.contains(value.as_str()),
            "a cookie value leaked into {seen}"
        );
    }

    // Works like a password session: inventory, org tokens where the admin is a Super User.
    let inv = state.inventory().await.unwrap();
    assert!(inv.orgs.iter().any(|o| o.org.name == "Acme Retail"));
    let org = sim.org_id("Acme Retail").unwrap();
    let read = [PrivilegeInput {
        scope: "org".into(),
        role: "read".into(),
        site_id: None,
        sitegroup_id: None,
    }];
    let created = state
        .create_org_token(&org, "made through sso", &read, &[])
        .await
        .unwrap();
    assert_eq!(created.token.name, "made through sso");
    assert_eq!(sim.last_write_referer(), Some(format!("{}/", sim.url())));
    let id = created.token.id.clone();
    let renamed = state
        .rename_token(TokenKind::Org, Some(&org), &id, "renamed through sso")
        .await
        .unwrap();
    assert_eq!(renamed.name, "renamed through sso");
    let write = [PrivilegeInput {
        role: "write".into(),
        ..read[0].clone()
    }];
    let changed = state
        .update_org_token_access(&org, &id, &write)
        .await
        .unwrap();
    assert_eq!(changed.privileges[0].role, "write");
    state
        .delete_token(TokenKind::Org, Some(&org), &id)
        .await
        .unwrap();
    assert!(!sim.org_tokens(&org).iter().any(|t| t["id"] == id.as_str()));
    let e = state.create_user_token("mine").await.unwrap_err();
    assert_eq!(e.kind(), "forbidden", "{e}");

    // Sign out: /logout, and the cookies are forgotten.
    state.sign_out().await;
    assert_eq!(
        sim.sso_session_count(),
        0,
        "/logout ended the portal session"
    );
    assert!(state.session_info().await.is_none());
}

#[tokio::test]
async fn a_refusing_idp_is_explained_in_plain_words() {
    let sim = Sim::start(SimConfig {
        idp_page: IdpPage::RefusesEmbeddedBrowser,
        ..Default::default()
    })
    .await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    let window = Arc::new(FakeWindow::default());
    let (tx, rx) = unbounded_channel();
    let page = load(&plan, &window, &tx, plan.login_url().clone(), None)
        .await
        .unwrap();
    // What the page probe in the real window looks for.
    let lower = page.to_lowercase();
    assert!(mist_token_core::mist::sso::REFUSAL_PHRASES
        .iter()
        .any(|p| lower.contains(p)));
    tx.send(SsoEvent::RefusedByIdp).unwrap();
    let e = state.sign_in_sso(plan, &*window, rx).await.unwrap_err();
    assert_eq!(e.kind(), "sso_failed");
    assert!(
        e.to_string()
            .contains("does not allow sign-in from an app's built-in window"),
        "{e}"
    );
    assert!(
        e.to_string().contains("API token"),
        "the token sign-in is offered: {e}"
    );
    assert!(window.closed.load(Ordering::SeqCst));
    assert!(state.sso_step().unwrap().contains("refused"));
    assert_eq!(sim.session_count(), 0);
}

#[tokio::test]
async fn closing_the_login_window_cancels_and_changes_nothing() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    let window = FakeWindow::default();
    let (tx, rx) = unbounded_channel();
    tx.send(SsoEvent::PageLoaded(plan.login_url().clone()))
        .unwrap();
    tx.send(SsoEvent::Closed).unwrap();
    let e = state
        .sign_in_sso(plan.clone(), &window, rx)
        .await
        .unwrap_err();
    assert_eq!(e, Error::SsoCancelled);
    assert!(state.session_info().await.is_none());
    // The window going away without a word (the sender dropped) is a close too.
    let (tx, rx) = unbounded_channel::<SsoEvent>();
    drop(tx);
    let e = state.sign_in_sso(plan, &window, rx).await.unwrap_err();
    assert_eq!(e, Error::SsoCancelled);
}

#[tokio::test]
async fn a_login_that_never_finishes_times_out_and_closes_the_window() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let mut plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    plan.timeout = Duration::from_millis(800);
    let window = FakeWindow::default();
    let (tx, rx) = unbounded_channel();
    tx.send(SsoEvent::PageLoaded(plan.login_url().clone()))
        .unwrap();
    let started = Instant::now();
    let e = state.sign_in_sso(plan, &window, rx).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(e.kind(), "sso_failed");
    assert!(e.to_string().contains("did not finish"), "{e}");
    assert!(window.closed.load(Ordering::SeqCst));
    assert_eq!(
        state.sso_step().as_deref(),
        Some("the login did not finish in time")
    );
    drop(tx);
}

#[tokio::test]
async fn a_portal_without_session_cookies_is_an_error_not_a_session() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    let window = FakeWindow::default();
    // Only a CSRF cookie: no session.
    window
        .cookies
        .lock()
        .unwrap()
        .push(("csrftoken.sim".into(), "c".into()));
    let (tx, rx) = unbounded_channel();
    let portal = Url::parse(&format!("{}/admin/", sim.url())).unwrap();
    tx.send(SsoEvent::PageLoaded(portal)).unwrap();
    let e = state.sign_in_sso(plan, &window, rx).await.unwrap_err();
    assert_eq!(e.kind(), "sso_failed");
    assert!(e.to_string().contains("gave the app no session"), "{e}");
    assert!(window.closed.load(Ordering::SeqCst));
    drop(tx);
}

#[tokio::test]
async fn cookies_mist_does_not_accept_are_not_a_session() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    let window = FakeWindow::default();
    window.cookies.lock().unwrap().extend([
        ("csrftoken.sim".to_string(), "made-up".to_string()),
        ("sessionid.sim".to_string(), "made-up".to_string()),
    ]);
    let (tx, rx) = unbounded_channel();
    let portal = Url::parse(&format!("{}/admin/", sim.url())).unwrap();
    tx.send(SsoEvent::PageLoaded(portal)).unwrap();
    let e = state.sign_in_sso(plan, &window, rx).await.unwrap_err();
    assert_eq!(e.kind(), "sso_failed");
    assert!(e.to_string().contains("did not accept the session"), "{e}");
    assert!(state.session_info().await.is_none());
    drop(tx);
}

#[tokio::test]
async fn a_navigation_to_another_scheme_or_plain_http_elsewhere_is_refused() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let plan = state.sso_plan("sim", "sso@example.com").await.unwrap();
    for (to, says) in [
        (
            "http://idp.example.com/login",
            "unencrypted address (idp.example.com)",
        ),
        (
            "com-okta-authenticator:/deviceChallenge",
            "“com-okta-authenticator:” address",
        ),
        ("file:///etc/passwd", "“file:” address"),
    ] {
        let url = Url::parse(to).unwrap();
        assert_eq!(plan.navigation(&url), Navigation::Block, "{to}");
        let window = FakeWindow::default();
        let (tx, rx) = unbounded_channel();
        tx.send(SsoEvent::Blocked(url)).unwrap();
        let e = state
            .sign_in_sso(plan.clone(), &window, rx)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), "sso_failed");
        assert!(e.to_string().contains(says), "{to}: {e}");
        assert!(window.closed.load(Ordering::SeqCst));
    }
}

#[tokio::test]
async fn the_plan_needs_an_sso_account_a_portal_and_a_secure_idp_address() {
    let sim = Sim::start(SimConfig::default()).await;
    let state = state_for(&sim);
    let e = state
        .sso_plan("sim", "admin@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "email"),
        "{e:?}"
    );
    assert!(e.to_string().contains("password"), "{e}");
    let e = state
        .sso_plan("sim", "nobody@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "email"),
        "{e:?}"
    );
    let e = state.sso_plan("nope", "sso@example.com").await.unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { ref field, .. } if field == "cloud"),
        "{e:?}"
    );
    // A custom cloud without a portal address in the clouds file.
    let mut no_portal = sso_cloud(&sim);
    no_portal.portal_host = None;
    let state2 = MistState::with_clouds(vec![no_portal]);
    let e = state2.sso_plan("sim", "sso@example.com").await.unwrap_err();
    assert_eq!(e.kind(), "sso_failed");
    assert!(e.to_string().contains("no portal address"), "{e}");
    // An IdP address over plain http to another host is never opened.
    let odd = Sim::start(SimConfig {
        sso_url: "http://idp.example.com/saml".into(),
        ..Default::default()
    })
    .await;
    let e = state_for(&odd)
        .sso_plan("sim", "sso@example.com")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "sso_failed");
    assert!(e.to_string().contains("not secure"), "{e}");
}

#[tokio::test]
async fn password_session_writes_carry_the_referer_the_simulator_checks() {
    // The simulator refuses cookie-session writes without a Referer of its host, as Django does
    // on https: before the Referer was sent, this create failed with 403.
    let sim = Sim::start(SimConfig::default()).await;
    let state = crate::support::sim::state_for(&sim);
    crate::support::sim::sign_in(&state, "admin@example.com").await;
    let created = state.create_user_token("referer check").await.unwrap();
    assert_eq!(created.token.name, "referer check");
    assert_eq!(sim.last_write_referer(), Some(format!("{}/", sim.url())));
    state.sign_out().await;
    assert_eq!(
        sim.session_count(),
        0,
        "the logout (a write) was accepted too"
    );
}
