//! The built-in assistant: deterministic, offline, in English and Urdu. A
//! pure [`parse`]r reads a message into a typed [`intent::Intent`] (dates in
//! the user's time zone); the [`execute`] turn acts on it through the typed
//! tools, asks when the target is unclear, and asks before deleting more
//! than one task; [`say`] words the answer in the user's language. What it
//! waits for between turns is [`state`], stored with the conversation.

pub mod execute;
pub mod intent;
pub mod lookup;
pub mod parse;
pub mod say;
pub mod state;

use super::{
    reply::ReplySink,
    tools::{Caller, ToolError},
};
use execute::Turn;
use say::Say;
use state::ChatState;

/// Answers one message, reading and updating the conversation's `state`.
pub async fn respond(
    caller: &Caller<'_>,
    text: &str,
    state: &mut ChatState,
    sink: &mut ReplySink,
) -> Result<(), ToolError> {
    let clock = execute::clock(caller).await?;
    let parsed = parse::parse(text, &clock);
    let say = Say { language: parsed.language, zone: clock.zone };
    Turn { caller, sink, state, clock, say }.run(parsed, text).await
}
