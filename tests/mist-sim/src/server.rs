//! Connection handling: hyper connections served one by one so that a fault can drop a
//! connection after its request was processed, without sending a response. Each connection speaks
//! HTTP/1.1, or HTTP/2 when the client opens with the HTTP/2 preface (h2c, prior knowledge).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

use crate::state::Shared;

/// Put in each request's extensions: notifying it closes the connection at once.
#[derive(Clone)]
pub(crate) struct ConnKill(pub Arc<Notify>);

pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
    shared: Arc<Shared>,
) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = wait_shutdown(&mut shutdown) => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        shared
            .connection_count
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let kill_for_svc = kill.clone();
            let svc = hyper::service::service_fn(move |mut req: http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req.extensions_mut().insert(ConnKill(kill_for_svc.clone()));
                app.clone().oneshot(req)
            });
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().keep_alive(true);
            // nginx's default; hyper's own is 200.
            builder.http2().max_concurrent_streams(128);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = wait_shutdown(&mut conn_shutdown) => {}
            }
        });
    }
}

async fn wait_shutdown(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}
