//! The `healthcheck` subcommand: a distroless image has no shell or curl, so
//! Docker's HEALTHCHECK and Kubernetes exec probes run the binary itself.

use std::time::Duration;

/// GETs `url` and reports whether it answered 2xx within two seconds.
pub async fn check(url: &str) -> bool {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(2)).build() {
        Ok(client) => client,
        Err(_) => return false,
    };
    match client.get(url).send().await {
        Ok(response) => response.status().is_success(),
        Err(_) => false,
    }
}
