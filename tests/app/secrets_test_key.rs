//! `test_saved_key` against the simulator: a working key, a key Mist refuses, and a recovered
//! key whose cloud is unknown. The key never comes back in a response.

use crate::support::app::App;
use crate::support::secrets::{fixture, meta};
use secrecy::SecretString;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_saved_key_asks_self_with_the_key() {
    let sim = crate::support::sim::demo_sim().await;
    let key = sim.add_user_token("admin@example.com", "kept in the keychain");
    let (secrets, _f) = fixture();
    let app = App::with_mist(crate::support::sim::state_for(&sim), secrets);
    let vault = app.state().secrets.vault.clone();
    let at_sim = |cloud_api: String| {
        let mut m = meta();
        m.kind = mist_token_manager_lib::mist::TokenKind::User;
        m.cloud_api = cloud_api;
        m
    };
    let good = vault
        .save(SecretString::from(key.clone()), at_sim(sim.url()), "Good")
        .await
        .unwrap();
    let bad = vault
        .save(
            SecretString::from("not-a-key-Mist-knows".to_string()),
            at_sim(sim.url()),
            "Bad",
        )
        .await
        .unwrap();
    let unknown = vault
        .save(
            SecretString::from(key.clone()),
            at_sim(String::new()),
            "Recovered",
        )
        .await
        .unwrap();

    let (ok, refused, lost) = tokio::task::block_in_place(|| {
        (
            app.invoke("test_saved_key", json!({ "id": good.row.id })),
            app.invoke("test_saved_key", json!({ "id": bad.row.id })),
            app.invoke("test_saved_key", json!({ "id": unknown.row.id })),
        )
    });
    let ok = ok.unwrap();
    assert!(!ok.contains(&key));
    let ok: serde_json::Value = serde_json::from_str(&ok).unwrap();
    assert_eq!(ok["valid"], true, "{ok}");
    assert!(ok["message"].as_str().unwrap().starts_with("Works"), "{ok}");

    let refused: serde_json::Value = serde_json::from_str(&refused.unwrap()).unwrap();
    assert_eq!(refused["valid"], false, "{refused}");

    let lost: serde_json::Value = serde_json::from_str(&lost.unwrap_err()).unwrap();
    assert_eq!(lost["kind"], "cloud_unconfirmed", "{lost}");
}
