//! The Mist REST client. No Tauri types: clouds, the HTTP client, sign-in, tokens, orgs, inventory.
//!
//! The commands use [`MistState`] only; the other modules are public for tests and benchmarks.

pub mod auth;
pub mod clouds;
pub mod cookies;
pub mod health;
pub mod http;
pub mod inventory;
pub mod model;
pub mod orgs;
pub mod quota;
pub mod sso;
mod state;
pub mod tokens;
pub mod validate;
pub mod views;

pub use auth::KeyRefusal;
pub use clouds::{builtin_clouds, Cloud};
pub use model::*;
pub use state::{Created, MistState};
