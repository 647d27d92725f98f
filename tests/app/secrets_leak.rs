//! The key appears nowhere but the one reveal response: open → reveal → copy → save → list →
//! rename → forget through the commands, with every serialized response and error captured, plus
//! the data dir's files and the Debug output of the state. (The lead extends this to the full app
//! flow: sign in, create, ...)

use crate::support::app::App;
use crate::support::secrets::{files_text, fixture, meta, KEY};
use secrecy::SecretString;
use serde_json::json;

#[test]
fn the_key_appears_only_in_the_one_reveal_response() {
    let (secrets, f) = fixture();
    let app = App::new(secrets);
    let slot = app
        .state()
        .secrets
        .slots
        .open(SecretString::from(KEY.to_string()), meta());
    let id = slot.slot_id.clone();
    let mut responses: Vec<(String, String)> = Vec::new();
    let mut responses_tail: Vec<(String, String)> = Vec::new();
    let mut call = |cmd: &str, args: serde_json::Value| -> String {
        let text = match app.invoke(cmd, args) {
            Ok(t) => t,
            Err(e) => e,
        };
        responses_tail.push((cmd.to_string(), text.clone()));
        text
    };
    // The handle a create command returns travels too.
    responses.push(("open".into(), serde_json::to_string(&slot).unwrap()));

    let reveal = call("reveal_key", json!({ "slotId": id }));
    call("reveal_key", json!({ "slotId": id })); // refused
    call("slot_status", json!({ "slotId": id }));
    call("copy_key", json!({ "slotId": id }));
    let saved = call("save_key", json!({ "slotId": id, "label": "CI" }));
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let key_id = saved["id"].as_str().unwrap().to_string();
    call("save_key", json!({ "slotId": id, "label": "" })); // invalid
    call("slot_status", json!({ "slotId": id }));
    call("list_saved_keys", json!({}));
    call("copy_saved_key", json!({ "id": key_id }));
    call("rename_saved_key", json!({ "id": key_id, "label": "Prod" }));
    call("list_saved_keys", json!({}));
    call("dismiss_key", json!({ "slotId": id }));
    call("reveal_key", json!({ "slotId": id })); // expired
    call("copy_key", json!({ "slotId": id }));
    call("forget_saved_key", json!({ "id": key_id }));
    call("list_saved_keys", json!({}));
    call("repair_saved_keys", json!({}));

    responses.extend(responses_tail);
    assert_eq!(reveal, format!("{{\"key\":\"{KEY}\"}}"));
    let carrying: Vec<_> = responses.iter().filter(|(_, t)| t.contains(KEY)).collect();
    assert_eq!(carrying.len(), 1, "{carrying:?}");
    assert_eq!(carrying[0].0, "reveal_key");
    // Nor any recognizable part of it (a 16-character window).
    let parts: Vec<&str> = (0..KEY.len() - 16).map(|i| &KEY[i..i + 16]).collect();
    for (cmd, text) in responses.iter().filter(|(c, _)| c != "reveal_key") {
        for p in &parts {
            assert!(!text.contains(p), "{cmd} carries part of the key: {text}");
        }
    }
    // The data dir: only the index, and no key in it.
    let files = files_text(&f.dir);
    assert!(!files.is_empty());
    for (path, text) in &files {
        assert!(!text.contains(KEY), "{} holds the key", path.display());
    }
    // Debug output of the state.
    let state = app.state();
    assert!(!format!("{:?}", state.secrets).contains(KEY));
}
