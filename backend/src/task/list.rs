//! Which tasks a list shows, in which order, from where: the parameters of
//! `GET /api/{user_id}/tasks` and of the `list_tasks` tool, and the cursor
//! of keyset paging.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Days, NaiveTime, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{recurrence::at_local, Priority, Tags, Task};

/// Tasks a page shows unless asked for fewer or more, and at most.
pub const PAGE_DEFAULT: u32 = 100;
pub const PAGE_MAX: u32 = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

impl StatusFilter {
    pub fn completed(self) -> Option<bool> {
        match self {
            StatusFilter::All => None,
            StatusFilter::Pending => Some(false),
            StatusFilter::Completed => Some(true),
        }
    }
}

/// Tasks by due date, read in the user's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DueFilter {
    /// Pending and due before now.
    Overdue,
    /// Due within the user's current local day.
    Today,
    /// Due from now to the end of the 7th local day (today is the first).
    Week,
    /// Without a due date.
    None,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Oldest first (the task numbers' order).
    #[default]
    Created,
    /// Soonest first; tasks without a due date last, in both orders.
    Due,
    /// Most important first (by default); ties by due date, then number.
    Priority,
    Title,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    Desc,
}

impl Sort {
    /// `asc`, except for priority: high first.
    pub fn default_order(self) -> Order {
        match self {
            Sort::Priority => Order::Desc,
            _ => Order::Asc,
        }
    }
}

/// A due-date filter as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueWindow {
    /// Pending, due before this instant.
    Before(DateTime<Utc>),
    /// Due in `[from, to)`.
    Between(DateTime<Utc>, DateTime<Utc>),
    NoDueDate,
}

impl DueFilter {
    /// The window for `now` in `zone`.
    pub fn window(self, now: DateTime<Utc>, zone: Tz) -> DueWindow {
        let today = now.with_timezone(&zone).date_naive();
        let local_midnight = |days: u64| {
            let date = today.checked_add_days(Days::new(days)).unwrap_or(today);
            at_local(zone, date.and_time(NaiveTime::MIN))
        };
        match self {
            DueFilter::Overdue => DueWindow::Before(now),
            DueFilter::Today => DueWindow::Between(local_midnight(0), local_midnight(1)),
            DueFilter::Week => DueWindow::Between(now, local_midnight(7)),
            DueFilter::None => DueWindow::NoDueDate,
        }
    }
}

/// Everything a list asks for, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskQuery {
    pub status: StatusFilter,
    /// Lower-cased; matched as a substring of the title or description.
    pub search: Option<String>,
    /// Any of these priorities (empty: any).
    pub priorities: Vec<Priority>,
    /// All of these tags.
    pub tags: Tags,
    pub due: Option<DueWindow>,
    pub sort: Sort,
    pub order: Order,
    pub limit: u32,
    /// Continue after this task (keyset paging).
    pub after: Option<Cursor>,
}

impl Default for TaskQuery {
    fn default() -> Self {
        TaskQuery {
            status: StatusFilter::All,
            search: None,
            priorities: Vec::new(),
            tags: Tags::default(),
            due: None,
            sort: Sort::Created,
            order: Order::Asc,
            limit: PAGE_DEFAULT,
            after: None,
        }
    }
}

/// Where a page ended: the last task's sort key and number. Sent to
/// clients as an opaque string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    pub sort: Sort,
    pub order: Order,
    pub id: i64,
    /// The last task's value of the sort column (none for `created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<CursorKey>,
    /// With `priority`: the last task's due date, the second sort key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorKey {
    Rank(i16),
    Time(DateTime<Utc>),
    Text(String),
}

impl Cursor {
    /// The cursor after `task` in a list sorted by `sort`/`order`.
    pub fn after(task: &Task, sort: Sort, order: Order) -> Cursor {
        let (key, due) = match sort {
            Sort::Created => (None, None),
            Sort::Due => (task.due_at.map(CursorKey::Time), None),
            Sort::Priority => (Some(CursorKey::Rank(task.priority.rank())), task.due_at),
            Sort::Title => (Some(CursorKey::Text(task.title.to_lowercase())), None),
            Sort::Updated => (Some(CursorKey::Time(task.updated_at)), None),
        };
        Cursor { sort, order, id: task.id, key, due }
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()
    }
}
