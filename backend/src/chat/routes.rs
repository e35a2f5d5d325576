//! `/api/{user_id}/chat` and the conversation history endpoints.
//!
//! The server keeps no chat state: each turn loads the history from the
//! database, stores the user's message before the agent runs (so it is never
//! lost), stores the reply, and answers.

use std::time::Duration;

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
    Router,
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use super::{
    stream,
    tools::ToolCall,
    turn::{self, TurnRequest},
};
use crate::{
    app::AppState,
    auth::AuthUser,
    db::{Conversation, Message},
    error::{
        extract::{Json, Path},
        ApiError, ApiResult, ErrorBody,
    },
    idempotency::{self, Begun, IdempotencyKey, IdempotencyKeyParam},
    json_list::JsonList,
    validate,
};

const MESSAGE_MAX: usize = 4000;
/// How long a retry waits for the first turn with its Idempotency-Key (a
/// turn may wait on a language model), then 409: a little under the longest
/// turn, so that the web UI, which waits as long, gets that answer.
const TURN_WAIT: Duration = Duration::from_secs(crate::config::TURN_DEADLINE_MAX_SECS - 5);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/{user_id}/chat", post(chat))
        .route("/api/{user_id}/conversations", get(list_conversations))
        .route("/api/{user_id}/conversations/{id}", patch(rename_conversation).delete(delete_conversation))
        .route("/api/{user_id}/conversations/{id}/messages", get(list_messages))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ChatRequest {
    /// Continue this conversation; omit to start a new one.
    pub conversation_id: Option<i64>,
    #[schema(example = "Add a task to buy groceries", min_length = 1, max_length = 4000)]
    pub message: String,
    /// The IANA time zone to read dates in for this turn (default: the
    /// user's setting).
    #[serde(default)]
    pub timezone: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ChatResponse {
    pub conversation_id: i64,
    pub response: String,
    pub tool_calls: Vec<ToolCall>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
}

#[derive(Deserialize, IntoParams)]
pub struct ConversationPath {
    /// The signed-in user's id (the token's subject).
    #[allow(dead_code)]
    user_id: String,
    /// Conversation id.
    id: i64,
}

#[utoipa::path(post, path = "/api/{user_id}/chat", tag = "chat", params(UserPath, IdempotencyKeyParam),
    security(("bearer" = [])), request_body = ChatRequest,
    responses(
        (status = 200, description = "The assistant's answer and the tools it ran (or, with a reused Idempotency-Key, the first answer again)", body = ChatResponse),
        (status = 400, description = "Malformed body or Idempotency-Key", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such conversation for this user", body = ErrorBody),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Empty or too long message, or an Idempotency-Key used for another request", body = ErrorBody),
        (status = 503, description = "The database is unavailable or full; retry", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %user.id()))]
pub async fn chat(
    user: AuthUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    key: IdempotencyKey,
    Json(request): Json<ChatRequest>,
) -> ApiResult<Response> {
    let text = request.message.trim();
    if text.is_empty() {
        return Err(ApiError::Validation("message is required".into()));
    }
    if text.chars().count() > MESSAGE_MAX || text.contains('\0') {
        return Err(ApiError::Validation(format!("message must be at most {MESSAGE_MAX} characters of text")));
    }
    let zone = request.timezone.as_deref().map(validate::timezone).transpose()?;
    let db = &state.db;
    let keyed = key.for_request("POST /chat", &request)?;
    let claimed = match idempotency::begin(db, user.id(), keyed, StatusCode::OK, TURN_WAIT).await? {
        Begun::Run(claimed) => claimed,
        Begun::Replay(answer) if wants_stream(&headers) => return Ok(stream::replay(answer).await),
        Begun::Replay(answer) => return Ok(answer),
    };
    let conversation = match request.conversation_id {
        Some(id) => db.get_conversation(user.id(), id).await?.ok_or(ApiError::NotFound("conversation"))?,
        None => db.create_conversation(user.id()).await?,
    };
    let turn =
        TurnRequest { user_id: user.id().to_string(), conversation_id: conversation.id, text: text.into(), zone };
    if !wants_stream(&headers) {
        // Its own task all the same: a client that gives up does not cut a turn short.
        let answer =
            tokio::spawn(turn::run(state.clone(), turn, claimed, None)).await.map_err(anyhow::Error::from)??;
        return Ok(axum::Json(answer).into_response());
    }
    let (events, received) = mpsc::unbounded_channel();
    let finished = tokio::spawn(turn::run(state.clone(), turn, claimed, Some(events)));
    Ok(stream::sse(received, finished).into_response())
}

fn wants_stream(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|value| value.to_str().ok()).any(|value| {
        value.split(',').any(|kind| kind.split(';').next().is_some_and(|kind| kind.trim() == "text/event-stream"))
    })
}

#[utoipa::path(get, path = "/api/{user_id}/conversations", tag = "chat", params(UserPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's conversations, newest first", body = Vec<Conversation>),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
    ))]
pub async fn list_conversations(user: AuthUser, State(state): State<AppState>) -> ApiResult<JsonList<Conversation>> {
    Ok(JsonList(state.db.list_conversations(user.id()).await?))
}

#[utoipa::path(get, path = "/api/{user_id}/conversations/{id}/messages", tag = "chat", params(ConversationPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The conversation's messages, oldest first", body = Vec<Message>),
        (status = 400, description = "Invalid conversation id", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such conversation for this user", body = ErrorBody),
    ))]
pub async fn list_messages(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<ConversationPath>,
) -> ApiResult<JsonList<Message>> {
    state.db.get_conversation(user.id(), path.id).await?.ok_or(ApiError::NotFound("conversation"))?;
    Ok(JsonList(state.db.list_messages(user.id(), path.id).await?))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct RenameConversation {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

#[utoipa::path(patch, path = "/api/{user_id}/conversations/{id}", tag = "chat", params(ConversationPath),
    security(("bearer" = [])), request_body = RenameConversation,
    responses(
        (status = 200, description = "Renamed", body = Conversation),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such conversation for this user", body = ErrorBody),
        (status = 422, description = "An empty or too long title (`field: title`)", body = ErrorBody),
    ))]
pub async fn rename_conversation(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<ConversationPath>,
    Json(body): Json<RenameConversation>,
) -> ApiResult<axum::Json<Conversation>> {
    let title = validate::title(&body.title)?;
    let renamed = state.db.rename_conversation(user.id(), path.id, &title).await?;
    renamed.map(axum::Json).ok_or(ApiError::NotFound("conversation"))
}

#[utoipa::path(delete, path = "/api/{user_id}/conversations/{id}", tag = "chat", params(ConversationPath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted with its messages"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Another user's id", body = ErrorBody),
        (status = 404, description = "No such conversation for this user", body = ErrorBody),
    ))]
pub async fn delete_conversation(
    user: AuthUser,
    State(state): State<AppState>,
    Path(path): Path<ConversationPath>,
) -> ApiResult<StatusCode> {
    if !state.db.delete_conversation(user.id(), path.id).await? {
        return Err(ApiError::NotFound("conversation"));
    }
    Ok(StatusCode::NO_CONTENT)
}
