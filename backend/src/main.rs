use std::process::ExitCode;

use backend::{App, Config};

/// `todo-backend` serves; `todo-backend healthcheck [URL]` probes a running one.
#[tokio::main]
async fn main() -> ExitCode {
    common::probe::run_if_requested(8000).await;
    common::exit_on_error(serve().await)
}

async fn serve() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let config = Config::from_env()?;
    common::logging::init(config.log_json);
    // Only the kind of a PostgreSQL URL is logged: it carries a password.
    let database = match &config.database {
        backend::config::DatabaseTarget::Postgres(_) => "postgres".to_string(),
        backend::config::DatabaseTarget::Sqlite(url) => url.clone(),
    };
    let app = App::build(config).await?;
    tracing::info!(
        port = app.port(),
        metrics_port = app.metrics_port(),
        database,
        assistant = %app.state().assistant.name(),
        "backend listening on http://localhost:{}",
        app.port()
    );
    app.run_until(common::signal::terminate()).await
}
