//! Tasks people plan with, on both stores: each field's validation, the
//! list's parameters alone and combined, pages, recurrence, per-user
//! numbers under concurrency, settings, reminders, and the upgrade of a
//! database made by the previous release.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

use crate::helpers::{base_env, Store, StoreHandle, TestApp, User};

on_both_stores!(
    each_field_is_validated_and_a_refusal_changes_nothing,
    put_sets_fields_and_null_clears_them,
    list_parameters_filter_alone_and_combined,
    unknown_list_values_are_400_and_unknown_names_are_ignored,
    pages_follow_link_until_exhausted_in_every_order,
    recurring_tasks_roll_over_month_ends_leap_years_weekends_and_daylight_saving,
    concurrent_completions_of_a_recurring_task_create_one_next_occurrence,
    concurrent_creates_are_numbered_without_gaps_and_numbers_are_never_reused,
    settings_take_iana_time_zones,
    due_reminders_are_claimed_once,
    upgrading_a_database_from_the_previous_release_keeps_every_task_and_message,
);

fn tasks_path(user: &User) -> String {
    format!("/api/{}/tasks", user.id)
}

async fn create(app: &TestApp, user: &User, body: Value) -> (StatusCode, Value) {
    app.request(Method::POST, &tasks_path(user), Some(&user.token), Some(body)).await
}

async fn put(app: &TestApp, user: &User, id: &Value, body: Value) -> (StatusCode, Value) {
    app.request(Method::PUT, &format!("{}/{id}", tasks_path(user)), Some(&user.token), Some(body)).await
}

/// The titles a list answers, in order (one page).
async fn titles(app: &TestApp, user: &User, query: &str) -> Vec<String> {
    let (status, body) =
        app.request(Method::GET, &format!("{}?{query}", tasks_path(user)), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
}

async fn set_zone(app: &TestApp, user: &User, zone: &str) {
    let path = format!("/api/{}/settings", user.id);
    let (status, body) = app.request(Method::PUT, &path, Some(&user.token), Some(json!({ "timezone": zone }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn each_field_is_validated_and_a_refusal_changes_nothing(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let refusals = [
        (json!({ "title": "  " }), "title"),
        (json!({ "title": "x".repeat(201) }), "title"),
        (json!({ "title": "ok", "description": "d".repeat(1001) }), "description"),
        (json!({ "title": "ok", "priority": "urgent" }), "priority"),
        (json!({ "title": "ok", "priority": 3 }), "priority"),
        (json!({ "title": "ok", "tags": ["two words"] }), "tags"),
        (json!({ "title": "ok", "tags": ["t".repeat(33)] }), "tags"),
        (json!({ "title": "ok", "tags": (0..11).map(|n| format!("tag{n}")).collect::<Vec<_>>() }), "tags"),
        (json!({ "title": "ok", "tags": "home" }), "tags"),
        (json!({ "title": "ok", "due_at": "2026-11-23T09:00:00" }), "due_at"),
        (json!({ "title": "ok", "due_at": "tomorrow" }), "due_at"),
        (json!({ "title": "ok", "due_at": "0001-01-01T00:00:00Z" }), "due_at"),
        (json!({ "title": "ok", "remind_at": "2026-13-01T09:00:00Z" }), "remind_at"),
        (json!({ "title": "ok", "recurrence": "hourly" }), "recurrence"),
        (json!({ "title": "ok", "recurrence": "daily" }), "recurrence"),
    ];
    for (body, field) in refusals {
        let (status, answer) = create(&app, &user, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["error"], "validation_error", "{body}: {answer}");
        assert!(answer["field"].as_str().unwrap_or_default().starts_with(field), "{body}: {answer}");
    }
    assert!(app.list_tasks(&user, "all").await.is_empty(), "nothing was created");

    let (status, task) = create(
        &app,
        &user,
        json!({ "title": "  Pay rent  ", "description": "before noon", "priority": "high",
                "tags": ["Home", "#bills", "home"], "due_at": "2026-12-01T09:00:00+05:00",
                "remind_at": "2026-12-01T08:00:00+05:00", "recurrence": "monthly" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    assert_eq!(task["id"], 1);
    assert_eq!(task["title"], "Pay rent");
    assert_eq!(task["priority"], "high");
    assert_eq!(task["tags"], json!(["home", "bills"]), "trimmed, lower-cased, distinct");
    assert_eq!(task["due_at"], "2026-12-01T04:00:00Z");
    assert_eq!(task["remind_at"], "2026-12-01T03:00:00Z");
    assert_eq!(task["recurrence"], "monthly");
    assert_eq!(task["reminded_at"], Value::Null);
    assert_eq!(task["completed_at"], Value::Null);
    let (_, read) = app.request(Method::GET, &format!("{}/1", tasks_path(&user)), Some(&user.token), None).await;
    assert_eq!(read, task, "as stored");
    // Urdu tags are letters too.
    let (status, urdu) = create(&app, &user, json!({ "title": "دودھ خریدنا", "tags": ["گھر"] })).await;
    assert_eq!((status, urdu["tags"].clone()), (StatusCode::CREATED, json!(["گھر"])));
}

async fn put_sets_fields_and_null_clears_them(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let (_, task) =
        create(&app, &user, json!({ "title": "Plan trip", "description": "Lahore", "tags": ["travel"] })).await;
    let id = task["id"].clone();

    let (status, set) = put(
        &app,
        &user,
        &id,
        json!({ "priority": "medium", "tags": ["travel", "family"], "due_at": "2026-12-24T18:00:00Z",
                "remind_at": "2026-12-24T17:00:00Z", "recurrence": "yearly" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!((set["priority"].as_str(), set["recurrence"].as_str()), (Some("medium"), Some("yearly")));
    assert_eq!(set["description"], "Lahore", "left out: unchanged");

    // Clearing the due date of a recurring task would break the rule.
    let (status, refused) = put(&app, &user, &id, json!({ "due_at": null })).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("recurrence")));
    let (status, cleared) = put(
        &app,
        &user,
        &id,
        json!({ "description": null, "priority": null, "tags": null, "due_at": null, "remind_at": null, "recurrence": null }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    for field in ["description", "due_at", "remind_at", "recurrence"] {
        assert_eq!(cleared[field], Value::Null, "{field}");
    }
    assert_eq!((cleared["priority"].as_str(), cleared["tags"].clone()), (Some("none"), json!([])));
    let (status, refused) = put(&app, &user, &id, json!({ "title": null })).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
    let (status, refused) = put(&app, &user, &id, json!({ "tags": ["bad tag"] })).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("tags")));

    // Completion is stamped, and reopening clears it.
    let (_, done) = put(&app, &user, &id, json!({ "completed": true })).await;
    assert!(done["completed_at"].is_string(), "{done}");
    let (_, reopened) = put(&app, &user, &id, json!({ "completed": false })).await;
    assert_eq!(reopened["completed_at"], Value::Null);
    let (status, _) = put(&app, &user, &json!(99), json!({ "priority": "low" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Creates the planning fixture: tasks with every kind of field, due
/// around "now" in the user's zone.
async fn fixture(app: &TestApp, user: &User) {
    let now = chrono::Utc::now();
    let at = |hours: i64| (now + chrono::Duration::hours(hours)).to_rfc3339();
    let tasks = [
        json!({ "title": "Pay rent", "description": "Landlord wants cash", "priority": "high", "tags": ["home", "money"], "due_at": at(-30) }),
        json!({ "title": "Water plants", "priority": "low", "tags": ["home"], "due_at": at(1) }),
        json!({ "title": "Book flights", "description": "to Lahore", "priority": "medium", "tags": ["travel"], "due_at": at(24 * 3) }),
        json!({ "title": "Renew passport", "priority": "high", "tags": ["travel", "money"], "due_at": at(24 * 20) }),
        json!({ "title": "read a book" }),
        json!({ "title": "Call the bank", "priority": "medium", "tags": ["money"], "due_at": at(-2) }),
    ];
    for task in tasks {
        assert_eq!(create(app, user, task).await.0, StatusCode::CREATED);
    }
    // A completed overdue task is not overdue.
    let (_, done) = create(app, user, json!({ "title": "Old chore", "due_at": at(-48) })).await;
    put(app, user, &done["id"], json!({ "completed": true })).await;
}

async fn list_parameters_filter_alone_and_combined(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    set_zone(&app, &user, "UTC").await;
    fixture(&app, &user).await;
    let t = |q: &'static str| titles(&app, &user, q);

    assert_eq!(t("status=completed").await, ["Old chore"]);
    assert_eq!(t("status=pending").await.len(), 6);
    assert_eq!(t("q=RENT").await, ["Pay rent"], "case-insensitive");
    assert_eq!(t("q=lahore").await, ["Book flights"], "descriptions are searched");
    assert_eq!(t("q=bo").await, ["Book flights", "read a book"], "short searches too");
    assert_eq!(t("q=%25").await, Vec::<String>::new(), "LIKE wildcards are plain text");
    assert_eq!(t("priority=high").await, ["Pay rent", "Renew passport"]);
    assert_eq!(t("priority=high,low").await, ["Pay rent", "Water plants", "Renew passport"]);
    assert_eq!(t("tag=money").await, ["Pay rent", "Renew passport", "Call the bank"]);
    assert_eq!(t("tag=money,travel").await, ["Renew passport"], "all of the tags");
    assert_eq!(t("due=overdue").await, ["Pay rent", "Call the bank"]);
    assert_eq!(t("due=none").await, ["read a book"]);
    assert_eq!(t("due=week").await, ["Water plants", "Book flights"]);
    assert_eq!(t("sort=due").await[..3], ["Old chore", "Pay rent", "Call the bank"]);
    assert_eq!(t("sort=due").await.last().unwrap(), "read a book", "no due date last");
    assert_eq!(t("sort=due&order=desc").await.last().unwrap(), "read a book", "last in both orders");
    assert_eq!(t("sort=priority").await[..4], ["Pay rent", "Renew passport", "Call the bank", "Book flights"]);
    assert_eq!(t("sort=title").await[..2], ["Book flights", "Call the bank"]);
    assert_eq!(t("sort=title").await.last().unwrap(), "Water plants", "case-insensitive order");
    assert_eq!(t("sort=created&order=desc").await[0], "Old chore");
    assert_eq!(t("limit=2").await.len(), 2);
    // Combined.
    assert_eq!(
        t("status=pending&tag=money&priority=high,medium&sort=due").await,
        ["Pay rent", "Call the bank", "Renew passport"]
    );
    assert_eq!(t("q=book&priority=medium&due=week&tag=travel").await, ["Book flights"]);

    // "today" is the user's local day: in Auckland it may hold other tasks than in UTC.
    set_zone(&app, &user, "Pacific/Auckland").await;
    let zone: chrono_tz::Tz = "Pacific/Auckland".parse().unwrap();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let expected: Vec<String> = app
        .list_tasks(&user, "all")
        .await
        .iter()
        .filter(|task| {
            task["due_at"].as_str().is_some_and(|due| {
                chrono::DateTime::parse_from_rfc3339(due).unwrap().with_timezone(&zone).date_naive() == today
            })
        })
        .map(|task| task["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(t("due=today").await, expected);
}

async fn unknown_list_values_are_400_and_unknown_names_are_ignored(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    app.create_task(&user, "one").await;
    for query in [
        "status=done",
        "priority=urgent",
        "priority=high,urgent",
        "due=tomorrow",
        "sort=size",
        "order=up",
        "limit=0",
        "limit=201",
        "limit=ten",
        "tag=bad%20tag",
        "cursor=not-a-cursor",
    ] {
        let (status, body) =
            app.request(Method::GET, &format!("{}?{query}", tasks_path(&user)), Some(&user.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body["message"].is_string(), "{query}: {body}");
    }
    assert_eq!(titles(&app, &user, "colour=blue&status=all").await, ["one"]);
}

async fn pages_follow_link_until_exhausted_in_every_order(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let now = chrono::Utc::now();
    for n in 0..23 {
        let mut task = json!({ "title": format!("Task {:02} {}", (n * 7) % 23, ["alpha", "Beta", "gamma"][n % 3]) });
        if n % 4 != 0 {
            task["due_at"] = json!((now + chrono::Duration::hours((n as i64 * 5) % 17)).to_rfc3339());
        }
        task["priority"] = json!(["none", "low", "medium", "high"][n % 4]);
        create(&app, &user, task).await;
    }
    for sort in ["created", "due", "priority", "title", "updated"] {
        for order in ["asc", "desc"] {
            for filter in ["", "&status=pending&q=a", "&priority=low,high"] {
                let query = format!("sort={sort}&order={order}{filter}");
                let (_, whole) = app
                    .request(Method::GET, &format!("{}?{query}&limit=200", tasks_path(&user)), Some(&user.token), None)
                    .await;
                let whole: Vec<Value> = whole.as_array().unwrap().clone();
                let mut walked = Vec::new();
                let mut next = Some(format!("{}?{query}&limit=4", tasks_path(&user)));
                let mut pages = 0;
                while let Some(path) = next.take() {
                    let response =
                        app.client.get(format!("{}{path}", app.base)).bearer_auth(&user.token).send().await.unwrap();
                    assert_eq!(response.status(), StatusCode::OK, "{path}");
                    let total: usize = response.headers()["x-total-count"].to_str().unwrap().parse().unwrap();
                    assert_eq!(total, whole.len(), "{query}");
                    next = response.headers().get("link").map(|link| {
                        let link = link.to_str().unwrap();
                        assert!(link.ends_with(">; rel=\"next\"") && link.starts_with("</api/"), "{link}");
                        link[1..link.find('>').unwrap()].to_string()
                    });
                    let page: Vec<Value> = response.json().await.unwrap();
                    assert!(page.len() <= 4);
                    walked.extend(page);
                    pages += 1;
                    assert!(pages < 20, "the walk ends");
                }
                assert_eq!(walked, whole, "{query}: the pages make up the whole list, in order, once each");
            }
        }
    }
}

async fn recurring_tasks_roll_over_month_ends_leap_years_weekends_and_daylight_saving(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let (app, user) = (&app, &user);
    set_zone(app, user, "America/New_York").await;
    let complete = |id: Value| {
        let path = format!("{}/{id}/complete", tasks_path(user));
        async move { app.request(Method::PATCH, &path, Some(&user.token), None).await }
    };
    // The next occurrence, after completing a task due at `due`.
    let next_due = |rule: &'static str, due: &'static str| async move {
        let (_, task) =
            create(app, user, json!({ "title": format!("{rule} {due}"), "due_at": due, "recurrence": rule })).await;
        let (status, done) = complete(task["id"].clone()).await;
        assert_eq!((status, done["completed"].as_bool()), (StatusCode::OK, Some(true)));
        let all = app.list_tasks(user, "pending").await;
        let next = all.iter().find(|t| t["title"] == task["title"]).expect("the next occurrence").clone();
        assert_eq!(next["recurrence"], rule);
        assert!(next["id"].as_i64() > task["id"].as_i64());
        next["due_at"].as_str().unwrap().to_string()
    };
    // 2027-01-31 10:00 New York (EST) → 2027-02-28; in 2028, 2028-02-29.
    assert_eq!(next_due("monthly", "2027-01-31T10:00:00-05:00").await, "2027-02-28T15:00:00Z");
    assert_eq!(next_due("monthly", "2028-01-31T10:00:00-05:00").await, "2028-02-29T15:00:00Z");
    assert_eq!(next_due("yearly", "2028-02-29T10:00:00-05:00").await, "2029-02-28T15:00:00Z");
    // Friday → Monday.
    assert_eq!(next_due("weekdays", "2026-11-20T10:00:00-05:00").await, "2026-11-23T15:00:00Z");
    assert_eq!(next_due("weekly", "2026-11-20T10:00:00-05:00").await, "2026-11-27T15:00:00Z");
    // Daily 09:00 across the spring change stays 09:00 local: 14:00Z, then 13:00Z.
    assert_eq!(next_due("daily", "2026-03-07T09:00:00-05:00").await, "2026-03-08T13:00:00Z");

    // The reminder moves by as much as the due date; details carry over.
    let (_, task) = create(
        app,
        user,
        json!({ "title": "Standup", "description": "room 4", "priority": "high", "tags": ["work"],
                "due_at": "2026-11-23T09:00:00-05:00", "remind_at": "2026-11-23T08:45:00-05:00", "recurrence": "daily" }),
    )
    .await;
    complete(task["id"].clone()).await;
    let pending = app.list_tasks(user, "pending").await;
    let next = pending.iter().find(|t| t["title"] == "Standup").unwrap();
    assert_eq!(next["remind_at"], "2026-11-24T13:45:00Z");
    assert_eq!(
        (next["description"].clone(), next["priority"].clone(), next["tags"].clone()),
        (json!("room 4"), json!("high"), json!(["work"]))
    );
    // The rule moved on to the next occurrence: reopening this one and
    // completing it again creates no second one.
    let before = app.list_tasks(user, "all").await.len();
    let (_, reopened) = complete(task["id"].clone()).await;
    assert_eq!((reopened["completed"].clone(), reopened["recurrence"].clone()), (json!(false), Value::Null));
    let (_, again) = put(app, user, &task["id"], json!({ "completed": true })).await;
    assert_eq!(again["completed"], true);
    let (_, same) = put(app, user, &task["id"], json!({ "completed": true })).await;
    assert_eq!(same["completed_at"], again["completed_at"], "completing a completed task changes nothing");
    assert_eq!(app.list_tasks(user, "all").await.len(), before);
}

async fn concurrent_completions_of_a_recurring_task_create_one_next_occurrence(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let (_, task) =
        create(&app, &user, json!({ "title": "Take pills", "due_at": "2026-11-23T08:00:00Z", "recurrence": "daily" }))
            .await;
    let path = format!("{}/{}", tasks_path(&user), task["id"]);
    let attempts =
        (0..10).map(|_| app.request(Method::PUT, &path, Some(&user.token), Some(json!({ "completed": true }))));
    let answers = futures_util::future::join_all(attempts).await;
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::OK), "{answers:?}");
    let all = app.list_tasks(&user, "all").await;
    assert_eq!(all.len(), 2, "one next occurrence: {all:?}");
    assert_eq!(all[1]["due_at"], "2026-11-24T08:00:00Z");
}

async fn concurrent_creates_are_numbered_without_gaps_and_numbers_are_never_reused(store: Store) {
    let app = TestApp::spawn(store).await;
    let (alice, bob) = (app.new_user().await, app.new_user().await);
    let creates = (0..40).map(|n| {
        let user = if n % 2 == 0 { &alice } else { &bob };
        create(&app, user, json!({ "title": format!("task {n}") }))
    });
    let answers = futures_util::future::join_all(creates).await;
    for user in [&alice, &bob] {
        let ids: Vec<i64> = app.list_tasks(user, "all").await.iter().map(|t| t["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, (1..=20).collect::<Vec<_>>(), "each user's tasks are 1..20");
    }
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::CREATED));
    let ids: HashSet<i64> = answers.iter().map(|(_, task)| task["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 20, "each number answered once per user");
    // Deleting the last task does not give its number back.
    app.request(Method::DELETE, &format!("{}/20", tasks_path(&alice)), Some(&alice.token), None).await;
    let (_, next) = create(&app, &alice, json!({ "title": "after a delete" })).await;
    assert_eq!(next["id"], 21);
    // Conversations are numbered per user too.
    let (_, first) = app.chat(&bob, None, "hello").await;
    assert_eq!(first["conversation_id"], 1);
}

async fn settings_take_iana_time_zones(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let path = format!("/api/{}/settings", user.id);
    assert_eq!(app.request(Method::GET, &path, Some(&user.token), None).await.1, json!({ "timezone": "UTC" }));
    for bad in ["Mars/Olympus", "GMT+5 (Pakistan)", "", "Europe/Paris/Extra"] {
        let (status, body) = app.request(Method::PUT, &path, Some(&user.token), Some(json!({ "timezone": bad }))).await;
        assert_eq!((status, body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("timezone")), "{bad:?}");
    }
    set_zone(&app, &user, "Asia/Karachi").await;
    assert_eq!(app.request(Method::GET, &path, Some(&user.token), None).await.1, json!({ "timezone": "Asia/Karachi" }));
    let other = app.new_user().await;
    let (status, _) = app.request(Method::GET, &path, Some(&other.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn due_reminders_are_claimed_once(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    create(&app, &user, json!({ "title": "Call mom", "remind_at": past })).await;
    create(&app, &user, json!({ "title": "Later", "remind_at": future })).await;
    let path = format!("/api/{}/reminders/claim", user.id);
    let tabs = (0..5).map(|_| app.request(Method::POST, &path, Some(&user.token), None));
    let claimed: Vec<Value> = futures_util::future::join_all(tabs).await.into_iter().map(|(_, body)| body).collect();
    let delivered: Vec<&Value> = claimed.iter().flat_map(|body| body.as_array().unwrap()).collect();
    assert_eq!(delivered.len(), 1, "one tab gets it: {claimed:?}");
    assert_eq!(delivered[0]["title"], "Call mom");
    assert!(delivered[0]["reminded_at"].is_string());
    // Moving the reminder makes it due again.
    let earlier = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let (_, moved) = put(&app, &user, &delivered[0]["id"], json!({ "remind_at": earlier })).await;
    assert_eq!(moved["reminded_at"], Value::Null);
}

/// A database as the previous release left it (only its migration applied,
/// ids shared by all users), upgraded by starting the new backend on it.
async fn upgrading_a_database_from_the_previous_release_keeps_every_task_and_message(store: Store) {
    let handle = StoreHandle::new(store).await;
    let previous = tempfile::tempdir().unwrap();
    let folder = match store {
        Store::Postgres => "postgres",
        Store::Sqlite => "sqlite",
    };
    let migrations = crate::helpers::repo_root().join("backend/migrations").join(folder);
    std::fs::copy(migrations.join("20261121000001_initial.sql"), previous.path().join("20261121000001_initial.sql"))
        .unwrap();
    let migrator = sqlx::migrate::Migrator::new(previous.path()).await.unwrap();
    // Interleaved: ids are global in the old schema.
    let old = [
        "INSERT INTO users (id, email, password_hash, created_at) VALUES ('u-a', 'a@example.com', 'x', '2026-01-01T00:00:00Z')",
        "INSERT INTO users (id, email, password_hash, created_at) VALUES ('u-b', 'b@example.com', 'x', '2026-01-01T00:00:00Z')",
        "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES ('u-a', 'A one', 'first', FALSE, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')",
        "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES ('u-b', 'B one', NULL, TRUE, '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z')",
        "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES ('u-a', 'A two', NULL, TRUE, '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z')",
        "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) VALUES ('u-b', 'B two', 'Rent is due', FALSE, '2026-01-07T00:00:00Z', '2026-01-07T00:00:00Z')",
        "INSERT INTO conversations (user_id, created_at, updated_at) VALUES ('u-b', '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')",
        "INSERT INTO conversations (user_id, created_at, updated_at) VALUES ('u-a', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z')",
        "INSERT INTO conversations (user_id, created_at, updated_at) VALUES ('u-b', '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z')",
        "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) VALUES ('u-b', 1, 'user', 'B first chat', NULL, '2026-01-02T00:00:00Z')",
        "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) VALUES ('u-a', 2, 'user', 'A chat', NULL, '2026-01-03T00:00:00Z')",
        "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) VALUES ('u-a', 2, 'assistant', 'A reply', '[]', '2026-01-03T00:00:01Z')",
        "INSERT INTO messages (user_id, conversation_id, role, content, tool_calls, created_at) VALUES ('u-b', 3, 'user', 'B second chat', NULL, '2026-01-04T00:00:00Z')",
    ];
    match store {
        Store::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&handle.url).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            for sql in old {
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
        Store::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&handle.url).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            for sql in old {
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
    }

    let mut app = TestApp::spawn_with(base_env(&handle.url)).await;
    app.keep(handle);
    // The accounts' passwords are not known; sessions are made for them.
    let a = User { id: "u-a".into(), token: issue(&app, "u-a").await };
    let b = User { id: "u-b".into(), token: issue(&app, "u-b").await };
    let summary = |tasks: Vec<Value>| -> Vec<(i64, String, Value, bool)> {
        tasks
            .iter()
            .map(|t| {
                (
                    t["id"].as_i64().unwrap(),
                    t["title"].as_str().unwrap().into(),
                    t["description"].clone(),
                    t["completed"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        summary(app.list_tasks(&a, "all").await),
        [(1, "A one".into(), json!("first"), false), (2, "A two".into(), Value::Null, true)]
    );
    assert_eq!(
        summary(app.list_tasks(&b, "all").await),
        [(1, "B one".into(), Value::Null, true), (2, "B two".into(), json!("Rent is due"), false)]
    );
    let completed = app.list_tasks(&b, "completed").await;
    assert!(completed[0]["completed_at"].is_string(), "completed tasks get a completion time");
    assert_eq!(titles(&app, &b, "q=rent").await, ["B two"], "old tasks are searchable");

    let messages = |user: &User, conversation: i64| {
        let path = format!("/api/{}/conversations/{conversation}/messages", user.id);
        let token = user.token.clone();
        let app = &app;
        async move {
            let (status, body) = app.request(Method::GET, &path, Some(&token), None).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
            body.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(messages(&a, 1).await, ["A chat", "A reply"]);
    assert_eq!(messages(&b, 1).await, ["B first chat"]);
    assert_eq!(messages(&b, 2).await, ["B second chat"]);
    // Numbering goes on from there.
    assert_eq!(create(&app, &a, json!({ "title": "A three" })).await.1["id"], 3);
    let (_, chat) = app.chat(&a, None, "hello").await;
    assert_eq!(chat["conversation_id"], 2);
}

/// A session token for `user_id`, signed with the test secret and its
/// session recorded, as sign-in would.
async fn issue(app: &TestApp, user_id: &str) -> String {
    let keys = backend::auth::TokenKeys::new(
        &crate::helpers::AUTH_SECRET.to_string().into(),
        std::time::Duration::from_secs(3600),
    );
    let issued = keys.issue(user_id).unwrap();
    let db = backend::db::Db::connect(
        &backend::Config::from_lookup(|key| base_env(&app.database_url).get(key).cloned()).unwrap(),
    )
    .await
    .unwrap();
    db.create_session(user_id, &issued.session_id, issued.expires_at).await.unwrap();
    issued.token
}
