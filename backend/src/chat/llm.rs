//! The LLM agent: OpenAI Chat Completions with tool calling, against any
//! OpenAI-compatible endpoint (OpenAI, Gemini, Groq, OpenRouter, Ollama, vLLM,
//! llama.cpp). Runs a bounded tool loop; retries timeouts, 429 and 5xx.

use std::time::Duration;

use reqwest::{header, StatusCode};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    reply::ReplySink,
    tools::{self, Caller, ToolCall, ToolError},
    Reply,
};
use crate::{config::LlmConfig, db::Message};

const SYSTEM_PROMPT: &str =
    "You are the assistant of a todo app. Manage the user's tasks with the tools you are given. \
When the user names a task instead of giving its number, call list_tasks first to find its id; if several tasks match, \
ask which one they mean. Never invent task ids. After acting, confirm what you did in one or two friendly sentences.";

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused; only the status and the error's type or code
    /// are kept (its message may echo the request, key included).
    #[error("provider rejected the request ({0}): {1}")]
    Rejected(StatusCode, String),
    #[error("unexpected response from provider: {0}")]
    BadResponse(String),
    /// A tool hit a database failure: not the model's fault, not retried.
    #[error("tool failed: {0}")]
    Tool(ToolError),
}

/// The error, with the tools that had already run when it happened.
#[derive(Debug)]
pub struct LlmFailure {
    pub error: LlmError,
    pub tool_calls: Vec<ToolCall>,
}

pub struct LlmAgent {
    config: LlmConfig,
    http: reqwest::Client,
    /// The `tools` array of every request, built once.
    tools: Value,
}

/// One message of the Chat Completions wire format.
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

fn function_type() -> String {
    "function".into()
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: WireMessage,
}

impl WireMessage {
    fn text(role: &str, content: &str) -> Self {
        WireMessage { role: role.into(), content: Some(content.into()), tool_calls: None, tool_call_id: None }
    }

    fn tool_result(id: &str, result: &Value) -> Self {
        WireMessage {
            role: "tool".into(),
            content: Some(result.to_string()),
            tool_calls: None,
            tool_call_id: Some(id.into()),
        }
    }
}

/// Rebuilds the stored conversation in the wire format, tool rounds included,
/// so the model sees what it did in earlier turns.
pub fn history_messages(history: &[Message]) -> Vec<WireMessage> {
    let mut messages = vec![WireMessage::text("system", SYSTEM_PROMPT)];
    for message in history {
        let calls: Vec<ToolCall> =
            message.tool_calls.as_deref().and_then(|raw| serde_json::from_str(raw).ok()).unwrap_or_default();
        if message.role == "assistant" && !calls.is_empty() {
            let ids: Vec<String> = (0..calls.len()).map(|i| format!("call_{}_{i}", message.id)).collect();
            messages.push(WireMessage {
                role: "assistant".into(),
                content: None,
                tool_calls: Some(
                    calls
                        .iter()
                        .zip(&ids)
                        .map(|(call, id)| WireToolCall {
                            id: id.clone(),
                            kind: function_type(),
                            function: WireFunction {
                                name: call.tool.clone(),
                                arguments: arguments_text(&call.arguments),
                            },
                        })
                        .collect(),
                ),
                tool_call_id: None,
            });
            for (call, id) in calls.iter().zip(&ids) {
                messages.push(WireMessage::tool_result(id, &call.result));
            }
        }
        messages.push(WireMessage::text(&message.role, &message.content));
    }
    messages
}

/// Arguments we could not parse are kept as the raw string the model sent.
fn arguments_text(arguments: &Value) -> String {
    match arguments {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
}

/// The tool list in the Chat Completions `tools` format.
pub fn tool_definitions() -> Value {
    Value::Array(
        tools::specs()
            .into_iter()
            .map(|spec| {
                json!({
                    "type": "function",
                    "function": { "name": spec.name, "description": spec.description, "parameters": spec.parameters }
                })
            })
            .collect(),
    )
}

impl LlmAgent {
    pub fn new(config: LlmConfig, http: reqwest::Client) -> Self {
        Self { config, http, tools: tool_definitions() }
    }

    pub fn provider(&self) -> &str {
        &self.config.provider
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    pub async fn respond(
        &self,
        caller: &Caller<'_>,
        history: &[Message],
        text: &str,
        sink: &mut ReplySink,
        deadline: tokio::time::Instant,
    ) -> Result<(), LlmError> {
        let _ = deadline;
        let reply = self.respond_whole(caller, history, text).await.map_err(|failure| {
            for call in failure.tool_calls {
                sink.record(call);
            }
            failure.error
        })?;
        for call in reply.tool_calls {
            sink.record(call);
        }
        sink.say(&reply.response);
        Ok(())
    }

    async fn respond_whole(&self, caller: &Caller<'_>, history: &[Message], text: &str) -> Result<Reply, LlmFailure> {
        let mut messages = history_messages(history);
        messages.push(WireMessage::text("user", text));
        let mut calls: Vec<ToolCall> = Vec::new();

        for _round in 0..self.config.max_tool_rounds {
            let message = match self.complete(&messages).await {
                Ok(message) => message,
                Err(error) => return Err(LlmFailure { error, tool_calls: calls }),
            };
            let requested = message.tool_calls.clone().unwrap_or_default();
            if requested.is_empty() {
                let response = message.content.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| "Done.".into());
                return Ok(Reply { response, tool_calls: calls });
            }
            messages.push(WireMessage { role: "assistant".into(), ..message });
            for request in requested {
                let call = match serde_json::from_str::<Value>(&request.function.arguments) {
                    Ok(arguments) => tools::call_recorded(caller, &request.function.name, arguments)
                        .await
                        .map_err(|error| LlmFailure { error: LlmError::Tool(error), tool_calls: calls.clone() })?,
                    Err(error) => ToolCall {
                        tool: request.function.name.clone(),
                        arguments: Value::String(request.function.arguments.clone()),
                        result: json!({ "error": format!("arguments are not valid JSON: {error}") }),
                    },
                };
                messages.push(WireMessage::tool_result(&request.id, &call.result));
                calls.push(call);
            }
        }
        tracing::warn!(rounds = self.config.max_tool_rounds, "tool loop reached its bound");
        Ok(Reply {
            response: "I had to stop after several steps without finishing. Here is what I did; please tell me how to continue.".into(),
            tool_calls: calls,
        })
    }

    /// One Chat Completions call, retried with exponential backoff on
    /// timeouts, connection errors, 429 and 5xx.
    async fn complete(&self, messages: &[WireMessage]) -> Result<WireMessage, LlmError> {
        let body = json!({
            "model": self.config.model,
            "messages": messages,
            "tools": self.tools,
            "tool_choice": "auto",
        });
        let url = format!("{}/chat/completions", self.config.base_url);
        let mut delay = self.config.retry_base;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.http.post(&url).timeout(self.config.timeout).json(&body);
            if let Some(key) = &self.config.api_key {
                request = request.bearer_auth(key.expose_secret());
            }
            let failure = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    let completion: Completion =
                        response.json().await.map_err(|e| LlmError::BadResponse(e.to_string()))?;
                    return completion
                        .choices
                        .into_iter()
                        .next()
                        .map(|choice| choice.message)
                        .ok_or_else(|| LlmError::BadResponse("no choices".into()));
                }
                Ok(response)
                    if response.status() == StatusCode::TOO_MANY_REQUESTS || response.status().is_server_error() =>
                {
                    let wait = retry_after(response.headers());
                    (LlmError::Unavailable(format!("HTTP {}", response.status())), wait)
                }
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    return Err(LlmError::Rejected(status, error_kind(&text)));
                }
                Err(error) => (LlmError::Unavailable(error.without_url().to_string()), None),
            };
            let (error, wait) = failure;
            if attempt > self.config.max_retries {
                return Err(error);
            }
            let wait = wait.unwrap_or(delay).min(Duration::from_secs(10));
            tracing::info!(attempt, ?wait, %error, "retrying language model call");
            tokio::time::sleep(wait).await;
            delay *= 2;
        }
    }
}

fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The kind of a provider's error answer — `error.code` or `error.type` in
/// OpenAI's format, if it is a short identifier — and never its message.
fn error_kind(body: &str) -> String {
    let parsed: Value = serde_json::from_str(body).unwrap_or_default();
    let error = if parsed["error"].is_object() { &parsed["error"] } else { &parsed };
    let kind = [&error["code"], &error["type"], &error["status"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|kind| kind.len() <= 64 && kind.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)))
        .unwrap_or("no error code given")
        .to_string();
    kind
}
