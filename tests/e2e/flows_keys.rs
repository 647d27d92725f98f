//! Saved keys: a new key saved to the (throwaway) keychain, listed under "Saved keys", tested
//! (who it belongs to, does it work), copied, then forgotten: gone from the list and the keychain.

use crate::flows_support::*;
use std::time::Duration;

const ADMIN: &str = "admin@example.com";
/// The keychain service of debug builds (src-tauri/secrets/mod.rs `DEV_SERVICE`).
const DEV_SERVICE: &str = "com.misttokenmanager.app.dev";

/// Whether the Secret Service holds an entry of this app for the saved key with this row id
/// (asked with `secret-tool`, the way an admin would look outside the app).
fn keychain_holds(row_id: &str) -> bool {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", DEV_SERVICE])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("secret-tool is not installed (apt-get install libsecret-tools)");
    // Only the attribute lines: the output also carries the secrets themselves.
    let attributes = String::from_utf8_lossy(&out.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&out.stderr).lines())
        .filter(|l| l.starts_with("attribute."))
        .any(|l| l.trim_end().ends_with(&format!("= {row_id}")));
    attributes
}

/// The saved-keys screen's note about keychain entries that are not in its list, if any.
fn orphan_note(page: &str) -> Option<String> {
    page.lines()
        .find(|l| l.contains("to this app but"))
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_key_is_tested_copied_and_forgotten() {
    if !built_for_e2e() || !throwaway_keyring("a_saved_key_is_tested_copied_and_forgotten") {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    // Entries other runs may have left in this keychain (shown as "... belong to this app").
    d.click(&d.button("Saved keys").await).await;
    d.wait_for_text("No saved keys yet", SLOW).await;
    let leftovers_before = orphan_note(&d.page_text().await);
    d.click(&d.button("Tokens").await).await;
    d.wait_by_name("row", "laptop scripts", None, SLOW).await;

    create_user_token(&app, "e2e keychain").await;
    let issued = sim.last_issued_key().expect("the sim issued a key");
    d.fill("Keychain label", "Backup script key").await;
    d.click(
        &d.wait_by_name("button", "Save to keychain", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("Saved in the keychain as “Backup script key”", SLOW)
        .await;
    let save = d
        .wait_by_name("button", "Save to keychain", Some(DIALOG), SLOW)
        .await;
    assert!(!d.is_enabled(&save).await, "the key can be saved twice");
    // Saved counts as kept: Done closes without asking.
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;

    d.click(&d.button("Saved keys").await).await;
    let row = d.wait_by_name("row", "Backup script key", None, SLOW).await;
    let row_id = d
        .attribute(&row, "data-key-id")
        .await
        .expect("the saved key's row has an id");
    let row = format!("li[data-key-id=\"{row_id}\"]");
    let facts = d.text_in(&row).await.unwrap_or_default();
    assert!(facts.contains("User token"), "row: {facts}");
    assert!(facts.contains("“e2e keychain”"), "row: {facts}");
    assert!(facts.contains("Sim cloud"), "row: {facts}");
    assert!(
        keychain_holds(&row_id),
        "the keychain has no entry for the saved key"
    );

    // Test: whose key it is, and that it works.
    d.click(&d.wait_by_name("button", "Test", Some(&row), SLOW).await)
        .await;
    wait_for(SLOW, "the key test's answer", || async {
        d.text_in(&row).await.is_some_and(|t| t.contains("Works."))
    })
    .await;
    let answer = d.text_in(&row).await.unwrap_or_default();
    app.screenshot("saved-keys").await;
    assert!(
        answer.contains(ADMIN),
        "the test does not say whose key it is: {answer}"
    );
    // The answer says its verdict once (the row shows “Works.” and then the message).
    assert!(
        !answer.contains("Works. Works."),
        "the verdict is said twice: {answer}"
    );

    // Copy: the saved key reaches the clipboard.
    d.click(&d.wait_by_name("button", "Copy", Some(&row), SLOW).await)
        .await;
    wait_for(SLOW, "the copy to be confirmed", || async {
        d.text_in(&row)
            .await
            .is_some_and(|t| t.contains("The clipboard clears in 30 s"))
    })
    .await;
    wait_for(
        Duration::from_secs(5),
        "the clipboard to hold the saved key",
        || async { app.clipboard_text().await.as_deref() == Some(issued.as_str()) },
    )
    .await;

    // Forget: a confirmation naming it, then gone from the list and from the keychain.
    d.click(&d.wait_by_name("button", "Forget", Some(&row), SLOW).await)
        .await;
    d.wait_by_name(ALERT_DIALOG, "Forget “Backup script key”?", None, SLOW)
        .await;
    d.click(
        &d.wait_by_name("button", "Forget", Some(ALERT_DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_gone("row", "Backup script key", None, SLOW).await;
    d.wait_for_text("No saved keys yet", SLOW).await;
    assert!(
        !keychain_holds(&row_id),
        "the keychain still holds the forgotten key"
    );
    // Listed afresh, nothing is left behind (no orphaned keychain entries either).
    d.click(&d.button("Refresh").await).await;
    d.wait_for_text("No saved keys yet", SLOW).await;
    assert_eq!(
        orphan_note(&d.page_text().await),
        leftovers_before,
        "forgetting left an entry in the keychain"
    );
    // The token itself stays in Mist.
    assert!(id_of(&sim.user_tokens(ADMIN), "e2e keychain").is_some());
    app.quit().await;
}
