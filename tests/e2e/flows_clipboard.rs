//! The clipboard policy in the real window with the real system clipboard (Xvfb, read back with
//! xclip): a copied key is cleared after the delay if the clipboard still holds it, and left
//! alone when the admin copied something else since. The delay is shortened to 3 s through
//! `MIST_TOKEN_MANAGER_CLIPBOARD_CLEAR_SECS`.

use crate::flows_support::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_key_is_cleared_after_the_delay_unless_something_else_was_copied() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch_with_env(
        &[("Sim cloud", &sim)],
        &[("MIST_TOKEN_MANAGER_CLIPBOARD_CLEAR_SECS", "3")],
    )
    .await;
    let d = &app.driver;
    sign_in(&app, "admin@example.com").await;
    create_user_token(&app, "clipboard check").await;
    let issued = sim.last_issued_key().expect("the sim issued a key");
    let copy = d
        .wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
        .await;

    // 1. Copied, then cleared after the delay because the clipboard still holds the key.
    d.click(&copy).await;
    d.wait_for_text("The clipboard clears in 3 s", SLOW).await;
    wait_for(
        Duration::from_secs(3),
        "the clipboard to hold the key",
        || async { app.clipboard_text().await.as_deref() == Some(issued.as_str()) },
    )
    .await;
    wait_for(Duration::from_secs(10), "the key to be cleared", || async {
        app.clipboard_text().await.as_deref() != Some(issued.as_str())
    })
    .await;

    // 2. Copied again, then the admin copies something else: that is never cleared.
    d.click(&copy).await;
    wait_for(
        Duration::from_secs(3),
        "the clipboard to hold the key again",
        || async { app.clipboard_text().await.as_deref() == Some(issued.as_str()) },
    )
    .await;
    app.set_clipboard_text("the admin's own text").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        app.clipboard_text().await.as_deref(),
        Some("the admin's own text"),
        "the app cleared something the admin copied after the key"
    );
    app.quit().await;
}
