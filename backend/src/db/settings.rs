//! A user's settings: for now, the time zone "today" and "tomorrow 9am"
//! are read in.

use chrono::Utc;

use super::{in_transaction, with_pool, Db};

impl Db {
    /// The user's time zone name, if they set one.
    pub async fn timezone(&self, user_id: &str) -> sqlx::Result<Option<String>> {
        let sql = "SELECT timezone FROM user_settings WHERE user_id = $1";
        with_pool!(self, pool => sqlx::query_scalar(sql).bind(user_id).fetch_optional(pool).await)
    }

    pub async fn set_timezone(&self, user_id: &str, timezone: &str) -> sqlx::Result<()> {
        let sql = "INSERT INTO user_settings (user_id, timezone, updated_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at";
        in_transaction!(self, tx => sqlx::query(sql)
            .bind(user_id).bind(timezone).bind(Utc::now())
            .execute(&mut *tx).await.map(|_| ()))
    }
}
