//! The data layer: one set of queries, two real stores.
//!
//! Every query is written once in SQL that PostgreSQL and SQLite both accept
//! (`$1` placeholders, `RETURNING`), and [`with_pool!`] runs it on whichever
//! pool is configured. Only the migrations differ per store.

mod conversations;
mod tasks;
mod users;

pub use conversations::{Conversation, Message, NewMessage};
pub use tasks::{NewTask, StatusFilter, Task, TaskChanges};
pub use users::User;

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use crate::config::{Config, DatabaseTarget};

#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Postgres($pool) => $body,
            $crate::db::Db::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Db {
    /// Opens the pool lazily (the process starts even while the database is
    /// still coming up) and applies the embedded migrations.
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        let db = match &config.database {
            DatabaseTarget::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)?.application_name("todo-backend");
                Db::Postgres(
                    PgPoolOptions::new()
                        .max_connections(config.db_max_connections)
                        .acquire_timeout(config.db_acquire_timeout)
                        // A ping before every checkout doubles the round trips of
                        // every request; broken connections are dropped on error
                        // instead, and /ready pings explicitly.
                        .test_before_acquire(false)
                        .idle_timeout(Duration::from_secs(300))
                        .connect_lazy_with(options),
                )
            }
            DatabaseTarget::Sqlite(url) => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true);
                Db::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(config.db_max_connections.max(1))
                        .acquire_timeout(config.db_acquire_timeout.max(Duration::from_secs(5)))
                        .connect_with(options)
                        .await?,
                )
            }
        };
        Ok(db)
    }

    /// Applies migrations. On PostgreSQL sqlx holds an advisory lock while it
    /// migrates, so replicas starting together apply each migration once.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let query = with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()));
        query.is_ok()
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
