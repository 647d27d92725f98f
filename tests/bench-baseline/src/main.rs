//! A bare Tauri v2 window: one page, one command (`ready`), no plugins. The page calls `ready`
//! once it has loaded; the process then prints `baseline: ui ready after N ms` (N since the
//! process entered `main`), the same kind of line the app prints when its sign-in screen is
//! interactive.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

struct Started {
    at: Instant,
    reported: AtomicBool,
}

#[tauri::command]
fn ready(state: tauri::State<'_, Started>, marks: Option<Vec<(String, f64)>>) {
    if !state.reported.swap(true, Ordering::SeqCst) {
        // The page's milestones (ms since the Unix epoch) on the process's timeline.
        let now_epoch_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default();
        let started_epoch_ms = now_epoch_ms - state.at.elapsed().as_secs_f64() * 1000.0;
        for (name, at) in marks.unwrap_or_default().iter().take(16) {
            println!("baseline: {name} after {:.0} ms", at - started_epoch_ms);
        }
        milestone(state.at, "ui ready");
    }
}

fn milestone(started: Instant, what: &str) {
    println!(
        "baseline: {what} after {} ms",
        started.elapsed().as_millis()
    );
}

fn main() {
    let started = Started {
        at: Instant::now(),
        reported: AtomicBool::new(false),
    };
    let started_at = started.at;
    let app = tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        // The same start-up milestones the app prints, for the timeline.
        .setup(|app| {
            use tauri::Manager;
            milestone(app.state::<Started>().at, "setup");
            Ok(())
        })
        .on_page_load(|webview, payload| {
            use tauri::Manager;
            if let tauri::webview::PageLoadEvent::Finished = payload.event() {
                milestone(webview.state::<Started>().at, "page loaded");
            }
        })
        .build(tauri::generate_context!())
        .expect("error while building the baseline window");
    milestone(started_at, "built");
    app.run(|_, _| {});
}
