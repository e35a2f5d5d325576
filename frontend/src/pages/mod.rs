//! Server-rendered pages. Each handler builds its template struct and returns
//! HTML; forms post back and redirect (POST-redirect-GET).

pub mod auth;
pub mod chat;
pub mod chat_stream;
pub mod notice;
pub mod settings;
pub mod task_form;
pub mod task_list;
pub mod tasks;
pub mod tool_activity;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::{backend::Session, error::PageError, session::CsrfToken};
pub use notice::Notice;

/// What `base.html` needs on every page.
pub struct Layout {
    pub email: Option<String>,
    /// The signed-in user's id, for the page's scripts (reminders call
    /// `/api/{user_id}/reminders/claim` through the proxy).
    pub user_id: Option<String>,
    pub csrf: String,
    pub notice: Option<&'static str>,
    /// The user's time zone, when the page knows it (scripts show times in it).
    pub timezone: Option<&'static str>,
}

impl Layout {
    pub fn new(session: Option<&Session>, csrf: &CsrfToken) -> Self {
        Layout {
            email: session.map(|s| s.email.clone()),
            user_id: session.map(|s| s.user_id.clone()),
            csrf: csrf.0.clone(),
            notice: None,
            timezone: None,
        }
    }

    pub fn anonymous() -> Self {
        Layout { email: None, user_id: None, csrf: String::new(), notice: None, timezone: None }
    }

    pub fn with_notice(mut self, notice: Option<&Notice>) -> Self {
        self.notice = notice.map(Notice::text);
        self
    }

    pub fn with_timezone(mut self, zone: crate::local_time::Zone) -> Self {
        self.timezone = Some(zone.name());
        self
    }

    /// The versioned URL of a static file.
    pub fn asset(&self, name: &str) -> &'static str {
        crate::assets::url(name)
    }
}

/// Renders a template as an HTML response.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    Ok(Html(template.render()?).into_response())
}
