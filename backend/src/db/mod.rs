//! The data layer: one set of queries, two real stores.
//!
//! Every query is written once in SQL that PostgreSQL and SQLite both accept
//! (`$1` placeholders, `RETURNING`), and [`with_pool!`] runs it on whichever
//! pool is configured. Only the migrations differ per store.

mod api_tokens;
mod chat_turns;
mod conversations;
mod idempotency;
mod outage;
mod postgres_pool;
pub(crate) mod rfc3339;
mod sessions;
mod settings;
mod task_query;
mod task_rows;
mod tasks;
mod timestamp;
mod users;

pub use api_tokens::{ApiToken, TokenOwner};
pub use chat_turns::TurnClaim;
pub use conversations::{Conversation, Message, NewMessage};
pub use idempotency::{Claim, Created, Keyed, KEY_TTL};
pub use outage::Outage;
pub use postgres_pool::PgPool;
pub use task_rows::PageEnd;
pub use tasks::{search_text, title_key, Edited, TaskPage};
pub use users::User;

use std::{future::Future, str::FromStr, time::Duration};

use sqlx::{
    postgres::PgConnectOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use crate::config::{Config, DatabaseTarget};

/// The store, and how long one database operation may take.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    /// Bounds every operation (waiting for a connection included), whatever
    /// the database does: a frozen or unreachable server costs a request
    /// this long at most, then a 503.
    deadline: Duration,
}

#[derive(Clone, Debug)]
enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$pool` bound to an executor of `$db`: a checked-out
/// connection on PostgreSQL (see [`postgres_pool`]), the pool on SQLite.
/// For reads; writes go through [`in_transaction!`].
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        $crate::db::within($db.deadline, async {
            match &$db.pool {
                $crate::db::Pool::Postgres(pool) => {
                    let mut conn = pool.checkout().await?;
                    let result = {
                        let $pool = &mut *conn;
                        $body
                    };
                    conn.finish(result)
                }
                $crate::db::Pool::Sqlite($pool) => $body,
            }
        })
        .await
    };
}
pub(crate) use with_pool;

/// Runs `$body` in a transaction bound to `$tx` and commits it; the result
/// counts only once the commit succeeded. SQLite in autocommit mode can
/// report a row from `INSERT … RETURNING` whose commit then failed (a full
/// disk), so no write is acknowledged without an explicit, checked commit.
/// SQLite transactions take the write lock up front (`BEGIN IMMEDIATE`), so
/// concurrent writers wait their turn instead of failing on a stale snapshot.
macro_rules! in_transaction {
    ($db:expr, $tx:ident => $body:expr) => {
        $crate::db::within($db.deadline, async {
            match &$db.pool {
                $crate::db::Pool::Postgres(pool) => {
                    let mut conn = pool.checkout().await?;
                    let result = async {
                        let mut $tx = sqlx::Connection::begin(&mut *conn).await?;
                        let value = $body?;
                        $tx.commit().await?;
                        Ok::<_, sqlx::Error>(value)
                    }
                    .await;
                    conn.finish(result)
                }
                $crate::db::Pool::Sqlite(pool) => {
                    let mut conn = pool.acquire().await?;
                    let result = async {
                        let mut $tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
                        let value = $body?;
                        $tx.commit().await?;
                        Ok::<_, sqlx::Error>(value)
                    }
                    .await;
                    // SQLite rolls a transaction back by itself on some
                    // failures (a full disk, an I/O error); sqlx does not
                    // notice and would refuse the connection's next BEGIN.
                    if result.as_ref().is_err_and(|error| $crate::db::Outage::of(error).is_some()) {
                        conn.close_on_drop();
                    }
                    result
                }
            }
        })
        .await
    };
}
pub(crate) use in_transaction;

/// Creates the SQLite file readable by its owner only, and tightens an
/// existing one and its WAL and shared-memory files. SQLite gives the WAL
/// and shared-memory files it creates the mode of the database file.
fn owner_only_files(database: &std::path::Path) -> std::io::Result<()> {
    let name = database.to_string_lossy();
    if name.is_empty() || name == ":memory:" {
        return Ok(());
    }
    if !database.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(database) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            // A directory that is not there: let SQLite report it.
            Err(_) => return Ok(()),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{name}{suffix}"));
        if file.exists() {
            common::secret_file::owner_only(&file)?;
        }
    }
    Ok(())
}

/// Runs one database operation within `deadline`. When it expires the
/// operation is dropped, and with it its connection (closed, not reused).
pub(crate) async fn within<T>(deadline: Duration, operation: impl Future<Output = sqlx::Result<T>>) -> sqlx::Result<T> {
    match tokio::time::timeout(deadline, operation).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("the database did not answer within {} ms", deadline.as_millis()),
        ))),
    }
}

impl Db {
    /// Opens the pool lazily (the process starts even while the database is
    /// still coming up).
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        Self::open(config, config.db_max_connections).await
    }

    /// A one-connection pool of its own for the readiness probe: a pod whose
    /// pool is busy serving requests is still ready.
    pub async fn connect_probe(config: &Config) -> anyhow::Result<Self> {
        Self::open(config, 1).await
    }

    async fn open(config: &Config, max_connections: u32) -> anyhow::Result<Self> {
        let deadline = config.db_timeout;
        let pool = match &config.database {
            DatabaseTarget::Postgres(url) => {
                // The server cancels a statement at the same bound as ours,
                // so it does not go on holding locks for a request that
                // has already been answered.
                let statement_timeout = format!("{}ms", deadline.as_millis());
                let options = PgConnectOptions::from_str(url)?
                    .application_name("todo-backend")
                    .options([("statement_timeout", statement_timeout.as_str())]);
                let acquire = config.db_acquire_timeout.min(deadline);
                Pool::Postgres(PgPool::new(options, max_connections as usize, acquire))
            }
            DatabaseTarget::Sqlite(url) => {
                let options = SqliteConnectOptions::from_str(url)?;
                owner_only_files(options.get_filename())?;
                let options = options
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // Each commit reaches the disk before it is acknowledged.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(deadline)
                    .foreign_keys(true);
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(max_connections.max(1))
                        .acquire_timeout(deadline)
                        .connect_with(options)
                        .await?,
                )
            }
        };
        Ok(Db { pool, deadline })
    }

    fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// A SQLite store on `pool`, for unit tests.
    #[cfg(test)]
    pub(crate) fn sqlite(pool: SqlitePool) -> Self {
        Db { pool: Pool::Sqlite(pool), deadline: Duration::from_secs(5) }
    }

    /// Applies migrations. On PostgreSQL sqlx holds an advisory lock while it
    /// migrates, so replicas starting together apply each migration once.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.pool {
            Pool::Postgres(pool) => {
                let mut conn = pool.checkout().await?;
                // `run` on a borrowed connection trips "Acquire is not general
                // enough" in spawned futures; `run_direct` is sqlx's way around it.
                sqlx::migrate!("./migrations/postgres").run_direct(&mut *conn).await?;
                conn.finish(Ok(()))?;
                Ok(())
            }
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        }
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let ping = async { with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())) };
        ping.await.is_ok()
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Postgres(pool) => pool.close(),
            Pool::Sqlite(pool) => pool.close().await,
        }
    }
}
