//! Periodic clean-up, on every replica: expired idempotency keys and
//! sessions go from the database, idle client addresses from the sign-in
//! limiter's memory. Running it on several replicas at once is harmless.

use std::time::Duration;

use crate::app::AppState;

const EVERY: Duration = Duration::from_secs(600);

pub async fn run(state: AppState) {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        state.throttle.forget_idle();
        match state.db.forget_expired_keys().await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "expired idempotency keys removed"),
            Err(error) => tracing::warn!(%error, "could not remove expired idempotency keys"),
        }
        match state.db.forget_expired_sessions().await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
        }
    }
}
