//! The `mist-sim` binary: flags, the MIST_SIM_URL line, the demo seed, no secrets printed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_mist-sim");

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start the binary; return it, its URL and the banner it printed.
fn spawn(args: &[&str]) -> (Running, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut banner = String::new();
    let mut url = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        banner.push_str(&line);
        if let Some(u) = line.trim().strip_prefix("MIST_SIM_URL=") {
            url = Some(u.to_string());
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    (Running(child), url.expect("MIST_SIM_URL line"), banner)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[test]
fn help_documents_flags_and_demo_accounts() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--port",
        "--cookie-suffix",
        "--latency-ms",
        "--rate-limit",
        "--bulk-orgs",
        "--bulk-tokens",
        "--fault",
        "--seed",
        "admin@example.com",
        "2fa@example.com",
        "observer@example.com",
        "msp@example.com",
        "sso@example.com",
        "MIST_SIM_URL",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[tokio::test]
async fn binary_serves_the_demo_seed_with_flags() {
    let (_child, url, banner) = spawn(&[
        "--port",
        "0",
        "--cookie-suffix",
        ".eu",
        "--rate-limit",
        "50",
        "--bulk-orgs",
        "2",
        "--bulk-tokens",
        "3",
        "--fault",
        "GET:/self/usage:502",
        "--fault",
        "*:/login/lookup:malformed",
    ]);
    assert!(url.starts_with("http://127.0.0.1:"));
    assert!(banner.contains("admin@example.com"));
    assert!(
        !banner.contains("demo-password"),
        "no password in the banner"
    );
    let c = client();
    let r = c
        .post(format!("{url}/api/v1/login"))
        .json(&json!({"email": "admin@example.com", "password": "demo-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    assert!(cookies.iter().any(|c| c.starts_with("sessionid.eu=")));
    let cookie = cookies.join("; ");
    let me: Value = c
        .get(format!("{url}/api/v1/self"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 2 demo orgs + 2 bulk orgs
    assert_eq!(me["privileges"].as_array().unwrap().len(), 4);
    let usage = c
        .get(format!("{url}/api/v1/self/usage"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(usage.status(), 502);
    let lookup = c
        .post(format!("{url}/api/v1/login/lookup"))
        .json(&json!({"email": "admin@example.com"}))
        .send()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&lookup.text().await.unwrap()).is_err());
}

#[tokio::test]
async fn binary_empty_seed() {
    let (_child, url, _) = spawn(&["--port", "0", "--seed", "empty"]);
    let r = client()
        .post(format!("{url}/api/v1/login/lookup"))
        .json(&json!({"email": "admin@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn bad_fault_flag_is_refused() {
    let out = Command::new(BIN)
        .args(["--port", "0", "--fault", "GET:/x:teapot"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
