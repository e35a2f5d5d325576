//! `/api/{user_id}/tokens`: personal API tokens for MCP clients and scripts.
//!
//! A token is `todo_pat_` and 64 random hex digits (the prefix lets secret
//! scanners and people recognise it). Only its SHA-256 is stored: the
//! secret is random and long, so a slow hash would add nothing.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{delete, get},
    Router,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::{
    app::AppState,
    auth::AuthUser,
    db::{rfc3339, ApiToken},
    error::{
        extract::{Json, Path},
        ApiError, ApiResult, ErrorBody,
    },
    json_list::JsonList,
};

pub const PREFIX: &str = "todo_pat_";
/// `last_used_at` is written at most this often.
pub const LAST_USED_PRECISION: chrono::TimeDelta = chrono::TimeDelta::minutes(1);
/// Tokens one user may hold.
pub const PER_USER: u32 = 50;
const NAME_MAX: usize = 100;

pub fn is_api_token(bearer: &str) -> bool {
    bearer.starts_with(PREFIX)
}

pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

fn generate() -> String {
    let random = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    format!("{PREFIX}{random}")
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/tokens", get(list_tokens).post(create_token))
        .route("/api/{user_id}/tokens/{id}", delete(revoke_token))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreateToken {
    /// What the token is for, e.g. "kagent".
    #[schema(example = "kagent", min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: String,
    pub name: String,
    /// The secret: shown only in this answer.
    #[schema(example = "todo_pat_3f9c...")]
    pub token: String,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
}

#[derive(Deserialize, IntoParams)]
pub struct TokenPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
    /// Token id.
    id: String,
}

#[utoipa::path(post, path = "/api/{user_id}/tokens", tag = "tokens", params(UserPath),
    security(("bearer" = [])), request_body = CreateToken,
    responses(
        (status = 201, description = "Created; the secret is in this answer only", body = CreatedToken),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 422, description = "Invalid name, or too many tokens", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn create_token(
    user: AuthUser,
    State(state): State<AppState>,
    Json(body): Json<CreateToken>,
) -> ApiResult<(StatusCode, axum::Json<CreatedToken>)> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::field("name", format!("name must be 1 to {NAME_MAX} characters")));
    }
    let token = generate();
    let created = state.db.create_api_token(user.id(), name, &hash(&token), PER_USER).await?.ok_or_else(|| {
        ApiError::field("name", format!("you already have {PER_USER} tokens; revoke one you no longer use"))
    })?;
    tracing::info!(token_id = %created.id, "personal API token created");
    let ApiToken { id, name, created_at, .. } = created;
    Ok((StatusCode::CREATED, axum::Json(CreatedToken { id, name, token, created_at })))
}

#[utoipa::path(get, path = "/api/{user_id}/tokens", tag = "tokens", params(UserPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's tokens, oldest first (never the secrets)", body = Vec<ApiToken>),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
pub async fn list_tokens(user: AuthUser, State(state): State<AppState>) -> ApiResult<JsonList<ApiToken>> {
    Ok(JsonList(state.db.list_api_tokens(user.id()).await?))
}

#[utoipa::path(delete, path = "/api/{user_id}/tokens/{id}", tag = "tokens", params(TokenPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked: refused from now on, on every replica"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such token for this user", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn revoke_token(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TokenPath>,
) -> ApiResult<StatusCode> {
    if !state.db.revoke_api_token(user.id(), &path.id).await? {
        return Err(ApiError::NotFound("token"));
    }
    tracing::info!(token_id = %path.id, "personal API token revoked");
    Ok(StatusCode::NO_CONTENT)
}
