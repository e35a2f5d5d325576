//! The lease that runs a conversation's turns one after another, on any
//! replica, and the assistant's state that a turn reads and leaves behind.
//!
//! A lease, not a lock: no transaction stays open while a turn waits on a
//! language model. A turn that dies holding it only delays the next one
//! until the lease runs out.

use chrono::Utc;

use super::{in_transaction, with_pool, Db, NewMessage};

/// What trying to start a turn found.
#[derive(Debug, PartialEq)]
pub enum TurnClaim {
    /// The turn holds the conversation; here is the state the last turn left.
    Held { agent_state: Option<String> },
    /// Another turn holds it.
    Busy,
    /// The user has no such conversation (any more).
    Gone,
}

impl Db {
    /// Takes the conversation for the turn `holder` until `until_ms` (Unix
    /// milliseconds), unless another turn holds an unexpired lease.
    pub async fn claim_turn(&self, user_id: &str, id: i64, holder: &str, until_ms: i64) -> sqlx::Result<TurnClaim> {
        let claim = "UPDATE conversations SET turn_holder = $3, turn_until = $4 \
                     WHERE user_id = $1 AND id = $2 AND (turn_until IS NULL OR turn_until < $5) \
                     RETURNING agent_state";
        let exists = "SELECT 1 FROM conversations WHERE user_id = $1 AND id = $2";
        let now_ms = Utc::now().timestamp_millis();
        in_transaction!(self, tx => async {
            let claimed: Option<Option<String>> = sqlx::query_scalar(claim)
                .bind(user_id).bind(id).bind(holder).bind(until_ms).bind(now_ms)
                .fetch_optional(&mut *tx).await?;
            if let Some(agent_state) = claimed {
                return Ok::<_, sqlx::Error>(TurnClaim::Held { agent_state });
            }
            let found: Option<i32> = sqlx::query_scalar(exists).bind(user_id).bind(id).fetch_optional(&mut *tx).await?;
            Ok(if found.is_some() { TurnClaim::Busy } else { TurnClaim::Gone })
        }.await)
    }

    /// Stores the turn's reply and the assistant's new state, and lets the
    /// next turn in, all at once; false when the conversation was deleted
    /// meanwhile.
    pub async fn finish_turn(
        &self,
        user_id: &str,
        id: i64,
        holder: &str,
        reply: NewMessage<'_>,
        agent_state: Option<&str>,
    ) -> sqlx::Result<bool> {
        let now = Utc::now();
        let insert = "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) \
                      VALUES ($1, $2, $3, $4, $5, $6)";
        // A turn that outlived its lease leaves the state of the turn after it alone.
        let finish = "UPDATE conversations SET updated_at = $3, \
                          agent_state = CASE WHEN turn_holder = $5 THEN $4 ELSE agent_state END, \
                          turn_holder = CASE WHEN turn_holder = $5 THEN NULL ELSE turn_holder END, \
                          turn_until = CASE WHEN turn_holder = $5 THEN NULL ELSE turn_until END \
                      WHERE user_id = $1 AND id = $2";
        in_transaction!(self, tx => async {
            let finished = sqlx::query(finish).bind(user_id).bind(id).bind(now).bind(agent_state).bind(holder)
                .execute(&mut *tx).await?;
            if finished.rows_affected() == 0 {
                return Ok::<_, sqlx::Error>(false);
            }
            sqlx::query(insert)
                .bind(user_id).bind(id).bind(reply.role).bind(reply.content).bind(&reply.tool_calls).bind(now)
                .execute(&mut *tx).await?;
            Ok(true)
        }.await)
    }

    /// Lets the next turn in after a turn that failed.
    pub async fn release_turn(&self, user_id: &str, id: i64, holder: &str) -> sqlx::Result<()> {
        let release = "UPDATE conversations SET turn_holder = NULL, turn_until = NULL \
                       WHERE user_id = $1 AND id = $2 AND turn_holder = $3";
        with_pool!(self, pool => sqlx::query(release).bind(user_id).bind(id).bind(holder).execute(pool).await.map(|_| ()))
    }
}
