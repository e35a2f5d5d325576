//! The values of a task's planning fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How important a task is.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    #[default]
    None,
    Low,
    Medium,
    High,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::None, Priority::Low, Priority::Medium, Priority::High];

    /// Stored as this number, so that sorting by priority sorts numbers.
    pub fn rank(self) -> i16 {
        self as i16
    }

    pub fn from_rank(rank: i16) -> Priority {
        Priority::ALL.get(rank.clamp(0, 3) as usize).copied().unwrap_or_default()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::None => "none",
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    pub fn parse(raw: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|priority| priority.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// How a task repeats: completing it creates the next occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Recurrence {
    Daily,
    /// Monday to Friday.
    Weekdays,
    Weekly,
    Monthly,
    Yearly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 5] =
        [Recurrence::Daily, Recurrence::Weekdays, Recurrence::Weekly, Recurrence::Monthly, Recurrence::Yearly];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Daily => "daily",
            Recurrence::Weekdays => "weekdays",
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
            Recurrence::Yearly => "yearly",
        }
    }

    pub fn parse(raw: &str) -> Option<Recurrence> {
        Recurrence::ALL.into_iter().find(|rule| rule.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// A task's tags: distinct, lower-cased, in the order they were given
/// (validated by `crate::validate::tags`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[schema(value_type = Vec<String>, example = json!(["home", "errands"]))]
pub struct Tags(pub Vec<String>);

impl Tags {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn contains(&self, tag: &str) -> bool {
        self.0.iter().any(|own| own == tag)
    }

    /// These tags and `more`, without repeats.
    pub fn with(mut self, more: &Tags) -> Tags {
        for tag in more.iter() {
            if !self.contains(tag) {
                self.0.push(tag.to_string());
            }
        }
        self
    }

    pub fn without(mut self, gone: &Tags) -> Tags {
        self.0.retain(|tag| !gone.contains(tag));
        self
    }

    /// As stored: ` tag1 tag2 ` (tags hold no spaces), so that a tag is found
    /// with one `LIKE '% tag %'` on both stores.
    pub fn to_stored(&self) -> String {
        let mut stored = String::from(" ");
        for tag in &self.0 {
            stored.push_str(tag);
            stored.push(' ');
        }
        stored
    }

    pub fn from_stored(stored: &str) -> Tags {
        Tags(stored.split_whitespace().map(str::to_string).collect())
    }
}
