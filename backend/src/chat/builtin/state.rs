//! What the built-in assistant remembers between turns of a conversation,
//! stored with the conversation as data (never re-read from its own
//! wording): the task named last, and the question it is waiting on.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::intent::Language;
use crate::chat::tools::args::{ListTasks, UpdateTask};

/// How long a question or confirmation stays open.
pub const PENDING_TTL: Duration = Duration::minutes(10);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatState {
    /// The task named last: what "it" and "that" mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_task: Option<i64>,
    /// The tasks the last list showed, in order: what "the second one" means.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed: Vec<i64>,
    /// The next occurrence created when `last_task`, a repeating task, was
    /// completed: what a change to the repetition of "it" is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_of_last: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

/// A question the assistant asked, with what it will do with the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub action: PendingAction,
    pub language: Language,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingAction {
    /// "Delete all completed tasks": exactly these tasks, after a "yes",
    /// those of them that still match `filter` then (one reopened meanwhile
    /// is kept).
    DeleteTasks {
        task_ids: Vec<i64>,
        #[serde(default)]
        filter: Option<ListTasks>,
    },
    /// "Which one?": act on the candidate the user picks.
    Choose { act: OneTask, candidates: Vec<i64> },
}

/// An action on one task, waiting for the task to be chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verb", rename_all = "snake_case")]
pub enum OneTask {
    Show,
    Complete,
    Reopen,
    Delete,
    Update {
        changes: UpdateTask,
    },
    /// A reminder `minutes` before the task's due time.
    RemindBefore {
        minutes: i64,
    },
    /// The task's due day (or the next such time) at `time`.
    Retime {
        time: NaiveTime,
    },
    /// A line added to the task's description.
    AddNote {
        note: String,
    },
}

impl ChatState {
    /// `task` is now what "it" means (None: nothing is).
    pub fn name(&mut self, task: Option<i64>) {
        if self.last_task != task {
            self.next_of_last = None;
        }
        self.last_task = task;
    }

    /// Reads what the last turn stored; anything unreadable (an older
    /// shape) is forgotten rather than guessed at.
    pub fn load(stored: Option<&str>) -> ChatState {
        stored.and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
    }

    pub fn store(&self) -> Option<String> {
        (*self != ChatState::default()).then(|| serde_json::to_string(self).expect("the chat state serialises"))
    }

    /// The open question, unless it has expired.
    pub fn take_pending(&mut self, now: DateTime<Utc>) -> Option<Pending> {
        self.pending.take().filter(|pending| pending.expires_at > now)
    }

    pub fn ask(&mut self, action: PendingAction, language: Language, now: DateTime<Utc>) {
        self.pending = Some(Pending { action, language, expires_at: now + PENDING_TTL });
    }
}
