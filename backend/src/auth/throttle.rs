//! Limits on guessing passwords and on creating accounts.
//!
//! - Per account: failed sign-ins per email address are counted in the
//!   database, so the limit holds across replicas. Unknown addresses are
//!   counted too; otherwise the limit would tell which accounts exist.
//! - Per client address: sign-in and sign-up attempts (each with its own
//!   budget), counted in memory
//!   by each replica. The address is the connection's peer, or the
//!   `X-Forwarded-For` entry a trusted proxy added (`TRUSTED_PROXIES`).

use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{request::Parts, HeaderMap},
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota};
use ipnet::IpNet;

use crate::{
    app::AppState,
    db::Db,
    error::{ApiError, ApiResult},
};

/// Failed sign-ins allowed per email address within [`ACCOUNT_WINDOW`].
pub const ACCOUNT_FAILURES: u32 = 10;
pub const ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct Throttle(Arc<Inner>);

struct Inner {
    sign_ins: DefaultKeyedRateLimiter<IpAddr>,
    sign_ups: DefaultKeyedRateLimiter<IpAddr>,
    trusted_proxies: Vec<IpNet>,
}

/// What a client address is attempting.
#[derive(Debug, Clone, Copy)]
pub enum Attempt {
    SignIn,
    SignUp,
}

impl Throttle {
    /// `per_minute` sign-ins, and as many sign-ups, per client address.
    pub fn new(per_minute: u32, trusted_proxies: Vec<IpNet>) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Throttle(Arc::new(Inner {
            sign_ins: DefaultKeyedRateLimiter::keyed(quota),
            sign_ups: DefaultKeyedRateLimiter::keyed(quota),
            trusted_proxies,
        }))
    }

    /// Counts an attempt from `client`; 429 past the limit.
    pub fn attempt(&self, attempt: Attempt, client: &ClientAddress) -> ApiResult<()> {
        let limiter = match attempt {
            Attempt::SignIn => &self.0.sign_ins,
            Attempt::SignUp => &self.0.sign_ups,
        };
        match limiter.check_key(&client.0) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
                Err(ApiError::TooManyRequests {
                    retry_after: wait,
                    message: "too many attempts from your address; please wait a moment".into(),
                })
            }
        }
    }

    /// Refuses a sign-in for `email` with 429 while it has too many recent
    /// failures, right password or not.
    pub async fn check_account(db: &Db, email: &str) -> ApiResult<()> {
        let window_start = chrono::Utc::now() - ACCOUNT_WINDOW;
        let (failures, started) = db.sign_in_failures(email, window_start).await?;
        if failures < ACCOUNT_FAILURES {
            return Ok(());
        }
        let reopens = started + ACCOUNT_WINDOW;
        let retry_after = (reopens - chrono::Utc::now()).to_std().unwrap_or_default().max(Duration::from_secs(1));
        Err(ApiError::TooManyRequests {
            retry_after,
            message: "too many failed sign-ins for this account; please wait and try again".into(),
        })
    }

    /// Frees the memory of addresses that have not been seen for a while.
    pub fn forget_idle(&self) {
        for limiter in [&self.0.sign_ins, &self.0.sign_ups] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    fn client_of(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !self.is_trusted(peer) {
            return peer;
        }
        // The rightmost address a trusted proxy did not add is the client.
        let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
        let hops: Vec<IpAddr> =
            forwarded.flat_map(|value| value.split(',')).filter_map(|hop| hop.trim().parse().ok()).collect();
        hops.into_iter().rev().find(|hop| !self.is_trusted(*hop)).unwrap_or(peer)
    }

    fn is_trusted(&self, address: IpAddr) -> bool {
        self.0.trusted_proxies.iter().any(|net| net.contains(&address))
    }
}

/// The client's address as [`Throttle`] counts it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        Ok(ClientAddress(state.throttle.client_of(peer, &parts.headers)))
    }
}
