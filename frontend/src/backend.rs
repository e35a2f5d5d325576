//! The backend's REST API, called server-side.

use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("the service is unreachable")]
    Unavailable,
    #[error("the service took too long to answer")]
    Timeout,
    #[error("your session has expired")]
    Unauthorized,
    #[error("{0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    #[error("unexpected answer from the service: {0}")]
    Unexpected(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub due_at: Option<String>,
    pub remind_at: Option<String>,
    pub reminded_at: Option<String>,
    pub recurrence: Option<String>,
}

/// One page of a task list: the tasks, how many match in all, and the
/// cursor of the next page when there is one.
#[derive(Debug, Clone, Default)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

/// The editable fields of a task, as sent on create (absent = default) and
/// update (`null` clears).
#[derive(Debug, Clone, Serialize)]
pub struct TaskFields {
    pub title: String,
    pub description: String,
    pub priority: String,
    pub tags: Vec<String>,
    /// Absent: unchanged (update) or none (create); `Some(None)`: cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remind_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Option<String>>,
}

/// The cursor of the `rel="next"` link of a `Link` header (RFC 8288).
fn next_cursor(link: &str) -> Option<String> {
    link.split(',').find(|part| part.contains("rel=\"next\"")).and_then(|part| {
        let target = part.split_once('<')?.1.split_once('>')?.0;
        let query = target.split_once('?')?.1;
        serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .ok()?
            .into_iter()
            .find_map(|(name, value)| (name == "cursor").then_some(value))
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub token: String,
    pub user: AccountUser,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountUser {
    pub id: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub id: i64,
    pub title: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ToolCall {
    pub tool: String,
    pub arguments: Value,
    pub result: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
    pub tool_calls: Option<Vec<ToolCall>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ChatReply {
    pub conversation_id: i64,
    pub response: String,
    pub tool_calls: Vec<ToolCall>,
}

/// A personal API token as the settings page lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub token: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub timezone: String,
}

/// Credentials of the signed-in user, as kept in the session cookie.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub user_id: String,
    pub email: String,
    pub token: String,
}

fn unreachable(error: reqwest::Error) -> BackendError {
    if error.is_timeout() {
        tracing::warn!("backend call timed out");
        BackendError::Timeout
    } else {
        tracing::warn!(error = %error.without_url(), "backend unreachable");
        BackendError::Unavailable
    }
}

/// The `X-Forwarded-For` chain to send on: what the request brought, plus
/// the address that connected to us.
#[derive(Debug, Clone)]
pub struct ClientChain(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientChain {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
        let earlier = parts.headers.get("x-forwarded-for").and_then(|value| value.to_str().ok());
        let chain = match (earlier, peer) {
            (Some(earlier), Some(peer)) => format!("{earlier}, {peer}"),
            (Some(earlier), None) => earlier.to_string(),
            (None, Some(peer)) => peer.to_string(),
            (None, None) => String::new(),
        };
        Ok(ClientChain(chain))
    }
}

#[derive(Clone)]
pub struct Backend {
    http: reqwest::Client,
    base: String,
}

impl Backend {
    pub fn new(http: reqwest::Client, base: String) -> Self {
        Self { http, base }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<T, BackendError> {
        self.send(method, path, token, body, &[]).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Result<T, BackendError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(unreachable)?;
        Self::read(response).await
    }

    /// The answer's JSON, or the error it stands for.
    async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, BackendError> {
        let status = response.status();
        if status.is_success() {
            let bytes = response.bytes().await.map_err(unreachable)?;
            // 204 answers carry no body; read them as JSON null.
            let bytes = if bytes.is_empty() { "null".into() } else { bytes };
            return serde_json::from_slice(&bytes).map_err(|e| BackendError::Unexpected(e.to_string()));
        }
        let message = response
            .json::<Value>()
            .await
            .ok()
            .and_then(|body| body["message"].as_str().map(str::to_string))
            .unwrap_or_else(|| status.to_string());
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => BackendError::Unauthorized,
            StatusCode::NOT_FOUND => BackendError::NotFound,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => {
                BackendError::Unavailable
            }
            status if status.is_client_error() => BackendError::Invalid(message),
            _ => BackendError::Unexpected(message),
        })
    }

    /// Sign-up and sign-in pass the browser's address on (`forwarded_for`,
    /// see [`ClientChain`]): the backend limits attempts per address.
    pub async fn sign_up(&self, email: &str, password: &str, client: &ClientChain) -> Result<Account, BackendError> {
        let body = json!({ "email": email, "password": password });
        self.send(Method::POST, "/api/auth/sign-up", None, Some(body), &[("x-forwarded-for", &client.0)]).await
    }

    /// Wrong credentials are an `Invalid` error with a message for the form.
    pub async fn sign_in(&self, email: &str, password: &str, client: &ClientChain) -> Result<Account, BackendError> {
        let body = json!({ "email": email, "password": password });
        let forwarded = [("x-forwarded-for", client.0.as_str())];
        match self.send(Method::POST, "/api/auth/sign-in", None, Some(body), &forwarded).await {
            Err(BackendError::Unauthorized) => Err(BackendError::Invalid("Wrong email or password.".into())),
            other => other,
        }
    }

    /// Ends the session's token at the backend.
    pub async fn sign_out(&self, session: &Session) -> Result<(), BackendError> {
        match self.call::<Value>(Method::POST, "/api/auth/sign-out", Some(&session.token), None).await {
            Ok(_) | Err(BackendError::Unauthorized) => Ok(()),
            Err(other) => Err(other),
        }
    }

    pub async fn settings(&self, session: &Session) -> Result<Settings, BackendError> {
        let path = format!("/api/{}/settings", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    pub async fn set_timezone(&self, session: &Session, timezone: &str) -> Result<Settings, BackendError> {
        let path = format!("/api/{}/settings", session.user_id);
        self.call(Method::PUT, &path, Some(&session.token), Some(json!({ "timezone": timezone }))).await
    }

    pub async fn change_password(&self, session: &Session, current: &str, new: &str) -> Result<(), BackendError> {
        let path = format!("/api/{}/password", session.user_id);
        let body = json!({ "current_password": current, "new_password": new });
        self.call::<Value>(Method::PUT, &path, Some(&session.token), Some(body)).await.map(|_| ())
    }

    pub async fn delete_account(&self, session: &Session, password: &str) -> Result<(), BackendError> {
        let path = format!("/api/{}", session.user_id);
        let body = json!({ "password": password });
        self.call::<Value>(Method::DELETE, &path, Some(&session.token), Some(body)).await.map(|_| ())
    }

    pub async fn api_tokens(&self, session: &Session) -> Result<Vec<ApiToken>, BackendError> {
        let path = format!("/api/{}/tokens", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    pub async fn create_api_token(&self, session: &Session, name: &str) -> Result<CreatedToken, BackendError> {
        let path = format!("/api/{}/tokens", session.user_id);
        self.call(Method::POST, &path, Some(&session.token), Some(json!({ "name": name }))).await
    }

    pub async fn revoke_api_token(&self, session: &Session, id: &str) -> Result<(), BackendError> {
        let path = format!("/api/{}/tokens/{id}", session.user_id);
        self.call::<Value>(Method::DELETE, &path, Some(&session.token), None).await.map(|_| ())
    }

    /// A page of the list; `query` holds the list's parameters, already
    /// URL-encoded (`status=pending&sort=due&limit=20`).
    pub async fn tasks(&self, session: &Session, query: &str) -> Result<TaskPage, BackendError> {
        let url = format!("{}/api/{}/tasks?{query}", self.base, session.user_id);
        let response = self.http.get(url).bearer_auth(&session.token).send().await.map_err(unreachable)?;
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let total = header("x-total-count").and_then(|count| count.parse().ok());
        let next_cursor = header("link").as_deref().and_then(next_cursor);
        let tasks: Vec<Task> = Self::read(response).await?;
        Ok(TaskPage { total: total.unwrap_or(tasks.len() as i64), tasks, next_cursor })
    }

    pub async fn task(&self, session: &Session, id: i64) -> Result<Task, BackendError> {
        let path = format!("/api/{}/tasks/{id}", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    /// Creates a task; with `key`, at most once (the backend's Idempotency-Key).
    pub async fn create_task(
        &self,
        session: &Session,
        fields: &TaskFields,
        key: Option<&str>,
    ) -> Result<Task, BackendError> {
        let body = serde_json::to_value(fields).map_err(|e| BackendError::Unexpected(e.to_string()))?;
        let path = format!("/api/{}/tasks", session.user_id);
        let headers: Vec<(&str, &str)> = key.map(|key| ("idempotency-key", key)).into_iter().collect();
        self.send(Method::POST, &path, Some(&session.token), Some(body), &headers).await
    }

    pub async fn update_task(&self, session: &Session, id: i64, fields: &TaskFields) -> Result<Task, BackendError> {
        let body = serde_json::to_value(fields).map_err(|e| BackendError::Unexpected(e.to_string()))?;
        let path = format!("/api/{}/tasks/{id}", session.user_id);
        self.call(Method::PUT, &path, Some(&session.token), Some(body)).await
    }

    pub async fn toggle_task(&self, session: &Session, id: i64) -> Result<Task, BackendError> {
        let path = format!("/api/{}/tasks/{id}/complete", session.user_id);
        self.call(Method::PATCH, &path, Some(&session.token), None).await
    }

    pub async fn delete_task(&self, session: &Session, id: i64) -> Result<(), BackendError> {
        let path = format!("/api/{}/tasks/{id}", session.user_id);
        self.call::<Value>(Method::DELETE, &path, Some(&session.token), None).await.map(|_| ())
    }

    pub async fn chat(
        &self,
        session: &Session,
        conversation_id: Option<i64>,
        message: &str,
    ) -> Result<ChatReply, BackendError> {
        let body = json!({ "conversation_id": conversation_id, "message": message });
        self.call(Method::POST, &format!("/api/{}/chat", session.user_id), Some(&session.token), Some(body)).await
    }

    /// The same turn as [`Backend::chat`], as the backend streams it
    /// (Server-Sent Events); an answer other than a stream is its error.
    pub async fn chat_stream(
        &self,
        session: &Session,
        conversation_id: Option<i64>,
        message: &str,
    ) -> Result<reqwest::Response, BackendError> {
        let body = json!({ "conversation_id": conversation_id, "message": message });
        let response = self
            .http
            .post(format!("{}/api/{}/chat", self.base, session.user_id))
            .bearer_auth(&session.token)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(Self::read::<Value>(response).await.err().unwrap_or(BackendError::Unavailable));
        }
        Ok(response)
    }

    pub async fn conversations(&self, session: &Session) -> Result<Vec<Conversation>, BackendError> {
        let path = format!("/api/{}/conversations", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    pub async fn messages(&self, session: &Session, conversation_id: i64) -> Result<Vec<Message>, BackendError> {
        let path = format!("/api/{}/conversations/{conversation_id}/messages", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }
}

#[cfg(test)]
mod tests {
    use super::next_cursor;

    #[test]
    fn the_next_cursor_comes_from_the_link_header() {
        let link = "</api/u1/tasks?status=pending&limit=20&cursor=eyJh%3D%3D>; rel=\"next\"";
        assert_eq!(next_cursor(link).as_deref(), Some("eyJh=="));
        assert_eq!(next_cursor("</api/u1/tasks?cursor=x>; rel=\"prev\""), None);
        assert_eq!(next_cursor(""), None);
    }
}
