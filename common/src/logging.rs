use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

/// Used when `RUST_LOG` is not set.
const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info";
/// The MCP library logs whole requests and results (a user's task titles,
/// tool arguments) at debug level; they stay out unless `RUST_LOG` names
/// it explicitly.
const QUIET_LIBRARIES: &str = "rmcp=warn";

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), JSON
/// lines when asked for (containers), human-readable otherwise.
pub fn init(json: bool) {
    let registry = tracing_subscriber::registry().with(filter(std::env::var("RUST_LOG").ok().as_deref()));
    if json {
        registry.with(tracing_subscriber::fmt::layer().json().flatten_event(true)).init();
    } else {
        registry.with(tracing_subscriber::fmt::layer()).init();
    }
}

fn filter(configured: Option<&str>) -> EnvFilter {
    let directives = match configured.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) if value.contains("rmcp") => value.to_string(),
        Some(value) => format!("{value},{QUIET_LIBRARIES}"),
        None => format!("{DEFAULT_FILTER},{QUIET_LIBRARIES}"),
    };
    EnvFilter::try_new(&directives).unwrap_or_else(|error| {
        eprintln!("RUST_LOG={configured:?} is not a valid filter ({error}); using {DEFAULT_FILTER}");
        EnvFilter::new(format!("{DEFAULT_FILTER},{QUIET_LIBRARIES}"))
    })
}
