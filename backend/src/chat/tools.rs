//! The one tool registry: the five task tools, their JSON schemas, and their
//! execution. The built-in agent, the LLM agent and the MCP endpoint all call
//! [`call`], which always acts for the authenticated user it is given.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::{
    db::{Created, Db, StatusFilter, Task},
    error::ApiError,
    validate,
};

/// A tool as models and MCP clients see it.
#[derive(Debug, Clone, Serialize)]
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
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

pub fn specs() -> Vec<ToolSpec> {
    let task_id = json!({ "type": "integer", "description": "The task's id, as shown by list_tasks." });
    vec![
        ToolSpec {
            name: ADD_TASK,
            description: "Create a new task for the user.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "title": { "type": "string", "minLength": 1, "maxLength": 200, "description": "Short title, e.g. \"Buy groceries\"." },
                    "description": { "type": "string", "maxLength": 1000, "description": "Optional details." }
                },
                "required": ["title"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: LIST_TASKS,
            description: "List the user's tasks: all, only pending, or only completed ones.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "status": { "type": "string", "enum": ["all", "pending", "completed"], "description": "Which tasks to list; default all." },
                    "limit": { "type": "integer", "minimum": 1, "maximum": 200, "description": "At most this many tasks, oldest first (default 50); `total` says how many match." }
                },
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: COMPLETE_TASK,
            description: "Mark one of the user's tasks as completed.",
            parameters: json!({
                "type": "object",
                "properties": { "task_id": task_id },
                "required": ["task_id"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: DELETE_TASK,
            description: "Delete one of the user's tasks.",
            parameters: json!({
                "type": "object",
                "properties": { "task_id": task_id },
                "required": ["task_id"],
                "additionalProperties": false
            }),
        },
        ToolSpec {
            name: UPDATE_TASK,
            description: "Change the title and/or description of one of the user's tasks.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "task_id": task_id,
                    "title": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The new title." },
                    "description": { "type": "string", "maxLength": 1000, "description": "The new description." }
                },
                "required": ["task_id"],
                "additionalProperties": false
            }),
        },
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddArgs {
    title: String,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    status: Option<StatusFilter>,
    #[serde(default)]
    limit: Option<u32>,
}

/// Tasks `list_tasks` returns unless asked for more, and at most: a tool
/// result goes into the model's context and into the stored conversation.
pub const LIST_DEFAULT: u32 = 50;
pub const LIST_MAX: u32 = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdArgs {
    task_id: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateArgs {
    task_id: i64,
    title: Option<String>,
    description: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(arguments: &Value) -> Result<T, ToolError> {
    // Models sometimes send `null` for "no arguments".
    let arguments = if arguments.is_null() { json!({}) } else { arguments.clone() };
    serde_json::from_value(arguments).map_err(|e| ToolError::InvalidArguments(e.to_string()))
}

fn invalid(error: ApiError) -> ToolError {
    ToolError::InvalidArguments(error.to_string())
}

fn outcome(task: &Task, status: &str) -> Value {
    json!({ "task_id": task.id, "status": status, "title": task.title })
}

/// Who a tool acts for, on which store, within which limits.
pub struct Caller<'a> {
    pub db: &'a Db,
    pub user_id: &'a str,
    pub task_limit: u32,
}

/// Runs tool `name` for the caller.
pub async fn call(caller: &Caller<'_>, name: &str, arguments: &Value) -> Result<Value, ToolError> {
    let (db, user_id) = (caller.db, caller.user_id);
    match name {
        ADD_TASK => {
            let args: AddArgs = parse(arguments)?;
            let task = validate::new_task(&args.title, args.description.as_deref()).map_err(invalid)?;
            match db.create_task(user_id, &task, None, caller.task_limit).await? {
                Created::Done(created) => Ok(outcome(&created, "created")),
                _ => Err(ToolError::TaskLimit(caller.task_limit)),
            }
        }
        LIST_TASKS => {
            let args: ListArgs = parse(arguments)?;
            let limit = args.limit.unwrap_or(LIST_DEFAULT).clamp(1, LIST_MAX);
            let (tasks, total) = db.list_tasks_page(user_id, args.status.unwrap_or_default(), limit).await?;
            let tasks: Vec<Value> =
                tasks.iter().map(|t| json!({ "id": t.id, "title": t.title, "completed": t.completed })).collect();
            Ok(json!({ "tasks": tasks, "total": total }))
        }
        COMPLETE_TASK => {
            let IdArgs { task_id } = parse(arguments)?;
            let changes = validate::task_changes(None, None, Some(true)).map_err(invalid)?;
            let task = db.update_task(user_id, task_id, &changes).await?.ok_or(ToolError::NotFound(task_id))?;
            Ok(outcome(&task, "completed"))
        }
        DELETE_TASK => {
            let IdArgs { task_id } = parse(arguments)?;
            let task = db.delete_task(user_id, task_id).await?.ok_or(ToolError::NotFound(task_id))?;
            Ok(outcome(&task, "deleted"))
        }
        UPDATE_TASK => {
            let args: UpdateArgs = parse(arguments)?;
            if args.title.is_none() && args.description.is_none() {
                return Err(ToolError::InvalidArguments("give a new title or description".into()));
            }
            let changes =
                validate::task_changes(args.title.as_deref(), args.description.as_deref(), None).map_err(invalid)?;
            let task =
                db.update_task(user_id, args.task_id, &changes).await?.ok_or(ToolError::NotFound(args.task_id))?;
            Ok(outcome(&task, "updated"))
        }
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
