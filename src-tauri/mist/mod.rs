//! The Mist REST client. No Tauri types.
