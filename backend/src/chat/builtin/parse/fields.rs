//! The planning words of a message: priority ("high priority", "urgent",
//! "!low"), tags ("#home", "tagged work") and repetition ("every Monday",
//! "daily"), taken out of the words so they do not end up in a title.

use chrono::Weekday;

use super::{
    dates::weekday_named,
    words::{drop_connector, phrase_at, Word},
};
use crate::task::{Priority, Recurrence};

/// Priority levels by name ("high", "top", "normal"...).
const LEVELS: &[(&str, Priority)] = &[
    ("high", Priority::High),
    ("highest", Priority::High),
    ("top", Priority::High),
    ("medium", Priority::Medium),
    ("med", Priority::Medium),
    ("normal", Priority::Medium),
    ("low", Priority::Low),
    ("lowest", Priority::Low),
];

/// Words that mean high priority on their own.
const URGENT_WORDS: &[&str] = &["urgent", "important", "!urgent", "!important", "!!!"];

/// Words before a priority that belong to it ("with high priority").
const PRIORITY_CONNECTORS: &[&str] = &["with", "as", "at", "a", "it's", "is"];

fn level(key: &str) -> Option<Priority> {
    LEVELS.iter().find(|(name, _)| *name == key).map(|&(_, priority)| priority)
}

/// Takes a priority out of `words`. `bare`: a level alone ("make task 2
/// high") counts too, which it does not in a title ("buy low-fat milk").
/// Whether `word` is one that names a priority ("high", "urgent", "!low").
pub fn is_priority_word(word: &str) -> bool {
    level(word.trim_start_matches('!')).is_some() || URGENT_WORDS.contains(&word) || word == "priority"
}

pub fn take_priority(words: &mut Vec<Word>, bare: bool) -> Option<Priority> {
    for at in 0..words.len() {
        let key = |i: usize| words.get(at + i).map_or("", |w| w.key.as_str());
        let found = if let (Some(priority), "priority") = (level(key(0)), key(1)) {
            Some((2, priority))
        } else if let ("priority" | "priority:", Some(priority)) = (key(0), level(key(1))) {
            Some((2, priority))
        } else if let Some(priority) = key(0).strip_suffix("-priority").and_then(level) {
            Some((1, priority))
        } else if let Some(priority) = key(0).strip_prefix('!').and_then(level) {
            Some((1, priority))
        } else if URGENT_WORDS.contains(&key(0)) {
            Some((1, Priority::High))
        } else if bare {
            level(key(0)).map(|priority| (1, priority))
        } else {
            None
        };
        if let Some((len, priority)) = found {
            words.drain(at..at + len);
            drop_connector(words, at, PRIORITY_CONNECTORS);
            return Some(priority);
        }
    }
    None
}

/// A tag as typed ("#Home," → "home"), if it is one: letters, digits, - or
/// _, and not only digits ("#3" is a task number).
pub fn tag_of(text: &str) -> Option<String> {
    let tag = text.trim_start_matches('#').trim_end_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let valid = tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    (valid && !tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit())).then_some(tag)
}

/// Takes the tags out of `words`: "#home", "tagged work", "with tag work".
pub fn take_tags(words: &mut Vec<Word>) -> Vec<String> {
    let mut tags = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let named = ["tagged with", "tagged", "with tags", "with tag", "with the tag"]
            .iter()
            .find(|phrase| phrase_at(words, at, phrase) && words.len() > at + phrase.split(' ').count());
        if let Some(phrase) = named {
            let len = phrase.split(' ').count();
            if let Some(tag) = tag_of(&words[at + len].key) {
                tags.push(tag);
                words.drain(at..=at + len);
                continue;
            }
        }
        if words[at].key.starts_with('#') {
            if let Some(tag) = tag_of(&words[at].key) {
                tags.push(tag);
                words.remove(at);
                continue;
            }
        }
        at += 1;
    }
    tags.dedup();
    tags
}

/// How a task repeats, and on which weekday when the rule named one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repeat {
    pub rule: Recurrence,
    pub weekday: Option<Weekday>,
}

/// Takes the repetition words out of `words`: "every Monday", "daily",
/// "on weekdays", "each month".
pub fn take_repeat(words: &mut Vec<Word>) -> Option<Repeat> {
    for at in 0..words.len() {
        let key = |i: usize| words.get(at + i).map_or("", |w| w.key.as_str());
        let every = matches!(key(0), "every" | "each");
        let rule = |rule| Some(Repeat { rule, weekday: None });
        let (len, repeat) = match (key(0), key(1)) {
            (_, "day") if every => (2, rule(Recurrence::Daily)),
            ("daily" | "everyday", _) => (1, rule(Recurrence::Daily)),
            (_, "weekday") if every => (2, rule(Recurrence::Weekdays)),
            ("on", "weekdays") => (2, rule(Recurrence::Weekdays)),
            ("weekdays", _) => (1, rule(Recurrence::Weekdays)),
            (_, "week") if every => (2, rule(Recurrence::Weekly)),
            ("weekly", _) => (1, rule(Recurrence::Weekly)),
            (_, "month") if every => (2, rule(Recurrence::Monthly)),
            ("monthly", _) => (1, rule(Recurrence::Monthly)),
            (_, "year") if every => (2, rule(Recurrence::Yearly)),
            ("yearly" | "annually", _) => (1, rule(Recurrence::Yearly)),
            (_, day) if every && weekday_named(day).is_some() => {
                (2, Some(Repeat { rule: Recurrence::Weekly, weekday: weekday_named(day) }))
            }
            // "on Mondays": the plural says it repeats.
            ("on", day) if day.ends_with("days") && weekday_named(day).is_some() => {
                (2, Some(Repeat { rule: Recurrence::Weekly, weekday: weekday_named(day) }))
            }
            _ => (0, None),
        };
        if let Some(repeat) = repeat {
            words.drain(at..at + len);
            drop_connector(words, at, &["repeat", "repeating", "recurring", "repeats", "and"]);
            return Some(repeat);
        }
    }
    None
}

/// Takes a reminder relative to the due time out of a new task's `words`:
/// "remind me an hour before", "remind me the day before", "a reminder 30
/// minutes before it's due". Returns how long before, in minutes. Only
/// right after "remind me" or "reminder": "leave 2 days before the trip" is
/// a title.
pub fn take_remind_before(words: &mut Vec<Word>) -> Option<i64> {
    let (range, minutes) = before_due(words)?;
    let key = |at: Option<usize>| at.and_then(|at| words.get(at)).map_or("", |word| word.key.as_str());
    let start = match (key(range.start.checked_sub(2)), key(range.start.checked_sub(1))) {
        ("remind", "me") => range.start - 2,
        (_, "reminder" | "remind") => range.start - 1,
        _ => return None,
    };
    words.drain(start..range.end);
    drop_connector(words, start, &["and", "with", "a"]);
    Some(minutes)
}

/// Takes "an hour before (it's due)" out of `words`, wherever it is: for a
/// reminder of a task that exists ("remind me about task 6 an hour before").
pub fn take_before_due(words: &mut Vec<Word>) -> Option<i64> {
    let (range, minutes) = before_due(words)?;
    words.drain(range);
    Some(minutes)
}

/// Where "<amount> <unit> before [it's due]" is in `words`, and its minutes.
fn before_due(words: &[Word]) -> Option<(std::ops::Range<usize>, i64)> {
    let before = words.iter().position(|word| word.key == "before")?;
    let unit = before.checked_sub(1).and_then(|at| minutes_in(&words[at].key))?;
    let start = before.checked_sub(2)?;
    let amount = match words[start].key.as_str() {
        "a" | "an" | "one" | "the" => 1,
        number => number.parse::<i64>().ok().filter(|n| (1..=10_000).contains(n))?,
    };
    let tail = ["it's due", "it is due", "its due", "due", "it", "the deadline"]
        .iter()
        .find(|tail| phrase_at(words, before + 1, tail))
        .map_or(0, |tail| tail.split(' ').count());
    Some((start..before + 1 + tail, amount * unit))
}

/// Minutes in one `unit` ("hour", "days", "min").
fn minutes_in(unit: &str) -> Option<i64> {
    match unit.trim_end_matches('s') {
        "minute" | "min" | "mn" => Some(1),
        "hour" | "hr" | "h" => Some(60),
        "day" => Some(24 * 60),
        "week" | "wk" => Some(7 * 24 * 60),
        _ => None,
    }
}
