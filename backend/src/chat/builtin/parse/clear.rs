//! Emptying an optional field: "clear the due date of task 2", "remove the
//! reminder from the rent task", "stop repeating task 3", "take the tags
//! off it". A field is emptied only through `clear`, as in a tool call.

use super::{targets::target, words::strip_prefix};
use crate::chat::{
    builtin::intent::Intent,
    tools::args::{Clearable, UpdateTask},
};

/// Verbs that empty the field named after them.
const CLEAR_VERBS: &[&str] = &["clear", "remove", "delete", "drop", "erase", "unset", "take", "get rid of"];
/// The fields, as people name them.
const FIELDS: &[(&str, Clearable)] = &[
    ("the due date", Clearable::DueAt),
    ("due date", Clearable::DueAt),
    ("the deadline", Clearable::DueAt),
    ("deadline", Clearable::DueAt),
    ("the date", Clearable::DueAt),
    ("the reminder", Clearable::RemindAt),
    ("reminder", Clearable::RemindAt),
    ("the description", Clearable::Description),
    ("description", Clearable::Description),
    ("the notes", Clearable::Description),
    ("the tags", Clearable::Tags),
    ("all tags", Clearable::Tags),
    ("all the tags", Clearable::Tags),
    ("tags", Clearable::Tags),
    ("the recurrence", Clearable::Recurrence),
    ("the repeat", Clearable::Recurrence),
    ("the repetition", Clearable::Recurrence),
];
/// Between the field and the task.
const LINKS: &[&str] = &["of", "from", "for", "on", "off"];
/// "stop repeating task 3", "don't repeat it".
const STOP_REPEATING: &[&str] = &["stop repeating", "don't repeat", "do not repeat", "no longer repeat"];

/// A request to empty a field of one task, if `body` is one.
pub fn clear(body: &str) -> Option<Intent> {
    if let Some(rest) = strip_prefix(body, STOP_REPEATING) {
        return Some(cleared(target(rest)?, Clearable::Recurrence));
    }
    let rest = strip_prefix(body, CLEAR_VERBS)?;
    let (field, rest) = FIELDS.iter().find_map(|(words, field)| Some((*field, strip_prefix(rest, &[words])?)))?;
    let rest = strip_prefix(rest, LINKS)?;
    // "take the tags off task 2".
    let rest = rest.strip_suffix(" off").unwrap_or(rest);
    Some(cleared(target(rest)?, field))
}

fn cleared(target: crate::chat::builtin::intent::Target, field: Clearable) -> Intent {
    Intent::Update { target, changes: UpdateTask { clear: Some(vec![field]), ..UpdateTask::default() } }
}
