//! The "How to use" examples, run for real against the simulator: the example is generated for
//! the simulator's cloud, the key is filled in exactly as "Copy with key" does, and the tool
//! runs it. curl, Python requests and Ansible (ansible-core) run as they are; the mistapi SDK
//! only speaks https to the known Mist hosts, so it runs with its https calls to
//! `api.eu.mist.com` handed to the simulator's http port at the transport layer (everything
//! else is the SDK's own code); PowerShell and Terraform cannot run here: the unit tests in
//! `usage.rs` check their host and variable names, and `terraform fmt` checks the HCL when a
//! terraform binary is installed.
//!
//! Python, requests, ansible-core and mistapi come from the venv `scripts/setup.sh` makes in
//! `target/examples-venv` (`MIST_TM_EXAMPLES_VENV` overrides it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mist_sim::{Sim, SimConfig};
use mist_token_core::usage::{self, UsageExamples, KEY_PLACEHOLDER};
use secrecy::{ExposeSecret, SecretString};

fn venv() -> PathBuf {
    let dir = std::env::var_os("MIST_TM_EXAMPLES_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/examples-venv")
        });
    assert!(
        dir.join("bin/python").exists(),
        "the examples' Python venv is missing at {}: run scripts/setup.sh",
        dir.display()
    );
    dir
}

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let d = std::env::temp_dir().join(format!("mtm-examples-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        Self(d)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The example with the key filled in, as "Copy with key" puts it on the clipboard.
fn filled(examples: &UsageExamples, id: &str, key: &str) -> String {
    let text = usage::fill_key(examples, id, &SecretString::from(key.to_string())).unwrap();
    let text = text.expose_secret().to_string();
    assert!(!text.contains(KEY_PLACEHOLDER));
    text
}

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

struct World {
    sim: mist_sim::SimHandle,
    user_key: String,
    org_key: String,
    examples: UsageExamples,
}

async fn world() -> World {
    let sim = Sim::start(SimConfig::default()).await;
    let user_key = sim.add_user_token("admin@example.com", "examples");
    let org = sim.org_id("Acme Retail").unwrap();
    let org_key = sim.add_org_token(
        &org,
        "monitoring",
        vec![serde_json::json!({"scope": "org", "role": "read", "org_id": org})],
        vec![],
    );
    let examples = usage::examples("Simulator", &sim.url()).unwrap();
    World {
        sim,
        user_key,
        org_key,
        examples,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_curl_example_prints_the_tokens_identity() {
    let w = world().await;
    let dir = Scratch::new();
    let script = dir.write("whoami.sh", &filled(&w.examples, "curl", &w.user_key));
    let mut cmd = Command::new("sh");
    cmd.arg(&script);
    let out = output(cmd).await;
    assert!(out.status.success(), "{}", both(&out));
    let me: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(me["email"], "admin@example.com");
    assert!(!both(&out).contains(&w.user_key));

    // The same example with a key Mist does not know fails (curl -f), instead of printing junk.
    let script = dir.write(
        "bad.sh",
        &filled(
            &w.examples,
            "curl",
            "NotAKeyMistKnows0123456789abcdefghijklmnop",
        ),
    );
    let mut cmd = Command::new("sh");
    cmd.arg(&script);
    let out = output(cmd).await;
    assert!(!out.status.success(), "{}", both(&out));
    drop(w.sim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_requests_example_prints_the_tokens_identity() {
    let w = world().await;
    let dir = Scratch::new();
    let python = venv().join("bin/python");
    for (key, expected) in [
        (&w.user_key, "User token of admin@example.com"),
        (&w.org_key, "Org token monitoring"),
    ] {
        let script = dir.write("whoami.py", &filled(&w.examples, "python_requests", key));
        let mut cmd = Command::new(&python);
        cmd.arg(&script);
        let out = output(cmd).await;
        assert!(out.status.success(), "{}", both(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expected);
        assert!(!both(&out).contains(key.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ansible_example_prints_the_tokens_identity_and_never_the_key() {
    let w = world().await;
    let dir = Scratch::new();
    let playbook = dir.write("whoami.yml", &filled(&w.examples, "ansible", &w.user_key));
    let mut cmd = Command::new(venv().join("bin/ansible-playbook"));
    // -v prints every task's result: no_log must keep the request (and its header) out.
    cmd.arg("-v")
        .arg(&playbook)
        .env("ANSIBLE_LOCALHOST_WARNING", "false")
        .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false")
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_LOCAL_TEMP", dir.0.join("ansible-tmp"))
        .env("ANSIBLE_HOME", dir.0.join("ansible-home"));
    let out = output(cmd).await;
    let text = both(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("\"msg\": \"User token of admin@example.com\""),
        "{text}"
    );
    assert!(!text.contains(&w.user_key), "the key leaked:\n{text}");
}

/// Runs the mistapi example with the SDK's https requests to `api.eu.mist.com` sent to the
/// simulator (only the transport's URL is rewritten; the SDK checks the host, reads the
/// variables, validates the token and calls getSelf itself).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mistapi_example_reads_its_variables_and_prints_the_identity() {
    let w = world().await;
    let eu = usage::examples("EMEA 01", "https://api.eu.mist.com").unwrap();
    let dir = Scratch::new();
    let example = dir.write("whoami_sdk.py", &filled(&eu, "python_mistapi", &w.org_key));
    let wrapper = dir.write(
        "to_sim.py",
        r#"import runpy, sys
import requests.adapters
sim, host, path = sys.argv[1], sys.argv[2], sys.argv[3]
send = requests.adapters.HTTPAdapter.send
def to_sim(self, request, **kw):
    prefix = "https://" + host
    assert request.url.startswith(prefix), request.url
    request.url = sim + request.url[len(prefix):]
    return send(self, request, **kw)
requests.adapters.HTTPAdapter.send = to_sim
runpy.run_path(path, run_name="__main__")
"#,
    );
    let python = venv().join("bin/python");
    let run = |extra_env: Vec<(&'static str, String)>| {
        let mut cmd = Command::new(&python);
        cmd.arg(&wrapper)
            .arg(w.sim.url())
            .arg("api.eu.mist.com")
            .arg(&example)
            .current_dir(&dir.0)
            .env_remove("MIST_HOST")
            .env_remove("MIST_APITOKEN");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd
    };
    // As copied with the key.
    let out = output(run(vec![])).await;
    let text = both(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Org token monitoring"),
        "{text}"
    );
    assert!(!text.contains(&w.org_key), "the key leaked:\n{text}");

    // As shown (placeholder), run by `mist-token run`: the SDK's own variables win.
    let shown = eu
        .examples
        .iter()
        .find(|e| e.id == "python_mistapi")
        .unwrap();
    let example_shown = dir.write("whoami_sdk.py", &shown.text);
    assert_eq!(example_shown, example);
    let out = output(run(vec![
        ("MIST_HOST", "api.eu.mist.com".into()),
        ("MIST_APITOKEN", w.user_key.clone()),
    ]))
    .await;
    let text = both(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("User token of admin@example.com"),
        "{text}"
    );
    assert!(!text.contains(&w.user_key), "the key leaked:\n{text}");
}

#[test]
fn every_builtin_cloud_host_is_one_the_sdk_and_the_provider_accept() {
    // mistapi's own list of cloud hosts (its set_cloud refuses any other).
    let out = Command::new(venv().join("bin/python"))
        .args([
            "-c",
            "from mistapi.__api_session import CLOUDS; print('\\n'.join(c['host'] for c in CLOUDS))",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", both(&out));
    let sdk_hosts = String::from_utf8_lossy(&out.stdout).into_owned();
    for cloud in mist_token_core::mist::builtin_clouds() {
        let ex = usage::examples(&cloud.name, &cloud.api_url).unwrap();
        // The provider's check: a host name starting "api.", no scheme.
        assert!(
            ex.host.starts_with("api.") && !ex.host.contains('/'),
            "{}",
            ex.host
        );
        assert!(
            sdk_hosts.lines().any(|h| h == ex.host) || ex.host == "api.us.mist-federal.com",
            "mistapi does not know {} ({}):\n{sdk_hosts}",
            ex.host,
            cloud.name
        );
    }
}

#[test]
fn the_terraform_example_is_well_formed_hcl() {
    let ex = usage::examples("EMEA 01", "https://api.eu.mist.com").unwrap();
    let tf = &ex
        .examples
        .iter()
        .find(|e| e.id == "terraform")
        .unwrap()
        .text;
    let Ok(out) = Command::new("terraform")
        .args(["fmt", "-check", "-diff", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(tf.as_bytes())?;
            child.wait_with_output()
        })
    else {
        println!("skipped: terraform is not installed (the unit tests check the names)");
        return;
    };
    assert!(out.status.success(), "terraform fmt:\n{}", both(&out));
}
