//! `cargo run`: the backend (embedded SQLite, built-in assistant unless
//! configured) and the web UI in one process, for trying the app locally.
//! Deployments run the two services separately (todo-backend, todo-frontend).

use std::env;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    // Both services read PORT; here each gets its own.
    let backend_port = env::var("BACKEND_PORT").unwrap_or_else(|_| "8000".into());
    let frontend_port = env::var("FRONTEND_PORT").unwrap_or_else(|_| "3000".into());
    let host = env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());

    let backend_config = backend::Config::from_lookup(|key| match key {
        "PORT" => Some(backend_port.clone()),
        "HOST" => Some(host.clone()),
        _ => env::var(key).ok().filter(|v| !v.trim().is_empty()),
    })?;
    common::logging::init(backend_config.log_json);
    let backend = backend::App::build(backend_config).await?;
    let backend_url = format!("http://127.0.0.1:{}", backend.port());

    let frontend_config = frontend::Config::from_lookup(|key| match key {
        "PORT" => Some(frontend_port.clone()),
        "HOST" => Some(host.clone()),
        "BACKEND_URL" => Some(backend_url.clone()),
        _ => env::var(key).ok().filter(|v| !v.trim().is_empty()),
    })?;
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
