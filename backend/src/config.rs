//! Typed configuration, read once from the environment (and `.env` for local runs).

use std::{env, path::Path, time::Duration};

use secrecy::SecretString;

/// Where the data lives.
#[derive(Clone, Debug)]
pub enum DatabaseTarget {
    /// `postgres://` or `postgresql://` URL (Neon, in-cluster PostgreSQL).
    Postgres(String),
    /// `sqlite:` URL; the embedded default when `DATABASE_URL` is unset.
    Sqlite(String),
}

impl DatabaseTarget {
    pub fn is_local(&self) -> bool {
        matches!(self, DatabaseTarget::Sqlite(_))
    }
}

#[derive(Clone, Debug)]
pub struct LlmConfig {
    /// A name for logs and presets: openai, gemini, groq, openrouter, ollama, custom.
    pub provider: String,
    pub base_url: String,
    pub api_key: Option<SecretString>,
    pub model: String,
    pub timeout: Duration,
    pub max_retries: u32,
    /// First retry delay; doubles on each further retry.
    pub retry_base: Duration,
    pub max_tool_rounds: usize,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database: DatabaseTarget,
    /// HS256 signing key for session tokens.
    pub auth_secret: SecretString,
    pub token_ttl: Duration,
    pub host: String,
    pub port: u16,
    /// The setting that chose `port`, for error messages (`cargo run` reads
    /// BACKEND_PORT instead of PORT).
    pub port_variable: &'static str,
    /// Prometheus metrics are served on their own port, away from the public API.
    pub metrics_port: Option<u16>,
    pub db_max_connections: u32,
    /// How long a request waits for a free database connection before a 503.
    pub db_acquire_timeout: Duration,
    /// Upper bound of one database operation, waiting included; also the
    /// server-side statement timeout on PostgreSQL.
    pub db_timeout: Duration,
    /// After SIGTERM, how long readiness reports 503 before the listener stops,
    /// so that Kubernetes removes the pod from its Services first.
    pub shutdown_delay: Duration,
    /// Upper bound for in-flight requests to finish after the listener stops.
    pub shutdown_timeout: Duration,
    pub log_json: bool,
    /// `None` selects the built-in offline assistant.
    pub llm: Option<LlmConfig>,
    /// Extra `Host` names accepted by the MCP endpoint, besides any Service name.
    pub mcp_allowed_hosts: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed (the frontend, an ingress).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Password hashes running at once (each takes about 19 MiB).
    pub hash_concurrency: usize,
    /// Password hashes waiting beyond those; more are refused with 503.
    pub hash_queue: usize,
    /// Sign-in attempts, and sign-up attempts, per client address per minute.
    pub auth_attempts_per_minute: u32,
    /// Tasks one user may have.
    pub task_limit: u32,
    /// Upper bound of one chat turn, waiting for the conversation and every
    /// language-model round included; then the built-in agent answers.
    pub turn_deadline: Duration,
    /// Header, body and idle timeouts, body size, and the connection cap.
    pub server: common::serve::Limits,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not valid: {1}")]
    Invalid(&'static str, String),
    #[error("AUTH_SECRET must be set (at least 32 bytes) when DATABASE_URL points at PostgreSQL")]
    MissingAuthSecret,
    #[error("AUTH_SECRET must be at least 32 bytes long")]
    ShortAuthSecret,
    #[error("{0}")]
    Server(String),
    #[error("cannot keep the local signing key in ./{LOCAL_SECRET_FILE} (set AUTH_SECRET, or run where the directory is writable): {0}")]
    LocalSecret(std::io::Error),
}

/// File that keeps the generated signing key of a local (SQLite) run, so that
/// sessions survive restarts without any configuration.
const LOCAL_SECRET_FILE: &str = ".todo-auth-secret";

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|key| env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `lookup`, so tests can pass their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database = match lookup("DATABASE_URL") {
            None => DatabaseTarget::Sqlite("sqlite://todo.db?mode=rwc".into()),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                DatabaseTarget::Postgres(url)
            }
            Some(url) if url.starts_with("sqlite:") => DatabaseTarget::Sqlite(url),
            Some(_) => {
                return Err(ConfigError::Invalid("DATABASE_URL", "expected a postgres:// or sqlite: URL".into()))
            }
        };

        let auth_secret = match lookup("AUTH_SECRET") {
            Some(secret) if secret.len() < 32 => return Err(ConfigError::ShortAuthSecret),
            Some(secret) => secret,
            None if database.is_local() => local_secret().map_err(ConfigError::LocalSecret)?,
            None => return Err(ConfigError::MissingAuthSecret),
        };

        let llm = match lookup("LLM_API_KEY").or_else(|| lookup("LLM_BASE_URL")) {
            None => None,
            Some(_) => Some(llm_config(&lookup)?),
        };

        Ok(Config {
            database,
            auth_secret: SecretString::from(auth_secret),
            token_ttl: Duration::from_secs(parse(&lookup, "TOKEN_TTL_SECS", 7 * 24 * 3600)?),
            host: lookup("HOST").unwrap_or_else(|| "0.0.0.0".into()),
            port: parse(&lookup, "PORT", 8000)?,
            port_variable: "PORT",
            metrics_port: match lookup("METRICS_PORT").as_deref() {
                Some("off") => None,
                _ => Some(parse(&lookup, "METRICS_PORT", 9000)?),
            },
            db_max_connections: parse(&lookup, "DB_MAX_CONNECTIONS", 10)?,
            db_acquire_timeout: Duration::from_millis(parse(&lookup, "DB_ACQUIRE_TIMEOUT_MS", 1000)?),
            db_timeout: Duration::from_millis(parse(&lookup, "DB_TIMEOUT_MS", 5000)?.max(1)),
            shutdown_delay: Duration::from_millis(parse(&lookup, "SHUTDOWN_DELAY_MS", 0)?),
            shutdown_timeout: Duration::from_secs(parse(&lookup, "SHUTDOWN_TIMEOUT_SECS", 20)?),
            log_json: lookup("LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json")),
            llm,
            mcp_allowed_hosts: lookup("MCP_ALLOWED_HOSTS")
                .map(|hosts| hosts.split(',').map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).collect())
                .unwrap_or_default(),
            trusted_proxies: trusted_proxies(lookup("TRUSTED_PROXIES"))?,
            hash_concurrency: parse(&lookup, "HASH_CONCURRENCY", default_hash_concurrency())?,
            hash_queue: parse(&lookup, "HASH_QUEUE", 64)?,
            auth_attempts_per_minute: parse(&lookup, "AUTH_ATTEMPTS_PER_MINUTE", 30)?,
            task_limit: parse(&lookup, "TASK_LIMIT", 10_000)?,
            turn_deadline: turn_deadline(&lookup)?,
            server: common::serve::Limits::from_lookup(&lookup).map_err(ConfigError::Server)?,
        })
    }
}

/// The longest a chat turn may take: the web UI waits 60 s for the backend.
/// The `Idempotency-Key` lease and a retry's wait are derived from it.
pub const TURN_DEADLINE_MAX_SECS: u64 = 60;

fn turn_deadline(lookup: &impl Fn(&str) -> Option<String>) -> Result<Duration, ConfigError> {
    match parse(lookup, "CHAT_TURN_DEADLINE_SECS", 30)? {
        secs @ 1..=TURN_DEADLINE_MAX_SECS => Ok(Duration::from_secs(secs)),
        secs => Err(ConfigError::Invalid(
            "CHAT_TURN_DEADLINE_SECS",
            format!("{secs} is not between 1 and {TURN_DEADLINE_MAX_SECS} seconds"),
        )),
    }
}

/// One hash per core, at most four: hashing is CPU-bound, and four at once
/// fit in the chart's memory limit.
fn default_hash_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// A comma-separated list of CIDRs or addresses.
fn trusted_proxies(raw: Option<String>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    raw.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError::Invalid("TRUSTED_PROXIES", format!("{entry:?} is not a CIDR or an address")))
        })
        .collect()
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    key: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(key) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Invalid(key, format!("{raw:?} is not a valid value"))),
    }
}

/// Presets so that `LLM_PROVIDER=groq` plus a key is all a user has to set.
fn llm_config(lookup: &impl Fn(&str) -> Option<String>) -> Result<LlmConfig, ConfigError> {
    let provider = lookup("LLM_PROVIDER").unwrap_or_else(|| "openai".into()).to_lowercase();
    let (default_url, default_model) = match provider.as_str() {
        "openai" => ("https://api.openai.com/v1", "gpt-4o-mini"),
        "gemini" => ("https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.0-flash"),
        "groq" => ("https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"),
        "openrouter" => ("https://openrouter.ai/api/v1", "openai/gpt-4o-mini"),
        "ollama" => ("http://localhost:11434/v1", "llama3.1"),
        _ => ("", ""),
    };
    let base_url = lookup("LLM_BASE_URL").unwrap_or_else(|| default_url.to_string());
    if base_url.is_empty() {
        return Err(ConfigError::Invalid("LLM_BASE_URL", format!("required for LLM_PROVIDER={provider}")));
    }
    let model = lookup("LLM_MODEL").unwrap_or_else(|| default_model.to_string());
    if model.is_empty() {
        return Err(ConfigError::Invalid("LLM_MODEL", format!("required for LLM_PROVIDER={provider}")));
    }
    Ok(LlmConfig {
        provider,
        base_url: base_url.trim_end_matches('/').to_string(),
        api_key: lookup("LLM_API_KEY").map(SecretString::from),
        model,
        timeout: Duration::from_secs(parse(lookup, "LLM_TIMEOUT_SECS", 30)?),
        max_retries: parse(lookup, "LLM_MAX_RETRIES", 3)?,
        retry_base: Duration::from_millis(parse(lookup, "LLM_RETRY_BASE_MS", 500)?),
        max_tool_rounds: parse(lookup, "LLM_MAX_TOOL_ROUNDS", 5)?,
    })
}

/// Reads or creates the signing key of a local run (mode 0600).
fn local_secret() -> std::io::Result<String> {
    common::secret_file::read_or_create(Path::new(LOCAL_SECRET_FILE), 32)
}
