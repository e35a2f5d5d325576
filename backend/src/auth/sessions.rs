//! Ended sessions, known to every replica without a database round trip per
//! request: each replica keeps the list of ended, unexpired sessions in
//! memory and refreshes it from the database every [`REFRESH_EVERY`], so a
//! sign-out, a password change or an account deletion takes effect at once
//! on the replica that handled it and within a few seconds on the others.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, RwLock,
    },
    time::Duration,
};

use chrono::{DateTime, Utc};

use crate::db::Db;

/// How often each replica reads newly ended sessions.
pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Each refresh looks back this far beyond the previous one, so a session
/// ended by a slow transaction, or on a replica whose clock is behind, is
/// not missed.
const LOOK_BACK: Duration = Duration::from_secs(60);

#[derive(Clone, Default)]
pub struct EndedSessions(Arc<Inner>);

#[derive(Default)]
struct Inner {
    /// Session id → when its tokens expire anyway.
    ended: RwLock<HashMap<String, DateTime<Utc>>>,
    /// Set once the whole list has been read; until then no session token
    /// can be trusted.
    loaded: AtomicBool,
}

impl EndedSessions {
    pub fn is_loaded(&self) -> bool {
        self.0.loaded.load(Ordering::Acquire)
    }

    pub fn contains(&self, session_id: &str) -> bool {
        self.0.ended.read().map(|ended| ended.contains_key(session_id)).unwrap_or(true)
    }

    pub fn add(&self, sessions: impl IntoIterator<Item = (String, DateTime<Utc>)>) {
        if let Ok(mut ended) = self.0.ended.write() {
            ended.extend(sessions);
        }
    }

    fn forget_expired(&self) {
        let now = Utc::now();
        if let Ok(mut ended) = self.0.ended.write() {
            ended.retain(|_, expires_at| *expires_at > now);
        }
    }

    /// Reads the sessions ended after `since`; the first success loads the
    /// whole list.
    async fn refresh(&self, db: &Db, since: DateTime<Utc>) -> sqlx::Result<()> {
        let since = if self.is_loaded() { since } else { DateTime::<Utc>::UNIX_EPOCH };
        self.add(db.ended_sessions_since(since).await?);
        self.forget_expired();
        self.0.loaded.store(true, Ordering::Release);
        Ok(())
    }

    /// Loads the whole list now (at start-up, when the database answers).
    pub async fn load(&self, db: &Db) -> sqlx::Result<()> {
        self.refresh(db, DateTime::<Utc>::UNIX_EPOCH).await
    }

    /// Follows the list for as long as the process runs.
    pub async fn follow(self, db: Db) {
        let mut every = tokio::time::interval(REFRESH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut since = Utc::now() - LOOK_BACK;
        loop {
            every.tick().await;
            let started = Utc::now();
            match self.refresh(&db, since).await {
                Ok(()) => since = started - LOOK_BACK,
                Err(error) => tracing::warn!(%error, "could not refresh the list of ended sessions"),
            }
        }
    }
}
