use std::process::ExitCode;

use backend::{App, Config};

/// `todo-backend` serves; `todo-backend healthcheck [URL]` probes a running
/// one; `todo-backend reset-password <email>` sets a new password.
#[tokio::main]
async fn main() -> ExitCode {
    common::probe::run_if_requested(8000).await;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("reset-password") => common::exit_on_error(reset_password(args.get(1)).await),
        _ => common::exit_on_error(serve().await),
    }
}

async fn reset_password(email: Option<&String>) -> anyhow::Result<()> {
    let email = email.ok_or_else(|| anyhow::anyhow!("usage: todo-backend reset-password <email>"))?;
    let _ = dotenvy::dotenv();
    let config = Config::from_env()?;
    let password = backend::admin::reset_password(&config, email).await?;
    println!("The new password for {email} is: {password}");
    println!("Every session of the account was ended; personal API tokens still work.");
    Ok(())
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
