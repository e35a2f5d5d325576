//! Frontend settings from the environment.

use std::{path::Path, time::Duration};

use secrecy::SecretString;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the backend answers, as seen from this server (never the browser).
    pub backend_url: String,
    pub host: String,
    pub port: u16,
    /// The setting that chose `port`, for error messages (`cargo run` reads
    /// FRONTEND_PORT instead of PORT).
    pub port_variable: &'static str,
    /// Mark cookies `Secure` and `__Host-` (serve over HTTPS), and send HSTS.
    pub cookie_secure: bool,
    /// Keys the CSRF tokens, so that every replica accepts them.
    pub secret: SecretString,
    pub log_json: bool,
    /// Timeout for one backend call; chat turns may wait on a language model.
    pub backend_timeout: Duration,
    pub shutdown_delay: Duration,
    pub shutdown_timeout: Duration,
    /// Header, body and idle timeouts, body size, and the connection cap.
    pub server: common::serve::Limits,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let number = |key: &str, default: u64| -> anyhow::Result<u64> {
            lookup(key).map_or(Ok(default), |v| {
                v.trim().parse().map_err(|_| anyhow::anyhow!("{key} must be a number, got {v:?}"))
            })
        };
        let backend_url = lookup("BACKEND_URL").unwrap_or_else(|| "http://localhost:8000".into());
        if !(backend_url.starts_with("http://") || backend_url.starts_with("https://")) {
            anyhow::bail!("BACKEND_URL must start with http:// or https://, got {backend_url:?}");
        }
        Ok(Config {
            backend_url: backend_url.trim_end_matches('/').to_string(),
            host: lookup("HOST").unwrap_or_else(|| "0.0.0.0".into()),
            port: u16::try_from(number("PORT", 3000)?).map_err(|_| anyhow::anyhow!("PORT must be at most 65535"))?,
            port_variable: "PORT",
            cookie_secure: lookup("COOKIE_SECURE")
                .is_some_and(|v| matches!(v.to_lowercase().as_str(), "1" | "true" | "yes")),
            secret: frontend_secret(lookup("FRONTEND_SECRET"))?,
            log_json: lookup("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
            backend_timeout: Duration::from_secs(number("BACKEND_TIMEOUT_SECS", 60)?),
            shutdown_delay: Duration::from_millis(number("SHUTDOWN_DELAY_MS", 0)?),
            shutdown_timeout: Duration::from_secs(number("SHUTDOWN_TIMEOUT_SECS", 20)?),
            server: common::serve::Limits::from_lookup(&lookup).map_err(anyhow::Error::msg)?,
        })
    }
}

/// File that keeps the generated key of a local run, so forms stay valid
/// across restarts without any configuration.
const LOCAL_SECRET_FILE: &str = ".todo-frontend-secret";
const SECRET_MIN: usize = 32;

/// `FRONTEND_SECRET`, or for a local run one generated once into
/// ./.todo-frontend-secret (mode 0600). Several replicas need the same
/// value, so a deployment sets it (the chart does, from its Secret).
fn frontend_secret(configured: Option<String>) -> anyhow::Result<SecretString> {
    if let Some(secret) = configured {
        if secret.len() < SECRET_MIN {
            anyhow::bail!("FRONTEND_SECRET must be at least {SECRET_MIN} bytes long");
        }
        return Ok(SecretString::from(secret));
    }
    common::secret_file::read_or_create(Path::new(LOCAL_SECRET_FILE), SECRET_MIN).map(SecretString::from).map_err(|error| {
        anyhow::anyhow!("set FRONTEND_SECRET (at least {SECRET_MIN} bytes), or run where ./{LOCAL_SECRET_FILE} can be written: {error}")
    })
}
