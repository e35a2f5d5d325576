//! `cargo run`: the backend (embedded SQLite, built-in assistant unless
//! configured) and the web UI in one process, for trying the app locally.
//! Deployments run the two services separately (todo-backend, todo-frontend).

use std::{env, process::ExitCode};

#[tokio::main]
async fn main() -> ExitCode {
    common::exit_on_error(run().await)
}

async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    // Both services read PORT; here each gets its own.
    let backend_port = port_setting("BACKEND_PORT", 8000)?;
    let frontend_port = port_setting("FRONTEND_PORT", 3000)?;
    let host = env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    // The web UI calls the backend from this machine on the browser's
    // behalf, passing the browser's address on.
    let loopback = "127.0.0.0/8,::1".to_string();

    let mut backend_config = backend::Config::from_lookup(|key| match key {
        "PORT" => Some(backend_port.clone()),
        "HOST" => Some(host.clone()),
        "TRUSTED_PROXIES" => Some(env::var(key).unwrap_or_else(|_| loopback.clone())),
        _ => env::var(key).ok().filter(|v| !v.trim().is_empty()),
    })?;
    backend_config.port_variable = "BACKEND_PORT";
    common::logging::init(backend_config.log_json);
    let backend = backend::App::build(backend_config).await?;
    let backend_url = format!("http://127.0.0.1:{}", backend.port());

    let mut frontend_config = frontend::Config::from_lookup(|key| match key {
        "PORT" => Some(frontend_port.clone()),
        "HOST" => Some(host.clone()),
        "BACKEND_URL" => Some(backend_url.clone()),
        _ => env::var(key).ok().filter(|v| !v.trim().is_empty()),
    })?;
    frontend_config.port_variable = "FRONTEND_PORT";
    let frontend = frontend::App::build(frontend_config).await?;

    tracing::info!(
        api = %backend_url,
        assistant = %backend.state().assistant.name(),
        "Todo Chatbot is running: open http://localhost:{} (API on {backend_url}, docs at {backend_url}/api/openapi.json)",
        frontend.port()
    );
    let (backend_done, frontend_done) =
        tokio::join!(backend.run_until(common::signal::terminate()), frontend.run_until(common::signal::terminate()),);
    backend_done.and(frontend_done)
}

/// A port from `variable`, or `default`.
fn port_setting(variable: &str, default: u16) -> anyhow::Result<String> {
    match env::var(variable).ok().filter(|v| !v.trim().is_empty()) {
        None => Ok(default.to_string()),
        Some(raw) => raw
            .trim()
            .parse::<u16>()
            .map(|port| port.to_string())
            .map_err(|_| anyhow::anyhow!("{variable} must be a port number (0 to 65535), got {raw:?}")),
    }
}
