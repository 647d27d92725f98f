//! Diagnostics on stderr, for support: `MIST_TOKEN_MANAGER_LOG=debug` (or error, warn, info,
//! trace) turns them up; the default is warnings only. What is logged is written so that no secret
//! can be in it (method, host, path, status); the leak test runs a full flow at `trace` and
//! searches the output for the key and the password.

use log::{LevelFilter, Log, Metadata, Record};
use std::io::Write;

struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            let _ = writeln!(
                std::io::stderr().lock(),
                "[{} {}] {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLogger = StderrLogger;

/// The level named by `MIST_TOKEN_MANAGER_LOG`, warnings when unset or not understood.
pub fn level_from_env() -> LevelFilter {
    std::env::var("MIST_TOKEN_MANAGER_LOG")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LevelFilter::Warn)
}

/// Installs the logger once; later calls do nothing.
pub fn init() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level_from_env());
    }
}
