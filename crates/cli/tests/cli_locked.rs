//! `mist-token` with a locked keyring, for real: the test re-runs itself inside a fresh private
//! keyring (scripts/with-keyring.sh, nested) so locking never disturbs the other keychain tests.
//! There it saves a key, locks the "login" collection over D-Bus (no display, so no unlock
//! prompt can open) and checks that `run` and `test` say plainly to unlock the keyring, with
//! their own exit code, and never start the command.

mod support;

use std::process::Command;

use support::{assert_no_key, text, Keys};

const NAME: &str = "a_locked_keychain_is_its_own_failure";
const KEY: &str = "TG9ja2VkS2V5cmluZ0tleTAxMjM0NTY3ODlhYmNkZWZnaGlqa2xtbm9w";

#[test]
fn a_locked_keychain_is_its_own_failure() {
    if std::env::var("MIST_TM_LOCKED_INNER").as_deref() == Ok("1") {
        tokio::runtime::Runtime::new().unwrap().block_on(inner());
        return;
    }
    if std::env::var("MIST_TM_KEYRING_TEST").as_deref() != Ok("1") {
        println!("skipped: no private keyring (run through scripts/with-keyring.sh)");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/with-keyring.sh");
    let out = Command::new(script)
        .env_remove("MIST_TM_IN_PRIVATE_BUS")
        .env("MIST_TM_LOCKED_INNER", "1")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .output()
        .unwrap();
    let (o, e) = text(&out);
    assert!(out.status.success(), "inner run failed:\n{o}{e}");
    assert!(o.contains("1 passed"), "{o}{e}");
}

async fn inner() {
    let mut keys = Keys::new();
    keys.save(KEY, "Locked", "org", "https://api.eu.mist.com")
        .await;
    let lock = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");

    let marker = keys.dir.join("ran");
    let touch = format!("touch '{}'", marker.display());
    for args in [
        vec!["run", "--key", "Locked", "--", "sh", "-c", touch.as_str()],
        vec!["test", "Locked"],
    ] {
        let out = keys.run_async(&args, &[]).await;
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(122), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(
                "mist-token: The keyring is locked or refused access. Unlock your login keyring"
            ),
            "{stderr}"
        );
        assert_no_key(&out, KEY);
    }
    assert!(!marker.exists(), "the command must not run without its key");

    // `keys` needs no secret: it still lists the key, and notes the keychain problem.
    let out = keys.run_async(&["keys"], &[]).await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with("Locked ")), "{stdout}");
    assert!(
        stderr.starts_with("mist-token: note: the keychain could not be asked"),
        "{stderr}"
    );
}
