//! argon2id hashing with bounded cost.
//!
//! One hash takes about 19 MiB and tens of milliseconds of CPU. Unbounded,
//! a burst of sign-ins (no account needed) took gigabytes. So at most
//! `HASH_CONCURRENCY` hashes run at once on the blocking pool, a few more
//! wait (`HASH_QUEUE`), and beyond that the request is refused with 503.
//! Each hash's memory is returned to the system when it is done (see
//! [`return_large_blocks`]).

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, OnceLock,
};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

#[derive(Clone)]
pub struct Hasher(Arc<Inner>);

struct Inner {
    running: Semaphore,
    /// Hashes running or waiting.
    admitted: AtomicUsize,
    capacity: usize,
}

impl Hasher {
    /// `concurrency` hashes at once, `queue` more waiting.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        return_large_blocks();
        let concurrency = concurrency.max(1);
        Hasher(Arc::new(Inner {
            running: Semaphore::new(concurrency),
            admitted: AtomicUsize::new(0),
            capacity: concurrency + queue,
        }))
    }

    /// Runs `work` on the blocking pool once a slot is free, or refuses
    /// with 503 when too many are already waiting.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
        let admitted = Admitted::new(&self.0).ok_or(ApiError::Unavailable)?;
        let _slot = self.0.running.acquire().await.map_err(|_| ApiError::Unavailable)?;
        let done = tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(e.into()))?;
        drop(admitted);
        Ok(done)
    }

    pub async fn hash(&self, password: String) -> ApiResult<String> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string())
        })
        .await?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing failed: {e}")))
    }

    /// Checks `password` against `stored`. Without a stored hash (no such
    /// account) a hash of the same cost is checked anyway, so the answer
    /// takes as long as for a real account and reveals nothing.
    pub async fn verify(&self, password: String, stored: Option<String>) -> ApiResult<bool> {
        self.run(move || {
            let exists = stored.is_some();
            let stored = stored.unwrap_or_else(|| stand_in_hash().to_string());
            let Ok(parsed) = PasswordHash::new(&stored) else { return false };
            Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && exists
        })
        .await
    }
}

/// Counts an admitted hash until dropped.
struct Admitted<'a>(&'a Inner);

impl<'a> Admitted<'a> {
    fn new(inner: &'a Inner) -> Option<Self> {
        let before = inner.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(inner);
        (before < inner.capacity).then_some(admitted)
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A hash of a random password with the same parameters as real ones.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let password = uuid::Uuid::new_v4().to_string();
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).unwrap_or_default()
    })
}

/// glibc serves large allocations from its heap once a large block has
/// been freed (its mmap threshold adapts upward), and keeps that memory
/// after a burst of hashes. A fixed threshold below a hash's 19 MiB makes
/// every hash's memory a mapping of its own, unmapped when the hash ends.
fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        // SAFETY: mallopt only changes allocator tuning; called once, and a
        // failure (returns 0) just leaves the default behaviour.
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 4 * 1024 * 1024);
        });
    }
}
