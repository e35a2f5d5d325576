//! Which task a message means ("task 3", "#3", "the meeting task", "the
//! rent one", "it"), and answers to "which one?" ("2", "the second one").

use super::words::{key, quotes, strip_prefix, strip_suffix};
use crate::chat::builtin::intent::{Choice, Target};

/// Words around a task's number or name that are not part of it.
const NOISE_BEFORE: &[&str] = &[
    "the", "my", "a", "an", "task", "tasks", "todo", "to-do", "item", "called", "named", "titled", "about", "number",
    "no.", "no", "id", "with", "one", "for", "of",
];
const NOISE_AFTER: &[&str] = &["task", "tasks", "one", "todo", "to-do", "item", "reminder", "thing", "entry"];

/// Words that mean the task just talked about.
const IT_WORDS: &[&str] = &[
    "it",
    "that",
    "this",
    "this one",
    "that one",
    "this task",
    "that task",
    "the task",
    "the same one",
    "the same task",
    "the one",
];

/// Plural references ("delete them"): never one task, so they name none and
/// the assistant asks (or, after its own question, they answer it).
const THEM_WORDS: &[&str] = &["them", "those", "these", "all of them", "both", "both of them", "them all"];

/// Words that mark a reference to a task ("the rent *task*", "the rent *one*").
const MARKERS: &[&str] = &["task", "one", "todo", "to-do", "item"];

/// Ordinals for "the second one".
const ORDINALS: &[&str] =
    &["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/// "task 3", "#3", "number 3", "3" → 3.
pub fn task_number(raw: &str) -> Option<i64> {
    let lower = raw.trim().to_ascii_lowercase();
    let mut number = None;
    for word in lower.split([' ', '#']).filter(|w| !w.is_empty()) {
        let word = word.trim_end_matches(['.', ',', ':', '?', '!']);
        match word.parse::<i64>() {
            Ok(n) if number.is_none() && n > 0 => number = Some(n),
            _ if ["task", "todo", "to-do", "item", "number", "no", "id", "the", "my", ""].contains(&word) => {}
            // "taks 42", "tsak 42": the number is what counts.
            _ if strsim::damerau_levenshtein(word, "task") == 1 => {}
            _ => return None,
        }
    }
    number
}

/// Several task numbers: "tasks 3 and 4", "#3, #5 & #8".
fn task_numbers(raw: &str) -> Option<Vec<i64>> {
    let lower = raw.trim().to_ascii_lowercase();
    let mut numbers = Vec::new();
    for word in lower.split([' ', '#', ',', '&']).filter(|w| !w.is_empty()) {
        let word = word.trim_end_matches(['.', ':', '?', '!']);
        match word.parse::<i64>() {
            Ok(n) if n > 0 => numbers.push(n),
            _ if ["tasks", "task", "todos", "items", "numbers", "the", "my", "and", "both"].contains(&word) => {}
            _ => return None,
        }
    }
    numbers.dedup();
    (numbers.len() > 1).then_some(numbers)
}

/// Which task `raw` names, or None if it names none.
pub fn target(raw: &str) -> Option<Target> {
    let text = raw.trim().trim_matches(|c: char| c == ',' || c == ':' || c == ' ' || c == '.');
    if let Some(quoted) = quotes(text).first() {
        return Some(Target::Name(quoted.inner.to_string()));
    }
    if let Some(id) = task_number(text) {
        return Some(Target::Id(id));
    }
    // "task -1", "#0": numbers no task has, which the answer says, rather
    // than words to look for in titles.
    let number = strip_prefix(text, &["task", "#", "number"]).unwrap_or(text).trim_start_matches('#');
    if let Some(id) = number.trim().parse::<i64>().ok().filter(|id| *id <= 0) {
        return Some(Target::Id(id));
    }
    if let Some(ids) = task_numbers(text) {
        return Some(Target::Ids(ids));
    }
    if IT_WORDS.contains(&key(text).as_str()) {
        return Some(Target::It);
    }
    if let Some(place @ (Choice::Position(_) | Choice::Last)) = choice(text) {
        return Some(Target::Listed(place));
    }
    if THEM_WORDS.contains(&key(text).as_str()) {
        return None;
    }
    let mut name = text;
    loop {
        if let Some(rest) = strip_prefix(name, NOISE_BEFORE).filter(|rest| !rest.is_empty()) {
            name = rest;
            continue;
        }
        if let Some(rest) = strip_suffix(name, NOISE_AFTER) {
            name = rest;
            continue;
        }
        break;
    }
    let name = name.trim_matches(['"', '\'', ' ']).trim_end_matches("'s");
    // "the task", "that one": nothing left but the words around a name.
    if name.is_empty() || NOISE_BEFORE.contains(&key(name).as_str()) {
        return None;
    }
    Some(Target::Name(name.to_string()))
}

/// Like [`target`], but only for what clearly names a task: a number, "it",
/// quotes, or words with "task"/"one" ("make the rent task high priority",
/// unlike "make dinner", which adds).
pub fn reference(raw: &str) -> Option<Target> {
    let lower = key(raw);
    let marked = MARKERS.iter().any(|marker| lower.split(' ').any(|word| word == *marker));
    match target(raw)? {
        Target::Name(_) if !marked && quotes(raw).is_empty() => None,
        target => Some(target),
    }
}

/// An answer to "which one?": "3", "task 3", "the second one", "2nd", "the last one".
pub fn choice(text: &str) -> Option<Choice> {
    if let Some(number) = task_number(text) {
        return Some(Choice::Number(number));
    }
    let lower = key(text);
    let core = lower.strip_prefix("the ").unwrap_or(&lower);
    let core = core.strip_prefix("option ").unwrap_or(core);
    let core = core.strip_suffix(" one").or_else(|| core.strip_suffix(" task")).unwrap_or(core);
    if core == "last" {
        return Some(Choice::Last);
    }
    if let Some(at) = ORDINALS.iter().position(|ordinal| *ordinal == core) {
        return Some(Choice::Position(at + 1));
    }
    let digits = core.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &core[digits.len()..];
    match digits.parse::<usize>() {
        Ok(n) if n > 0 && ["st", "nd", "rd", "th"].contains(&suffix) => Some(Choice::Position(n)),
        _ => None,
    }
}
