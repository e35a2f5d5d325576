use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), JSON
/// lines when asked for (containers), human-readable otherwise.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(tracing_subscriber::fmt::layer().json().flatten_event(true)).init();
    } else {
        registry.with(tracing_subscriber::fmt::layer()).init();
    }
}
