//! Start-up: state, the URL map, the listeners, and graceful shutdown.

use std::{future::Future, sync::Arc, time::Duration};

use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use common::serve::{serve, Drain};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    catch_panic::CatchPanicLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    auth::{self, EndedSessions, Hasher, Throttle, TokenKeys},
    chat::{self, Assistant},
    config::Config,
    db::Db,
    error::ApiError,
    health::{self, Readiness, SharedReadiness},
    housekeeping, openapi, settings, tasks, telemetry,
};

/// What every handler shares, behind one `Arc`: axum clones the state for
/// each extractor of each request, and one reference count is cheaper than
/// the dozen inside its parts.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub keys: TokenKeys,
    pub config: Arc<Config>,
    pub readiness: SharedReadiness,
    /// The readiness probe's own connection, apart from the busy pool.
    pub probe: Db,
    pub assistant: Assistant,
    pub hasher: Hasher,
    pub throttle: Throttle,
    pub ended_sessions: EndedSessions,
}

/// A bound, ready-to-run backend.
pub struct App {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    shutdown: CancellationToken,
}

impl App {
    /// Connects the database, applies migrations, and binds the listeners
    /// (port 0 picks a free port, so tests can run side by side).
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let db = Db::connect(&config).await?;
        let probe = Db::connect_probe(&config).await?;
        let readiness: SharedReadiness = Arc::new(Readiness::default());
        match db.migrate().await {
            Ok(()) => readiness.mark_migrated(),
            // The database may still be starting (a pod beside its PostgreSQL):
            // serve /health now, keep /ready at 503 until migrations apply.
            Err(error) => {
                tracing::warn!(%error, "database not ready; retrying migrations in the background");
                tokio::spawn(migrate_until_done(db.clone(), readiness.clone()));
            }
        }
        let ended_sessions = EndedSessions::default();
        if readiness.is_migrated() {
            if let Err(error) = ended_sessions.load(&db).await {
                tracing::warn!(%error, "ended sessions not loaded yet; session tokens wait for them");
            }
        }
        tokio::spawn(ended_sessions.clone().follow(db.clone()));
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("todo-chatbot/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let state = AppState(Arc::new(Shared {
            assistant: Assistant::new(config.llm.as_ref(), http),
            keys: TokenKeys::new(&config.auth_secret, config.token_ttl),
            hasher: Hasher::new(config.hash_concurrency, config.hash_queue),
            throttle: Throttle::new(config.auth_attempts_per_minute, config.trusted_proxies.clone()),
            ended_sessions,
            db,
            probe,
            readiness,
            config: Arc::new(config),
        }));
        tokio::spawn(housekeeping::run(state.clone()));
        let shutdown = CancellationToken::new();
        let router = router(state.clone(), shutdown.child_token());
        let config = &state.config;
        let listener = common::serve::bind(&config.host, config.port, config.port_variable).await?;
        let metrics_listener = match state.config.metrics_port {
            Some(port) => {
                telemetry::prometheus();
                Some(common::serve::bind(&config.host, port, "METRICS_PORT").await?)
            }
            None => None,
        };
        Ok(App { listener, metrics_listener, router, state, shutdown })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok()).map(|a| a.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `signal` resolves, then drains (see [`common::serve`])
    /// and closes the pool.
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let App { listener, metrics_listener, router, state, shutdown } = self;
        let metrics = Router::new().route("/metrics", get(|| async { telemetry::prometheus().render() }));
        let drain = Drain {
            delay: state.config.shutdown_delay,
            timeout: state.config.shutdown_timeout,
            flag: state.readiness.shutting_down.clone(),
            stopped: shutdown,
        };
        let extra = metrics_listener.map(|l| (l, metrics)).into_iter().collect();
        serve(listener, router, extra, state.config.server, signal, drain).await?;
        state.db.close().await;
        state.probe.close().await;
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

async fn migrate_until_done(db: Db, readiness: SharedReadiness) {
    let mut delay = Duration::from_millis(500);
    loop {
        tokio::time::sleep(delay).await;
        match db.migrate().await {
            Ok(()) => {
                tracing::info!("migrations applied");
                readiness.mark_migrated();
                return;
            }
            Err(error) => tracing::warn!(%error, "migrations not applied yet"),
        }
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

/// The whole URL map.
pub fn router(state: AppState, shutdown: CancellationToken) -> Router {
    let mcp_hosts = state.config.mcp_allowed_hosts.clone();
    let limits = state.config.server;
    Router::new()
        .merge(auth::router())
        .merge(tasks::router())
        .merge(settings::router())
        .merge(chat::routes::router())
        .merge(chat::mcp::router(state.clone(), mcp_hosts, shutdown))
        .merge(health::router())
        .merge(openapi::router())
        .fallback(|| async { ApiError::NotFound("route") })
        .method_not_allowed_fallback(|| async {
            ApiError::Rejected { status: StatusCode::METHOD_NOT_ALLOWED, message: "method not allowed".into() }
        })
        .layer(DefaultBodyLimit::max(limits.body_size))
        .layer(middleware::from_fn(move |request, next| common::serve::bounded_body(limits, request, next)))
        .layer(middleware::from_fn_with_state(state.config.metrics_port.is_some(), telemetry::track_metrics))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(CatchPanicLayer::custom(|_| -> Response {
            ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(state)
}
