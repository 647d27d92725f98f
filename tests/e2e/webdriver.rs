//! A small W3C WebDriver client over reqwest, enough to drive the real app window.
//!
//! The session is created through tauri-driver (it only rewrites the capabilities); every later
//! command goes straight to WebKitWebDriver on the native port, because tauri-driver's proxy
//! drops a few percent of requests.

use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A reference to an element in the page.
#[derive(Clone, Debug)]
pub struct Element(pub Value);

impl Element {
    fn id(&self) -> &str {
        self.0[ELEMENT_KEY].as_str().expect("an element reference")
    }
}

pub struct WebDriver {
    http: reqwest::Client,
    /// `http://127.0.0.1:NATIVE/session/ID`
    session_url: String,
}

/// Finds visible elements by accessible name, roughly as a screen reader computes it:
/// aria-labelledby, aria-label, <label>, then text content, then title.
const FIND_BY_NAME_JS: &str = r#"
const [role, name, scopeSel] = arguments;
function text(el) { return (el.textContent || '').replace(/\s+/g, ' ').trim(); }
function accName(el) {
  const lb = el.getAttribute('aria-labelledby');
  if (lb) return lb.split(/\s+/).map(id => { const t = document.getElementById(id); return t ? text(t) : ''; }).join(' ').trim();
  const al = el.getAttribute('aria-label');
  if (al) return al.replace(/\s+/g, ' ').trim();
  if (el.labels && el.labels.length) return Array.from(el.labels).map(text).join(' ').trim();
  if (el.tagName === 'INPUT' && ['button', 'submit'].includes(el.type)) return el.value;
  return text(el) || (el.getAttribute('title') || '').trim();
}
function visible(el) {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
}
const selectors = {
  button: 'button,[role=button],input[type=button],input[type=submit]',
  field: 'input,select,textarea,[role=textbox],[role=combobox]',
  output: 'output,[role=status],[role=textbox],input,code,pre,[aria-label]',
  checkbox: 'input[type=checkbox],[role=checkbox]',
  row: '[data-token-id],[role=row],li,tr',
  any: '*',
};
const scope = scopeSel ? document.querySelector(scopeSel) : document;
if (!scope) return [];
return Array.from(scope.querySelectorAll(selectors[role] || role)).filter(e => visible(e) && accName(e) === name);
"#;

/// Makes a page that fits the window one pixel taller (see [`WebDriver::screenshot`]); returns
/// whether it did.
const SCREENSHOT_NUDGE_JS: &str = r#"
const html = document.documentElement;
if (!html || html.scrollHeight > window.innerHeight || html.dataset.e2eScreenshotNudge) return false;
// Through the CSSOM: the app's CSP (style-src 'self') refuses an injected <style> element.
html.dataset.e2eScreenshotNudge = '1';
html.style.minHeight = 'calc(100vh + 1px)';
void html.offsetHeight;
return true;
"#;

impl WebDriver {
    /// Creates a session through tauri-driver at `driver_port`, then talks to WebKitWebDriver at
    /// `native_port` directly.
    pub async fn new_session(
        driver_port: u16,
        native_port: u16,
        application: &str,
    ) -> Result<WebDriver, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": application }
                }
            }
        });
        let response = http
            .post(format!("http://127.0.0.1:{driver_port}/session"))
            .json(&caps)
            .send()
            .await
            .map_err(|e| format!("creating the WebDriver session: {e}"))?;
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        let id = body["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {body}"))?
            .to_string();
        Ok(WebDriver {
            http,
            session_url: format!("http://127.0.0.1:{native_port}/session/{id}"),
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.session_url, path);
        let mut last_error = String::new();
        for _ in 0..3 {
            let mut request = self.http.request(method.clone(), &url);
            if let Some(b) = &body {
                request = request.json(b);
            } else if method == reqwest::Method::POST {
                request = request.json(&json!({}));
            }
            match request.send().await {
                Ok(r) => {
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    return v["value"].clone();
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("WebDriver {method} {path} failed: {last_error}");
    }

    fn check(v: &Value, what: &str) {
        if let Some(err) = v.get("error") {
            panic!("WebDriver {what}: {err} {}", v["message"]);
        }
    }

    /// The window's size in CSS pixels (W3C "Get Window Rect").
    pub async fn window_size(&self) -> (i64, i64) {
        let v = self.call(reqwest::Method::GET, "/window/rect", None).await;
        Self::check(&v, "window rect");
        (
            v["width"].as_i64().unwrap_or(0),
            v["height"].as_i64().unwrap_or(0),
        )
    }

    /// Resizes the window (W3C "Set Window Rect"); returns the size the window took.
    pub async fn set_window_size(&self, width: i64, height: i64) -> (i64, i64) {
        let v = self
            .call(
                reqwest::Method::POST,
                "/window/rect",
                Some(json!({ "width": width, "height": height })),
            )
            .await;
        Self::check(&v, "set window rect");
        (
            v["width"].as_i64().unwrap_or(0),
            v["height"].as_i64().unwrap_or(0),
        )
    }

    /// The handles of the session's windows (W3C "Get Window Handles").
    pub async fn window_handles(&self) -> Vec<String> {
        let v = self
            .call(reqwest::Method::GET, "/window/handles", None)
            .await;
        Self::check(&v, "window handles");
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Makes the window with this handle the one later commands go to (W3C "Switch To Window").
    pub async fn switch_to_window(&self, handle: &str) {
        let v = self
            .call(
                reqwest::Method::POST,
                "/window",
                Some(json!({ "handle": handle })),
            )
            .await;
        Self::check(&v, "switch to window");
    }

    pub async fn title(&self) -> String {
        let v = self.call(reqwest::Method::GET, "/title", None).await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Runs a script in the page and returns its result. A result naming an element that the
    /// page replaced meanwhile (the list re-renders after a change) is "stale": the script is run
    /// again, a few times, before that counts as a failure.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        let mut v = Value::Null;
        for _ in 0..5 {
            v = self
                .call(
                    reqwest::Method::POST,
                    "/execute/sync",
                    Some(json!({ "script": script, "args": args })),
                )
                .await;
            if v.get("error").and_then(Value::as_str) != Some("stale element reference") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self::check(&v, "execute");
        v
    }

    /// All visible elements of a kind ("button", "field", "output", "checkbox", "row" or a CSS
    /// selector) whose accessible name is exactly `name`, optionally inside `scope` (CSS).
    pub async fn all_by_name(&self, role: &str, name: &str, scope: Option<&str>) -> Vec<Element> {
        let v = self
            .execute(
                FIND_BY_NAME_JS,
                vec![json!(role), json!(name), json!(scope)],
            )
            .await;
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(Element)
            .collect()
    }

    /// Waits (up to `timeout`) for exactly one visible element with that accessible name.
    pub async fn wait_by_name(
        &self,
        role: &str,
        name: &str,
        scope: Option<&str>,
        timeout: Duration,
    ) -> Element {
        let started = Instant::now();
        loop {
            let found = self.all_by_name(role, name, scope).await;
            if let Some(first) = found.into_iter().next() {
                return first;
            }
            if started.elapsed() > timeout {
                let body = self.page_text().await;
                panic!("no visible {role} named {name:?} after {timeout:?}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A button by accessible name, waiting up to 15 s.
    pub async fn button(&self, name: &str) -> Element {
        self.wait_by_name("button", name, None, Duration::from_secs(15))
            .await
    }

    /// A form field by accessible name, waiting up to 15 s.
    pub async fn field(&self, name: &str) -> Element {
        self.wait_by_name("field", name, None, Duration::from_secs(15))
            .await
    }

    pub async fn find_css(&self, selector: &str) -> Option<Element> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        if v.get(ELEMENT_KEY).is_some() {
            Some(Element(v))
        } else {
            None
        }
    }

    pub async fn click(&self, el: &Element) {
        // Into view first: rows below the fold are not laid out (`content-visibility: auto`), and
        // WebKitWebDriver then finds nothing to click ("element not interactable").
        self.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![el.0.clone()],
        )
        .await;
        let v = self
            .call(
                reqwest::Method::POST,
                &format!("/element/{}/click", el.id()),
                None,
            )
            .await;
        Self::check(&v, "click");
    }

    pub async fn clear(&self, el: &Element) {
        let v = self
            .call(
                reqwest::Method::POST,
                &format!("/element/{}/clear", el.id()),
                None,
            )
            .await;
        Self::check(&v, "clear");
    }

    pub async fn type_text(&self, el: &Element, text: &str) {
        let v = self
            .call(
                reqwest::Method::POST,
                &format!("/element/{}/value", el.id()),
                Some(json!({ "text": text })),
            )
            .await;
        Self::check(&v, "send keys");
    }

    /// Replaces a field's content.
    pub async fn fill(&self, name: &str, text: &str) {
        let el = self.field(name).await;
        self.clear(&el).await;
        self.type_text(&el, text).await;
    }

    /// Presses a key (WebDriver key codes, e.g. "\u{E00C}" for Escape) on the focused element.
    pub async fn press(&self, key: &str) {
        let actions = json!({ "actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]
        }]});
        let v = self
            .call(reqwest::Method::POST, "/actions", Some(actions))
            .await;
        Self::check(&v, "actions");
    }

    /// The element's text, or its value for form fields.
    pub async fn text_of(&self, el: &Element) -> String {
        let v = self
            .execute(
                "const e = arguments[0]; return ('value' in e && e.tagName !== 'BUTTON' && e.tagName !== 'OUTPUT' && e.tagName !== 'LI') ? String(e.value) : e.textContent;",
                vec![el.0.clone()],
            )
            .await;
        v.as_str().unwrap_or_default().trim().to_string()
    }

    /// A DOM property of the element (`disabled`, `checked`, `value`, ...), as JSON.
    pub async fn property(&self, el: &Element, name: &str) -> Value {
        self.execute(
            "return arguments[0][arguments[1]];",
            vec![el.0.clone(), json!(name)],
        )
        .await
    }

    /// Whether a control can be used (not `disabled`, not `aria-disabled`).
    pub async fn is_enabled(&self, el: &Element) -> bool {
        let v = self
            .execute(
                "const e = arguments[0]; return !e.disabled && e.getAttribute('aria-disabled') !== 'true';",
                vec![el.0.clone()],
            )
            .await;
        v.as_bool().unwrap_or(false)
    }

    /// An attribute of the element, if it has it.
    pub async fn attribute(&self, el: &Element, name: &str) -> Option<String> {
        let v = self
            .execute(
                "return arguments[0].getAttribute(arguments[1]);",
                vec![el.0.clone(), json!(name)],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    /// Chooses the option with this `value` in the select named `name` (inside `scope`), as a
    /// person picking it from the list would: the select's value changes and it fires
    /// `input` and `change`. Panics when the select has no such option.
    pub async fn choose(&self, name: &str, value: &str, scope: Option<&str>) {
        let el = self
            .wait_by_name("field", name, scope, Duration::from_secs(15))
            .await;
        let v = self
            .execute(
                r#"const [s, v] = arguments;
                   if (!Array.from(s.options).some(o => o.value === v)) return Array.from(s.options).map(o => o.value);
                   s.focus(); s.value = v;
                   s.dispatchEvent(new Event('input', { bubbles: true }));
                   s.dispatchEvent(new Event('change', { bubbles: true }));
                   return true;"#,
                vec![el.0.clone(), json!(value)],
            )
            .await;
        assert_eq!(
            v,
            Value::Bool(true),
            "the select {name:?} has no option {value:?}; its options: {v}"
        );
    }

    /// The text of the chosen option of a select.
    pub async fn selected_text(&self, el: &Element) -> String {
        let v = self
            .execute(
                "const s = arguments[0]; return s.selectedIndex >= 0 ? s.options[s.selectedIndex].text : '';",
                vec![el.0.clone()],
            )
            .await;
        v.as_str().unwrap_or_default().trim().to_string()
    }

    /// Waits (up to `timeout`) until no visible element of that kind and name is left.
    pub async fn wait_gone(&self, role: &str, name: &str, scope: Option<&str>, timeout: Duration) {
        let started = Instant::now();
        loop {
            if self.all_by_name(role, name, scope).await.is_empty() {
                return;
            }
            if started.elapsed() > timeout {
                let body = self.page_text().await;
                panic!("the {role} named {name:?} is still there after {timeout:?}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text inside the first element matching `css`, or None when there is none. A
    /// row below the fold is not rendered (`content-visibility: auto`), so its innerText is empty:
    /// then its textContent.
    pub async fn text_in(&self, css: &str) -> Option<String> {
        let v = self
            .execute(
                "const e = document.querySelector(arguments[0]); if (!e) return null; \
                 const t = e.innerText; return t && t.trim() ? t : e.textContent;",
                vec![json!(css)],
            )
            .await;
        v.as_str().map(str::to_string)
    }

    pub async fn page_text(&self) -> String {
        let v = self
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Waits until the page's visible text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            let body = self.page_text().await;
            if body.contains(needle) {
                return;
            }
            if started.elapsed() > timeout {
                panic!("the page never said {needle:?}; it says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG screenshot of the window; returns its size in bytes.
    pub async fn screenshot(&self, path: &std::path::Path) -> usize {
        // WebKitGTK under Xvfb never answers a screenshot of some pages that fit the window
        // (seen on the signed-in screens; a page with a scrollbar is fine): make such a page one
        // pixel taller for the picture (a scrollbar shows), then put it back.
        let nudged = self.execute(SCREENSHOT_NUDGE_JS, vec![]).await;
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        if nudged.as_bool() == Some(true) {
            self.execute(
                "const h = document.documentElement; h.style.minHeight = ''; delete h.dataset.e2eScreenshotNudge; return null;",
                vec![],
            )
            .await;
        }
        Self::check(&v, "screenshot");
        let png = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(v.as_str().expect("screenshot data"))
                .expect("screenshot data is base64")
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, &png).expect("write screenshot");
        png.len()
    }

    pub async fn close(&self) {
        let _ = self
            .http
            .delete(&self.session_url)
            .timeout(Duration::from_secs(10))
            .send()
            .await;
    }
}
