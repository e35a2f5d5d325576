//! The built-in assistant: deterministic, offline, and good enough for the
//! everyday phrases ("Add a task to buy groceries", "What's pending?",
//! "Delete the meeting task"). It reads a message into an [`Intent`], runs
//! the registry's tools, and answers in a sentence.

pub mod intent;
pub mod parse;

use serde_json::{json, Value};

use super::tools::Caller;
use super::{
    tools::{self, ToolCall, ToolError},
    Reply,
};
use crate::{db::Message, task::list::StatusFilter};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Add {
        title: String,
    },
    List(StatusFilter),
    Complete(Target),
    Delete(Target),
    Update {
        target: Target,
        title: String,
    },
    /// A verb we know, but without the part we need ("Delete", "Rename task 2").
    Incomplete(&'static str),
    Greeting,
    Thanks,
    Help,
    Unknown,
}

/// Which task the user means.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Id(i64),
    Name(String),
}

/// Words that open a message without adding meaning.
const POLITE_PREFIXES: &[&str] = &[
    "please",
    "pls",
    "plz",
    "kindly",
    "hey",
    "hi",
    "hello",
    "ok",
    "okay",
    "so",
    "now",
    "also",
    "and",
    "then",
    "can you",
    "could you",
    "would you",
    "will you",
    "can u",
    "could u",
    "would you mind",
    "i want you to",
    "i'd like you to",
    "i would like you to",
    "go ahead and",
    "assistant",
    "i want to",
    "i'd like to",
    "i would like to",
    "let's",
    "lets",
];
const POLITE_SUFFIXES: &[&str] = &["please", "for me", "thanks", "thank you", "thx", "now", "asap"];

/// Openers that mean "add what follows".
const ADD_VERBS: &[&str] = &[
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
];
const REMINDER_PREFIXES: &[&str] = &[
    "i need to remember to",
    "i have to remember to",
    "i must remember to",
    "remember to",
    "remind me to",
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
const NEED_PREFIXES: &[&str] = &[
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
    "i want to",
];
/// Words between an add verb and the title ("add *a new task to* ...").
const ADD_FILLERS: &[&str] = &[
    "a", "an", "the", "new", "another", "task", "todo", "to-do", "item", "reminder", "entry", "one", "called", "named",
    "titled", "saying", "that", "says", "to", "for", "me", "my", "list", "on", ":", "-",
];
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
const UPDATE_VERBS: &[&str] = &["change", "rename", "update", "edit", "modify", "retitle", "reword", "set"];
const DELETE_VERBS: &[&str] = &[
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
const COMPLETE_VERBS: &[&str] = &[
    "mark",
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
const DONE_WORDS: &[&str] =
    &["complete", "completed", "done", "finished", "as complete", "as completed", "as done", "as finished", "off"];
const LIST_OPENERS: &[&str] = &[
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
    "find",
    "anything",
    "is there",
    "are there",
    "tasks",
    "todo",
    "todos",
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
    "next",
    "due",
    "active",
    "need to do",
    "not completed",
    "uncompleted",
    "have to do",
];
const COMPLETED_WORDS: &[&str] = &["completed", "complete", "done", "finished", "accomplished", "did i", "closed"];

/// Answers one message.
pub async fn respond(
    caller: &Caller<'_>,
    history: &[Message],
    text: &str,
    sink: &mut super::reply::ReplySink,
) -> Result<(), ToolError> {
    let intent = match follow_up(history, text) {
        Some(intent) => intent,
        None => parse(text),
    };
    let reply = Turn { caller, calls: Vec::new() }.run(intent).await?;
    for call in reply.tool_calls {
        sink.record(call);
    }
    sink.say(&reply.response);
    Ok(())
}

/// Reads a message. Pure, so the phrase table can be tested without a database.
pub fn parse(text: &str) -> Intent {
    let cleaned = clean(text);
    let lower = cleaned.to_ascii_lowercase();
    let words = lower.trim_matches(|c: char| !c.is_alphanumeric()).to_string();

    if words.is_empty()
        || matches!(words.as_str(), "help" | "what can you do" | "how does this work" | "commands" | "menu")
    {
        return Intent::Help;
    }
    if matches!(
        words.as_str(),
        "hi" | "hello" | "hey" | "good morning" | "good evening" | "good afternoon" | "yo" | "hiya"
    ) {
        return Intent::Greeting;
    }
    if matches!(words.as_str(), "thanks" | "thank you" | "thx" | "cheers" | "great" | "awesome" | "perfect" | "nice") {
        return Intent::Thanks;
    }
    let body = strip_polite(&cleaned);
    let lower = body.to_ascii_lowercase();

    if let Some(rest) = strip_any_prefix(body, &lower, REMINDER_PREFIXES) {
        return add_intent(rest);
    }
    if let Some(rest) = strip_any_prefix(body, &lower, ADD_VERBS) {
        // "Add" alone or "new" as an adjective of a list question are not adds.
        if !rest.trim().is_empty() && !is_list_question(&lower) {
            return add_intent(rest);
        }
        if rest.trim().is_empty() {
            return Intent::Incomplete("add");
        }
    }
    if let Some(rest) = strip_any_prefix(body, &lower, UPDATE_VERBS) {
        return update_intent(rest);
    }
    if let Some(rest) = strip_any_prefix(body, &lower, DELETE_VERBS) {
        return target_intent(rest, "delete", Intent::Delete);
    }
    if let Some(intent) = complete_intent(body, &lower) {
        return intent;
    }
    if is_list_question(&lower) {
        return Intent::List(status_in(&lower));
    }
    if let Some(intent) = done_statement(body, &lower) {
        return intent;
    }
    if let Some(rest) = strip_any_prefix(body, &lower, NEED_PREFIXES) {
        return add_intent(rest);
    }
    Intent::Unknown
}

/// Trims, straightens quotes, drops trailing punctuation.
fn clean(text: &str) -> String {
    let straight: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let collapsed = straight.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    collapsed.trim_end_matches(['.', '!', '?', ' ', ',']).to_string()
}

fn strip_polite(text: &str) -> &str {
    let mut body = text.trim();
    loop {
        let lower = body.to_ascii_lowercase();
        if let Some(rest) = strip_any_prefix(body, &lower, POLITE_PREFIXES) {
            body = rest.trim_start_matches([',', ' ', '!']);
            continue;
        }
        if let Some(rest) = strip_any_suffix(body, &lower, POLITE_SUFFIXES) {
            body = rest.trim_end_matches([',', ' ', '.', '!']);
            continue;
        }
        return body;
    }
}

/// `text` without the first of `prefixes` it starts with (whole words only).
/// `lower` is `text` ASCII-lowercased, so byte offsets agree.
fn strip_any_prefix<'a>(text: &'a str, lower: &str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .filter(|p| {
            lower.starts_with(*p)
                && (p.ends_with(':')
                    || lower[p.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '\''))
        })
        .max_by_key(|p| p.len())
        .map(|p| text[p.len()..].trim_start_matches([' ', ',', ':']))
}

fn strip_any_suffix<'a>(text: &'a str, lower: &str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes
        .iter()
        .filter(|s| {
            lower.ends_with(*s) && lower.len() > s.len() && lower[..lower.len() - s.len()].ends_with([' ', ','])
        })
        .max_by_key(|s| s.len())
        .map(|s| text[..text.len() - s.len()].trim_end())
}

fn contains_word(lower: &str, word: &str) -> bool {
    lower.match_indices(word).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

fn is_list_question(lower: &str) -> bool {
    let opens = LIST_OPENERS
        .iter()
        .any(|w| lower.starts_with(w) && lower[w.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()));
    let mentions_list = [
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
    ]
    .iter()
    .any(|w| contains_word(lower, w));
    opens && mentions_list
}

fn status_in(lower: &str) -> StatusFilter {
    // "my todo list" names the list, it does not ask for pending items.
    let lower = ["todo list", "to do list", "to-do list"]
        .iter()
        .fold(lower.to_string(), |text, name| text.replace(name, "list"));
    let lower = lower.as_str();
    if PENDING_WORDS.iter().any(|w| contains_word(lower, w)) {
        StatusFilter::Pending
    } else if COMPLETED_WORDS.iter().any(|w| contains_word(lower, w)) {
        StatusFilter::Completed
    } else {
        StatusFilter::All
    }
}

/// Text between the first pair of matching quotes, if any.
fn quoted(text: &str) -> Option<&str> {
    for quote in ['"', '\''] {
        // A single quote inside a word ("mom's") is an apostrophe, not a quote.
        let start = text.char_indices().find(|&(i, c)| {
            c == quote && (quote == '"' || text[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric()))
        });
        if let Some((start, _)) = start {
            let inner = &text[start + 1..];
            let end = inner.char_indices().find(|&(i, c)| {
                c == quote && (quote == '"' || inner[i + 1..].chars().next().is_none_or(|n| !n.is_alphanumeric()))
            });
            if let Some((end, _)) = end {
                let found = inner[..end].trim();
                if !found.is_empty() {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// "buy groceries." → "Buy groceries".
fn tidy_title(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches(['"', '\'', ' ', '.', ',', ':', '-', '!', '?']).trim();
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn add_intent(rest: &str) -> Intent {
    let title = match quoted(rest) {
        Some(inner) => inner.to_string(),
        None => {
            let mut title = rest.trim();
            loop {
                let lower = title.to_ascii_lowercase();
                match strip_any_prefix(title, &lower, ADD_FILLERS) {
                    // Keep at least one word: "Add a task to do laundry" keeps "do laundry".
                    Some(next) if !next.trim().is_empty() => title = next,
                    _ => break,
                }
            }
            let lower = title.to_ascii_lowercase();
            strip_any_suffix(title, &lower, LIST_TAILS).unwrap_or(title).to_string()
        }
    };
    match tidy_title(&title) {
        t if t.is_empty() => Intent::Incomplete("add"),
        title => Intent::Add { title },
    }
}

fn update_intent(rest: &str) -> Intent {
    // "task 1 to 'Call mom tonight'", "the groceries task to Buy food".
    let lower = rest.to_ascii_lowercase();
    let split = lower.rfind(" to ").map(|at| (at, 4)).or_else(|| lower.find(": ").map(|at| (at, 2)));
    let (target_part, title_part) = match (quoted(rest), split) {
        (Some(title), Some((at, _))) if !rest[..at].contains(title) => (&rest[..at], title.to_string()),
        (_, Some((at, len))) => (&rest[..at], rest[at + len..].to_string()),
        _ => return Intent::Incomplete("rename"),
    };
    let target_lower = target_part.to_ascii_lowercase();
    // "the title of task 1", "task 1's title".
    let target_part =
        strip_any_prefix(target_part, &target_lower, &["the title of", "title of", "the name of", "name of"])
            .unwrap_or(target_part);
    let target_part = target_part.trim_end_matches("'s title").trim_end_matches(" title").trim_end_matches(" name");
    match (parse_target(target_part), tidy_title(&title_part)) {
        (Some(target), title) if !title.is_empty() => Intent::Update { target, title },
        _ => Intent::Incomplete("rename"),
    }
}

fn target_intent(rest: &str, verb: &'static str, make: fn(Target) -> Intent) -> Intent {
    let lower = rest.to_ascii_lowercase();
    let rest = strip_any_suffix(
        rest,
        &lower,
        &["from my list", "from the list", "from my tasks", "from my todo list", "from my to-do list"],
    )
    .unwrap_or(rest);
    match parse_target(rest) {
        Some(target) => make(target),
        None => Intent::Incomplete(verb),
    }
}

fn complete_intent(body: &str, lower: &str) -> Option<Intent> {
    if let Some(rest) = strip_any_prefix(body, lower, COMPLETE_VERBS) {
        let rest_lower = rest.to_ascii_lowercase();
        let rest = strip_any_suffix(rest, &rest_lower, DONE_WORDS).unwrap_or(rest);
        let rest = rest.trim_end_matches(" as").trim_end();
        if lower.starts_with("mark") && !DONE_WORDS.iter().any(|w| rest_lower.ends_with(w)) {
            // "Mark task 3 as pending" is not a completion.
            return None;
        }
        return Some(target_intent(rest, "complete", Intent::Complete));
    }
    None
}

/// "The groceries task is done", "buy milk is finished" (list questions such
/// as "which tasks are done" are read before this).
fn done_statement(body: &str, lower: &str) -> Option<Intent> {
    let done_tail = [" is done", " is finished", " is complete", " is completed", " are done", " done"];
    done_tail
        .iter()
        .find(|tail| lower.ends_with(*tail) && lower.len() > tail.len())
        .map(|tail| target_intent(&body[..body.len() - tail.len()], "complete", Intent::Complete))
}

/// "task 3", "#3", "task number 3" → an id; "the meeting task" → a name.
fn parse_target(raw: &str) -> Option<Target> {
    let text = raw.trim().trim_matches(|c: char| c == ',' || c == ':' || c == ' ');
    if let Some(inner) = quoted(text) {
        return Some(Target::Name(inner.to_string()));
    }
    let lower = text.to_ascii_lowercase();
    let noise = [
        "task", "tasks", "todo", "to-do", "item", "number", "no", "no.", "id", "the", "my", "that", "this", "one",
        "with", "#",
    ];
    let mut number = None;
    let mut only_noise_and_number = true;
    for word in lower.split([' ', '#']).filter(|w| !w.is_empty()) {
        if let Ok(n) = word.trim_end_matches(['.', ',']).parse::<i64>() {
            if number.replace(n).is_some() {
                only_noise_and_number = false;
            }
        } else if !noise.contains(&word) {
            only_noise_and_number = false;
        }
    }
    if let (Some(id), true) = (number, only_noise_and_number) {
        return Some(Target::Id(id));
    }
    let mut name = text;
    loop {
        let lower = name.to_ascii_lowercase();
        if let Some(rest) = strip_any_prefix(
            name,
            &lower,
            &[
                "the", "my", "that", "this", "a", "an", "task", "todo", "to-do", "item", "called", "named", "titled",
                "about",
            ],
        ) {
            name = rest;
            continue;
        }
        if let Some(rest) =
            strip_any_suffix(name, &lower, &["task", "tasks", "one", "todo", "to-do", "item", "reminder", "thing"])
        {
            name = rest;
            continue;
        }
        break;
    }
    let name = name.trim_matches(['"', '\'', ' ']);
    (!name.is_empty()).then(|| Target::Name(name.to_string()))
}

/// Reads a short answer to our own clarifying question ("3", "the second one").
fn follow_up(history: &[Message], text: &str) -> Option<Intent> {
    let last = history.last().filter(|m| m.role == "assistant")?;
    let question = last.content.lines().last()?;
    let verb = ["delete", "complete", "rename"]
        .into_iter()
        .find(|v| question.starts_with(&format!("Which one should I {v}")))?;
    let listed: Vec<i64> = last
        .content
        .lines()
        .filter_map(|line| line.trim_start_matches("- ").strip_prefix('#'))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect();
    let lower = clean(text).to_ascii_lowercase();
    let ordinals = ["first", "second", "third", "fourth", "fifth"];
    let id = match parse_target(strip_polite(&lower)) {
        Some(Target::Id(id)) => id,
        _ => {
            let index = ordinals
                .iter()
                .position(|o| contains_word(&lower, o))
                .or_else(|| (contains_word(&lower, "last")).then(|| listed.len().saturating_sub(1)))?;
            *listed.get(index)?
        }
    };
    let target = Target::Id(id);
    Some(match verb {
        "delete" => Intent::Delete(target),
        "complete" => Intent::Complete(target),
        _ => Intent::Update { target, title: quoted(question)?.to_string() },
    })
}

/// One turn's tool calls, recorded in order.
struct Turn<'a> {
    caller: &'a Caller<'a>,
    calls: Vec<ToolCall>,
}

/// A tool's answer, or the sentence to say when it failed in a way the user can fix.
enum Outcome {
    Done(Value),
    Failed(String),
}

impl Turn<'_> {
    async fn tool(&mut self, name: &str, arguments: Value) -> Result<Outcome, ToolError> {
        let call = tools::call_recorded(self.caller, name, arguments).await?;
        let outcome = match call.result.get("error").and_then(Value::as_str) {
            Some(error) => Outcome::Failed(error.to_string()),
            None => Outcome::Done(call.result.clone()),
        };
        self.calls.push(call);
        Ok(outcome)
    }

    fn reply(self, response: impl Into<String>) -> Result<Reply, ToolError> {
        Ok(Reply { response: response.into(), tool_calls: self.calls })
    }

    async fn run(mut self, intent: Intent) -> Result<Reply, ToolError> {
        match intent {
            Intent::Add { title } => match self.tool(tools::ADD_TASK, json!({ "title": title })).await? {
                Outcome::Done(result) => {
                    let text = format!(
                        "Got it! I added \"{}\" to your list (task #{}).",
                        result["title"].as_str().unwrap_or(&title),
                        result["task_id"]
                    );
                    self.reply(text)
                }
                Outcome::Failed(error) => self.reply(format!("I couldn't add that task: {error}.")),
            },
            Intent::List(status) => {
                let Outcome::Done(result) = self.tool(tools::LIST_TASKS, json!({ "status": status })).await? else {
                    return self.reply("I couldn't read your list just now.");
                };
                let tasks = result["tasks"].as_array().map(Vec::as_slice).unwrap_or_default();
                let text = describe_list(status, tasks, result["total"].as_u64().unwrap_or_default());
                self.reply(text)
            }
            Intent::Complete(target) => self.act_on(target, "complete", None).await,
            Intent::Delete(target) => self.act_on(target, "delete", None).await,
            Intent::Update { target, title } => self.act_on(target, "rename", Some(title)).await,
            Intent::Incomplete(verb) => self.reply(match verb {
                "add" => "What should the task say? For example: \"Add a task to buy groceries\".".to_string(),
                "rename" => {
                    "Which task, and what should it be called? For example: \"Change task 1 to 'Call mom tonight'\"."
                        .to_string()
                }
                verb => {
                    format!("Which task should I {verb}? You can say its number (\"task 3\") or part of its title.")
                }
            }),
            Intent::Greeting => self.reply(format!("Hi! I'm your todo assistant. {CAPABILITIES}")),
            Intent::Thanks => self.reply("You're welcome! Anything else on your list?"),
            Intent::Help => self.reply(CAPABILITIES),
            Intent::Unknown => self.reply(format!("Sorry, I didn't understand that. {CAPABILITIES}")),
        }
    }

    /// Finds the task (by id, or by looking its title up) and runs the verb's tool.
    async fn act_on(
        mut self,
        target: Target,
        verb: &'static str,
        new_title: Option<String>,
    ) -> Result<Reply, ToolError> {
        let task_id = match target {
            Target::Id(id) => id,
            Target::Name(name) => {
                let all = json!({ "status": "all", "limit": crate::task::list::PAGE_MAX });
                let Outcome::Done(list) = self.tool(tools::LIST_TASKS, all).await? else {
                    return self.reply("I couldn't read your list just now.");
                };
                let tasks = list["tasks"].as_array().cloned().unwrap_or_default();
                match pick(&tasks, &name, verb == "complete") {
                    Pick::One(id) => id,
                    Pick::None => {
                        return self.reply(format!(
                            "I couldn't find a task matching \"{name}\". Say \"show my tasks\" to see what's there."
                        ))
                    }
                    Pick::Many(matches) => {
                        let mut text = format!("I found {} tasks matching \"{name}\":\n", matches.len());
                        for task in &matches {
                            text.push_str(&format!(
                                "- #{} {}\n",
                                task["id"],
                                task["title"].as_str().unwrap_or_default()
                            ));
                        }
                        text.push_str(&match &new_title {
                            Some(title) => format!("Which one should I rename to \"{title}\"? Reply with its number."),
                            None => format!("Which one should I {verb}? Reply with its number."),
                        });
                        return self.reply(text);
                    }
                }
            }
        };
        let (tool, arguments) = match (verb, new_title) {
            ("delete", _) => (tools::DELETE_TASK, json!({ "task_id": task_id })),
            ("complete", _) => (tools::COMPLETE_TASK, json!({ "task_id": task_id })),
            (_, title) => (tools::UPDATE_TASK, json!({ "task_id": task_id, "title": title })),
        };
        match self.tool(tool, arguments).await? {
            Outcome::Done(result) => {
                let title = result["title"].as_str().unwrap_or_default().to_string();
                self.reply(match verb {
                    "delete" => format!("Done. I deleted \"{title}\" (task #{task_id})."),
                    "complete" => format!("Nice work! I marked \"{title}\" (task #{task_id}) as complete."),
                    _ => format!("Updated task #{task_id}: it's now called \"{title}\"."),
                })
            }
            Outcome::Failed(error) if error.ends_with("not found") => self.reply(format!(
                "I couldn't find task #{task_id} in your list. Say \"show my tasks\" to see the numbers."
            )),
            Outcome::Failed(error) => self.reply(format!("I couldn't {verb} task #{task_id}: {error}.")),
        }
    }
}

const CAPABILITIES: &str = "I can add, list, complete, rename and delete your tasks. Try \"Add a task to buy groceries\", \"What's pending?\", \"Mark task 3 as complete\" or \"Delete the meeting task\".";

enum Pick {
    One(i64),
    None,
    Many(Vec<Value>),
}

/// Chooses the task a name refers to: exact title, then titles containing the
/// phrase, then titles containing all its words.
fn pick(tasks: &[Value], name: &str, prefer_pending: bool) -> Pick {
    let wanted = name.to_lowercase();
    let title = |t: &Value| t["title"].as_str().unwrap_or_default().to_lowercase();
    let exact: Vec<&Value> = tasks.iter().filter(|t| title(t) == wanted).collect();
    let mut found: Vec<&Value> =
        if exact.is_empty() { tasks.iter().filter(|t| title(t).contains(&wanted)).collect() } else { exact };
    if found.is_empty() {
        let stems: Vec<String> = wanted
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 3)
            .map(|w| w.trim_end_matches("es").trim_end_matches('s').to_string())
            .filter(|w| w.len() >= 3)
            .collect();
        if !stems.is_empty() {
            found = tasks.iter().filter(|t| stems.iter().all(|s| title(t).contains(s.as_str()))).collect();
        }
    }
    if prefer_pending && found.len() > 1 {
        let pending: Vec<&Value> = found.iter().copied().filter(|t| t["completed"] == json!(false)).collect();
        if pending.len() == 1 {
            found = pending;
        }
    }
    match found.as_slice() {
        [] => Pick::None,
        [one] => Pick::One(one["id"].as_i64().unwrap_or_default()),
        many => Pick::Many(many.iter().map(|t| (*t).clone()).collect()),
    }
}

/// Tasks a list reply names; the rest are counted.
const REPLY_LIST_MAX: usize = 20;

fn describe_list(status: StatusFilter, tasks: &[Value], total: u64) -> String {
    let (adjective, empty) = match status {
        StatusFilter::All => ("", "Your list is empty. Try \"Add a task to buy groceries\"."),
        StatusFilter::Pending => (" pending", "Nothing pending. You're all caught up!"),
        StatusFilter::Completed => (" completed", "You haven't completed any tasks yet."),
    };
    if tasks.is_empty() {
        return empty.to_string();
    }
    let total = total.max(tasks.len() as u64);
    let noun = if total == 1 { "task" } else { "tasks" };
    let mut text = format!("You have {total}{adjective} {noun}:");
    for task in tasks.iter().take(REPLY_LIST_MAX) {
        let done = if status == StatusFilter::All && task["completed"] == json!(true) { " (done)" } else { "" };
        text.push_str(&format!("\n- #{} {}{done}", task["id"], task["title"].as_str().unwrap_or_default()));
    }
    let shown = tasks.len().min(REPLY_LIST_MAX) as u64;
    if total > shown {
        text.push_str(&format!("\n…and {} more. The task page shows them all.", total - shown));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(title: &str) -> Intent {
        Intent::Add { title: title.into() }
    }

    #[test]
    fn reads_the_spec_phrases() {
        let cases = [
            ("Add a task to buy groceries", add("Buy groceries")),
            ("Show me all my tasks", Intent::List(StatusFilter::All)),
            ("What's pending?", Intent::List(StatusFilter::Pending)),
            ("Mark task 3 as complete", Intent::Complete(Target::Id(3))),
            ("Delete the meeting task", Intent::Delete(Target::Name("meeting".into()))),
            (
                "Change task 1 to 'Call mom tonight'",
                Intent::Update { target: Target::Id(1), title: "Call mom tonight".into() },
            ),
            ("I need to remember to pay bills", add("Pay bills")),
            ("What have I completed?", Intent::List(StatusFilter::Completed)),
        ];
        for (phrase, expected) in cases {
            assert_eq!(parse(phrase), expected, "{phrase}");
        }
    }

    #[test]
    fn quoted_titles_keep_apostrophes() {
        assert_eq!(parse("Add \"Call mom's doctor\""), add("Call mom's doctor"));
        assert_eq!(parse("add mom's birthday gift"), add("Mom's birthday gift"));
    }
}
