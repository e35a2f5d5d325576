//! Server-rendered pages. Each handler builds its template struct and returns
//! HTML; forms post back and redirect (POST-redirect-GET).

pub mod auth;
pub mod chat;
pub mod settings;
pub mod tasks;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::{backend::Session, error::PageError, session::CsrfToken};

/// What `base.html` needs on every page.
pub struct Layout {
    pub email: Option<String>,
    pub csrf: String,
    pub notice: Option<&'static str>,
}

impl Layout {
    pub fn new(session: Option<&Session>, csrf: &CsrfToken) -> Self {
        Layout { email: session.map(|s| s.email.clone()), csrf: csrf.0.clone(), notice: None }
    }

    pub fn anonymous() -> Self {
        Layout { email: None, csrf: String::new(), notice: None }
    }

    pub fn with_notice(mut self, notice: Option<&'static str>) -> Self {
        self.notice = notice;
        self
    }
}

/// Renders a template as an HTML response.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    Ok(Html(template.render()?).into_response())
}

/// Short confirmations passed as `?notice=` codes after a redirect; only
/// these fixed texts are ever shown.
pub fn notice_text(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "added" => "Task added.",
        "updated" => "Task updated.",
        "deleted" => "Task deleted.",
        "completed" => "Task completed. Nice work!",
        "reopened" => "Task reopened.",
        "welcome" => "Welcome! Your account is ready.",
        "signed-out" => "You have been signed out.",
        "expired" => "Your session has expired. Please sign in again.",
        "timezone-saved" => "Time zone saved.",
        "password-changed" => "Password changed. Your other sessions were signed out.",
        "token-created" => "Token created.",
        "token-revoked" => "Token revoked: it no longer works.",
        "account-deleted" => "Your account and all its data were deleted.",
        _ => return None,
    })
}
