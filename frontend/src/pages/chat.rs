use askama::Template;
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Form, Json,
};
use serde::Deserialize;
use serde_json::Value;

use super::{render, Layout};
use crate::{
    app::AppState,
    backend::{BackendError, Conversation, Session, ToolCall},
    error::PageError,
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
    pub tools: Vec<ToolView>,
}

/// One tool call in words: `add_task` · title: Buy milk → created.
pub struct ToolView {
    pub tool: String,
    pub arguments: String,
    pub outcome: String,
}

impl From<&ToolCall> for ToolView {
    fn from(call: &ToolCall) -> Self {
        let arguments = match &call.arguments {
            Value::Object(map) => map.iter().map(|(k, v)| format!("{k}: {}", plain(v))).collect::<Vec<_>>().join(", "),
            other => plain(other),
        };
        let outcome = match &call.result {
            Value::Array(items) => format!("{} task(s)", items.len()),
            Value::Object(map) if map.contains_key("error") => format!("error: {}", plain(&map["error"])),
            Value::Object(map) => map.get("status").map(plain).unwrap_or_else(|| "done".into()),
            other => plain(other),
        };
        ToolView { tool: call.tool.clone(), arguments, outcome }
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
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

async fn page(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    current: Option<i64>,
) -> Result<ChatPage, PageError> {
    let conversations = state
        .backend
        .conversations(session)
        .await?
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
                tools: m.tool_calls.iter().flatten().map(ToolView::from).collect(),
                role: m.role,
                content: m.content,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(ChatPage {
        layout: Layout::new(Some(session), csrf),
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
            let tools: Vec<Value> = reply
                .tool_calls
                .iter()
                .map(ToolView::from)
                .map(|t| serde_json::json!({ "tool": t.tool, "arguments": t.arguments, "outcome": t.outcome }))
                .collect();
            Ok(Json(serde_json::json!({ "conversation_id": reply.conversation_id, "response": reply.response, "tools": tools }))
                .into_response())
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
