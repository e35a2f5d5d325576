//! The `healthcheck` subcommand of both binaries: a distroless image has no
//! shell or curl, so Docker's HEALTHCHECK and Kubernetes exec probes run the
//! binary itself.

use std::time::Duration;

/// GETs `url` and reports whether it answered 2xx within two seconds.
pub async fn check(url: &str) -> bool {
    let Ok(client) = reqwest::Client::builder().timeout(Duration::from_secs(2)).build() else {
        return false;
    };
    client.get(url).send().await.is_ok_and(|response| response.status().is_success())
}

/// Runs `<binary> healthcheck [URL]` if those are the arguments, probing
/// `http://127.0.0.1:$PORT/health` by default, and exits with its result.
pub async fn run_if_requested(default_port: u16) {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("healthcheck") {
        return;
    }
    let port = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(default_port);
    let url = args.next().unwrap_or_else(|| format!("http://127.0.0.1:{port}/health"));
    std::process::exit(if check(&url).await { 0 } else { 1 });
}
