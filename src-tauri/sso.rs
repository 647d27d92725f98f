//! The SSO login window: a separate, incognito window on the company login page (a remote page
//! that must never reach the app's commands), watched until it reaches the Mist portal, whose
//! session cookies are then read off it. The decisions live in the core (`mist::sso`); this is the
//! Tauri glue.
//!
//! - Its label ([`LOGIN_WINDOW_LABEL`]) matches no capability (capabilities/main.json names
//!   "main" only, and none uses `"*"`), so its web view can invoke no command; the app's CSP does
//!   not apply to remote pages, so the capability is the barrier (tests/e2e/flows_sso.rs proves
//!   `invoke` is refused from it in the real app).
//! - `incognito(true)`: nothing it loads persists; a normal browser user agent.
//! - `on_navigation` lets through only what the core allows (https; http to loopback only for a
//!   loopback simulator); pop-ups are denied.
//! - Cookies are read from async code on a blocking thread, never in a window event handler
//!   (WebView2 deadlocks there); on macOS `cookies()` filtered by domain (in the core), since
//!   `cookies_for_url` matches the host exactly there.

use tauri::webview::{NewWindowResponse, PageLoadEvent};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use zeroize::Zeroizing;

use crate::mist::sso::{
    browser_user_agent, event_channel, refusal_probe_script, BoxFuture, LoginWindow, Navigation,
    PortalCookie, SsoEvent,
};
use crate::mist::SessionInfo;
use crate::{AppState, Error, Result};

pub use crate::mist::sso::LOGIN_WINDOW_LABEL;

struct TauriLoginWindow<R: Runtime> {
    window: WebviewWindow<R>,
}

impl<R: Runtime> LoginWindow for TauriLoginWindow<R> {
    fn cookies(&self, api: tauri::Url) -> BoxFuture<'_, Result<Vec<PortalCookie>>> {
        let window = self.window.clone();
        Box::pin(async move {
            let read = tauri::async_runtime::spawn_blocking(move || {
                if cfg!(target_os = "macos") {
                    window.cookies()
                } else {
                    window.cookies_for_url(api)
                }
            })
            .await;
            let cookies = match read {
                Ok(Ok(c)) => c,
                _ => {
                    return Err(Error::SsoFailed(
                        "The app could not read the session from its login window. Try again; if it keeps happening, sign in with an API token instead.".into(),
                    ))
                }
            };
            Ok(cookies
                .into_iter()
                .map(|c| PortalCookie {
                    name: c.name().to_string(),
                    value: Zeroizing::new(c.value().to_string()),
                    domain: c.domain().map(str::to_string),
                })
                .collect())
        })
    }

    fn close(&self) {
        let _ = self.window.destroy();
    }
}

/// Signs in through the company login of `email` on `cloud_id`: opens the login window, waits
/// until it reaches the portal (or is closed, refused, or times out) and signs in with the
/// portal's session. One login window at a time.
pub async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    cloud_id: &str,
    email: &str,
) -> Result<SessionInfo> {
    if let Some(open) = app.get_webview_window(LOGIN_WINDOW_LABEL) {
        let _ = open.set_focus();
        return Err(Error::SsoFailed(
            "The company login window is already open: finish signing in there, or close it to start again.".into(),
        ));
    }
    let plan = state.mist.sso_plan(cloud_id, email).await?;
    let (tx, rx) = event_channel();
    let (nav_plan, nav_tx, load_tx) = (plan.clone(), tx.clone(), tx.clone());
    let window = WebviewWindowBuilder::new(
        app,
        LOGIN_WINDOW_LABEL,
        WebviewUrl::External(plan.login_url().clone()),
    )
    .title(format!("Company sign-in ({})", plan.idp_host()))
    .inner_size(520.0, 720.0)
    .incognito(true)
    .user_agent(browser_user_agent())
    .initialization_script(refusal_probe_script())
    .on_navigation(move |url| match nav_plan.navigation(url) {
        Navigation::Allow => true,
        Navigation::RefusedByIdp => {
            let _ = nav_tx.send(SsoEvent::RefusedByIdp);
            false
        }
        Navigation::Block => {
            let _ = nav_tx.send(SsoEvent::Blocked(url.clone()));
            false
        }
    })
    .on_new_window(|_, _| NewWindowResponse::Deny)
    .on_page_load(move |_, payload| {
        if let PageLoadEvent::Finished = payload.event() {
            let _ = load_tx.send(SsoEvent::PageLoaded(payload.url().clone()));
        }
    })
    .build()
    .map_err(|_| {
        Error::Internal("The app could not open its company login window. Try again, or sign in with an API token.".into())
    })?;
    let closed_tx = tx;
    window.on_window_event(move |event| {
        if matches!(
            event,
            tauri::WindowEvent::CloseRequested { .. } | tauri::WindowEvent::Destroyed
        ) {
            let _ = closed_tx.send(SsoEvent::Closed);
        }
    });
    let login = TauriLoginWindow { window };
    state.mist.sign_in_sso(plan, &login, rx).await
}

/// Closes the login window when the main window goes away (it must not keep the app running).
/// Call from `on_window_event`.
pub fn close_with_main<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if window.label() == "main" && matches!(event, tauri::WindowEvent::Destroyed) {
        if let Some(login) = window.app_handle().get_webview_window(LOGIN_WINDOW_LABEL) {
            let _ = login.destroy();
        }
    }
}
