//! The update policy, Tauri-free: whether the app checks for updates at start (at most once a
//! day, and only if the admin has not turned it off), kept in `update-settings.json` in the data
//! folder, and whether this copy can replace itself or can only say where to get the new version
//! (.deb and .rpm installs on Linux). The check itself runs in the app (`src-tauri/updates.rs`,
//! tauri-plugin-updater), from Rust only.

use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::logging::Os;
use crate::{Error, Result};

/// The start-up check runs at most this often.
pub const CHECK_EVERY_S: u64 = 24 * 60 * 60;
const FILE: &str = "update-settings.json";

/// The admin's update settings and when the app last checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UpdateSettings {
    /// Check at start (once a day). On unless the admin turns it off.
    pub check_at_start: bool,
    /// When the last check ran (epoch seconds), at start or on request.
    pub last_check: Option<u64>,
}

impl Default for UpdateSettings {
    fn default() -> Self {
        Self {
            check_at_start: true,
            last_check: None,
        }
    }
}

impl UpdateSettings {
    /// Whether the start-up check should run now.
    pub fn due_at_start(&self, now: u64) -> bool {
        self.check_at_start
            && self
                .last_check
                .is_none_or(|last| now.saturating_sub(last) >= CHECK_EVERY_S || last > now)
    }

    /// The settings in `dir`; defaults when there are none or the file is unreadable.
    pub fn load(dir: &Path) -> Self {
        match std::fs::read(dir.join(FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                log::warn!("update settings unreadable ({e}); using the defaults");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Writes the settings to `dir` (atomically: a temp file, then a rename).
    pub fn save(&self, dir: &Path) -> Result<()> {
        let fail = |e: std::io::Error| {
            Error::Internal(format!(
                "The update settings could not be saved in {} ({e}).",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let tmp = dir.join(format!("{FILE}.tmp"));
        let json = serde_json::to_vec_pretty(self).expect("plain data serializes");
        std::fs::write(&tmp, json).map_err(fail)?;
        std::fs::rename(&tmp, dir.join(FILE)).map_err(fail)
    }
}

/// An update's publish date as RFC 3339 (for the UI).
pub fn format_date(date: time::OffsetDateTime) -> Option<String> {
    date.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// What the app may do with an update it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum InstallKind {
    /// Download, verify and install on consent (Windows, macOS, a Linux AppImage).
    InApp,
    /// Only say that a new version exists and where to get it (.deb, .rpm, or a build that was
    /// not installed from a bundle).
    NotifyOnly,
}

/// Whether this copy can replace itself: `bundle` is how it was bundled ("appimage", "deb",
/// "rpm", "nsis", "msi", "app"; `None` when not bundled, as in development).
pub fn install_kind(os: Os, bundle: Option<&str>) -> InstallKind {
    match (os, bundle) {
        (Os::Linux, Some("appimage")) => InstallKind::InApp,
        (Os::Linux | Os::Other, _) => InstallKind::NotifyOnly,
        (Os::Windows | Os::MacOs, Some(_)) => InstallKind::InApp,
        (Os::Windows | Os::MacOs, None) => InstallKind::NotifyOnly,
    }
}

/// The page an admin opens to download a release by hand, from the update address:
/// `https://github.com/O/R/releases/latest/download/latest.json` gives
/// `https://github.com/O/R/releases/latest`; any other address gives its folder.
pub fn release_page_for(endpoint: &str) -> String {
    if let Some((base, _)) = endpoint.split_once("/releases/") {
        return format!("{base}/releases/latest");
    }
    match endpoint.rsplit_once('/') {
        Some((folder, _)) if folder.contains("://") && !folder.ends_with('/') => {
            format!("{folder}/")
        }
        _ => endpoint.to_string(),
    }
}

/// A new version and what the app can do with it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AvailableUpdate {
    pub version: String,
    /// The release notes, as published.
    pub notes: Option<String>,
    /// RFC 3339, when published.
    pub date: Option<String>,
    pub install: InstallKind,
    /// Where to download it by hand (always given; the only way for .deb and .rpm).
    pub download_page: String,
}

/// What a check found.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UpdateCheck {
    pub current_version: String,
    /// `None`: this is the newest version.
    pub available: Option<AvailableUpdate>,
}

/// What `install_update` did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UpdateInstalled {
    pub version: String,
    /// The app restarts by itself (Windows installers do); otherwise the UI offers a restart.
    pub restarting: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_check_runs_at_most_once_a_day_and_can_be_turned_off() {
        let now = 1_800_000_000;
        let never = UpdateSettings::default();
        assert!(never.due_at_start(now));
        let recent = UpdateSettings {
            check_at_start: true,
            last_check: Some(now - 3600),
        };
        assert!(!recent.due_at_start(now));
        let yesterday = UpdateSettings {
            check_at_start: true,
            last_check: Some(now - CHECK_EVERY_S),
        };
        assert!(yesterday.due_at_start(now));
        // A clock that went backwards does not block checks forever.
        let future = UpdateSettings {
            check_at_start: true,
            last_check: Some(now + 10 * CHECK_EVERY_S),
        };
        assert!(future.due_at_start(now));
        let off = UpdateSettings {
            check_at_start: false,
            last_check: None,
        };
        assert!(!off.due_at_start(now));
    }

    #[test]
    fn settings_round_trip_and_a_broken_file_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("mtm-upd-{}", uuid::Uuid::new_v4()));
        assert_eq!(UpdateSettings::load(&dir), UpdateSettings::default());
        let s = UpdateSettings {
            check_at_start: false,
            last_check: Some(42),
        };
        s.save(&dir).unwrap();
        assert_eq!(UpdateSettings::load(&dir), s);
        std::fs::write(dir.join(FILE), b"{not json").unwrap();
        assert_eq!(UpdateSettings::load(&dir), UpdateSettings::default());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn saving_where_no_folder_can_be_made_is_a_plain_error() {
        let file = std::env::temp_dir().join(format!("mtm-upd-file-{}", uuid::Uuid::new_v4()));
        std::fs::write(&file, b"a file, not a folder").unwrap();
        let err = UpdateSettings::default()
            .save(&file.join("sub"))
            .unwrap_err();
        assert!(matches!(err, Error::Internal(_)), "{err:?}");
        assert!(err.to_string().contains("could not be saved"), "{err}");
        std::fs::remove_file(&file).unwrap();
    }

    #[test]
    fn only_windows_macos_and_appimage_install_in_the_app() {
        use InstallKind::*;
        assert_eq!(install_kind(Os::Linux, Some("appimage")), InApp);
        assert_eq!(install_kind(Os::Linux, Some("deb")), NotifyOnly);
        assert_eq!(install_kind(Os::Linux, Some("rpm")), NotifyOnly);
        assert_eq!(install_kind(Os::Linux, None), NotifyOnly);
        assert_eq!(install_kind(Os::Windows, Some("nsis")), InApp);
        assert_eq!(install_kind(Os::Windows, Some("msi")), InApp);
        assert_eq!(install_kind(Os::MacOs, Some("app")), InApp);
        assert_eq!(install_kind(Os::MacOs, None), NotifyOnly);
    }

    #[test]
    fn the_release_page_comes_from_the_update_address() {
        assert_eq!(
            release_page_for("https://github.com/o/r/releases/latest/download/latest.json"),
            "https://github.com/o/r/releases/latest"
        );
        assert_eq!(
            release_page_for("https://updates.example.com/mtm/latest.json"),
            "https://updates.example.com/mtm/"
        );
    }
}
