//! Completing, reopening, deleting and tagging a task: "Mark task 3 as
//! complete", "Reopen the groceries task", "Delete the meeting task",
//! "Delete all completed tasks", "Tag task 2 with work".

use super::{
    fields::{tag_of, take_priority},
    list::{bulk_search, filters},
    targets::{reference, target},
    update::priority_update,
    words::{key, starts_with_word, strip_prefix, strip_suffix, words},
};
use crate::chat::{
    builtin::intent::{Intent, Target, Verb},
    tools::args::{ListTasks, UpdateTask},
};

pub const DELETE_VERBS: &[&str] = &[
    "delete",
    "remove",
    "cancel",
    "drop",
    "erase",
    "trash",
    "scratch",
    "get rid of",
    "forget about",
    "discard",
    "clear",
    "kill",
    "bin",
];
pub const COMPLETE_VERBS: &[&str] = &[
    "complete",
    "finish",
    "finished",
    "check off",
    "tick off",
    "cross off",
    "close",
    "i finished",
    "i completed",
    "i did",
    "i have finished",
    "i have completed",
    "i've finished",
    "i've completed",
    "i've done",
    "i am done with",
    "i'm done with",
    "done with",
    "i'm finished with",
    "resolve",
];
pub const REOPEN_VERBS: &[&str] =
    &["reopen", "re-open", "unmark", "uncomplete", "un-complete", "undo", "restore", "unfinish", "uncheck", "untick"];
const DONE_WORDS: &[&str] =
    &["complete", "completed", "done", "finished", "as complete", "as completed", "as done", "as finished", "off"];
const NOT_DONE_WORDS: &[&str] = &[
    "not done",
    "as not done",
    "incomplete",
    "as incomplete",
    "pending",
    "as pending",
    "undone",
    "as undone",
    "as open",
    "not complete",
    "as not complete",
    "not completed",
    "as not completed",
    "uncompleted",
    "as uncompleted",
    "as todo",
    "as to do",
    "unfinished",
    "as unfinished",
];
/// "... isn't done": a statement that a task is not complete (yet).
const NOT_DONE_STATEMENTS: &[&str] = &[
    "is not done yet",
    "is not done",
    "isn't done yet",
    "isn't done",
    "not done yet",
    "not done",
    "is not finished",
    "isn't finished",
    "not finished",
    "is not complete",
    "isn't complete",
    "not complete",
    "is still open",
    "is still pending",
];
/// "... is done": a statement that a task is complete.
const DONE_STATEMENTS: &[&str] = &["is done", "is finished", "is complete", "is completed", "are done", "done"];
const FROM_LIST: &[&str] =
    &["from my list", "from the list", "from my tasks", "from my todo list", "from my to-do list", "for good"];
/// Words of "delete all ..." that name many tasks.
const MANY: &[&str] = &["all", "every", "everything", "each"];
const PLURALS: &[&str] = &["tasks", "ones", "todos", "to-dos", "items"];

fn target_or(raw: &str, verb: Verb, make: fn(Target) -> Intent) -> Intent {
    target(raw).map_or(Intent::Incomplete(verb), make)
}

/// "mark task 3 as complete", "mark it as not done", "mark task 2 as urgent".
pub fn mark(rest: &str) -> Intent {
    if let Some(task) = strip_suffix(rest, NOT_DONE_WORDS) {
        return target_or(task, Verb::Reopen, Intent::Reopen);
    }
    if let Some(task) = strip_suffix(rest, DONE_WORDS) {
        return target_or(task.trim_end_matches(" as"), Verb::Complete, Intent::Complete);
    }
    priority_update(rest).unwrap_or_else(|| target_or(rest, Verb::Complete, Intent::Complete))
}

/// "complete task 2", "finish the report", "check task 2 off".
pub fn complete(rest: &str) -> Intent {
    let task = strip_suffix(rest, DONE_WORDS).unwrap_or(rest);
    target_or(task, Verb::Complete, Intent::Complete)
}

/// "the groceries task is done".
pub fn done_statement(body: &str) -> Option<Intent> {
    // "it's not done", "that's not finished yet": reopen it.
    if let Some(task) = strip_suffix(body, NOT_DONE_STATEMENTS) {
        let task = task.trim_end_matches("'s");
        return Some(target_or(task, Verb::Reopen, Intent::Reopen));
    }
    let task = strip_suffix(body, DONE_STATEMENTS)?;
    // "it's done", "that's finished".
    Some(target_or(task.trim_end_matches("'s"), Verb::Complete, Intent::Complete))
}

/// "task 5 is urgent", "the rent one is high priority now": a change of
/// priority, said as a statement about a task the words clearly name.
pub fn priority_statement(body: &str) -> Option<Intent> {
    let at = body.to_ascii_lowercase().find(" is ")?;
    let target = reference(&body[..at])?;
    let mut level = words(&body[at + 4..]);
    let priority = take_priority(&mut level, true)?;
    level
        .iter()
        .all(|word| ["now", "very", "really", "a"].contains(&word.key.as_str()))
        .then(|| Intent::Update { target, changes: UpdateTask { priority: Some(priority), ..UpdateTask::default() } })
}

pub fn reopen(rest: &str) -> Intent {
    let task = strip_suffix(rest, &["again"]).unwrap_or(rest);
    target_or(task, Verb::Reopen, Intent::Reopen)
}

/// "delete task 3", "delete all completed tasks".
pub fn delete(rest: &str) -> Intent {
    let lower = key(rest);
    let many = MANY.iter().any(|word| starts_with_word(&lower, word));
    let plural = lower.split(' ').any(|word| PLURALS.contains(&word));
    let filter = filters(rest);
    if many || (plural && filter != ListTasks::default()) {
        // "delete all the milk tasks": the other words are what to find.
        return match bulk_search(rest) {
            Ok(q) => Intent::DeleteAll(ListTasks { q: q.or(filter.q.clone()), ..filter }),
            Err(()) => Intent::Incomplete(Verb::Delete),
        };
    }
    let task = strip_suffix(rest, FROM_LIST).unwrap_or(rest);
    target_or(task, Verb::Delete, Intent::Delete)
}

/// "tag task 2 with work", "add tag work to task 2", "remove the work tag
/// from task 2", "untag task 2 work": None when `body` is not about tags.
pub fn tagging(body: &str) -> Option<Intent> {
    let lower = body.to_ascii_lowercase();
    let (add, tags_part, task_part) = if let Some(rest) = strip_prefix(body, &["tag", "label"]) {
        let (task, tags) = split_last(rest, &[" with ", " as "]).unwrap_or_else(|| hashes_apart(rest));
        (true, tags, task)
    } else if let Some(rest) = strip_prefix(body, &["untag"]) {
        match split_last(rest, &[" from "]) {
            Some((tags, task)) => (false, tags, task),
            None => {
                let (task, tags) = hashes_apart(rest);
                (false, tags, task)
            }
        }
    } else {
        let add = ["add", "put"].iter().any(|verb| starts_with_word(&lower, verb));
        let remove = ["remove", "delete", "take off", "drop"].iter().any(|verb| starts_with_word(&lower, verb));
        let rest = strip_prefix(body, &["add", "put", "remove", "delete", "take off", "drop"])?;
        // "add tag work to ...", "add #work to ...", "add the work tag to ...".
        let names_tag = rest.starts_with('#')
            || key(rest).split(' ').take(3).any(|word| ["tag", "tags", "label", "labels"].contains(&word));
        if !names_tag || !(add || remove) {
            return None;
        }
        let (tags, task) = split_last(rest, if add { &[" to ", " on "] } else { &[" from ", " off "] })?;
        (add, tags, task)
    };
    let tags: Vec<String> = words(&tags_part.replace(',', " "))
        .iter()
        .filter(|word| !["tag", "tags", "the", "and", "label", "labels", "a"].contains(&word.key.as_str()))
        .filter_map(|word| tag_of(&word.key))
        .collect();
    let target = target(&task_part)?;
    if tags.is_empty() {
        return Some(Intent::Incomplete(Verb::Update));
    }
    let changes = if add {
        UpdateTask { add_tags: Some(tags), ..UpdateTask::default() }
    } else {
        UpdateTask { remove_tags: Some(tags), ..UpdateTask::default() }
    };
    Some(Intent::Update { target, changes })
}

/// `text` split at the last of `words`: (before, after).
fn split_last(text: &str, words: &[&str]) -> Option<(String, String)> {
    let lower = text.to_ascii_lowercase();
    let (at, len) = words.iter().filter_map(|word| Some((lower.rfind(word)?, word.len()))).max()?;
    Some((text[..at].to_string(), text[at + len..].to_string()))
}

/// "task 2 #work #home" → ("task 2", "#work #home").
fn hashes_apart(text: &str) -> (String, String) {
    let (tags, task): (Vec<&str>, Vec<&str>) =
        text.split(' ').partition(|word| word.starts_with('#') && tag_of(word).is_some());
    (task.join(" "), tags.join(" "))
}
