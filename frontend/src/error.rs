//! Page errors: every failure becomes a page a person understands (inside
//! the layout), or a redirect to sign-in.

use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use axum_extra::extract::CookieJar;

use crate::{backend::BackendError, session};

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("sign in first")]
    SignInRequired,
    #[error("session expired")]
    SessionExpired,
    #[error("backend unavailable")]
    BackendDown,
    #[error("backend timed out")]
    BackendTimeout,
    #[error("backend answered unexpectedly: {0}")]
    BackendBroken(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("csrf token mismatch")]
    Csrf,
    #[error("{0}")]
    Internal(String),
}

impl From<BackendError> for PageError {
    fn from(error: BackendError) -> Self {
        match error {
            BackendError::Unavailable => PageError::BackendDown,
            BackendError::Timeout => PageError::BackendTimeout,
            BackendError::Unauthorized => PageError::SessionExpired,
            BackendError::NotFound => PageError::NotFound,
            BackendError::Invalid(message) => PageError::BadRequest(message),
            BackendError::Unexpected(message) => PageError::BackendBroken(message),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        PageError::Internal(format!("template: {error}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: crate::pages::Layout,
    heading: &'static str,
    detail: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, detail) = match self {
            PageError::SignInRequired => return Redirect::to("/sign-in").into_response(),
            PageError::SessionExpired => {
                let jar = session::end_any(CookieJar::new());
                return (jar, Redirect::to("/sign-in?expired=1")).into_response();
            }
            PageError::BackendDown => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The task service is unavailable",
                "We can't reach the task service right now. Your data is safe; please try again in a moment."
                    .to_string(),
            ),
            PageError::BackendTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "The task service is taking too long",
                "The task service didn't answer in time. If you just saved something, check whether it is there \
                 before trying again."
                    .to_string(),
            ),
            PageError::BackendBroken(message) => {
                tracing::error!(%message, "unexpected backend answer");
                (
                    StatusCode::BAD_GATEWAY,
                    "Something went wrong",
                    "The task service answered in a way we didn't expect. Please try again.".into(),
                )
            }
            PageError::NotFound => {
                (StatusCode::NOT_FOUND, "Not found", "That page or task doesn't exist (or isn't yours).".into())
            }
            PageError::BadRequest(message) => (StatusCode::BAD_REQUEST, "That didn't work", message),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your safety we couldn't accept that form. Go back, reload the page and try again.".into(),
            ),
            PageError::Internal(message) => {
                tracing::error!(%message, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "An unexpected error occurred. Please try again.".into(),
                )
            }
        };
        let page = ErrorPage { layout: crate::pages::Layout::anonymous(), heading, detail };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}
