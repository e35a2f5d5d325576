//! The assistant: one tool registry, two agents (built-in and LLM), the chat
//! endpoints, and the MCP server that exposes the same tools.

pub mod builtin;
pub mod llm;
pub mod mcp;
pub mod reply;
pub mod routes;
pub mod stream;
pub mod tools;
pub mod turn;

use std::sync::Arc;

use tokio::time::Instant;

use crate::{config::LlmConfig, db::Message};
use builtin::state::ChatState;
use reply::ReplySink;
use tools::{Caller, ToolCall, ToolError};

/// What an agent produced for one user message.
#[derive(Debug, Clone)]
pub struct Reply {
    pub response: String,
    pub tool_calls: Vec<ToolCall>,
}

/// The agent that answers chat turns, chosen at start-up.
#[derive(Clone)]
pub enum Assistant {
    Builtin,
    Llm(Arc<llm::LlmAgent>),
}

impl Assistant {
    pub fn new(llm: Option<&LlmConfig>, http: reqwest::Client) -> Self {
        match llm {
            Some(config) => Assistant::Llm(Arc::new(llm::LlmAgent::new(config.clone(), http))),
            None => Assistant::Builtin,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Assistant::Builtin => "built-in".into(),
            Assistant::Llm(agent) => format!("llm ({}, {})", agent.provider(), agent.model()),
        }
    }

    /// Answers `text` given the conversation so far (and the built-in
    /// agent's `state`), into `sink`. When the language model stays
    /// unavailable, or the turn's `deadline` passes, before any tool ran,
    /// the built-in agent answers instead and says so; after a tool ran,
    /// the reply says what was done.
    pub async fn reply(
        &self,
        caller: &Caller<'_>,
        history: &[Message],
        text: &str,
        state: &mut ChatState,
        sink: &mut ReplySink,
        deadline: Instant,
    ) -> Result<(), ToolError> {
        let agent = match self {
            Assistant::Builtin => return builtin::respond(caller, text, state, sink).await,
            Assistant::Llm(agent) => agent,
        };
        let outcome = agent.respond(caller, history, text, sink, deadline).await;
        // The model answered whatever the built-in agent had asked, and
        // "it" is now the task the model acted on last.
        state.pending = None;
        state.name(sink.tool_calls().iter().rev().find_map(|call| call.result.get("task_id")?.as_i64()));
        let error = match outcome {
            Ok(()) => return Ok(()),
            Err(llm::LlmError::Tool(tool_error)) => return Err(tool_error),
            Err(error) => error,
        };
        tracing::warn!(%error, provider = agent.provider(), "language model unavailable");
        let gap = if sink.text().is_empty() { "" } else { "\n\n" };
        if sink.tool_calls().is_empty() {
            sink.say(&format!("{gap}(The AI service is unavailable right now, so the built-in assistant answered.)\n"));
            return builtin::respond(caller, text, state, sink).await;
        }
        sink.say(&format!(
            "{gap}The AI service stopped responding part-way. I did {} step(s) shown below; your message is saved, please try again in a moment.",
            sink.tool_calls().len()
        ));
        Ok(())
    }
}
