//! The add and edit forms of a task: what they show (a [`Draft`]) and what
//! they send to the backend ([`TaskFields`]), with dates read in the
//! user's time zone.

use serde::Deserialize;

use crate::{
    backend::{Task, TaskFields},
    local_time::Zone,
};

/// A task form as shown: the values typed (or the task's), and why the
/// last attempt was refused.
#[derive(Default, Debug, Clone)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub priority: String,
    /// Comma-separated, as typed.
    pub tags: String,
    pub due_date: String,
    pub due_time: String,
    /// `datetime-local`: `2026-12-01T09:00`.
    pub remind_at: String,
    pub recurrence: String,
    /// The due fields and reminder as the form first showed them: an edit
    /// that leaves them alone does not send them (a reminder already
    /// delivered stays delivered).
    pub due_was: String,
    pub remind_was: String,
    pub error: Option<String>,
}

impl Draft {
    /// The edit form of `task`, in `zone`.
    pub fn of(task: &Task, zone: Zone) -> Self {
        let (due_date, due_time) = zone.due_fields(task.due_at.as_deref());
        let remind_at = zone.datetime_local(task.remind_at.as_deref());
        Draft {
            title: task.title.clone(),
            description: task.description.clone().unwrap_or_default(),
            priority: task.priority.clone(),
            tags: task.tags.join(", "),
            due_was: format!("{due_date} {due_time}"),
            due_date,
            due_time,
            remind_was: remind_at.clone(),
            remind_at,
            recurrence: task.recurrence.clone().unwrap_or_default(),
            error: None,
        }
    }

    /// True when the form has more than a title to show, so its other
    /// fields start unfolded.
    pub fn has_more(&self) -> bool {
        !(self.description.is_empty()
            && matches!(self.priority.as_str(), "" | "none")
            && self.tags.is_empty()
            && self.due_date.is_empty()
            && self.due_time.is_empty()
            && self.remind_at.is_empty()
            && self.recurrence.is_empty())
            || self.error.is_some()
    }
}

/// The fields of the add and edit forms, as posted.
#[derive(Deserialize, Debug, Default)]
pub struct TaskForm {
    #[serde(default)]
    pub csrf: String,
    /// The list to go back to (its query string).
    #[serde(default)]
    pub back: String,
    /// The add form's Idempotency-Key.
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub due_date: String,
    #[serde(default)]
    pub due_time: String,
    #[serde(default)]
    pub remind_at: String,
    #[serde(default)]
    pub recurrence: String,
    #[serde(default)]
    pub due_was: String,
    #[serde(default)]
    pub remind_was: String,
}

impl TaskForm {
    /// The form again, with `error`.
    pub fn draft(&self, error: String) -> Draft {
        Draft {
            title: self.title.clone(),
            description: self.description.clone(),
            priority: self.priority.clone(),
            tags: self.tags.clone(),
            due_date: self.due_date.clone(),
            due_time: self.due_time.clone(),
            remind_at: self.remind_at.clone(),
            recurrence: self.recurrence.clone(),
            due_was: self.due_was.clone(),
            remind_was: self.remind_was.clone(),
            error: Some(error),
        }
    }

    /// What to send for a new task: empty fields are left out.
    pub fn to_new(&self, zone: Zone) -> Result<TaskFields, String> {
        let mut fields = self.common()?;
        fields.due_at = zone.due_from_form(&self.due_date, &self.due_time)?.map(Some);
        fields.remind_at = zone.from_datetime_local(&self.remind_at)?.map(Some);
        fields.recurrence = fields.recurrence.filter(|rule| rule.is_some());
        Ok(fields)
    }

    /// What to send for an edit: empty fields clear, untouched dates are
    /// left out.
    pub fn to_update(&self, zone: Zone) -> Result<TaskFields, String> {
        let mut fields = self.common()?;
        if format!("{} {}", self.due_date.trim(), self.due_time.trim()) != self.due_was {
            fields.due_at = Some(zone.due_from_form(&self.due_date, &self.due_time)?);
        }
        if self.remind_at.trim() != self.remind_was {
            fields.remind_at = Some(zone.from_datetime_local(&self.remind_at)?);
        }
        Ok(fields)
    }

    fn common(&self) -> Result<TaskFields, String> {
        let priority = match self.priority.as_str() {
            "" => "none",
            known @ ("none" | "low" | "medium" | "high") => known,
            other => return Err(format!("{other:?} is not a priority.")),
        };
        let recurrence = match self.recurrence.as_str() {
            "" => None,
            known @ ("daily" | "weekdays" | "weekly" | "monthly" | "yearly") => Some(known.to_string()),
            other => return Err(format!("{other:?} is not a repeat rule.")),
        };
        Ok(TaskFields {
            title: self.title.clone(),
            description: self.description.clone(),
            priority: priority.into(),
            tags: tags(&self.tags),
            due_at: None,
            remind_at: None,
            recurrence: Some(recurrence),
        })
    }
}

/// Tags as typed: separated by commas or spaces, `#` optional. The backend
/// checks each one and says which it refuses.
fn tags(typed: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in typed.split(|c: char| c == ',' || c.is_whitespace()) {
        let tag = tag.trim().trim_start_matches('#').to_lowercase();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> TaskForm {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).unwrap()).unwrap()
    }

    #[test]
    fn a_new_task_sends_only_what_was_filled_in() {
        let zone = Zone::named("Asia/Karachi");
        let plain = form(&[("title", "Buy milk")]).to_new(zone).unwrap();
        let json = serde_json::to_value(&plain).unwrap();
        assert_eq!(json, serde_json::json!({"title": "Buy milk", "description": "", "priority": "none", "tags": []}));
        let full = form(&[
            ("title", "Pay rent"),
            ("priority", "high"),
            ("tags", "#Home, bills home"),
            ("due_date", "2026-12-01"),
            ("remind_at", "2026-12-01T08:00"),
            ("recurrence", "monthly"),
        ])
        .to_new(zone)
        .unwrap();
        let json = serde_json::to_value(&full).unwrap();
        assert_eq!(json["tags"], serde_json::json!(["home", "bills"]));
        assert_eq!(json["due_at"], "2026-12-01T23:59:00+05:00");
        assert_eq!(json["remind_at"], "2026-12-01T08:00:00+05:00");
        assert_eq!(json["recurrence"], "monthly");
    }

    #[test]
    fn an_edit_clears_emptied_fields_and_leaves_untouched_dates_out() {
        let zone = Zone::named("UTC");
        let untouched = form(&[
            ("title", "Pay rent"),
            ("due_date", "2026-12-01"),
            ("due_time", "09:00"),
            ("due_was", "2026-12-01 09:00"),
            ("remind_at", "2026-12-01T08:00"),
            ("remind_was", "2026-12-01T08:00"),
        ])
        .to_update(zone)
        .unwrap();
        let json = serde_json::to_value(&untouched).unwrap();
        assert!(json.get("due_at").is_none() && json.get("remind_at").is_none(), "{json}");
        assert_eq!(json["recurrence"], serde_json::Value::Null, "an empty rule clears it");
        let cleared =
            form(&[("title", "Pay rent"), ("due_was", "2026-12-01 09:00"), ("remind_was", "2026-12-01T08:00")])
                .to_update(zone)
                .unwrap();
        let json = serde_json::to_value(&cleared).unwrap();
        assert_eq!(
            (json["due_at"].clone(), json["remind_at"].clone()),
            (serde_json::Value::Null, serde_json::Value::Null)
        );
        assert!(json.as_object().unwrap().contains_key("due_at"));
    }

    #[test]
    fn unknown_choices_are_refused_with_a_reason() {
        let zone = Zone::named("UTC");
        assert!(form(&[("title", "x"), ("priority", "urgent")]).to_new(zone).is_err());
        assert!(form(&[("title", "x"), ("recurrence", "hourly")]).to_new(zone).is_err());
        assert!(form(&[("title", "x"), ("due_time", "09:00")]).to_new(zone).is_err());
    }
}
