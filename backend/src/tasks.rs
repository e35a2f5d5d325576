//! `/api/{user_id}/tasks`: the REST face of the task list.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, patch},
    Router,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    app::AppState,
    auth::AuthUser,
    db::{StatusFilter, Task},
    error::{
        extract::{Json, Path, Query},
        ApiError, ApiResult, ErrorBody,
    },
    idempotency::{self, IdempotencyKey, IdempotencyKeyParam},
    json_list::{JsonBody, BYTES_PER_ITEM},
    validate,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/tasks", get(list_tasks).post(create_task))
        .route("/api/{user_id}/tasks/{id}", get(get_task).put(update_task).delete(delete_task))
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle_task))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Which tasks to list (default `all`).
    #[serde(default)]
    pub status: StatusFilter,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreateTask {
    /// 1–200 characters after trimming.
    #[schema(example = "Buy groceries", min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct UpdateTask {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// An empty string clears the description.
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    pub completed: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
}

#[derive(Deserialize, IntoParams)]
pub struct TaskPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
    /// Task id.
    id: i64,
}

fn not_found() -> ApiError {
    ApiError::NotFound("task")
}

#[utoipa::path(get, path = "/api/{user_id}/tasks", tag = "tasks", params(UserPath, ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's tasks, oldest first", body = Vec<Task>),
        (status = 400, description = "Unknown status filter", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn list_tasks(
    user: AuthUser,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> ApiResult<JsonBody> {
    // Room for 64 tasks before the buffer has to grow.
    let mut body = Vec::with_capacity(64 * BYTES_PER_ITEM);
    state.db.write_task_list(user.id(), query.status, &mut body).await?;
    Ok(JsonBody(body))
}

#[utoipa::path(post, path = "/api/{user_id}/tasks", tag = "tasks", params(UserPath, IdempotencyKeyParam),
    security(("bearer" = [])), request_body = CreateTask,
    responses(
        (status = 201, description = "Created (or, with a reused Idempotency-Key, the first answer again)", body = Task),
        (status = 400, description = "Malformed body or Idempotency-Key", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid title or description, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 503, description = "The database is unavailable or full; retry", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn create_task(
    user: AuthUser,
    State(state): State<AppState>,
    key: IdempotencyKey,
    Json(body): Json<CreateTask>,
) -> ApiResult<Response> {
    let task = validate::new_task(&body.title, body.description.as_deref())?;
    let keyed = key.for_request("POST /tasks", &body)?;
    let claim = keyed.as_ref().map(|keyed| keyed.claim(StatusCode::CREATED));
    let created = state.db.create_task(user.id(), &task, claim, state.config.task_limit).await?;
    match idempotency::not_done(keyed.as_ref(), created)? {
        Ok(created) => Ok((StatusCode::CREATED, axum::Json(created)).into_response()),
        Err(earlier_answer) => Ok(earlier_answer),
    }
}

#[utoipa::path(get, path = "/api/{user_id}/tasks/{id}", tag = "tasks", params(TaskPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task", body = Task),
        (status = 400, description = "Invalid task id", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn get_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
) -> ApiResult<axum::Json<Task>> {
    let task = state.db.get_task(user.id(), path.id).await?.ok_or_else(not_found)?;
    Ok(axum::Json(task))
}

#[utoipa::path(put, path = "/api/{user_id}/tasks/{id}", tag = "tasks", params(TaskPath),
    security(("bearer" = [])), request_body = UpdateTask,
    responses(
        (status = 200, description = "Updated", body = Task),
        (status = 400, description = "Malformed body or task id", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid title or description", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn update_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
    Json(body): Json<UpdateTask>,
) -> ApiResult<axum::Json<Task>> {
    let changes = validate::task_changes(body.title.as_deref(), body.description.as_deref(), body.completed)?;
    let task = state.db.update_task(user.id(), path.id, &changes).await?.ok_or_else(not_found)?;
    Ok(axum::Json(task))
}

#[utoipa::path(delete, path = "/api/{user_id}/tasks/{id}", tag = "tasks", params(TaskPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid task id", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn delete_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
) -> ApiResult<StatusCode> {
    state.db.delete_task(user.id(), path.id).await?.ok_or_else(not_found)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/api/{user_id}/tasks/{id}/complete", tag = "tasks", params(TaskPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Completion toggled", body = Task),
        (status = 400, description = "Invalid task id", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn toggle_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
) -> ApiResult<axum::Json<Task>> {
    let task = state.db.toggle_task(user.id(), path.id).await?.ok_or_else(not_found)?;
    Ok(axum::Json(task))
}
