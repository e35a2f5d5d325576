//! `/api/{user_id}/settings`: the user's time zone, in which "today",
//! "tomorrow 9am" and "overdue" are read and times are shown.

use axum::{extract::State, routing::get, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    app::AppState,
    auth::AuthUser,
    error::{extract::Json, ApiResult, ErrorBody},
    tasks::user_zone,
    validate,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/{user_id}/settings", get(get_settings).put(put_settings))
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Settings {
    /// An IANA time zone name (`UTC` until set).
    #[schema(example = "Asia/Karachi")]
    pub timezone: String,
}

#[derive(Deserialize, IntoParams)]
pub struct UserPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
}

#[utoipa::path(get, path = "/api/{user_id}/settings", tag = "settings", params(UserPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's settings", body = Settings),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
pub async fn get_settings(user: AuthUser, State(state): State<AppState>) -> ApiResult<axum::Json<Settings>> {
    let zone = user_zone(&state, user.id()).await?;
    Ok(axum::Json(Settings { timezone: zone.name().to_string() }))
}

#[utoipa::path(put, path = "/api/{user_id}/settings", tag = "settings", params(UserPath),
    security(("bearer" = [])), request_body = Settings,
    responses(
        (status = 200, description = "Saved", body = Settings),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 422, description = "Not a time zone of the tz database (`field: timezone`)", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn put_settings(
    user: AuthUser,
    State(state): State<AppState>,
    Json(body): Json<Settings>,
) -> ApiResult<axum::Json<Settings>> {
    let zone = validate::timezone(&body.timezone)?;
    state.db.set_timezone(user.id(), zone.name()).await?;
    Ok(axum::Json(Settings { timezone: zone.name().to_string() }))
}
