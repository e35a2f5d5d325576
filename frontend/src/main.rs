use std::process::ExitCode;

use frontend::{App, Config};

/// `todo-frontend` serves; `todo-frontend healthcheck [URL]` probes a running one.
#[tokio::main]
async fn main() -> ExitCode {
    common::probe::run_if_requested(3000).await;
    common::exit_on_error(serve().await)
}

async fn serve() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let config = Config::from_env()?;
    common::logging::init(config.log_json);
    let backend_url = config.backend_url.clone();
    let app = App::build(config).await?;
    tracing::info!(port = app.port(), backend = %backend_url, "frontend listening on http://localhost:{}", app.port());
    app.run_until(common::signal::terminate()).await
}
