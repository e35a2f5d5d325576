//! What an agent says and does during one turn, piece by piece.
//!
//! Every piece goes to the client the moment it is produced (when the client
//! streams) and is kept for the stored reply, so the stored reply is exactly
//! what was streamed. A client that went away stops receiving; the turn goes
//! on and is stored all the same.

use tokio::sync::mpsc::UnboundedSender;

use super::{tools::ToolCall, Reply};

/// One piece of a reply, as streamed (`event: delta`, `event: tool_call`).
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    Delta(String),
    ToolCall(ToolCall),
}

/// Collects a turn's reply and forwards each piece to the client, if any.
#[derive(Debug, Default)]
pub struct ReplySink {
    events: Option<UnboundedSender<TurnEvent>>,
    text: String,
    tool_calls: Vec<ToolCall>,
}

impl ReplySink {
    /// A sink that streams to `events` (or only collects, with `None`).
    pub fn new(events: Option<UnboundedSender<TurnEvent>>) -> Self {
        ReplySink { events, ..Default::default() }
    }

    /// Adds text to the reply.
    pub fn say(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.text.push_str(text);
        self.send(TurnEvent::Delta(text.to_string()));
    }

    /// Records a tool call that ran.
    pub fn record(&mut self, call: ToolCall) {
        self.send(TurnEvent::ToolCall(call.clone()));
        self.tool_calls.push(call);
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn tool_calls(&self) -> &[ToolCall] {
        &self.tool_calls
    }

    pub fn finish(self) -> Reply {
        Reply { response: self.text, tool_calls: self.tool_calls }
    }

    fn send(&mut self, event: TurnEvent) {
        // A closed channel means the client left: keep collecting, stop sending.
        if let Some(events) = &self.events {
            if events.send(event).is_err() {
                self.events = None;
            }
        }
    }
}
