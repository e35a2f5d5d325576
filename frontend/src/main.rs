use frontend::{App, Config};

/// `todo-frontend` serves; `todo-frontend healthcheck [URL]` probes a running one.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::probe::run_if_requested(3000).await;
    let _ = dotenvy::dotenv();
    let config = Config::from_env()?;
    common::logging::init(config.log_json);
    let backend_url = config.backend_url.clone();
    let app = App::build(config).await?;
    tracing::info!(port = app.port(), backend = %backend_url, "frontend listening on http://localhost:{}", app.port());
    app.run_until(common::signal::terminate()).await
}
