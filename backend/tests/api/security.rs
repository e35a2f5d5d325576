//! What the backend defends against (docs/SECURITY.md lists each defence
//! with its test here): password guessing and account discovery, sessions
//! that outlive sign-out, resource exhaustion by one client or one account,
//! look-alike accounts, weak passwords, readable secrets, leaky logs.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{
    base_env, env_with, eventually, fresh_postgres_database, BackendProcess, Store, StoreHandle, TestApp, User,
};

const PASSWORD: &str = "tidy-otter-planets-42";

async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/auth/sign-in", app.base))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn sign_up_as(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({ "email": email, "password": password });
    app.request(Method::POST, "/api/auth/sign-up", None, Some(body)).await
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"].to_str().unwrap().parse().expect("Retry-After in seconds")
}

#[tokio::test]
async fn concurrent_password_hashes_are_bounded_and_the_rest_are_refused_with_503() {
    let store = StoreHandle::new(Store::Sqlite).await;
    let app = TestApp::spawn_with(env_with(&store.url, &[("HASH_CONCURRENCY", "1"), ("HASH_QUEUE", "2")])).await;
    let attempts = (0..12).map(|n| {
        let body = json!({ "email": format!("burst{n}@example.com"), "password": PASSWORD });
        app.client.post(format!("{}/api/auth/sign-up", app.base)).json(&body).send()
    });
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.as_ref().unwrap().status()).collect();
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let busy: Vec<&reqwest::Response> =
        answers.iter().map(|a| a.as_ref().unwrap()).filter(|a| a.status() == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(created >= 3, "one running and two waiting get through: {statuses:?}");
    assert!(!busy.is_empty(), "the rest are refused: {statuses:?}");
    assert!(busy.iter().all(|answer| answer.headers().contains_key("retry-after")));
    assert_eq!(created + busy.len(), 12, "{statuses:?}");
}

/// Ten wrong passwords for one account lock it for a while (the right
/// password too), on every replica: the count is in the database.
#[tokio::test]
async fn failed_sign_ins_per_account_are_limited_across_replicas() {
    let database_url = fresh_postgres_database().await;
    let first = TestApp::spawn_with(base_env(&database_url)).await;
    let second = TestApp::spawn_with(base_env(&database_url)).await;
    first.sign_up("target@example.com").await;
    for attempt in 0..10 {
        let replica = if attempt % 2 == 0 { &first } else { &second };
        let answer = sign_in(replica, "target@example.com", "not-the-password").await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for replica in [&first, &second] {
        let locked = sign_in(replica, "target@example.com", "not-the-password").await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!((1..=15 * 60).contains(&retry_after(&locked)));
        assert_eq!(locked.json::<Value>().await.unwrap()["error"], "too_many_requests");
        let right = sign_in(replica, "target@example.com", PASSWORD).await;
        assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "no guess is checked while locked");
    }
    // Unknown addresses are counted the same way, so a 429 reveals nothing.
    for _ in 0..10 {
        sign_in(&first, "nobody@example.com", "not-the-password").await;
    }
    assert_eq!(sign_in(&first, "nobody@example.com", "x-y-z-w").await.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account is not affected.
    first.sign_up("bystander@example.com").await;
    assert_eq!(sign_in(&second, "bystander@example.com", PASSWORD).await.status(), StatusCode::OK);
}

/// Attempts per client address: the peer's address, or what a trusted
/// proxy (the frontend) says in X-Forwarded-For; a forged header from
/// anyone else changes nothing.
#[tokio::test]
async fn sign_in_attempts_per_client_address_are_limited() {
    let store = StoreHandle::new(Store::Sqlite).await;
    let app = TestApp::spawn_with(env_with(&store.url, &[("AUTH_ATTEMPTS_PER_MINUTE", "5")])).await;
    let attempt = |forwarded: &'static str| {
        let body = json!({ "email": "someone@example.com", "password": "whatever-it-is" });
        app.client
            .post(format!("{}/api/auth/sign-in", app.base))
            .header("x-forwarded-for", forwarded)
            .json(&body)
            .send()
    };
    let mut statuses = Vec::new();
    for n in 0..8 {
        // A different forged address each time: not trusted, so not used.
        let forged = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"][n % 4];
        statuses.push(attempt(forged).await.unwrap().status());
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");

    let behind_proxy = StoreHandle::new(Store::Sqlite).await;
    let env = env_with(&behind_proxy.url, &[("AUTH_ATTEMPTS_PER_MINUTE", "5"), ("TRUSTED_PROXIES", "127.0.0.1/32")]);
    let proxied = TestApp::spawn_with(env).await;
    let from = |client: &'static str| {
        let body = json!({ "email": "someone@example.com", "password": "whatever-it-is" });
        proxied
            .client
            .post(format!("{}/api/auth/sign-in", proxied.base))
            .header("x-forwarded-for", client)
            .json(&body)
            .send()
    };
    for _ in 0..5 {
        assert_eq!(from("203.0.113.7").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let limited = from("203.0.113.7").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&limited) >= 1);
    assert_eq!(
        from("203.0.113.8").await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "another client has its own budget"
    );
    let emails: Vec<String> = (0..6).map(|n| format!("new{n}@example.com")).collect();
    let sign_ups = emails.iter().map(|email| sign_up_as(&proxied, email, PASSWORD));
    let sign_ups: Vec<StatusCode> = futures_util::future::join_all(sign_ups).await.into_iter().map(|a| a.0).collect();
    assert!(sign_ups.contains(&StatusCode::TOO_MANY_REQUESTS), "sign-ups have a budget too: {sign_ups:?}");
}

/// An unknown email costs the same password check as a wrong password, so
/// the answer's timing does not tell which accounts exist.
/// An address no account can have (a NUL, which PostgreSQL cannot store;
/// longer than any address) is a wrong sign-in, not a server error.
#[tokio::test]
async fn sign_in_with_an_unusable_email_is_refused_as_a_wrong_password() {
    let app = TestApp::spawn(Store::Postgres).await;
    for email in ["a\u{0}b@example.com", "\u{0}\u{0}", &format!("{}@example.com", "x".repeat(300))] {
        let answer = sign_in(&app, email, "not-the-password").await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{email:?}");
    }
    let (status, _) = sign_up_as(&app, "a\u{0}b@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn sign_in_takes_as_long_for_an_unknown_email_as_for_a_wrong_password() {
    let app = TestApp::spawn(Store::Sqlite).await;
    app.sign_up("known@example.com").await;
    let median = |email: &'static str| {
        let app = &app;
        async move {
            let mut took = Vec::new();
            for _ in 0..5 {
                let started = Instant::now();
                assert_eq!(sign_in(app, email, "not-the-password").await.status(), StatusCode::UNAUTHORIZED);
                took.push(started.elapsed());
            }
            took.sort();
            took[2]
        }
    };
    let known = median("known@example.com").await;
    let unknown = median("unknown@example.com").await;
    // Before, unknown took ~1 ms against ~50 ms: a password hash apart.
    assert!(unknown * 2 > known && known * 2 > unknown, "known {known:?}, unknown {unknown:?}");
}

#[tokio::test]
async fn sign_out_ends_the_session_on_every_replica_within_seconds() {
    let database_url = fresh_postgres_database().await;
    let first = TestApp::spawn_with(base_env(&database_url)).await;
    let second = TestApp::spawn_with(base_env(&database_url)).await;
    let user = first.new_user().await;
    let tasks = format!("/api/{}/tasks", user.id);
    assert_eq!(second.request(Method::GET, &tasks, Some(&user.token), None).await.0, StatusCode::OK);

    let (status, _) = first.request(Method::POST, "/api/auth/sign-out", Some(&user.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(first.request(Method::GET, &tasks, Some(&user.token), None).await.0, StatusCode::UNAUTHORIZED);
    let refused_everywhere = eventually(Duration::from_secs(5), || async {
        second.request(Method::GET, &tasks, Some(&user.token), None).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    assert!(refused_everywhere, "the other replica refuses it within 5 s");
    // A replica started later knows it too.
    let third = TestApp::spawn_with(base_env(&database_url)).await;
    assert_eq!(third.request(Method::GET, &tasks, Some(&user.token), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(first.request(Method::POST, "/api/auth/sign-out", None, None).await.0, StatusCode::UNAUTHORIZED);
}

async fn sign_in_user(app: &TestApp, email: &str, password: &str) -> User {
    let answer = sign_in(app, email, password).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.unwrap();
    User { id: body["user"]["id"].as_str().unwrap().into(), token: body["token"].as_str().unwrap().into() }
}

async fn create_api_token(app: &TestApp, user: &User, name: &str) -> (String, String) {
    let path = format!("/api/{}/tokens", user.id);
    let (status, body) = app.request(Method::POST, &path, Some(&user.token), Some(json!({ "name": name }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (body["id"].as_str().unwrap().to_string(), body["token"].as_str().unwrap().to_string())
}

on_both_stores!(
    a_password_change_ends_the_other_sessions_and_keeps_api_tokens,
    deleting_an_account_removes_everything_and_its_tokens_get_401
);

async fn a_password_change_ends_the_other_sessions_and_keeps_api_tokens(store: Store) {
    let app = TestApp::spawn(store).await;
    let laptop = app.sign_up("changer@example.com").await;
    let phone = sign_in_user(&app, "changer@example.com", PASSWORD).await;
    let (_, api_token) = create_api_token(&app, &laptop, "script").await;
    let path = format!("/api/{}/password", laptop.id);
    let tasks = format!("/api/{}/tasks", laptop.id);

    let wrong = json!({ "current_password": "not-it-at-all", "new_password": "brand-new-phrase-77" });
    let (status, body) = app.request(Method::PUT, &path, Some(&laptop.token), Some(wrong)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_password")));
    let weak = json!({ "current_password": PASSWORD, "new_password": "password1" });
    let (status, body) = app.request(Method::PUT, &path, Some(&laptop.token), Some(weak)).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")));

    let change = json!({ "current_password": PASSWORD, "new_password": "brand-new-phrase-77" });
    assert_eq!(app.request(Method::PUT, &path, Some(&laptop.token), Some(change)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.request(Method::GET, &tasks, Some(&laptop.token), None).await.0, StatusCode::OK, "this session");
    assert_eq!(app.request(Method::GET, &tasks, Some(&phone.token), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.request(Method::GET, &tasks, Some(&api_token), None).await.0, StatusCode::OK, "tokens are kept");
    assert_eq!(sign_in(&app, "changer@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, "changer@example.com", "brand-new-phrase-77").await.status(), StatusCode::OK);
    // Signing out with a personal token is refused: it is revoked instead.
    assert_eq!(
        app.request(Method::POST, "/api/auth/sign-out", Some(&api_token), None).await.0,
        StatusCode::BAD_REQUEST
    );
}

async fn deleting_an_account_removes_everything_and_its_tokens_get_401(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.sign_up("leaver@example.com").await;
    let other_session = sign_in_user(&app, "leaver@example.com", PASSWORD).await;
    let (_, api_token) = create_api_token(&app, &user, "script").await;
    app.create_task(&user, "Soon gone").await;
    app.chat(&user, None, "Add a task to pack").await;
    let bystander = app.new_user().await;
    app.create_task(&bystander, "Stays").await;

    let account = format!("/api/{}", user.id);
    let wrong =
        app.request(Method::DELETE, &account, Some(&user.token), Some(json!({ "password": "nope-nope" }))).await;
    assert_eq!((wrong.0, wrong.1["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_password")));
    let deleted = app.request(Method::DELETE, &account, Some(&user.token), Some(json!({ "password": PASSWORD }))).await;
    assert_eq!(deleted.0, StatusCode::NO_CONTENT);

    for token in [&user.token, &other_session.token, &api_token] {
        for (method, body) in [(Method::GET, None), (Method::POST, Some(json!({ "title": "ghost" })))] {
            let (status, _) = app.request(method, &format!("/api/{}/tasks", user.id), Some(token), body).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "a deleted account's token is refused, never a 500");
        }
    }
    assert_eq!(sign_in(&app, "leaver@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    let counts = match store {
        Store::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
            let mut counts = Vec::new();
            for table in ["tasks", "conversations", "messages", "sessions", "api_tokens", "idempotency_keys"] {
                let sql = format!("SELECT count(*) FROM {table} WHERE user_id = $1");
                counts.push(sqlx::query_scalar::<_, i64>(&sql).bind(&user.id).fetch_one(&mut conn).await.unwrap());
            }
            counts
        }
        Store::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
            let mut counts = Vec::new();
            for table in ["tasks", "conversations", "messages", "sessions", "api_tokens", "idempotency_keys"] {
                let sql = format!("SELECT count(*) FROM {table} WHERE user_id = $1");
                counts.push(sqlx::query_scalar::<_, i64>(&sql).bind(&user.id).fetch_one(&mut conn).await.unwrap());
            }
            counts
        }
    };
    assert_eq!(counts, [0; 6], "nothing of the account is left");
    assert_eq!(app.list_tasks(&bystander, "all").await.len(), 1);
    // The address can be used again.
    app.sign_up("leaver@example.com").await;
}

#[tokio::test]
async fn personal_api_tokens_are_shown_once_stored_hashed_and_refused_once_revoked() {
    let database_url = fresh_postgres_database().await;
    let first = TestApp::spawn_with(base_env(&database_url)).await;
    let second = TestApp::spawn_with(base_env(&database_url)).await;
    let user = first.new_user().await;
    let (id, token) = create_api_token(&first, &user, "kagent").await;
    assert!(token.starts_with("todo_pat_") && token.len() > 40, "{token}");
    let tasks = format!("/api/{}/tasks", user.id);
    assert_eq!(second.request(Method::GET, &tasks, Some(&token), None).await.0, StatusCode::OK);

    let (_, listed) = first.request(Method::GET, &format!("/api/{}/tokens", user.id), Some(&user.token), None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "kagent");
    assert!(listed[0]["last_used_at"].is_string(), "use is recorded: {listed}");
    assert!(!listed.to_string().contains(&token[9..]), "the secret is never shown again");
    let mut conn = sqlx::PgConnection::connect(&database_url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_one(&mut conn).await.unwrap();
    assert!(!stored.contains(&token[9..]), "only a hash is stored");

    let other = first.new_user().await;
    let theirs = format!("/api/{}/tokens/{id}", other.id);
    assert_eq!(first.request(Method::DELETE, &theirs, Some(&other.token), None).await.0, StatusCode::NOT_FOUND);
    let revoke = format!("/api/{}/tokens/{id}", user.id);
    assert_eq!(first.request(Method::DELETE, &revoke, Some(&user.token), None).await.0, StatusCode::NO_CONTENT);
    for replica in [&first, &second] {
        assert_eq!(replica.request(Method::GET, &tasks, Some(&token), None).await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = first
        .request(Method::POST, &format!("/api/{}/tokens", user.id), Some(&user.token), Some(json!({ "name": " " })))
        .await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
}

#[tokio::test]
async fn look_alike_emails_and_weak_passwords_are_refused() {
    let app = TestApp::spawn(Store::Sqlite).await;
    assert_eq!(sign_up_as(&app, "Ada@Example.com", PASSWORD).await.0, StatusCode::CREATED);
    // Fullwidth letters and a composed form are the same address after NFKC.
    let (status, _) = sign_up_as(&app, "ａｄａ@ｅｘａｍｐｌｅ.ｃｏｍ", PASSWORD).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(sign_in(&app, "ＡＤＡ@example.com", PASSWORD).await.status(), StatusCode::OK);
    for invisible in
        ["a\u{200b}da@example.com", "ada\u{2060}@example.com", "ada@exam\u{00ad}ple.com", "ad\u{202e}a@example.com"]
    {
        let (status, body) = sign_up_as(&app, invisible, PASSWORD).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("email")),
            "{invisible:?}"
        );
    }
    for weak in ["password", "12345678", "qwertyuiop", "Password1", "iloveyou", "          ", "\t\t\t\t\t\t\t\t"] {
        let (status, body) = sign_up_as(&app, "weak@example.com", weak).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")), "{weak:?}");
    }
    assert_eq!(sign_up_as(&app, "strong@example.com", "correct horse battery").await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn one_account_cannot_grow_without_bounds() {
    let store = StoreHandle::new(Store::Sqlite).await;
    let app = TestApp::spawn_with(env_with(&store.url, &[("TASK_LIMIT", "3")])).await;
    let user = app.new_user().await;
    for n in 0..3 {
        app.create_task(&user, &format!("task {n}")).await;
    }
    let (status, body) = app
        .request(
            Method::POST,
            &format!("/api/{}/tasks", user.id),
            Some(&user.token),
            Some(json!({ "title": "one more" })),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("task_limit_reached")));
    let (status, reply) = app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(reply["response"].as_str().unwrap().contains("limit"), "{reply}");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 3);
}

#[tokio::test]
async fn a_list_reply_summarises_a_long_list() {
    let app = TestApp::spawn(Store::Sqlite).await;
    let user = app.new_user().await;
    for n in 0..60 {
        app.create_task(&user, &format!("chore number {n}")).await;
    }
    let (status, reply) = app.chat(&user, None, "Show me all my tasks").await;
    assert_eq!(status, StatusCode::OK);
    let text = reply["response"].as_str().unwrap();
    assert!(text.starts_with("You have 60 tasks"), "{text}");
    assert_eq!(text.matches("chore number").count(), 20, "{text}");
    assert!(text.contains("40 more"), "{text}");
    let listed = &reply["tool_calls"][0]["result"];
    assert_eq!(listed["total"], 60);
    assert_eq!(listed["tasks"].as_array().unwrap().len(), 50, "the tool answers a page, not everything");
    assert!(reply.to_string().len() < 16 * 1024, "a bounded answer");
}

/// Any method name a client sends would be a new time series if used as
/// a label; unknown ones count as `other`.
#[tokio::test]
async fn metrics_labels_stay_a_fixed_set() {
    let app = TestApp::spawn(Store::Sqlite).await;
    for method in ["FOOBAR", "BREW", "X-ANYTHING-123"] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        app.client.request(method, format!("{}/health", app.base)).send().await.unwrap();
        app.client
            .request(Method::GET, format!("{}/no/such/route/{}", app.base, uuid::Uuid::new_v4()))
            .send()
            .await
            .unwrap();
    }
    let metrics = app.client.get(format!("{}/metrics", app.metrics_base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("method=\"other\""), "{metrics}");
    for leaked in ["FOOBAR", "BREW", "X-ANYTHING", "/no/such/route"] {
        assert!(!metrics.contains(leaked), "{leaked} became a label");
    }
}

/// Raw TCP, so that nothing normalises or completes the request for us.
async fn raw(port: u16, request: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request).await.unwrap();
    stream
}

/// Reads until the server closes the connection (or `limit` passes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    read.ok().map(|_| String::from_utf8_lossy(&answer).to_string())
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_connections_are_capped() {
    let store = StoreHandle::new(Store::Sqlite).await;
    let env = env_with(
        &store.url,
        &[
            ("SERVER_HEADER_TIMEOUT_SECS", "1"),
            ("SERVER_BODY_TIMEOUT_SECS", "1"),
            ("SERVER_IDLE_TIMEOUT_SECS", "2"),
            ("SERVER_MAX_CONNECTIONS", "3"),
        ],
    );
    let backend = BackendProcess::start(env);
    let port = backend.port;

    // Headers that never finish.
    let mut slow_headers = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\n").await;
    assert!(read_until_closed(&mut slow_headers, Duration::from_secs(10)).await.is_some(), "closed");
    // A body that never finishes.
    let mut slow_body = raw(
        port,
        b"POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .await;
    let answer = read_until_closed(&mut slow_body, Duration::from_secs(10)).await.expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A kept-alive connection that goes quiet.
    let mut idle = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let answer = read_until_closed(&mut idle, Duration::from_secs(15)).await.expect("closed when idle");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Three connections held open: a fourth is not served until one goes.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let mut buf = [0u8; 512];
        assert!(stream.read(&mut buf).await.unwrap() > 0);
        held.push(stream);
    }
    let mut fourth = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    let mut buf = [0u8; 512];
    let early = tokio::time::timeout(Duration::from_millis(500), fourth.read(&mut buf)).await;
    assert!(early.is_err(), "the fourth connection waits");
    drop(held);
    let answer = read_until_closed(&mut fourth, Duration::from_secs(10)).await.expect("served once others closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// The SQLite file, its WAL and shared memory, and the generated signing
/// key are readable by their owner only; a key file left wider is tightened.
#[tokio::test]
async fn local_data_and_secret_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join(".todo-auth-secret");
    std::fs::write(&secret, "a-secret-left-by-an-older-version-0123456789").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_todo-backend"));
    command.current_dir(dir.path());
    let env = [("HOST", "127.0.0.1"), ("PORT", "0"), ("METRICS_PORT", "off")];
    let backend =
        BackendProcess::start_command(command, env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    let app = backend.client("");
    let user = app.new_user().await;
    app.create_task(&user, "written").await;
    for file in ["todo.db", "todo.db-wal", "todo.db-shm", ".todo-auth-secret"] {
        let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} is {mode:o}");
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "a-secret-left-by-an-older-version-0123456789", "kept");
}

/// A provider's error body may echo the request, key included: only its
/// status and error code are logged. MCP tool arguments and results stay
/// out of the logs even at debug level.
#[tokio::test]
async fn logs_keep_provider_bodies_and_tool_arguments_out() {
    use wiremock::{matchers, Mock, MockServer, ResponseTemplate};
    let provider = MockServer::start().await;
    let echo = json!({ "error": { "message": "Incorrect API key provided: sk-live-SECRET-0042. Authorization: Bearer sk-live-SECRET-0042", "type": "invalid_request_error", "code": "invalid_api_key" } });
    Mock::given(matchers::method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(echo))
        .mount(&provider)
        .await;
    let store = StoreHandle::new(Store::Sqlite).await;
    let env = env_with(
        &store.url,
        &[
            ("LLM_BASE_URL", &provider.uri()),
            ("LLM_API_KEY", "sk-live-SECRET-0042"),
            ("LLM_MODEL", "test-model"),
            ("RUST_LOG", "debug"),
        ],
    );
    let backend = BackendProcess::start(env);
    let app = backend.client(&store.url);
    let user = app.new_user().await;
    let (status, _) = app.chat(&user, None, "Add a task to water the ferns").await;
    assert_eq!(status, StatusCode::OK);
    let answer = app
        .client
        .post(backend.url("/mcp"))
        .bearer_auth(&user.token)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "add_task", "arguments": { "title": "tool-argument-PRIVATE-77" } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.text().await.unwrap().contains("tool-argument-PRIVATE-77"), "the call went through");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = backend.logs.lock().unwrap().join("\n");
    assert!(logs.contains("401") && logs.contains("invalid_api_key"), "the failure is logged: {logs}");
    for secret in ["sk-live-SECRET-0042", "tool-argument-PRIVATE-77"] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}
