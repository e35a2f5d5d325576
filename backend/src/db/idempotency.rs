//! The first answers of requests sent with an `Idempotency-Key`, kept so
//! that a retry gets the same answer instead of doing the work again (see
//! `crate::idempotency` for the rules).

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{in_transaction, Db};

/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::from_secs(24 * 3600);

/// What [`Db::claim_key`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The key is this request's now: run it, then record or release it.
    Claimed,
    /// A request with this key has finished; its answer.
    Done { fingerprint: String, status: u16, response: String },
    /// A request with this key is still running.
    Running { fingerprint: String },
}

/// Where a write records its answer, in its own transaction.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub key: &'a str,
    pub status: u16,
}

/// Stores `response` as the answer to `record`'s key; run inside the
/// transaction that made the change, so the change and its answer commit
/// together or not at all.
pub(super) const RECORD_ANSWER: &str =
    "UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND idem_key = $2";

impl Db {
    /// Takes `key` for this request, unless an earlier request holds it.
    /// A key older than [`KEY_TTL`], or held by a request that has been
    /// running longer than `lease` (its replica died), is taken over.
    pub async fn claim_key(&self, user_id: &str, key: &str, fingerprint: &str, lease: Duration) -> sqlx::Result<Claim> {
        let now = Utc::now();
        let insert = "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at) \
                      VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, idem_key) DO NOTHING";
        let select = "SELECT fingerprint, status, response, created_at FROM idempotency_keys \
                      WHERE user_id = $1 AND idem_key = $2";
        let take_over =
            "UPDATE idempotency_keys SET fingerprint = $3, status = NULL, response = NULL, created_at = $4 \
                         WHERE user_id = $1 AND idem_key = $2";
        in_transaction!(self, tx => async {
            let inserted = sqlx::query(insert)
                .bind(user_id).bind(key).bind(fingerprint).bind(now)
                .execute(&mut *tx).await?.rows_affected();
            if inserted == 1 {
                return Ok::<_, sqlx::Error>(Claim::Claimed);
            }
            let (stored, status, response, created_at): (String, Option<i32>, Option<String>, DateTime<Utc>) =
                sqlx::query_as(select).bind(user_id).bind(key).fetch_one(&mut *tx).await?;
            let age = (now - created_at).to_std().unwrap_or_default();
            if age > KEY_TTL || (status.is_none() && age > lease) {
                sqlx::query(take_over).bind(user_id).bind(key).bind(fingerprint).bind(now).execute(&mut *tx).await?;
                return Ok(Claim::Claimed);
            }
            Ok(match (status, response) {
                (Some(status), Some(response)) => {
                    Claim::Done { fingerprint: stored, status: status as u16, response }
                }
                _ => Claim::Running { fingerprint: stored },
            })
        }.await)
    }

    /// Records the answer of a request that claimed `record.key`.
    pub async fn record_answer(&self, user_id: &str, record: Record<'_>, response: &str) -> sqlx::Result<()> {
        in_transaction!(self, tx => sqlx::query(RECORD_ANSWER)
            .bind(user_id).bind(record.key).bind(i32::from(record.status)).bind(response)
            .execute(&mut *tx).await.map(|_| ()))
    }

    /// Gives up a claimed key whose request failed, so a retry runs again.
    pub async fn release_key(&self, user_id: &str, key: &str) -> sqlx::Result<()> {
        let sql = "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL";
        in_transaction!(self, tx => sqlx::query(sql).bind(user_id).bind(key).execute(&mut *tx).await.map(|_| ()))
    }

    /// Forgets keys older than [`KEY_TTL`]; returns how many.
    pub async fn forget_expired_keys(&self) -> sqlx::Result<u64> {
        let cutoff = Utc::now() - KEY_TTL;
        let sql = "DELETE FROM idempotency_keys WHERE created_at < $1";
        in_transaction!(self, tx => sqlx::query(sql).bind(cutoff).execute(&mut *tx).await.map(|done| done.rows_affected()))
    }
}
