//! The REST API over HTTP, on PostgreSQL and on SQLite.

use crate::helpers::{Store, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_stores!(
    crud_flow,
    users_cannot_reach_each_others_tasks,
    invalid_input_is_rejected_and_changes_nothing,
    accounts,
    probes_docs_and_metrics,
);

async fn crud_flow(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let tasks = format!("/api/{}/tasks", user.id);
    let auth = Some(user.token.as_str());

    assert!(app.list_tasks(&user, "all").await.is_empty());

    let (status, created) = app
        .request(Method::POST, &tasks, auth, Some(json!({ "title": "  Buy groceries  ", "description": "milk, eggs" })))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["title"], "Buy groceries", "title is trimmed");
    assert_eq!(created["description"], "milk, eggs");
    assert_eq!(created["completed"], false);
    assert_eq!(created["user_id"], user.id.as_str());
    let created_at: chrono::DateTime<chrono::Utc> = created["created_at"].as_str().unwrap().parse().unwrap();
    let age = chrono::Utc::now() - created_at;
    assert!(age.abs() < chrono::Duration::minutes(1), "created {created_at}, {age} ago");
    let id = created["id"].as_i64().unwrap();
    let second = app.create_task(&user, "Call \"mom\" \\ ☎\tback").await;

    let (status, fetched) = app.request(Method::GET, &format!("{tasks}/{id}"), auth, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    let (status, updated) =
        app.request(Method::PUT, &format!("{tasks}/{id}"), auth, Some(json!({ "title": "Buy food" }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["title"], "Buy food");
    assert_eq!(updated["description"], "milk, eggs", "fields not sent are kept");

    let (status, toggled) = app.request(Method::PATCH, &format!("{tasks}/{id}/complete"), auth, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(toggled["completed"], true);

    let completed = app.list_tasks(&user, "completed").await;
    let pending = app.list_tasks(&user, "pending").await;
    assert_eq!(completed.iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![id]);
    assert_eq!(pending.iter().map(|t| &t["id"]).collect::<Vec<_>>(), vec![&second["id"]]);
    let mut each = Vec::new();
    for task in [&created["id"], &second["id"]] {
        each.push(app.request(Method::GET, &format!("{tasks}/{task}"), auth, None).await.1);
    }
    assert_eq!(app.list_tasks(&user, "all").await, each, "the list shows each task as it reads alone");

    let (_, reopened) = app.request(Method::PATCH, &format!("{tasks}/{id}/complete"), auth, None).await;
    assert_eq!(reopened["completed"], false, "complete toggles back");
    let (_, via_put) = app
        .request(Method::PUT, &format!("{tasks}/{id}"), auth, Some(json!({ "completed": true, "description": "" })))
        .await;
    assert_eq!(via_put["completed"], true);
    assert_eq!(via_put["description"], serde_json::Value::Null, "an empty description clears it");

    let (status, body) = app.request(Method::DELETE, &format!("{tasks}/{id}"), auth, None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, serde_json::Value::Null));
    let (status, body) = app.request(Method::GET, &format!("{tasks}/{id}"), auth, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    let (status, _) = app.request(Method::DELETE, &format!("{tasks}/{id}"), auth, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.list_tasks(&user, "all").await.len(), 1);
}

async fn users_cannot_reach_each_others_tasks(store: Store) {
    let app = TestApp::spawn(store).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let task = app.create_task(&alice, "Alice's secret").await;
    let id = task["id"].as_i64().unwrap();
    let alice_task = format!("/api/{}/tasks/{id}", alice.id);
    let bob_task = format!("/api/{}/tasks/{id}", bob.id);

    // No token, a forged token, a garbage header.
    for token in [None, Some("not-a-jwt"), Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")] {
        let (status, body) = app.request(Method::GET, &alice_task, token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(body["error"], "unauthorized");
    }
    // A token signed with another key is refused.
    let other = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": alice.id, "exp": 4_000_000_000u64 }),
        &jsonwebtoken::EncodingKey::from_secret(b"some-other-secret-of-at-least-32-bytes"),
    )
    .unwrap();
    assert_eq!(app.request(Method::GET, &alice_task, Some(&other), None).await.0, StatusCode::UNAUTHORIZED);
    // An expired token is refused.
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": alice.id, "exp": 1_000_000_000u64 }),
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::AUTH_SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(app.request(Method::GET, &alice_task, Some(&expired), None).await.0, StatusCode::UNAUTHORIZED);

    // Bob's token on Alice's paths: 403 for every route.
    let alice_routes = [
        (Method::GET, format!("/api/{}/tasks", alice.id)),
        (Method::POST, format!("/api/{}/tasks", alice.id)),
        (Method::GET, alice_task.clone()),
        (Method::PUT, alice_task.clone()),
        (Method::DELETE, alice_task.clone()),
        (Method::PATCH, format!("{alice_task}/complete")),
        (Method::POST, format!("/api/{}/chat", alice.id)),
        (Method::GET, format!("/api/{}/conversations", alice.id)),
    ];
    for (method, path) in alice_routes {
        let (status, body) =
            app.request(method.clone(), &path, Some(&bob.token), Some(json!({ "title": "x", "message": "hi" }))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(body["error"], "forbidden");
    }

    // Bob guessing Alice's task id on his own paths: 404, as if it did not exist.
    for (method, path) in [
        (Method::GET, bob_task.clone()),
        (Method::PUT, bob_task.clone()),
        (Method::DELETE, bob_task.clone()),
        (Method::PATCH, format!("{bob_task}/complete")),
    ] {
        let (status, _) =
            app.request(method.clone(), &path, Some(&bob.token), Some(json!({ "title": "hacked" }))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    assert!(app.list_tasks(&bob, "all").await.is_empty());
    let (_, still) = app.request(Method::GET, &alice_task, Some(&alice.token), None).await;
    assert_eq!(still, task, "Alice's task is untouched");
}

async fn invalid_input_is_rejected_and_changes_nothing(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let tasks = format!("/api/{}/tasks", user.id);
    let auth = Some(user.token.as_str());
    let original = app.create_task(&user, "Keep me").await;
    let task = format!("{tasks}/{}", original["id"]);

    let long_title = "x".repeat(201);
    let long_description = "d".repeat(1001);
    let cases = [
        (Method::POST, tasks.clone(), json!({ "title": "" }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, tasks.clone(), json!({ "title": "   " }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, tasks.clone(), json!({ "title": long_title }), StatusCode::UNPROCESSABLE_ENTITY),
        (
            Method::POST,
            tasks.clone(),
            json!({ "title": "ok", "description": long_description }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Method::POST, tasks.clone(), json!({ "title": 5 }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, tasks.clone(), json!({ "description": "no title" }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, tasks.clone(), json!({ "title": "nul\u{0}byte" }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, tasks.clone(), json!([1, 2]), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::PUT, task.clone(), json!({ "title": "" }), StatusCode::UNPROCESSABLE_ENTITY),
        (Method::PUT, task.clone(), json!({ "completed": "yes" }), StatusCode::UNPROCESSABLE_ENTITY),
        (
            Method::PUT,
            task.clone(),
            json!({ "title": "ok", "description": "d".repeat(1001) }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = app.request(method.clone(), &path, auth, Some(body.clone())).await;
        assert_eq!(status, expected, "{method} {path} {body}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()), "a message explains {body}: {answer}");
    }

    // Exactly 200 characters (multi-byte ones count as one) is fine.
    let emoji_title = "\u{1F600}".repeat(200);
    let (status, created) = app.request(Method::POST, &tasks, auth, Some(json!({ "title": emoji_title }))).await;
    assert_eq!(status, StatusCode::CREATED);
    app.request(Method::DELETE, &format!("{tasks}/{}", created["id"]), auth, None).await;

    // Malformed JSON, wrong content type, a huge body, bad ids and filters.
    let raw = |method: Method, path: &str, content_type: &str, body: Vec<u8>| {
        app.client
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(&user.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let response = raw(Method::POST, &tasks, "application/json", b"{\"title\": ".to_vec()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["error"], "bad_request");
    let response = raw(Method::POST, &tasks, "text/plain", b"title=x".to_vec()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"title\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let response = raw(Method::POST, &tasks, "application/json", huge.into_bytes()).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["error"], "payload_too_large");

    for path in [format!("{tasks}/abc"), format!("{tasks}/99999999999999999999"), format!("{tasks}?status=later")] {
        let (status, body) = app.request(Method::GET, &path, auth, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["error"], "bad_request");
    }
    let (status, _) = app.request(Method::GET, &format!("{tasks}/424242"), auth, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.request(Method::GET, "/api/nothing/here/at/all", auth, None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let all = app.list_tasks(&user, "all").await;
    assert_eq!(all, vec![original], "no failed request changed anything");
}

async fn accounts(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.sign_up("Ada@Example.com").await;

    let sign = |path: &'static str, email: &'static str, password: &'static str| {
        app.request(Method::POST, path, None, Some(json!({ "email": email, "password": password })))
    };
    let (status, body) = sign("/api/auth/sign-up", "ada@example.COM", "tidy-otter-planets-42").await;
    assert_eq!(status, StatusCode::CONFLICT, "emails are unique case-insensitively: {body}");
    let (status, _) = sign("/api/auth/sign-up", "not-an-email", "tidy-otter-planets-42").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = sign("/api/auth/sign-up", "bob@example.com", "short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("at least 8"));

    let (status, body) = sign("/api/auth/sign-in", "ADA@example.com", "tidy-otter-planets-42").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["id"], user.id.as_str());
    assert!(body["user"].get("password_hash").is_none(), "the hash never leaves the server");
    let token = body["token"].as_str().unwrap();
    let (status, _) = app.request(Method::GET, &format!("/api/{}/tasks", user.id), Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "a signed-in token works");

    let (status, body) = sign("/api/auth/sign-in", "ada@example.com", "wrong-password").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, _) = sign("/api/auth/sign-in", "nobody@example.com", "tidy-otter-planets-42").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The password is stored as an argon2id hash.
    let hash: String = match store {
        Store::Postgres => {
            let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&pool).await.unwrap()
        }
        Store::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
            sqlx::query_scalar("SELECT password_hash FROM users").fetch_one(&pool).await.unwrap()
        }
    };
    assert!(hash.starts_with("$argon2id$"), "{hash}");
}

async fn probes_docs_and_metrics(store: Store) {
    let app = TestApp::spawn(store).await;
    assert_eq!(app.get("/health").await, StatusCode::OK);
    assert_eq!(app.get("/ready").await, StatusCode::OK);

    let doc: serde_json::Value =
        app.client.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in
        ["/api/auth/sign-up", "/api/{user_id}/tasks", "/api/{user_id}/tasks/{id}/complete", "/api/{user_id}/chat"]
    {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    // Every schema a parameter or body refers to is in the document, so
    // clients and API fuzzers can read all of it.
    let text = doc.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(doc["components"]["schemas"].get(name).is_some(), "{name} is referred to but not defined");
    }

    let user = app.new_user().await;
    app.list_tasks(&user, "all").await;
    assert_eq!(app.get("/metrics").await, StatusCode::NOT_FOUND, "metrics stay off the public port");
    let metrics = app.client.get(format!("{}/metrics", app.metrics_base)).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("http_requests_total{method=\"GET\",route=\"/api/{user_id}/tasks\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
}
