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
fn ready(state: tauri::State<'_, Started>) {
    if !state.reported.swap(true, Ordering::SeqCst) {
        println!(
            "baseline: ui ready after {} ms",
            state.at.elapsed().as_millis()
        );
    }
}

fn main() {
    let started = Started {
        at: Instant::now(),
        reported: AtomicBool::new(false),
    };
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("error while running the baseline window");
}
