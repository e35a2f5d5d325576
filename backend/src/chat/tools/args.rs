//! The tools' arguments and results: their JSON schemas (for language
//! models and MCP clients) are derived from these types.
//!
//! In a tool call an absent or `null` argument means "unchanged": models
//! often send `null` for every optional argument. A field is emptied only by
//! naming it in `clear`.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    db::rfc3339,
    task::{
        list::{DueFilter, Order, Sort, StatusFilter},
        Priority, Recurrence, Tags, Task,
    },
};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTask {
    /// Short title, e.g. "Buy groceries".
    pub title: String,
    /// Optional details.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Tags such as "home" or "work" (letters, digits, - or _).
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// When it is due: RFC 3339 with the user's UTC offset, e.g. "2026-11-23T09:00:00+05:00".
    #[serde(default)]
    pub due_at: Option<DateTime<FixedOffset>>,
    /// When to remind the user: RFC 3339 with offset.
    #[serde(default)]
    pub remind_at: Option<DateTime<FixedOffset>>,
    /// How it repeats; needs due_at.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTasks {
    /// Which tasks: all (default), pending or completed.
    #[serde(default)]
    pub status: Option<StatusFilter>,
    /// Text to find in titles and descriptions (case-insensitive).
    #[serde(default)]
    pub q: Option<String>,
    /// Only these priorities.
    #[serde(default, deserialize_with = "one_or_many")]
    pub priority: Option<Vec<Priority>>,
    /// Only tasks carrying all of these tags.
    #[serde(default, deserialize_with = "one_or_many")]
    pub tag: Option<Vec<String>>,
    /// overdue, today, week (now to the end of the 7th day) or none (no due date), in the user's time zone.
    #[serde(default)]
    pub due: Option<DueFilter>,
    /// created (default), due, priority, title or updated.
    #[serde(default)]
    pub sort: Option<Sort>,
    /// asc (default; desc for priority) or desc.
    #[serde(default)]
    pub order: Option<Order>,
    /// At most this many tasks (default 50, at most 200); `total` says how many match.
    #[serde(default)]
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<u32>,
}

/// A task, by the number list_tasks shows.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskId {
    /// The task's number, as shown by list_tasks.
    pub task_id: i64,
}

/// The optional fields `update_task` can empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Clearable {
    Description,
    Tags,
    DueAt,
    RemindAt,
    Recurrence,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// The task's number, as shown by list_tasks.
    pub task_id: i64,
    /// The whole new title.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Replaces all tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Tags to add to the task's tags.
    #[serde(default)]
    pub add_tags: Option<Vec<String>>,
    /// Tags to take off.
    #[serde(default)]
    pub remove_tags: Option<Vec<String>>,
    /// RFC 3339 with offset.
    #[serde(default)]
    pub due_at: Option<DateTime<FixedOffset>>,
    /// RFC 3339 with offset.
    #[serde(default)]
    pub remind_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
    /// true completes the task, false reopens it.
    #[serde(default)]
    pub completed: Option<bool>,
    /// Optional fields to empty.
    #[serde(default)]
    pub clear: Option<Vec<Clearable>>,
}

/// Accepts a list, or a single value or comma-separated string (as models
/// sometimes send), for a list argument.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> Deserialize<'a>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Many(Vec<serde_json::Value>),
        One(serde_json::Value),
    }
    let values = match Option::<Given>::deserialize(deserializer)? {
        None => return Ok(None),
        Some(Given::Many(values)) => values,
        Some(Given::One(serde_json::Value::String(text))) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| serde_json::Value::String(item.to_string()))
            .collect(),
        Some(Given::One(value)) => vec![value],
    };
    values
        .into_iter()
        .map(|value| T::deserialize(value).map_err(serde::de::Error::custom))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// What a tool did to one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskOutcome {
    pub task_id: i64,
    pub status: OutcomeStatus,
    pub title: String,
    /// When completing a recurring task created its next occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_task_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeStatus {
    Created,
    Completed,
    Deleted,
    Updated,
}

impl TaskOutcome {
    pub fn of(task: &Task, status: OutcomeStatus) -> TaskOutcome {
        TaskOutcome { task_id: task.id, status, title: task.title.clone(), next_task_id: None }
    }
}

/// A page of tasks and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskList {
    pub tasks: Vec<TaskSummary>,
    pub total: i64,
}

/// A task as list_tasks shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskSummary {
    pub id: i64,
    pub title: String,
    pub completed: bool,
    pub priority: Priority,
    pub tags: Tags,
    /// RFC 3339, or null.
    #[serde(serialize_with = "rfc3339::serialize_option")]
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<&Task> for TaskSummary {
    fn from(task: &Task) -> Self {
        TaskSummary {
            id: task.id,
            title: task.title.clone(),
            completed: task.completed,
            priority: task.priority,
            tags: task.tags.clone(),
            due_at: task.due_at,
        }
    }
}
