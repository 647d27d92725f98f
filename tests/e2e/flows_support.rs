//! Shared steps of the end-to-end flows: simulated clouds, launching the app against them, and
//! the admin's usual moves (sign in, open "Create token", wait for the simulator to agree).
//!
//! Controls are found by accessible name (ui/README.md lists them), as a screen reader would.

use crate::harness::{AppOptions, CloudEntry, RunningApp};
use mist_sim::{Seed, Sim, SimConfig, SimHandle};
use std::time::{Duration, Instant};

/// Every demo account's password (tests/mist-sim/README.md).
pub const DEMO_PASSWORD: &str = "demo-password";
/// The open dialog (dialogs come first in the page, but scoping says what we mean).
pub const DIALOG: &str = "[role=dialog]";
/// The open confirmation (delete, forget).
pub const ALERT_DIALOG: &str = "[role=alertdialog]";
/// How long a screen may take to answer on two busy cores.
pub const SLOW: Duration = Duration::from_secs(20);

/// False (and a note on stderr) when the app was built without its bundled UI.
pub fn built_for_e2e() -> bool {
    if cfg!(feature = "custom-protocol") {
        true
    } else {
        eprintln!("skipped: build with --features custom-protocol (make test does)");
        false
    }
}

/// False (and a note on stderr) unless a throwaway Secret Service is running: the keychain
/// flows never touch a real keyring.
pub fn throwaway_keyring(test: &str) -> bool {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let private = std::env::var("MIST_TM_KEYRING_TEST").as_deref() == Ok("1");
    if bus && private {
        true
    } else {
        eprintln!(
            "skipped {test}: needs the throwaway keychain; run it inside \
             `bash scripts/with-keyring.sh cargo test --features custom-protocol --test e2e`"
        );
        false
    }
}

/// A simulated cloud with the demo accounts.
pub async fn demo_cloud() -> SimHandle {
    Sim::start(SimConfig::default()).await
}

/// A simulated cloud with this cookie suffix and seed.
pub async fn cloud(cookie_suffix: &str, seed: Seed) -> SimHandle {
    Sim::start(SimConfig {
        cookie_suffix: cookie_suffix.to_string(),
        seed,
        ..Default::default()
    })
    .await
}

/// Launches the app with these clouds (name, simulator) as its cloud list.
pub async fn launch(clouds: &[(&str, &SimHandle)]) -> RunningApp {
    launch_with_env(clouds, &[]).await
}

/// Like [`launch`], with extra environment variables (the test knobs) for the app.
pub async fn launch_with_env(clouds: &[(&str, &SimHandle)], env: &[(&str, &str)]) -> RunningApp {
    RunningApp::launch_with_env(
        AppOptions {
            clouds: clouds
                .iter()
                .map(|(name, sim)| CloudEntry {
                    name: name.to_string(),
                    api: sim.url(),
                })
                .collect(),
            home: None,
        },
        env,
    )
    .await
}

/// Email → Continue → Password → Sign in, as an admin would; stops at the next screen (the
/// token list, or the two-factor step).
pub async fn enter_email_and_password(app: &RunningApp, email: &str, password: &str) {
    let d = &app.driver;
    d.fill("Email", email).await;
    d.click(&d.button("Continue").await).await;
    d.wait_by_name("field", "Password", None, SLOW).await;
    d.fill("Password", password).await;
    d.click(&d.button("Sign in").await).await;
}

/// Signs in with email and password and waits for the token screen.
pub async fn sign_in(app: &RunningApp, email: &str) {
    enter_email_and_password(app, email, DEMO_PASSWORD).await;
    wait_signed_in(app).await;
}

/// Waits until the header says who is signed in and the token list has loaded.
pub async fn wait_signed_in(app: &RunningApp) {
    let d = &app.driver;
    d.wait_for_text("Signed in as", SLOW).await;
    // The first section heading appears once the inventory has answered.
    d.wait_by_name("button", "Create token", None, SLOW).await;
    wait_for(SLOW, "the token list to load", || async {
        d.text_in(".tokens")
            .await
            .is_some_and(|t| t.contains("My tokens") || t.contains("token"))
    })
    .await;
}

/// The signed-in admin's identity as the header shows it.
pub async fn header_identity(app: &RunningApp) -> String {
    app.driver
        .text_in("[data-testid=identity]")
        .await
        .unwrap_or_default()
}

/// Polls `check` until it holds (or panics after `timeout`, saying what was awaited).
pub async fn wait_for<F, Fut>(timeout: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return;
        }
        if started.elapsed() > timeout {
            panic!("waited {timeout:?} for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the simulator's state satisfies `check`.
pub async fn wait_for_sim(timeout: Duration, what: &str, mut check: impl FnMut() -> bool) {
    wait_for(timeout, what, || std::future::ready(check())).await
}

/// Opens "Create token", names a user token and creates it; returns once the reveal dialog for
/// it is open.
pub async fn create_user_token(app: &RunningApp, name: &str) {
    let d = &app.driver;
    d.click(&d.button("Create token").await).await;
    let mine = d
        .wait_by_name("field", "My user token", Some(DIALOG), SLOW)
        .await;
    d.click(&mine).await;
    let field = d
        .wait_by_name("field", "Token name", Some(DIALOG), SLOW)
        .await;
    d.clear(&field).await;
    d.type_text(&field, name).await;
    d.click(
        &d.wait_by_name("button", "Create token", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    wait_reveal_dialog(app, name).await;
}

/// Waits for the dialog that offers the new key of token `name`.
pub async fn wait_reveal_dialog(app: &RunningApp, name: &str) {
    let d = &app.driver;
    d.wait_for_text(&format!("Your new key for “{name}”"), SLOW)
        .await;
    d.wait_by_name("button", "Reveal key", Some(DIALOG), SLOW)
        .await;
}

/// The selector of the token row with this id.
pub fn token_row(id: &str) -> String {
    format!("li[data-token-id=\"{id}\"]")
}

/// The id of the (one) token named `name` in a list the simulator gives.
pub fn id_of(tokens: &[serde_json::Value], name: &str) -> Option<String> {
    let mut found = tokens.iter().filter(|t| t["name"] == name);
    let first = found.next()?;
    assert!(found.next().is_none(), "two tokens are named {name:?}");
    first["id"].as_str().map(str::to_string)
}

/// The texts of the visible alerts (`role=alert`) on the page, in order.
pub async fn alerts(app: &RunningApp) -> Vec<String> {
    let v = app
        .driver
        .execute(
            r#"return Array.from(document.querySelectorAll('[role=alert]'))
                 .filter(e => e.getClientRects().length > 0)
                 .map(e => e.innerText.replace(/\s+/g, ' ').trim());"#,
            vec![],
        )
        .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits for a visible alert containing `needle` ("" = any alert) and returns its text.
pub async fn wait_alert(app: &RunningApp, needle: &str) -> String {
    let started = Instant::now();
    loop {
        if let Some(a) = alerts(app)
            .await
            .into_iter()
            .find(|a| !a.is_empty() && a.contains(needle))
        {
            return a;
        }
        if started.elapsed() > SLOW {
            let body = app.driver.page_text().await;
            panic!("no alert saying {needle:?} appeared; the page says: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A message for the admin: words, not HTTP codes, JSON or programming leftovers.
pub fn assert_plain(message: &str, what: &str) {
    assert!(!message.trim().is_empty(), "{what} is empty");
    for raw in [
        "{",
        "\"detail\"",
        "HTTP 4",
        "status code",
        "undefined",
        "[object",
        "Error:",
    ] {
        assert!(
            !message.contains(raw),
            "{what} is not plain language ({raw:?}): {message:?}"
        );
    }
}
