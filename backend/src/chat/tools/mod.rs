//! The one tool registry: the five task tools, typed in [`core`], and the
//! thin JSON adapter through which the LLM agent and the MCP endpoint reach
//! them. Their schemas are derived from the argument and result types
//! ([`args`]). A tool always acts for the caller it is given.

pub mod args;
pub mod core;

use chrono_tz::Tz;
use schemars::{generate::SchemaSettings, JsonSchema};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::{db::Db, error::ApiError};
use args::{AddTask, ListTasks, TaskId, TaskList, TaskOutcome, UpdateTask};

/// Who a tool acts for, on which store, within which limits.
pub struct Caller<'a> {
    pub db: &'a Db,
    pub user_id: &'a str,
    pub task_limit: u32,
    /// The turn's time zone, when the client sent one.
    pub zone: Option<Tz>,
}

/// A tool as models and MCP clients see it.
#[derive(Debug, Clone, Serialize)]
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
    /// JSON Schema of the result object.
    pub output: Value,
    /// Only reads.
    pub read_only: bool,
    /// May delete what cannot be restored.
    pub destructive: bool,
    /// Repeating the call with the same arguments changes nothing more.
    pub idempotent: bool,
}

/// One executed tool call, as stored with the assistant's message and
/// returned by the chat endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ToolCall {
    pub tool: String,
    #[schema(value_type = Object)]
    pub arguments: Value,
    #[schema(value_type = Object)]
    pub result: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    #[error("task {0} not found")]
    NotFound(i64),
    #[error("the account has reached its limit of {0} tasks; delete some first")]
    TaskLimit(u32),
    /// The database failed: the whole turn fails, nothing is half-reported.
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl ToolError {
    /// Errors a model or a user can act on (as opposed to an outage).
    pub fn is_recoverable(&self) -> bool {
        !matches!(self, ToolError::Database(_))
    }

    /// The error as a tool result, so that an agent can explain or retry.
    pub fn to_result(&self) -> Value {
        json!({ "error": self.to_string() })
    }
}

impl From<ToolError> for ApiError {
    fn from(error: ToolError) -> Self {
        match error {
            ToolError::Database(db) => ApiError::from(db),
            other => ApiError::Validation(other.to_string()),
        }
    }
}

pub const ADD_TASK: &str = "add_task";
pub const LIST_TASKS: &str = "list_tasks";
pub const COMPLETE_TASK: &str = "complete_task";
pub const DELETE_TASK: &str = "delete_task";
pub const UPDATE_TASK: &str = "update_task";

/// The five tools, in the order they are listed.
pub fn specs() -> Vec<ToolSpec> {
    let spec = |name, description, parameters, output, read_only, destructive, idempotent| ToolSpec {
        name,
        description,
        parameters,
        output,
        read_only,
        destructive,
        idempotent,
    };
    vec![
        spec(
            ADD_TASK,
            "Create a new task for the user, with optional details, priority, tags, due date, reminder and recurrence.",
            schema::<AddTask>(),
            output_schema::<TaskOutcome>(),
            false,
            false,
            false,
        ),
        spec(
            LIST_TASKS,
            "List the user's tasks, filtered (status, text, priority, tags, due) and sorted; returns a page and the total.",
            schema::<ListTasks>(),
            output_schema::<TaskList>(),
            true,
            false,
            true,
        ),
        spec(
            COMPLETE_TASK,
            "Mark one of the user's tasks as completed (completing a recurring task creates its next occurrence).",
            schema::<TaskId>(),
            output_schema::<TaskOutcome>(),
            false,
            false,
            true,
        ),
        spec(
            DELETE_TASK,
            "Delete one of the user's tasks. It cannot be undone: confirm with the user before deleting several.",
            schema::<TaskId>(),
            output_schema::<TaskOutcome>(),
            false,
            true,
            true,
        ),
        spec(
            UPDATE_TASK,
            "Change one of the user's tasks: title, description, priority, tags, due date, reminder, recurrence or completion.",
            schema::<UpdateTask>(),
            output_schema::<TaskOutcome>(),
            false,
            false,
            true,
        ),
    ]
}

/// The JSON Schema of a tool's arguments: as [`output_schema`], and with
/// optional fields typed without `null` (absent and `null` mean the same to
/// every tool, and some providers refuse type lists).
pub fn schema<T: JsonSchema>() -> Value {
    let mut schema = output_schema::<T>();
    drop_nulls(&mut schema);
    schema
}

/// The JSON Schema of `T`, self-contained: no `$ref`s (some providers do
/// not follow them); a field that can be `null` says so.
pub fn output_schema<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().with(|s| s.inline_subschemas = true).into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(object) = &mut schema {
        object.remove("$schema");
        object.remove("title");
    }
    schema
}

fn drop_nulls(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    object.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(options)) = object.get(key) {
                    let kept: Vec<Value> =
                        options.iter().filter(|option| option.get("type") != Some(&json!("null"))).cloned().collect();
                    if kept.len() == 1 {
                        object.remove(key);
                        if let Value::Object(only) = &kept[0] {
                            for (name, value) in only {
                                object.entry(name.clone()).or_insert_with(|| value.clone());
                            }
                        }
                    } else {
                        object.insert(key.into(), Value::Array(kept));
                    }
                }
            }
            if let Some(Value::Array(options)) = object.get_mut("enum") {
                options.retain(|option| !option.is_null());
            }
            object.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn parse<T: DeserializeOwned>(arguments: &Value) -> Result<T, ToolError> {
    // Models sometimes send `null` for "no arguments".
    let arguments = if arguments.is_null() { json!({}) } else { arguments.clone() };
    serde_path_to_error::deserialize(arguments).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner().to_string();
        ToolError::InvalidArguments(if path.is_empty() || path == "." { inner } else { format!("{path}: {inner}") })
    })
}

fn to_json(result: impl Serialize) -> Result<Value, ToolError> {
    serde_json::to_value(result).map_err(|error| ToolError::InvalidArguments(error.to_string()))
}

/// Runs tool `name` with JSON `arguments`; the result is a JSON object.
pub async fn call(caller: &Caller<'_>, name: &str, arguments: &Value) -> Result<Value, ToolError> {
    match name {
        ADD_TASK => to_json(core::add(caller, parse(arguments)?).await?),
        LIST_TASKS => to_json(core::list(caller, parse(arguments)?).await?),
        COMPLETE_TASK => to_json(core::complete(caller, parse::<TaskId>(arguments)?.task_id).await?),
        DELETE_TASK => to_json(core::delete(caller, parse::<TaskId>(arguments)?.task_id).await?),
        UPDATE_TASK => to_json(core::update(caller, parse(arguments)?).await?),
        other => Err(ToolError::UnknownTool(other.to_string())),
    }
}

/// Runs a tool and records it, turning recoverable failures into an
/// `{"error": ...}` result so the conversation can go on.
pub async fn call_recorded(caller: &Caller<'_>, name: &str, arguments: Value) -> Result<ToolCall, ToolError> {
    let result = match call(caller, name, &arguments).await {
        Ok(result) => result,
        Err(error) if error.is_recoverable() => error.to_result(),
        Err(error) => return Err(error),
    };
    Ok(ToolCall { tool: name.to_string(), arguments, result })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_plain_objects_that_name_every_field() {
        for spec in specs() {
            assert_eq!(spec.parameters["type"], "object", "{}", spec.name);
            assert_eq!(spec.output["type"], "object", "{}", spec.name);
            let text = spec.parameters.to_string();
            assert!(!text.contains("$ref") && !text.contains("\"null\""), "{}: {text}", spec.name);
        }
        let add = &specs()[0].parameters;
        for field in ["title", "description", "priority", "tags", "due_at", "remind_at", "recurrence"] {
            assert!(add["properties"][field].is_object(), "add_task.{field}: {add}");
        }
        assert_eq!(add["required"], json!(["title"]));
        assert_eq!(add["properties"]["priority"]["enum"], json!(["none", "low", "medium", "high"]));
        let update = &specs()[4].parameters;
        for field in ["task_id", "add_tags", "remove_tags", "completed", "clear"] {
            assert!(update["properties"][field].is_object(), "update_task.{field}: {update}");
        }
        let list = &specs()[1];
        assert_eq!(list.output["properties"]["tasks"]["type"], "array");
        let due = &list.output["properties"]["tasks"]["items"]["properties"]["due_at"];
        assert!(due.to_string().contains("null"), "a task without a due date lists null: {due}");
        assert!(list.read_only && !list.destructive);
        assert!(specs()[3].destructive);
    }
}
