//! Adding a task: the title, and the due date, reminder, priority, tags and
//! repetition said with it ("Add pay rent tomorrow at 9am, high priority #home").

use chrono::Duration;

use super::{
    dates::{first_day, resolve, take_when},
    fields::{take_priority, take_remind_before, take_repeat, take_tags},
    words::{join, quotes, strip_prefix, strip_suffix, tidy_title, words},
};
use crate::{
    chat::{
        builtin::intent::{Clock, Intent, Verb},
        tools::args::AddTask,
    },
    task::Recurrence,
};

/// Openers that mean "add what follows".
pub const ADD_VERBS: &[&str] = &[
    "add",
    "create",
    "make",
    "new",
    "put",
    "insert",
    "jot down",
    "write down",
    "note down",
    "note",
    "schedule",
    "set up",
    "start",
    "log",
    "plan",
];

/// Openers that mean "add what follows, and remind me of it at the time said".
pub const REMIND_PREFIXES: &[&str] =
    &["remind me to", "set a reminder to", "remind me that i need to", "remind me i need to"];

/// Openers that mean "add what follows" without asking for a reminder.
pub const REMEMBER_PREFIXES: &[&str] = &[
    "i need to remember to",
    "i have to remember to",
    "i must remember to",
    "remember to",
    "don't let me forget to",
    "dont let me forget to",
    "do not let me forget to",
    "don't forget to",
    "dont forget to",
    "i must not forget to",
    "note to self:",
    "note to self",
    "todo:",
    "to do:",
    "to-do:",
    "task:",
    "new task:",
];

/// Weaker openers, tried after every other intent ("I need to finish X" adds).
pub const NEED_PREFIXES: &[&str] = &[
    "i need to",
    "i have to",
    "i've got to",
    "i got to",
    "i gotta",
    "i must",
    "i should",
    "i ought to",
    "need to",
    "have to",
    "gotta",
];

/// Words between an add verb and the title ("add *a new task to* ...").
/// "new" and "another" only with a noun, so "add new tyres" keeps its title.
const FILLERS: &[&str] = &[
    "a",
    "an",
    "the",
    "new task",
    "new todo",
    "new to-do",
    "new item",
    "new reminder",
    "new entry",
    "new one",
    "another task",
    "another todo",
    "another item",
    "another one",
    "task",
    // Typed in a hurry: "add a tsk to ...".
    "tsk",
    "taks",
    "tsak",
    "todo",
    "to-do",
    "item",
    "reminder",
    "entry",
    "one",
    "called",
    "named",
    "titled",
    "saying",
    "that",
    "says",
    "to",
    "for",
    "me",
    "my",
    "list",
    "on",
    ":",
    "-",
];

/// Where the task goes, said after the title ("... to my list").
const LIST_TAILS: &[&str] = &[
    "to my todo list",
    "to my to-do list",
    "to my task list",
    "to my tasks",
    "to my list",
    "to the list",
    "on my list",
    "onto my list",
    "to my todos",
    "to the todo list",
    "on my todo list",
    "to-do list",
];

/// "... and mark it done": add it already completed.
const THEN_COMPLETE: &[&str] = &[
    "and mark it done",
    "and mark it as done",
    "and mark it complete",
    "and mark it as complete",
    "and mark it completed",
    "and mark it as completed",
    "and mark it finished",
    "and mark it as finished",
    "and complete it",
    "and check it off",
    "which i already did",
    "and it's done",
];

/// Words left at the end of a title once its date or priority was taken
/// ("pay rent *due*", "call mom *at*").
const DANGLING: &[&str] = &["due", "at", "on", "by", "and", "with", "for", "repeat", "repeating", "of"];

/// An add of what `rest` says. `remind`: also remind at the due time.
pub fn add(rest: &str, remind: bool, clock: &Clock) -> Intent {
    let (rest, then_complete) = match strip_suffix(rest, THEN_COMPLETE) {
        Some(before) => (before, true),
        None => (rest, false),
    };
    // A quoted title is the title as typed; the words around it say when.
    let quoted = quotes(rest).first().copied();
    let around = match quoted {
        Some(quote) => format!("{} {}", &rest[..quote.start], &rest[quote.end..]),
        None => rest.to_string(),
    };
    let mut words = words(&around);
    let repeat = take_repeat(&mut words);
    let tags = take_tags(&mut words);
    let priority = take_priority(&mut words, false);
    let remind_before = take_remind_before(&mut words);
    let when = take_when(&mut words, clock);
    let title = match quoted {
        Some(quote) => tidy_title(quote.inner),
        None => tidy_title(&title_words(&join(&words))),
    };
    if title.is_empty() {
        return Intent::Incomplete(Verb::Add);
    }
    let default_day = repeat
        .filter(|_| when.day.is_none() && when.exact.is_none())
        .map(|repeat| first_day(repeat.weekday, repeat.rule == Recurrence::Weekdays, when.time, clock));
    let due_at = resolve(&when, default_day, clock);
    let task = AddTask {
        title,
        description: None,
        priority,
        tags: (!tags.is_empty()).then_some(tags),
        due_at,
        remind_at: match remind_before {
            Some(minutes) => due_at.map(|due| due - Duration::minutes(minutes)),
            None => due_at.filter(|_| remind),
        },
        recurrence: repeat.map(|repeat| repeat.rule),
    };
    Intent::Add { task, then_complete }
}

/// The title among what is left: without the fillers before it and the
/// list named after it.
fn title_words(text: &str) -> String {
    let mut title = text.trim();
    while let Some(next) = strip_prefix(title, FILLERS) {
        // Keep at least one word: "Add a task to do laundry" keeps "do laundry".
        if next.trim().is_empty() {
            break;
        }
        title = next;
    }
    loop {
        let trimmed = title.trim_end_matches([',', ' ', '-']);
        match strip_suffix(trimmed, LIST_TAILS).or_else(|| strip_suffix(trimmed, DANGLING)) {
            Some(shorter) if !shorter.trim().is_empty() => title = shorter,
            _ => return trimmed.to_string(),
        }
    }
}
