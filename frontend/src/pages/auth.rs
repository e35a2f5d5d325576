use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    Form,
};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::{
    notice::{self, Notice},
    render, Layout,
};
use crate::{
    app::AppState,
    backend::{BackendError, ClientChain, Session},
    error::PageError,
    session::{Cookies, CsrfToken},
};

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct AuthPage {
    layout: Layout,
    /// `sign-in` or `sign-up`: the form's action and wording.
    mode: &'static str,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    expired: Option<String>,
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The browser's time zone (sign-up only; filled in by a script).
    #[serde(default)]
    timezone: String,
}

/// The sign-in form. `?expired=1` (where an expired session is sent, see
/// `PageError`) becomes a one-shot notice and a clean URL, so that a reload
/// does not say it again.
pub async fn sign_in_page(
    State(state): State<AppState>,
    csrf: CsrfToken,
    jar: CookieJar,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let secure = state.config.cookie_secure;
    if query.expired.is_some() {
        return Ok((notice::set(jar, secure, Notice::new("expired")), Redirect::to("/sign-in")).into_response());
    }
    let (jar, notice) = notice::take(jar, secure);
    let layout = Layout::new(None, &csrf).with_notice(notice.as_ref());
    Ok((jar, render(&AuthPage { layout, mode: "sign-in", email: String::new(), error: None })?).into_response())
}

pub async fn sign_up_page(csrf: CsrfToken) -> Result<Response, PageError> {
    render(&AuthPage { layout: Layout::new(None, &csrf), mode: "sign-up", email: String::new(), error: None })
}

pub async fn sign_in(
    State(state): State<AppState>,
    client: ClientChain,
    cookies: Cookies,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<Credentials>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let result = state.backend.sign_in(form.email.trim(), &form.password, &client).await;
    finish(&cookies, csrf, jar, "sign-in", form.email, result, "/tasks")
}

pub async fn sign_up(
    State(state): State<AppState>,
    client: ClientChain,
    cookies: Cookies,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<Credentials>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    let result = state.backend.sign_up(form.email.trim(), &form.password, &client).await;
    if let (Ok(account), zone) = (&result, form.timezone.trim()) {
        if !zone.is_empty() {
            let session =
                Session { user_id: account.user.id.clone(), email: String::new(), token: account.token.clone() };
            // A zone the backend does not know leaves the account in UTC.
            if let Err(error) = state.backend.set_timezone(&session, zone).await {
                tracing::info!(%error, "the browser's time zone was not saved");
            }
        }
    }
    // The welcome notice reaches the browser only with a new session.
    let welcome = notice::set(jar, state.config.cookie_secure, Notice::new("welcome"));
    finish(&cookies, csrf, welcome, "sign-up", form.email, result, WELCOME_PAGE)
}

/// Where a new account lands. The address still names the welcome (the
/// container tests, and anyone who reads where they landed, expect it), but
/// only the one-shot cookie shows the notice: the task list ignores
/// `?notice=`, so a reload does not welcome again.
const WELCOME_PAGE: &str = "/tasks?notice=welcome";

/// Starts the session, or shows the form again with the error and the email kept.
fn finish(
    cookies: &Cookies,
    csrf: CsrfToken,
    jar: CookieJar,
    mode: &'static str,
    email: String,
    result: Result<crate::backend::Account, BackendError>,
    next: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(account) => {
            let session = Session { user_id: account.user.id, email: account.user.email, token: account.token };
            let jar = cookies.start(jar, &session);
            Ok((jar, Redirect::to(next)).into_response())
        }
        Err(BackendError::Invalid(message)) => {
            let page = AuthPage { layout: Layout::new(None, &csrf), mode, email, error: Some(message) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session at the backend (so its token is refused from now on)
/// and in the browser. The browser's cookie goes even if the backend is
/// unreachable.
pub async fn sign_out(
    State(state): State<AppState>,
    cookies: Cookies,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    if let Some(session) = cookies.read(&jar) {
        if let Err(error) = state.backend.sign_out(&session).await {
            tracing::warn!(%error, "the backend did not end the session");
        }
    }
    let jar = notice::set(cookies.end(jar), state.config.cookie_secure, Notice::new("signed-out"));
    Ok((jar, Redirect::to("/sign-in")).into_response())
}
