//! Which of the user's tasks a name means ("the meeting task", "the rent
//! one"): pure, over a list of tasks, so that the rules are testable alone.

use crate::chat::tools::args::TaskSummary;

/// The tasks a name may mean.
#[derive(Debug, PartialEq)]
pub enum Pick {
    One(i64),
    None,
    /// Several match: the user chooses.
    Many(Vec<TaskSummary>),
}

/// Words of a name that say nothing about which task it is.
const FILLER: &[&str] = &["the", "and", "for", "with", "about", "task", "one", "that", "this", "my"];

/// Chooses the task a name refers to: the exact title, else titles that
/// contain the phrase, else titles that contain all its words (plural or
/// not). `prefer_pending` ("complete the meeting task") keeps the one
/// pending task when several match and only one is pending.
pub fn pick(tasks: &[TaskSummary], name: &str, prefer_pending: bool) -> Pick {
    let wanted = name.to_lowercase();
    let title = |task: &TaskSummary| task.title.to_lowercase();
    let mut found: Vec<&TaskSummary> = tasks.iter().filter(|task| title(task) == wanted).collect();
    if found.is_empty() {
        found = tasks.iter().filter(|task| at_word_start(&title(task), &wanted)).collect();
    }
    if found.is_empty() {
        let stems: Vec<String> = wanted
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3 && !FILLER.contains(word))
            .map(stem)
            .filter(|stem| stem.chars().count() >= 3)
            .collect();
        if !stems.is_empty() {
            found = tasks.iter().filter(|task| stems.iter().all(|stem| at_word_start(&title(task), stem))).collect();
        }
    }
    if prefer_pending && found.len() > 1 {
        let pending: Vec<&TaskSummary> = found.iter().copied().filter(|task| !task.completed).collect();
        if pending.len() == 1 {
            found = pending;
        }
    }
    match found.as_slice() {
        [] => Pick::None,
        [one] => Pick::One(one.id),
        many => Pick::Many(many.iter().map(|task| (*task).clone()).collect()),
    }
}

/// Whether `part` occurs in `title` starting at a word: "meet" is in "Team
/// meeting", "new" is not in "Renew passport".
fn at_word_start(title: &str, part: &str) -> bool {
    title.match_indices(part).any(|(at, _)| title[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
}

/// A word without its ending, so that "buying" finds "Buy milk" and
/// "meetings" finds "Team meeting".
fn stem(word: &str) -> String {
    let word = ["ing", "ed", "es", "s"].iter().find_map(|ending| word.strip_suffix(ending)).unwrap_or(word);
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Priority;

    fn task(id: i64, title: &str, completed: bool) -> TaskSummary {
        TaskSummary {
            id,
            title: title.into(),
            completed,
            priority: Priority::None,
            tags: Default::default(),
            due_at: None,
        }
    }

    #[test]
    fn exact_then_phrase_then_words() {
        let tasks = [task(1, "Pay rent", false), task(2, "Rent a car", false), task(3, "Meeting notes", false)];
        assert_eq!(pick(&tasks, "pay rent", false), Pick::One(1));
        assert_eq!(pick(&tasks, "notes", false), Pick::One(3));
        assert_eq!(pick(&tasks, "meetings", false), Pick::One(3));
        assert_eq!(pick(&tasks, "paying the rent", false), Pick::One(1));
        assert!(matches!(pick(&tasks, "rent", false), Pick::Many(many) if many.len() == 2));
        assert_eq!(pick(&tasks, "groceries", false), Pick::None);
        let tasks = [task(1, "Renew passport", false), task(2, "New tyres", false)];
        assert_eq!(pick(&tasks, "new", false), Pick::One(2), "a name starts at a word");
    }

    #[test]
    fn completing_prefers_the_one_pending_task() {
        let tasks = [task(1, "Team meeting", true), task(2, "Team meeting follow-up", false)];
        assert_eq!(pick(&tasks, "meeting", true), Pick::One(2));
        assert!(matches!(pick(&tasks, "meeting", false), Pick::Many(_)));
    }
}
