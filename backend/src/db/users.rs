use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{in_transaction, rfc3339, with_pool, Db};

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct User {
    /// UUID of the user.
    pub id: String,
    pub email: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub password_hash: String,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
}

impl Db {
    /// Inserts a user; a taken email surfaces as a unique violation.
    pub async fn create_user(&self, email: &str, password_hash: &str) -> sqlx::Result<User> {
        let id = uuid::Uuid::new_v4().to_string();
        let sql = "INSERT INTO users (id, email, password_hash, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING *";
        in_transaction!(self, tx => sqlx::query_as(sql)
            .bind(&id).bind(email).bind(password_hash).bind(Utc::now())
            .fetch_one(&mut *tx).await)
    }

    pub async fn user_by_id(&self, id: &str) -> sqlx::Result<Option<User>> {
        let sql = "SELECT * FROM users WHERE id = $1";
        with_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)
    }

    pub async fn user_by_email(&self, email: &str) -> sqlx::Result<Option<User>> {
        let sql = "SELECT * FROM users WHERE email = $1";
        with_pool!(self, pool => sqlx::query_as(sql).bind(email).fetch_optional(pool).await)
    }
}
