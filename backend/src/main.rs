use backend::{telemetry, App, Config};

/// `todo-backend` serves; `todo-backend healthcheck [URL]` probes a running one.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("healthcheck") {
        let port = std::env::var("PORT").unwrap_or_else(|_| "8000".into());
        let url = args.next().unwrap_or_else(|| format!("http://127.0.0.1:{port}/health"));
        std::process::exit(if backend::probe::check(&url).await { 0 } else { 1 });
    }

    let config = Config::from_env()?;
    telemetry::init_tracing(config.log_json);
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
    app.run_until(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}
