//! The first answers of requests sent with an `Idempotency-Key`, kept so
//! that a retry gets the same answer instead of doing the work again (see
//! `crate::idempotency` for the rules).

use std::time::Duration;

use chrono::Utc;

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

/// A request's key, its fingerprint (the hash of the request) and how long
/// a running request may hold the key before a retry takes it over.
#[derive(Debug, Clone, Copy)]
pub struct Keyed<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub lease: Duration,
    /// The status of this request's answer when it succeeds.
    pub status: u16,
}

/// What a create did: made at most once per key, and only below the
/// user's limit.
#[derive(Debug, Clone, PartialEq)]
pub enum Created<T> {
    /// Done now, with its answer (if keyed) recorded in the same transaction.
    Done(T),
    /// An earlier request holds the key: nothing was done.
    Earlier(Claim),
    /// The user already has as many as the limit allows: nothing was done.
    AtLimit,
}

/// Gives back a key claimed in a transaction that then did nothing.
pub(super) const UNCLAIM: &str = "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL";

/// Takes `$keyed`'s key for `$user_id` inside transaction `$tx`, unless an
/// earlier request holds it: a key older than [`KEY_TTL`], or held by a
/// request that has been running longer than its lease (its replica died),
/// is taken over. On PostgreSQL a concurrent claim of the same key waits
/// for this transaction to end; SQLite runs one write transaction at a time.
macro_rules! claim_key_in {
    ($tx:ident, $user_id:expr, $keyed:expr) => {
        async {
            let (user_id, keyed, now): (&str, $crate::db::Keyed, _) = ($user_id, $keyed, chrono::Utc::now());
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, idem_key) DO NOTHING",
            )
            .bind(user_id)
            .bind(keyed.key)
            .bind(keyed.fingerprint)
            .bind(now)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                return Ok::<_, sqlx::Error>($crate::db::Claim::Claimed);
            }
            let (stored, status, response, created_at): (
                String,
                Option<i32>,
                Option<String>,
                chrono::DateTime<chrono::Utc>,
            ) = sqlx::query_as(
                "SELECT fingerprint, status, response, created_at FROM idempotency_keys \
                     WHERE user_id = $1 AND idem_key = $2",
            )
            .bind(user_id)
            .bind(keyed.key)
            .fetch_one(&mut *$tx)
            .await?;
            let age = (now - created_at).to_std().unwrap_or_default();
            if age > $crate::db::KEY_TTL || (status.is_none() && age > keyed.lease) {
                sqlx::query(
                    "UPDATE idempotency_keys SET fingerprint = $3, status = NULL, response = NULL, created_at = $4 \
                     WHERE user_id = $1 AND idem_key = $2",
                )
                .bind(user_id)
                .bind(keyed.key)
                .bind(keyed.fingerprint)
                .bind(now)
                .execute(&mut *$tx)
                .await?;
                return Ok($crate::db::Claim::Claimed);
            }
            Ok(match (status, response) {
                (Some(status), Some(response)) => {
                    $crate::db::Claim::Done { fingerprint: stored, status: status as u16, response }
                }
                _ => $crate::db::Claim::Running { fingerprint: stored },
            })
        }
    };
}
pub(super) use claim_key_in;

/// Stores the answer to a claimed key; run inside the transaction that made
/// the change, the change and its answer commit together or not at all.
pub(super) const RECORD_ANSWER: &str =
    "UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND idem_key = $2";

impl Db {
    /// Takes the key for a request that spans several transactions (a chat
    /// turn); it then records its answer or releases the key.
    pub async fn claim_key(&self, user_id: &str, keyed: Keyed<'_>) -> sqlx::Result<Claim> {
        in_transaction!(self, tx => claim_key_in!(tx, user_id, keyed).await)
    }

    /// Records the answer of a request that claimed `key`.
    pub async fn record_answer(&self, user_id: &str, key: &str, status: u16, response: &str) -> sqlx::Result<()> {
        in_transaction!(self, tx => sqlx::query(RECORD_ANSWER)
            .bind(user_id).bind(key).bind(i32::from(status)).bind(response)
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
