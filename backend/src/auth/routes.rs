use axum::{extract::State, http::StatusCode, routing::post, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::password;
use crate::{
    app::AppState,
    db::User,
    error::{extract::Json, ApiError, ApiResult, ErrorBody},
    validate,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/auth/sign-up", post(sign_up)).route("/api/auth/sign-in", post(sign_in))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct AuthRequest {
    #[schema(example = "ada@example.com", format = "email", max_length = 254)]
    pub email: String,
    /// 8 to 128 characters.
    #[schema(example = "correct horse battery", min_length = 8, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    /// Bearer token (JWT, HS256) for `Authorization: Bearer ...`.
    pub token: String,
    pub user: User,
}

#[utoipa::path(post, path = "/api/auth/sign-up", tag = "auth", request_body = AuthRequest,
    responses(
        (status = 201, description = "Account created", body = AuthResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid email or password", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    State(state): State<AppState>,
    Json(request): Json<AuthRequest>,
) -> ApiResult<(StatusCode, axum::Json<AuthResponse>)> {
    let email = validate::email(&request.email)?;
    validate::password(&request.password)?;
    if state.db.user_by_email(&email).await?.is_some() {
        return Err(ApiError::Conflict("an account with this email already exists".into()));
    }
    let hash = password::hash(request.password).await?;
    let user = state.db.create_user(&email, &hash).await.map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::Conflict("an account with this email already exists".into()),
        other => other,
    })?;
    tracing::info!(user_id = %user.id, "account created");
    let token = state.keys.issue(&user.id)?;
    Ok((StatusCode::CREATED, axum::Json(AuthResponse { token, user })))
}

#[utoipa::path(post, path = "/api/auth/sign-in", tag = "auth", request_body = AuthRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Missing fields", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<AppState>,
    Json(request): Json<AuthRequest>,
) -> ApiResult<axum::Json<AuthResponse>> {
    let email = request.email.trim().to_lowercase();
    let Some(user) = state.db.user_by_email(&email).await? else {
        return Err(ApiError::InvalidCredentials);
    };
    if !password::verify(request.password, user.password_hash.clone()).await? {
        return Err(ApiError::InvalidCredentials);
    }
    let token = state.keys.issue(&user.id)?;
    Ok(axum::Json(AuthResponse { token, user }))
}
