//! Operational behaviour on PostgreSQL: readiness follows the database,
//! SIGTERM drains without losing acknowledged writes, replicas start together.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::helpers::{base_env, env_with, eventually, fresh_postgres_database, BackendProcess, OwnCluster, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn readiness_follows_the_database_without_a_restart() {
    let cluster = OwnCluster::start();
    let app = TestApp::spawn_with(base_env(&cluster.url)).await;
    assert_eq!(app.get("/ready").await, StatusCode::OK);

    cluster.stop();
    assert!(
        eventually(Duration::from_secs(10), || async { app.get("/ready").await == StatusCode::SERVICE_UNAVAILABLE })
            .await
    );
    assert_eq!(app.get("/health").await, StatusCode::OK, "liveness stays up: a restart would not help");
    let user_attempt = app
        .request(
            reqwest::Method::POST,
            "/api/auth/sign-in",
            None,
            Some(json!({ "email": "a@b.co", "password": "tidy-otter-planets-42" })),
        )
        .await;
    assert_eq!(user_attempt.0, StatusCode::SERVICE_UNAVAILABLE, "requests fail fast and clearly: {:?}", user_attempt.1);

    cluster.restart();
    assert!(eventually(Duration::from_secs(15), || async { app.get("/ready").await == StatusCode::OK }).await);
    // A pooled connection from before the restart may still fail one
    // request (with a 503, dropping it); requests then succeed.
    let signed_up = eventually(Duration::from_secs(15), || async {
        let email = format!("back-{}@example.com", uuid::Uuid::new_v4().simple());
        let body = json!({ "email": email, "password": "tidy-otter-planets-42" });
        let (status, _) = app.request(reqwest::Method::POST, "/api/auth/sign-up", None, Some(body)).await;
        assert!(matches!(status.as_u16(), 201 | 503), "{status}");
        status == StatusCode::CREATED
    })
    .await;
    assert!(signed_up, "sign-up works again without a restart");
    let user = app.new_user().await;
    app.create_task(&user, "works again").await;
}

/// With every pooled connection stuck (here: behind a table lock), further
/// requests get a quick 503 instead of queueing forever; once the lock goes,
/// the stuck request finishes and the pool serves again, also after a client
/// gave up on a request in the middle of its query.
#[tokio::test]
async fn an_exhausted_pool_answers_503_and_recovers() {
    use sqlx::Connection;

    let database_url = fresh_postgres_database().await;
    let env = env_with(&database_url, &[("DB_MAX_CONNECTIONS", "1"), ("DB_ACQUIRE_TIMEOUT_MS", "300")]);
    let app = TestApp::spawn_with(env).await;
    let user = app.new_user().await;
    app.create_task(&user, "behind the lock").await;
    let list = format!("{}/api/{}/tasks", app.base, user.id);

    let mut locker = sqlx::PgConnection::connect(&database_url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE").execute(&mut locker).await.unwrap();
    let waiting_on_lock = || async {
        let mut probe = sqlx::PgConnection::connect(&database_url).await.unwrap();
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'todo-backend' AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut probe)
        .await
        .unwrap();
        waiting == 1
    };

    let stuck = tokio::spawn(app.client.get(&list).bearer_auth(&user.token).send());
    assert!(eventually(Duration::from_secs(10), waiting_on_lock).await, "the only connection waits on the lock");
    let refused = app.client.get(&list).bearer_auth(&user.token).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "unavailable", "{body}");
    assert!(!stuck.is_finished(), "the 503 came while the lock was still held");

    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    let stuck = stuck.await.unwrap().unwrap();
    assert_eq!(stuck.status(), StatusCode::OK);
    let tasks: Vec<Value> = stuck.json().await.unwrap();
    assert_eq!(tasks[0]["title"], "behind the lock");

    // A client that gives up while its query waits on the lock.
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE").execute(&mut locker).await.unwrap();
    let impatient = app.client.get(&list).bearer_auth(&user.token).timeout(Duration::from_millis(500)).send().await;
    assert!(impatient.is_err_and(|e| e.is_timeout()), "the query was stuck behind the lock");
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    for title in ["after the lock", "and again"] {
        app.create_task(&user, title).await;
    }
    let titles: Vec<Value> = app.list_tasks(&user, "all").await.iter().map(|t| t["title"].clone()).collect();
    assert_eq!(titles, [json!("behind the lock"), json!("after the lock"), json!("and again")]);
}

#[tokio::test]
async fn sigterm_during_a_burst_of_writes_keeps_every_acknowledged_write() {
    let database_url = fresh_postgres_database().await;
    let env = env_with(&database_url, &[("SHUTDOWN_DELAY_MS", "3000"), ("SHUTDOWN_TIMEOUT_SECS", "10")]);
    let mut backend = BackendProcess::start(env);
    let client = reqwest::Client::new();

    let signed_up: Value = client
        .post(backend.url("/api/auth/sign-up"))
        .json(&json!({ "email": "burst@example.com", "password": "tidy-otter-planets-42" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (user_id, token) =
        (signed_up["user"]["id"].as_str().unwrap().to_string(), signed_up["token"].as_str().unwrap().to_string());
    let tasks_url = backend.url(&format!("/api/{user_id}/tasks"));

    // Eight writers post as fast as they can until the server stops answering.
    let acknowledged = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (client, url, token, acknowledged) =
            (client.clone(), tasks_url.clone(), token.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let sent = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "title": format!("w{writer} n{n}") }))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == StatusCode::CREATED => {
                        let task: Value = response.json().await.unwrap();
                        acknowledged.lock().unwrap().push(task["id"].as_i64().unwrap());
                    }
                    Ok(response) => assert!(response.status().is_success(), "unexpected {}", response.status()),
                    Err(_) => break, // connection refused or closed: the server is gone
                }
            }
        }));
    }
    assert!(eventually(Duration::from_secs(10), || async { acknowledged.lock().unwrap().len() >= 50 }).await);

    backend.terminate();
    // Readiness fails first (as soon as the signal is handled), while
    // requests are still served during the drain delay.
    let not_ready = eventually(Duration::from_secs(2), || async {
        client.get(backend.url("/ready")).send().await.is_ok_and(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
    })
    .await;
    assert!(not_ready, "readiness reports 503 after SIGTERM");
    let during = acknowledged.lock().unwrap().len();

    let status = tokio::task::spawn_blocking(move || {
        let status = backend.wait_exit(Duration::from_secs(15));
        (status, backend)
    })
    .await
    .unwrap();
    assert!(status.0.success(), "clean exit after SIGTERM: {:?}", status.0);
    for writer in writers {
        writer.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > during, "requests kept being served during the drain delay");
    let pool = sqlx::PgPool::connect(&database_url).await.unwrap();
    let stored: Vec<i64> = sqlx::query_scalar("SELECT id FROM tasks").fetch_all(&pool).await.unwrap();
    let missing: Vec<&i64> = acknowledged.iter().filter(|id| !stored.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
}

#[tokio::test]
async fn two_replicas_start_together_on_an_empty_database() {
    let database_url = fresh_postgres_database().await;
    let first = BackendProcess::start(base_env(&database_url));
    let second = BackendProcess::start(base_env(&database_url));
    let client = reqwest::Client::new();
    for backend in [&first, &second] {
        let ready = eventually(Duration::from_secs(20), || async {
            client.get(backend.url("/ready")).send().await.is_ok_and(|r| r.status() == StatusCode::OK)
        })
        .await;
        assert!(ready, "replica on port {} became ready", backend.port);
    }
    let pool = sqlx::PgPool::connect(&database_url).await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
    let migrations =
        std::fs::read_dir(crate::helpers::repo_root().join("backend/migrations/postgres")).unwrap().count() as i64;
    assert_eq!(applied, migrations, "each migration applied exactly once");

    // Both serve the same data.
    let signed_up: Value = client
        .post(first.url("/api/auth/sign-up"))
        .json(&json!({ "email": "replica@example.com", "password": "tidy-otter-planets-42" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_id = signed_up["user"]["id"].as_str().unwrap();
    let token = signed_up["token"].as_str().unwrap();
    client
        .post(first.url(&format!("/api/{user_id}/tasks")))
        .bearer_auth(token)
        .json(&json!({ "title": "from replica one" }))
        .send()
        .await
        .unwrap();
    let seen: Vec<Value> = client
        .get(second.url(&format!("/api/{user_id}/tasks")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["title"], "from replica one");
}

/// Runs the backend binary expecting it to refuse to start; returns stderr.
fn refused_start(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_todo-backend"))
        .current_dir(dir.path())
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("run todo-backend");
    assert_eq!(output.status.code(), Some(1), "exits with 1");
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    stderr
}

#[tokio::test]
async fn a_taken_port_or_a_bad_setting_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let base = [("HOST", "127.0.0.1"), ("METRICS_PORT", "off")];

    let api = refused_start(&[base[0], base[1], ("PORT", &port)]);
    assert!(api.contains(&format!("127.0.0.1:{port}")) && api.contains("set PORT"), "{api}");
    let free = crate::helpers::free_port().to_string();
    let metrics = refused_start(&[base[0], ("PORT", &free), ("METRICS_PORT", &port)]);
    assert!(metrics.contains(&format!("127.0.0.1:{port}")) && metrics.contains("set METRICS_PORT"), "{metrics}");
    let bad = refused_start(&[base[0], base[1], ("PORT", "eighty")]);
    assert!(bad.contains("PORT") && bad.contains("eighty"), "{bad}");
    let no_secret = refused_start(&[base[0], base[1], ("DATABASE_URL", "postgres://db.invalid/todo")]);
    assert!(no_secret.contains("AUTH_SECRET"), "{no_secret}");
}

/// `todo-backend reset-password <email>`: a new password that works, the
/// old one and every session refused.
#[tokio::test]
async fn an_operator_resets_a_forgotten_password() {
    let database_url = fresh_postgres_database().await;
    let app = TestApp::spawn_with(base_env(&database_url)).await;
    let user = app.sign_up("forgetful@example.com").await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_todo-backend"))
            .args(args)
            .env_clear()
            .envs(base_env(&database_url))
            .output()
            .unwrap()
    };
    let output = run(&["reset-password", "Forgetful@Example.com"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let password = stdout.lines().next().unwrap().rsplit(' ').next().unwrap().to_string();
    assert_eq!(password.len(), 20, "{stdout}");

    let signed_in = |password: String| {
        app.request(
            reqwest::Method::POST,
            "/api/auth/sign-in",
            None,
            Some(json!({ "email": "forgetful@example.com", "password": password })),
        )
    };
    assert_eq!(signed_in("tidy-otter-planets-42".into()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(signed_in(password).await.0, StatusCode::OK);
    let ended = eventually(Duration::from_secs(5), || async {
        app.request(reqwest::Method::GET, &format!("/api/{}/tasks", user.id), Some(&user.token), None).await.0
            == StatusCode::UNAUTHORIZED
    })
    .await;
    assert!(ended, "the old session is ended");
    let unknown = run(&["reset-password", "nobody@example.com"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));
}
