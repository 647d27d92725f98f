//! "How to use this token" through the IPC commands (Tauri mock runtime), as the web view sees
//! them: the examples carry the placeholder, never the key; "Copy with key" puts the filled
//! example on the clipboard (the key never crosses IPC) and the clipboard is cleared afterwards,
//! because the clear compares the clipboard with exactly the text that was written.

use std::time::Duration;

use crate::support::app::App;
use crate::support::secrets::{fixture, meta, KEY};
use secrecy::SecretString;
use serde_json::json;

const PLACEHOLDER: &str = "YOUR-MIST-API-KEY";

fn open(app: &App) -> String {
    app.state()
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta())
        .slot_id
}

fn wait_for_clear() {
    // The fixture clears the clipboard 50 ms after a copy.
    std::thread::sleep(Duration::from_millis(400));
}

#[test]
fn slot_examples_show_the_cloud_and_the_placeholder_never_the_key() {
    let (secrets, _f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let text = app
        .invoke("usage_examples_for_slot", json!({ "slotId": id }))
        .unwrap();
    assert!(!text.contains(KEY), "the key crossed IPC: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["cloud_name"], "Global 01");
    assert_eq!(v["api_url"], "https://api.mist.com");
    assert_eq!(v["host"], "api.mist.com");
    assert_eq!(v["placeholder"], PLACEHOLDER);
    let examples = v["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 6);
    for e in examples {
        for field in ["id", "title", "how_to_run", "text"] {
            assert!(e[field].is_string(), "{field}: {e}");
        }
        assert!(e["text"].as_str().unwrap().contains(PLACEHOLDER), "{e}");
    }
    // Looking at the examples is not a copy.
    assert_eq!(
        app.ok("slot_status", json!({ "slotId": id }))["copied"],
        false
    );
}

#[test]
fn copy_with_slot_key_fills_the_example_and_the_clipboard_is_cleared_after() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    let reply = app
        .invoke(
            "copy_usage_with_slot_key",
            json!({ "slotId": id, "example": "curl" }),
        )
        .unwrap();
    assert_eq!(reply, r#"{"clears_in_s":1}"#, "no key in the reply");
    let copied = f.clip.read_text_for_test().unwrap();
    assert_eq!(
        copied,
        format!(
            "curl -sS -f -H \"Authorization: Token {KEY}\" \\\n  \"https://api.mist.com/api/v1/self\"\n"
        )
    );
    assert_eq!(
        app.ok("slot_status", json!({ "slotId": id }))["copied"],
        true
    );
    // Cleared, although the clipboard holds the example and not the bare key.
    wait_for_clear();
    assert_eq!(
        f.clip.read_text_for_test(),
        None,
        "the example was not cleared"
    );
}

#[test]
fn copy_with_saved_key_fills_the_example_and_the_clipboard_is_cleared_after() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let slot = open(&app);
    let saved = app.ok("save_key", json!({ "slotId": slot, "label": "Deploy" }));
    app.ok("dismiss_key", json!({ "slotId": slot }));
    let key_id = saved["id"].as_str().unwrap();

    let text = app
        .invoke("usage_examples_for_saved_key", json!({ "id": key_id }))
        .unwrap();
    assert!(!text.contains(KEY), "the key crossed IPC: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["host"], "api.mist.com");

    let reply = app
        .invoke(
            "copy_usage_with_saved_key",
            json!({ "id": key_id, "example": "python_mistapi" }),
        )
        .unwrap();
    assert!(!reply.contains(KEY));
    let copied = f.clip.read_text_for_test().unwrap();
    assert!(copied.contains(&format!(
        "os.environ.setdefault(\"MIST_APITOKEN\", \"{KEY}\")"
    )));
    assert!(copied.contains("os.environ.setdefault(\"MIST_HOST\", \"api.mist.com\")"));
    assert!(!copied.contains(PLACEHOLDER));
    wait_for_clear();
    assert_eq!(
        f.clip.read_text_for_test(),
        None,
        "the example was not cleared"
    );
}

#[test]
fn text_the_admin_copies_afterwards_is_left_alone() {
    use mist_token_manager_lib::secrets::Clipboard;
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);
    app.ok(
        "copy_usage_with_slot_key",
        json!({ "slotId": id, "example": "ansible" }),
    );
    // The admin copies something else: it must survive the clear.
    f.clip.write_text("my own notes").unwrap();
    wait_for_clear();
    assert_eq!(f.clip.read_text_for_test().as_deref(), Some("my own notes"));
}

#[test]
fn every_error_path_is_plain() {
    use keyring_core::api::CredentialStoreApi;
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let id = open(&app);

    // An example that does not exist.
    let e = app
        .invoke(
            "copy_usage_with_slot_key",
            json!({ "slotId": id, "example": "cobol" }),
        )
        .unwrap_err();
    let v: serde_json::Value = serde_json::from_str(&e).unwrap();
    assert_eq!(v["kind"], "invalid_input");
    assert_eq!(v["field"], "example");
    assert_eq!(f.clip.read_text_for_test(), None, "nothing was copied");

    // A closed slot.
    app.ok("dismiss_key", json!({ "slotId": id }));
    for (cmd, args) in [
        ("usage_examples_for_slot", json!({ "slotId": id })),
        (
            "copy_usage_with_slot_key",
            json!({ "slotId": id, "example": "curl" }),
        ),
    ] {
        assert_eq!(app.err_kind(cmd, args), "slot_expired", "{cmd}");
    }

    // An unknown saved key.
    for (cmd, args) in [
        ("usage_examples_for_saved_key", json!({ "id": "nope" })),
        (
            "copy_usage_with_saved_key",
            json!({ "id": "nope", "example": "curl" }),
        ),
    ] {
        assert_eq!(app.err_kind(cmd, args), "not_found", "{cmd}");
    }

    // A key recovered by Repair has no cloud: no examples, no copy.
    let service = app.state().secrets.vault.service().to_string();
    f.store
        .build(&service, "orphan-user", None)
        .unwrap()
        .set_password(KEY)
        .unwrap();
    let repaired = app.ok("repair_saved_keys", json!({}));
    let recovered = repaired["keys"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(repaired["keys"][0]["cloud_api"], "");
    for (cmd, args) in [
        ("usage_examples_for_saved_key", json!({ "id": recovered })),
        (
            "copy_usage_with_saved_key",
            json!({ "id": recovered, "example": "curl" }),
        ),
    ] {
        let e = app.invoke(cmd, args).unwrap_err();
        assert!(!e.contains(KEY));
        let v: serde_json::Value = serde_json::from_str(&e).unwrap();
        if cmd == "copy_usage_with_saved_key" {
            // The key itself goes only where its keychain item says: a recovered key has no
            // cloud bound there, so it is refused until the admin confirms its cloud.
            assert_eq!(v["kind"], "cloud_unconfirmed", "{cmd}");
            assert!(v["message"].as_str().unwrap().contains("confirm"), "{v}");
            continue;
        }
        assert_eq!(v["kind"], "invalid_input", "{cmd}");
        assert_eq!(v["field"], "cloud", "{cmd}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("cloud this key belongs to is not known"),
            "{v}"
        );
    }
    assert_eq!(f.clip.read_text_for_test(), None, "nothing was copied");
}
