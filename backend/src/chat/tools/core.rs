//! The five tools as typed functions: what the built-in agent runs, and
//! what the JSON adapter (for language models and MCP) calls.

use chrono::Utc;
use chrono_tz::Tz;

use super::{
    args::{AddTask, Clearable, ListTasks, OutcomeStatus, TaskList, TaskOutcome, TaskSummary, UpdateTask},
    Caller, ToolError,
};
use crate::{
    db::{Created, Edited},
    error::ApiError,
    task::{
        list::{TaskQuery, PAGE_MAX},
        Change, NewTask, TaskChanges,
    },
    validate,
};

/// Tasks `list_tasks` returns unless asked for more: a tool result goes
/// into the model's context and into the stored conversation.
pub const LIST_DEFAULT: u32 = 50;

fn invalid(error: ApiError) -> ToolError {
    match error {
        ApiError::Invalid { field, message } if !message.starts_with(field.as_ref()) => {
            ToolError::InvalidArguments(format!("{field}: {message}"))
        }
        other => ToolError::InvalidArguments(other.to_string()),
    }
}

fn tags(raw: &Option<Vec<String>>) -> Result<crate::task::Tags, ToolError> {
    validate::tags(raw.as_deref().unwrap_or_default()).map_err(invalid)
}

pub async fn add(caller: &Caller<'_>, args: AddTask) -> Result<TaskOutcome, ToolError> {
    let task = NewTask {
        title: validate::title(&args.title).map_err(invalid)?,
        description: args.description.as_deref().map(validate::description).transpose().map_err(invalid)?.flatten(),
        priority: args.priority.unwrap_or_default(),
        tags: tags(&args.tags)?,
        due_at: args.due_at.map(|at| validate::instant("due_at", at)).transpose().map_err(invalid)?,
        remind_at: args.remind_at.map(|at| validate::instant("remind_at", at)).transpose().map_err(invalid)?,
        recurrence: args.recurrence,
    };
    if task.recurrence.is_some() && task.due_at.is_none() {
        return Err(ToolError::InvalidArguments("recurrence needs a due_at".into()));
    }
    match caller.db.create_task(caller.user_id, &task, None, caller.task_limit).await? {
        Created::Done(created) => Ok(TaskOutcome::of(&created, OutcomeStatus::Created)),
        Created::AtLimit | Created::Earlier(_) => Err(ToolError::TaskLimit(caller.task_limit)),
    }
}

pub async fn list(caller: &Caller<'_>, args: ListTasks) -> Result<TaskList, ToolError> {
    let tags: Vec<String> = args.tag.unwrap_or_default();
    let sort = args.sort.unwrap_or_default();
    let query = TaskQuery {
        status: args.status.unwrap_or_default(),
        search: args.q.as_deref().map(validate::search).transpose().map_err(invalid)?.filter(|q| !q.is_empty()),
        priorities: args.priority.unwrap_or_default(),
        tags: validate::tags(&tags).map_err(invalid)?,
        due: match args.due {
            Some(due) => Some(due.window(Utc::now(), caller.zone().await?)),
            None => None,
        },
        sort,
        order: args.order.unwrap_or(sort.default_order()),
        limit: args.limit.unwrap_or(LIST_DEFAULT).clamp(1, PAGE_MAX),
        after: None,
    };
    let page = caller.db.list_tasks(caller.user_id, &query).await?;
    Ok(TaskList { tasks: page.tasks.iter().map(TaskSummary::from).collect(), total: page.total })
}

/// Marks the task completed (never toggles): completing a completed task
/// changes nothing.
pub async fn complete(caller: &Caller<'_>, task_id: i64) -> Result<TaskOutcome, ToolError> {
    let changes = TaskChanges { completed: Some(true), ..Default::default() };
    edit(caller, task_id, &changes, OutcomeStatus::Completed).await
}

pub async fn delete(caller: &Caller<'_>, task_id: i64) -> Result<TaskOutcome, ToolError> {
    let task = caller.db.delete_task(caller.user_id, task_id).await?.ok_or(ToolError::NotFound(task_id))?;
    Ok(TaskOutcome::of(&task, OutcomeStatus::Deleted))
}

pub async fn update(caller: &Caller<'_>, args: UpdateTask) -> Result<TaskOutcome, ToolError> {
    let changes = changes(&args)?;
    if changes == TaskChanges::default() {
        return Err(ToolError::InvalidArguments("say what to change".into()));
    }
    edit(caller, args.task_id, &changes, OutcomeStatus::Updated).await
}

/// The validated changes an `update_task` call asks for.
pub fn changes(args: &UpdateTask) -> Result<TaskChanges, ToolError> {
    let clear = |field: Clearable| args.clear.as_deref().unwrap_or_default().contains(&field);
    let instant = |field: &'static str, given: Option<chrono::DateTime<chrono::FixedOffset>>, cleared: bool| match (
        given, cleared,
    ) {
        (_, true) => Ok(Change::Clear),
        (Some(at), false) => validate::instant(field, at).map(Change::Set).map_err(invalid),
        (None, false) => Ok(Change::Keep),
    };
    let description = match (&args.description, clear(Clearable::Description)) {
        (_, true) => Change::Clear,
        (Some(text), false) => validate::description(text).map_err(invalid)?.map_or(Change::Clear, Change::Set),
        (None, false) => Change::Keep,
    };
    let replaced_tags = if clear(Clearable::Tags) { Some(Default::default()) } else { None };
    Ok(TaskChanges {
        title: args.title.as_deref().map(validate::title).transpose().map_err(invalid)?,
        description,
        completed: args.completed,
        priority: args.priority,
        tags: match &args.tags {
            Some(_) => Some(tags(&args.tags)?),
            None => replaced_tags,
        },
        add_tags: tags(&args.add_tags)?,
        remove_tags: tags(&args.remove_tags)?,
        due_at: instant("due_at", args.due_at, clear(Clearable::DueAt))?,
        remind_at: instant("remind_at", args.remind_at, clear(Clearable::RemindAt))?,
        recurrence: match (args.recurrence, clear(Clearable::Recurrence)) {
            (_, true) => Change::Clear,
            (Some(rule), false) => Change::Set(rule),
            (None, false) => Change::Keep,
        },
    })
}

async fn edit(
    caller: &Caller<'_>,
    task_id: i64,
    changes: &TaskChanges,
    status: OutcomeStatus,
) -> Result<TaskOutcome, ToolError> {
    match caller.db.update_task(caller.user_id, task_id, changes, caller.task_limit).await? {
        Edited::Done { task, next } => {
            Ok(TaskOutcome { next_task_id: next.map(|next| next.id), ..TaskOutcome::of(&task, status) })
        }
        Edited::NotFound => Err(ToolError::NotFound(task_id)),
        Edited::AtLimit => Err(ToolError::TaskLimit(caller.task_limit)),
        Edited::Invalid { field, message } => Err(ToolError::InvalidArguments(format!("{field}: {message}"))),
    }
}

impl Caller<'_> {
    /// The time zone "today" and "this week" are read in: the turn's, else
    /// the user's setting, else UTC.
    pub async fn zone(&self) -> Result<Tz, ToolError> {
        if let Some(zone) = self.zone {
            return Ok(zone);
        }
        let name = self.db.timezone(self.user_id).await?;
        Ok(name.and_then(|name| name.parse().ok()).unwrap_or(chrono_tz::UTC))
    }
}
