//! Signing in: by email with the cloud found automatically, with a two-factor code, an SSO
//! account sent to the token sign-in, and a remembered API token that survives a restart.

use crate::flows_support::*;
use mist_sim::Seed;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_by_email_finds_the_cloud_that_knows_the_account() {
    if !built_for_e2e() {
        return;
    }
    // Three clouds with different cookie suffixes; only the second knows the demo accounts.
    let first = cloud("", Seed::Empty).await;
    let second = cloud(".eu", Seed::Demo).await;
    let third = cloud(".gc1", Seed::Empty).await;
    let app = launch(&[
        ("Sim Global", &first),
        ("Sim Europe", &second),
        ("Sim Asia", &third),
    ])
    .await;
    let d = &app.driver;

    d.fill("Email", "admin@example.com").await;
    app.screenshot("sign-in").await;
    d.click(&d.button("Continue").await).await;

    // The password step preselects the cloud that knows the account, and says so.
    let cloud_select = d.wait_by_name("field", "Cloud", None, SLOW).await;
    let chosen = d.selected_text(&cloud_select).await;
    assert!(
        chosen.starts_with("Sim Europe"),
        "the preselected cloud is {chosen:?}, not the one that knows the account"
    );
    let second_host = second.url().trim_start_matches("http://").to_string();
    d.wait_for_text(
        &format!("Your account is on Sim Europe ({second_host})"),
        SLOW,
    )
    .await;

    d.fill("Password", DEMO_PASSWORD).await;
    d.click(&d.button("Sign in").await).await;
    wait_signed_in(&app).await;

    assert!(
        header_identity(&app).await.contains("admin@example.com"),
        "the header does not name the admin: {:?}",
        header_identity(&app).await
    );
    assert_eq!(
        d.text_in("[data-testid=cloud-name]").await.as_deref(),
        Some("Sim Europe"),
        "the header must show the cloud in use"
    );
    // A simulated cloud is not one of Mist's own: the header warns.
    let header = d.text_in("header").await.unwrap_or_default();
    assert!(header.contains("Not a Mist cloud"), "header: {header}");

    // The token list: the admin's own tokens and both organizations' tokens.
    for name in ["My tokens", "Acme Retail", "Acme Labs"] {
        d.wait_for_text(name, SLOW).await;
    }
    let retail = second.org_id("Acme Retail").unwrap();
    let laptop = id_of(&second.user_tokens("admin@example.com"), "laptop scripts").unwrap();
    let monitoring = id_of(&second.org_tokens(&retail), "monitoring").unwrap();
    for (id, name) in [(&laptop, "laptop scripts"), (&monitoring, "monitoring")] {
        let row = d.wait_by_name("row", name, None, SLOW).await;
        assert_eq!(
            d.attribute(&row, "data-token-id").await.as_deref(),
            Some(id.as_str()),
            "the row named {name:?} is not that token"
        );
    }
    // The other clouds were only asked to look the email up; nobody signed in there.
    assert_eq!(first.session_count(), 0);
    assert_eq!(third.session_count(), 0);
    assert_eq!(second.session_count(), 1);
    app.screenshot("tokens").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_sign_in_explains_a_wrong_code_then_accepts_the_right_one() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;

    enter_email_and_password(&app, "2fa@example.com", DEMO_PASSWORD).await;
    d.wait_by_name("field", "Two-factor code", None, SLOW).await;
    d.wait_for_text("Two-factor verification", SLOW).await;

    // A wrong code: a plain error beside the field, and the admin stays on this step.
    d.fill("Two-factor code", "000000").await;
    d.click(&d.button("Verify").await).await;
    let message = wait_alert(&app, "").await;
    assert_plain(&message, "the wrong-code message");
    assert!(
        message.to_lowercase().contains("code"),
        "the wrong-code message does not mention the code: {message:?}"
    );
    assert!(
        !d.text_in("body")
            .await
            .unwrap_or_default()
            .contains("Signed in as"),
        "a wrong code signed the admin in"
    );

    d.fill("Two-factor code", "123456").await;
    d.click(&d.button("Verify").await).await;
    wait_signed_in(&app).await;
    assert!(header_identity(&app).await.contains("2fa@example.com"));
    d.wait_for_text("Acme Retail", SLOW).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_account_is_told_why_and_offered_the_token_sign_in() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;

    d.fill("Email", "sso@example.com").await;
    d.click(&d.button("Continue").await).await;
    d.wait_for_text("Your account uses single sign-on", SLOW)
        .await;
    app.screenshot("sso").await;
    let page = d.page_text().await;
    assert!(
        page.contains("does not let SSO accounts sign in with a password"),
        "the SSO notice does not explain why: {page}"
    );
    // Mist does not let SSO admins create user tokens (NOTES.md): the way in is an org token
    // that a Super User of the organization creates, and the notice must say so.
    let lower = page.to_lowercase();
    assert!(
        lower.contains("org token") || lower.contains("organization token"),
        "the SSO notice does not point to an org token (SSO admins cannot create user tokens): {page}"
    );
    // No password field is offered to an SSO admin.
    assert!(d.all_by_name("field", "Password", None).await.is_empty());

    d.click(&d.button("Sign in with an API token").await).await;
    d.wait_by_name("field", "API token", None, SLOW).await;
    d.wait_for_text("Sign in with an API token", SLOW).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remembered_token_signs_in_again_after_a_restart() {
    if !built_for_e2e() || !throwaway_keyring("a_remembered_token_signs_in_again_after_a_restart") {
        return;
    }
    // Two clouds: the app has to find the one that knows the token.
    let other = cloud("", Seed::Empty).await;
    let sim = cloud(".eu", Seed::Demo).await;
    let key = sim.add_user_token("admin@example.com", "e2e remembered sign-in");
    let clouds = [("Sim Global", &other), ("Sim Europe", &sim)];
    let app = launch(&clouds).await;
    let d = &app.driver;

    d.click(&d.button("Sign in with an API token").await).await;
    d.fill("API token", &key).await;
    let auto = d.wait_by_name("field", "Cloud", None, SLOW).await;
    assert_eq!(d.selected_text(&auto).await, "Find it automatically");
    let remember = d
        .wait_by_name(
            "checkbox",
            "Remember this token in the system keychain",
            None,
            SLOW,
        )
        .await;
    d.click(&remember).await;
    assert_eq!(d.property(&remember, "checked").await, true);
    d.click(&d.button("Sign in").await).await;
    wait_signed_in(&app).await;
    d.wait_for_text("with an API token (remembered)", SLOW)
        .await;
    assert_eq!(
        d.text_in("[data-testid=cloud-name]").await.as_deref(),
        Some("Sim Europe")
    );
    // The token the app signed in with is marked in the list.
    d.wait_for_text("This app is signed in with it", SLOW).await;

    // Quit and start again with the same data dirs: signed in by itself, no sign-in screen.
    let app = app.restart().await;
    let d = &app.driver;
    wait_signed_in(&app).await;
    assert!(
        d.all_by_name("field", "Email", None).await.is_empty(),
        "the sign-in screen is showing after the restart"
    );
    d.wait_for_text("with an API token (remembered)", SLOW)
        .await;
    assert!(header_identity(&app).await.contains("admin@example.com"));
    assert_eq!(
        d.text_in("[data-testid=cloud-name]").await.as_deref(),
        Some("Sim Europe")
    );
    app.screenshot("remembered").await;

    // Sign out and forget it: the next start shows the sign-in screen again.
    d.click(&d.button("Sign out").await).await;
    let forget = d
        .wait_by_name("checkbox", "Also forget the remembered token", None, SLOW)
        .await;
    d.click(&forget).await;
    d.click(
        &d.wait_by_name("button", "Sign out", Some(ALERT_DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_by_name("field", "Email", None, SLOW).await;
    let app = app.restart().await;
    let d = &app.driver;
    d.wait_by_name("field", "Email", None, SLOW).await;
    assert!(!d.page_text().await.contains("Signed in as"));
    app.quit().await;
}
