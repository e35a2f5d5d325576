//! Which of the user's tasks a name means ("the meeting task", "the rent
//! one"): pure, over a list of tasks, so that the rules are testable alone.

use crate::chat::tools::args::TaskSummary;

/// Words of a name that say nothing about which task it is.
const FILLER: &[&str] = &["the", "and", "for", "with", "about", "task", "one", "that", "this", "my"];

/// The tasks a name may mean.
#[derive(Debug, PartialEq)]
pub enum Pick {
    /// The name is this task's title, or a phrase of it.
    One(i64),
    None,
    /// Several match, or only the words match (a guess): the user chooses.
    Ask(Vec<TaskSummary>),
}

/// Chooses the task a name refers to: the exact title, else titles that
/// contain the phrase from the start of a word. Titles that only contain
/// all its words (plural or not) are a guess, so even one is asked about.
pub fn pick(tasks: &[TaskSummary], name: &str) -> Pick {
    let wanted = name.to_lowercase();
    let title = |task: &TaskSummary| task.title.to_lowercase();
    let exact: Vec<&TaskSummary> = tasks.iter().filter(|task| title(task) == wanted).collect();
    let phrase = || tasks.iter().filter(|task| at_word_start(&title(task), &wanted)).collect::<Vec<_>>();
    let found = if exact.is_empty() { phrase() } else { exact };
    match found.as_slice() {
        [one] => return Pick::One(one.id),
        [] => {}
        many => return Pick::Ask(many.iter().map(|task| (*task).clone()).collect()),
    }
    // Numbers count whatever their length: "taks 42" must not find "Take out trash".
    let stems: Vec<String> = wanted
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().all(|c| c.is_ascii_digit()) || word.chars().count() >= 3)
        .filter(|word| !word.is_empty() && !FILLER.contains(word))
        .map(stem)
        .filter(|stem| !stem.is_empty())
        .collect();
    if stems.is_empty() {
        return Pick::None;
    }
    let guesses: Vec<TaskSummary> =
        tasks.iter().filter(|task| stems.iter().all(|stem| at_word_start(&title(task), stem))).cloned().collect();
    if guesses.is_empty() {
        Pick::None
    } else {
        Pick::Ask(guesses)
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
        assert_eq!(pick(&tasks, "pay rent"), Pick::One(1));
        assert_eq!(pick(&tasks, "notes"), Pick::One(3));
        assert!(matches!(pick(&tasks, "rent"), Pick::Ask(many) if many.len() == 2));
        assert_eq!(pick(&tasks, "groceries"), Pick::None);
        let tasks = [task(1, "Renew passport", false), task(2, "New tyres", false)];
        assert_eq!(pick(&tasks, "new"), Pick::One(2), "a name starts at a word");
    }

    #[test]
    fn a_match_on_words_alone_is_asked_about() {
        let tasks = [task(1, "Pay rent", false), task(3, "Meeting notes", false), task(4, "Take out trash", false)];
        assert_eq!(pick(&tasks, "meetings"), Pick::Ask(vec![tasks[1].clone()]));
        assert_eq!(pick(&tasks, "paying the rent"), Pick::Ask(vec![tasks[0].clone()]));
        assert_eq!(pick(&tasks, "taks 42"), Pick::None, "a number in the name must match too");
    }

    #[test]
    fn several_matches_are_asked_about_done_or_not() {
        // "the rent one is done" may mean the task already done: ask.
        let tasks = [task(1, "Team meeting", true), task(2, "Team meeting follow-up", false)];
        assert!(matches!(pick(&tasks, "meeting"), Pick::Ask(many) if many.len() == 2));
    }
}
