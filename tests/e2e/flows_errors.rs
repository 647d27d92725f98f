//! Errors in plain language: a read-only admin's 403 on the org's tokens, and Mist's rate limit.

use crate::flows_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_admin_is_told_plainly_that_they_lack_permission() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, "observer@example.com").await;

    d.wait_for_text("Acme Retail", SLOW).await;
    let message = wait_alert(&app, "permission").await;
    assert_plain(&message, "the permission message");
    assert!(
        !message.contains("403") && !message.contains("Forbidden"),
        "the permission message shows the raw status: {message:?}"
    );
    // No way to change that org's tokens is offered.
    let page = d.page_text().await;
    assert!(page.contains("Only Super Users"), "page: {page}");
    assert!(d.all_by_name("button", "Delete", None).await.is_empty());
    app.screenshot("forbidden").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mists_rate_limit_is_explained_with_how_long_to_wait() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, "admin@example.com").await;
    d.wait_by_name("row", "laptop scripts", None, SLOW).await;

    sim.exhaust_quota_for("admin@example.com");
    d.click(&d.button("Refresh").await).await;
    let message = wait_alert(&app, "").await;
    assert_plain(&message, "the rate-limit message");
    let lower = message.to_lowercase();
    assert!(
        lower.contains("too many") || lower.contains("slow down") || lower.contains("limit"),
        "the message does not say what happened: {message:?}"
    );
    assert!(
        lower.contains("wait") || lower.contains("try again in"),
        "the message does not say to wait: {message:?}"
    );
    assert!(
        !message.contains("429"),
        "the message shows the raw status: {message:?}"
    );
    app.screenshot("rate-limited").await;

    // A new hour: Refresh brings the list back.
    sim.reset_quotas();
    d.click(&d.button("Refresh").await).await;
    d.wait_by_name("row", "laptop scripts", None, SLOW).await;
    wait_for(SLOW, "the rate-limit message to go away", || async {
        alerts(&app).await.is_empty()
    })
    .await;
    app.quit().await;
}
