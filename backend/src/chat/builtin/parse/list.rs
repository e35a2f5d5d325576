//! Lists, filters and searches ("What's pending?", "What's due today?",
//! "Show my high priority tasks", "Find tasks about rent"), and the filter
//! of "Delete all completed tasks".
//!
//! A due-date filter lists pending tasks: a done task is not "due". "Due
//! tomorrow" and "due next week" list the coming week (the filter has no
//! single day but today).

use super::{
    fields::{take_priority, take_tags},
    words::{contains_word, key, starts_with_word, strip_prefix, strip_suffix, words},
};
use crate::{
    chat::tools::args::ListTasks,
    task::list::{DueFilter, Order, Sort, StatusFilter},
};

/// First words of a question about the list.
const OPENERS: &[&str] = &[
    "show",
    "list",
    "display",
    "view",
    "see",
    "get",
    "give me",
    "tell me",
    "what",
    "what's",
    "whats",
    "which",
    "how many",
    "do i have",
    "have i",
    "any",
    "my",
    "all",
    "pending",
    "completed",
    "open",
    "print",
    "read",
    "check",
    "fetch",
    "anything",
    "is there",
    "are there",
    "tasks",
    "todo",
    "todos",
    "is anything",
    "am i",
];

/// Words that show a question is about tasks.
const LIST_WORDS: &[&str] = &[
    "task",
    "tasks",
    "list",
    "todos",
    "to-dos",
    "to do",
    "todo",
    "pending",
    "completed",
    "done",
    "left",
    "plate",
    "agenda",
    "due",
    "overdue",
    "priority",
    "tagged",
    "finished",
    "remaining",
    "urgent",
    "everything",
];

const PENDING_WORDS: &[&str] = &[
    "pending",
    "to do",
    "todo",
    "to-do",
    "left",
    "remaining",
    "open",
    "incomplete",
    "unfinished",
    "outstanding",
    "not done",
    "undone",
    "still",
    "active",
    "need to do",
    "not completed",
    "uncompleted",
    "have to do",
];
const COMPLETED_WORDS: &[&str] = &["completed", "complete", "done", "finished", "accomplished", "did i", "closed"];

/// Due-date words, in the order they are tried ("overdue" before "due today").
const DUE_WORDS: &[(&str, DueFilter)] = &[
    ("overdue", DueFilter::Overdue),
    ("past due", DueFilter::Overdue),
    ("late", DueFilter::Overdue),
    ("no due date", DueFilter::None),
    ("without a due date", DueFilter::None),
    ("without due date", DueFilter::None),
    ("without a date", DueFilter::None),
    ("no deadline", DueFilter::None),
    ("undated", DueFilter::None),
    ("today", DueFilter::Today),
    ("tonight", DueFilter::Today),
    ("this week", DueFilter::Week),
    ("tomorrow", DueFilter::Week),
    ("next week", DueFilter::Week),
    ("upcoming", DueFilter::Week),
    ("due soon", DueFilter::Week),
    ("coming up", DueFilter::Week),
    ("next 7 days", DueFilter::Week),
];

const SORTS: &[(&str, Sort)] = &[
    ("by due date", Sort::Due),
    ("by deadline", Sort::Due),
    ("by date", Sort::Due),
    ("by priority", Sort::Priority),
    ("alphabetically", Sort::Title),
    ("by title", Sort::Title),
];

/// Openers of a search; what follows (after [`SEARCH_NOISE`]) is the text.
const SEARCH_VERBS: &[&str] =
    &["find", "search for", "search", "look for", "look up", "find me", "search my tasks for"];
/// Words that introduce the text searched for inside a list question.
const ABOUT_WORDS: &[&str] =
    &["about", "mentioning", "containing", "matching", "that mention", "that contain", "with the word"];
const SEARCH_NOISE: &[&str] = &[
    "tasks",
    "task",
    "todos",
    "my",
    "all",
    "the",
    "for",
    "about",
    "containing",
    "mentioning",
    "matching",
    "with",
    "called",
    "named",
];

/// The list `body` asks for, if it asks for one.
pub fn list_query(body: &str) -> Option<ListTasks> {
    if let Some(rest) = strip_prefix(body, SEARCH_VERBS) {
        let mut text = rest;
        while let Some(next) = strip_prefix(text, SEARCH_NOISE) {
            text = next;
        }
        let filters = filters(rest);
        // "find the garage task": the word "task" is not what is searched for.
        let text = strip_suffix(text, &["task", "tasks", "one", "todo"]).unwrap_or(text);
        let text = text.trim_matches(['"', '\'', ' ']);
        if text.is_empty() || filters != ListTasks::default() {
            return Some(filters);
        }
        return Some(ListTasks { q: Some(text.to_string()), ..ListTasks::default() });
    }
    let lower = key(body);
    let opens = OPENERS.iter().any(|opener| starts_with_word(&lower, opener));
    // "anything for today?", "what do I have tomorrow": a date asks about the list.
    let about_tasks = LIST_WORDS.iter().any(|word| contains_word(&lower, word))
        || DUE_WORDS.iter().any(|(word, _)| contains_word(&lower, word))
        || lower.contains('#');
    // "#work tasks", "high priority tasks due this week": the list, filtered.
    let names_tasks = ["tasks", "todos", "to-dos"].iter().any(|word| contains_word(&lower, word));
    if !(opens && about_tasks || names_tasks) {
        return None;
    }
    let mut query = filters(body);
    if let Some(text) = searched_text(body) {
        query.q = Some(text);
    }
    Some(query)
}

/// "... tasks about rent" → "rent".
fn searched_text(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    ABOUT_WORDS.iter().find_map(|word| {
        let at = lower.find(&format!(" {word} "))?;
        let text = body[at + word.len() + 2..].trim_matches(['"', '\'', ' ']);
        (!text.is_empty()).then(|| text.to_string())
    })
}

/// Words that say "all of my tasks" in a bulk request and nothing more.
const BULK_WORDS: &[&str] = &[
    "i've",
    "ive",
    "out",
    "up",
    "have",
    "were",
    "was",
    "been",
    "all",
    "every",
    "everything",
    "each",
    "the",
    "my",
    "of",
    "tasks",
    "task",
    "ones",
    "todos",
    "to-dos",
    "items",
    "that",
    "which",
    "are",
    "is",
    "i",
    "have",
    "already",
    "from",
    "list",
    "due",
    "with",
    "priority",
    "tagged",
    "tag",
    "about",
    "containing",
    "mentioning",
    "called",
    "named",
    "in",
    "name",
    "title",
];
/// Words that make a bulk request an exception list, which is not a filter,
/// or name a day the due filter can only widen to a week ("tomorrow").
const EXCEPT_WORDS: &[&str] =
    &["except", "but", "besides", "apart", "other", "not", "without", "excluding", "tomorrow", "next"];

/// What a bulk request ("delete all the milk tasks") names beyond the
/// filters it understands: the words to search for, or `Err(())` when it
/// names exceptions ("all except the dentist") or a day, which no filter
/// can say exactly.
pub fn bulk_search(text: &str) -> Result<Option<String>, ()> {
    let understood = |word: &str| {
        BULK_WORDS.contains(&word)
            || PENDING_WORDS.contains(&word)
            || COMPLETED_WORDS.contains(&word)
            || DUE_WORDS.iter().any(|(phrase, _)| phrase.split(' ').any(|part| part == word))
            || super::fields::is_priority_word(word)
            || word.starts_with('#')
    };
    let mut list_words = words(text);
    take_tags(&mut list_words);
    if list_words.iter().any(|word| EXCEPT_WORDS.contains(&word.key.as_str())) {
        return Err(());
    }
    let left: Vec<&str> = list_words.iter().map(|w| w.key.as_str()).filter(|word| !understood(word)).collect();
    Ok((!left.is_empty()).then(|| left.join(" ")))
}

/// The filters `text` names: status, due date, priority, tags, order.
pub fn filters(text: &str) -> ListTasks {
    // "my todo list" names the list, it does not ask for pending items.
    let lower =
        ["todo list", "to do list", "to-do list"].iter().fold(key(text), |text, name| text.replace(name, "list"));
    let mut list_words = words(text);
    let priority = take_priority(&mut list_words, false);
    let tags = take_tags(&mut list_words);
    let due = DUE_WORDS.iter().find(|(word, _)| contains_word(&lower, word)).map(|&(_, due)| due);
    let named_status = if PENDING_WORDS.iter().any(|word| contains_word(&lower, word)) {
        Some(StatusFilter::Pending)
    } else if COMPLETED_WORDS.iter().any(|word| contains_word(&lower, word)) {
        Some(StatusFilter::Completed)
    } else if contains_word(&lower, "all") || contains_word(&lower, "everything") {
        Some(StatusFilter::All)
    } else {
        None
    };
    let sort = SORTS.iter().find(|(words, _)| contains_word(&lower, words)).map(|&(_, sort)| sort);
    let query = ListTasks {
        status: named_status,
        priority: priority.map(|priority| vec![priority]),
        tag: (!tags.is_empty()).then_some(tags),
        due,
        sort,
        ..ListTasks::default()
    };
    match (due, named_status) {
        // "What did I finish this week?": done lately, not due lately. The
        // list cannot filter on completion time; the latest come first.
        (Some(DueFilter::Today | DueFilter::Week), Some(StatusFilter::Completed)) if !contains_word(&lower, "due") => {
            ListTasks { due: None, sort: Some(Sort::Updated), order: Some(Order::Desc), ..query }
        }
        (Some(DueFilter::Overdue | DueFilter::Today | DueFilter::Week), _) => {
            ListTasks { status: Some(StatusFilter::Pending), ..query }
        }
        _ => query,
    }
}
