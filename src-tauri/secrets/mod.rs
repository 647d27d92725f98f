//! Secrets: one-time reveal slots, the keychain vault, clipboard policy. No Tauri types.
