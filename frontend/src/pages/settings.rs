//! `/settings`: time zone, password, personal API tokens, and deleting the
//! account. Every form posts back and redirects; a refused form shows the
//! page again with the reason next to it.

use askama::Template;
use axum::{
    extract::{Path, State},
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
    backend::{ApiToken, BackendError, Session},
    error::PageError,
    session::{Cookies, CsrfToken, SignedIn},
};

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    layout: Layout,
    timezone: String,
    zones: &'static [&'static str],
    tokens: Vec<ApiToken>,
    /// A token created a moment ago: its secret, shown this once.
    new_token: Option<String>,
    /// A refused form: which one, and why.
    error: Option<(&'static str, String)>,
}

impl SettingsPage {
    /// An RFC 3339 instant as a date and time in the user's zone.
    fn when(&self, at: &str) -> String {
        let zone: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(at) => at.with_timezone(&zone).format("%-d %b %Y, %H:%M").to_string(),
            Err(_) => at.to_string(),
        }
    }

    fn error_for(&self, form: &str) -> Option<&str> {
        self.error.as_ref().filter(|(which, _)| *which == form).map(|(_, message)| message.as_str())
    }
}

/// Every IANA time zone, for the picker.
fn zones() -> &'static [&'static str] {
    static ZONES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name()).collect())
}

async fn page(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    notice: Option<Notice>,
    new_token: Option<String>,
    error: Option<(&'static str, String)>,
) -> Result<SettingsPage, PageError> {
    let (settings, tokens) = tokio::join!(state.backend.settings(session), state.backend.api_tokens(session));
    let (settings, tokens) = (settings?, tokens?);
    let zone = crate::local_time::Zone::named(&settings.timezone);
    Ok(SettingsPage {
        layout: Layout::new(Some(session), csrf).with_notice(notice.as_ref()).with_timezone(zone),
        timezone: settings.timezone,
        zones: zones(),
        tokens,
        new_token,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    cookies: Cookies,
    jar: CookieJar,
    csrf: CsrfToken,
) -> Result<Response, PageError> {
    let (jar, new_token) = cookies.take_flash(jar);
    let (jar, notice) = notice::take(jar, state.config.cookie_secure);
    let page = page(&state, &session, &csrf, notice, new_token, None).await?;
    Ok((jar, render(&page)?).into_response())
}

/// The page again with `form`'s error (422), or the error page.
async fn refused(
    state: &AppState,
    session: &Session,
    csrf: &CsrfToken,
    form: &'static str,
    error: BackendError,
) -> Result<Response, PageError> {
    match error {
        BackendError::Invalid(message) => {
            let page = page(state, session, csrf, None, None, Some((form, message))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        other => Err(other.into()),
    }
}

/// Back to the page, with `code`'s notice shown once.
fn done(state: &AppState, jar: CookieJar, code: &'static str) -> Response {
    (notice::set(jar, state.config.cookie_secure, Notice::new(code)), Redirect::to("/settings")).into_response()
}

#[derive(Deserialize)]
pub struct TimezoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    timezone: String,
}

pub async fn set_timezone(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<TimezoneForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    match state.backend.set_timezone(&session, form.timezone.trim()).await {
        Ok(_) => Ok(done(&state, jar, "timezone-saved")),
        Err(error) => refused(&state, &session, &csrf, "timezone", error).await,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    match state.backend.change_password(&session, &form.current_password, &form.new_password).await {
        Ok(()) => Ok(done(&state, jar, "password-changed")),
        Err(error) => refused(&state, &session, &csrf, "password", error).await,
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    cookies: Cookies,
    jar: CookieJar,
    csrf: CsrfToken,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    match state.backend.create_api_token(&session, &form.name).await {
        Ok(created) => {
            tracing::info!(name = %created.name, "personal API token created");
            Ok(done(&state, cookies.flash(jar, &created.token), "token-created"))
        }
        Err(error) => refused(&state, &session, &csrf, "token", error).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    csrf: CsrfToken,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    state.backend.revoke_api_token(&session, &id).await?;
    Ok(done(&state, jar, "token-revoked"))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

pub async fn delete_account(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    cookies: Cookies,
    jar: CookieJar,
    csrf: CsrfToken,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    csrf.verify(&form.csrf)?;
    match state.backend.delete_account(&session, &form.password).await {
        Ok(()) => {
            let jar = notice::set(cookies.end(jar), state.config.cookie_secure, Notice::new("account-deleted"));
            Ok((jar, Redirect::to("/sign-in")).into_response())
        }
        Err(error) => refused(&state, &session, &csrf, "delete", error).await,
    }
}
