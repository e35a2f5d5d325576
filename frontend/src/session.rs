//! The browser session and cross-site request forgery protection.
//!
//! The session cookie holds the backend's token (HttpOnly, SameSite=Lax).
//! CSRF uses the double-submit pattern: a random token in its own cookie
//! (SameSite=Strict) must come back in every state-changing form or in the
//! `X-CSRF-Token` header of script calls.

use axum::{
    extract::{FromRequestParts, Request},
    http::{header, request::Parts, HeaderValue},
    middleware::Next,
    response::Response,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::{backend::Session, error::PageError};

pub const SESSION_COOKIE: &str = "todo_session";
pub const CSRF_COOKIE: &str = "todo_csrf";
const SESSION_DAYS: i64 = 7;

pub fn read(jar: &CookieJar) -> Option<Session> {
    jar.get(SESSION_COOKIE).and_then(|cookie| serde_urlencoded::from_str(cookie.value()).ok())
}

pub fn start(jar: CookieJar, session: &Session, secure: bool) -> CookieJar {
    let value = serde_urlencoded::to_string(session).unwrap_or_default();
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_days(SESSION_DAYS));
    jar.add(cookie)
}

/// Tells the browser to drop the session cookie (whether or not this request sent it).
pub fn end(jar: CookieJar) -> CookieJar {
    let mut removal = Cookie::build((SESSION_COOKIE, "")).path("/").http_only(true).same_site(SameSite::Lax).build();
    removal.make_removal();
    jar.add(removal)
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// The signed-in user of a page; without a session the page redirects to sign-in.
pub struct SignedIn(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_request_parts(parts, state).await.expect("infallible");
        read(&jar).map(SignedIn).ok_or(PageError::SignInRequired)
    }
}

/// The request's CSRF token (see [`ensure_csrf_cookie`]).
#[derive(Clone)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CsrfToken>().cloned().ok_or(PageError::Internal("CSRF middleware missing".into()))
    }
}

impl CsrfToken {
    /// Compares in constant time, so response timing reveals nothing.
    pub fn verify(&self, submitted: &str) -> Result<(), PageError> {
        let (a, b) = (self.0.as_bytes(), submitted.as_bytes());
        let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
        if same && !a.is_empty() {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }
}

/// Gives every visitor a CSRF token: reuses the cookie's, or mints one and
/// sets the cookie on the response.
pub async fn ensure_csrf_cookie(mut request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar.get(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() >= 32);
    let (token, minted) = match existing {
        Some(token) => (token, false),
        None => (format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let secure = request.extensions().get::<CookieSecurity>().is_some_and(|c| c.0);
    let mut response = next.run(request).await;
    if minted {
        let cookie =
            Cookie::build((CSRF_COOKIE, token)).http_only(true).same_site(SameSite::Strict).secure(secure).path("/");
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Whether cookies get the `Secure` flag, for middleware that has no state.
#[derive(Clone, Copy)]
pub struct CookieSecurity(pub bool);
