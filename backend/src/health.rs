//! Liveness and readiness, kept apart as Kubernetes expects: `/health` says
//! the process serves; `/ready` says it should receive traffic.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{extract::State, http::StatusCode, routing::get, Json, Router};
use common::serve::ShuttingDown;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

/// Flags that readiness depends on besides the database answering.
#[derive(Debug, Default)]
pub struct Readiness {
    migrated: AtomicBool,
    pub shutting_down: ShuttingDown,
}

impl Readiness {
    pub fn mark_migrated(&self) {
        self.migrated.store(true, Ordering::SeqCst);
    }
    pub fn is_migrated(&self) -> bool {
        self.migrated.load(Ordering::SeqCst)
    }
}

pub type SharedReadiness = Arc<Readiness>;

/// A database that takes longer than this to answer `SELECT 1` on an idle
/// connection is as good as unreachable for serving traffic.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health)).route("/ready", get(ready))
}

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`, or why the process is not ready.
    pub status: &'static str,
}

#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process serves", body = HealthStatus)))]
pub async fn health() -> Json<HealthStatus> {
    Json(HealthStatus { status: "ok" })
}

#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready for traffic", body = HealthStatus),
        (status = 503, description = "Database unreachable, migrations pending, or shutting down (a busy connection pool does not count)", body = HealthStatus),
    ))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthStatus>) {
    let status = if state.readiness.shutting_down.is_set() {
        "shutting down"
    } else if !state.readiness.is_migrated() {
        "migrations pending"
    } else if !state.ended_sessions.is_loaded() {
        "sessions loading"
    } else if !matches!(tokio::time::timeout(PING_TIMEOUT, state.probe.ping()).await, Ok(true)) {
        "database unavailable"
    } else {
        return (StatusCode::OK, Json(HealthStatus { status: "ok" }));
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(HealthStatus { status }))
}
