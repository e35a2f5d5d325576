//! Start-up and the URL map of the web UI.

use std::{future::Future, sync::Arc, time::Duration};

use axum::{
    http::{header, HeaderValue, StatusCode},
    middleware,
    response::{IntoResponse, Redirect, Response},
    routing::{any, get, post},
    Extension, Router,
};
use axum_extra::extract::CookieJar;
use common::serve::{serve, Drain, ShuttingDown};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    assets,
    backend::Backend,
    config::Config,
    error::PageError,
    pages::{auth, chat, settings, tasks},
    proxy,
    session::{self, Cookies},
};

#[derive(Clone)]
pub struct AppState {
    pub backend: Backend,
    pub config: Arc<Config>,
    pub shutting_down: ShuttingDown,
}

pub struct App {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        // Every backend call is bounded: a hung backend must not hang pages.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(config.backend_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        let state = AppState {
            backend: Backend::new(http, config.backend_url.clone()),
            config: Arc::new(config),
            shutting_down: ShuttingDown::default(),
        };
        let config = &state.config;
        let listener = common::serve::bind(&config.host, config.port, config.port_variable).await?;
        Ok(App { listener, router: router(state.clone()), state })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let drain = Drain {
            delay: self.state.config.shutdown_delay,
            timeout: self.state.config.shutdown_timeout,
            flag: self.state.shutting_down.clone(),
            stopped: CancellationToken::new(),
        };
        serve(self.listener, self.router, Vec::new(), self.state.config.server, signal, drain).await?;
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

/// Pages may only load our own script and stylesheet; nothing inline.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let secure = state.config.cookie_secure;
    let limits = state.config.server;
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    let mut router = Router::new()
        .route("/", get(home))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-up", get(auth::sign_up_page).post(auth::sign_up))
        .route("/sign-out", post(auth::sign_out))
        .route("/tasks", get(tasks::list).post(tasks::create))
        .route("/tasks/{id}/edit", post(tasks::update))
        .route("/tasks/{id}/toggle", post(tasks::toggle))
        .route("/tasks/{id}/delete", post(tasks::delete))
        .route("/chat", get(chat::show).post(chat::send))
        .route("/settings", get(settings::show))
        .route("/settings/timezone", post(settings::set_timezone))
        .route("/settings/password", post(settings::change_password))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/settings/delete", post(settings::delete_account))
        .route("/api/{*path}", any(proxy::forward))
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route("/robots.txt", get(assets::robots))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .fallback(|| async { PageError::NotFound })
        .layer(middleware::from_fn(session::csrf_guard))
        .layer(middleware::from_fn(move |request, next| common::serve::bounded_body(limits, request, next)))
        .layer(Extension(Cookies::new(secure, state.config.secret.expose_secret().as_bytes())));
    if secure {
        // Served over HTTPS: browsers must not fall back to plain HTTP.
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(CatchPanicLayer::custom(|_| PageError::Internal("handler panicked".into()).into_response()))
        // Pages, styles and JSON shrink to a fraction; event streams are
        // left alone (the default predicate), so they are never held back.
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn home(cookies: Cookies, jar: CookieJar) -> Redirect {
    Redirect::to(if cookies.read(&jar).is_some() { "/tasks" } else { "/sign-in" })
}

/// Ready unless shutting down. The backend's health is deliberately not part
/// of it: with the backend down, users should still get our friendly page.
async fn ready(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    if state.shutting_down.is_set() {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response()
    } else {
        "ok".into_response()
    }
}
