//! The token lifecycle in the real window: rotate an org token (same privileges and source IPs;
//! the keychain entry follows; the old key is refused), a rotation whose delete fails (both
//! listed, retry works), the health marks of the demo seed, Keep alive, the API usage in the
//! header, and the export.

use crate::flows_support::*;
use crate::harness::RunningApp;
use mist_sim::{Fault, FaultRule, Method, SimHandle};
use serde_json::{json, Value};

const ADMIN: &str = "admin@example.com";

/// An org token in Acme Retail with two privileges and a source range that covers 127.0.0.1.
/// Returns (id, key).
fn org_token_with_two_privileges(sim: &SimHandle, name: &str) -> (String, String) {
    let org = sim.org_id("Acme Retail").unwrap();
    let store1 = sim.site_id(&org, "Store 1").unwrap();
    let key = sim.add_org_token(
        &org,
        name,
        vec![
            json!({"scope": "site", "role": "read", "site_id": store1}),
            json!({"scope": "org", "role": "write"}),
        ],
        vec!["127.0.0.0/8".into()],
    );
    let id = id_of(&sim.org_tokens(&org), name).unwrap();
    (id, key)
}

fn sim_token(sim: &SimHandle, id: &str) -> Option<Value> {
    let org = sim.org_id("Acme Retail").unwrap();
    sim.org_tokens(&org).into_iter().find(|t| t["id"] == id)
}

/// `GET /self` with a key, straight to the simulator: its HTTP status.
async fn status_with_key(sim: &SimHandle, key: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/api/v1/self", sim.url()))
        .header("Authorization", format!("Token {key}"))
        .send()
        .await
        .expect("the simulator answers")
        .status()
        .as_u16()
}

/// Rotate on the row of token `id`, confirm, and wait for the new key's dialog.
async fn rotate(app: &RunningApp, id: &str, name: &str) {
    let d = &app.driver;
    let row = token_row(id);
    d.click(&d.wait_by_name("button", "Rotate", Some(&row), SLOW).await)
        .await;
    d.wait_for_text(&format!("Rotate “{name}”"), SLOW).await;
    app.screenshot("rotate").await;
    d.click(
        &d.wait_by_name("button", "Create new token", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    wait_reveal_dialog(app, name).await;
}

async fn delete_old_token(app: &RunningApp, scope: Option<&str>) {
    let d = &app.driver;
    let button = d
        .wait_by_name("button", "Delete old token", scope, SLOW)
        .await;
    wait_for(SLOW, "“Delete old token” to be enabled", || async {
        d.is_enabled(&button).await
    })
    .await;
    d.click(&button).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_rotate_an_org_token_keeps_access_and_the_keychain_follows() {
    if !built_for_e2e()
        || !throwaway_keyring("lifecycle_rotate_an_org_token_keeps_access_and_the_keychain_follows")
    {
        return;
    }
    let sim = demo_cloud().await;
    let (old_id, old_key) = org_token_with_two_privileges(&sim, "e2e rotate");
    let old = sim_token(&sim, &old_id).unwrap();
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;

    rotate(&app, &old_id, "e2e rotate").await;
    let org = sim.org_id("Acme Retail").unwrap();
    let tokens = sim.org_tokens(&org);
    let new = tokens
        .iter()
        .find(|t| t["name"] == "e2e rotate" && t["id"] != old_id.as_str())
        .expect("the simulator holds the new token")
        .clone();
    let new_id = new["id"].as_str().unwrap().to_string();
    assert_eq!(new["privileges"], old["privileges"], "the same privileges");
    assert_eq!(new["privileges"].as_array().unwrap().len(), 2);
    assert_eq!(
        new["src_ips"],
        json!(["127.0.0.0/8"]),
        "the same source IPs"
    );
    let new_key = sim.last_issued_key().unwrap();

    // The old token is deleted only once the new key is kept: save it to the keychain.
    let button = d
        .wait_by_name("button", "Delete old token", Some(DIALOG), SLOW)
        .await;
    assert!(
        !d.is_enabled(&button).await,
        "deletable before the key is kept"
    );
    d.fill("Keychain label", "e2e rotated key").await;
    d.click(
        &d.wait_by_name("button", "Save to keychain", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("Saved in the keychain", SLOW).await;
    delete_old_token(&app, Some(DIALOG)).await;
    wait_for_sim(SLOW, "the old token to be deleted", || {
        sim_token(&sim, &old_id).is_none()
    })
    .await;
    assert!(sim_token(&sim, &new_id).is_some());
    // Done: the key window closes and says so.
    d.wait_for_text("is deleted. The new one", SLOW).await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;

    // The old key is refused; the keychain's key works (the simulator checks the source IPs).
    assert_eq!(
        status_with_key(&sim, &old_key).await,
        401,
        "the old key still works"
    );
    d.click(&d.button("Saved keys").await).await;
    let row = d.wait_by_name("row", "e2e rotated key", None, SLOW).await;
    let row_id = d.attribute(&row, "data-key-id").await.unwrap();
    let row = format!("li[data-key-id=\"{row_id}\"]");
    d.click(&d.wait_by_name("button", "Test", Some(&row), SLOW).await)
        .await;
    wait_for(SLOW, "the key test's answer", || async {
        d.text_in(&row).await.is_some_and(|t| t.contains("Works."))
    })
    .await;
    assert_eq!(status_with_key(&sim, &new_key).await, 200);
    assert!(!d.page_text().await.contains(&new_key));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_rotate_where_the_delete_fails_lists_both_and_retry_works() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let (old_id, _) = org_token_with_two_privileges(&sim, "e2e rotate fail");
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    rotate(&app, &old_id, "e2e rotate fail").await;
    d.click(
        &d.wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("The clipboard clears in", SLOW).await;

    sim.inject_fault(
        FaultRule::new(
            format!("/apitokens/{old_id}"),
            Fault::Status {
                code: 502,
                html: true,
            },
        )
        .method(Method::DELETE),
    );
    delete_old_token(&app, Some(DIALOG)).await;
    let alert = wait_alert(&app, "still exists").await;
    assert_plain(&alert, "the failed delete's message");
    assert!(alert.contains("“e2e rotate fail”"), "{alert}");
    app.screenshot("rotate-delete-failed").await;
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    d.wait_gone("button", "Reveal key", None, SLOW).await;

    // Both tokens are listed; the old one offers the retry.
    wait_for(SLOW, "both tokens in the list", || async {
        d.all_by_name("row", "e2e rotate fail", None).await.len() == 2
    })
    .await;
    sim.clear_faults();
    delete_old_token(&app, Some(&token_row(&old_id))).await;
    wait_for_sim(SLOW, "the old token to be deleted", || {
        sim_token(&sim, &old_id).is_none()
    })
    .await;
    wait_for(SLOW, "one token left in the list", || async {
        d.all_by_name("row", "e2e rotate fail", None).await.len() == 1
    })
    .await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_health_marks_on_the_demo_seed() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    d.wait_for_text("5 tokens need attention", SLOW).await;
    d.click(&d.button("Needs attention").await).await;
    wait_for(SLOW, "only the marked tokens", || async {
        d.all_by_name("row", "laptop scripts", None)
            .await
            .is_empty()
    })
    .await;
    app.screenshot("needs-attention").await;
    for (name, count) in [
        ("old integration", 1),
        ("monitoring", 1),
        ("legacy sync", 1),
        ("backup", 2),
    ] {
        assert_eq!(
            d.all_by_name("row", name, None).await.len(),
            count,
            "{name} under Needs attention"
        );
    }
    assert!(d.all_by_name("row", "ci pipeline", None).await.is_empty());
    // textContent, not innerText: rows below the fold are skipped by the browser's rendering
    // (`content-visibility: auto`), and innerText leaves out what is not rendered.
    let text = d
        .execute(
            "return document.querySelector('.tokens').textContent;",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    for reason in [
        "Never used",
        "Mist removes it in",
        "may remove it at any time",
        "Super User on the whole organization",
        "Its creator is gone",
        "the same name",
    ] {
        assert!(text.contains(reason), "no “{reason}” in: {text}");
    }
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_keep_alive_moves_last_used_in_the_simulator() {
    if !built_for_e2e()
        || !throwaway_keyring("lifecycle_keep_alive_moves_last_used_in_the_simulator")
    {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    create_user_token(&app, "e2e keep alive").await;
    d.fill("Keychain label", "e2e keep alive key").await;
    d.click(
        &d.wait_by_name("button", "Save to keychain", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("Saved in the keychain", SLOW).await;
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    let id = id_of(&sim.user_tokens(ADMIN), "e2e keep alive").unwrap();
    let long_ago = mist_token_manager_lib::mist::views::now() - 85 * 86_400;
    assert!(sim.set_token_last_used(&id, Some(long_ago)));

    // The list learns of it at the next load; the banner offers to keep it alive.
    d.click(&d.button("Refresh").await).await;
    d.wait_for_text("Saved keys that Mist will remove soon", SLOW)
        .await;
    app.screenshot("keep-alive-banner").await;
    d.click(&d.button("Keep them all alive").await).await;
    let now = mist_token_manager_lib::mist::views::now();
    wait_for_sim(SLOW, "last_used to move in the simulator", || {
        sim.user_tokens(ADMIN)
            .iter()
            .find(|t| t["id"] == id.as_str())
            .and_then(|t| t["last_used"].as_i64())
            .is_some_and(|l| l >= now - 5)
    })
    .await;
    d.wait_for_text("Kept alive:", SLOW).await;
    // The key is no longer due: nothing is left to keep alive.
    d.wait_gone("button", "Keep them all alive", None, SLOW)
        .await;
    app.quit().await;
}

/// The first number of "API calls this hour: N of 5,000" in the header.
async fn header_calls(app: &RunningApp) -> Option<u64> {
    let text = app.driver.text_in("header").await?;
    let at = text.find("API calls this hour:")?;
    let digits: String = text[at + "API calls this hour:".len()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_usage_numbers_equal_the_simulators() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    wait_for(
        SLOW,
        "the header's count to equal the simulator's",
        || async { header_calls(&app).await == Some(sim.quota_used(ADMIN) as u64) },
    )
    .await;
    let text = d.text_in("header").await.unwrap_or_default();
    assert!(text.contains("of 5,000"), "{text}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_export_holds_every_token_and_no_key() {
    if !built_for_e2e() {
        return;
    }
    let sim = demo_cloud().await;
    let (_, key) = org_token_with_two_privileges(&sim, "=cmd|' /C calc'!A0");
    let out = crate::harness::temp_home("export").join("tokens.csv");
    let app = launch_with_env(
        &[("Sim cloud", &sim)],
        &[("MIST_TOKEN_MANAGER_EXPORT_PATH", out.to_str().unwrap())],
    )
    .await;
    let d = &app.driver;
    sign_in(&app, ADMIN).await;
    create_user_token(&app, "e2e export").await;
    let issued = sim.last_issued_key().unwrap();
    d.click(
        &d.wait_by_name("button", "Copy key", Some(DIALOG), SLOW)
            .await,
    )
    .await;
    d.wait_for_text("The clipboard clears in", SLOW).await;
    d.click(&d.wait_by_name("button", "Done", Some(DIALOG), SLOW).await)
        .await;
    d.click(&d.button("Export").await).await;
    d.wait_for_text("Exported", SLOW).await;
    let csv = std::fs::read_to_string(&out).expect("the export was written");

    let mut names: Vec<String> = sim
        .user_tokens(ADMIN)
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    for org in ["Acme Retail", "Acme Labs"] {
        let id = sim.org_id(org).unwrap();
        names.extend(
            sim.org_tokens(&id)
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(csv.lines().count(), names.len() + 1, "{csv}");
    for n in names.iter().filter(|n| !n.starts_with('=')) {
        assert!(csv.contains(n.as_str()), "{n} is not in the export");
    }
    assert!(
        csv.contains("\"'=cmd|' /C calc'!A0\""),
        "the formula is not defused: {csv}"
    );
    for k in [&key, &issued] {
        assert!(!csv.contains(k.as_str()), "a key is in the export");
    }
    app.quit().await;
}
