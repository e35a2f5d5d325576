//! The assistant: one tool registry, two agents (built-in and LLM), the chat
//! endpoints, and the MCP server that exposes the same tools.

pub mod builtin;
pub mod llm;
pub mod mcp;
pub mod routes;
pub mod tools;

use std::sync::Arc;

use crate::{config::LlmConfig, db::Message};
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

    /// Answers `text` given the conversation so far. When the language model
    /// stays unavailable before anything was done, the built-in agent answers
    /// instead, and says so.
    pub async fn reply(&self, caller: &Caller<'_>, history: &[Message], text: &str) -> Result<Reply, ToolError> {
        let agent = match self {
            Assistant::Builtin => return builtin::respond(caller, history, text).await,
            Assistant::Llm(agent) => agent,
        };
        match agent.respond(caller, history, text).await {
            Ok(reply) => Ok(reply),
            Err(llm::LlmFailure { error: llm::LlmError::Tool(tool_error), .. }) => Err(tool_error),
            Err(llm::LlmFailure { error, tool_calls }) => {
                tracing::warn!(%error, provider = agent.provider(), "language model unavailable");
                if tool_calls.is_empty() {
                    let mut reply = builtin::respond(caller, history, text).await?;
                    reply.response = format!(
                        "(The AI service is unavailable right now, so the built-in assistant answered.)\n{}",
                        reply.response
                    );
                    return Ok(reply);
                }
                Ok(Reply {
                    response: format!(
                        "The AI service stopped responding part-way. I did {} step(s) shown below; your message is saved, please try again in a moment.",
                        tool_calls.len()
                    ),
                    tool_calls,
                })
            }
        }
    }
}
