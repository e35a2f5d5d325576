//! `Idempotency-Key` on the creating endpoints (`POST /tasks`, `POST /chat`).
//!
//! A client that lost an answer (a timeout, a dropped connection) cannot
//! know whether its request was done. Sent again with the same key by the
//! same user within 24 hours, the request gets the first 2xx answer again
//! and changes nothing, on any replica (the answers live in the database).
//! A retry while the first request still runs waits for it; the same key
//! with a different request answers 422; answers other than 2xx are not
//! kept, so those requests stay retryable.

use std::time::Duration;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    db::{self, Claim, Created, Db},
    error::{ApiError, ApiResult},
};

pub const HEADER: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on an answer that is a replay of the first one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
const KEY_MAX: usize = 255;
/// A request that has held its key this long is taken to have died with its
/// replica, and a retry runs it again: longer than the longest chat turn,
/// with room to store its answer after the deadline's fallback.
const LEASE: Duration = Duration::from_secs(crate::config::TURN_DEADLINE_MAX_SECS + 30);
const POLL: Duration = Duration::from_millis(50);

/// The request's `Idempotency-Key`, if it sent one: 1–255 visible ASCII
/// characters (else 400).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HEADER) else { return Ok(IdempotencyKey(None)) };
        let key = value.to_str().ok().map(str::trim).unwrap_or_default();
        if key.is_empty() || key.len() > KEY_MAX || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::BadRequest(format!(
                "Idempotency-Key must be 1 to {KEY_MAX} visible ASCII characters (a UUID is a good choice)"
            )));
        }
        Ok(IdempotencyKey(Some(key.to_string())))
    }
}

/// The header as the OpenAPI document describes it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyParam {
    /// Makes the request safe to retry: a retry with the same key (1–255
    /// visible ASCII characters, e.g. a UUID) by the same user within 24 h
    /// gets the first 2xx answer again, with `Idempotent-Replayed: true`,
    /// and changes nothing. A retry while the first request still runs
    /// waits for it (409 if it takes too long); the same key with a
    /// different request → 422 `idempotency_key_reused`. Answers other
    /// than 2xx are not kept.
    #[serde(rename = "Idempotency-Key")]
    #[allow(dead_code)]
    idempotency_key: Option<String>,
}

/// A request sent with a key: the key and the hash of the request.
#[derive(Debug, Clone)]
pub struct Keyed {
    key: String,
    fingerprint: String,
}

impl IdempotencyKey {
    /// Ties the key (if any) to `request` to `endpoint`, hashed as parsed
    /// (so spacing and key order do not matter).
    pub fn for_request(self, endpoint: &str, request: &impl Serialize) -> ApiResult<Option<Keyed>> {
        let Some(key) = self.0 else { return Ok(None) };
        let body = serde_json::to_vec(request).map_err(anyhow::Error::from)?;
        let digest = Sha256::new().chain_update(endpoint.as_bytes()).chain_update([0]).chain_update(&body).finalize();
        Ok(Some(Keyed { key, fingerprint: digest.iter().map(|byte| format!("{byte:02x}")).collect() }))
    }
}

impl Keyed {
    /// The key as the database takes it, for a request answering `status`.
    pub fn claim(&self, status: StatusCode) -> db::Keyed<'_> {
        db::Keyed { key: &self.key, fingerprint: &self.fingerprint, lease: LEASE, status: status.as_u16() }
    }

    /// The answer to this request when an earlier one holds its key: that
    /// request's answer, or a refusal. `None` while it is still running.
    pub fn earlier(&self, claim: Claim) -> ApiResult<Option<Response>> {
        match claim {
            Claim::Claimed => Err(ApiError::Internal(anyhow::anyhow!("a claimed key is not an earlier request"))),
            Claim::Done { fingerprint, .. } | Claim::Running { fingerprint } if fingerprint != self.fingerprint => {
                Err(ApiError::Coded {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: "idempotency_key_reused",
                    message: "this Idempotency-Key was used for a different request; use a new key".into(),
                })
            }
            Claim::Done { status, response, .. } => Ok(Some(replay(status, response))),
            Claim::Running { .. } => Ok(None),
        }
    }
}

fn still_running() -> ApiError {
    ApiError::Coded {
        status: StatusCode::CONFLICT,
        code: "idempotency_key_in_use",
        message: "a request with this Idempotency-Key is still running; retry in a moment".into(),
    }
}

fn replay(status: u16, response: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (REPLAYED, HeaderValue::from_static("true")),
    ];
    (status, headers, response).into_response()
}

/// The answer for a create that was not done now (see [`Db::create_task`]):
/// the earlier request's answer, or why not.
pub fn not_done<T>(keyed: Option<&Keyed>, created: Created<T>) -> ApiResult<Result<T, Response>> {
    match (created, keyed) {
        (Created::Done(value), _) => Ok(Ok(value)),
        (Created::Earlier(claim), Some(keyed)) => keyed.earlier(claim)?.map(Err).ok_or_else(still_running),
        (Created::Earlier(_), None) => Err(ApiError::Internal(anyhow::anyhow!("an earlier request without a key"))),
        (Created::AtLimit, _) => Err(ApiError::task_limit()),
    }
}

/// How a request that spans several transactions goes on.
pub enum Begun {
    /// Run it; the guard holds the key (if any) until the answer is recorded.
    Run(Claimed),
    /// An earlier request with the key was answered: here is that answer.
    Replay(Response),
}

/// Starts a request that spans several transactions (a chat turn): runs it
/// if its key is new, replays the first answer if the same request was
/// answered, and waits up to `wait` while it still runs.
pub async fn begin(
    db: &Db,
    user_id: &str,
    keyed: Option<Keyed>,
    status: StatusCode,
    wait: Duration,
) -> ApiResult<Begun> {
    let Some(keyed) = keyed else {
        return Ok(Begun::Run(Claimed { db: db.clone(), user_id: user_id.into(), key: None, status }));
    };
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let claim = db.claim_key(user_id, keyed.claim(status)).await?;
        if claim == Claim::Claimed {
            return Ok(Begun::Run(Claimed { db: db.clone(), user_id: user_id.into(), key: Some(keyed.key), status }));
        }
        match keyed.earlier(claim)? {
            Some(answer) => return Ok(Begun::Replay(answer)),
            None if tokio::time::Instant::now() >= deadline => return Err(still_running()),
            None => tokio::time::sleep(POLL).await,
        }
    }
}

/// A running request's hold on its key. Dropped without an answer (the
/// request failed, or its client went away), it releases the key so that a
/// retry runs again.
pub struct Claimed {
    db: Db,
    user_id: String,
    key: Option<String>,
    status: StatusCode,
}

impl Claimed {
    /// Stores `answer` for retries.
    pub async fn answer(mut self, answer: &impl Serialize) -> ApiResult<()> {
        let Some(key) = self.key.take() else { return Ok(()) };
        let text = serde_json::to_string(answer).map_err(anyhow::Error::from)?;
        self.db.record_answer(&self.user_id, &key, self.status.as_u16(), &text).await.map_err(ApiError::from)
    }
}

impl Drop for Claimed {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let (db, user_id) = (self.db.clone(), std::mem::take(&mut self.user_id));
        tokio::spawn(async move {
            if let Err(error) = db.release_key(&user_id, &key).await {
                // The lease runs out instead; a retry waits until then.
                tracing::warn!(%error, "could not release an idempotency key");
            }
        });
    }
}
