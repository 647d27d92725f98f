//! The web view's permissions stay least-privilege: one capability, for the main window only,
//! granting exactly the app's own commands (no core, fs, shell, http, opener or clipboard
//! permission), and every command the app registers is granted.

use std::collections::BTreeSet;

fn commands_in_build_rs() -> BTreeSet<String> {
    let build = include_str!("../src-tauri/build.rs");
    let list = build
        .split("let commands = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("the command list in build.rs");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_main_window_may_call_only_the_apps_own_commands() {
    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_string())
        .collect();
    let expected: BTreeSet<String> = commands_in_build_rs()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(granted, expected);
    assert!(
        granted.iter().all(|p| !p.contains(':')),
        "a plugin or core permission: {granted:?}"
    );
}

#[test]
fn every_registered_command_is_declared_for_the_acl() {
    let lib = include_str!("../src-tauri/lib.rs");
    let registered: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("$crate::commands::"))
        .filter_map(|l| {
            l.trim_end_matches(',')
                .rsplit("::")
                .next()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(registered, commands_in_build_rs());
}

#[test]
fn the_capability_directory_holds_only_the_main_capability() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities");
    let files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, vec!["main.json".to_string()]);
}

#[test]
fn the_csp_allows_no_remote_origin_and_no_eval() {
    let conf: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let csp = &conf["app"]["security"]["csp"];
    let all = csp.to_string();
    assert!(!all.contains("unsafe-eval"));
    assert!(!all.contains("https:") && !all.contains("http://*") && !all.contains("*."));
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
}
