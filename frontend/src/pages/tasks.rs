use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use serde::Deserialize;

use super::{notice_text, render, Layout};
use crate::{
    app::AppState,
    backend::{BackendError, Session, Task},
    error::PageError,
    session::{CsrfToken, SignedIn},
};

const FILTERS: [&str; 3] = ["all", "pending", "completed"];

#[derive(Template)]
#[template(path = "tasks.html")]
pub struct TasksPage {
    layout: Layout,
    filter: &'static str,
    rows: Vec<Row>,
    /// The add form, with what was typed and why it was refused.
    draft: Draft,
    /// Sent with the add form as its Idempotency-Key: a double click or a
    /// resubmitted form adds the task once.
    request_id: String,
}

/// A task, with its edit form when it is the one being edited (`?edit=ID`).
pub struct Row {
    task: Task,
    edit: Option<Draft>,
}

#[derive(Default)]
pub struct Draft {
    title: String,
    description: String,
    error: Option<String>,
}

impl From<&Task> for Draft {
    fn from(task: &Task) -> Self {
        Draft { title: task.title.clone(), description: task.description.clone().unwrap_or_default(), error: None }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    edit: Option<i64>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    request_id: String,
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

fn filter(raw: Option<&str>) -> &'static str {
    FILTERS.into_iter().find(|f| Some(*f) == raw).unwrap_or("all")
}

fn back_to_list(status: &str, notice: &str) -> Response {
    Redirect::to(&format!("/tasks?status={}&notice={notice}", filter(Some(status)))).into_response()
}

async fn page(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    filter: &'static str,
    draft: Draft,
    editing: Option<(i64, Option<Draft>)>,
    notice: Option<&'static str>,
) -> Result<TasksPage, PageError> {
    let tasks = state.backend.tasks(session, filter).await?;
    let (edit_id, mut edit_draft) = match editing {
        Some((id, draft)) => (Some(id), draft),
        None => (None, None),
    };
    let rows = tasks
        .into_iter()
        .map(|task| {
            let edit =
                if Some(task.id) == edit_id { edit_draft.take().or_else(|| Some(Draft::from(&task))) } else { None };
            Row { task, edit }
        })
        .collect();
    let request_id = uuid::Uuid::new_v4().to_string();
    Ok(TasksPage { layout: Layout::new(Some(session), csrf).with_notice(notice), filter, rows, draft, request_id })
}

/// The list again, with the refused form showing what was typed and why (422).
async fn refused(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    status: &str,
    draft: Draft,
    editing: Option<(i64, Option<Draft>)>,
) -> Result<Response, PageError> {
    let page = page(state, session, csrf, filter(Some(status)), draft, editing, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = filter(query.status.as_deref());
    let notice = notice_text(query.notice.as_deref());
    let page = page(&state, &session, &csrf, filter, Draft::default(), query.edit.map(|id| (id, None)), notice).await?;
    if query.edit.is_some() && page.rows.iter().all(|row| row.edit.is_none()) {
        return Err(PageError::NotFound);
    }
    render(&page)
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Form(form): Form<TaskForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let key = Some(form.request_id.as_str()).filter(|id| !id.is_empty());
    match state.backend.create_task(&session, &form.title, &form.description, key).await {
        Ok(_) => Ok(back_to_list(&form.status, "added")),
        Err(BackendError::Invalid(message)) => {
            let draft = Draft { title: form.title, description: form.description, error: Some(message) };
            refused(&state, &session, &csrf, &form.status, draft, None).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Path(id): Path<i64>,
    Form(form): Form<TaskForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    match state.backend.update_task(&session, id, &form.title, &form.description).await {
        Ok(_) => Ok(back_to_list(&form.status, "updated")),
        Err(BackendError::Invalid(message)) => {
            let draft = Draft { title: form.title, description: form.description, error: Some(message) };
            refused(&state, &session, &csrf, &form.status, Draft::default(), Some((id, Some(draft)))).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn toggle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let task = state.backend.toggle_task(&session, id).await?;
    Ok(back_to_list(&form.status, if task.completed { "completed" } else { "reopened" }))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    state.backend.delete_task(&session, id).await?;
    Ok(back_to_list(&form.status, "deleted"))
}
