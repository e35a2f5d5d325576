//! `/tasks`: the list with search, filters, sort and pages, the add form,
//! and each task's edit, complete and delete forms. Every form posts,
//! then redirects back to the same view of the list.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    notice::{self, Notice},
    render,
    task_form::{Draft, TaskForm},
    task_list::{ListQuery, View, DUES, PRIORITIES, SORTS},
    Layout,
};
use crate::{
    app::AppState,
    backend::{BackendError, Session, Task},
    error::PageError,
    local_time::{Urgency, Zone},
    session::{CsrfToken, SignedIn},
};

#[derive(Template)]
#[template(path = "tasks.html")]
pub struct TasksPage {
    layout: Layout,
    view: View,
    rows: Vec<Row>,
    total: i64,
    /// The next page's link, when more tasks match.
    next: Option<String>,
    /// Why the backend refused the list's parameters (a malformed tag).
    list_error: Option<String>,
    /// The add form, with what was typed and why it was refused.
    draft: Draft,
    /// Sent with the add form as its Idempotency-Key: a double click or a
    /// resubmitted form adds the task once.
    request_id: String,
    /// Where focus goes as the page loads: after adding, the add form
    /// again; after deleting, the list.
    focus: Focus,
}

#[derive(PartialEq, Clone, Copy)]
pub enum Focus {
    None,
    AddForm,
    List,
    /// A task's row: the one just edited, completed or reopened.
    Task(i64),
}

/// A task as its row shows it, with its edit form when it is the one
/// being edited (`?edit=ID`).
pub struct Row {
    task: Task,
    due: Option<String>,
    urgency: Urgency,
    reminder: Option<String>,
    edit: Option<Draft>,
}

impl Row {
    fn new(task: Task, zone: Zone, now: DateTime<Utc>) -> Self {
        let urgency = match (&task.due_at, task.completed) {
            (Some(at), false) => zone.urgency(at, now),
            _ => Urgency::None,
        };
        let mut due = task.due_at.as_deref().map(|at| zone.describe(at, now));
        if urgency == Urgency::Today {
            // The "Due today" badge says the day; only a time is left to say.
            due =
                due.and_then(|due| Some(due.strip_prefix("Today")?.trim().to_string())).filter(|time| !time.is_empty());
        }
        let reminder = task.remind_at.as_deref().map(|at| zone.describe(at, now));
        Row { task, due, urgency, reminder, edit: None }
    }

    fn priority_label(&self) -> &'static str {
        priority_label(&self.task.priority)
    }

    fn repeats(&self) -> &'static str {
        match self.task.recurrence.as_deref() {
            Some("daily") => "Daily",
            Some("weekdays") => "Weekdays",
            Some("weekly") => "Weekly",
            Some("monthly") => "Monthly",
            Some("yearly") => "Yearly",
            _ => "",
        }
    }

    /// True when the row has a line of details under its title.
    fn has_meta(&self) -> bool {
        self.urgency != Urgency::None
            || self.due.is_some()
            || !self.priority_label().is_empty()
            || self.reminder.is_some()
            || !self.repeats().is_empty()
            || !self.task.tags.is_empty()
    }

    fn overdue(&self) -> bool {
        self.urgency == Urgency::Overdue
    }

    fn due_today(&self) -> bool {
        self.urgency == Urgency::Today
    }
}

pub fn priority_label(priority: &str) -> &'static str {
    match priority {
        "high" => "High",
        "medium" => "Medium",
        "low" => "Low",
        _ => "",
    }
}

impl TasksPage {
    fn due_label(&self, due: &str) -> &'static str {
        match due {
            "overdue" => "Overdue",
            "today" => "Due today",
            "week" => "Due this week",
            "none" => "No due date",
            _ => "Any time",
        }
    }

    fn sort_label(&self, sort: &str) -> &'static str {
        match sort {
            "due" => "Due date",
            "priority" => "Priority",
            "title" => "Title",
            "updated" => "Last changed",
            _ => "Newest first",
        }
    }

    fn priority_choice(&self, priority: &str) -> &'static str {
        match priority {
            "none" => "No priority",
            other => priority_label(other),
        }
    }

    fn last_position(&self) -> i64 {
        i64::from(self.view.first_position()) + self.rows.len() as i64 - 1
    }

    fn status_href(&self, status: &'static str) -> String {
        self.view.with_status(status)
    }

    fn tag_href(&self, tag: &str) -> String {
        self.view.with_tag(tag)
    }

    // Askama passes loop values by reference.
    fn focus_on(&self, task: &i64) -> bool {
        self.focus == Focus::Task(*task)
    }

    fn edit_href(&self, task: &i64) -> String {
        self.view.edit_href(*task)
    }
}

/// The form fields that only say where to go back to.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// The list in `view` again, with `notice` shown once. The task it is
/// about gets focus by `autofocus` (which a `#task-N` in the URL would
/// turn off).
fn back_to(state: &AppState, jar: CookieJar, back: &str, notice: Notice) -> Response {
    let href = View::from_back(back).href();
    (notice::set(jar, state.config.cookie_secure, notice), Redirect::to(&href)).into_response()
}

/// What a page of the list shows; the edit form of `editing` is open,
/// with its draft when an edit was refused.
struct Shown {
    view: View,
    draft: Draft,
    editing: Option<(i64, Option<Draft>)>,
    notice: Option<Notice>,
}

async fn page(state: &AppState, session: &Session, csrf: &CsrfToken, shown: Shown) -> Result<TasksPage, PageError> {
    let query = shown.view.backend_query();
    let (settings, list) = tokio::join!(state.backend.settings(session), state.backend.tasks(session, &query));
    let zone = Zone::named(&settings?.timezone);
    let (list, list_error) = match list {
        Ok(list) => (list, None),
        // A parameter the backend refuses (a malformed tag): say why, list nothing.
        Err(BackendError::Invalid(message)) => (Default::default(), Some(message)),
        Err(other) => return Err(other.into()),
    };
    let now = Utc::now();
    let (edit_id, mut edit_draft) = match shown.editing {
        Some((id, draft)) => (Some(id), draft),
        None => (None, None),
    };
    let mut rows: Vec<Row> = list
        .tasks
        .into_iter()
        .map(|task| {
            let edit = (Some(task.id) == edit_id).then(|| edit_draft.take().unwrap_or_else(|| Draft::of(&task, zone)));
            Row { edit, ..Row::new(task, zone, now) }
        })
        .collect();
    if let Some(id) = edit_id.filter(|id| !rows.iter().any(|row| row.task.id == *id)) {
        // A task outside this page of the list (or unknown: 404) is edited on top of it.
        let task = state.backend.task(session, id).await?;
        let edit = Some(edit_draft.take().unwrap_or_else(|| Draft::of(&task, zone)));
        rows.insert(0, Row { edit, ..Row::new(task, zone, now) });
    }
    let focus = match shown.notice.as_ref() {
        Some(Notice { code: "added", .. }) => Focus::AddForm,
        Some(Notice { code: "deleted", .. }) => Focus::List,
        Some(Notice { task: Some(task), .. }) => Focus::Task(*task),
        _ if shown.draft.error.is_some() => Focus::AddForm,
        _ => Focus::None,
    };
    let next = list.next_cursor.map(|cursor| shown.view.next_page(cursor).href());
    Ok(TasksPage {
        layout: Layout::new(Some(session), csrf).with_notice(shown.notice.as_ref()).with_timezone(zone),
        view: shown.view,
        rows,
        total: list.total,
        next,
        list_error,
        draft: shown.draft,
        request_id: uuid::Uuid::new_v4().to_string(),
        focus,
    })
}

/// The list again, with the refused form showing what was typed and why (422).
async fn refused(state: &AppState, session: &Session, csrf: &CsrfToken, shown: Shown) -> Result<Response, PageError> {
    let page = page(state, session, csrf, shown).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (jar, notice) = notice::take(jar, state.config.cookie_secure);
    let shown =
        Shown { view: View::from(&query), draft: Draft::default(), editing: query.edit.map(|id| (id, None)), notice };
    let page = page(&state, &session, &csrf, shown).await?;
    Ok((jar, render(&page)?).into_response())
}

/// The user's zone, for reading the form's dates.
async fn zone(state: &AppState, session: &Session) -> Result<Zone, PageError> {
    Ok(Zone::named(&state.backend.settings(session).await?.timezone))
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<TaskForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let key = Some(form.request_id.as_str()).filter(|id| !id.is_empty());
    let result = match form.to_new(zone(&state, &session).await?) {
        Ok(fields) => state.backend.create_task(&session, &fields, key).await.map_err(|error| match error {
            BackendError::Invalid(message) => Ok(message),
            other => Err(other),
        }),
        Err(message) => Err(Ok(message)),
    };
    match result {
        Ok(_) => Ok(back_to(&state, jar, &form.back, Notice::new("added"))),
        Err(Ok(message)) => {
            let shown =
                Shown { view: View::from_back(&form.back), draft: form.draft(message), editing: None, notice: None };
            refused(&state, &session, &csrf, shown).await
        }
        Err(Err(other)) => Err(other.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Path(id): Path<i64>,
    Form(form): Form<TaskForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let result = match form.to_update(zone(&state, &session).await?) {
        Ok(fields) => state.backend.update_task(&session, id, &fields).await.map_err(|error| match error {
            BackendError::Invalid(message) => Ok(message),
            other => Err(other),
        }),
        Err(message) => Err(Ok(message)),
    };
    match result {
        Ok(_) => Ok(back_to(&state, jar, &form.back, Notice::about("updated", id))),
        Err(Ok(message)) => {
            let view = View::from_back(&form.back);
            let shown =
                Shown { view, draft: Draft::default(), editing: Some((id, Some(form.draft(message)))), notice: None };
            refused(&state, &session, &csrf, shown).await
        }
        Err(Err(other)) => Err(other.into()),
    }
}

pub async fn toggle(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let task = state.backend.toggle_task(&session, id).await?;
    let code = if task.completed { "completed" } else { "reopened" };
    Ok(back_to(&state, jar, &form.back, Notice::about(code, id)))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    state.backend.delete_task(&session, id).await?;
    Ok(back_to(&state, jar, &form.back, Notice::new("deleted")))
}

/// The choices of the search form's menus, for the template.
impl TasksPage {
    fn priorities(&self) -> &'static [&'static str] {
        &PRIORITIES
    }

    fn dues(&self) -> &'static [&'static str] {
        &DUES
    }

    fn sorts(&self) -> &'static [&'static str] {
        &SORTS
    }
}
