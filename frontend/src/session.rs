//! The browser session and cross-site request forgery protection.
//!
//! The session cookie holds the backend's token (HttpOnly, SameSite=Lax).
//! CSRF tokens are derived from the session: an HMAC, keyed with
//! `FRONTEND_SECRET`, of the session's token, or before sign-in of a random
//! visitor id in a cookie of its own. A planted cookie therefore gives an
//! attacker no valid token, every replica accepts the tokens of the others,
//! and signing in or out changes the token. On top of that, state-changing
//! requests from another site (`Origin`, `Sec-Fetch-Site`) are refused. With
//! `COOKIE_SECURE` the cookies carry the `__Host-` prefix, so no other host
//! can set them.

use std::sync::Arc;

use axum::{
    extract::{FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::{backend::Session, error::PageError};

const SESSION_DAYS: i64 = 7;
/// Visitor ids are 32 hex digits.
const VISITOR_ID_LEN: usize = 32;

/// Cookie names and the key of the CSRF tokens, for handlers and middleware.
#[derive(Clone)]
pub struct Cookies(Arc<Policy>);

struct Policy {
    secure: bool,
    key: Vec<u8>,
}

impl Cookies {
    pub fn new(secure: bool, key: &[u8]) -> Self {
        Cookies(Arc::new(Policy { secure, key: key.to_vec() }))
    }

    fn session_name(&self) -> &'static str {
        if self.0.secure {
            "__Host-todo_session"
        } else {
            "todo_session"
        }
    }

    fn visitor_name(&self) -> &'static str {
        if self.0.secure {
            "__Host-todo_visitor"
        } else {
            "todo_visitor"
        }
    }

    fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        Cookie::build((name, value)).http_only(true).same_site(SameSite::Lax).secure(self.0.secure).path("/").build()
    }

    pub fn read(&self, jar: &CookieJar) -> Option<Session> {
        jar.get(self.session_name()).and_then(|cookie| serde_urlencoded::from_str(cookie.value()).ok())
    }

    /// Starts the session and gives the browser a new visitor id, so no
    /// token from before sign-in stays valid.
    pub fn start(&self, jar: CookieJar, session: &Session) -> CookieJar {
        let value = serde_urlencoded::to_string(session).unwrap_or_default();
        let mut cookie = self.cookie(self.session_name(), value);
        cookie.set_max_age(cookie::time::Duration::days(SESSION_DAYS));
        jar.add(cookie).add(self.cookie(self.visitor_name(), new_visitor_id()))
    }

    /// Ends the session in the browser (whether or not this request sent
    /// it), with a new visitor id.
    pub fn end(&self, jar: CookieJar) -> CookieJar {
        let mut removal = self.cookie(self.session_name(), String::new());
        removal.make_removal();
        jar.add(removal).add(self.cookie(self.visitor_name(), new_visitor_id()))
    }

    fn flash_name(&self) -> &'static str {
        if self.0.secure {
            "__Host-todo_new_token"
        } else {
            "todo_new_token"
        }
    }

    /// Keeps a new API token's secret for the next page only, so that the
    /// page that shows it can be reached by a redirect (and a reload does
    /// not create another token).
    pub fn flash(&self, jar: CookieJar, secret: &str) -> CookieJar {
        let mut cookie = self.cookie(self.flash_name(), secret.to_string());
        cookie.set_same_site(SameSite::Strict);
        cookie.set_max_age(cookie::time::Duration::minutes(2));
        jar.add(cookie)
    }

    /// The flashed secret, if any, and a jar that forgets it.
    pub fn take_flash(&self, jar: CookieJar) -> (CookieJar, Option<String>) {
        let Some(secret) = jar.get(self.flash_name()).map(|cookie| cookie.value().to_string()) else {
            return (jar, None);
        };
        let mut removal = self.cookie(self.flash_name(), String::new());
        removal.make_removal();
        (jar.add(removal), Some(secret).filter(|secret| !secret.is_empty()))
    }

    /// The CSRF token of a request with these cookies.
    fn token_for(&self, jar: &CookieJar, visitor: &str) -> String {
        let binding = match jar.get(self.session_name()) {
            Some(session) => format!("session:{}", hex(&Sha256::digest(session.value().as_bytes()))),
            None => format!("visitor:{visitor}"),
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0.key).expect("HMAC takes any key length");
        mac.update(binding.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Removes the session cookie under either name, for answers given
/// without the policy at hand (an expired session's error page).
pub fn end_any(jar: CookieJar) -> CookieJar {
    [Cookies::new(false, &[]), Cookies::new(true, &[])].iter().fold(jar, |jar, cookies| {
        let mut removal = cookies.cookie(cookies.session_name(), String::new());
        removal.make_removal();
        jar.add(removal)
    })
}

fn new_visitor_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The signed-in user of a page; without a session the page redirects to sign-in.
pub struct SignedIn(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let cookies = cookies_of(parts)?;
        let jar = CookieJar::from_request_parts(parts, state).await.expect("infallible");
        cookies.read(&jar).map(SignedIn).ok_or(PageError::SignInRequired)
    }
}

fn cookies_of(parts: &Parts) -> Result<Cookies, PageError> {
    parts.extensions.get::<Cookies>().cloned().ok_or(PageError::Internal("cookie policy missing".into()))
}

impl<S: Send + Sync> FromRequestParts<S> for Cookies {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        cookies_of(parts)
    }
}

/// The request's CSRF token (see [`csrf_guard`]).
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

/// Refuses state-changing requests from other sites, and gives every
/// request its CSRF token (minting a visitor id cookie when needed).
pub async fn csrf_guard(mut request: Request, next: Next) -> Response {
    let Some(cookies) = request.extensions().get::<Cookies>().cloned() else {
        return PageError::Internal("cookie policy missing".into()).into_response();
    };
    if !request.method().is_safe() && is_cross_site(request.headers()) {
        tracing::warn!("refused a cross-site request");
        return PageError::Csrf.into_response();
    }
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar.get(cookies.visitor_name()).map(|c| c.value().to_string()).filter(|id| is_visitor_id(id));
    let (visitor, minted) = match existing {
        Some(id) => (id, false),
        None => (new_visitor_id(), true),
    };
    request.extensions_mut().insert(CsrfToken(cookies.token_for(&jar, &visitor)));
    let mut response = next.run(request).await;
    let sets_visitor = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|value| value.to_str().is_ok_and(|v| v.starts_with(cookies.visitor_name())));
    if minted && !sets_visitor {
        if let Ok(value) = HeaderValue::from_str(&cookies.cookie(cookies.visitor_name(), visitor).to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn is_visitor_id(id: &str) -> bool {
    id.len() == VISITOR_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A request another site made the browser send: `Sec-Fetch-Site` says
/// so, or `Origin` names another host than the one asked.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| !matches!(site, "same-origin" | "none")) {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}
