use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{in_transaction, rfc3339, with_pool, Db};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Conversation {
    /// Numbered per user, like tasks.
    pub id: i64,
    pub user_id: String,
    /// The name the user gave it, else the first thing they said.
    pub title: Option<String>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// Selects conversations with their title (given, or the first user
/// message, shortened).
const CONVERSATION_COLUMNS: &str = "c.id, c.user_id, c.created_at, c.updated_at, \
    COALESCE(c.title, (SELECT substr(m.content, 1, 80) FROM messages m \
        WHERE m.user_id = c.user_id AND m.conversation_id = c.id AND m.role = 'user' ORDER BY m.id LIMIT 1)) AS title";

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
    /// Starts a conversation with the user's next conversation number (taken
    /// under the user's row lock, like task numbers).
    pub async fn create_conversation(&self, user_id: &str) -> sqlx::Result<Conversation> {
        let take = "UPDATE users SET next_conversation_id = next_conversation_id + 1 WHERE id = $1 \
                    RETURNING next_conversation_id - 1";
        let insert = "INSERT INTO conversations (user_id, id, created_at, updated_at) VALUES ($1, $2, $3, $3) \
                      RETURNING id, user_id, created_at, updated_at, title";
        in_transaction!(self, tx => async {
            let id: i64 = sqlx::query_scalar(take).bind(user_id).fetch_one(&mut *tx).await?;
            sqlx::query_as(insert).bind(user_id).bind(id).bind(Utc::now()).fetch_one(&mut *tx).await
        }.await)
    }

    /// Renames a conversation; `None` when the user has no such conversation.
    pub async fn rename_conversation(&self, user_id: &str, id: i64, title: &str) -> sqlx::Result<Option<Conversation>> {
        let rename = "UPDATE conversations SET title = $3 WHERE user_id = $1 AND id = $2";
        let read = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.user_id = $1 AND c.id = $2");
        in_transaction!(self, tx => async {
            let renamed = sqlx::query(rename).bind(user_id).bind(id).bind(title).execute(&mut *tx).await?;
            if renamed.rows_affected() == 0 {
                return Ok::<_, sqlx::Error>(None);
            }
            sqlx::query_as(&read).bind(user_id).bind(id).fetch_optional(&mut *tx).await
        }.await)
    }

    /// Deletes a conversation and its messages; false when there was none.
    pub async fn delete_conversation(&self, user_id: &str, id: i64) -> sqlx::Result<bool> {
        let sql = "DELETE FROM conversations WHERE user_id = $1 AND id = $2";
        in_transaction!(self, tx => sqlx::query(sql).bind(user_id).bind(id).execute(&mut *tx).await
            .map(|done| done.rows_affected() == 1))
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
