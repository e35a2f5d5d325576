//! The LLM agent: OpenAI Chat Completions with tool calling, against any
//! OpenAI-compatible endpoint (OpenAI, Gemini, Groq, OpenRouter, Ollama, vLLM,
//! llama.cpp). Answers are streamed: text goes to the reply sink as it
//! arrives. Runs a bounded tool loop; retries timeouts, 429 and 5xx while
//! nothing of the answer has been said; never waits past the turn's deadline.

mod prompt;
mod stream;
pub mod wire;

use std::{future::Future, time::Duration};

use futures_util::StreamExt;
use reqwest::{header, StatusCode};
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use sse_stream::SseStream;
use tokio::time::{timeout_at, Instant};

use super::{
    reply::ReplySink,
    tools::{self, Caller, ToolCall, ToolError},
};
use crate::{config::LlmConfig, db::Message};
use stream::Assembly;
use wire::{function_type, Completion};
pub use wire::{WireFunction, WireMessage, WireToolCall};

/// Said when the model sent neither text nor a tool call.
const EMPTY_ANSWER: &str = "Done.";
/// Said when the tool loop reaches its bound.
const LOOP_BOUND_NOTE: &str =
    "I had to stop after several steps without finishing. Here is what I did; please tell me how to continue.";
/// The longest a provider's `Retry-After` (or our backoff) is waited.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// Worth trying again later: timeouts, connection errors, 429, 5xx, a
    /// stream cut off, the turn's deadline.
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

fn deadline_passed() -> LlmError {
    LlmError::Unavailable("turn deadline passed".into())
}

/// A failed call, with how long the provider asked us to wait.
struct Failure {
    error: LlmError,
    retry_after: Option<Duration>,
}

impl From<LlmError> for Failure {
    fn from(error: LlmError) -> Self {
        Failure { error, retry_after: None }
    }
}

pub struct LlmAgent {
    config: LlmConfig,
    http: reqwest::Client,
    /// The `tools` array of every request, built once.
    tools: Value,
}

/// Rebuilds the stored conversation in the wire format, tool rounds included,
/// so the model sees what it did in earlier turns.
pub fn history_messages(system_prompt: &str, history: &[Message]) -> Vec<WireMessage> {
    let mut messages = vec![WireMessage::text("system", system_prompt)];
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

    /// Answers `text` into `sink`: the model's text as it streams in, and
    /// each tool call once it ran. On an error nothing is said about it;
    /// the caller decides what the user is told.
    pub async fn respond(
        &self,
        caller: &Caller<'_>,
        history: &[Message],
        text: &str,
        sink: &mut ReplySink,
        deadline: Instant,
    ) -> Result<(), LlmError> {
        let zone = caller.zone().await.map_err(LlmError::Tool)?;
        let mut messages = history_messages(&prompt::system_prompt(zone, chrono::Utc::now()), history);
        messages.push(WireMessage::text("user", text));

        for _round in 0..self.config.max_tool_rounds {
            let message = self.complete(&messages, sink, deadline).await?;
            let requested = message.tool_calls.clone().unwrap_or_default();
            if requested.is_empty() {
                if sink.text().trim().is_empty() {
                    sink.say(EMPTY_ANSWER);
                }
                return Ok(());
            }
            messages.push(message);
            // Tools that start run to completion, deadline or not: a
            // half-done write is worse than a late answer.
            for request in requested {
                let call = match serde_json::from_str::<Value>(&request.function.arguments) {
                    Ok(arguments) => {
                        tools::call_recorded(caller, &request.function.name, arguments).await.map_err(LlmError::Tool)?
                    }
                    Err(error) => ToolCall {
                        tool: request.function.name.clone(),
                        arguments: Value::String(request.function.arguments.clone()),
                        result: json!({ "error": format!("arguments are not valid JSON: {error}") }),
                    },
                };
                messages.push(WireMessage::tool_result(&request.id, &call.result));
                sink.record(call);
            }
        }
        tracing::warn!(rounds = self.config.max_tool_rounds, "tool loop reached its bound");
        sink.say(paragraph_break(sink));
        sink.say(LOOP_BOUND_NOTE);
        Ok(())
    }

    /// One Chat Completions call, its text streamed to `sink`, retried with
    /// exponential backoff on timeouts, connection errors, 429 and 5xx as
    /// long as none of its text was said (the user would read it twice).
    async fn complete(
        &self,
        messages: &[WireMessage],
        sink: &mut ReplySink,
        deadline: Instant,
    ) -> Result<WireMessage, LlmError> {
        let body = json!({
            "model": self.config.model,
            "messages": messages,
            "tools": self.tools,
            "tool_choice": "auto",
            "stream": true,
        });
        let mut delay = self.config.retry_base;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let said_before = sink.text().len();
            let Failure { error, retry_after } = match self.attempt(&body, sink, deadline).await {
                Ok(message) => return Ok(message),
                Err(failure) => failure,
            };
            let retryable = matches!(error, LlmError::Unavailable(_)) && sink.text().len() == said_before;
            if !retryable || attempt > self.config.max_retries {
                return Err(error);
            }
            let wait = retry_after.unwrap_or(delay).min(MAX_RETRY_WAIT);
            if Instant::now() + wait >= deadline {
                return Err(deadline_passed());
            }
            tracing::info!(attempt, ?wait, %error, "retrying language model call");
            tokio::time::sleep(wait).await;
            delay *= 2;
        }
    }

    async fn attempt(&self, body: &Value, sink: &mut ReplySink, deadline: Instant) -> Result<WireMessage, Failure> {
        let url = format!("{}/chat/completions", self.config.base_url);
        let mut request = self.http.post(url).json(body);
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key.expose_secret());
        }
        let response = self
            .wait(deadline, request.send())
            .await?
            .map_err(|error| LlmError::Unavailable(error.without_url().to_string()))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let retry_after = retry_after(response.headers());
            return Err(Failure { error: LlmError::Unavailable(format!("HTTP {status}")), retry_after });
        }
        if !status.is_success() {
            // Refused either way: a body that does not come only loses the error's kind.
            let text = self.wait(deadline, response.text()).await.ok().and_then(Result::ok).unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or_default();
            return Err(LlmError::Rejected(status, error_kind(&body)).into());
        }
        // Said once, before the round's first text.
        let mut separator = paragraph_break(sink);
        let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
        // Some OpenAI-compatible servers ignore `stream` and answer whole.
        if content_type.is_some_and(|value| value.starts_with("application/json")) {
            let bytes = self
                .wait(deadline, response.bytes())
                .await?
                .map_err(|error| LlmError::Unavailable(error.without_url().to_string()))?;
            let completion: Completion =
                serde_json::from_slice(&bytes).map_err(|error| LlmError::BadResponse(error.to_string()))?;
            let message = completion
                .choices
                .into_iter()
                .next()
                .map(|choice| choice.message)
                .ok_or_else(|| LlmError::BadResponse("no choices".into()))?;
            if let Some(text) = message.content.as_deref().filter(|text| !text.is_empty()) {
                sink.say(separator);
                sink.say(text);
            }
            return Ok(WireMessage { role: "assistant".into(), ..message });
        }

        let mut events = SseStream::from_bytes_stream(response.bytes_stream());
        let mut assembly = Assembly::default();
        while let Some(event) = self.wait(deadline, events.next()).await? {
            let event = event.map_err(|error| match error {
                sse_stream::Error::Body(_) => LlmError::Unavailable("the answer's stream broke".into()),
                other => LlmError::BadResponse(format!("the answer's stream is not server-sent events: {other}")),
            })?;
            let Some(data) = event.data else { continue };
            if let Some(text) = assembly.push(&data)? {
                sink.say(std::mem::take(&mut separator));
                sink.say(&text);
            }
        }
        if !assembly.is_complete() {
            return Err(LlmError::Unavailable("the answer's stream ended before it finished".into()).into());
        }
        Ok(assembly.finish())
    }

    /// Waits for `future` no longer than the per-call timeout (so also the
    /// longest silence between two chunks) and never past `deadline`.
    async fn wait<F: Future>(&self, deadline: Instant, future: F) -> Result<F::Output, LlmError> {
        let idle_limit = Instant::now() + self.config.timeout;
        timeout_at(idle_limit.min(deadline), future).await.map_err(|_| {
            if deadline <= idle_limit {
                deadline_passed()
            } else {
                LlmError::Unavailable(format!("no answer within {:?}", self.config.timeout))
            }
        })
    }
}

/// What sets text off from what the turn already said (a round's text from
/// an earlier round's): a paragraph break, if anything was said.
fn paragraph_break(sink: &ReplySink) -> &'static str {
    if sink.text().is_empty() {
        ""
    } else {
        "\n\n"
    }
}

fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The kind of a provider's error answer — `error.code` or `error.type` in
/// OpenAI's format, if it is a short identifier — and never its message.
fn error_kind(body: &Value) -> String {
    let error = if body["error"].is_object() { &body["error"] } else { body };
    [&error["code"], &error["type"], &error["status"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|kind| kind.len() <= 64 && kind.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)))
        .unwrap_or("no error code given")
        .to_string()
}
