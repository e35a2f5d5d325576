//! Changing a task: "Change task 1 to 'Call mom tonight'", "Rename "book
//! flights" to "book flights to Lahore"", "Change the description of the
//! rent task to "before noon"", "Move the dentist task to next Tuesday",
//! "Make task 2 high priority", "Remind me about task 3 tomorrow at 9".
//!
//! Without quotes, the target ends at the first "to": a new title may
//! contain "to" ("book flights to Lahore"), a task's name rarely does. A
//! date never does, so a move splits at the last "to".

use chrono::NaiveTime;

use super::{
    dates::{is_numeric_date, resolve, take_when, TimeOfDay},
    fields::{take_priority, take_repeat, take_tags},
    targets::{reference, target},
    words::{find_word, join, quotes, strip_prefix, strip_suffix, tidy_title, words, Word},
};
use crate::chat::{
    builtin::intent::{Clock, Intent, Target, Verb},
    tools::args::UpdateTask,
};

/// Verbs that change a task; what the change is comes after "to".
pub const CHANGE_VERBS: &[&str] = &["change", "update", "edit", "modify", "set", "alter"];
/// Verbs whose new value is always the title.
pub const RENAME_VERBS: &[&str] = &["rename", "retitle", "reword"];
/// Verbs that change the due date.
pub const MOVE_VERBS: &[&str] =
    &["move", "reschedule", "postpone", "push back", "push", "delay", "defer", "shift", "snooze", "bump"];
/// Verbs that change whatever the words after the task say ("make task 2 urgent").
pub const MAKE_VERBS: &[&str] = &["make", "prioritize", "prioritise"];
/// Openers of a reminder for a task that exists.
pub const REMIND_ABOUT: &[&str] =
    &["remind me about", "remind me of", "set a reminder for", "add a reminder for", "set a reminder on"];
/// Openers of a reminder that name a task that exists only when what follows
/// clearly names one ("add a reminder to the rent task for 8am"); otherwise
/// they add a task ("add a reminder to call mom").
pub const REMINDER_ON_TASK: &[&str] =
    &["add a reminder to", "add reminder to", "add a reminder on", "put a reminder on"];

/// Which part of a task a change names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Title,
    Description,
    Due,
    Priority,
    Remind,
}

/// "the description of <task>", before the task.
const FIELD_BEFORE: &[(&str, Field)] = &[
    ("the title of", Field::Title),
    ("title of", Field::Title),
    ("the name of", Field::Title),
    ("name of", Field::Title),
    ("the description of", Field::Description),
    ("description of", Field::Description),
    ("the description for", Field::Description),
    ("the notes of", Field::Description),
    ("the notes for", Field::Description),
    ("the notes on", Field::Description),
    ("notes on", Field::Description),
    ("the note on", Field::Description),
    ("the details of", Field::Description),
    ("the due date of", Field::Due),
    ("due date of", Field::Due),
    ("the due date for", Field::Due),
    ("the deadline of", Field::Due),
    ("the deadline for", Field::Due),
    ("the date of", Field::Due),
    ("the priority of", Field::Priority),
    ("priority of", Field::Priority),
    ("the priority for", Field::Priority),
    ("the reminder for", Field::Remind),
    ("the reminder of", Field::Remind),
];

/// "<task>'s description", after the task.
const FIELD_AFTER: &[(&str, Field)] = &[
    ("title", Field::Title),
    ("name", Field::Title),
    ("description", Field::Description),
    ("due date", Field::Due),
    ("deadline", Field::Due),
    ("priority", Field::Priority),
];

/// Words that may stay once the new values are taken ("make it *be* due friday").
const LINKING: &[&str] = &["be", "due", "to", "repeat", "recurring", "recur", "as", "a", "priority", "and"];
/// Words that join two changes in one value ("high priority *and move it*
/// to Thursday"): with only planning words around them, no title is meant.
const JOINING: &[&str] = &["move", "make", "set", "change", "put", "it", "its", "that", "also"];

fn update_of(target: Target, changes: UpdateTask) -> Intent {
    Intent::Update { target, changes }
}

/// "change ...", "rename ...": `rest` is what follows the verb.
pub fn change(rest: &str, rename: bool, clock: &Clock) -> Intent {
    let (field, rest) =
        match FIELD_BEFORE.iter().find_map(|(words, field)| Some((*field, strip_prefix(rest, &[words])?))) {
            Some((field, after)) => (Some(field), after),
            None => (rename.then_some(Field::Title), rest),
        };
    let Some((target_part, value, quoted)) = split(rest) else {
        return fields_update(rest, field, false, clock).unwrap_or(Intent::Incomplete(Verb::Update));
    };
    // Unquoted, with "to" more than once ("rename book flights to book
    // flights to Lahore"): the task's name may hold a "to" too. Each split is
    // a reading; the executor keeps the one whose name is a task's title.
    if !quoted && quotes(rest).is_empty() {
        let readings: Vec<(String, UpdateTask)> = to_splits(rest)
            .into_iter()
            .filter_map(|(target_part, value)| match reading(target_part, value, false, field, clock) {
                Intent::Update { target: Target::Name(name), changes } => Some((name, changes)),
                _ => None,
            })
            .collect();
        if readings.len() > 1 && matches!(target(target_part), Some(Target::Name(_))) {
            return Intent::UpdateEither(readings);
        }
    }
    reading(target_part, value, quoted, field, clock)
}

/// Every way to split `rest` at a "to": the task part and the new value.
fn to_splits(rest: &str) -> Vec<(&str, &str)> {
    let lower = rest.to_ascii_lowercase();
    lower
        .match_indices("to")
        .map(|(at, _)| at)
        .filter(|&at| lower[..at].ends_with(' ') && lower[at + 2..].starts_with(' ') && !rest[..at].trim().is_empty())
        .map(|at| (rest[..at].trim(), rest[at + 2..].trim()))
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// One reading of a change: the task part, the new value (quoted or not),
/// and the field named, if any.
fn reading(target_part: &str, value: &str, quoted: bool, field: Option<Field>, clock: &Clock) -> Intent {
    // "task 1's title".
    let (target_part, field) =
        match FIELD_AFTER.iter().find_map(|(words, f)| Some((strip_suffix(target_part, &[words])?, *f))) {
            Some((before, named)) if field.is_none() => (before.trim_end_matches("'s"), Some(named)),
            _ => (target_part, field),
        };
    let Some(target) = target(target_part) else { return Intent::Incomplete(Verb::Update) };
    if matches!(field, Some(Field::Due) | None) && !quoted {
        if let Some(time) = time_only(value, clock) {
            return Intent::Retime { target, time };
        }
    }
    let mut changes = UpdateTask::default();
    match field {
        Some(Field::Title) => changes.title = Some(tidy_title(value)),
        Some(Field::Description) => changes.description = Some(value.trim().trim_start_matches(':').trim().to_string()),
        Some(Field::Due) => changes.due_at = when_of(value, clock),
        Some(Field::Remind) => changes.remind_at = when_of(value, clock),
        Some(Field::Priority) => changes.priority = take_priority(&mut words(value), true),
        None if quoted => changes.title = Some(tidy_title(value)),
        // "change task 2 to high priority", "... to friday": the value is all
        // planning words; anything else is a new title.
        None => {
            changes = implied_changes(value, clock).unwrap_or(UpdateTask { title: Some(tidy_title(value)), ..changes })
        }
    }
    if changes == UpdateTask::default() || changes.title.as_deref() == Some("") {
        return Intent::Incomplete(Verb::Update);
    }
    update_of(target, changes)
}

/// The task part, the new value, and whether the value was quoted.
fn split(rest: &str) -> Option<(&str, &str, bool)> {
    let quoted = quotes(rest);
    match quoted.as_slice() {
        [first, .., last] => Some((rest[first.start..first.end].trim(), last.inner, true)),
        [only] => {
            let before = &rest[..only.start];
            match find_word(&before.to_ascii_lowercase(), "to") {
                // The quote is the whole new value, or a part of it ('Buy "organic" milk').
                Some(at) => {
                    let after = rest[at + 2..].trim().trim_end_matches(['.', '!']);
                    match after == &rest[only.start..only.end] {
                        true => Some((before[..at].trim(), only.inner, true)),
                        false => Some((before[..at].trim(), after, false)),
                    }
                }
                // The quote names the task: "rename 'x' to y".
                None => {
                    let after = strip_prefix(rest[only.end..].trim(), &["to", "into", "as"])?;
                    Some((&rest[..only.end], after, false))
                }
            }
        }
        [] => {
            let at = find_word(&rest.to_ascii_lowercase(), "to")?;
            Some((rest[..at].trim(), rest[at + 2..].trim(), false))
        }
    }
}

/// The due date `value` names; none when it holds a date in digits that
/// cannot be read ("12/3" is March or December), rather than a wrong one.
fn when_of(value: &str, clock: &Clock) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let mut value_words = words(value);
    let when = take_when(&mut value_words, clock);
    if value_words.iter().any(|word| is_numeric_date(&word.key)) {
        return None;
    }
    resolve(&when, None, clock)
}

/// The time alone that `value` names ("10am", "at 4pm"), when it names no day.
fn time_only(value: &str, clock: &Clock) -> Option<NaiveTime> {
    let mut value_words = words(value);
    let when = take_when(&mut value_words, clock);
    let other_words = value_words.iter().any(|word| !LINKING.contains(&word.key.as_str()));
    match (when.day, when.exact, when.time, other_words) {
        (None, None, Some(TimeOfDay::At(time)), false) => Some(time),
        _ => None,
    }
}

/// The changes `value` names when it is only planning words ("high
/// priority", "next friday", "every week", "#work").
fn implied_changes(value: &str, clock: &Clock) -> Option<UpdateTask> {
    let mut value_words = words(value);
    let (changes, left) = planning_changes(&mut value_words, None, clock);
    let only_joins = left.iter().all(|word| JOINING.contains(&word.key.as_str()));
    (only_joins && changes != UpdateTask::default()).then_some(changes)
}

/// Takes the planning words out of `words`: the changes, and the words left.
fn planning_changes(words: &mut Vec<Word>, field: Option<Field>, clock: &Clock) -> (UpdateTask, Vec<Word>) {
    let priority = take_priority(words, true);
    let repeat = take_repeat(words);
    let tags = take_tags(words);
    let when = resolve(&take_when(words, clock), None, clock);
    let mut changes = UpdateTask {
        priority,
        recurrence: repeat.map(|repeat| repeat.rule),
        add_tags: (!tags.is_empty()).then_some(tags),
        ..UpdateTask::default()
    };
    if field == Some(Field::Remind) {
        changes.remind_at = when;
    } else {
        changes.due_at = when;
    }
    let left = words.iter().filter(|word| !LINKING.contains(&word.key.as_str())).cloned().collect();
    (changes, left)
}

/// A change said without "to" ("set task 2 due friday", "make it urgent"):
/// the planning words are the change, the other words the task. `strict`:
/// the task must clearly be one ("make dinner tomorrow" adds instead).
fn fields_update(rest: &str, field: Option<Field>, strict: bool, clock: &Clock) -> Option<Intent> {
    let mut rest_words = words(rest);
    let (changes, left) = planning_changes(&mut rest_words, field, clock);
    let task = join(&left);
    let target = if strict { reference(&task) } else { target(&task) }?;
    (changes != UpdateTask::default()).then(|| update_of(target, changes))
}

/// "move X to friday", "reschedule X for tomorrow".
pub fn move_to(rest: &str, clock: &Clock) -> Intent {
    let lower = rest.to_ascii_lowercase();
    let split =
        [" to ", " for ", " until ", " till "].iter().filter_map(|word| Some((lower.rfind(word)?, word.len()))).max();
    if let Some((at, len)) = split {
        // "move the dentist to 10am": the same day, another time.
        if let (Some(target), Some(time)) = (target(&rest[..at]), time_only(&rest[at + len..], clock)) {
            return Intent::Retime { target, time };
        }
        if let (Some(target), Some(due_at)) = (target(&rest[..at]), when_of(&rest[at + len..], clock)) {
            return update_of(target, UpdateTask { due_at: Some(due_at), ..UpdateTask::default() });
        }
    }
    fields_update(rest, Some(Field::Due), false, clock).unwrap_or(Intent::Incomplete(Verb::Update))
}

/// "make task 2 high priority", "prioritize the rent task": None when it
/// is not a change ("make a cake" adds).
pub fn make(verb: &str, rest: &str, clock: &Clock) -> Option<Intent> {
    if verb != "make" {
        let target = target(rest)?;
        return Some(update_of(
            target,
            UpdateTask { priority: Some(crate::task::Priority::High), ..UpdateTask::default() },
        ));
    }
    fields_update(rest, None, true, clock)
}

/// "remind me about task 3 tomorrow at 9".
/// "add a reminder to <task> <when>", when `rest` clearly names a task.
pub fn reminder_on_task(rest: &str, clock: &Clock) -> Option<Intent> {
    let mut rest_words = words(rest);
    take_when(&mut rest_words, clock);
    reference(&join(&rest_words))?;
    Some(remind_about(rest, clock))
}

pub fn remind_about(rest: &str, clock: &Clock) -> Intent {
    fields_update(rest, Some(Field::Remind), false, clock)
        .filter(|intent| matches!(intent, Intent::Update { changes, .. } if changes.remind_at.is_some()))
        .unwrap_or(Intent::Incomplete(Verb::Update))
}

/// Also a change: "mark task 2 as urgent".
pub fn priority_update(rest: &str) -> Option<Intent> {
    let mut rest_words = words(rest);
    let priority = take_priority(&mut rest_words, true)?;
    let left: Vec<Word> = rest_words.into_iter().filter(|word| !LINKING.contains(&word.key.as_str())).collect();
    let target = target(&join(&left))?;
    Some(update_of(target, UpdateTask { priority: Some(priority), ..UpdateTask::default() }))
}
