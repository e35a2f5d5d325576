//! `/api/*` from the browser, forwarded server-side to the backend with the
//! session's token added, so scripts and tools need only the public address.
//! Bodies stream through in both directions; status and content type are kept.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use axum_extra::extract::CookieJar;
use serde_json::json;

use crate::{
    app::AppState,
    backend::ClientChain,
    session::{Cookies, CsrfToken},
};

const CSRF_HEADER: &str = "x-csrf-token";
const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// What a client of the API needs from an answer: its type, when to retry,
/// how to authenticate, the next page and the count, and whether it is a
/// replay of an earlier answer.
const RELAYED_ANSWER_HEADERS: [HeaderName; 6] = [
    header::CONTENT_TYPE,
    header::RETRY_AFTER,
    header::WWW_AUTHENTICATE,
    header::LINK,
    HeaderName::from_static("x-total-count"),
    HeaderName::from_static("idempotent-replayed"),
];

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

/// True when `path`, percent-decoded, is under `/api/` with no `.` or `..`
/// segment and no backslash: the URL library would otherwise resolve
/// `/api/%2e%2e/mcp` or `/api/..\\health` to a path outside `/api/` (and
/// around the backend's NetworkPolicy and MCP host checks).
fn stays_under_api(path: &str) -> bool {
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else { return false };
    decoded.starts_with("/api/")
        && !decoded.contains('\\')
        && !decoded.split('/').any(|segment| segment == "." || segment == "..")
}

pub async fn forward(
    State(state): State<AppState>,
    client: ClientChain,
    cookies: Cookies,
    jar: CookieJar,
    csrf: CsrfToken,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if !stays_under_api(parts.uri.path()) {
        return error(StatusCode::BAD_REQUEST, "bad_path", "the path must stay under /api/");
    }
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut outgoing = state
        .backend
        .http()
        .request(parts.method.clone(), format!("{}{path}", state.backend.base()))
        .timeout(state.config.backend_timeout);
    for name in [header::CONTENT_TYPE, header::ACCEPT, MCP_PROTOCOL_VERSION, IDEMPOTENCY_KEY] {
        if let Some(value) = parts.headers.get(&name) {
            outgoing = outgoing.header(name, value);
        }
    }
    if let Some(own) = parts.headers.get(header::AUTHORIZATION) {
        // A tool with its own token: forwarded as is, the session is not used.
        outgoing = outgoing.header(header::AUTHORIZATION, own);
    } else if let Some(session) = cookies.read(&jar) {
        // The browser's cookie would be sent by any site's form, so writes
        // made with it must prove they come from our pages.
        if !parts.method.is_safe() {
            let submitted = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if csrf.verify(submitted).is_err() {
                return error(StatusCode::FORBIDDEN, "csrf", "missing or wrong X-CSRF-Token header");
            }
        }
        outgoing = outgoing.bearer_auth(session.token);
    }
    if !client.0.is_empty() {
        outgoing = outgoing.header("x-forwarded-for", &client.0);
    }
    let outgoing = outgoing.body(reqwest::Body::wrap_stream(body.into_data_stream()));

    match outgoing.send().await {
        Ok(answer) => {
            let mut response = Response::builder().status(answer.status());
            for name in RELAYED_ANSWER_HEADERS {
                if let Some(value) = answer.headers().get(&name) {
                    response = response.header(name, value);
                }
            }
            response
                .body(Body::from_stream(answer.bytes_stream()))
                .unwrap_or_else(|_| error(StatusCode::BAD_GATEWAY, "bad_gateway", "could not relay the answer"))
        }
        Err(e) if e.is_timeout() => {
            error(StatusCode::GATEWAY_TIMEOUT, "backend_timeout", "the task service took too long to answer")
        }
        Err(e) => {
            tracing::warn!(error = %e.without_url(), "proxy: backend unreachable");
            error(StatusCode::BAD_GATEWAY, "backend_unavailable", "the task service is unreachable")
        }
    }
}
