//! What the assistant did, in words: a tool call becomes "Added “Buy
//! milk”, due Fri 9:00", with the call's details kept for whoever wants to
//! unfold them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::{backend::ToolCall, local_time::Zone};

/// One tool call as the chat shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Activity {
    pub summary: String,
    /// The call failed (an unknown task, a refused value).
    pub failed: bool,
    /// Label and value pairs: the tool, its arguments, its result.
    pub details: Vec<(String, String)>,
}

/// The arguments a tool call names a field with, in words.
fn field_name(name: &str) -> &str {
    match name {
        "title" => "title",
        "description" => "details",
        "priority" => "priority",
        "tags" | "add_tags" | "remove_tags" => "tags",
        "due_at" => "due date",
        "remind_at" => "reminder",
        "recurrence" => "repeat",
        other => other,
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

fn quoted(title: &str) -> String {
    format!("“{title}”")
}

fn count(found: u64) -> String {
    match found {
        0 => "none found".into(),
        1 => "1 found".into(),
        n => format!("{n} found"),
    }
}

pub fn describe(call: &ToolCall, zone: Zone, now: DateTime<Utc>) -> Activity {
    let args = &call.arguments;
    let result = &call.result;
    let arg = |name: &str| args.get(name).filter(|value| !value.is_null());
    let when = |name: &str| arg(name).and_then(Value::as_str).map(|at| zone.describe(at, now));
    let title = result
        .get("title")
        .and_then(Value::as_str)
        .or_else(|| arg("title").and_then(Value::as_str))
        .map(quoted)
        .or_else(|| result.get("task_id").or_else(|| arg("task_id")).map(|id| format!("task #{}", text(id))))
        .unwrap_or_else(|| "a task".into());

    let error = result.get("error").map(text);
    let summary = match (call.tool.as_str(), &error) {
        ("add_task", None) => {
            let mut summary = format!("Added {title}");
            if let Some(due) = when("due_at") {
                summary.push_str(&format!(", due {due}"));
            }
            if let Some(remind) = when("remind_at") {
                summary.push_str(&format!(", reminder {remind}"));
            }
            if let Some(rule) = arg("recurrence").and_then(Value::as_str) {
                summary.push_str(&format!(", repeats {rule}"));
            }
            summary
        }
        ("list_tasks", None) => {
            let mut filters: Vec<String> = Vec::new();
            if let Some(status) = arg("status").and_then(Value::as_str).filter(|s| *s != "all") {
                filters.push(status.into());
            }
            if let Some(priority) = arg("priority") {
                filters.push(format!("{} priority", text(priority)));
            }
            if let Some(due) = arg("due").and_then(Value::as_str) {
                filters.push(
                    match due {
                        "today" => "due today",
                        "week" => "due this week",
                        "none" => "without a due date",
                        other => other,
                    }
                    .into(),
                );
            }
            if let Some(tag) = arg("tag") {
                filters.push(format!("#{}", text(tag)));
            }
            let found = result.get("total").and_then(Value::as_u64).or_else(|| {
                result.get("tasks").or(Some(result)).and_then(Value::as_array).map(|tasks| tasks.len() as u64)
            });
            let mut summary = match arg("q").and_then(Value::as_str) {
                Some(q) => format!("Searched your tasks for {}", quoted(q)),
                None => "Looked at your tasks".into(),
            };
            if !filters.is_empty() {
                summary.push_str(&format!(" ({})", filters.join(", ")));
            }
            if let Some(found) = found {
                summary.push_str(&format!(": {}", count(found)));
            }
            summary
        }
        ("complete_task", None) => match result.get("next_task_id") {
            Some(next) => format!("Completed {title}; the next one is task #{}", text(next)),
            None => format!("Completed {title}"),
        },
        ("delete_task", None) => format!("Deleted {title}"),
        ("update_task", None) => {
            // In the order a person reads a task, not the arguments' order.
            const ORDER: [&str; 10] = [
                "title",
                "description",
                "priority",
                "tags",
                "add_tags",
                "remove_tags",
                "due_at",
                "remind_at",
                "recurrence",
                "completed",
            ];
            let mut changes: Vec<String> = Vec::new();
            for name in ORDER.iter().chain(&["clear"]) {
                let Some(value) = arg(name) else { continue };
                let change = match *name {
                    "completed" if value == &Value::Bool(true) => "marked done".into(),
                    "completed" => "reopened".into(),
                    "due_at" | "remind_at" => {
                        format!("{} {}", field_name(name), when(name).unwrap_or_else(|| text(value)))
                    }
                    "priority" | "recurrence" => format!("{} {}", field_name(name), text(value)),
                    "clear" => {
                        let fields: Vec<&str> =
                            value.as_array().into_iter().flatten().filter_map(Value::as_str).map(field_name).collect();
                        format!("cleared {}", fields.join(", "))
                    }
                    other => field_name(other).to_string(),
                };
                if !changes.contains(&change) {
                    changes.push(change);
                }
            }
            if changes.is_empty() {
                format!("Updated {title}")
            } else {
                format!("Updated {title}: {}", changes.join(", "))
            }
        }
        (tool, Some(error)) => {
            let action = match tool {
                "add_task" => "add",
                "list_tasks" => "list",
                "complete_task" => "complete",
                "delete_task" => "delete",
                "update_task" => "update",
                _ => "do",
            };
            let object = if tool == "list_tasks" { "your tasks".to_string() } else { title.clone() };
            format!("Couldn't {action} {object}: {error}")
        }
        (tool, None) => format!("Used {tool}"),
    };

    let mut details = vec![("Tool".to_string(), call.tool.clone())];
    if let Value::Object(map) = args {
        details
            .extend(map.iter().filter(|(_, value)| !value.is_null()).map(|(name, value)| (name.clone(), text(value))));
    }
    match result.get("tasks").and_then(Value::as_array) {
        Some(tasks) => details.extend(tasks.iter().map(|task| {
            let done = if task.get("completed") == Some(&Value::Bool(true)) { " (done)" } else { "" };
            (
                format!("#{}", task.get("id").map(text).unwrap_or_default()),
                format!("{}{done}", task.get("title").map(text).unwrap_or_default()),
            )
        })),
        None => {
            if let Some(status) = result.get("status") {
                details.push(("result".into(), text(status)));
            }
            if let Some(error) = &error {
                details.push(("error".into(), error.clone()));
            }
        }
    }
    Activity { summary, failed: error.is_some(), details }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(tool: &str, arguments: Value, result: Value) -> Activity {
        let now = DateTime::parse_from_rfc3339("2026-11-18T10:00:00Z").unwrap().with_timezone(&Utc); // a Wednesday
        describe(&ToolCall { tool: tool.into(), arguments, result }, Zone::named("UTC"), now)
    }

    #[test]
    fn tool_calls_are_told_in_words() {
        let added = call(
            "add_task",
            json!({"title": "Buy milk", "due_at": "2026-11-20T09:00:00Z", "priority": null}),
            json!({"task_id": 1, "status": "created", "title": "Buy milk"}),
        );
        assert_eq!(added.summary, "Added “Buy milk”, due Fri 9:00");
        assert!(!added.failed);
        assert_eq!(added.details[0], ("Tool".into(), "add_task".into()));
        assert!(!added.details.iter().any(|(name, _)| name == "priority"), "null arguments are left out");

        let listed = call(
            "list_tasks",
            json!({"status": "pending", "due": "today"}),
            json!({"tasks": [{"id": 3, "title": "Pay rent", "completed": false}], "total": 1}),
        );
        assert_eq!(listed.summary, "Looked at your tasks (pending, due today): 1 found");
        assert!(listed.details.contains(&("#3".into(), "Pay rent".into())));
        let searched = call("list_tasks", json!({"q": "rent"}), json!({"tasks": [], "total": 0}));
        assert_eq!(searched.summary, "Searched your tasks for “rent”: none found");

        let updated = call(
            "update_task",
            json!({"task_id": 2, "priority": "high", "add_tags": ["work"], "clear": ["due_at"]}),
            json!({"task_id": 2, "status": "updated", "title": "Report"}),
        );
        assert_eq!(updated.summary, "Updated “Report”: priority high, tags, cleared due date");
        let completed = call(
            "complete_task",
            json!({"task_id": 4}),
            json!({"task_id": 4, "status": "completed", "title": "Water plants", "next_task_id": 9}),
        );
        assert_eq!(completed.summary, "Completed “Water plants”; the next one is task #9");
        assert_eq!(
            call("delete_task", json!({"task_id": 5}), json!({"task_id": 5, "status": "deleted", "title": "Old"}))
                .summary,
            "Deleted “Old”"
        );
    }

    #[test]
    fn failures_say_what_did_not_happen() {
        let failed = call("complete_task", json!({"task_id": 42}), json!({"error": "task 42 not found"}));
        assert_eq!(failed.summary, "Couldn't complete task #42: task 42 not found");
        assert!(failed.failed);
    }
}
