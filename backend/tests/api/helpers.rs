//! Test harness: the real backend on 127.0.0.1:0 against a real store.
//!
//! PostgreSQL comes from `TEST_DATABASE_URL` (an admin URL of a throwaway
//! cluster; `scripts/test.sh` starts one). Each test gets its own database,
//! so tests run in parallel. SQLite tests get a file in a temporary folder.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Store {
    Postgres,
    Sqlite,
}

/// Generates `mod name { postgres(), sqlite() }` tests running `name(store)`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn postgres() { super::$name($crate::helpers::Store::Postgres).await }
            #[tokio::test]
            async fn sqlite() { super::$name($crate::helpers::Store::Sqlite).await }
        }
    )*};
}

pub const AUTH_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

/// Admin URL of the test cluster; a missing cluster fails loudly, never skips.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .expect("TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL")
}

/// Creates an empty database on the test cluster and returns its URL.
pub async fn fresh_postgres_database() -> String {
    let admin = admin_url();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("admin URL has a database name");
    format!("{base}/{name}")
}

/// A place for one test's data, kept alive as long as the test runs.
pub struct StoreHandle {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl StoreHandle {
    pub async fn new(store: Store) -> Self {
        match store {
            Store::Postgres => StoreHandle { url: fresh_postgres_database().await, _dir: None },
            Store::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("todo.db").display());
                StoreHandle { url, _dir: Some(dir) }
            }
        }
    }
}

pub fn base_env(database_url: &str) -> HashMap<String, String> {
    HashMap::from([
        ("DATABASE_URL".to_string(), database_url.to_string()),
        ("AUTH_SECRET".to_string(), AUTH_SECRET.to_string()),
        ("HOST".to_string(), "127.0.0.1".to_string()),
        ("PORT".to_string(), "0".to_string()),
        ("METRICS_PORT".to_string(), "0".to_string()),
        // Tests sign up many users from one address; the limit has its own test.
        ("AUTH_ATTEMPTS_PER_MINUTE".to_string(), "100000".to_string()),
    ])
}

/// [`base_env`] with some settings added or replaced.
pub fn env_with(database_url: &str, settings: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env = base_env(database_url);
    env.extend(settings.iter().map(|(key, value)| (key.to_string(), value.to_string())));
    env
}

/// A running in-process backend and an HTTP client for it.
pub struct TestApp {
    pub base: String,
    pub metrics_base: String,
    pub client: reqwest::Client,
    pub database_url: String,
    server: Option<backend::testing::Spawned>,
    _store: Option<StoreHandle>,
}

impl TestApp {
    pub async fn spawn(store: Store) -> Self {
        let handle = StoreHandle::new(store).await;
        let mut app = Self::spawn_with(base_env(&handle.url)).await;
        app._store = Some(handle);
        app
    }

    /// Starts a backend with exactly these settings.
    pub async fn spawn_with(env: HashMap<String, String>) -> Self {
        let server = backend::testing::spawn(&env).await;
        TestApp {
            base: server.base.clone(),
            metrics_base: server.metrics_base.clone().unwrap_or_default(),
            client: reqwest::Client::new(),
            database_url: env["DATABASE_URL"].clone(),
            server: Some(server),
            _store: None,
        }
    }

    /// A client of a backend running elsewhere (e.g. a [`BackendProcess`]).
    pub fn attach(base: String, database_url: &str) -> Self {
        TestApp {
            base,
            metrics_base: String::new(),
            client: reqwest::Client::new(),
            database_url: database_url.to_string(),
            server: None,
            _store: None,
        }
    }

    /// Keeps `store` alive as long as this app.
    pub fn keep(&mut self, store: StoreHandle) {
        self._store = Some(store);
    }

    /// Stops the server (graceful shutdown) and keeps the store for a restart.
    pub async fn stop(&mut self) -> Option<StoreHandle> {
        if let Some(server) = self.server.as_mut() {
            server.stop().await;
        }
        self._store.take()
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        let value =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, value)
    }

    pub async fn sign_up(&self, email: &str) -> User {
        let (status, body) = self
            .request(
                Method::POST,
                "/api/auth/sign-up",
                None,
                Some(json!({ "email": email, "password": "tidy-otter-planets-42" })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "sign-up failed: {body}");
        User {
            id: body["user"]["id"].as_str().unwrap().to_string(),
            token: body["token"].as_str().unwrap().to_string(),
        }
    }

    /// Signs up a user with a unique email.
    pub async fn new_user(&self) -> User {
        self.sign_up(&format!("user-{}@example.com", uuid::Uuid::new_v4().simple())).await
    }

    pub async fn create_task(&self, user: &User, title: &str) -> Value {
        let (status, body) = self
            .request(
                Method::POST,
                &format!("/api/{}/tasks", user.id),
                Some(&user.token),
                Some(json!({ "title": title })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create failed: {body}");
        body
    }

    /// Every task of the list, page after page (following `Link`).
    pub async fn list_tasks(&self, user: &User, status: &str) -> Vec<Value> {
        self.list_all(user, &format!("/api/{}/tasks?status={status}", user.id)).await
    }

    /// Every task `path` lists, following the `Link: <…>; rel="next"` headers.
    pub async fn list_all(&self, user: &User, path: &str) -> Vec<Value> {
        let mut tasks = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next.take() {
            let response =
                self.client.get(format!("{}{path}", self.base)).bearer_auth(&user.token).send().await.expect("list");
            assert_eq!(response.status(), StatusCode::OK, "list failed: {path}");
            next = response
                .headers()
                .get("link")
                .and_then(|link| link.to_str().ok())
                .and_then(|link| link.strip_prefix('<'))
                .and_then(|link| link.split_once(">; rel=\"next\""))
                .map(|(path, _)| path.to_string());
            let page: Vec<Value> = response.json().await.expect("a JSON array");
            tasks.extend(page);
        }
        tasks
    }

    pub async fn chat(&self, user: &User, conversation_id: Option<i64>, message: &str) -> (StatusCode, Value) {
        let mut body = json!({ "message": message });
        if let Some(id) = conversation_id {
            body["conversation_id"] = json!(id);
        }
        self.request(Method::POST, &format!("/api/{}/chat", user.id), Some(&user.token), Some(body)).await
    }

    pub async fn get(&self, path: &str) -> StatusCode {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("request").status()
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub token: String,
}

/// Polls `check` until it is true, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A PostgreSQL cluster of the test's own, for tests that stop and start it.
pub struct OwnCluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub url: String,
}

impl OwnCluster {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("todo-pg-").tempdir_in("/tmp").expect("tempdir");
        let port = free_port();
        let url = Self::run("start", dir.path(), port);
        OwnCluster { dir, port, url: url.trim().to_string() }
    }

    pub fn stop(&self) {
        Self::run("stop", self.dir.path(), self.port);
    }

    pub fn restart(&self) {
        Self::run("start", self.dir.path(), self.port);
    }

    fn postmaster_pid(&self) -> Option<String> {
        let pid_file = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid")).ok()?;
        pid_file.lines().next().map(str::to_string)
    }

    /// Sends `signal` to the server and all its processes (`STOP` freezes
    /// the database as a hung machine would, `CONT` thaws it).
    pub fn signal_all(&self, signal: &str) {
        let postmaster = self.postmaster_pid().expect("the cluster is running");
        let children = Command::new("pgrep").args(["-P", &postmaster]).output().expect("pgrep");
        let mut pids = vec![postmaster];
        pids.extend(String::from_utf8_lossy(&children.stdout).split_whitespace().map(str::to_string));
        let status = Command::new("kill").arg(format!("-{signal}")).args(&pids).status().unwrap();
        assert!(status.success(), "kill -{signal} {pids:?}");
    }

    /// An immediate shutdown, as after a crash: sessions end without a
    /// goodbye and the next start runs recovery.
    pub fn crash(&self) {
        let postmaster = self.postmaster_pid().expect("the cluster is running");
        Command::new("kill").args(["-QUIT", &postmaster]).status().unwrap();
        for _ in 0..100 {
            if self.postmaster_pid().is_none() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("PostgreSQL did not stop after SIGQUIT");
    }

    fn run(command: &str, dir: &std::path::Path, port: u16) -> String {
        let output = Command::new(repo_root().join("scripts/pg-cluster.sh"))
            .args([command, dir.to_str().unwrap(), &port.to_string()])
            .output()
            .expect("run scripts/pg-cluster.sh");
        assert!(output.status.success(), "pg-cluster {command} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).to_string()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new(repo_root().join("scripts/pg-cluster.sh"))
            .args(["destroy", self.dir.path().to_str().unwrap()])
            .output();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A backend as a separate process, as a container runs it.
pub struct BackendProcess {
    pub child: Child,
    pub port: u16,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl BackendProcess {
    pub fn start(env: HashMap<String, String>) -> Self {
        Self::start_command(Command::new(env!("CARGO_BIN_EXE_todo-backend")), env)
    }

    /// Runs `command` (the backend binary, or a wrapper that execs it) with
    /// `env` and JSON logs, and waits until it logs its port.
    pub fn start_command(mut command: Command, env: HashMap<String, String>) -> Self {
        let mut child = command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start todo-backend");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let port = loop {
            let line = lines.next().expect("backend printed its port").expect("log line");
            logs.lock().unwrap().push(line.clone());
            if let Ok(entry) = serde_json::from_str::<Value>(&line) {
                if let Some(port) = entry["port"].as_u64() {
                    break port as u16;
                }
            }
        };
        let sink = logs.clone();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|line| sink.lock().unwrap().push(line)));
        BackendProcess { child, port, logs }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A [`TestApp`] client of this process.
    pub fn client(&self, database_url: &str) -> TestApp {
        TestApp::attach(self.url(""), database_url)
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -{signal}");
    }

    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("process status");
        let line = status.lines().find(|line| line.starts_with("VmRSS:")).expect("VmRSS line");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    pub fn logged(&self, text: &str) -> bool {
        self.logs.lock().unwrap().iter().any(|line| line.contains(text))
    }

    /// Waits for the exit, failing the test if it takes longer than `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("backend did not exit within {limit:?}; logs: {:?}", self.logs.lock().unwrap());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for BackendProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestApp {
    /// The stored messages of a conversation, oldest first.
    pub async fn messages(&self, user: &User, conversation_id: i64) -> Vec<Value> {
        let path = format!("/api/{}/conversations/{conversation_id}/messages", user.id);
        let (status, messages) = self.request(Method::GET, &path, Some(&user.token), None).await;
        assert_eq!(status, StatusCode::OK, "messages failed: {messages}");
        messages.as_array().expect("a JSON array").clone()
    }
}

impl TestApp {
    /// Sends a chat turn asking for Server-Sent Events; checks that a
    /// stream comes back.
    pub async fn chat_stream(&self, user: &User, body: Value) -> reqwest::Response {
        let response = self
            .client
            .post(format!("{}/api/{}/chat", self.base, user.id))
            .bearer_auth(&user.token)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(&body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK);
        let kind = response.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/event-stream"), "{kind}");
        response
    }
}

/// One event of a `text/event-stream` body, its data read as JSON.
#[derive(Debug)]
pub struct SseEvent {
    pub name: String,
    pub data: Value,
}

/// The named events of a whole `text/event-stream` body (comments skipped).
pub fn sse_events(body: &str) -> Vec<SseEvent> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = Vec::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = Some(value.trim().to_string());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            let name = name?;
            let data = serde_json::from_str(&data.join("\n")).expect("event data is JSON");
            Some(SseEvent { name, data })
        })
        .collect()
}
