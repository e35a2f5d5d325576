//! Accounts: sign-up, sign-in, sign-out, password change, deletion.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{delete, post, put},
    Router,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{AuthUser, BearerUser, Credential},
    throttle::{Attempt, ClientAddress, Throttle},
};
use crate::{
    app::AppState,
    db::User,
    error::{extract::Json, ApiError, ApiResult, ErrorBody},
    validate,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/sign-up", post(sign_up))
        .route("/api/auth/sign-in", post(sign_in))
        .route("/api/auth/sign-out", post(sign_out))
        .route("/api/{user_id}/password", put(change_password))
        .route("/api/{user_id}", delete(delete_account))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct AuthRequest {
    #[schema(example = "ada@example.com", format = "email", max_length = 254)]
    pub email: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(example = "correct horse battery", min_length = 8, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    /// Bearer token (JWT, HS256) for `Authorization: Bearer ...`.
    pub token: String,
    pub user: User,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PasswordConfirmation {
    pub password: String,
}

#[derive(Deserialize, IntoParams)]
pub struct UserPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
}

fn wrong_password() -> ApiError {
    ApiError::Coded {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "wrong_password",
        message: "the password is not right".into(),
    }
}

/// Starts a session for `user` and answers with its token.
async fn start_session(state: &AppState, user: User) -> ApiResult<AuthResponse> {
    let issued = state.keys.issue(&user.id)?;
    state.db.create_session(&user.id, &issued.session_id, issued.expires_at).await?;
    Ok(AuthResponse { token: issued.token, user })
}

#[utoipa::path(post, path = "/api/auth/sign-up", tag = "auth", request_body = AuthRequest,
    responses(
        (status = 201, description = "Account created", body = AuthResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid email, or a weak password", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
        (status = 503, description = "Busy (too many password hashes at once) or the database is unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    State(state): State<AppState>,
    client: ClientAddress,
    Json(request): Json<AuthRequest>,
) -> ApiResult<(StatusCode, axum::Json<AuthResponse>)> {
    state.throttle.attempt(Attempt::SignUp, &client)?;
    let email = validate::email(&request.email)?;
    validate::password(&request.password)?;
    let taken = || ApiError::Conflict("an account with this email already exists".into());
    if state.db.user_by_email(&email).await?.is_some() {
        return Err(taken());
    }
    let hash = state.hasher.hash(request.password).await?;
    let user = state.db.create_user(&email, &hash).await.map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => taken(),
        other => other,
    })?;
    tracing::info!(user_id = %user.id, "account created");
    Ok((StatusCode::CREATED, axum::Json(start_session(&state, user).await?)))
}

#[utoipa::path(post, path = "/api/auth/sign-in", tag = "auth", request_body = AuthRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Missing fields", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins for this account, or attempts from this address", body = ErrorBody),
        (status = 503, description = "Busy (too many password hashes at once) or the database is unavailable", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    Json(request): Json<AuthRequest>,
) -> ApiResult<axum::Json<AuthResponse>> {
    state.throttle.attempt(Attempt::SignIn, &client)?;
    // The same form the address was stored in (an older account's address
    // may fail today's rules, so it is still looked up as typed); one no
    // store could hold (NUL, longer than any address) belongs to no account
    // and is answered as a wrong password, in as long, without a lookup.
    let email = validate::email(&request.email).unwrap_or_else(|_| request.email.trim().to_lowercase());
    if email.contains('\0') || email.len() > validate::EMAIL_MAX {
        state.hasher.verify(request.password, None).await?;
        return Err(ApiError::InvalidCredentials);
    }
    Throttle::check_account(&state.db, &email).await?;
    let user = state.db.user_by_email(&email).await?;
    let stored = user.as_ref().map(|user| user.password_hash.clone());
    if !state.hasher.verify(request.password, stored).await? {
        state.db.record_sign_in_failure(&email, super::throttle::ACCOUNT_WINDOW).await?;
        return Err(ApiError::InvalidCredentials);
    }
    let user = user.ok_or(ApiError::InvalidCredentials)?;
    state.db.clear_sign_in_failures(&email).await?;
    Ok(axum::Json(start_session(&state, user).await?))
}

#[utoipa::path(post, path = "/api/auth/sign-out", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "The session is ended: its token is refused from now on"),
        (status = 400, description = "A personal API token: revoke it instead", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.user_id))]
pub async fn sign_out(State(state): State<AppState>, user: BearerUser) -> ApiResult<StatusCode> {
    let Credential::Session(session_id) = &user.credential else {
        return Err(ApiError::BadRequest("this is a personal API token: revoke it in the settings instead".into()));
    };
    state.db.end_session(&user.user_id, session_id).await?;
    let expires = chrono::Utc::now() + state.config.token_ttl;
    state.ended_sessions.add([(session_id.clone(), expires)]);
    tracing::info!("signed out");
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the user's password (counted like a sign-in, so this is no way
/// around the sign-in limit); 422 `wrong_password` when it is not right.
async fn confirm_password(state: &AppState, user_id: &str, password: String) -> ApiResult<User> {
    let user = state.db.user_by_id(user_id).await?.ok_or(ApiError::Unauthorized)?;
    Throttle::check_account(&state.db, &user.email).await?;
    if !state.hasher.verify(password, Some(user.password_hash.clone())).await? {
        state.db.record_sign_in_failure(&user.email, super::throttle::ACCOUNT_WINDOW).await?;
        return Err(wrong_password());
    }
    Ok(user)
}

#[utoipa::path(put, path = "/api/{user_id}/password", tag = "auth", params(UserPath),
    security(("bearer" = [])), request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; every other session of the user is ended (personal API tokens are kept)"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 422, description = "`wrong_password`, or a weak new password", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn change_password(
    user: AuthUser,
    State(state): State<AppState>,
    Json(request): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    validate::password(&request.new_password).map_err(|error| ApiError::field("new_password", error.to_string()))?;
    confirm_password(&state, user.id(), request.current_password).await?;
    let hash = state.hasher.hash(request.new_password).await?;
    let keep = match user.credential() {
        Credential::Session(session_id) => Some(session_id.as_str()),
        Credential::ApiToken(_) => None,
    };
    let ended = state.db.change_password(user.id(), &hash, keep).await?;
    tracing::info!(sessions_ended = ended.len(), "password changed");
    state.ended_sessions.add(ended);
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/{user_id}", tag = "auth", params(UserPath),
    security(("bearer" = [])), request_body = PasswordConfirmation,
    responses(
        (status = 204, description = "The account and all its data are deleted; its sessions are ended"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 422, description = "`wrong_password`", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn delete_account(
    user: AuthUser,
    State(state): State<AppState>,
    Json(request): Json<PasswordConfirmation>,
) -> ApiResult<StatusCode> {
    let account = confirm_password(&state, user.id(), request.password).await?;
    let ended = state.db.delete_user(user.id(), &account.email).await?;
    state.ended_sessions.add(ended);
    tracing::info!("account deleted");
    Ok(StatusCode::NO_CONTENT)
}
