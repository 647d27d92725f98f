//! The token list in the real window, driven over WebDriver with the e2e harness: the release
//! app against a simulator seeded with `orgs × tokens` org tokens, signed in as
//! admin@example.com through the UI. Times are taken inside the page with performance.now():
//!
//! The list renders what the screen needs: a screenful of rows (in display order; 11 in this
//! window), growing by 24 per frame while its end is within a screen below the viewport, up to a
//! budget of 150 rows; the rest behind "Show N tokens" / "Show more" buttons and a "Showing 11 of
//! 2,007 tokens" line.
//! Its container (`.tokens`) says what it rendered: `data-rows-shown` (rows shown; rows that
//! stopped matching the filter stay in the DOM with `hidden` and are not counted),
//! `data-rows-matching` (tokens matching the filter), `data-rows-total` (all tokens in the
//! inventory) and `data-rows-growing` (present while a growth step is due).
//!
//! - sign-in → rows painted, at 100 ms simulated latency per request and over HTTP/2 (h2c with
//!   prior knowledge, `MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE=1`): the email lookup and the
//!   connection warm-up happen before, while "the admin types" (1 s); then from the click on
//!   "Sign in" until the inventory is in (at least
//!   `orgs × tokens` tokens), the first rows are in the DOM (as many as `data-rows-shown`), the
//!   "Showing … of …" line too when rows are left out, and the next frame has run
//!   (requestAnimationFrame, then a task after it);
//!   The connections the simulator accepted from the click on are counted (0: the warm one
//!   served everything). The latency is set back to 0 for what follows.
//! - view render: the same, from the click on the "Tokens" tab (coming from "Saved keys", which
//!   unmounts the list); this includes the `inventory` command (every org's tokens from the
//!   simulator, no latency), so the same command is also timed on its own through
//!   `__TAURI_INTERNALS__.invoke` and the difference is the rendering;
//! - filter: per keystroke in "Filter tokens" (value set, `input` dispatched; the filter searches
//!   all tokens and renders at most the budget of the matches): until the DOM is updated, until
//!   style and layout are done (forced), and until the next frame has run.
//!
//! `window.rows` is the number of rows rendered, `window.tokens_total` the number of tokens.
//!
//! Memory (PSS/RSS of the app and its WebKit processes) idle on the sign-in screen and with the
//! rows loaded. The app runs under WebDriver automation here, so the idle figure is also
//! measured in this mode, for the difference.

use crate::harness::{AppOptions, CloudEntry, RunningApp};
use crate::procs;
use crate::stats::{max, median, Out};
use crate::webdriver::WebDriver;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// The simulated latency per request of the sign-in → rows painted measurement.
const SIGNIN_LATENCY: Duration = Duration::from_millis(100);

/// Clicks `arguments[0]` and measures until the token view is rendered for an inventory of at
/// least `arguments[1]` tokens (the budgeted rows and, when rows are left out, the "Showing … of
/// …" line in the DOM) and a frame has run. The result lands in `window.__mtmBench`.
const RENDER_JS: &str = r#"
const [btn, minTotal] = arguments;
window.__mtmBench = null;
const count = () => document.querySelectorAll('[data-token-id]:not([hidden])').length;
const list = () => document.querySelector('.tokens[data-rows-total]');
const num = (el, k) => Number(el.getAttribute(k));
const rendered = () => {
  const l = list();
  if (!l || num(l, 'data-rows-total') < minTotal) return false;
  const shown = num(l, 'data-rows-shown');
  const summary = num(l, 'data-rows-matching') > shown;
  return count() === shown && (!summary || !!l.querySelector('.list-summary'));
};
let done = false;
let obs = null;
let t0 = 0;
// The list paints its first rows, then grows while its end is near the screen (ui/src/lib/
// Tokens.svelte): `ms` is the first frame with rows, `all_ms` the frame after it stopped growing.
const complete = () => {
  const l = list();
  return !!l && !l.hasAttribute('data-rows-growing') && count() === num(l, 'data-rows-shown');
};
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const finish = () => {
  if (done) return;
  done = true;
  if (obs) obs.disconnect();
  const tDom = performance.now();
  const firstRows = count();
  (async () => {
    await frame();
    const ms = performance.now() - t0;
    while (!complete() && performance.now() - t0 < 30000) await frame();
    const l = list();
    window.__mtmBench = {
      ms, dom_ms: tDom - t0, first_rows: firstRows, rows: count(), all_ms: performance.now() - t0,
      total: l ? num(l, 'data-rows-total') : null,
      summary: !!(l && l.querySelector('.list-summary')),
    };
  })();
};
obs = new MutationObserver(() => { if (rendered()) finish(); });
obs.observe(document.body, { childList: true, subtree: true });
t0 = performance.now();
btn.click();
return true;
"#;

/// Types `arguments[1]` (successive values) into the field `arguments[0]`, `arguments[2]` ms apart.
const FILTER_JS: &str = r#"
const [field, steps, pause] = arguments;
window.__mtmBench = null;
const count = () => document.querySelectorAll('[data-token-id]:not([hidden])').length;
const micro = () => new Promise((r) => queueMicrotask(r));
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const out = [];
  for (const v of steps) {
    await sleep(pause);
    const t0 = performance.now();
    field.value = v;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await micro(); await micro(); await micro();
    const t1 = performance.now();
    void document.body.offsetHeight;
    const t2 = performance.now();
    const rowsDom = count();
    await frame();
    const t3 = performance.now();
    const l = document.querySelector('.tokens[data-rows-shown]');
    const attr = (k) => (l ? Number(l.getAttribute(k)) : null);
    out.push({
      value: v, rows: rowsDom, rows_after_frame: count(), shown: attr('data-rows-shown'), matching: attr('data-rows-matching'),
      dom_ms: t1 - t0, layout_ms: t2 - t0, frame_ms: t3 - t0,
    });
  }
  window.__mtmBench = { steps: out };
})().catch((e) => { window.__mtmBench = { error: String(e) }; });
return true;
"#;

/// Scrolls to the end of the page until the list has grown to its budget (or stopped growing),
/// then reports the rows shown.
const SCROLL_JS: &str = r#"
window.__mtmBench = null;
const count = () => document.querySelectorAll('[data-token-id]:not([hidden])').length;
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
(async () => {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    window.scrollTo(0, document.documentElement.scrollHeight);
    await frame(); await frame();
    const l = document.querySelector('.tokens[data-rows-shown]');
    if (l && !l.hasAttribute('data-rows-growing') && count() === last) break;
    last = count();
  }
  window.scrollTo(0, 0);
  window.__mtmBench = { rows: count() };
})();
return true;
"#;

/// Times the `inventory` command alone, from the page.
const INVOKE_JS: &str = r#"
window.__mtmBench = null;
const t0 = performance.now();
window.__TAURI_INTERNALS__.invoke('inventory').then(
  (inv) => {
    const n = (inv.user_tokens ? inv.user_tokens.length : 0)
      + inv.orgs.reduce((a, o) => a + (o.tokens ? o.tokens.length : 0), 0);
    window.__mtmBench = { ms: performance.now() - t0, tokens: n, json_bytes: JSON.stringify(inv).length };
  },
  (e) => { window.__mtmBench = { error: JSON.stringify(e) }; });
return true;
"#;

/// Times `arguments[1]` calls of the command `arguments[0]` (no arguments), one after another, and
/// reads the page's navigation timing.
const TIME_COMMAND_JS: &str = r#"
const [cmd, n] = arguments;
window.__mtmBench = null;
(async () => {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await window.__TAURI_INTERNALS__.invoke(cmd);
    runs.push(performance.now() - t0);
  }
  const nav = performance.getEntriesByType('navigation')[0];
  window.__mtmBench = { runs, dcl: nav ? nav.domContentLoadedEventEnd : null, load: nav ? nav.loadEventEnd : null };
})().catch((e) => { window.__mtmBench = { error: JSON.stringify(e) }; });
return true;
"#;

async fn result(driver: &WebDriver, timeout: Duration) -> Value {
    let started = Instant::now();
    loop {
        let v = driver.execute("return window.__mtmBench;", vec![]).await;
        if !v.is_null() {
            if let Some(e) = v.get("error") {
                panic!("in-page measurement failed: {e}");
            }
            return v;
        }
        if started.elapsed() > timeout {
            panic!(
                "in-page measurement did not finish in {timeout:?}; the page says: {}",
                driver.page_text().await
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn row_count(driver: &WebDriver) -> u64 {
    driver
        .execute(
            "return document.querySelectorAll('[data-token-id]:not([hidden])').length;",
            vec![],
        )
        .await
        .as_u64()
        .unwrap_or(0)
}

fn mem_now(app_pid: u32) -> procs::Mem {
    procs::mem_of(&procs::tree(app_pid))
}

/// `css`: an experiment, not part of `make bench`: a style sheet added to the page before
/// anything is measured (e.g. to try `content-visibility` on the rows without editing ui/).
pub async fn run(
    orgs: usize,
    tokens: usize,
    runs: usize,
    shots: &Path,
    css: Option<&str>,
    out: &mut Out,
) {
    let sim = mist_sim::Sim::start(mist_sim::SimConfig::default()).await;
    sim.seed_bulk("admin@example.com", orgs, tokens);
    let want = (orgs * tokens) as u64;
    let app = RunningApp::launch_with_env(
        AppOptions {
            clouds: vec![CloudEntry {
                name: "Bench cloud".into(),
                api: sim.url(),
            }],
            home: None,
        },
        &[("MIST_TOKEN_MANAGER_HTTP2_PRIOR_KNOWLEDGE", "1")],
    )
    .await;
    let app_pid = procs::find_descendant_by_exe_name(std::process::id(), "mist-token-manager")
        .unwrap_or_else(|| {
            let found: Vec<String> = procs::descendants(std::process::id())
                .into_iter()
                .map(|p| format!("{p} {}", procs::comm(p)))
                .collect();
            panic!("no mist-token-manager process under tauri-driver: {found:?}")
        });
    let d = &app.driver;
    if let Some(css) = css {
        d.execute(
            "const s = document.createElement('style'); s.textContent = arguments[0]; document.head.appendChild(s); return true;",
            vec![json!(css)],
        )
        .await;
        out.text("window.experiment_css", css);
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = mem_now(app_pid);
    out.put("window.idle_pss_kib", idle.pss_kib as f64);
    out.put("window.idle_rss_kib", idle.rss_kib as f64);
    out.text("window.idle_processes", &idle.breakdown());

    // The commands the sign-in screen calls at start (restore_session after its first frame).
    for cmd in ["restore_session", "list_clouds"] {
        d.execute(TIME_COMMAND_JS, vec![json!(cmd), json!(5)]).await;
        let r = result(d, Duration::from_secs(60)).await;
        let runs: Vec<f64> = r["runs"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        out.put(&format!("window.cmd_{cmd}_ms"), median(&runs));
        if let Some(v) = r["dcl"].as_f64() {
            out.put("window.page_dom_content_loaded_ms", v);
        }
        if let Some(v) = r["load"].as_f64() {
            out.put("window.page_load_ms", v);
        }
    }

    // Sign in at 100 ms per request; the token list loads on its own.
    sim.set_latency(SIGNIN_LATENCY);
    d.fill("Email", "admin@example.com").await;
    let b = d.button("Continue").await;
    d.click(&b).await;
    d.fill("Password", "demo-password").await;
    // The admin types the password: the warm-up has time to finish.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sign_in = d.button("Sign in").await;
    sim.reset_connection_count();
    sim.reset_request_count();
    d.execute(RENDER_JS, vec![sign_in.0.clone(), json!(want)])
        .await;
    let r = result(d, Duration::from_secs(120)).await;
    out.put(
        "window.signin_to_rows_ms",
        r["ms"].as_f64().unwrap_or(f64::NAN),
    );
    out.put(
        "window.signin_to_all_rows_ms",
        r["all_ms"].as_f64().unwrap_or(f64::NAN),
    );
    out.put(
        "window.signin_first_rows",
        r["first_rows"].as_f64().unwrap_or(f64::NAN),
    );
    out.put(
        "window.signin_latency_ms",
        SIGNIN_LATENCY.as_millis() as f64,
    );
    out.put("window.signin_connections", sim.connection_count() as f64);
    out.put("window.signin_requests", sim.request_count() as f64);
    out.put(
        "window.signin_http2_requests",
        sim.http2_request_count() as f64,
    );
    sim.set_latency(Duration::ZERO);
    out.put("window.rows", r["rows"].as_f64().unwrap_or(f64::NAN));
    out.put(
        "window.tokens_total",
        r["total"].as_f64().unwrap_or(f64::NAN),
    );
    out.text(
        "window.rows_summary_line",
        if r["summary"].as_bool().unwrap_or(false) {
            "yes"
        } else {
            "no"
        },
    );

    tokio::time::sleep(Duration::from_secs(2)).await;
    let loaded = mem_now(app_pid);
    out.put("window.loaded_pss_kib", loaded.pss_kib as f64);
    out.put("window.loaded_rss_kib", loaded.rss_kib as f64);
    out.text("window.loaded_processes", &loaded.breakdown());
    let _ = d.screenshot(&shots.join("tokens.png")).await;

    // Filter: type "token 015" one key at a time, then delete it again; first on the list as
    // loaded, then again after scrolling to its end (it has grown to its budget of rows).
    let field = d
        .wait_by_name("field", "Filter tokens", None, Duration::from_secs(15))
        .await;
    filter_pass(d, &field, "window.filter", out).await;

    // Scrolled to the end of the list: it grows to its budget; the memory then.
    d.execute(SCROLL_JS, vec![]).await;
    let r = result(d, Duration::from_secs(60)).await;
    out.put(
        "window.scrolled_rows",
        r["rows"].as_f64().unwrap_or(f64::NAN),
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let scrolled = mem_now(app_pid);
    out.put("window.scrolled_pss_kib", scrolled.pss_kib as f64);
    out.text("window.scrolled_processes", &scrolled.breakdown());
    filter_pass(d, &field, "window.filter_scrolled", out).await;

    // The view alone: leave for "Saved keys" (the list unmounts), come back, time it.
    let mut view = Vec::new();
    let mut view_dom = Vec::new();
    let mut view_all = Vec::new();
    let mut view_rows = Vec::new();
    let mut ipc = Vec::new();
    for _ in 0..runs {
        let saved = d.button("Saved keys").await;
        d.click(&saved).await;
        let started = Instant::now();
        while row_count(d).await != 0 {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "the list stayed"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        d.execute(INVOKE_JS, vec![]).await;
        let r = result(d, Duration::from_secs(60)).await;
        ipc.push(r["ms"].as_f64().unwrap_or(f64::NAN));
        if let Some(b) = r["json_bytes"].as_f64() {
            // How much the inventory weighs as JSON (what the IPC carries and the page parses).
            out.put("window.inventory_json_bytes", b);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let tab = d.button("Tokens").await;
        d.execute(RENDER_JS, vec![tab.0.clone(), json!(want)]).await;
        let r = result(d, Duration::from_secs(60)).await;
        view.push(r["ms"].as_f64().unwrap_or(f64::NAN));
        view_all.push(r["all_ms"].as_f64().unwrap_or(f64::NAN));
        view_dom.push(r["dom_ms"].as_f64().unwrap_or(f64::NAN));
        view_rows.push(r["rows"].as_f64().unwrap_or(f64::NAN));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    out.put("window.view_ms", median(&view));
    out.list("window.view_ms.runs", &view);
    out.put("window.view_dom_ms", median(&view_dom));
    out.put("window.view_all_rows_ms", median(&view_all));
    out.put("window.view_rows", median(&view_rows));
    out.put("window.inventory_ipc_ms", median(&ipc));
    out.list("window.inventory_ipc_ms.runs", &ipc);
    out.put("window.render_only_ms", median(&view) - median(&ipc));

    app.quit().await;
    drop(sim);
}

/// Types "token 015" into the filter one key at a time, then deletes it again, and puts the
/// timings under `key` (`{key}_frame_ms`, …).
async fn filter_pass(d: &WebDriver, field: &crate::webdriver::Element, key: &str, out: &mut Out) {
    let typed = "token 015";
    let mut steps: Vec<String> = (1..=typed.len()).map(|n| typed[..n].to_string()).collect();
    steps.extend((0..typed.len()).rev().map(|n| typed[..n].to_string()));
    d.execute(FILTER_JS, vec![field.0.clone(), json!(steps), json!(150)])
        .await;
    let r = result(d, Duration::from_secs(120)).await;
    let steps = r["steps"].as_array().cloned().unwrap_or_default();
    let get = |k: &str| -> Vec<f64> {
        steps
            .iter()
            .map(|s| s[k].as_f64().unwrap_or(f64::NAN))
            .collect()
    };
    let (dom, layout, frame) = (get("dom_ms"), get("layout_ms"), get("frame_ms"));
    out.put(&format!("{key}_keystrokes"), steps.len() as f64);
    out.put(&format!("{key}_frame_ms"), median(&frame));
    out.put(&format!("{key}_frame_ms.max"), max(&frame));
    out.put(&format!("{key}_layout_ms"), median(&layout));
    out.put(&format!("{key}_layout_ms.max"), max(&layout));
    out.put(&format!("{key}_dom_ms"), median(&dom));
    out.put(&format!("{key}_rows.max"), max(&get("rows")));
    let detail: Vec<String> = steps
        .iter()
        .map(|s| {
            format!(
                "{:?}:{}of{}rows/{:.1}/{:.1}/{:.1}ms",
                s["value"].as_str().unwrap_or(""),
                s["rows"],
                s["matching"],
                s["dom_ms"].as_f64().unwrap_or(f64::NAN),
                s["layout_ms"].as_f64().unwrap_or(f64::NAN),
                s["frame_ms"].as_f64().unwrap_or(f64::NAN)
            )
        })
        .collect();
    out.text(&format!("{key}_steps(dom/layout/frame)"), &detail.join(" "));
    if steps
        .iter()
        .any(|s| s["rows"] != s["rows_after_frame"] || s["rows"] != s["shown"])
    {
        out.text(&format!("{key}_warning"),
            "the row count changed after the first DOM check (or differs from data-rows-shown): dom_ms may be early",
        );
    }
}
