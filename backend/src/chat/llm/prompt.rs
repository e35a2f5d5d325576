//! The system prompt: fixed rules, then the facts of the moment (the user's
//! time zone and local time), which the model cannot know otherwise and
//! needs to turn "tomorrow at 9" into a due date.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// What the model is told in every turn. The tools act on one task each, so
/// a request about several tasks becomes several calls: deleting is the one
/// that cannot be undone, hence the confirmation.
const RULES: &str = "You are the assistant of a todo app. Manage the user's tasks with the tools you are given.
- Answer in the language the user writes in, in its usual script (for example, Urdu in Urdu script), and keep answers to one or two friendly sentences.
- When the user names a task instead of giving its number, call list_tasks first to find its id. If several tasks match, ask which one they mean. Never invent task ids.
- Before deleting more than one task, list the tasks you are about to delete and ask the user to confirm; delete only after they say yes.
- Due dates and reminders are RFC 3339 timestamps with the user's UTC offset (for example 2025-03-14T17:00:00+05:00). Read words such as \"today\", \"tomorrow\" or \"on Friday\" in the user's time zone.
- After acting, say what you did.";

/// The prompt for a turn of a user in `zone` at `now`.
pub fn system_prompt(zone: Tz, now: DateTime<Utc>) -> String {
    let local = now.with_timezone(&zone);
    format!(
        "{RULES}\n\nThe user's time zone is {zone} (UTC{offset}). It is now {weekday}, {date} {time} there.",
        offset = local.format("%:z"),
        weekday = local.format("%A"),
        date = local.format("%Y-%m-%d"),
        time = local.format("%H:%M"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_gives_the_local_date_time_and_offset() {
        let now = DateTime::parse_from_rfc3339("2025-03-14T22:30:00Z").unwrap().with_timezone(&Utc);
        let prompt = system_prompt(chrono_tz::Asia::Karachi, now);
        assert!(prompt.starts_with(RULES));
        assert!(
            prompt.ends_with(
                "The user's time zone is Asia/Karachi (UTC+05:00). It is now Saturday, 2025-03-15 03:30 there."
            ),
            "{prompt}"
        );
    }
}
