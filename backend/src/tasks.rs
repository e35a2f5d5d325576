//! `/api/{user_id}/tasks`: the REST face of the task list.

use axum::{
    extract::{RawQuery, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
    Router,
};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    app::AppState,
    auth::AuthUser,
    db::{Edited, PageEnd},
    error::{
        extract::{Json, Path, Query},
        ApiError, ApiResult, ErrorBody,
    },
    idempotency::{self, IdempotencyKey, IdempotencyKeyParam},
    json_list::{JsonBody, JsonList},
    task::{
        list::{Cursor, DueFilter, Order, Sort, StatusFilter, TaskQuery, PAGE_DEFAULT, PAGE_MAX},
        Change, NewTask, Priority, Recurrence, Task, TaskChanges,
    },
    validate,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/tasks", get(list_tasks).post(create_task))
        .route("/api/{user_id}/tasks/{id}", get(get_task).put(update_task).delete(delete_task))
        .route("/api/{user_id}/tasks/{id}/complete", patch(toggle_task))
        .route("/api/{user_id}/reminders/claim", post(claim_reminders))
}

const TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");

/// The list's parameters, all optional and combinable. Unknown values are
/// 400; unknown parameter names are ignored.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Which tasks to list (default `all`).
    #[serde(default)]
    pub status: StatusFilter,
    /// Case-insensitive text to find in the title or description.
    pub q: Option<String>,
    /// One or more priorities, comma-separated (`high,medium`).
    pub priority: Option<String>,
    /// One or more tags, comma-separated: a task must carry all of them.
    pub tag: Option<String>,
    /// `overdue`, `today`, `week` (now to the end of the 7th day) or `none`,
    /// in the user's time zone.
    pub due: Option<DueFilter>,
    /// `created` (default), `due`, `priority`, `title` or `updated`.
    pub sort: Option<Sort>,
    /// `asc` (default; `desc` for `priority`) or `desc`.
    pub order: Option<Order>,
    /// Tasks per page, 1–200 (default 100).
    pub limit: Option<u32>,
    /// Where to continue: from the `Link` header of the previous page.
    pub cursor: Option<String>,
}

/// A new task. Optional fields may be left out or `null`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CreateTask {
    /// 1–200 characters after trimming.
    #[schema(example = "Pay rent", min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Up to 10 tags of 1–32 letters, digits, `-` or `_`.
    #[serde(default)]
    #[schema(example = json!(["home"]))]
    pub tags: Option<Vec<String>>,
    /// RFC 3339 with an offset, e.g. `2026-11-23T09:00:00+05:00`.
    #[serde(default)]
    pub due_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub remind_at: Option<DateTime<FixedOffset>>,
    /// Needs a `due_at`.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

/// Changes to a task: a field left out stays as it is; `null` clears an
/// optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateTask {
    /// Cannot be cleared.
    #[serde(default)]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub title: Change<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000)]
    pub description: Change<String>,
    #[serde(default)]
    pub completed: Option<bool>,
    /// `null` sets `none`.
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Change<Priority>,
    /// `null` removes every tag.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Change<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<FixedOffset>>)]
    pub due_at: Change<DateTime<FixedOffset>>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<FixedOffset>>)]
    pub remind_at: Change<DateTime<FixedOffset>>,
    #[serde(default)]
    #[schema(value_type = Option<Recurrence>)]
    pub recurrence: Change<Recurrence>,
}

impl CreateTask {
    pub fn validate(&self) -> ApiResult<NewTask> {
        let task = NewTask {
            title: validate::title(&self.title)?,
            description: self.description.as_deref().map(validate::description).transpose()?.flatten(),
            priority: self.priority.unwrap_or_default(),
            tags: validate::tags(self.tags.as_deref().unwrap_or_default())?,
            due_at: self.due_at.map(|at| validate::instant("due_at", at)).transpose()?,
            remind_at: self.remind_at.map(|at| validate::instant("remind_at", at)).transpose()?,
            recurrence: self.recurrence,
        };
        if task.recurrence.is_some() && task.due_at.is_none() {
            return Err(ApiError::field("recurrence", "a recurring task needs a due_at"));
        }
        Ok(task)
    }
}

impl UpdateTask {
    pub fn validate(&self) -> ApiResult<TaskChanges> {
        let instant =
            |field: &'static str, change: &Change<DateTime<FixedOffset>>| -> ApiResult<Change<DateTime<Utc>>> {
                Ok(match change {
                    Change::Keep => Change::Keep,
                    Change::Clear => Change::Clear,
                    Change::Set(at) => Change::Set(validate::instant(field, *at)?),
                })
            };
        Ok(TaskChanges {
            title: match &self.title {
                Change::Keep => None,
                Change::Set(title) => Some(validate::title(title)?),
                Change::Clear => return Err(ApiError::field("title", "a task needs a title")),
            },
            description: match &self.description {
                Change::Set(text) => validate::description(text)?.map_or(Change::Clear, Change::Set),
                other => other.clone(),
            },
            completed: self.completed,
            priority: match self.priority {
                Change::Keep => None,
                Change::Set(priority) => Some(priority),
                Change::Clear => Some(Priority::None),
            },
            tags: match &self.tags {
                Change::Keep => None,
                Change::Set(tags) => Some(validate::tags(tags)?),
                Change::Clear => Some(Default::default()),
            },
            due_at: instant("due_at", &self.due_at)?,
            remind_at: instant("remind_at", &self.remind_at)?,
            recurrence: self.recurrence.clone(),
            ..Default::default()
        })
    }
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
    /// The task's number.
    id: i64,
}

fn not_found() -> ApiError {
    ApiError::NotFound("task")
}

/// What an edit answers.
fn edited(edit: Edited) -> ApiResult<axum::Json<Task>> {
    match edit {
        Edited::Done { task, .. } => Ok(axum::Json(*task)),
        Edited::NotFound => Err(not_found()),
        Edited::AtLimit => Err(ApiError::task_limit()),
        Edited::Invalid { field, message } => Err(ApiError::field(field, message)),
    }
}

impl ListParams {
    /// The query these parameters ask for, as of `now` in `zone`.
    pub fn to_query(&self, now: DateTime<Utc>, zone: chrono_tz::Tz) -> ApiResult<TaskQuery> {
        let bad = |message: String| ApiError::BadRequest(message);
        let sort = self.sort.unwrap_or_default();
        let order = self.order.unwrap_or(sort.default_order());
        let limit = self.limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(bad(format!("limit must be between 1 and {PAGE_MAX}")));
        }
        let priorities = list(self.priority.as_deref())
            .map(|raw| Priority::parse(raw).ok_or_else(|| bad(format!("unknown priority {raw:?}"))))
            .collect::<ApiResult<Vec<_>>>()?;
        let tags: Vec<String> = list(self.tag.as_deref()).map(str::to_string).collect();
        let tags = validate::tags(&tags).map_err(|error| bad(error.to_string()))?;
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => match Cursor::decode(text) {
                Some(cursor) if cursor.sort == sort && cursor.order == order => Some(cursor),
                _ => return Err(bad("cursor is not valid for this list; start again without it".into())),
            },
        };
        let search = self.q.as_deref().map(validate::search).transpose().map_err(|e| bad(e.to_string()))?;
        Ok(TaskQuery {
            status: self.status,
            search: search.filter(|s| !s.is_empty()),
            priorities,
            tags,
            due: self.due.map(|due| due.window(now, zone)),
            sort,
            order,
            limit,
            after,
        })
    }

    fn needs_zone(&self) -> bool {
        matches!(self.due, Some(DueFilter::Today | DueFilter::Week))
    }
}

/// The items of a comma-separated parameter.
fn list(raw: Option<&str>) -> impl Iterator<Item = &str> {
    raw.unwrap_or_default().split(',').map(str::trim).filter(|item| !item.is_empty())
}

/// The user's time zone (UTC until they set one).
pub async fn user_zone(state: &AppState, user_id: &str) -> ApiResult<chrono_tz::Tz> {
    let name = state.db.timezone(user_id).await?;
    Ok(name.and_then(|name| name.parse().ok()).unwrap_or(chrono_tz::UTC))
}

#[utoipa::path(get, path = "/api/{user_id}/tasks", tag = "tasks", params(UserPath, ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the user's tasks. `X-Total-Count` gives how many match; when more follow, `Link: <...>; rel=\"next\"` gives the next page.", body = Vec<Task>,
            headers(("X-Total-Count" = i64, description = "Tasks matching the filters"), ("Link" = String, description = "RFC 8288 link to the next page"))),
        (status = 400, description = "An unknown value of a parameter, or a cursor from another list", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn list_tasks(
    user: AuthUser,
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let zone = if params.needs_zone() { user_zone(&state, user.id()).await? } else { chrono_tz::UTC };
    let query = params.to_query(Utc::now(), zone)?;
    let mut body = Vec::new();
    let PageEnd { total, next } = state.db.write_task_page(user.id(), &query, &mut body).await?;
    let mut response = JsonBody(body).into_response();
    response.headers_mut().insert(TOTAL_COUNT, HeaderValue::from(total.unwrap_or_default()));
    if let Some(cursor) = next {
        let link =
            format!("</api/{}/tasks?{}>; rel=\"next\"", user.id(), with_cursor(raw.as_deref(), &cursor.encode()));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// The request's query string with `cursor` replaced.
fn with_cursor(raw: Option<&str>, cursor: &str) -> String {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default();
    let mut kept: Vec<(String, String)> = pairs.into_iter().filter(|(name, _)| name != "cursor").collect();
    kept.push(("cursor".into(), cursor.into()));
    serde_urlencoded::to_string(kept).unwrap_or_default()
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
        (status = 422, description = "An invalid field (named in `field`), `task_limit_reached`, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 503, description = "The database is unavailable or full; retry", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn create_task(
    user: AuthUser,
    State(state): State<AppState>,
    key: IdempotencyKey,
    Json(body): Json<CreateTask>,
) -> ApiResult<Response> {
    let task = body.validate()?;
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
        (status = 400, description = "Invalid task number", body = ErrorBody),
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
        (status = 200, description = "Updated. Completing a recurring task also creates its next occurrence.", body = Task),
        (status = 400, description = "Malformed body or task number", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "An invalid field (named in `field`), or `task_limit_reached`", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn update_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
    Json(body): Json<UpdateTask>,
) -> ApiResult<axum::Json<Task>> {
    let changes = body.validate()?;
    edited(state.db.update_task(user.id(), path.id, &changes, state.config.task_limit).await?)
}

#[utoipa::path(delete, path = "/api/{user_id}/tasks/{id}", tag = "tasks", params(TaskPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid task number", body = ErrorBody),
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
        (status = 200, description = "Completion toggled. Completing a recurring task also creates its next occurrence.", body = Task),
        (status = 400, description = "Invalid task number", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such task for this user", body = ErrorBody),
        (status = 422, description = "`task_limit_reached` (a recurring task's next occurrence would not fit)", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn toggle_task(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<TaskPath>,
) -> ApiResult<axum::Json<Task>> {
    edited(state.db.toggle_task(user.id(), path.id, state.config.task_limit).await?)
}

#[utoipa::path(post, path = "/api/{user_id}/reminders/claim", tag = "tasks", params(UserPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's due reminders, now marked delivered: each is claimed by one caller only (one tab or device)", body = Vec<Task>),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn claim_reminders(user: AuthUser, State(state): State<AppState>) -> ApiResult<JsonList<Task>> {
    Ok(JsonList(state.db.claim_reminders(user.id()).await?))
}
