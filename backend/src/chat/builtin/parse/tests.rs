//! The phrase table: what each message must read as, with the clock pinned
//! (Wednesday 2026-11-18 15:00 in Karachi, and two daylight-saving changes).

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use super::parse;
use crate::chat::builtin::intent::{Choice, Clock, Intent, Language, Parsed, Target, Verb};
use crate::chat::tools::args::{AddTask, Clearable, ListTasks, UpdateTask};
use crate::task::list::{DueFilter, Order, Sort, StatusFilter};
use crate::task::{Priority, Recurrence};

mod english;
mod urdu;

fn clock(now: &str, zone: Tz) -> Clock {
    Clock { now: DateTime::parse_from_rfc3339(now).unwrap().with_timezone(&Utc), zone }
}

/// Wednesday 2026-11-18, 15:00 in Karachi (+05:00).
fn karachi() -> Clock {
    clock("2026-11-18T10:00:00Z", chrono_tz::Asia::Karachi)
}

fn at(text: &str) -> Option<DateTime<FixedOffset>> {
    Some(DateTime::parse_from_rfc3339(text).unwrap())
}

fn en(intent: Intent) -> Parsed {
    Parsed { intent, language: Language::English }
}

fn add(title: &str) -> Parsed {
    add_task(AddTask { title: title.into(), ..AddTask::default() })
}

fn add_task(task: AddTask) -> Parsed {
    en(Intent::Add { task, then_complete: false })
}

fn add_due(title: &str, due: &str) -> Parsed {
    add_task(AddTask { title: title.into(), due_at: at(due), ..AddTask::default() })
}

fn list(query: ListTasks) -> Parsed {
    en(Intent::List(query))
}

fn status(status: StatusFilter) -> ListTasks {
    ListTasks { status: Some(status), ..ListTasks::default() }
}

fn due(filter: DueFilter) -> ListTasks {
    ListTasks { status: Some(StatusFilter::Pending), due: Some(filter), ..ListTasks::default() }
}

fn name(text: &str) -> Target {
    Target::Name(text.into())
}

fn update(target: Target, changes: UpdateTask) -> Parsed {
    en(Intent::Update { target, changes })
}

fn title(text: &str) -> UpdateTask {
    UpdateTask { title: Some(text.into()), ..UpdateTask::default() }
}

/// Checks every row and names each phrase that reads wrong.
fn check(rows: Vec<(&str, Parsed)>, clock: &Clock) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(phrase, expected)| {
            let got = parse(phrase, clock);
            (got != *expected).then(|| format!("{phrase:?}\n   got:      {got:?}\n   expected: {expected:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} phrases read wrong:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

#[test]
fn reads_across_daylight_saving_changes() {
    // New York, Saturday 2026-10-31 12:00 EDT; clocks go back at 02:00 on Sunday.
    let new_york = clock("2026-10-31T16:00:00Z", chrono_tz::America::New_York);
    check(
        vec![
            ("Add pay rent tomorrow at 9am", add_due("Pay rent", "2026-11-01T09:00:00-05:00")),
            // 01:30 happens twice: the earlier one.
            ("Add feed cat tomorrow at 1:30am", add_due("Feed cat", "2026-11-01T01:30:00-04:00")),
            ("Add pay rent tomorrow", add_due("Pay rent", "2026-11-01T23:59:00-05:00")),
            ("Add call mom in 2 hours", add_due("Call mom", "2026-10-31T14:00:00-04:00")),
            ("Add pay rent on Monday at 8am", add_due("Pay rent", "2026-11-02T08:00:00-05:00")),
        ],
        &new_york,
    );
    // Berlin, Saturday 2026-03-28 12:00 CET; 02:00-03:00 on Sunday does not exist.
    let berlin = clock("2026-03-28T11:00:00Z", chrono_tz::Europe::Berlin);
    check(
        vec![
            ("Add water plants tomorrow at 2:30am", add_due("Water plants", "2026-03-29T03:30:00+02:00")),
            ("Add water plants tomorrow at 9am", add_due("Water plants", "2026-03-29T09:00:00+02:00")),
            ("Add water plants tomorrow", add_due("Water plants", "2026-03-29T23:59:00+02:00")),
            ("Add water plants today at 5pm", add_due("Water plants", "2026-03-28T17:00:00+01:00")),
        ],
        &berlin,
    );
}

#[test]
fn no_title_is_ever_empty_and_odd_input_does_not_panic() {
    let long = "a".repeat(4000);
    let long_words = "add ".repeat(1000);
    let odd = [
        "",
        " ",
        "!!!",
        "???",
        "...",
        "\"\"",
        "''",
        "#",
        "# # #",
        "@#$%^&*()",
        "🙂",
        "add 🙂",
        "Add \"\"",
        "add #home",
        "add tomorrow",
        "add at 5pm",
        "add high priority",
        "remind me to",
        "rename to",
        "change task 1 to",
        "change task 1 to \"\"",
        "کام",
        "شامل کریں",
        "نیا کام:",
        "add مرحبا tomorrow",
        "delete 99999999999999999999",
        "task -3",
        "in 99999 days",
        "add x on the 31st",
        "add x on 31 feb",
        "at 99",
        "25:61",
        "every",
        "the",
        "mark",
        "\u{200f}\u{200c}",
        "add 'a",
        "rename 'x' to",
        "tag task 2 with",
        "move task 1 to",
        long.as_str(),
        long_words.as_str(),
        "add buy milk and mark it done and mark it done",
        "ایک کام شامل کریں: 🙂 milk",
    ];
    for (at, text) in odd.iter().enumerate() {
        let parsed = parse(text, &karachi());
        let titles = match &parsed.intent {
            Intent::Add { task, .. } => vec![task.title.clone()],
            Intent::Update { changes, .. } => changes.title.clone().into_iter().collect(),
            _ => vec![],
        };
        assert!(titles.iter().all(|title| !title.trim().is_empty()), "phrase {at} ({text:?}) gave {parsed:?}");
    }
}
