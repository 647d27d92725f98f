//! Sign-in and session commands. Each wraps secrets at once and makes one call into the core
//! (`MistState`, or a flow on `AppState`).

use secrecy::SecretString;
use tauri::State;

use crate::mist::{CloudInfo, EmailLookup, OrgDetails, SessionInfo, SignInResult};
use crate::{AppState, Result};

/// `list_clouds`: the clouds to choose from.
#[tauri::command]
pub fn list_clouds(state: State<'_, AppState>) -> Vec<CloudInfo> {
    state.mist.list_clouds()
}

/// `resolve_cloud`: understands an api host, a portal URL or a full URL.
#[tauri::command]
pub fn resolve_cloud(state: State<'_, AppState>, input: String) -> Result<CloudInfo> {
    state.mist.resolve_cloud(&input)
}

/// `find_cloud_by_email`: asks every cloud which one knows this account.
#[tauri::command]
pub async fn find_cloud_by_email(state: State<'_, AppState>, email: String) -> Result<EmailLookup> {
    state.mist.find_cloud_by_email(&email).await
}

/// `warm_up_cloud`: opens a connection to the cloud the admin will sign in to, while they type.
#[tauri::command]
pub async fn warm_up_cloud(state: State<'_, AppState>, cloud_id: String) -> Result<()> {
    state.mist.warm_up(&cloud_id).await
}

/// `sign_in_password`: the password and code are wrapped at once and used for one request.
#[tauri::command]
pub async fn sign_in_password(
    state: State<'_, AppState>,
    cloud_id: String,
    email: String,
    password: String,
    two_factor: Option<String>,
) -> Result<SignInResult> {
    state
        .mist
        .sign_in_password(
            &cloud_id,
            &email,
            SecretString::from(password),
            two_factor.map(SecretString::from),
        )
        .await
}

/// `sign_in_sso`: signs in through the company login page in the app's login window (see
/// `sso.rs`); returns once the window reached the portal, or was closed, refused or timed out.
#[tauri::command]
pub async fn sign_in_sso<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    cloud_id: String,
    email: String,
) -> Result<SessionInfo> {
    crate::sso::sign_in(&app, &state, &cloud_id, &email).await
}

/// `submit_two_factor`: the code for the pending password sign-in.
#[tauri::command]
pub async fn submit_two_factor(state: State<'_, AppState>, code: String) -> Result<SessionInfo> {
    state.mist.submit_two_factor(SecretString::from(code)).await
}

/// `sign_in_token`: signs in with an existing token; keeps it in the keychain when asked.
#[tauri::command]
pub async fn sign_in_token(
    state: State<'_, AppState>,
    token: String,
    cloud_id: Option<String>,
    remember: bool,
) -> Result<SessionInfo> {
    state
        .sign_in_token(SecretString::from(token), cloud_id.as_deref(), remember)
        .await
}

/// `restore_session`: signs in with the remembered token, if any (`null` when there is none).
#[tauri::command]
pub async fn restore_session(state: State<'_, AppState>) -> Result<Option<SessionInfo>> {
    state.restore_session().await
}

/// `session_info`: the current session, or `null`.
#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Result<Option<SessionInfo>> {
    Ok(state.mist.session_info().await)
}

/// `sign_out`: calls Mist's logout and forgets the session (and the remembered token if asked).
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, forget_remembered: bool) -> Result<()> {
    state.sign_out(forget_remembered).await
}

/// `org_details`: an org's sites and site groups.
#[tauri::command]
pub async fn org_details(state: State<'_, AppState>, org_id: String) -> Result<OrgDetails> {
    state.mist.org_details(&org_id).await
}

/// `api_usage`: the signed-in account's API calls this hour against Mist's limit.
#[tauri::command]
pub async fn api_usage(state: State<'_, AppState>) -> Result<crate::mist::ApiUsage> {
    state.api_usage().await
}
