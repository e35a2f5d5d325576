//! Accounts and sessions: sign-up/sign-in, password hashing, bearer tokens,
//! and the extractor that guards every `/api/{user_id}/...` route.

mod extract;
mod password;
pub mod routes;
mod token;

pub use extract::{AuthUser, BearerUser};
pub use routes::{router, AuthRequest, AuthResponse};
pub use token::TokenKeys;
