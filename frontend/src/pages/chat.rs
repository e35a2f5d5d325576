use askama::Template;
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form, Json,
};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{
    render,
    tool_activity::{self, Activity},
    Layout,
};
use crate::{
    app::AppState,
    backend::{BackendError, Conversation, Session},
    error::PageError,
    local_time::Zone,
    session::{CsrfToken, SignedIn},
};

#[derive(Template)]
#[template(path = "chat.html")]
pub struct ChatPage {
    layout: Layout,
    conversations: Vec<ConversationLink>,
    current: Option<i64>,
    messages: Vec<MessageView>,
    draft: String,
    error: Option<String>,
}

/// An entry of the conversation list.
pub struct ConversationLink {
    pub id: i64,
    pub title: String,
    pub current: bool,
}

/// A message as the page shows it.
pub struct MessageView {
    pub role: String,
    pub content: String,
    /// What the assistant did during this turn, in words.
    pub activity: Vec<Activity>,
}

impl MessageView {
    fn speaker(&self) -> &'static str {
        if self.role == "user" {
            "You"
        } else {
            "Assistant"
        }
    }
}

/// The chat's JSON answer to the page's script: the reply and its
/// activity in words (the same shapes the page renders).
#[derive(Serialize)]
struct ScriptReply {
    conversation_id: i64,
    response: String,
    activity: Vec<Activity>,
}

#[derive(Deserialize)]
pub struct ChatQuery {
    /// The open conversation.
    c: Option<i64>,
}

#[derive(Deserialize)]
pub struct ChatForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
    conversation_id: Option<String>,
}

/// The user's zone, in which the activity tells times.
async fn zone(state: &AppState, session: &Session) -> Result<Zone, PageError> {
    Ok(Zone::named(&state.backend.settings(session).await?.timezone))
}

async fn page(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    current: Option<i64>,
) -> Result<ChatPage, PageError> {
    let (zone, conversations) = tokio::join!(zone(state, session), state.backend.conversations(session));
    let (zone, now) = (zone?, Utc::now());
    let conversations = conversations?
        .into_iter()
        .map(|c: Conversation| ConversationLink {
            current: Some(c.id) == current,
            title: c.title.unwrap_or_else(|| "New conversation".into()),
            id: c.id,
        })
        .collect();
    let messages = match current {
        Some(id) => state
            .backend
            .messages(session, id)
            .await?
            .into_iter()
            .map(|m| MessageView {
                activity: m.tool_calls.iter().flatten().map(|call| tool_activity::describe(call, zone, now)).collect(),
                role: m.role,
                content: m.content,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(ChatPage {
        layout: Layout::new(Some(session), csrf).with_timezone(zone),
        conversations,
        current,
        messages,
        draft: String::new(),
        error: None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    Query(query): Query<ChatQuery>,
) -> Result<Response, PageError> {
    render(&page(&state, &session, &csrf, query.c).await?)
}

/// Sends a message. Forms get a redirect to the conversation; the page's
/// script (asking for JSON) gets the reply to append in place.
pub async fn send(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    headers: HeaderMap,
    Form(form): Form<ChatForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let wants_json =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let conversation = form.conversation_id.as_deref().and_then(|id| id.parse::<i64>().ok());
    match state.backend.chat(&session, conversation, &form.message).await {
        Ok(reply) if wants_json => {
            let (zone, now) = (zone(&state, &session).await?, Utc::now());
            let activity = reply.tool_calls.iter().map(|call| tool_activity::describe(call, zone, now)).collect();
            let reply = ScriptReply { conversation_id: reply.conversation_id, response: reply.response, activity };
            Ok(Json(reply).into_response())
        }
        Ok(reply) => Ok(Redirect::to(&format!("/chat?c={}", reply.conversation_id)).into_response()),
        Err(BackendError::Invalid(message)) if wants_json => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(serde_json::json!({ "error": message }))).into_response())
        }
        Err(BackendError::Invalid(message)) => {
            let mut page = page(&state, &session, &csrf, conversation).await?;
            page.draft = form.message;
            page.error = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(BackendError::Unavailable | BackendError::Timeout) if wants_json => Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                serde_json::json!({ "error": "The assistant is unavailable right now. Please try again in a moment." }),
            ),
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}
