//! The fault suite: what the backend promises when its process dies, its
//! disk fills, or its database restarts, freezes or is busy (each promise
//! and its test are listed in docs/RELIABILITY.md).

use std::{
    collections::{HashMap, HashSet},
    io::Write,
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

use crate::helpers::{base_env, env_with, eventually, BackendProcess, OwnCluster, Store, StoreHandle, TestApp, User};

on_both_stores!(kill_9_during_concurrent_writes_loses_no_acknowledged_task, idempotent_creates_replay_the_first_answer);

/// Eight writers create tasks, each request with its own Idempotency-Key,
/// until the backend is killed with SIGKILL. After a restart every
/// acknowledged task is there, and retrying the requests that got no answer
/// (with their keys) creates each task at most once.
async fn kill_9_during_concurrent_writes_loses_no_acknowledged_task(store: Store) {
    let handle = StoreHandle::new(store).await;
    let env = base_env(&handle.url);
    let backend = BackendProcess::start(env.clone());
    let user = backend.client(&handle.url).new_user().await;
    let url = backend.url(&format!("/api/{}/tasks", user.id));

    let acknowledged = Arc::new(Mutex::new(HashMap::<String, i64>::new()));
    let in_doubt = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (client, url, token) = (reqwest::Client::new(), url.clone(), user.token.clone());
        let (acknowledged, in_doubt) = (acknowledged.clone(), in_doubt.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..100_000 {
                let key = format!("w{writer}-{n}");
                let sent = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(&json!({ "title": key }))
                    .send()
                    .await;
                let answer = match sent {
                    Ok(response) => (response.status(), response.json::<Value>().await),
                    Err(_) => (StatusCode::BAD_GATEWAY, Ok(Value::Null)),
                };
                match answer {
                    (StatusCode::CREATED, Ok(task)) => {
                        acknowledged.lock().unwrap().insert(key, task["id"].as_i64().unwrap());
                    }
                    (StatusCode::CREATED | StatusCode::BAD_GATEWAY, _) => {
                        // No complete answer: the process died under this request.
                        in_doubt.lock().unwrap().push(key);
                        return;
                    }
                    (status, body) => panic!("unexpected answer {status}: {body:?}"),
                }
            }
        }));
    }
    let enough = eventually(Duration::from_secs(30), || async { acknowledged.lock().unwrap().len() >= 150 }).await;
    assert!(enough, "the writers got going");
    backend.signal("KILL");
    for writer in writers {
        writer.await.unwrap();
    }
    drop(backend);

    let backend = BackendProcess::start(env);
    let api = backend.client(&handle.url);
    let in_doubt = in_doubt.lock().unwrap().clone();
    for key in &in_doubt {
        let retried = api
            .client
            .post(backend.url(&format!("/api/{}/tasks", user.id)))
            .bearer_auth(&user.token)
            .header("Idempotency-Key", key)
            .json(&json!({ "title": key }))
            .send()
            .await
            .unwrap();
        assert_eq!(retried.status(), StatusCode::CREATED, "retry of {key}");
    }

    let stored = all_tasks(&api, &user).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    for (key, id) in &acknowledged {
        assert!(stored.iter().any(|t| t["id"] == *id && t["title"] == *key), "acknowledged {key} (id {id}) was lost");
    }
    let titles: Vec<&str> = stored.iter().map(|t| t["title"].as_str().unwrap()).collect();
    let distinct: HashSet<&&str> = titles.iter().collect();
    assert_eq!(distinct.len(), titles.len(), "a task was created twice");
    assert_eq!(titles.len(), acknowledged.len() + in_doubt.len(), "exactly the requests that were made");
    eprintln!(
        "figures: {store:?} kill -9: {} acknowledged, {} in doubt retried, 0 lost, 0 twice",
        acknowledged.len(),
        in_doubt.len()
    );
    if store == Store::Sqlite {
        let mut conn = sqlx::SqliteConnection::connect(&handle.url).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap();
        assert_eq!(check, "ok");
    }
}

async fn all_tasks(api: &TestApp, user: &User) -> Vec<Value> {
    api.list_tasks(user, "all").await
}

/// Sends a create with an Idempotency-Key; returns status, body and
/// whether the answer was a replay.
async fn create_with_key(app: &TestApp, user: &User, key: &str, body: Value) -> (StatusCode, Value, bool) {
    let response = app
        .client
        .post(format!("{}/api/{}/tasks", app.base, user.id))
        .bearer_auth(&user.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    (response.status(), response.json().await.unwrap(), replayed)
}

async fn idempotent_creates_replay_the_first_answer(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;

    let (status, first, replayed) = create_with_key(&app, &user, "key-1", json!({ "title": "Pay rent" })).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
    let (status, again, replayed) = create_with_key(&app, &user, "key-1", json!({ "title": "Pay rent" })).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first, "the first answer, byte for byte");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 1);

    // The same key for another request is a client bug: refused, nothing changes.
    let (status, refused, _) = create_with_key(&app, &user, "key-1", json!({ "title": "Pay gas" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"], "idempotency_key_reused");
    // Another user's key space is their own.
    let other = app.new_user().await;
    let (status, theirs, replayed) = create_with_key(&app, &other, "key-1", json!({ "title": "Pay rent" })).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
    assert_eq!(theirs["user_id"], other.id.as_str());
    // A refused request is not remembered: the corrected retry goes through.
    let (status, _, _) = create_with_key(&app, &user, "key-2", json!({ "title": " " })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, replayed) = create_with_key(&app, &user, "key-2", json!({ "title": "Fixed" })).await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
    // Keys must be sensible.
    let (status, body, _) = create_with_key(&app, &user, &"k".repeat(256), json!({ "title": "x" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Ten copies of one request at once: one task, one answer.
    let copies = (0..10).map(|_| create_with_key(&app, &user, "burst", json!({ "title": "Once" })));
    let answers = futures_util::future::join_all(copies).await;
    let ids: HashSet<i64> = answers
        .iter()
        .map(|(status, body, _)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every copy got the same task");
    assert_eq!(answers.iter().filter(|(_, _, replayed)| !replayed).count(), 1, "one of them did the work");
    let titles: Vec<Value> = app.list_tasks(&user, "all").await.iter().map(|t| t["title"].clone()).collect();
    assert_eq!(titles, [json!("Pay rent"), json!("Fixed"), json!("Once")]);

    // A chat turn retried with its key is answered once and stored once.
    let turn = |key: &'static str| {
        app.client
            .post(format!("{}/api/{}/chat", app.base, user.id))
            .bearer_auth(&user.token)
            .header("Idempotency-Key", key)
            .json(&json!({ "message": "Add a task to buy milk" }))
            .send()
    };
    let first: Value = turn("chat-1").await.unwrap().json().await.unwrap();
    let retry = turn("chat-1").await.unwrap();
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().await.unwrap(), first);
    let conversation = first["conversation_id"].as_i64().unwrap();
    let path = format!("/api/{}/conversations/{conversation}/messages", user.id);
    let (_, messages) = app.request(Method::GET, &path, Some(&user.token), None).await;
    assert_eq!(messages.as_array().unwrap().len(), 2, "one user message and one reply");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 4, "milk was added once");
}

/// The SQLite file on a 4 MiB tmpfs that the test fills up: every create
/// answers 201 and is stored, or 503 `storage_full` and is not; reads go on;
/// once space returns, writes work again without a restart.
#[tokio::test]
async fn a_full_disk_under_sqlite_answers_503_keeps_every_201_and_recovers() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().display().to_string();
    let url = format!("sqlite://{dir}/todo.db?mode=rwc");
    // A mount namespace of the backend's own (no root needed): a small
    // tmpfs over `dir`, then the backend itself.
    let mut wrapper = Command::new("unshare");
    wrapper
        .args(["--user", "--map-root-user", "--mount", "sh", "-c"])
        .arg(format!("mount -t tmpfs -o size=4m tmpfs '{dir}' && exec '{}'", env!("CARGO_BIN_EXE_todo-backend")));
    let backend = BackendProcess::start_command(wrapper, base_env(&url));
    let api = backend.client(&url);
    let user = api.new_user().await;
    // The tmpfs as the backend sees it, reached through its /proc entry.
    let mounted = format!("/proc/{}/root{dir}", backend.child.id());
    let filler = Path::new(&mounted).join("filler");
    fill_disk(&filler, 256 * 1024);

    let description = "x".repeat(1000);
    let (mut created, mut refused) = (Vec::new(), 0);
    for n in 0..20_000 {
        let body = json!({ "title": format!("task {n}"), "description": description });
        let (status, answer) =
            api.request(Method::POST, &format!("/api/{}/tasks", user.id), Some(&user.token), Some(body)).await;
        match status {
            StatusCode::CREATED => created.push(answer["id"].as_i64().unwrap()),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(answer["error"], "storage_full", "{answer}");
                refused += 1;
                if refused == 20 {
                    break;
                }
            }
            other => panic!("unexpected {other}: {answer}"),
        }
    }
    assert!(!created.is_empty() && refused == 20, "the disk filled up: {} created, {refused} refused", created.len());
    let listed: Vec<i64> = all_tasks(&api, &user).await.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, created, "exactly the acknowledged tasks are stored, and reads still work");
    eprintln!("figures: full disk: {} created and stored, then {refused} refused with 503", created.len());
    assert!(backend.logged("database outage"), "the outage is logged");

    std::fs::remove_file(&filler).unwrap();
    let again = api.create_task(&user, "after the disk was freed").await;
    let listed = all_tasks(&api, &user).await;
    assert_eq!(listed.len(), created.len() + 1);
    assert_eq!(listed.last().unwrap()["id"], again["id"]);
    // SQLite resolves /proc/…/root back to this namespace's path, so the
    // (now idle) database is checked on a copy.
    let copy = tempfile::tempdir().unwrap();
    for file in ["todo.db", "todo.db-wal"] {
        std::fs::copy(Path::new(&mounted).join(file), copy.path().join(file)).unwrap();
    }
    let copied = format!("sqlite://{}/todo.db", copy.path().display());
    let mut conn = sqlx::SqliteConnection::connect(&copied).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap();
    assert_eq!(check, "ok");
}

/// Writes zeros to `path` until the disk is full, then gives back `spare` bytes.
fn fill_disk(path: &Path, spare: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.flush();
    let size = file.metadata().unwrap().len();
    file.set_len(size.saturating_sub(spare)).unwrap();
}

/// Counts the statuses seen by clients hammering the API.
#[derive(Default)]
struct Tally {
    statuses: Mutex<HashMap<u16, usize>>,
    without_retry_after: Mutex<usize>,
}

impl Tally {
    fn count(&self, status: u16) -> usize {
        self.statuses.lock().unwrap().get(&status).copied().unwrap_or_default()
    }
}

/// Eight clients creating and listing tasks until `stop` is set.
fn load(app: &TestApp, user: &User, stop: Arc<AtomicBool>, tally: Arc<Tally>) -> Vec<tokio::task::JoinHandle<()>> {
    (0..8)
        .map(|worker| {
            let (client, url, token) =
                (app.client.clone(), format!("{}/api/{}/tasks", app.base, user.id), user.token.clone());
            let (stop, tally) = (stop.clone(), tally.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let request = if n % 2 == 0 {
                        client.post(&url).json(&json!({ "title": format!("w{worker} n{n}") }))
                    } else {
                        client.get(&url)
                    };
                    let Ok(response) = request.bearer_auth(&token).send().await else { continue };
                    let status = response.status().as_u16();
                    if status == 503 && response.headers().get("retry-after").is_none() {
                        *tally.without_retry_after.lock().unwrap() += 1;
                    }
                    *tally.statuses.lock().unwrap().entry(status).or_default() += 1;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
        .collect()
}

/// A fast shutdown (sessions get 57P01), then a crash (57P02 and 57P03
/// while it recovers) of PostgreSQL under load: clients see 503 with
/// Retry-After, never 500, and service resumes by itself.
#[tokio::test]
async fn a_postgresql_restart_under_load_answers_503_never_500() {
    let cluster = OwnCluster::start();
    let app = TestApp::spawn_with(base_env(&cluster.url)).await;
    let user = app.new_user().await;
    let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Tally::default()));
    let workers = load(&app, &user, stop.clone(), tally.clone());
    let ready = || async { app.get("/ready").await == StatusCode::OK };

    for outage in ["fast shutdown", "crash"] {
        let served = tally.count(200) + tally.count(201);
        assert!(
            eventually(Duration::from_secs(10), || async { tally.count(200) + tally.count(201) > served + 50 }).await
        );
        if outage == "crash" {
            cluster.crash();
        } else {
            cluster.stop();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        cluster.restart();
        assert!(eventually(Duration::from_secs(30), ready).await, "ready again after the {outage}");
    }
    let served = tally.count(200) + tally.count(201);
    assert!(eventually(Duration::from_secs(10), || async { tally.count(200) + tally.count(201) > served + 50 }).await);
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }

    let statuses = tally.statuses.lock().unwrap().clone();
    let errors: Vec<_> = statuses.iter().filter(|(status, _)| **status >= 500 && **status != 503).collect();
    assert!(errors.is_empty(), "only 503 during the outage: {statuses:?}");
    assert!(statuses.get(&503).is_some_and(|n| *n > 0), "the outage was seen: {statuses:?}");
    assert_eq!(*tally.without_retry_after.lock().unwrap(), 0, "every 503 says when to retry");
    eprintln!("figures: PostgreSQL restart and crash under load: {statuses:?}");
}

/// Thaws the cluster however the test ends.
struct Frozen<'a>(&'a OwnCluster);

impl Frozen<'_> {
    fn freeze(cluster: &OwnCluster) -> Frozen<'_> {
        cluster.signal_all("STOP");
        Frozen(cluster)
    }
}

impl Drop for Frozen<'_> {
    fn drop(&mut self) {
        self.0.signal_all("CONT");
    }
}

/// PostgreSQL stops answering (SIGSTOP: the sockets stay open, nothing
/// replies). No request waits much longer than DB_TIMEOUT_MS: each gets 503.
#[tokio::test]
async fn a_frozen_postgresql_holds_no_request_past_the_deadline() {
    let cluster = OwnCluster::start();
    let deadline = Duration::from_millis(1000);
    let env = env_with(&cluster.url, &[("DB_TIMEOUT_MS", "1000")]);
    let app = TestApp::spawn_with(env).await;
    let user = app.new_user().await;
    let task = app.create_task(&user, "before the freeze").await;
    let tasks = format!("/api/{}/tasks", user.id);
    let one = format!("{tasks}/{}", task["id"]);
    let chat = format!("/api/{}/chat", user.id);
    let sign_in = json!({ "email": "nobody@example.com", "password": "tidy-otter-planets-42" });

    let frozen = Frozen::freeze(&cluster);
    let requests = [
        (Method::GET, tasks.clone(), None),
        (Method::POST, tasks.clone(), Some(json!({ "title": "during the freeze" }))),
        (Method::GET, one.clone(), None),
        (Method::DELETE, one.clone(), None),
        (Method::POST, chat.clone(), Some(json!({ "message": "What's pending?" }))),
        (Method::POST, "/api/auth/sign-in".to_string(), Some(sign_in)),
    ];
    let app = &app;
    let timed = requests.into_iter().map(|(method, path, body)| {
        let token = (!path.starts_with("/api/auth")).then_some(user.token.as_str());
        async move {
            let started = Instant::now();
            let (status, _) = app.request(method.clone(), &path, token, body).await;
            (format!("{method} {path}"), status, started.elapsed())
        }
    });
    let answers = tokio::time::timeout(Duration::from_secs(20), futures_util::future::join_all(timed))
        .await
        .expect("every request is answered");
    for (request, status, took) in &answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "{request}");
        assert!(*took < deadline * 3, "{request} waited {took:?}");
    }
    let slowest = answers.iter().map(|(_, _, took)| *took).max().unwrap_or_default();
    eprintln!("figures: frozen PostgreSQL, DB_TIMEOUT_MS=1000: slowest of {} requests {slowest:?}", answers.len());
    let started = Instant::now();
    assert_eq!(app.get("/ready").await, StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(5), "readiness answers in time");
    assert_eq!(app.get("/health").await, StatusCode::OK);

    drop(frozen);
    assert!(eventually(Duration::from_secs(20), || async { app.get("/ready").await == StatusCode::OK }).await);
    app.create_task(&user, "after the thaw").await;
    let titles: Vec<Value> = app.list_tasks(&user, "all").await.iter().map(|t| t["title"].clone()).collect();
    assert_eq!(titles, [json!("before the freeze"), json!("after the thaw")], "nothing done during the freeze");
}

/// Slow queries hold every pooled connection: the pod is busy, not broken,
/// so it stays ready.
#[tokio::test]
async fn readiness_stays_ok_while_slow_queries_hold_every_pooled_connection() {
    let database_url = crate::helpers::fresh_postgres_database().await;
    let env = env_with(&database_url, &[("DB_MAX_CONNECTIONS", "2"), ("DB_TIMEOUT_MS", "30000")]);
    let app = TestApp::spawn_with(env).await;
    let user = app.new_user().await;
    let list = format!("{}/api/{}/tasks", app.base, user.id);

    let mut locker = sqlx::PgConnection::connect(&database_url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE").execute(&mut locker).await.unwrap();
    let stuck: Vec<_> = (0..2).map(|_| tokio::spawn(app.client.get(&list).bearer_auth(&user.token).send())).collect();
    let waiting = || async {
        let mut probe = sqlx::PgConnection::connect(&database_url).await.unwrap();
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'todo-backend' AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut probe)
        .await
        .unwrap();
        waiting == 2
    };
    assert!(eventually(Duration::from_secs(10), waiting).await, "both pooled connections wait on the lock");
    let busy = app.client.get(&list).bearer_auth(&user.token).send().await.unwrap();
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE, "the pool is exhausted");
    assert_eq!(app.get("/ready").await, StatusCode::OK, "yet the pod is ready");

    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    for request in stuck {
        assert_eq!(request.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

/// Without anyone scraping /metrics, memory stays flat over a few hundred
/// thousand requests (histogram samples used to pile up until a scrape).
#[tokio::test]
async fn metrics_memory_stays_flat_without_scrapes() {
    let store = StoreHandle::new(Store::Sqlite).await;
    let backend = BackendProcess::start(env_with(&store.url, &[("RUST_LOG", "info,tower_http=warn")]));
    let hammer = |requests: usize| {
        let url = backend.url("/health");
        let workers = (0..32).map(move |_| {
            let (client, url) = (reqwest::Client::new(), url.clone());
            tokio::spawn(async move {
                for _ in 0..requests / 32 {
                    client.get(&url).send().await.unwrap().bytes().await.unwrap();
                }
            })
        });
        futures_util::future::join_all(workers)
    };
    hammer(50_000).await;
    let warm = backend.rss_kib();
    hammer(250_000).await;
    let after = backend.rss_kib();
    eprintln!("figures: unscraped metrics: RSS {warm} KiB after 50,000 requests, {after} KiB after 250,000 more");
    // Unbounded, the samples alone took about 20 bytes a request: ~5 MB here.
    assert!(after < warm + 2048, "RSS grew from {warm} KiB to {after} KiB over 250,000 unscraped requests");
}
