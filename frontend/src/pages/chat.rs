use askama::Template;
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form, Json,
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    chat_stream::{self, ScriptReply},
    render,
    tool_activity::{self, Activity},
    Layout,
};
use crate::{
    app::AppState,
    backend::{BackendError, ChatReply, Conversation, Session},
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

/// A turn's answer from the backend, as the client asked for it.
enum Answer {
    Stream(reqwest::Response),
    Whole(ChatReply),
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
/// script gets the reply to append in place: streamed as it is produced
/// (asking for `text/event-stream`), or whole (asking for JSON).
pub async fn send(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    headers: HeaderMap,
    Form(form): Form<ChatForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let accepts =
        |kind: &str| headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(kind));
    let wants_stream = accepts("text/event-stream");
    let wants_json = wants_stream || accepts("application/json");
    let conversation = form.conversation_id.as_deref().and_then(|id| id.parse::<i64>().ok());
    let answer = match wants_stream {
        true => state.backend.chat_stream(&session, conversation, &form.message).await.map(Answer::Stream),
        false => state.backend.chat(&session, conversation, &form.message).await.map(Answer::Whole),
    };
    match answer {
        Ok(Answer::Stream(stream)) => Ok(chat_stream::relay(stream, zone(&state, &session).await?).into_response()),
        Ok(Answer::Whole(reply)) if wants_json => {
            Ok(Json(ScriptReply::of(reply, zone(&state, &session).await?)).into_response())
        }
        Ok(Answer::Whole(reply)) => Ok(Redirect::to(&format!("/chat?c={}", reply.conversation_id)).into_response()),
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
