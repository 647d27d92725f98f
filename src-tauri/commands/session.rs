//! Sign-in and session commands. No logic: each unpacks its arguments, wraps secrets at once, and
//! calls `MistState` (and the keychain vault for "remember me").

use secrecy::SecretString;
use tauri::State;

use crate::mist::{CloudInfo, EmailLookup, OrgDetails, SessionInfo, SignInResult};
use crate::{AppState, Error, Result};

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

/// `sign_in_password`: the password and code are wrapped at once and used for one request.
#[tauri::command]
pub async fn sign_in_password(
    state: State<'_, AppState>,
    cloud_id: String,
    email: String,
    password: String,
    two_factor: Option<String>,
) -> Result<SignInResult> {
    let password = SecretString::from(password);
    let two_factor = two_factor.map(SecretString::from);
    state
        .mist
        .sign_in_password(&cloud_id, &email, password, two_factor)
        .await
}

/// `submit_two_factor`: the code for the pending password sign-in.
#[tauri::command]
pub async fn submit_two_factor(state: State<'_, AppState>, code: String) -> Result<SessionInfo> {
    state.mist.submit_two_factor(SecretString::from(code)).await
}

/// `sign_in_token`: signs in with an existing token; keeps it in the keychain when asked (if the
/// keychain fails, the session still works and says `remembered: false`).
#[tauri::command]
pub async fn sign_in_token(
    state: State<'_, AppState>,
    token: String,
    cloud_id: Option<String>,
    remember: bool,
) -> Result<SessionInfo> {
    let token = SecretString::from(token);
    let info = state
        .mist
        .sign_in_token(token.clone(), cloud_id.as_deref())
        .await?;
    if !remember {
        return Ok(info);
    }
    let token = state.mist.session_token().await.unwrap_or(token);
    match state
        .secrets
        .vault
        .remember_sign_in_token(&info.cloud.api_url, &token)
        .await
    {
        Ok(()) => Ok(state.mist.set_remembered(true).await.unwrap_or(info)),
        Err(_) => Ok(info),
    }
}

/// `restore_session`: signs in with the remembered token, if any (`null` when there is none or
/// the keychain cannot be read). A token Mist refuses is forgotten, and the error says so; a
/// network error is reported and the token kept, so the admin can try again later.
#[tauri::command]
pub async fn restore_session(state: State<'_, AppState>) -> Result<Option<SessionInfo>> {
    let Ok(Some((cloud_api, token))) = state.secrets.vault.recall_sign_in_token().await else {
        return Ok(None);
    };
    match state.mist.sign_in_token(token, Some(&cloud_api)).await {
        Ok(_) => Ok(state.mist.set_remembered(true).await),
        Err(Error::Unauthorized(_)) => {
            let forgotten = state.secrets.vault.forget_sign_in_token().await.is_ok();
            Err(Error::Unauthorized(format!(
                "Mist no longer accepts the API token this app remembered: it was deleted, or \
                 removed after 90 days unused.{} Sign in again.",
                if forgotten {
                    " The app has forgotten it."
                } else {
                    ""
                }
            )))
        }
        Err(e) => Err(e),
    }
}

/// `session_info`: the current session, or `null`.
#[tauri::command]
pub async fn session_info(state: State<'_, AppState>) -> Result<Option<SessionInfo>> {
    Ok(state.mist.session_info().await)
}

/// `sign_out`: calls Mist's logout and forgets the session (and the remembered token if asked).
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, forget_remembered: bool) -> Result<()> {
    state.mist.sign_out().await;
    if forget_remembered {
        match state.secrets.vault.forget_sign_in_token().await {
            Ok(()) | Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `org_details`: an org's sites and site groups.
#[tauri::command]
pub async fn org_details(state: State<'_, AppState>, org_id: String) -> Result<OrgDetails> {
    state.mist.org_details(&org_id).await
}
