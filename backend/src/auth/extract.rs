use axum::{
    extract::{FromRef, FromRequestParts, RawPathParams},
    http::{header, request::Parts},
};

use crate::{app::AppState, error::ApiError};

/// The caller proven by a valid bearer token, with no path check. Used where
/// there is no `{user_id}` in the path (the MCP endpoint).
#[derive(Debug, Clone)]
pub struct BearerUser(pub String);

/// The caller of a `/api/{user_id}/...` route: a valid bearer token (else 401)
/// whose subject is the `{user_id}` of the path (else 403).
#[derive(Debug, Clone)]
pub struct AuthUser(pub String);

impl AuthUser {
    pub fn id(&self) -> &str {
        &self.0
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
            .ok_or(ApiError::Unauthorized)?;
        state.keys.verify(token.trim()).map(BearerUser).ok_or(ApiError::Unauthorized)
    }
}

impl<S> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let BearerUser(user_id) = BearerUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("invalid path".into()))?;
        match params.iter().find(|(name, _)| *name == "user_id") {
            Some((_, path_user)) if path_user == user_id => Ok(AuthUser(user_id)),
            Some(_) => Err(ApiError::Forbidden),
            None => Ok(AuthUser(user_id)),
        }
    }
}
