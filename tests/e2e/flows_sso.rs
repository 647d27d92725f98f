//! SSO end to end, in the real app: email → "Sign in with your company login" → the app's own
//! login window on the simulator's company login page → its "Sign in" → the portal → the token
//! list; an IdP that refuses embedded browsers; closing the login window; and the login window's
//! web view calling the app's commands (refused by the real capability files).
//!
//! The login window is incognito, so WebKitWebDriver does not see it (an ephemeral web context
//! is not an automation context): each test first looks for it among the window handles and
//! drives it there when it is listed; otherwise the simulator's form is told to submit itself
//! (`IdpPage::SelfSubmitting`). Either way the app's own window loads every page, gets the
//! cookies and reads them: nothing is handed to the test's HTTP client.

use crate::flows_support::*;
use crate::harness::RunningApp;
use mist_sim::{IdpPage, Sim, SimConfig, SimHandle};
use std::time::{Duration, Instant};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask};

const LOGIN_TITLE: &str = "Company sign-in";

async fn sso_cloud(page: IdpPage) -> SimHandle {
    Sim::start(SimConfig {
        idp_page: page,
        ..Default::default()
    })
    .await
}

/// The app with `sim` as its cloud, with the portal address, and a short SSO timeout.
async fn launch_sso(sim: &SimHandle) -> RunningApp {
    let clouds = vec![serde_json::json!({
        "name": "Sim cloud",
        "api": sim.url(),
        "portal": sim.url(),
    })];
    RunningApp::launch_with_clouds_json(
        clouds,
        &[
            ("MIST_TOKEN_MANAGER_SSO_TIMEOUT_S", "90"),
            // Every request line too, to show that none carries a cookie or the IdP's query.
            ("MIST_TOKEN_MANAGER_LOG", "debug"),
        ],
    )
    .await
}

/// "Copy diagnostics", and the text it copied.
async fn copy_diagnostics(app: &RunningApp) -> String {
    let d = &app.driver;
    d.click(&d.button("Copy diagnostics").await).await;
    d.wait_for_text("Diagnostics copied", SLOW).await;
    let v = d
        .execute(
            "const t = document.getElementById('diagnostics-text'); return t ? t.value : '';",
            vec![],
        )
        .await;
    v.as_str().unwrap_or_default().to_string()
}

/// The app's log file in its test home (XDG_DATA_HOME is `home/data`).
fn log_text(app: &RunningApp) -> String {
    std::fs::read_to_string(
        app.home
            .join("data/com.misttokenmanager.app/logs/mist-token-manager.log"),
    )
    .unwrap_or_default()
}

/// The X windows whose title starts with `prefix`.
fn windows_titled(display: &str, prefix: &str) -> Vec<u32> {
    let Ok((conn, screen)) = x11rb::connect(Some(display)) else {
        return Vec::new();
    };
    let root = conn.setup().roots[screen].root;
    let Ok(Ok(tree)) = conn.query_tree(root).map(|c| c.reply()) else {
        return Vec::new();
    };
    tree.children
        .into_iter()
        .filter(|&w| {
            conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|p| p.value.starts_with(prefix.as_bytes()))
        })
        .collect()
}

/// Asks the login window to close, as a window manager's close button does.
fn press_close_button(display: &str, window: u32) {
    let (conn, _) = x11rb::connect(Some(display)).expect("the X display");
    let atom = |name: &[u8]| {
        conn.intern_atom(false, name)
            .expect("intern_atom")
            .reply()
            .expect("an atom")
            .atom
    };
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let event = ClientMessageEvent::new(
        32,
        window,
        protocols,
        [delete, x11rb::CURRENT_TIME, 0, 0, 0],
    );
    conn.send_event(false, window, EventMask::NO_EVENT, event)
        .expect("send WM_DELETE_WINDOW");
    conn.flush().expect("flush");
}

async fn wait_login_window(app: &RunningApp) -> u32 {
    let started = Instant::now();
    loop {
        if let Some(w) = windows_titled(app.display_name(), LOGIN_TITLE).first() {
            return *w;
        }
        if started.elapsed() > SLOW {
            panic!(
                "the login window never opened; the page says: {}",
                app.driver.page_text().await
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_login_window_gone(app: &RunningApp) {
    wait_for(SLOW, "the login window to close", || async {
        windows_titled(app.display_name(), LOGIN_TITLE).is_empty()
    })
    .await;
}

/// Email → Continue → the SSO step → "Sign in with your company login".
async fn start_company_login(app: &RunningApp) {
    let d = &app.driver;
    d.fill("Email", "sso@example.com").await;
    d.click(&d.button("Continue").await).await;
    d.wait_for_text("Your account uses single sign-on", SLOW)
        .await;
    d.click(&d.button("Sign in with your company login").await)
        .await;
}

/// Presses the IdP's "Sign in" in the login window through WebDriver when it lists that window;
/// else tells the simulator's form to submit itself. Returns the number of window handles seen.
async fn press_idp_sign_in(app: &RunningApp, sim: &SimHandle) -> usize {
    let d = &app.driver;
    let main = d.window_handles().await;
    let mut handles = main.clone();
    let started = Instant::now();
    while handles.len() <= main.len() && started.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        handles = d.window_handles().await;
    }
    if let Some(login) = handles.iter().find(|h| !main.contains(h)) {
        d.switch_to_window(login).await;
        d.click(&d.button("Sign in").await).await;
        d.switch_to_window(&main[0]).await;
        return handles.len();
    }
    sim.set_idp_page(IdpPage::SelfSubmitting);
    handles.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sso_sign_in_through_the_company_login_window_reaches_the_token_list() {
    if !built_for_e2e() {
        return;
    }
    let sim = sso_cloud(IdpPage::SignInForm).await;
    let app = launch_sso(&sim).await;
    let d = &app.driver;
    start_company_login(&app).await;
    wait_login_window(&app).await;
    d.wait_for_text("Waiting for the company login window", SLOW)
        .await;
    app.screenshot("sso-waiting").await;
    assert_eq!(
        sim.session_count(),
        0,
        "nobody is signed in before the IdP's Sign in"
    );
    let handles = press_idp_sign_in(&app, &sim).await;
    eprintln!("WebDriver window handles while the login window was open: {handles}");

    wait_signed_in(&app).await;
    wait_login_window_gone(&app).await;
    assert!(header_identity(&app).await.contains("sso@example.com"));
    d.wait_for_text("with your company login (SSO)", SLOW).await;
    d.wait_for_text("Acme Retail", SLOW).await;
    assert_eq!(
        sim.sso_session_count(),
        1,
        "the app uses the portal's session"
    );
    // The session cookies are secrets: not in the log, not in the diagnostics.
    let secrets = sim.sso_session_secrets();
    assert_eq!(secrets.len(), 1);
    let diagnostics = copy_diagnostics(&app).await;
    assert!(
        diagnostics.contains("Last SSO sign-in: signed in\n"),
        "{diagnostics}"
    );
    let log = log_text(&app);
    assert!(
        log.contains("SSO sign-in: signed in"),
        "the log says how far SSO got: {log}"
    );
    for (csrf, sid) in &secrets {
        for (what, text) in [("log", &log), ("diagnostics", &diagnostics)] {
            assert!(
                !text.contains(csrf.as_str()),
                "the CSRF cookie is in the {what}"
            );
            assert!(
                !text.contains(sid.as_str()),
                "the session cookie is in the {what}"
            );
        }
    }
    for text in [&log, &diagnostics] {
        assert!(
            !text.contains("sso_ticket") && !text.contains("login_hint"),
            "a URL query leaked"
        );
    }
    // The cookies never reach the main window's web view.
    let cookies = d.execute("return document.cookie;", vec![]).await;
    assert_eq!(
        cookies.as_str().unwrap_or(""),
        "",
        "the main window has no cookie"
    );
    app.screenshot("sso-signed-in").await;

    // Create offers org tokens only, and says why.
    d.click(&d.button("Create token").await).await;
    let user_kind = d
        .wait_by_name("field", "My user token", Some(DIALOG), SLOW)
        .await;
    assert!(
        !d.is_enabled(&user_kind).await,
        "SSO admins get no user token"
    );
    d.wait_for_text(
        "single sign-on (SSO) admins cannot create user tokens",
        SLOW,
    )
    .await;
    d.click(&d.wait_by_name("button", "Cancel", Some(DIALOG), SLOW).await)
        .await;
    d.wait_gone("button", "Cancel", Some(DIALOG), SLOW).await;

    // Sign out ends the portal session at Mist.
    d.click(&d.button("Sign out").await).await;
    d.wait_by_name("field", "Email", None, SLOW).await;
    wait_for(SLOW, "the portal session to end", || async {
        sim.sso_session_count() == 0
    })
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusing_idp_is_explained_and_the_token_sign_in_offered() {
    if !built_for_e2e() {
        return;
    }
    let sim = sso_cloud(IdpPage::RefusesEmbeddedBrowser).await;
    let app = launch_sso(&sim).await;
    let d = &app.driver;
    start_company_login(&app).await;
    let message = wait_alert(&app, "does not allow sign-in from an app's built-in window").await;
    assert_plain(&message, "the refused-IdP message");
    assert!(message.contains("API token"), "{message}");
    wait_login_window_gone(&app).await;
    app.screenshot("sso-refused").await;
    assert_eq!(sim.session_count(), 0);
    // What an admin pastes into a support request says how far the company login got.
    let diagnostics = copy_diagnostics(&app).await;
    let host = sim.url().trim_start_matches("http://").to_string();
    assert!(
        diagnostics.contains(&format!(
            "Last SSO sign-in: the IdP ({host}) refused the app's login window\n"
        )),
        "{diagnostics}"
    );
    assert!(!diagnostics.contains("login_hint"), "{diagnostics}");
    d.click(&d.button("Sign in with an API token").await).await;
    d.wait_by_name("field", "API token", None, SLOW).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_login_window_comes_back_to_sign_in() {
    if !built_for_e2e() {
        return;
    }
    let sim = sso_cloud(IdpPage::SignInForm).await;
    let app = launch_sso(&sim).await;
    let d = &app.driver;
    start_company_login(&app).await;
    let window = wait_login_window(&app).await;
    d.wait_for_text("Waiting for the company login window", SLOW)
        .await;
    eprintln!(
        "WebDriver window handles while the login window was open: {}",
        d.window_handles().await.len()
    );
    // A close message sent while the busy machine still settles a new window can go
    // unanswered (see flows_safety.rs): press the button again, as a person would.
    let closed = "login window was closed before the sign-in finished";
    for _attempt in 0..3 {
        press_close_button(app.display_name(), window);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) && !d.page_text().await.contains(closed) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if d.page_text().await.contains(closed) {
            break;
        }
    }
    d.wait_for_text(closed, SLOW).await;
    wait_login_window_gone(&app).await;
    let again = d.button("Sign in with your company login").await;
    assert!(d.is_enabled(&again).await, "the admin can try again");
    assert!(
        d.all_by_name("button", "Sign in with an API token", None)
            .await
            .len()
            == 1
    );
    assert!(!d.page_text().await.contains("Signed in as"));
    assert_eq!(sim.session_count(), 0);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_window_cannot_invoke_any_command() {
    if !built_for_e2e() {
        return;
    }
    // The probe page tries `invoke` (session_info, list_clouds) and the ipc:// scheme from the
    // login window, reports to the simulator, then signs in.
    let sim = sso_cloud(IdpPage::IpcProbe).await;
    let app = launch_sso(&sim).await;
    start_company_login(&app).await;
    wait_signed_in(&app).await;
    let reports = sim.ipc_reports();
    eprintln!("IPC from the login window: {reports:?}");
    assert_eq!(
        reports.len(),
        1,
        "the probe ran once in the login window: {reports:?}"
    );
    let report = &reports[0];
    assert!(
        !report.contains("ANSWERED"),
        "a command answered the login window's web view: {report}"
    );
    assert!(report.contains("ipc-fetch: refused"), "{report}");
    // Either there is no IPC bridge at all, or the app refuses each command by the capability.
    if !report.contains("no-ipc") {
        for cmd in ["session_info", "list_clouds"] {
            assert!(
                report.contains(&format!(
                    "{cmd}: refused {cmd} not allowed on window \"sso-login\""
                )),
                "{cmd} was not refused by the capability check: {report}"
            );
        }
    }
    app.quit().await;
}
