//! The e2e harness (tests/e2e/harness.rs) names the app binary with
//! `env!("CARGO_BIN_EXE_mist-token-manager")` and its temp dir with `env!("CARGO_TARGET_TMPDIR")`,
//! which cargo only sets for the app's own integration tests. Here they point at the release
//! binary that `tauri build` made (override with MIST_BENCH_APP at build time) and at this
//! crate's target dir.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=MIST_BENCH_APP");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.join("../..");
    let app = std::env::var("MIST_BENCH_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/release/mist-token-manager"));
    println!(
        "cargo:rustc-env=CARGO_BIN_EXE_mist-token-manager={}",
        app.display()
    );
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out.
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let target = out
        .ancestors()
        .nth(4)
        .expect("a target dir above OUT_DIR")
        .to_path_buf();
    println!(
        "cargo:rustc-env=CARGO_TARGET_TMPDIR={}",
        target.join("tmp").display()
    );
}
