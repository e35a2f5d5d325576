//! Accounts and sessions: sign-up/sign-in/sign-out, password hashing,
//! session tokens that can be ended, personal API tokens, limits on
//! guessing, and the extractor that guards every `/api/{user_id}/...` route.

pub mod api_tokens;
mod extract;
mod password;
pub mod routes;
mod sessions;
mod throttle;
mod token;

pub use extract::{AuthUser, BearerUser, Credential};
pub use password::Hasher;
pub use routes::{AuthRequest, AuthResponse};
pub use sessions::EndedSessions;
pub use throttle::{ClientAddress, Throttle};
pub use token::TokenKeys;

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    routes::router().merge(api_tokens::router())
}
