//! An English message, read: the order in which the readings are tried.
//! Longer, more specific openers come first ("remind me about task 3"
//! before "remind me to", "add tag work to task 2" before "add").

use chrono::NaiveDate;

use super::{
    add::{add, ADD_VERBS, NEED_PREFIXES, REMEMBER_PREFIXES, REMIND_PREFIXES},
    answers::whole_message,
    clear::clear,
    dates::{named_day, resolve, take_when},
    fields::{take_before_due, take_repeat},
    list::{filters, list_query},
    status::{
        complete, delete, done_statement, mark, priority_statement, reopen, tagging, COMPLETE_VERBS, DELETE_VERBS,
        REOPEN_VERBS,
    },
    targets::{reference, target},
    update::{
        change, make, move_to, remind_about, reminder_on_task, CHANGE_VERBS, MAKE_VERBS, MOVE_VERBS, REMINDER_ON_TASK,
        REMIND_ABOUT, RENAME_VERBS,
    },
    words::{
        contains_word, fix_command_typo, fix_swapped_letters, join, key, quotes, starts_with_word, strip_polite,
        strip_prefix, strip_suffix, words,
    },
};
use crate::chat::{
    builtin::intent::{Clock, Intent, Target, Verb},
    tools::args::{ListTasks, UpdateTask},
};

/// A verb alone, or with nothing but "a task" after it: asks for what is missing.
const LONE_VERBS: &[(&str, Verb)] = &[
    ("add", Verb::Add),
    ("create", Verb::Add),
    ("new task", Verb::Add),
    ("add a task", Verb::Add),
    ("add task", Verb::Add),
    ("delete", Verb::Delete),
    ("remove", Verb::Delete),
    ("delete a task", Verb::Delete),
    ("delete task", Verb::Delete),
    ("clear", Verb::Delete),
    ("complete", Verb::Complete),
    ("mark", Verb::Complete),
    ("mark done", Verb::Complete),
    ("mark as done", Verb::Complete),
    ("finish", Verb::Complete),
    ("complete a task", Verb::Complete),
    ("rename", Verb::Update),
    ("change", Verb::Update),
    ("update", Verb::Update),
    ("edit", Verb::Update),
    ("rename a task", Verb::Update),
    ("reopen", Verb::Reopen),
];

/// What `cleaned` asks for; `asked`: it ended with a question mark.
pub fn read(cleaned: &str, asked: bool, clock: &Clock) -> Intent {
    if let Some(answer) = whole_message(&key(cleaned)) {
        return answer;
    }
    let polite = strip_polite(cleaned);
    let body = fix_command_typo(polite);
    let carries_title = [ADD_VERBS, RENAME_VERBS, CHANGE_VERBS, NEED_PREFIXES, REMEMBER_PREFIXES, &["remind"]]
        .iter()
        .any(|verbs| strip_prefix(&body, verbs).is_some());
    let fixed;
    let body = if carries_title {
        body.as_ref()
    } else {
        fixed = fix_swapped_letters(&body);
        fixed.as_ref()
    };
    if body.is_empty() {
        return Intent::Unknown;
    }
    let whole = key(body);
    if let Some(&(_, verb)) = LONE_VERBS.iter().find(|(words, _)| *words == whole) {
        return Intent::Incomplete(verb);
    }
    command(body, clock).unwrap_or_else(|| fallback(body, asked, clock))
}

/// A message that opens with a command word.
fn command(body: &str, clock: &Clock) -> Option<Intent> {
    if let Some(intent) = show(body).or_else(|| remind_before(body)) {
        return Some(intent);
    }
    if let Some(rest) = strip_prefix(body, REMIND_ABOUT) {
        return Some(remind_about(rest, clock));
    }
    if let Some(rest) = strip_prefix(body, REMINDER_ON_TASK) {
        return Some(reminder_on_task(rest, clock).unwrap_or_else(|| match add(rest, true, clock) {
            Intent::Add { task, then_complete: false } => Intent::RemindOrAdd(task),
            other => other,
        }));
    }
    if let Some(rest) = strip_prefix(body, REMIND_PREFIXES) {
        return Some(add(rest, true, clock));
    }
    if let Some(reordered) = reminder_in_other_order(body) {
        return Some(add(&reordered, true, clock));
    }
    if let Some(rest) = strip_prefix(body, REMEMBER_PREFIXES) {
        return Some(add(rest, false, clock));
    }
    if let Some(intent) = clear(body) {
        return Some(intent);
    }
    if let Some(rest) = strip_prefix(body, NOTE_OPENERS) {
        return Some(note(rest));
    }
    if let Some(intent) = tagging(body) {
        return Some(intent);
    }
    if let Some(rest) = strip_prefix(body, RENAME_VERBS) {
        return Some(change(rest, true, clock));
    }
    if let Some(rest) = strip_prefix(body, MOVE_VERBS) {
        return Some(move_to(rest, clock));
    }
    if let Some(verb) = MAKE_VERBS.iter().find(|verb| strip_prefix(body, &[verb]).is_some()) {
        let rest = strip_prefix(body, &[verb]).unwrap_or_default();
        if let Some(intent) = make(verb, rest, clock) {
            return Some(intent);
        }
    }
    // "set up a meeting" adds; "set task 2 to high priority" changes.
    if let Some(rest) = strip_prefix(body, CHANGE_VERBS).filter(|_| strip_prefix(body, &["set up"]).is_none()) {
        return Some(change(rest, false, clock));
    }
    if let Some(rest) = strip_prefix(body, ADD_VERBS) {
        // "new tasks this week?" asks, it does not add.
        if !starts_with_word(body, "new") || list_query(body).is_none() {
            return Some(add(rest, false, clock));
        }
    }
    if let Some(rest) = strip_prefix(body, REOPEN_VERBS) {
        return Some(reopen(rest));
    }
    if let Some(rest) = strip_prefix(body, &["mark"]) {
        return Some(mark(rest));
    }
    // "check task 2 off" (but "check my tasks" asks for the list).
    if let Some(rest) = strip_prefix(body, &["check", "tick", "cross"]).filter(|rest| key(rest).ends_with(" off")) {
        return Some(complete(rest));
    }
    if let Some(rest) = strip_prefix(body, DELETE_VERBS) {
        return Some(delete(rest));
    }
    if let Some(rest) = strip_prefix(body, COMPLETE_VERBS) {
        return Some(complete(rest));
    }
    None
}

/// A message without a command word: a question about the list, "X is
/// done", "I need to X", or a task with a schedule ("Water the plants every
/// Monday").
fn fallback(body: &str, asked: bool, clock: &Clock) -> Intent {
    let question = asked || strip_prefix(body, QUESTION_WORDS).is_some();
    let query = list_query(body);
    if query.is_some() || question {
        if let Some(day) = one_day(body, clock) {
            let query = query.unwrap_or_default();
            return Intent::ListDay { query: ListTasks { due: None, ..query }, day };
        }
    }
    if let Some(query) = query {
        return Intent::List(query);
    }
    // "task 1 is done", "task 5 is urgent", "the report is due Friday"; as a
    // question ("task 8 is urgent?"), a look at that task.
    if let Some(intent) =
        done_statement(body).or_else(|| priority_statement(body)).or_else(|| due_statement(body, clock))
    {
        if !question {
            return intent;
        }
        return match intent.asked() {
            show @ Intent::Show(_) => show,
            _ => Intent::Unknown,
        };
    }
    if let Some(rest) = strip_prefix(body, NEED_PREFIXES) {
        return add(rest, false, clock);
    }
    // A question is never a task to add ("what do I have in the garden?"),
    // nor is something said about oneself ("I can't make it on Friday").
    let about_me = starts_with_word(body, "i") || strip_prefix(body, &["i'm", "i've", "i'll", "i'd", "im"]).is_some();
    if question || about_me {
        return Intent::Unknown;
    }
    let mut body_words = words(body);
    let scheduled = take_repeat(&mut body_words).is_some() || !take_when(&mut body_words, clock).is_empty();
    if scheduled && !body_words.is_empty() {
        return add(body, false, clock);
    }
    Intent::Unknown
}

/// Openers that ask for one task's details when a number, quotes or "it"
/// follow ("show task 4"); "show my tasks" lists.
const SHOW_OPENERS: &[&str] = &["show me", "show", "view", "open", "display", "what about", "how about"];
/// Openers that ask for a task's details when what follows names one
/// clearly ("tell me about the dentist task").
const DETAIL_OPENERS: &[&str] = &[
    "tell me more about",
    "tell me about",
    "more about",
    "the details of",
    "details of",
    "details for",
    "details on",
    "describe",
    "info on",
    "information on",
    "what's in",
    "what is in",
];
/// Questions about one task: "what's task 2 about?", "is the bank call
/// done?", "when is the dentist?".
const ABOUT_OPENERS: &[&str] = &["what's", "what is", "whats"];
const STATUS_QUESTIONS: &[&str] = &["is", "was", "are", "has"];
const STATUS_WORDS: &[&str] =
    &["done yet", "finished yet", "complete yet", "completed yet", "done", "finished", "complete", "completed"];
const WHEN_OPENERS: &[&str] = &["when is", "when's", "whens", "when was"];

/// A question about one task's details, status or date.
fn show(body: &str) -> Option<Intent> {
    let single = |rest: &str| match target(rest)? {
        target @ (Target::Id(_) | Target::It) => Some(target),
        Target::Name(name) if !quotes(rest).is_empty() => Some(Target::Name(name)),
        _ => None,
    };
    if let Some(rest) = strip_prefix(body, SHOW_OPENERS) {
        // "show the rent task"; "show the pending tasks", "show my todo list" list.
        let one_task = key(rest).split(' ').any(|word| word == "task" || word == "one");
        let named = || reference(rest).filter(|_| one_task && filters(rest) == ListTasks::default());
        if let Some(target) = single(rest).or_else(named) {
            return Some(Intent::Show(target));
        }
    }
    if let Some(target) = strip_prefix(body, DETAIL_OPENERS).and_then(reference) {
        return Some(Intent::Show(target));
    }
    if let Some(rest) = strip_prefix(body, ABOUT_OPENERS) {
        let rest = strip_suffix(rest, &["about", "for"]).unwrap_or(rest);
        return single(rest).map(Intent::Show);
    }
    if let Some(rest) = strip_prefix(body, STATUS_QUESTIONS).and_then(|rest| strip_suffix(rest, STATUS_WORDS)) {
        return target(rest).map(Intent::Show);
    }
    let rest = strip_prefix(body, WHEN_OPENERS)?;
    let rest = strip_suffix(rest, &["due", "happening", "scheduled"]).unwrap_or(rest);
    target(rest).map(Intent::Show)
}

/// Between a task and its new due date in a statement ("task 1 is due
/// Friday", "the report should be done by Thursday").
const DUE_LINKS: &[&str] = &[
    " is due ",
    " due ",
    " should be done by ",
    " needs to be done by ",
    " has to be done by ",
    " must be done by ",
    " is now due ",
];

/// "task 1 is due Friday", "the expense report is due at 5pm": a new due
/// date for a task the words clearly name ("pay rent due tomorrow", with
/// no "the" or "task", adds one).
fn due_statement(body: &str, clock: &Clock) -> Option<Intent> {
    let lower = body.to_ascii_lowercase();
    let (at, link) = DUE_LINKS.iter().find_map(|link| lower.find(link).map(|at| (at, link.len())))?;
    // "it's due Friday": "it".
    let (task, when) = (body[..at].trim_end_matches("'s"), &body[at + link..]);
    let definite = ["the ", "my "].iter().any(|article| task.to_ascii_lowercase().starts_with(article));
    let target = reference(task).or_else(|| target(task).filter(|_| definite))?;
    let mut when_words = words(when);
    let due_at = resolve(&take_when(&mut when_words, clock), None, clock)?;
    when_words
        .is_empty()
        .then(|| Intent::Update { target, changes: UpdateTask { due_at: Some(due_at), ..UpdateTask::default() } })
}

/// "Remind me an hour before" (the task named last), "set a reminder for
/// task 6 30 minutes before it's due"; not "remind me to leave 2 days before
/// the trip", which adds a task.
fn remind_before(body: &str) -> Option<Intent> {
    if strip_prefix(body, REMIND_PREFIXES).is_some() {
        return None;
    }
    // The openers of a reminder for a task that exists, or "remind me" alone.
    let rest =
        [REMIND_ABOUT, REMINDER_ON_TASK, &["remind me"]].iter().find_map(|openers| strip_prefix(body, openers))?;
    let mut rest = words(rest);
    let minutes = take_before_due(&mut rest)?;
    let left = join(&rest);
    let target = if left.trim().is_empty() { Some(Target::It) } else { target(&left) };
    Some(target.map_or(Intent::Incomplete(Verb::Update), |target| Intent::RemindBefore { target, minutes }))
}

/// Openers of a note for a task that exists ("add a note to the rent task: ...").
const NOTE_OPENERS: &[&str] = &[
    "add a note to",
    "add note to",
    "add a note on",
    "add a note for",
    "put a note on",
    "add a comment to",
    "note on",
];

/// "<task>: <note>".
fn note(rest: &str) -> Intent {
    let Some((task, note)) = rest.split_once(':') else { return Intent::Incomplete(Verb::Update) };
    match (target(task), note.trim()) {
        (Some(target), note) if !note.is_empty() => Intent::AddNote { target, note: note.to_string() },
        _ => Intent::Incomplete(Verb::Update),
    }
}

/// The one day other than today a question is about ("what's due
/// tomorrow", "anything on Friday?"); not a week ("next week").
fn one_day(body: &str, clock: &Clock) -> Option<NaiveDate> {
    let lower = key(body);
    if ["week", "weekend", "month", "today", "tonight", "overdue"].iter().any(|word| contains_word(&lower, word)) {
        return None;
    }
    named_day(&mut words(body), clock)
}

/// Openers of a question.
const QUESTION_WORDS: &[&str] = &[
    "what",
    "what's",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "how",
    "anything",
    "any",
    "do i",
    "do you",
    "does",
    "is there",
    "are there",
    "is anything",
    "have i",
    "did i",
    "can i",
    "should i",
    "am i",
    "is",
    "are",
    "was",
    "were",
    "should",
    // A pointer at a task ("the one due tomorrow") is not one to add either.
    "the one",
    "that one",
    "this one",
    "one",
];

/// "remind me at 8pm to take meds", "tomorrow remind me to call mom": the
/// same as "remind me to take meds at 8pm", with the time moved after.
fn reminder_in_other_order(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    if let Some(rest) = strip_prefix(body, &["remind me"]) {
        let at = rest.to_ascii_lowercase().find(" to ")?;
        let (when, what) = (rest[..at].trim(), rest[at + 4..].trim());
        return (!when.is_empty() && !what.is_empty()).then(|| format!("{what} {when}"));
    }
    let at = lower.find(" remind me to ")?;
    let (when, what) = (body[..at].trim(), body[at + " remind me to ".len()..].trim());
    (!what.is_empty()).then(|| format!("{what} {when}"))
}
