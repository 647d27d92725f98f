//! `mist-token` ships in the app's installers as a Tauri sidecar: `tauri.cli.conf.json` (merged
//! by `tauri build --config`) names the file `scripts/build-cli-sidecar.sh` makes, for the binary
//! this crate builds, and every place that builds installers uses both.

const CONF: &str = include_str!("../../../tauri.cli.conf.json");
const SCRIPT: &str = include_str!("../../../scripts/build-cli-sidecar.sh");
const MANIFEST: &str = include_str!("../Cargo.toml");
const MAKEFILE: &str = include_str!("../../../Makefile");
const RELEASE: &str = include_str!("../../../.github/workflows/release.yml");

#[test]
fn the_sidecar_config_names_the_file_the_script_builds() {
    let conf: serde_json::Value = serde_json::from_str(CONF).unwrap();
    let bins = conf["bundle"]["externalBin"].as_array().unwrap();
    assert_eq!(bins, &[serde_json::json!("target/sidecar/mist-token")]);
    // Tauri looks for <externalBin>-<target triple>[.exe].
    assert!(SCRIPT.contains(r#"out="target/sidecar/mist-token-$triple$exe""#));
    assert!(SCRIPT.contains("-p mist-token-cli"));
    assert!(MANIFEST.contains("name = \"mist-token-cli\""));
    assert!(MANIFEST.contains("name = \"mist-token\"\npath = \"src/main.rs\""));
    // Only the bundle is changed: the app's own config does not need the sidecar to build.
    assert_eq!(
        conf.as_object().unwrap().len(),
        2,
        "$schema and bundle only"
    );
    let app: serde_json::Value =
        serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
    assert!(app["bundle"].get("externalBin").is_none());
}

#[test]
fn every_installer_build_includes_the_sidecar() {
    assert!(MAKEFILE.contains("bash scripts/build-cli-sidecar.sh"));
    assert!(MAKEFILE.contains("--config tauri.cli.conf.json"));
    assert!(RELEASE.contains("bash scripts/build-cli-sidecar.sh"));
    let args: Vec<&str> = RELEASE
        .lines()
        .filter(|l| l.trim_start().starts_with("args: \"--"))
        .collect();
    assert_eq!(args.len(), 3, "{args:?}");
    for a in args {
        assert!(a.contains("--config tauri.cli.conf.json"), "{a}");
    }
}
