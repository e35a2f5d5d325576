use axum::{
    extract::{FromRef, FromRequestParts, RawPathParams},
    http::{header, request::Parts},
};
use chrono::Utc;

use super::api_tokens;
use crate::{app::AppState, error::ApiError};

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq)]
pub enum Credential {
    /// A session token (from sign-in or sign-up), with its session id.
    Session(String),
    /// A personal API token, by its id.
    ApiToken(String),
}

/// The caller proven by a valid bearer token, with no path check. Used where
/// there is no `{user_id}` in the path (the MCP endpoint, sign-out).
#[derive(Debug, Clone)]
pub struct BearerUser {
    pub user_id: String,
    pub credential: Credential,
}

/// The caller of a `/api/{user_id}/...` route: a valid bearer token (else 401)
/// whose subject is the `{user_id}` of the path (else 403).
#[derive(Debug, Clone)]
pub struct AuthUser(pub BearerUser);

impl AuthUser {
    pub fn id(&self) -> &str {
        &self.0.user_id
    }

    pub fn credential(&self) -> &Credential {
        &self.0.credential
    }
}

impl<S> FromRequestParts<S> for BearerUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        if api_tokens::is_api_token(token) {
            // One indexed lookup: a revoked token is refused at once everywhere.
            let owner = state.db.api_token_owner(&api_tokens::hash(token)).await?.ok_or(ApiError::Unauthorized)?;
            let now = Utc::now();
            if owner.last_used_at.is_none_or(|used| now - used > api_tokens::LAST_USED_PRECISION) {
                state.db.touch_api_token(&owner.token_id, now).await?;
            }
            return Ok(BearerUser { user_id: owner.user_id, credential: Credential::ApiToken(owner.token_id) });
        }
        let claims = state.keys.verify(token).ok_or(ApiError::Unauthorized)?;
        if !state.ended_sessions.is_loaded() {
            return Err(ApiError::Unavailable);
        }
        if state.ended_sessions.contains(&claims.sid) {
            return Err(ApiError::Unauthorized);
        }
        Ok(BearerUser { user_id: claims.sub, credential: Credential::Session(claims.sid) })
    }
}

impl<S> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = BearerUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("invalid path".into()))?;
        match params.iter().find(|(name, _)| *name == "user_id") {
            Some((_, path_user)) if path_user == user.user_id => Ok(AuthUser(user)),
            Some(_) => Err(ApiError::Forbidden),
            None => Ok(AuthUser(user)),
        }
    }
}
