//! The real backend (on a SQLite file) and the frontend, both in-process on
//! 127.0.0.1:0, and a browser-like HTTP client with a cookie jar.
#![allow(dead_code)]

use std::{collections::HashMap, sync::Arc};

use reqwest::{cookie::Jar, redirect, StatusCode};
use tokio::sync::oneshot;

pub struct Server {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Server {
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The real backend on a SQLite file in `dir`, started the way the
/// backend's own tests start it.
pub async fn start_backend(dir: &std::path::Path) -> backend::testing::Spawned {
    start_backend_with(dir, &[]).await
}

/// The real backend with some settings added.
pub async fn start_backend_with(dir: &std::path::Path, settings: &[(&str, &str)]) -> backend::testing::Spawned {
    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("todo.db").display())),
        ("AUTH_SECRET", "frontend-test-secret-at-least-32-bytes!!".into()),
        ("HOST", "127.0.0.1".into()),
        ("PORT", "0".into()),
        ("METRICS_PORT", "off".into()),
        ("AUTH_ATTEMPTS_PER_MINUTE", "100000".into()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect();
    env.extend(settings.iter().map(|(key, value)| (key.to_string(), value.to_string())));
    backend::testing::spawn(&env).await
}

/// A language model provider that streams its answer slowly, in OpenAI's
/// Chat Completions streaming format: `pieces`, one every `gap`.
pub async fn slow_provider(pieces: &'static [&'static str], gap: std::time::Duration) -> String {
    use axum::{body::Body, http::header, response::IntoResponse, routing::post, Router};
    use futures_util::StreamExt;

    let answer = move || async move {
        let chunk = |delta: serde_json::Value, finish: Option<&str>| {
            let chunk = serde_json::json!({ "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }] });
            format!("data: {chunk}\n\n")
        };
        let mut frames: Vec<String> =
            pieces.iter().map(|piece| chunk(serde_json::json!({ "content": piece }), None)).collect();
        frames.push(chunk(serde_json::json!({}), Some("stop")));
        frames.push("data: [DONE]\n\n".into());
        let body = futures_util::stream::iter(frames).then(move |frame| async move {
            tokio::time::sleep(gap).await;
            Ok::<_, std::convert::Infallible>(frame)
        });
        ([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(body)).into_response()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/v1/chat/completions", post(answer))).await });
    base
}

pub async fn start_frontend(backend_url: &str) -> Server {
    start_frontend_with(backend_url, &[]).await
}

/// A frontend with some settings added or replaced.
pub async fn start_frontend_with(backend_url: &str, settings: &[(&'static str, &str)]) -> Server {
    let mut env: HashMap<&str, String> = HashMap::from([
        ("BACKEND_URL", backend_url.to_string()),
        ("HOST", "127.0.0.1".into()),
        ("PORT", "0".into()),
        ("BACKEND_TIMEOUT_SECS", "5".into()),
        ("FRONTEND_SECRET", "frontend-test-secret-at-least-32-bytes!!".into()),
    ]);
    env.extend(settings.iter().map(|(key, value)| (*key, value.to_string())));
    let app = frontend::App::build(frontend::Config::from_lookup(|k| env.get(k).cloned()).unwrap()).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Server { base, stop: Some(stop), task: Some(task) }
}

/// Backend and frontend, wired as in a deployment.
pub struct Stack {
    pub backend: backend::testing::Spawned,
    pub frontend: Server,
    _dir: tempfile::TempDir,
}

impl Stack {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// The stack with some backend settings added.
    pub async fn start_with(backend_settings: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let backend = start_backend_with(dir.path(), backend_settings).await;
        let frontend = start_frontend(&backend.base).await;
        Stack { backend, frontend, _dir: dir }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.frontend.base)
    }
}

/// A client that behaves like a browser without JavaScript: cookies, forms.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
}

pub struct Page {
    pub status: StatusCode,
    pub url: String,
    pub html: String,
}

impl Page {
    /// The CSRF token the page's forms carry.
    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The value of the page's first hidden field `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker).unwrap_or_else(|| panic!("page has a field {name}")) + marker.len();
        self.html[start..].split('"').next().unwrap().to_string()
    }

    pub fn contains(&self, text: &str) -> bool {
        self.html.contains(text)
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(redirect::Policy::limited(5))
            .build()
            .unwrap();
        Browser { base: base.to_string(), client, jar }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        Self::page(response).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self.client.post(format!("{}{path}", self.base)).form(form).send().await.unwrap();
        Self::page(response).await
    }

    async fn page(response: reqwest::Response) -> Page {
        Page { status: response.status(), url: response.url().to_string(), html: response.text().await.unwrap() }
    }

    /// Signs up through the form and lands on the task list.
    pub async fn sign_up(&self, email: &str) -> Page {
        let form = self.get("/sign-up").await;
        let page = self
            .post("/sign-up", &[("csrf", &form.csrf()), ("email", email), ("password", "tidy-otter-planets-42")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.url.ends_with("/tasks?notice=welcome"), "{}", page.url);
        page
    }

    pub async fn csrf(&self) -> String {
        self.get("/tasks").await.csrf()
    }

    pub async fn add_task(&self, title: &str) -> Page {
        let csrf = self.csrf().await;
        self.post("/tasks", &[("csrf", &csrf), ("title", title), ("description", "")]).await
    }

    /// The id shown for the task titled `title` on the task list.
    pub async fn task_id(&self, title: &str) -> i64 {
        let page = self.get("/tasks").await;
        let at = page.html.find(&format!("<span class=\"title\" dir=\"auto\">{title}</span>")).expect("task is listed");
        let after = &page.html[at..];
        let id = after.split("<span class=\"id\">#").nth(1).unwrap().split('<').next().unwrap();
        id.parse().unwrap()
    }
}
