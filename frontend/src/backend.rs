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
        self.call_keyed(method, path, token, body, None).await
    }

    async fn call_keyed<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        idempotency_key: Option<&str>,
    ) -> Result<T, BackendError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(unreachable)?;
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

    pub async fn sign_up(&self, email: &str, password: &str) -> Result<Account, BackendError> {
        let body = json!({ "email": email, "password": password });
        self.call(Method::POST, "/api/auth/sign-up", None, Some(body)).await
    }

    /// Wrong credentials are an `Invalid` error with a message for the form.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Account, BackendError> {
        let body = json!({ "email": email, "password": password });
        match self.call(Method::POST, "/api/auth/sign-in", None, Some(body)).await {
            Err(BackendError::Unauthorized) => Err(BackendError::Invalid("Wrong email or password.".into())),
            other => other,
        }
    }

    pub async fn tasks(&self, session: &Session, status: &str) -> Result<Vec<Task>, BackendError> {
        let path = format!("/api/{}/tasks?status={status}", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    /// Creates a task; with `key`, at most once (the backend's Idempotency-Key).
    pub async fn create_task(
        &self,
        session: &Session,
        title: &str,
        description: &str,
        key: Option<&str>,
    ) -> Result<Task, BackendError> {
        let body = json!({ "title": title, "description": description });
        let path = format!("/api/{}/tasks", session.user_id);
        self.call_keyed(Method::POST, &path, Some(&session.token), Some(body), key).await
    }

    pub async fn update_task(
        &self,
        session: &Session,
        id: i64,
        title: &str,
        description: &str,
    ) -> Result<Task, BackendError> {
        let body = json!({ "title": title, "description": description });
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

    pub async fn conversations(&self, session: &Session) -> Result<Vec<Conversation>, BackendError> {
        let path = format!("/api/{}/conversations", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }

    pub async fn messages(&self, session: &Session, conversation_id: i64) -> Result<Vec<Message>, BackendError> {
        let path = format!("/api/{}/conversations/{conversation_id}/messages", session.user_id);
        self.call(Method::GET, &path, Some(&session.token), None).await
    }
}
