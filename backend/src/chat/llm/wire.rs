//! The Chat Completions wire format: messages we send, and the answers a
//! provider gives, whole (`choices[0].message`) or streamed
//! (`choices[0].delta`, one chunk per server-sent event).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One message of a conversation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireMessage {
    pub role: String,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<WireToolCall>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireToolCall {
    pub id: String,
    #[serde(rename = "type", default = "function_type")]
    pub kind: String,
    pub function: WireFunction,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireFunction {
    pub name: String,
    /// A JSON document in a string, as the API defines it.
    pub arguments: String,
}

pub fn function_type() -> String {
    "function".into()
}

impl WireMessage {
    pub fn text(role: &str, content: &str) -> Self {
        WireMessage { role: role.into(), content: Some(content.into()), tool_calls: None, tool_call_id: None }
    }

    pub fn tool_result(id: &str, result: &Value) -> Self {
        WireMessage {
            role: "tool".into(),
            content: Some(result.to_string()),
            tool_calls: None,
            tool_call_id: Some(id.into()),
        }
    }
}

/// A whole answer (`"stream": false`, or a server that ignores `stream`).
#[derive(Deserialize)]
pub struct Completion {
    pub choices: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct Choice {
    pub message: WireMessage,
}

/// One streamed chunk. Every field may be missing: providers send chunks
/// with only a `role`, only `usage`, or empty `choices`.
#[derive(Debug, Default, Deserialize)]
pub struct Chunk {
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// Some providers report a failure in the stream itself.
    #[serde(default)]
    pub error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChunkChoice {
    #[serde(default)]
    pub delta: Delta,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Delta {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub tool_calls: Option<Vec<DeltaToolCall>>,
}

/// A piece of a tool call: `id` and `name` come with the first piece of an
/// `index`, `arguments` is split across pieces.
#[derive(Debug, Default, Deserialize)]
pub struct DeltaToolCall {
    #[serde(default)]
    pub index: Option<usize>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub function: Option<DeltaFunction>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeltaFunction {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arguments: Option<String>,
}
