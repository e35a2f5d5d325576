//! What a task is: its fields and the values they take, declared once and
//! used by the REST API, the chat tools, MCP and the store.

mod fields;
pub mod list;
pub mod recurrence;

pub use fields::{Priority, Recurrence, Tags};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::rfc3339;

/// A task as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Task {
    /// Numbered per user: each user's first task is 1; numbers are never reused.
    pub id: i64,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub priority: Priority,
    pub tags: Tags,
    /// When the task is due (RFC 3339). A date without a time is 23:59 of
    /// that day in the user's time zone.
    #[serde(serialize_with = "rfc3339::serialize_option")]
    pub due_at: Option<DateTime<Utc>>,
    /// When to remind the user.
    #[serde(serialize_with = "rfc3339::serialize_option")]
    pub remind_at: Option<DateTime<Utc>>,
    /// When the reminder was delivered; cleared when `remind_at` changes.
    #[serde(serialize_with = "rfc3339::serialize_option")]
    pub reminded_at: Option<DateTime<Utc>>,
    /// How the task repeats; needs a `due_at`.
    pub recurrence: Option<Recurrence>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub updated_at: DateTime<Utc>,
    /// When it was completed; null while pending.
    #[serde(serialize_with = "rfc3339::serialize_option")]
    pub completed_at: Option<DateTime<Utc>>,
}

/// A validated new task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub tags: Tags,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    pub recurrence: Option<Recurrence>,
}

/// A change to one optional field.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

/// In a JSON body: absent keeps the field (with `#[serde(default)]`),
/// `null` clears it, a value sets it.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Change<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Change::Set(value),
            None => Change::Clear,
        })
    }
}

impl<T: Clone> Change<T> {
    /// The field's value after the change.
    pub fn apply(&self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Set(value) => Some(value.clone()),
            Change::Clear => None,
        }
    }

    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }
}

/// Validated changes to a task; `Keep` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Change<String>,
    pub completed: Option<bool>,
    pub priority: Option<Priority>,
    pub tags: Option<Tags>,
    /// Tags to add and to remove, after `tags` (the chat tools' way).
    pub add_tags: Tags,
    pub remove_tags: Tags,
    pub due_at: Change<DateTime<Utc>>,
    pub remind_at: Change<DateTime<Utc>>,
    pub recurrence: Change<Recurrence>,
}

impl Task {
    /// The task with `changes` applied, as of `now` (completion time). The
    /// reminder counts as not delivered once `remind_at` changes.
    pub fn changed(&self, changes: &TaskChanges, now: DateTime<Utc>) -> Task {
        let mut task = self.clone();
        if let Some(title) = &changes.title {
            task.title = title.clone();
        }
        task.description = changes.description.apply(task.description.take());
        if let Some(priority) = changes.priority {
            task.priority = priority;
        }
        if let Some(tags) = &changes.tags {
            task.tags = tags.clone();
        }
        task.tags = task.tags.with(&changes.add_tags).without(&changes.remove_tags);
        task.due_at = changes.due_at.apply(task.due_at);
        let remind_at = changes.remind_at.apply(task.remind_at);
        if remind_at != task.remind_at {
            task.reminded_at = None;
        }
        task.remind_at = remind_at;
        task.recurrence = changes.recurrence.apply(task.recurrence);
        if let Some(completed) = changes.completed {
            if completed != task.completed {
                task.completed = completed;
                task.completed_at = completed.then_some(now);
            }
        }
        task.updated_at = now;
        task
    }
}
