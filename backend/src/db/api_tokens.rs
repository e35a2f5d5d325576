//! Personal API tokens: stored as hashes, looked up by hash.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{in_transaction, rfc3339, with_pool, Db};

/// A token as its owner sees it later: never the secret.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    /// Updated at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The owner of a token, found by its hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenOwner {
    pub token_id: String,
    pub user_id: String,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Stores a new token unless the user already has `limit` of them
    /// (then `None`).
    pub async fn create_api_token(
        &self,
        user_id: &str,
        name: &str,
        token_hash: &str,
        limit: u32,
    ) -> sqlx::Result<Option<ApiToken>> {
        let id = uuid::Uuid::new_v4().to_string();
        let count = "SELECT count(*) FROM api_tokens WHERE user_id = $1";
        let insert = "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
                      RETURNING id, name, created_at, last_used_at";
        in_transaction!(self, tx => async {
            let existing: i64 = sqlx::query_scalar(count).bind(user_id).fetch_one(&mut *tx).await?;
            if existing >= i64::from(limit) {
                return Ok::<_, sqlx::Error>(None);
            }
            let token = sqlx::query_as(insert)
                .bind(&id).bind(user_id).bind(name).bind(token_hash).bind(Utc::now())
                .fetch_one(&mut *tx).await?;
            Ok(Some(token))
        }.await)
    }

    /// Oldest first.
    pub async fn list_api_tokens(&self, user_id: &str) -> sqlx::Result<Vec<ApiToken>> {
        let sql =
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id";
        with_pool!(self, pool => sqlx::query_as(sql).bind(user_id).fetch_all(pool).await)
    }

    /// Deletes the token; false when the user has no such token.
    pub async fn revoke_api_token(&self, user_id: &str, id: &str) -> sqlx::Result<bool> {
        let sql = "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2";
        in_transaction!(self, tx => sqlx::query(sql).bind(id).bind(user_id).execute(&mut *tx).await
            .map(|done| done.rows_affected() == 1))
    }

    pub async fn api_token_owner(&self, token_hash: &str) -> sqlx::Result<Option<TokenOwner>> {
        let sql = "SELECT id AS token_id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1";
        with_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).fetch_optional(pool).await)
    }

    pub async fn touch_api_token(&self, token_id: &str, at: DateTime<Utc>) -> sqlx::Result<()> {
        let sql = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
        in_transaction!(self, tx => sqlx::query(sql).bind(token_id).bind(at).execute(&mut *tx).await.map(|_| ()))
    }
}
