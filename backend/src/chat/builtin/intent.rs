//! What one message asks for, as the parser reads it: typed, complete with
//! dates in the user's time zone, and without looking at the user's tasks
//! (finding "the rent one" among them is the executor's job).
//!
//! The arguments are the tools' own argument types, so what the built-in
//! agent runs is exactly what a language model or an MCP client could send.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::chat::tools::args::{AddTask, ListTasks, UpdateTask};

/// When and where a message is read: "tomorrow at 5pm" is the user's
/// tomorrow, at 5pm on the user's clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl Clock {
    /// The user's date now.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.zone).date_naive()
    }
}

/// The language a message is written in; the reply uses the same one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    English,
    Urdu,
}

/// A message, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub intent: Intent,
    pub language: Language,
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Add a task. `then_complete`: "add buy eggs and mark it done".
    Add {
        task: AddTask,
        then_complete: bool,
    },
    /// "Add a reminder to the team meeting for 8am": a reminder on the task
    /// with exactly that title if there is one, else a new task with it.
    RemindOrAdd(AddTask),
    /// List, filter or search ("What's due today?", "Find tasks about rent").
    List(ListTasks),
    /// What is due on one day other than today ("What's due tomorrow?",
    /// "What do I have on Friday?"): the list has no such filter, so the
    /// executor keeps that day's tasks of the coming ones.
    ListDay {
        query: ListTasks,
        day: NaiveDate,
    },
    /// One task's details ("Show task 4", "What's task 2 about?", "Is the
    /// bank call done?").
    Show(Target),
    /// Mark one task done.
    Complete(Target),
    /// Mark one task not done ("Reopen the groceries task").
    Reopen(Target),
    /// Delete one task.
    Delete(Target),
    /// Delete every task the filter matches ("Delete all completed tasks"):
    /// the executor lists them and asks first.
    DeleteAll(ListTasks),
    /// Change one task. `changes.task_id` is 0: the executor sets it once it
    /// has found the target. Only the fields the user named are set.
    Update {
        target: Target,
        changes: UpdateTask,
    },
    /// "Add a note to the rent task: pay by card": added to its description.
    AddNote {
        target: Target,
        note: String,
    },
    /// "Remind me an hour before": a reminder this long before the due time.
    RemindBefore {
        target: Target,
        minutes: i64,
    },
    /// "Move the dentist task to 10am": the same due day at another time.
    Retime {
        target: Target,
        time: NaiveTime,
    },
    /// A change that reads more than one way ("rename book flights to book
    /// flights to Lahore"): each reading is a task name and its changes. The
    /// executor acts only when exactly one name is a task's whole title.
    UpdateEither(Vec<(String, UpdateTask)>),
    /// An answer to a question the assistant asked: "yes", "go ahead", "ہاں".
    Yes,
    /// "no", "cancel", "never mind", "نہیں".
    No,
    /// An answer to "which one?": "task 3", "3", "the second one".
    Choice(Choice),
    /// A verb we know, without what it needs ("Delete", "Rename task 2").
    Incomplete(Verb),
    Greeting,
    Thanks,
    Help,
    Unknown,
}

impl Intent {
    /// The same words asked as a question ("task 3 is done?", "کام 3 مکمل
    /// ہو گیا؟"): a look at the task they name, never a change to it.
    pub fn asked(self) -> Intent {
        match self {
            Intent::Complete(target)
            | Intent::Reopen(target)
            | Intent::Delete(target)
            | Intent::Update { target, .. } => Intent::Show(target),
            other => other,
        }
    }
}

/// Which task the user means.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// "task 3", "#3", "number 3".
    Id(i64),
    /// "tasks 3 and 4": a deletion of them asks first, other changes apply to each.
    Ids(Vec<i64>),
    /// "the meeting task", "the rent one", "'book flights'": words of its title.
    Name(String),
    /// "it", "that", "this one": the task named last in the conversation.
    It,
    /// "the first one", "the second task", "the last one": a place in the
    /// list the assistant showed last ([`Choice::Position`] or [`Choice::Last`]).
    Listed(Choice),
}

/// An answer to "which one?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// A bare number or "task 3": a task number (or, failing that, a
    /// position in the list offered).
    Number(i64),
    /// "the first", "the second one", "2nd": 1-based position in the list offered.
    Position(usize),
    /// "the last one".
    Last,
}

/// The verbs of [`Intent::Incomplete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Add,
    Show,
    Complete,
    Reopen,
    Delete,
    Update,
}
