use crate::flows_support::*;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn debug_screenshot() {
    let sim = demo_cloud().await;
    let app = launch(&[("Sim cloud", &sim)]).await;
    let t = Instant::now();
    app.screenshot("dbg-0").await;
    eprintln!("shot0 {:?}", t.elapsed());
    sign_in(&app, "observer@example.com").await;
    let t = Instant::now();
    app.screenshot("dbg-1").await;
    eprintln!("shot1 {:?}", t.elapsed());
    let m = wait_alert(&app, "permission").await;
    eprintln!("alert {m}");
    let t = Instant::now();
    app.screenshot("dbg-2").await;
    eprintln!("shot2 {:?}", t.elapsed());
    app.quit().await;
}
