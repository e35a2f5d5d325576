//! Serving with bounded resources and a Kubernetes-friendly shutdown (the
//! podinfo pattern): on the signal readiness fails at once, the listener
//! keeps serving for `delay` (endpoints update meanwhile), then in-flight
//! requests get `timeout` to finish before the process gives up on them.
//!
//! Every connection is bounded ([`Limits`]): request headers must arrive
//! within a time, a connection that sees no traffic is closed, request
//! bodies are read within a time and a size, and only so many connections
//! are open at once (more wait in the kernel's accept queue).

use std::{
    future::Future,
    net::SocketAddr,
    pin::{pin, Pin},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::Semaphore,
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower::ServiceExt;

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

/// Bounds on what one client can hold of a server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// A request's headers must have arrived this long after it started.
    pub header_read: Duration,
    /// A request's body must have arrived this long after its headers.
    pub body_read: Duration,
    /// Largest request body.
    pub body_size: usize,
    /// A connection with no bytes in either direction for this long is
    /// closed (an answer that is still being prepared counts as traffic
    /// only once it starts; keep this above the slowest answer).
    pub idle: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(15),
            body_size: 64 * 1024,
            idle: Duration::from_secs(75),
            max_connections: 1024,
        }
    }
}

impl Limits {
    /// The defaults, with `SERVER_HEADER_TIMEOUT_SECS`, `SERVER_BODY_TIMEOUT_SECS`,
    /// `SERVER_IDLE_TIMEOUT_SECS` and `SERVER_MAX_CONNECTIONS` applied.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let defaults = Limits::default();
        let number = |key: &str, default: u64| -> Result<u64, String> {
            match lookup(key) {
                None => Ok(default),
                Some(raw) => match raw.trim().parse::<u64>() {
                    Ok(value) if value > 0 => Ok(value),
                    _ => Err(format!("{key} must be a positive whole number, got {raw:?}")),
                },
            }
        };
        Ok(Limits {
            header_read: Duration::from_secs(number("SERVER_HEADER_TIMEOUT_SECS", defaults.header_read.as_secs())?),
            body_read: Duration::from_secs(number("SERVER_BODY_TIMEOUT_SECS", defaults.body_read.as_secs())?),
            body_size: defaults.body_size,
            idle: Duration::from_secs(number("SERVER_IDLE_TIMEOUT_SECS", defaults.idle.as_secs())?),
            max_connections: number("SERVER_MAX_CONNECTIONS", defaults.max_connections as u64)? as usize,
        })
    }
}

/// Binds `host:port`, or explains what to change: `variable` is the
/// setting that chose the port.
pub async fn bind(host: &str, port: u16, variable: &str) -> anyhow::Result<TcpListener> {
    let ip: std::net::IpAddr = host
        .parse()
        .map_err(|_| anyhow::anyhow!("HOST must be an IP address such as 0.0.0.0 or 127.0.0.1, got {host:?}"))?;
    let address = SocketAddr::new(ip, port);
    TcpListener::bind(address).await.map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "cannot listen on {address}: another program already uses port {port}. Stop it, or set {variable} to a free port."
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "cannot listen on {address}: ports below 1024 need extra privileges. Set {variable} to a port above 1024."
        ),
        _ => anyhow::anyhow!("cannot listen on {address} ({variable}): {error}"),
    })
}

/// Serves `router` (and optional extra routers on their own listeners, e.g.
/// metrics) until `signal`, then drains as described above.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    extra: Vec<(TcpListener, Router)>,
    limits: Limits,
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
        tokio::spawn(accept_loop(listener, router, limits, stopped.clone()));
    }
    let deadline = async {
        stopped.cancelled().await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        () = accept_loop(listener, router, limits, stopped.clone()) => {}
        () = deadline => tracing::warn!("requests still running at the shutdown timeout; exiting anyway"),
    }
    Ok(())
}

/// Accepts connections until `stop`, then waits for the open ones to finish
/// their requests.
async fn accept_loop(listener: TcpListener, router: Router, limits: Limits, stop: CancellationToken) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let connections = TaskTracker::new();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = stop.cancelled() => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause, not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stop.cancelled() => break,
        };
        let (router, stop) = (router.clone(), stop.clone());
        connections.spawn(async move {
            serve_connection(tcp, peer, router, limits, stop).await;
            drop(permit);
        });
    }
    drop(listener);
    connections.close();
    connections.wait().await;
}

async fn serve_connection(tcp: TcpStream, peer: SocketAddr, router: Router, limits: Limits, stop: CancellationToken) {
    // Answers go out as soon as they are written, not held back by Nagle's
    // algorithm waiting for an acknowledgement.
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    let activity = Activity::default();
    let io = TokioIo::new(Watched { inner: tcp, activity: activity.clone() });
    let service = router.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.map(Body::new)
    });
    // HTTP/1.1 only: browsers reach the services through the frontend or an
    // ingress, and in the cluster they speak HTTP/1.1 to each other.
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    let mut connection = pin!(builder.serve_connection(io, TowerToHyperService::new(service)));
    let mut watch = tokio::time::interval((limits.idle / 4).max(Duration::from_millis(250)));
    let mut closing = false;
    loop {
        tokio::select! {
            done = connection.as_mut() => {
                if let Err(error) = done {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            () = stop.cancelled(), if !closing => {
                connection.as_mut().graceful_shutdown();
                closing = true;
            }
            _ = watch.tick() => {
                let idle = activity.idle_for();
                if idle > limits.idle * 2 {
                    return; // still silent after asking it to close: drop it
                }
                if idle > limits.idle && !closing {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// When a connection last moved bytes.
#[derive(Clone)]
struct Activity {
    origin: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Default for Activity {
    fn default() -> Self {
        Activity { origin: Instant::now(), last_ms: Arc::new(AtomicU64::new(0)) }
    }
}

impl Activity {
    fn touch(&self) {
        self.last_ms.store(self.origin.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.origin.elapsed().saturating_sub(last)
    }
}

/// A TCP stream that records when bytes last went through it.
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Middleware: reads the whole request body within `limits.body_read` and
/// `limits.body_size` before the handler runs (408 or 413 otherwise), so a
/// client trickling its body cannot hold a handler. Every request of these
/// services carries a small body.
pub async fn bounded_body(limits: Limits, request: Request, next: Next) -> Response {
    // Most requests (every GET) carry no body: nothing to wait for.
    if http_body::Body::is_end_stream(request.body()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limits.body_size) {
        return refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large");
    }
    let read = axum::body::to_bytes(body, limits.body_size);
    let bytes = match tokio::time::timeout(limits.body_read, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return refused(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
        }
        Err(_) => {
            return refused(StatusCode::REQUEST_TIMEOUT, "request_timeout", "the request body arrived too slowly")
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn refused(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!("{{\"error\":\"{code}\",\"message\":\"{message}\"}}");
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
