//! The crate's one error type: every failure becomes a JSON body
//! `{"error": "...", "message": "..."}` with the right status code.

use axum::{
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Outage;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Validation(String),
    /// Invalid input in one field (422, with the field's name).
    #[error("{message}")]
    Invalid { field: Cow<'static, str>, message: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("this account cannot access another user's data")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Rejected { status: StatusCode, message: String },
    /// A refusal with a code of its own, e.g. `idempotency_key_reused`.
    #[error("{message}")]
    Coded { status: StatusCode, code: &'static str, message: String },
    /// The database is unreachable, busy or full (see [`Outage`]): retry later.
    #[error("{}", outage_message(*.outage))]
    Outage { outage: Outage, source: sqlx::Error },
    /// Too busy to take this request now.
    #[error("the service is busy, please retry")]
    Unavailable,
    /// A rate limit: retry after the given time.
    #[error("{message}")]
    TooManyRequests { retry_after: std::time::Duration, message: String },
    #[error("the assistant's language model is unavailable: {0}")]
    LlmUnavailable(String),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `validation_error`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
    /// The request field that is wrong, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Validation(_) | ApiError::Invalid { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_error")
            }
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized | ApiError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Rejected { status, .. } => (*status, rejection_code(*status)),
            ApiError::Coded { status, code, .. } => (*status, code),
            ApiError::Outage { outage: Outage::StorageFull, .. } => (StatusCode::SERVICE_UNAVAILABLE, "storage_full"),
            ApiError::Outage { .. } | ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::LlmUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "llm_unavailable"),
            ApiError::Database(_) | ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

fn outage_message(outage: Outage) -> &'static str {
    match outage {
        Outage::Unavailable => "the service is busy or its database is unreachable; please retry",
        Outage::StorageFull => "the database is out of space, so nothing was saved; please try again later",
    }
}

fn rejection_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_error",
        _ => "bad_request",
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(outage) = Outage::of(&error) {
            return ApiError::Outage { outage, source: error };
        }
        match error {
            sqlx::Error::RowNotFound => ApiError::NotFound("record"),
            // Every row hangs off its user: a write for a user deleted a
            // moment ago (its session not yet ended on this replica).
            sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => ApiError::Coded {
                status: StatusCode::UNAUTHORIZED,
                code: "unauthorized",
                message: "this account no longer exists".into(),
            },
            sqlx::Error::Database(ref db) if db.is_unique_violation() => {
                ApiError::Conflict("that record already exists".into())
            }
            other => ApiError::Database(other),
        }
    }
}

impl ApiError {
    /// The status and the body the client gets (internals are logged, not
    /// sent): as a response, or as a streamed turn's `error` event.
    pub fn into_body(self) -> (StatusCode, ErrorBody) {
        let (status, code) = self.status_and_code();
        let message = match &self {
            // Never echo internals to the client; log them instead.
            ApiError::Database(error) => {
                tracing::error!(%error, "database error");
                "an internal error occurred".to_string()
            }
            ApiError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                "an internal error occurred".to_string()
            }
            ApiError::Outage { outage, source } => {
                tracing::warn!(error = %source, ?outage, "database outage; answered 503");
                self.to_string()
            }
            other => other.to_string(),
        };
        let field = match &self {
            ApiError::Invalid { field, .. } => Some(field.to_string()),
            _ => None,
        };
        (status, ErrorBody { error: code.into(), message, field })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let (status, body) = self.into_body();
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        if let Some(retry_after) = retry_after {
            let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // Axum's own status is right: 400 syntax, 415 content type, 413 size,
        // 422 for JSON that parses but has wrong types or missing fields.
        ApiError::Rejected { status: rejection.status(), message: rejection.body_text() }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::Rejected { status: StatusCode::BAD_REQUEST, message: rejection.body_text() }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Rejected { status: StatusCode::BAD_REQUEST, message: rejection.body_text() }
    }
}

impl ApiError {
    /// 422 `task_limit_reached`.
    pub fn task_limit() -> Self {
        ApiError::Coded {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "task_limit_reached",
            message: "you have reached the limit of tasks per account; delete some you no longer need".into(),
        }
    }

    /// 422 naming `field`.
    pub fn field(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        ApiError::Invalid { field: field.into(), message: message.into() }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// `Json`, `Path` and `Query` whose rejections answer in our JSON error shape.
pub mod extract {
    use axum::extract::{FromRequest, FromRequestParts, Request};
    use serde::de::DeserializeOwned;

    use super::ApiError;

    /// A JSON body. Malformed JSON is 400, another content type 415, too
    /// large 413; JSON of the wrong shape is 422 naming the field (`tags[2]`,
    /// `due_at`).
    pub struct Json<T>(pub T);

    impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
        type Rejection = ApiError;

        async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
            let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state).await?;
            serde_path_to_error::deserialize(value).map(Json).map_err(|error| {
                let inner = error.inner().to_string();
                let path = error.path().to_string();
                let field = if path.is_empty() || path == "." {
                    // A missing field is reported at the object's level.
                    inner.split('`').nth(1).unwrap_or("body").to_string()
                } else {
                    path
                };
                ApiError::field(field.clone(), format!("{field}: {inner}"))
            })
        }
    }

    #[derive(FromRequestParts)]
    #[from_request(via(axum::extract::Path), rejection(ApiError))]
    pub struct Path<T>(pub T);

    #[derive(FromRequestParts)]
    #[from_request(via(axum::extract::Query), rejection(ApiError))]
    pub struct Query<T>(pub T);
}
