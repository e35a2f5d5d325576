//! Which database failures are outages — the store is restarting, frozen,
//! full or out of connections, so the right answer is 503 and a retry —
//! and which of them leave a connection that must not be used again.
//!
//! Everything else stays an internal error (a bug): answered 500 and logged.

/// Why the database could not serve a request right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// Unreachable, restarting, shutting down, frozen, or every connection busy.
    Unavailable,
    /// The disk (or the store's size limit) is full: nothing more can be written.
    StorageFull,
}

impl Outage {
    /// Classifies `error`; `None` means it is not an outage.
    pub fn of(error: &sqlx::Error) -> Option<Outage> {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Some(Outage::Unavailable),
            sqlx::Error::Database(db) => match db.code() {
                Some(code) if is_postgres(db.as_ref()) => postgres(&code),
                Some(code) => sqlite(&code),
                None => None,
            },
            _ => None,
        }
    }

    /// True when the connection that saw `error` is gone or in an unknown
    /// state: it is closed instead of going back to the pool.
    pub fn breaks_connection(error: &sqlx::Error) -> bool {
        match error {
            sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
            // The server ends the session after these (or never started it).
            sqlx::Error::Database(db) if is_postgres(db.as_ref()) => {
                db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P"))
            }
            _ => false,
        }
    }
}

fn is_postgres(error: &dyn sqlx::error::DatabaseError) -> bool {
    error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some()
}

/// SQLSTATE classes of PostgreSQL that mean "not now".
fn postgres(code: &str) -> Option<Outage> {
    match code {
        // disk_full
        "53100" => Some(Outage::StorageFull),
        // connection exceptions; insufficient resources (too many
        // connections, out of memory); admin/crash shutdown, cannot connect
        // now (starting up or in recovery), query cancelled (the statement
        // timeout), idle session timeout
        c if c.starts_with("08") || c.starts_with("53") || c.starts_with("57") => Some(Outage::Unavailable),
        // serialization failure, deadlock, lock not available, read-only
        // transaction (a replica after fail-over)
        "40001" | "40P01" | "55P03" | "25006" => Some(Outage::Unavailable),
        _ => None,
    }
}

/// SQLite's primary result codes (the low byte of an extended code).
fn sqlite(code: &str) -> Option<Outage> {
    const BUSY: i32 = 5;
    const LOCKED: i32 = 6;
    const NOMEM: i32 = 7;
    const READONLY: i32 = 8;
    const IOERR: i32 = 10;
    const FULL: i32 = 13;
    const CANTOPEN: i32 = 14;
    match code.parse::<i32>().ok()? & 0xff {
        FULL => Some(Outage::StorageFull),
        BUSY | LOCKED | NOMEM | READONLY | IOERR | CANTOPEN => Some(Outage::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::Outage;
    use crate::{
        db::Db,
        task::{list::TaskQuery, NewTask},
    };

    async fn open(url: &str, max_pages: Option<i64>) -> (Db, sqlx::SqlitePool) {
        let mut options = SqliteConnectOptions::from_str(url).unwrap().create_if_missing(true);
        if let Some(pages) = max_pages {
            options = options.pragma("max_page_count", pages.to_string());
        }
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        (Db::sqlite(pool.clone()), pool)
    }

    /// SQLite's own size cap stands in for a full disk: a write past it is
    /// a `StorageFull` outage, and every write that succeeded is stored.
    #[tokio::test]
    async fn a_full_sqlite_database_is_an_outage_and_keeps_every_acknowledged_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("full.db").display());
        let (db, pool) = open(&url, None).await;
        db.migrate().await.unwrap();
        let user = db.create_user("full@example.com", "not a real hash").await.unwrap();
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(&pool).await.unwrap();
        pool.close().await;

        let (db, _pool) = open(&url, Some(pages + 4)).await;
        let task = NewTask { title: "fills a page".into(), description: Some("x".repeat(1000)), ..Default::default() };
        let mut acknowledged = 0;
        let error = loop {
            match db.create_task(&user.id, &task, None, u32::MAX).await {
                Ok(_) => acknowledged += 1,
                Err(error) => break error,
            }
            assert!(acknowledged < 1000, "the cap was never reached");
        };
        assert_eq!(Outage::of(&error), Some(Outage::StorageFull), "{error}");
        assert!(acknowledged > 0);
        assert_eq!(db.list_tasks(&user.id, &TaskQuery::default()).await.unwrap().total, acknowledged);
    }
}
