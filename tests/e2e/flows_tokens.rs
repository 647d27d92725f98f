//! Tokens: create a user token and reveal its key exactly once, copy it to the clipboard; create
//! a limited org token; rename and delete; closing the key window unkept asks first.

use crate::flows_support::*;
use std::time::Duration;

const ADMIN: &str = "admin@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_is_revealed_once_and_copied_to_the_clipboard() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;

    create_user_token(&app, "e2e reveal").await;
    let id = id_of(&sim.user_tokens(ADMIN), "e2e reveal").expect("the sim holds the new token");
    let issued = sim.last_issued_key().expect("the sim issued a key");

    // Before anything is done, the key is nowhere on the page.
    assert!(!d.page_text().await.contains(&issued));
    let reveal = d
        .wait_by_name("button", "Reveal key", Some(DIALOG), SLOW)
        .await;
    assert!(d.is_enabled(&reveal).await);
    d.click(&reveal).await;

    let shown = d
        .wait_by_name("output", "API key", Some(DIALOG), SLOW)
        .await;
    let key = d.text_of(&shown).await;
    assert!(
        key == issued,
        "the revealed key ({} characters) is not the key Mist issued ({} characters)",
        key.len(),
        issued.len()
    );
    // Revealing is a one-time act: the button is now disabled and says why.
    let reveal = d
        .wait_by_name("button", "Reveal key", Some(DIALOG), SLOW)
        .await;
    assert!(
        !d.is_enabled(&reveal).await,
        "“Reveal key” still works after the reveal"
    );
    d.wait_for_text("It cannot be shown again", SLOW).await;
    app.screenshot("reveal").await;

    // Copy: the backend puts the key on the clipboard and says when it clears it.
    d.click(
        &d.wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("The clipboard clears in 30 s", SLOW).await;
    wait_for(
        Duration::from_secs(5),
        "the clipboard to hold the key",
        || async { app.clipboard_text().await.as_deref() == Some(issued.as_str()) },
    )
    .await;

    // Done closes the window without asking (the key was kept); the slot is gone.
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;
    assert!(
        !d.page_text().await.contains(&issued),
        "the key is still on the page after Done"
    );
    // The new token is in the list.
    let row = d.wait_by_name("row", "e2e reveal", None, SLOW).await;
    assert_eq!(d.attribute(&row, "data-token-id").await, Some(id));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_org_token_for_one_site_and_one_address_gets_exactly_that() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let org = sim.org_id("Acme Retail").unwrap();
    let store2 = sim.site_id(&org, "Store 2").unwrap();
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;

    d.click(&d.button("Create token").await).await;
    d.click(
        &d.wait_by_name("field", "Organization token", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.fill("Token name", "e2e store 2 monitor").await;
    d.choose("Organization", &org, Some(DIALOG)).await;
    d.choose("Access level", "read", Some(DIALOG)).await;
    d.click(
        &d.wait_by_name("field", "Chosen sites", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    // The org's sites load, each a checkbox named by the site.
    let site = d
        .wait_by_name("checkbox", "Store 2", Some(DIALOG), SLOW)
        .await;
    d.click(&site).await;
    d.wait_for_text("1 site chosen", SLOW).await;
    d.fill("Source IPs", "192.0.2.10").await;
    app.screenshot("create-org-token").await;
    d.click(
        &d.wait_by_name("button", "Create token", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    wait_reveal_dialog(&app, "e2e store 2 monitor").await;

    let tokens = sim.org_tokens(&org);
    let id = id_of(&tokens, "e2e store 2 monitor").expect("the sim holds the new org token");
    let token = tokens.iter().find(|t| t["id"] == id.as_str()).unwrap();
    let privileges = token["privileges"].as_array().expect("privileges");
    assert_eq!(privileges.len(), 1, "privileges: {privileges:?}");
    let p = &privileges[0];
    assert_eq!(p["scope"], "site", "privilege: {p}");
    assert_eq!(p["role"], "read", "privilege: {p}");
    assert_eq!(p["site_id"], store2.as_str(), "privilege: {p}");
    assert_eq!(token["src_ips"], serde_json::json!(["192.0.2.10"]));

    // Keep the key (copy), then close; the list shows the access in words.
    d.click(
        &d.wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("The clipboard clears in", SLOW).await;
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;
    let row = token_row(&id);
    let text = d.text_in(&row).await.expect("the new token's row");
    assert!(text.contains("192.0.2.10"), "row: {text}");
    assert!(text.to_lowercase().contains("read"), "row: {text}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_renamed_then_deleted_after_a_confirmation_that_names_it() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let org = sim.org_id("Acme Retail").unwrap();
    let id = id_of(&sim.org_tokens(&org), "monitoring").unwrap();
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    let row = token_row(&id);

    // Rename: the row's own button, the dialog's name field, Rename.
    d.click(&d.wait_by_name("button", "Rename", Some(&row), SLOW).await)
        .await;
    d.wait_for_text("Rename “monitoring”", SLOW).await;
    d.fill("Token name", "monitoring (Grafana)").await;
    d.click(&d.wait_by_name("button", "Rename", Some(DIALOG), SLOW).await)
        .await;
    wait_for_sim(SLOW, "the sim to hold the new name", || {
        sim.org_tokens(&org)
            .iter()
            .any(|t| t["id"] == id.as_str() && t["name"] == "monitoring (Grafana)")
    })
    .await;
    d.wait_gone("field", "Token name", None, SLOW).await;
    let named = d
        .wait_by_name("row", "monitoring (Grafana)", None, SLOW)
        .await;
    assert_eq!(
        d.attribute(&named, "data-token-id").await.as_deref(),
        Some(id.as_str())
    );

    // Delete: the confirmation names the token (and its org); Cancel keeps it.
    d.click(&d.wait_by_name("button", "Delete", Some(&row), SLOW).await)
        .await;
    let confirm = d
        .wait_by_name(ALERT_DIALOG, "Delete “monitoring (Grafana)”?", None, SLOW)
        .await;
    let _ = confirm;
    let body = d.text_in(ALERT_DIALOG).await.unwrap_or_default();
    assert!(
        body.contains("“monitoring (Grafana)” of Acme Retail will be deleted"),
        "the confirmation does not name the token: {body}"
    );
    app.screenshot("delete-confirm").await;
    d.click(
        &d.wait_by_name("button", "Cancel", Some(ALERT_DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_gone(ALERT_DIALOG, "Delete “monitoring (Grafana)”?", None, SLOW)
        .await;
    assert!(sim.org_tokens(&org).iter().any(|t| t["id"] == id.as_str()));

    d.click(&d.wait_by_name("button", "Delete", Some(&row), SLOW).await)
        .await;
    d.click(
        &d.wait_by_name("button", "Delete", Some(ALERT_DIALOG), SLOW)
            .await,
    )
    .await;
    wait_for_sim(SLOW, "the token to be gone from the sim", || {
        !sim.org_tokens(&org).iter().any(|t| t["id"] == id.as_str())
    })
    .await;
    d.wait_gone("row", "monitoring (Grafana)", None, SLOW).await;
    assert!(
        d.find_css(&row).await.is_none(),
        "the deleted token's row is still there"
    );
    // The other org token is untouched.
    assert!(id_of(&sim.org_tokens(&org), "ci pipeline").is_some());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_before_keeping_the_key_asks_before_losing_it() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    create_user_token(&app, "e2e escape").await;
    let id = id_of(&sim.user_tokens(ADMIN), "e2e escape").unwrap();

    // Escape with the key neither revealed, copied nor saved: a confirmation, not a close.
    d.press("\u{E00C}").await;
    d.wait_for_text("Close without keeping the key?", SLOW)
        .await;
    let warning = wait_alert(&app, "The key will be lost").await;
    assert!(warning.contains("“e2e escape”"), "warning: {warning}");
    for b in ["Go back", "Close and lose the key", "Delete token"] {
        d.wait_by_name("button", b, Some(DIALOG), SLOW).await;
    }
    app.screenshot("close-unkept").await;

    // Go back: the key window again, the key still obtainable.
    d.click(
        &d.wait_by_name("button", "Go back", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    let reveal = d
        .wait_by_name("button", "Reveal key", Some(DIALOG), SLOW)
        .await;
    assert!(d.is_enabled(&reveal).await);

    // Escape again, then delete the token instead of leaving an unusable one behind.
    d.press("\u{E00C}").await;
    d.click(
        &d.wait_by_name("button", "Delete token", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    wait_for_sim(SLOW, "the unkept token to be deleted", || {
        !sim.user_tokens(ADMIN)
            .iter()
            .any(|t| t["id"] == id.as_str())
    })
    .await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;
    d.wait_gone("row", "e2e escape", None, SLOW).await;
    app.quit().await;
}
