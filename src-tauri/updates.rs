//! Updates, through tauri-plugin-updater, from Rust only (the web view has no updater
//! permission; it calls the app's own commands). The policy (once a day at start, the admin's
//! switch, which installs can replace themselves) is in the core's `updates`; this is the glue.
//!
//! The update address and public key come from the `plugins.updater` config (tauri.conf.json;
//! the release workflow sets the address). A found update is kept here until the admin agrees to
//! install it; its signature is checked when it is downloaded, and nothing unsigned or tampered
//! is ever installed.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::logging::Os;
use crate::{AppState, Error, Result};
use mist_token_core::updates::{
    format_date, install_kind, release_page_for, AvailableUpdate, InstallKind, UpdateCheck,
    UpdateInstalled, UpdateSettings,
};

/// The update found by the last check, until it is installed or a newer check replaces it.
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<Update>>);

impl PendingUpdate {
    /// The update the last check found, if any.
    pub fn get(&self) -> Option<Update> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, update: Option<Update>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = update;
    }
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// How this copy was bundled ("appimage", "deb", ...), `None` outside a bundle.
fn bundle() -> Option<String> {
    tauri::utils::platform::bundle_type().map(|b| b.to_string())
}

/// Turns the updater's errors into the app's plain-language ones.
pub fn map_error(e: tauri_plugin_updater::Error) -> Error {
    use tauri_plugin_updater::Error as U;
    match e {
        U::EmptyEndpoints => Error::Internal(
            "This build has no update address, so it cannot check for updates. Download new \
             versions from the project's release page."
                .into(),
        ),
        U::Minisign(_)
        | U::Base64(_)
        | U::SignatureUtf8(_)
        | U::SignedVersionMismatch { .. }
        | U::MissingSignedVersion => Error::Internal(
            "The downloaded update is not signed with Mist Token Manager's release key, so it \
             was not installed. Nothing was changed. Try again later, or download the release \
             from the project's release page."
                .into(),
        ),
        U::Reqwest(_) | U::Network(_) | U::ReleaseNotFound => Error::Network(
            "The update server could not be reached or gave no usable answer. Check your \
             connection and try again later."
                .into(),
        ),
        U::TargetNotFound(_) | U::TargetsNotFound(_) | U::UnsupportedOs | U::UnsupportedArch => {
            Error::NotFound(
                "The newest release has no update for this system. Download it from the \
                 project's release page."
                    .into(),
            )
        }
        U::InsecureTransportProtocol => {
            Error::Internal("The update address must use https; updates are off.".into())
        }
        other => Error::Internal(format!(
            "The update could not be installed ({other}). The app is unchanged."
        )),
    }
}

fn data_dir<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
    app.state::<AppState>().secrets.vault.data_dir()
}

/// The admin's update settings.
pub fn settings<R: Runtime>(app: &AppHandle<R>) -> UpdateSettings {
    data_dir(app)
        .map(|d| UpdateSettings::load(&d))
        .unwrap_or_default()
}

/// Turns the start-up check on or off.
pub fn set_check_at_start<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<UpdateSettings> {
    let dir = data_dir(app).ok_or_else(|| {
        Error::Internal("The app's data folder is not known; the setting was not saved.".into())
    })?;
    let mut s = UpdateSettings::load(&dir);
    s.check_at_start = on;
    s.save(&dir)?;
    Ok(s)
}

fn record_check<R: Runtime>(app: &AppHandle<R>) {
    if let Some(dir) = data_dir(app) {
        let mut s = UpdateSettings::load(&dir);
        s.last_check = Some(now_s());
        if let Err(e) = s.save(&dir) {
            log::warn!("{e}");
        }
    }
}

/// Asks the update address for a newer version ("Check for updates"). The signature is not
/// checked here: it covers the artifact, and is checked when that is downloaded.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateCheck> {
    let current_version = app.package_info().version.to_string();
    let updater = app.updater().map_err(map_error)?;
    let found = updater.check().await.map_err(map_error);
    record_check(app);
    let found = found?;
    let endpoint = app
        .config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u["endpoints"][0].as_str())
        .unwrap_or_default()
        .to_string();
    let available = found.as_ref().map(|u| AvailableUpdate {
        version: u.version.clone(),
        notes: u.body.clone(),
        date: u.date.and_then(format_date),
        install: install_kind(Os::current(), bundle().as_deref()),
        download_page: release_page_for(&endpoint),
    });
    match &available {
        Some(a) => log::info!(
            "update {} is available (this is {current_version})",
            a.version
        ),
        None => log::info!("no update: {current_version} is the newest"),
    }
    app.state::<PendingUpdate>().set(found);
    Ok(UpdateCheck {
        current_version,
        available,
    })
}

/// The start-up check: runs only when it is on and the last check is a day old.
pub async fn check_at_start<R: Runtime>(app: &AppHandle<R>) -> Result<Option<UpdateCheck>> {
    if !settings(app).due_at_start(now_s()) {
        return Ok(None);
    }
    check(app).await.map(Some)
}

/// Downloads the update and checks its signature against the configured public key; a wrong
/// or missing signature is refused here, before anything is installed.
pub async fn download_verified(update: &Update) -> Result<Vec<u8>> {
    update.download(|_, _| {}, || {}).await.map_err(|e| {
        log::warn!("update {} refused at download: {e}", update.version);
        map_error(e)
    })
}

/// Installs the update the last check found; called only when the admin agreed.
pub async fn install<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateInstalled> {
    let update = app.state::<PendingUpdate>().get().ok_or_else(|| {
        Error::NotFound("No update is waiting. Choose “Check for updates” first.".into())
    })?;
    if install_kind(Os::current(), bundle().as_deref()) == InstallKind::NotifyOnly {
        return Err(Error::Forbidden(format!(
            "This copy was installed from a package (or is not installed), so the app cannot \
             replace it. Download version {} from the release page and install it with your \
             package manager.",
            update.version
        )));
    }
    let bytes = download_verified(&update).await?;
    update.install(bytes).map_err(map_error)?;
    log::info!("update {} installed", update.version);
    Ok(UpdateInstalled {
        version: update.version.clone(),
        restarting: cfg!(windows),
    })
}
