use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{in_transaction, rfc3339, with_pool, Db};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Conversation {
    pub id: i64,
    pub user_id: String,
    /// The first thing the user said, for conversation lists.
    pub title: Option<String>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Selects conversations with their title (the first user message, shortened).
const CONVERSATION_COLUMNS: &str = "c.id, c.user_id, c.created_at, c.updated_at, \
    (SELECT substr(m.content, 1, 80) FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.id LIMIT 1) AS title";

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Message {
    pub id: i64,
    pub user_id: String,
    pub conversation_id: i64,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// For an assistant turn: a JSON array of `{tool, arguments, result}`.
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub tool_calls: Option<String>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
}

/// Stored as text in both stores; served as the JSON it contains.
fn as_json<S: serde::Serializer>(raw: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    let value = raw.as_deref().and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
    serde::Serialize::serialize(&value, serializer)
}

pub struct NewMessage<'a> {
    pub role: &'a str,
    pub content: &'a str,
    pub tool_calls: Option<String>,
}

impl Db {
    pub async fn create_conversation(&self, user_id: &str) -> sqlx::Result<Conversation> {
        let sql = "INSERT INTO conversations (user_id, created_at, updated_at) VALUES ($1, $2, $2) \
                   RETURNING id, user_id, created_at, updated_at, NULL AS title";
        in_transaction!(self, tx => sqlx::query_as(sql).bind(user_id).bind(Utc::now()).fetch_one(&mut *tx).await)
    }

    pub async fn get_conversation(&self, user_id: &str, id: i64) -> sqlx::Result<Option<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = $1 AND c.user_id = $2");
        with_pool!(self, pool => sqlx::query_as(&sql).bind(id).bind(user_id).fetch_optional(pool).await)
    }

    /// Newest activity first.
    pub async fn list_conversations(&self, user_id: &str) -> sqlx::Result<Vec<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.user_id = $1 ORDER BY c.updated_at DESC, c.id DESC");
        with_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)
    }

    /// Oldest first, the order a model reads them in.
    pub async fn list_messages(&self, user_id: &str, conversation_id: i64) -> sqlx::Result<Vec<Message>> {
        let sql = "SELECT * FROM messages WHERE conversation_id = $1 AND user_id = $2 ORDER BY id";
        with_pool!(self, pool => sqlx::query_as(sql).bind(conversation_id).bind(user_id).fetch_all(pool).await)
    }

    /// Appends a message and marks the conversation as recently active.
    pub async fn add_message(
        &self,
        user_id: &str,
        conversation_id: i64,
        message: NewMessage<'_>,
    ) -> sqlx::Result<Message> {
        let now = Utc::now();
        let insert = "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) \
                      VALUES ($1, $2, $3, $4, $5, $6) RETURNING *";
        let touch = "UPDATE conversations SET updated_at = $1 WHERE id = $2 AND user_id = $3";
        in_transaction!(self, tx => async {
            let stored = sqlx::query_as(insert)
                .bind(user_id).bind(conversation_id).bind(message.role).bind(message.content)
                .bind(&message.tool_calls).bind(now)
                .fetch_one(&mut *tx).await?;
            sqlx::query(touch).bind(now).bind(conversation_id).bind(user_id).execute(&mut *tx).await?;
            Ok::<_, sqlx::Error>(stored)
        }.await)
    }
}
