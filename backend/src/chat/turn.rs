//! One chat turn, from the user's message to the stored reply.
//!
//! A turn runs as its own task, so a client that disconnects mid-answer
//! does not cancel it: what the assistant did is stored either way. Turns
//! on one conversation take a lease first, so that each user message is
//! followed by its own reply in the history, on any replica.

use std::time::Duration;

use chrono::Utc;
use chrono_tz::Tz;
use tokio::{sync::mpsc::UnboundedSender, time::Instant};

use super::{
    builtin::state::ChatState,
    reply::{ReplySink, TurnEvent},
    routes::ChatResponse,
    tools::Caller,
};
use crate::{
    app::AppState,
    db::{NewMessage, TurnClaim},
    error::{ApiError, ApiResult},
    idempotency::Claimed,
};

/// How often a turn that waits for the conversation looks again.
const LEASE_POLL: Duration = Duration::from_millis(25);
/// How long a lease outlives its turn's deadline: the fallback answer and
/// storing the reply come after the deadline.
const LEASE_MARGIN: Duration = Duration::from_secs(10);

/// What a turn is asked to do.
pub struct TurnRequest {
    pub user_id: String,
    pub conversation_id: i64,
    pub text: String,
    /// The turn's time zone, when the client sent one.
    pub zone: Option<Tz>,
}

/// Runs the turn to its end and stores it; `events` receives the reply as
/// it is produced, while anyone listens.
pub async fn run(
    state: AppState,
    request: TurnRequest,
    claimed: Claimed,
    events: Option<UnboundedSender<TurnEvent>>,
) -> ApiResult<ChatResponse> {
    let deadline = Instant::now() + state.config.turn_deadline;
    let (user_id, id) = (request.user_id.as_str(), request.conversation_id);
    let holder = uuid::Uuid::new_v4().to_string();
    let agent_state = wait_for_turn(&state, user_id, id, &holder, deadline).await?;
    let answer = match take_turn(&state, &request, &holder, agent_state, events, deadline).await {
        Ok(answer) => answer,
        Err(error) => {
            if let Err(release) = state.db.release_turn(user_id, id, &holder).await {
                tracing::warn!(error = %release, "could not release the conversation; its lease runs out instead");
            }
            return Err(error);
        }
    };
    tracing::info!(conversation_id = id, tools = answer.tool_calls.len(), "chat turn");
    // The turn is done and stored: answer it even if its replay could not be kept.
    if let Err(error) = claimed.answer(&answer).await {
        tracing::warn!(%error, "could not keep the answer for retries with this Idempotency-Key");
    }
    Ok(answer)
}

/// Said when a turn fails after some of its tools ran: what they did is
/// stored and shown, so a retry does not do it twice unknowingly.
const FAILED_PART_WAY: &str =
    "Something went wrong after the steps shown below, so I stopped there. Please check your list before trying again.";

/// The turn, while it holds the conversation: the user's message, the
/// agent, and the reply with the agent's new state.
async fn take_turn(
    state: &AppState,
    request: &TurnRequest,
    holder: &str,
    agent_state: Option<String>,
    events: Option<UnboundedSender<TurnEvent>>,
    deadline: Instant,
) -> ApiResult<ChatResponse> {
    let (db, user_id, id) = (&state.db, request.user_id.as_str(), request.conversation_id);
    let history = db.list_messages(user_id, id).await?;
    db.add_message(user_id, id, NewMessage { role: "user", content: &request.text, tool_calls: None }).await?;
    let caller = Caller { db, user_id, task_limit: state.config.task_limit, zone: request.zone };
    let mut chat_state = ChatState::load(agent_state.as_deref());
    let mut sink = ReplySink::new(events);
    if let Err(error) =
        state.assistant.reply(&caller, &history, &request.text, &mut chat_state, &mut sink, deadline).await
    {
        // Nothing done: the turn fails as a whole (the user's message is kept).
        if sink.tool_calls().is_empty() {
            return Err(error.into());
        }
        tracing::warn!(%error, "a chat turn failed after running tools; what they did is stored");
        let gap = if sink.text().is_empty() { "" } else { "\n\n" };
        sink.say(&format!("{gap}{FAILED_PART_WAY}"));
    }
    let reply = sink.finish();
    let tool_calls = (!reply.tool_calls.is_empty())
        .then(|| serde_json::to_string(&reply.tool_calls))
        .transpose()
        .map_err(anyhow::Error::from)?;
    let stored = NewMessage { role: "assistant", content: &reply.response, tool_calls };
    if !db.finish_turn(user_id, id, holder, stored, chat_state.store().as_deref()).await? {
        return Err(ApiError::NotFound("conversation"));
    }
    Ok(ChatResponse { conversation_id: id, response: reply.response, tool_calls: reply.tool_calls })
}

/// Takes the conversation's lease, waiting (within the deadline) while
/// another turn holds it; returns the state the last turn left.
async fn wait_for_turn(
    state: &AppState,
    user_id: &str,
    id: i64,
    holder: &str,
    deadline: Instant,
) -> ApiResult<Option<String>> {
    let lease = state.config.turn_deadline + LEASE_MARGIN;
    loop {
        let until = Utc::now().timestamp_millis() + lease.as_millis() as i64;
        match state.db.claim_turn(user_id, id, holder, until).await? {
            TurnClaim::Held { agent_state } => return Ok(agent_state),
            TurnClaim::Gone => return Err(ApiError::NotFound("conversation")),
            TurnClaim::Busy if Instant::now() + LEASE_POLL >= deadline => {
                return Err(ApiError::Coded {
                    status: axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    code: "conversation_busy",
                    message: "an earlier message in this conversation is still being answered; please retry".into(),
                })
            }
            TurnClaim::Busy => tokio::time::sleep(LEASE_POLL).await,
        }
    }
}
