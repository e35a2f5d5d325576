//! Sessions that can be ended, the accounts they belong to, and the
//! shared count of failed sign-ins.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{in_transaction, with_pool, Db};

/// Moves a user's sessions (all, or all but one) to `ended_sessions`.
const END_USER_SESSIONS: &str = "INSERT INTO ended_sessions (session_id, ended_at, expires_at) \
    SELECT id, $3, expires_at FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2) \
    ON CONFLICT (session_id) DO NOTHING";
const USER_SESSIONS: &str = "SELECT id, expires_at FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2)";
const FORGET_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2)";

impl Db {
    pub async fn create_session(&self, user_id: &str, session_id: &str, expires_at: DateTime<Utc>) -> sqlx::Result<()> {
        let sql = "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        in_transaction!(self, tx => sqlx::query(sql)
            .bind(session_id).bind(user_id).bind(Utc::now()).bind(expires_at)
            .execute(&mut *tx).await.map(|_| ()))
    }

    /// Ends one session of `user_id` (sign-out).
    pub async fn end_session(&self, user_id: &str, session_id: &str) -> sqlx::Result<()> {
        let end = "INSERT INTO ended_sessions (session_id, ended_at, expires_at) \
                   SELECT id, $3, expires_at FROM sessions WHERE user_id = $1 AND id = $2 \
                   ON CONFLICT (session_id) DO NOTHING";
        let forget = "DELETE FROM sessions WHERE user_id = $1 AND id = $2";
        in_transaction!(self, tx => async {
            sqlx::query(end).bind(user_id).bind(session_id).bind(Utc::now()).execute(&mut *tx).await?;
            sqlx::query(forget).bind(user_id).bind(session_id).execute(&mut *tx).await?;
            Ok::<_, sqlx::Error>(())
        }.await)
    }

    /// Sets a new password hash and ends every session but `keep`; returns
    /// the ended sessions with their expiry.
    pub async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> sqlx::Result<Vec<(String, DateTime<Utc>)>> {
        let update = "UPDATE users SET password_hash = $2 WHERE id = $1";
        in_transaction!(self, tx => async {
            sqlx::query(update).bind(user_id).bind(password_hash).execute(&mut *tx).await?;
            let ended = sqlx::query_as(USER_SESSIONS).bind(user_id).bind(keep).fetch_all(&mut *tx).await?;
            sqlx::query(END_USER_SESSIONS).bind(user_id).bind(keep).bind(Utc::now()).execute(&mut *tx).await?;
            sqlx::query(FORGET_USER_SESSIONS).bind(user_id).bind(keep).execute(&mut *tx).await?;
            Ok::<_, sqlx::Error>(ended)
        }.await)
    }

    /// Ends every session of the user and deletes the account with all its
    /// data (tasks, conversations, tokens, settings: by cascade); returns
    /// the ended sessions with their expiry.
    pub async fn delete_user(&self, user_id: &str, email: &str) -> sqlx::Result<Vec<(String, DateTime<Utc>)>> {
        in_transaction!(self, tx => async {
            let ended = sqlx::query_as(USER_SESSIONS).bind(user_id).bind(None::<&str>).fetch_all(&mut *tx).await?;
            sqlx::query(END_USER_SESSIONS).bind(user_id).bind(None::<&str>).bind(Utc::now()).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sign_in_failures WHERE email = $1").bind(email).execute(&mut *tx).await?;
            Ok::<_, sqlx::Error>(ended)
        }.await)
    }

    /// Sessions ended after `since` whose tokens are still unexpired.
    pub async fn ended_sessions_since(&self, since: DateTime<Utc>) -> sqlx::Result<Vec<(String, DateTime<Utc>)>> {
        let sql = "SELECT session_id, expires_at FROM ended_sessions WHERE ended_at > $1 AND expires_at > $2";
        with_pool!(self, pool => sqlx::query_as(sql).bind(since).bind(Utc::now()).fetch_all(pool).await)
    }

    /// Forgets sessions (ended or not) whose tokens have expired; returns how many.
    pub async fn forget_expired_sessions(&self) -> sqlx::Result<u64> {
        let now = Utc::now();
        in_transaction!(self, tx => async {
            let ended = sqlx::query("DELETE FROM ended_sessions WHERE expires_at < $1").bind(now).execute(&mut *tx).await?;
            let open = sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *tx).await?;
            Ok::<_, sqlx::Error>(ended.rows_affected() + open.rows_affected())
        }.await)
    }

    /// Failed sign-ins for `email` within the window that started at or
    /// after `window_start`.
    pub async fn sign_in_failures(
        &self,
        email: &str,
        window_start: DateTime<Utc>,
    ) -> sqlx::Result<(u32, DateTime<Utc>)> {
        let sql =
            "SELECT failures, window_started_at FROM sign_in_failures WHERE email = $1 AND window_started_at >= $2";
        let found: Option<(i32, DateTime<Utc>)> =
            with_pool!(self, pool => sqlx::query_as(sql).bind(email).bind(window_start).fetch_optional(pool).await)?;
        Ok(found.map(|(failures, started)| (failures.max(0) as u32, started)).unwrap_or((0, Utc::now())))
    }

    /// Counts a failed sign-in for `email`, in a window of `window`.
    pub async fn record_sign_in_failure(&self, email: &str, window: Duration) -> sqlx::Result<()> {
        let now = Utc::now();
        let window_start = now - window;
        let sql = "INSERT INTO sign_in_failures (email, failures, window_started_at) VALUES ($1, 1, $2) \
                   ON CONFLICT (email) DO UPDATE SET \
                   failures = CASE WHEN sign_in_failures.window_started_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END, \
                   window_started_at = CASE WHEN sign_in_failures.window_started_at < $3 THEN $2 ELSE sign_in_failures.window_started_at END";
        in_transaction!(self, tx => sqlx::query(sql)
            .bind(email).bind(now).bind(window_start)
            .execute(&mut *tx).await.map(|_| ()))
    }

    pub async fn clear_sign_in_failures(&self, email: &str) -> sqlx::Result<()> {
        let sql = "DELETE FROM sign_in_failures WHERE email = $1";
        in_transaction!(self, tx => sqlx::query(sql).bind(email).execute(&mut *tx).await.map(|_| ()))
    }
}
