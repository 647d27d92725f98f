//! `mist-token`: gives the keys saved by Mist Token Manager to scripts on this computer.
//!
//! - `mist-token run --key LABEL -- COMMAND...` runs COMMAND with the key and its cloud in the
//!   environment (`MIST_APITOKEN`, `MIST_API_TOKEN`, `MIST_HOST`, `MIST_API_URL`); no call to Mist.
//! - `mist-token keys` lists the saved keys (no secret).
//! - `mist-token test LABEL` asks the key's cloud who the key is and whether it works.
//!
//! The key goes only into COMMAND's environment: never to stdout, stderr or any process's
//! arguments. It finds the app's saved keys itself: the same data folder
//! ([`secrets::app_data_dir`]) and keychain service ([`secrets::default_service`]) as the GUI.
//! No Tauri, no GUI library: it links only `mist-token-core`.

mod codes;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mist_token_core::mist::{KeyRefusal, MistState};
use mist_token_core::secrets::index::IndexRow;
use mist_token_core::secrets::{self, KeyStatus, NoClipboard, SecretsConfig};
use mist_token_core::usage::{self, env};
use mist_token_core::Error;
use secrecy::{ExposeSecret, SecretString};

use codes::Failure;

const AFTER_HELP: &str = "\
Exit status:
  run      COMMAND's own exit status (128+N if a signal N ended it)
  0        keys / test: done, the key works
  117      test: Mist could not be reached
  118      test: Mist refused the key from this computer (source IP limits)
  119      test: Mist no longer accepts the key (deleted, or removed after 90 days unused)
  120      the keychain no longer holds this saved key
  121      the saved key has no bound cloud
  122      the keychain is locked or cannot be reached
  123      the label matches more than one saved key
  124      no saved key has this label or id
  125      mist-token itself failed (bad arguments, unreadable list of saved keys)
  126      COMMAND was found but could not be run
  127      COMMAND was not found

Saved keys are read from the same data folder and keychain as the Mist Token Manager app
(MIST_TOKEN_MANAGER_DATA_DIR moves the data folder, as it does for the app).";

#[derive(Parser)]
#[command(
    name = "mist-token",
    version,
    about = "Give the Juniper Mist API keys saved in Mist Token Manager to scripts, through the environment only",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run COMMAND with a saved key in its environment: MIST_APITOKEN and MIST_API_TOKEN (the
    /// key), MIST_HOST (the cloud's API host name) and MIST_API_URL (its base URL). Makes no call
    /// to Mist. COMMAND's exit status passes through.
    Run {
        /// The saved key's label (as shown by `mist-token keys`) or its id.
        #[arg(long = "key", short = 'k', value_name = "LABEL")]
        key: String,
        /// The command and its arguments (after `--`).
        #[arg(required = true, last = true, value_name = "COMMAND")]
        command: Vec<OsString>,
    },
    /// List the saved keys: label, kind, org, cloud and id (never a secret).
    Keys,
    /// Ask the key's cloud who the key is and whether it still works.
    Test {
        /// The saved key's label or id.
        #[arg(value_name = "LABEL")]
        label: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => codes::USAGE,
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(Failure::internal(format!("cannot start: {e}"))),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Run { key, command } => run(&key, command).await,
            Command::Keys => keys().await.map(|()| 0),
            Command::Test { label } => test(&label).await.map(|()| 0),
        }
    });
    drop(runtime);
    match result {
        Ok(0) => ExitCode::SUCCESS,
        // COMMAND's own status, whole (Windows exit codes are 32 bits wide).
        Ok(code) => std::process::exit(code),
        Err(f) => fail(f),
    }
}

fn fail(f: Failure) -> ExitCode {
    eprintln!("mist-token: {}", f.message);
    ExitCode::from(f.code)
}

/// The app's saved keys, as the GUI keeps them (no clipboard: this binary never copies).
fn secrets_state() -> Result<secrets::SecretsState, Failure> {
    let dir = secrets::app_data_dir().ok_or_else(|| {
        Failure::internal(
            "cannot find this computer's application data folder, so the saved keys cannot be \
             found. Set MIST_TOKEN_MANAGER_DATA_DIR to the app's data folder.",
        )
    })?;
    let config = SecretsConfig {
        clear_after: None,
        ..SecretsConfig::default()
    };
    Ok(secrets::SecretsState::new(
        dir,
        std::sync::Arc::new(NoClipboard),
        config,
    ))
}

/// The index rows, without asking the keychain.
async fn rows(state: &secrets::SecretsState) -> Result<Vec<IndexRow>, Failure> {
    let dir = state.vault.data_dir().unwrap_or_default();
    let index = secrets::index::Index::new(&dir);
    tokio::task::spawn_blocking(move || index.load())
        .await
        .map_err(|_| Failure::internal("reading the list of saved keys failed unexpectedly"))?
        .map(|l| l.rows)
        .map_err(Failure::from_error)
}

/// Finds the one saved key meant by `wanted`: its id, else its exact label, else its label in
/// any case. Two matches are refused with both listed.
fn resolve(rows: &[IndexRow], wanted: &str) -> Result<IndexRow, Failure> {
    if let Some(row) = rows.iter().find(|r| r.id == wanted) {
        return Ok(row.clone());
    }
    let exact: Vec<&IndexRow> = rows.iter().filter(|r| r.label == wanted).collect();
    let found = if exact.is_empty() {
        rows.iter()
            .filter(|r| r.label.to_lowercase() == wanted.to_lowercase())
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::unknown_label(wanted, rows)),
        many => Err(Failure::ambiguous(wanted, many)),
    }
}

/// The saved key's secret, only if it is bound to a cloud.
async fn bound_key(
    state: &secrets::SecretsState,
    row: &IndexRow,
) -> Result<(SecretString, IndexRow), Failure> {
    if row.cloud_api.is_empty() {
        return Err(Failure::unbound(&row.label));
    }
    state
        .vault
        .key_with_bound_cloud(&row.id)
        .await
        .map_err(|e| match e {
            Error::InvalidInput { ref field, .. } if field == "cloud" => {
                Failure::unbound(&row.label)
            }
            Error::CloudUnconfirmed(_) => Failure::unbound(&row.label),
            Error::NotFound(_) => Failure::missing_secret(&row.label),
            other => Failure::from_error(other),
        })
}

async fn run(wanted: &str, command: Vec<OsString>) -> Result<i32, Failure> {
    let state = secrets_state()?;
    let row = resolve(&rows(&state).await?, wanted)?;
    let (key, row) = bound_key(&state, &row).await?;
    let host = usage::api_host(&row.cloud_api).map_err(|_| Failure::unbound(&row.label))?;
    let mut args = command.into_iter();
    let program = args
        .next()
        .ok_or_else(|| Failure::usage("give a COMMAND after --"))?;
    let mut child = std::process::Command::new(&program);
    child
        .args(args)
        .env(env::APITOKEN, key.expose_secret())
        .env(env::API_TOKEN, key.expose_secret())
        .env(env::HOST, &host)
        .env(env::API_URL, row.cloud_api.trim_end_matches('/'));
    drop(key);
    codes::run_child(child, &program)
}

async fn keys() -> Result<(), Failure> {
    let state = secrets_state()?;
    let list = state.vault.list().await.map_err(Failure::from_error)?;
    if list.keys.is_empty() {
        println!(
            "No saved keys in {}. Save a key in Mist Token Manager (Save to keychain), then run \
             this again.",
            state.vault.data_dir().unwrap_or_default().display()
        );
    } else {
        let header = ["LABEL", "KIND", "ORG", "CLOUD", "ID"];
        let lines: Vec<[String; 5]> = list
            .keys
            .iter()
            .map(|k| {
                let r = &k.row;
                let mut label = r.label.clone();
                if k.status == KeyStatus::MissingSecret {
                    label.push_str(" (missing from the keychain)");
                }
                let cloud = if r.cloud_api.is_empty() {
                    "(no bound cloud)".to_string()
                } else {
                    format!(
                        "{} ({})",
                        r.cloud_name,
                        usage::api_host(&r.cloud_api).unwrap_or_default()
                    )
                };
                [
                    label,
                    r.kind.to_string(),
                    r.org_name.clone().unwrap_or_else(|| "-".into()),
                    cloud,
                    r.id.clone(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for line in &lines {
            for (w, cell) in widths.iter_mut().zip(line) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let print = |cells: &[String]| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(
                        ' ',
                        widths[i] - cell.chars().count() + 2,
                    ));
                }
            }
            println!("{out}");
        };
        print(&header.map(String::from));
        for line in &lines {
            print(line);
        }
    }
    if let Some(e) = list.keychain_error {
        eprintln!("mist-token: note: the keychain could not be asked whether these keys are still there: {e}");
    }
    Ok(())
}

async fn test(wanted: &str) -> Result<(), Failure> {
    let state = secrets_state()?;
    let row = resolve(&rows(&state).await?, wanted)?;
    let (key, row) = bound_key(&state, &row).await?;
    let mist = MistState::from_env().map_err(Failure::from_error)?;
    let (result, refusal) = mist
        .check_key(&row.cloud_api, &key)
        .await
        .map_err(|e| Failure::unreachable(&row, e))?;
    drop(key);
    let label = &row.label;
    match refusal {
        None => {
            println!("{label}: {}", result.message);
            Ok(())
        }
        Some(KeyRefusal::Gone) => Err(Failure::gone(label, &result.message)),
        Some(KeyRefusal::Refused) => Err(Failure::refused(label, &result.message)),
    }
}
