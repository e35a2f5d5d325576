//! The PostgreSQL connection pool.
//!
//! sqlx's own pool pings every connection as it goes back (a second round
//! trip to PostgreSQL, in a spawned task, for every request), which cost the
//! task list about a fifth of its throughput. deadpool hands a connection back
//! synchronously instead; the safety the ping bought is kept differently:
//!
//! - a connection whose query failed at the transport level, or whose request
//!   was cancelled mid-query, is closed rather than reused ([`Checkout`]);
//! - a connection idle for a while is pinged before it is handed out, and one
//!   idle for longer is closed, so a quiet replica holds no connections open
//!   (Neon can then suspend the database).

use std::{
    ops::{Deref, DerefMut},
    time::Duration,
};

use deadpool::managed::{self, Metrics, Object, PoolError, RecycleResult, TimeoutType};
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection, PgConnection};

use super::Outage;

/// Connections idle longer than this are pinged before use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);
/// Connections idle longer than this are closed.
const CLOSE_AFTER_IDLE: Duration = Duration::from_secs(300);

pub struct Manager {
    options: PgConnectOptions,
}

impl managed::Manager for Manager {
    type Type = PgConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> sqlx::Result<PgConnection> {
        self.options.connect().await
    }

    async fn recycle(&self, conn: &mut PgConnection, metrics: &Metrics) -> RecycleResult<sqlx::Error> {
        if metrics.last_used() > PING_AFTER_IDLE {
            conn.ping().await?;
        }
        Ok(())
    }
}

#[derive(Clone)]
pub struct PgPool(managed::Pool<Manager>);

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PgPool").field(&self.0.status()).finish()
    }
}

impl PgPool {
    /// Connects lazily: the first checkout opens the first connection. Waiting
    /// for a free connection, opening one, and checking an idle one are each
    /// bounded by `acquire_timeout`, so an exhausted pool or an unreachable
    /// database answers an error fast instead of hanging.
    pub fn new(options: PgConnectOptions, max_size: usize, acquire_timeout: Duration) -> Self {
        let pool = managed::Pool::builder(Manager { options })
            .max_size(max_size.max(1))
            .wait_timeout(Some(acquire_timeout))
            .create_timeout(Some(acquire_timeout))
            .recycle_timeout(Some(acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .expect("a runtime and timeouts are configured");
        tokio::spawn(close_idle(pool.weak()));
        PgPool(pool)
    }

    pub async fn checkout(&self) -> sqlx::Result<Checkout> {
        let conn = self.0.get().await.map_err(|error| match error {
            PoolError::Backend(error) => error,
            PoolError::Timeout(TimeoutType::Create) => {
                sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "connecting to PostgreSQL timed out"))
            }
            PoolError::Timeout(_) => sqlx::Error::PoolTimedOut,
            PoolError::Closed | PoolError::NoRuntimeSpecified | PoolError::PostCreateHook(_) => sqlx::Error::PoolClosed,
        })?;
        Ok(Checkout(Some(conn)))
    }

    pub fn close(&self) {
        self.0.close();
    }
}

/// Closes connections that have been idle too long, until the pool is gone.
async fn close_idle(pool: managed::WeakPool<Manager>) {
    loop {
        tokio::time::sleep(CLOSE_AFTER_IDLE / 5).await;
        let Some(pool) = pool.upgrade() else { return };
        pool.retain(|_, metrics| metrics.last_used() < CLOSE_AFTER_IDLE);
    }
}

/// A connection borrowed from the pool. It goes back by [`Checkout::finish`];
/// dropped without it (the request was cancelled mid-query, or returned
/// early) it is closed, because its protocol state is unknown.
pub struct Checkout(Option<Object<Manager>>);

impl Checkout {
    /// Returns the connection to the pool unless `result` says the
    /// connection itself broke (a transport error, or the server ending the
    /// session as it shuts down or restarts), and passes `result` through.
    pub fn finish<T>(mut self, result: sqlx::Result<T>) -> sqlx::Result<T> {
        let broken = result.as_ref().is_err_and(Outage::breaks_connection);
        if !broken {
            drop(self.0.take());
        }
        result
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(Object::take(conn));
        }
    }
}

impl Deref for Checkout {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.0.as_ref().expect("present until finished")
    }
}

impl DerefMut for Checkout {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.0.as_mut().expect("present until finished")
    }
}
