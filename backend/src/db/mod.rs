//! The data layer: one set of queries, two real stores.
//!
//! Every query is written once in SQL that PostgreSQL and SQLite both accept
//! (`$1` placeholders, `RETURNING`), and [`with_pool!`] runs it on whichever
//! pool is configured. Only the migrations differ per store.

mod conversations;
mod postgres_pool;
mod rfc3339;
mod task_rows;
mod tasks;
mod timestamp;
mod users;

pub use conversations::{Conversation, Message, NewMessage};
pub use postgres_pool::PgPool;
pub use tasks::{NewTask, StatusFilter, Task, TaskChanges};
pub use users::User;

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::PgConnectOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use crate::config::{Config, DatabaseTarget};

#[derive(Clone, Debug)]
pub enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to an executor of `$db`: a checked-out
/// connection on PostgreSQL (see [`postgres_pool`]), the pool on SQLite.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Postgres(pool) => {
                let mut conn = pool.checkout().await?;
                let result = {
                    let $pool = &mut *conn;
                    $body
                };
                conn.finish(result)
            }
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
                Db::Postgres(PgPool::new(options, config.db_max_connections as usize, config.db_acquire_timeout))
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
            Db::Postgres(pool) => {
                let mut conn = pool.checkout().await?;
                // `run` on a borrowed connection trips "Acquire is not general
                // enough" in spawned futures; `run_direct` is sqlx's way around it.
                sqlx::migrate!("./migrations/postgres").run_direct(&mut *conn).await?;
                conn.finish(Ok(()))?;
                Ok(())
            }
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let ping = async { with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())) };
        ping.await.is_ok()
    }

    pub async fn close(&self) {
        match self {
            Db::Postgres(pool) => pool.close(),
            Db::Sqlite(pool) => pool.close().await,
        }
    }
}
