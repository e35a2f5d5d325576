//! Serving with a Kubernetes-friendly shutdown (the podinfo pattern): on the
//! signal readiness fails at once, the listener keeps serving for `delay`
//! (endpoints update meanwhile), then in-flight requests get `timeout` to
//! finish before the process gives up on them.

use std::{
    future::Future,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{serve::ListenerExt, Router};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Set when shutdown begins; readiness endpoints report 503 from then on.
#[derive(Clone, Debug, Default)]
pub struct ShuttingDown(Arc<AtomicBool>);

impl ShuttingDown {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

pub struct Drain {
    pub delay: Duration,
    pub timeout: Duration,
    pub flag: ShuttingDown,
    /// Cancelled when the listener stops accepting (long-lived streams end).
    pub stopped: CancellationToken,
}

/// Serves `router` (and optional extra routers on their own listeners, e.g.
/// metrics) until `signal`, then drains as described above.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    extra: Vec<(TcpListener, Router)>,
    signal: impl Future<Output = ()> + Send + 'static,
    drain: Drain,
) -> std::io::Result<()> {
    let Drain { delay, timeout, flag, stopped } = drain;
    let trigger = {
        let stopped = stopped.clone();
        async move {
            signal.await;
            flag.set();
            tracing::info!(delay_ms = delay.as_millis() as u64, "shutdown requested; readiness now fails");
            tokio::time::sleep(delay).await;
            stopped.cancel();
        }
    };
    tokio::spawn(trigger);

    for (listener, router) in extra {
        let stop = stopped.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await;
        });
    }

    // Answers go out as soon as they are written, not held back by Nagle's
    // algorithm waiting for an acknowledgement.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let server = axum::serve(listener, router).with_graceful_shutdown(stopped.clone().cancelled_owned());
    let deadline = async {
        stopped.cancelled().await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        served = server => served?,
        () = deadline => tracing::warn!("requests still running at the shutdown timeout; exiting anyway"),
    }
    Ok(())
}
