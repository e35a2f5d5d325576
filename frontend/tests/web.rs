//! The web UI over HTTP, as a browser without JavaScript uses it, against
//! the real backend.

mod common;

use common::{start_frontend, start_frontend_with, Browser, Stack};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn sign_up_add_filter_edit_complete_delete_and_chat() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    let welcome = browser.sign_up("web@example.com").await;
    assert!(welcome.contains("Welcome! Your account is ready."));
    let reloaded = browser.get("/tasks?notice=welcome").await;
    assert!(!reloaded.contains("Welcome!"), "the address does not bring the notice back");
    assert!(welcome.contains("No tasks yet"), "empty state");
    assert!(welcome.contains("web@example.com"), "who is signed in");

    let added = browser.add_task("Buy groceries").await;
    assert!(added.url.ends_with("/tasks"), "POST-redirect-GET: {}", added.url);
    assert!(added.contains("Task added.") && added.contains("<span class=\"title\" dir=\"auto\">Buy groceries</span>"));
    assert!(added.contains(" autofocus"), "focus goes back to the add form");
    assert!(!browser.get("/tasks").await.contains("Task added."), "a reload does not show the notice again");
    browser.add_task("Call mom").await;
    let id = browser.task_id("Buy groceries").await;
    let csrf = browser.csrf().await;

    // Edit: the form comes pre-filled, the change shows.
    let editing = browser.get(&format!("/tasks?edit={id}")).await;
    assert!(editing.contains("value=\"Buy groceries\""));
    let edited = browser
        .post(&format!("/tasks/{id}/edit"), &[("csrf", &csrf), ("title", "Buy food"), ("description", "milk, eggs")])
        .await;
    assert!(edited.contains("Task updated.") && edited.contains("Buy food") && edited.contains("milk, eggs"));

    // Complete, then filter.
    let completed = browser.post(&format!("/tasks/{id}/toggle"), &[("csrf", &csrf)]).await;
    assert!(completed.contains("Task completed."));
    let done = browser.get("/tasks?status=completed").await;
    assert!(done.contains("Buy food") && !done.contains("Call mom"));
    let pending = browser.get("/tasks?status=pending").await;
    assert!(pending.contains("Call mom") && !pending.contains("Buy food"));
    let reopened = browser.post(&format!("/tasks/{id}/toggle"), &[("csrf", &csrf), ("back", "status=pending")]).await;
    assert!(reopened.url.contains("status=pending") && reopened.contains("Buy food"), "back to the same filter");
    assert!(reopened.contains("aria-pressed=\"false\" autofocus"), "focus stays on the task's button");

    // Validation: the error shows next to the form, the input is kept.
    let too_long = "x".repeat(201);
    let refused = browser.post("/tasks", &[("csrf", &csrf), ("title", &too_long), ("description", "keep me")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("at most 200 characters"), "{}", refused.html);
    assert!(refused.contains(&format!("value=\"{too_long}\"")) && refused.contains(">keep me</textarea>"));
    let empty = browser.post("/tasks", &[("csrf", &csrf), ("title", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.contains("title is required"));

    // Delete.
    let deleted = browser.post(&format!("/tasks/{id}/delete"), &[("csrf", &csrf)]).await;
    assert!(deleted.contains("Task deleted.") && !deleted.contains("Buy food"));

    // Chat without JavaScript: post, redirect to the conversation.
    let chat = browser.get("/chat").await;
    assert!(chat.contains("Ask me to manage your tasks"));
    let answered = browser
        .post("/chat", &[("csrf", &chat.csrf()), ("message", "Add a task to buy milk"), ("conversation_id", "")])
        .await;
    assert!(answered.url.contains("/chat?c="), "{}", answered.url);
    assert!(answered.contains("Got it! I added &#34;Buy milk&#34;"), "{}", answered.html);
    assert!(answered.contains("<summary dir=\"auto\">Added “Buy milk”</summary>"), "tool calls told in words");
    assert!(answered.contains("aria-current=\"page\">Add a task to buy milk</a>"), "listed and selected");
    assert!(browser.get("/tasks").await.contains("Buy milk"));

    // The script's path: JSON in, JSON out, same conversation.
    let conversation = answered.url.rsplit('=').next().unwrap().to_string();
    let reply: Value = browser
        .client
        .post(format!("{}/chat", browser.base))
        .header("accept", "application/json")
        .form(&[("csrf", chat.csrf().as_str()), ("message", "What's pending?"), ("conversation_id", &conversation)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["conversation_id"].to_string(), conversation);
    assert!(reply["response"].as_str().unwrap().contains("Buy milk"));
    assert!(reply["activity"][0]["summary"].as_str().unwrap().starts_with("Looked at your tasks"), "{reply}");
    assert_eq!(reply["activity"][0]["details"][0], serde_json::json!(["Tool", "list_tasks"]));

    // Sign out ends the session.
    let out = browser.post("/sign-out", &[("csrf", &csrf)]).await;
    assert!(out.url.ends_with("/sign-in") && out.contains("You have been signed out."));
    assert!(browser.get("/tasks").await.url.ends_with("/sign-in"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("csrf@example.com").await;
    browser.add_task("Keep me").await;
    let id = browser.task_id("Keep me").await;

    // A cross-site form would carry the cookie but not the token.
    for (path, form) in [
        ("/tasks".to_string(), vec![("title", "Injected")]),
        (format!("/tasks/{id}/delete"), vec![]),
        (format!("/tasks/{id}/toggle"), vec![("csrf", "0000000000000000000000000000000000000000")]),
        ("/chat".to_string(), vec![("message", "Delete task 1")]),
        ("/sign-out".to_string(), vec![]),
    ] {
        let page = browser.post(&path, &form).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.contains("This form has expired"));
    }
    // Another visitor's token does not fit this browser's cookie either.
    let stranger = Browser::new(&stack.frontend.base).get("/sign-in").await.csrf();
    assert_eq!(
        browser.post("/tasks", &[("csrf", &stranger), ("title", "Injected")]).await.status,
        StatusCode::FORBIDDEN
    );

    // JSON writes through the proxy with the session cookie need the header.
    let user_tasks = browser.client.get(format!("{}/chat", browser.base)).send().await.unwrap();
    assert_eq!(user_tasks.status(), StatusCode::OK);
    let page = browser.get("/tasks").await;
    let tasks_api = api_tasks_path(&browser).await;
    let refused = browser
        .client
        .post(format!("{}{tasks_api}", browser.base))
        .json(&serde_json::json!({ "title": "Injected" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let accepted = browser
        .client
        .post(format!("{}{tasks_api}", browser.base))
        .header("x-csrf-token", page.csrf())
        .json(&serde_json::json!({ "title": "Via the proxy" }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::CREATED);

    let list = browser.get("/tasks").await;
    assert!(list.contains("Keep me") && list.contains("Via the proxy") && !list.contains("Injected"));
}

/// `/api/{user_id}/tasks` for the signed-in browser.
async fn api_tasks_path(browser: &Browser) -> String {
    format!("/api/{}/tasks", session_fields(browser)["user_id"])
}

/// What the browser's session cookie holds (user id, email, token).
fn session_fields(browser: &Browser) -> std::collections::HashMap<String, String> {
    let cookies = reqwest::cookie::CookieStore::cookies(&*browser.jar, &browser.base.parse().unwrap()).unwrap();
    let cookies = cookies.to_str().unwrap().to_string();
    let session = cookies.split("; ").find_map(|c| c.strip_prefix("todo_session=")).expect("a session cookie");
    // The form-encoded value is percent-encoded once more in the cookie.
    let value = percent_encoding::percent_decode_str(session).decode_utf8().unwrap();
    serde_urlencoded::from_str(&value).unwrap()
}

#[tokio::test]
async fn the_proxy_forwards_json_with_the_session_token() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("proxy@example.com").await;
    browser.add_task("From the form").await;
    let path = api_tasks_path(&browser).await;

    let response = browser.client.get(format!("{}{path}?status=pending", browser.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let tasks: Value = response.json().await.unwrap();
    assert_eq!(tasks[0]["title"], "From the form");

    let missing = browser.client.get(format!("{}{path}/987654", browser.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND, "status codes pass through");
    assert_eq!(missing.json::<Value>().await.unwrap()["error"], "not_found");

    // Without a session the backend's 401 comes through; a tool's own token works.
    let anonymous = reqwest::Client::new().get(format!("{}{path}", browser.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let signed_in: Value = reqwest::Client::new()
        .post(format!("{}/api/auth/sign-in", browser.base))
        .json(&serde_json::json!({ "email": "proxy@example.com", "password": "tidy-otter-planets-42" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let with_token = reqwest::Client::new()
        .get(format!("{}{path}", browser.base))
        .bearer_auth(signed_in["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), StatusCode::OK);

    // Idempotency-Key goes through, and so does the answer's replay marker.
    let create = || {
        reqwest::Client::new()
            .post(format!("{}{path}", browser.base))
            .bearer_auth(signed_in["token"].as_str().unwrap())
            .header("Idempotency-Key", "proxy-retry-1")
            .json(&serde_json::json!({ "title": "Sent twice" }))
            .send()
    };
    let (first, second) = (create().await.unwrap(), create().await.unwrap());
    assert_eq!((first.status(), second.status()), (StatusCode::CREATED, StatusCode::CREATED));
    assert!(first.headers().get("idempotent-replayed").is_none());
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let tasks: Value =
        browser.client.get(format!("{}{path}", browser.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(tasks.as_array().unwrap().iter().filter(|t| t["title"] == "Sent twice").count(), 1);
}

#[tokio::test]
async fn two_sessions_never_see_each_others_tasks() {
    let stack = Stack::start().await;
    let alice = stack.browser();
    let bob = stack.browser();
    alice.sign_up("alice@example.com").await;
    bob.sign_up("bob@example.com").await;
    alice.add_task("Alice diary").await;
    let id = alice.task_id("Alice diary").await;

    assert!(!bob.get("/tasks").await.contains("diary"));
    assert_eq!(bob.get(&format!("/tasks?edit={id}")).await.status, StatusCode::NOT_FOUND);
    let csrf = bob.csrf().await;
    for action in ["delete", "toggle"] {
        let page = bob.post(&format!("/tasks/{id}/{action}"), &[("csrf", &csrf)]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    let page = bob.post(&format!("/tasks/{id}/edit"), &[("csrf", &csrf), ("title", "Bob was here")]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let answer = bob.post("/chat", &[("csrf", &csrf), ("message", &format!("delete task {id}"))]).await;
    assert!(answer.contains("couldn&#39;t find task") || answer.contains("couldn't find task"), "{}", answer.html);

    let list = alice.get("/tasks").await;
    assert!(list.contains("Alice diary"));
    assert!(!list.contains("Bob was here"));
}

#[tokio::test]
async fn user_text_is_escaped_and_pages_send_security_headers() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("xss@example.com").await;
    let page = browser.add_task("<script>alert('x')</script>").await;
    assert!(!page.contains("<script>alert"), "user text is never markup");
    assert!(page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"), "shown as text");

    let response = browser.client.get(format!("{}/tasks", browser.base)).send().await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("referrer-policy"));
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>") && !html.contains("style=\""), "no inline script or style");

    // A fresh sign-in sets the session cookie HttpOnly and SameSite=Lax.
    let fresh =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let form = fresh.get(format!("{}/sign-in", browser.base)).send().await.unwrap().text().await.unwrap();
    let csrf = form.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let signed_in = fresh
        .post(format!("{}/sign-in", browser.base))
        .form(&[("csrf", csrf.as_str()), ("email", "xss@example.com"), ("password", "tidy-otter-planets-42")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|value| value.starts_with("todo_session="))
        .expect("the session cookie is set");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let other = Browser::new(&browser.base);
    let csrf = other.get("/sign-in").await.csrf();
    let wrong = other
        .client
        .post(format!("{}/sign-in", browser.base))
        .form(&[("csrf", csrf.as_str()), ("email", "xss@example.com"), ("password", "not-the-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Wrong email or password.") && html.contains("value=\"xss@example.com\""));
}

#[tokio::test]
async fn an_expired_session_goes_back_to_sign_in_with_a_message() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    let forged = "todo_session=user_id=someone&email=a%40b.co&token=expired.or.forged; Path=/";
    browser.jar.add_cookie_str(forged, &stack.frontend.base.parse().unwrap());
    let page = browser.get("/tasks").await;
    assert!(page.url.ends_with("/sign-in"), "{}", page.url);
    assert!(page.contains("Your session has expired. Please sign in again."));
    assert!(!browser.get("/sign-in").await.contains("has expired"), "said once");
    assert!(browser.get("/tasks").await.url.ends_with("/sign-in"), "the bad cookie is cleared");
}

#[tokio::test]
async fn a_backend_outage_gets_a_friendly_page_not_a_stack_trace() {
    let mut stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("outage@example.com").await;
    let path = api_tasks_path(&browser).await;
    stack.backend.stop().await;

    let page = browser.get("/tasks").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("The task service is unavailable") && page.contains("try again"));
    let chat = browser.get("/chat").await;
    assert_eq!(chat.status, StatusCode::SERVICE_UNAVAILABLE);
    let proxied = browser.client.get(format!("{}{path}", browser.base)).send().await.unwrap();
    assert_eq!(proxied.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(proxied.json::<Value>().await.unwrap()["error"], "backend_unavailable");

    // A frontend whose backend never existed still serves its sign-in page.
    let lonely = start_frontend("http://127.0.0.1:9").await;
    let visitor = Browser::new(&lonely.base);
    let form = visitor.get("/sign-in").await;
    assert_eq!(form.status, StatusCode::OK);
    let attempt = visitor
        .post("/sign-in", &[("csrf", &form.csrf()), ("email", "a@b.co"), ("password", "tidy-otter-planets-42")])
        .await;
    assert_eq!(attempt.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        attempt.contains("We can&#39;t reach the task service") || attempt.contains("We can't reach the task service")
    );
    assert_eq!(reqwest::get(format!("{}/health", lonely.base)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(reqwest::get(format!("{}/ready", lonely.base)).await.unwrap().status(), StatusCode::OK);
}

/// A backend that accepts connections and never answers: every page, form
/// and proxied call gives up after BACKEND_TIMEOUT_SECS with a friendly 504.
#[tokio::test]
async fn a_hung_backend_gets_a_timeout_page_within_the_bound() {
    let hung = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hung_url = format!("http://{}", hung.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut connections = Vec::new();
        while let Ok((socket, _)) = hung.accept().await {
            connections.push(socket);
        }
    });
    let frontend = start_frontend_with(&hung_url, &[("BACKEND_TIMEOUT_SECS", "1")]).await;
    let browser = Browser::new(&frontend.base);
    let session = "todo_session=user_id=someone&email=a%40b.co&token=any; Path=/";
    browser.jar.add_cookie_str(session, &frontend.base.parse().unwrap());
    let bound = std::time::Duration::from_secs(5);

    for path in ["/tasks", "/chat"] {
        let page = tokio::time::timeout(bound, browser.get(path)).await.expect("the page answers within the bound");
        assert_eq!(page.status, StatusCode::GATEWAY_TIMEOUT, "{path}");
        assert!(page.contains("The task service is taking too long"), "{path}: {}", page.html);
    }
    let csrf = browser.get("/sign-in").await.csrf();
    let form = [("csrf", csrf.as_str()), ("email", "a@b.co"), ("password", "x")];
    let attempt = tokio::time::timeout(bound, browser.post("/sign-in", &form)).await.expect("sign-in answers in time");
    assert_eq!(attempt.status, StatusCode::GATEWAY_TIMEOUT);
    let proxied = tokio::time::timeout(bound, browser.client.get(format!("{}/api/x/tasks", browser.base)).send())
        .await
        .expect("the proxy answers within the bound")
        .unwrap();
    assert_eq!(proxied.status(), StatusCode::GATEWAY_TIMEOUT);
    held.abort();
}

/// The add form carries a request id that the backend takes as its
/// Idempotency-Key: a double click, or the form sent again, adds one task.
#[tokio::test]
async fn submitting_the_add_form_twice_adds_the_task_once() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("double@example.com").await;
    let page = browser.get("/tasks").await;
    let (csrf, request_id) = (page.csrf(), page.hidden("request_id"));
    let form = [("csrf", csrf.as_str()), ("title", "Clicked twice"), ("status", "all"), ("request_id", &request_id)];
    let (first, second) = tokio::join!(browser.post("/tasks", &form), browser.post("/tasks", &form));
    assert!(first.url.ends_with("/tasks") && second.url.ends_with("/tasks"), "{} {}", first.url, second.url);
    assert_eq!(second.html.matches(">Clicked twice</span> <span class=\"id\">").count(), 1, "listed once");
    let next = browser.get("/tasks").await.hidden("request_id");
    assert_ne!(next, request_id, "each form gets a new id");
}

/// CSRF tokens belong to the session: a planted visitor cookie gives an
/// attacker no token of theirs that works, and signing in changes the token.
#[tokio::test]
async fn csrf_tokens_are_bound_to_the_session_and_rotate_at_sign_in() {
    let stack = Stack::start().await;
    let attacker = stack.browser();
    let attackers_token = attacker.get("/sign-in").await.csrf();
    let attackers_cookie = visitor_cookie(&attacker);

    // The victim's browser carries the attacker's cookie value (planted).
    let victim = stack.browser();
    victim
        .jar
        .add_cookie_str(&format!("todo_visitor={attackers_cookie}; Path=/"), &stack.frontend.base.parse().unwrap());
    let form =
        [("csrf", attackers_token.as_str()), ("email", "victim@example.com"), ("password", "tidy-otter-planets-42")];
    let before_sign_up = victim.get("/sign-up").await.csrf();
    assert_eq!(before_sign_up, attackers_token, "same visitor id, same pre-session token");
    victim.post("/sign-up", &form).await;
    let signed_in_token = victim.get("/tasks").await.csrf();
    assert_ne!(signed_in_token, attackers_token, "signing in rotates the token");
    let stale = victim.post("/tasks", &[("csrf", &attackers_token), ("title", "Planted")]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "the pre-sign-in token no longer works");
    assert_ne!(visitor_cookie(&victim), attackers_cookie, "the visitor id is replaced too");
    let own = victim.post("/tasks", &[("csrf", &signed_in_token), ("title", "Mine")]).await;
    assert_eq!(own.status, StatusCode::OK);

    // Two sessions of the same account have different tokens.
    let second = stack.browser();
    let csrf = second.get("/sign-in").await.csrf();
    second
        .post(
            "/sign-in",
            &[("csrf", csrf.as_str()), ("email", "victim@example.com"), ("password", "tidy-otter-planets-42")],
        )
        .await;
    assert_ne!(second.get("/tasks").await.csrf(), signed_in_token);
}

fn visitor_cookie(browser: &Browser) -> String {
    let cookies = reqwest::cookie::CookieStore::cookies(&*browser.jar, &browser.base.parse().unwrap()).unwrap();
    let cookies = cookies.to_str().unwrap().to_string();
    cookies.split("; ").find_map(|c| c.strip_prefix("todo_visitor=")).expect("a visitor cookie").to_string()
}

/// A form posted from another site is refused even with a valid token.
#[tokio::test]
async fn cross_site_writes_are_refused() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("origin@example.com").await;
    let csrf = browser.get("/tasks").await.csrf();
    let host = stack.frontend.base.trim_start_matches("http://").to_string();
    let post = |headers: Vec<(&'static str, String)>| {
        let mut request = browser.client.post(format!("{}/tasks", browser.base)).form(&[
            ("csrf", csrf.as_str()),
            ("title", "From elsewhere"),
            ("status", "all"),
        ]);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    for headers in [
        vec![("origin", "https://evil.example".to_string())],
        vec![("origin", "null".to_string())],
        vec![("sec-fetch-site", "cross-site".to_string())],
        vec![("sec-fetch-site", "same-site".to_string()), ("origin", format!("http://{host}"))],
    ] {
        let answer = post(headers.clone()).await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    let same = post(vec![("origin", format!("http://{host}")), ("sec-fetch-site", "same-origin".to_string())]);
    assert_eq!(same.await.unwrap().status(), StatusCode::OK);
    let page = browser.get("/tasks").await;
    assert_eq!(
        page.html.matches(">From elsewhere</span> <span class=\"id\">").count(),
        1,
        "only the same-origin post added a task"
    );
}

/// Served over HTTPS (COOKIE_SECURE), cookies carry the __Host- prefix and
/// pages send HSTS.
#[tokio::test]
async fn secure_cookies_use_the_host_prefix_and_pages_send_hsts() {
    let frontend = start_frontend_with("http://127.0.0.1:9", &[("COOKIE_SECURE", "true")]).await;
    let answer = reqwest::get(format!("{}/sign-in", frontend.base)).await.unwrap();
    assert_eq!(answer.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-todo_visitor=") && cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

/// Requests written byte for byte, so no client library normalises the path.
async fn raw_get(base: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).to_string()
}

/// `/api/…` paths that would leave `/api/` once decoded and resolved never
/// reach the backend (its `/health`, `/ready`, `/mcp`).
#[tokio::test]
async fn the_api_proxy_cannot_be_escaped() {
    let stack = Stack::start().await;
    for path in [
        "/api/../health",
        "/api/%2e%2e/mcp",
        "/api/.%2e/ready",
        "/api/%2E%2E/health",
        "/api/..%5chealth",
        "/api/..\\health",
        "/api/x/%2e%2e/%2e%2e/mcp",
        "/api/./auth/sign-in",
    ] {
        let answer = raw_get(&stack.frontend.base, path).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        assert!(answer.contains("bad_path"), "{path}: {answer}");
    }
    let fine = raw_get(&stack.frontend.base, "/api/openapi.json").await;
    assert!(fine.starts_with("HTTP/1.1 200"), "{fine}");
}

/// Signing out in the browser also ends the session at the backend: the
/// token is refused from then on, wherever it is used.
#[tokio::test]
async fn sign_out_ends_the_session_at_the_backend() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("leaving@example.com").await;
    let token = session_token(&browser);
    let path = api_tasks_path(&browser).await;
    let direct = |token: String| {
        let url = format!("{}{path}", stack.backend.base);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(direct(token.clone()).await, StatusCode::OK);
    let csrf = browser.get("/tasks").await.csrf();
    let page = browser.post("/sign-out", &[("csrf", csrf.as_str())]).await;
    assert!(page.url.ends_with("/sign-in"), "{}", page.url);
    assert_eq!(direct(token).await, StatusCode::UNAUTHORIZED);
}

fn session_token(browser: &Browser) -> String {
    session_fields(browser)["token"].clone()
}

#[test]
fn a_taken_port_says_which_setting_to_change() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_todo-frontend"))
        .current_dir(dir.path())
        .env_clear()
        .envs([("HOST", "127.0.0.1"), ("PORT", port.as_str())])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("set PORT"), "{stderr}");
}

/// The settings page: time zone, password, personal API tokens (shown
/// once, revocable) and deleting the account, all as plain forms.
#[tokio::test]
async fn settings_manage_time_zone_password_tokens_and_the_account() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    let csrf = browser.get("/sign-up").await.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "settings@example.com"),
        ("password", "tidy-otter-planets-42"),
        ("timezone", "Asia/Karachi"),
    ];
    browser.post("/sign-up", &form).await;
    let page = browser.get("/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("value=\"Asia/Karachi\""), "the browser's zone was saved at sign-up");

    let csrf = page.csrf();
    let refused = browser.post("/settings/timezone", &[("csrf", &csrf), ("timezone", "Mars/Olympus")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("is not a time zone name"), "{}", refused.html);
    let saved = browser.post("/settings/timezone", &[("csrf", &csrf), ("timezone", "Europe/Berlin")]).await;
    assert!(saved.contains("Time zone saved.") && saved.contains("value=\"Europe/Berlin\""));

    // A token is shown once, works, and stops working when revoked.
    let created = browser.post("/settings/tokens", &[("csrf", &csrf), ("name", "kagent")]).await;
    let secret =
        created.html.split("value=\"todo_pat_").nth(1).expect("the secret is shown").split('"').next().unwrap();
    let secret = format!("todo_pat_{secret}");
    assert!(!browser.get("/settings").await.contains(&secret), "only once");
    let path = format!("/api/{}/tasks", session_fields(&browser)["user_id"]);
    let with = |token: String| {
        let url = format!("{}{path}", stack.frontend.base);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(with(secret.clone()).await, StatusCode::OK);
    let page = browser.get("/settings").await;
    assert!(page.contains("kagent") && page.contains("last used"), "listed with its last use");
    let id = page.html.split("/settings/tokens/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let revoked = browser.post(&format!("/settings/tokens/{id}/revoke"), &[("csrf", &csrf)]).await;
    assert!(revoked.url.ends_with("/settings") && revoked.contains("Token revoked"));
    assert_eq!(with(secret).await, StatusCode::UNAUTHORIZED);

    // Changing the password signs other sessions out.
    let other = stack.browser();
    let other_csrf = other.get("/sign-in").await.csrf();
    other
        .post(
            "/sign-in",
            &[("csrf", other_csrf.as_str()), ("email", "settings@example.com"), ("password", "tidy-otter-planets-42")],
        )
        .await;
    let wrong =
        [("csrf", csrf.as_str()), ("current_password", "not-it-at-all"), ("new_password", "fresh-phrase-for-me")];
    let refused = browser.post("/settings/password", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let change = [
        ("csrf", csrf.as_str()),
        ("current_password", "tidy-otter-planets-42"),
        ("new_password", "fresh-phrase-for-me"),
    ];
    let changed = browser.post("/settings/password", &change).await;
    assert!(changed.contains("Password changed."), "{}", changed.url);
    assert!(other.get("/tasks").await.contains("Your session has expired"), "the other session ended");

    // Deleting the account needs the password, then signs out.
    let refused = browser.post("/settings/delete", &[("csrf", &csrf), ("password", "tidy-otter-planets-42")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let deleted = browser.post("/settings/delete", &[("csrf", &csrf), ("password", "fresh-phrase-for-me")]).await;
    assert!(deleted.url.ends_with("/sign-in") && deleted.contains("were deleted"), "{}", deleted.url);
    let csrf = browser.get("/sign-in").await.csrf();
    let gone = browser
        .post(
            "/sign-in",
            &[("csrf", csrf.as_str()), ("email", "settings@example.com"), ("password", "fresh-phrase-for-me")],
        )
        .await;
    assert!(gone.contains("Wrong email or password."));
}

/// Creates tasks through the `/api` proxy with the browser's session.
async fn api_create(browser: &Browser, tasks: &[Value]) {
    let csrf = browser.csrf().await;
    let path = api_tasks_path(browser).await;
    for task in tasks {
        let created = browser
            .client
            .post(format!("{}{path}", browser.base))
            .header("x-csrf-token", &csrf)
            .json(task)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "{task}");
    }
}

/// The titles listed on a page, in order.
fn titles(page: &common::Page) -> Vec<String> {
    page.html
        .split("<span class=\"title\" dir=\"auto\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_task_list_searches_filters_sorts_and_pages() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    browser.sign_up("lists@example.com").await;
    let mut tasks: Vec<Value> =
        (1..=23).map(|n| serde_json::json!({ "title": format!("Chore {n:02}"), "tags": ["home"] })).collect();
    tasks.push(
        serde_json::json!({ "title": "Pay rent", "priority": "high", "tags": ["bills"], "description": "before noon" }),
    );
    tasks
        .push(serde_json::json!({ "title": "Renew passport", "priority": "medium", "due_at": "2020-01-01T12:00:00Z" }));
    api_create(&browser, &tasks).await;

    // Pages of 20 follow the backend's cursor, with the total.
    let first = browser.get("/tasks").await;
    assert!(first.contains("25 tasks<span class=\"muted\">, showing 1–20</span>"), "{}", first.html);
    assert_eq!(titles(&first).len(), 20);
    let next = first.html.split("href=\"").find(|part| part.contains("rel=\"next\"")).unwrap();
    let next = next.split('"').next().unwrap().replace("&amp;", "&");
    assert!(next.contains("cursor=") && next.contains("p=2"), "{next}");
    let second = browser.get(&next).await;
    assert!(second.contains("showing 21–25") && second.contains("First page"), "{}", second.html);
    assert_eq!(titles(&second).len(), 5);
    assert!(!second.contains("rel=\"next\""));

    // Search, filters and sorting, as the search form sends them.
    assert_eq!(titles(&browser.get("/tasks?q=NOON").await), ["Pay rent"], "search reads descriptions too");
    assert_eq!(titles(&browser.get("/tasks?priority=medium").await), ["Renew passport"]);
    assert_eq!(titles(&browser.get("/tasks?tag=bills").await), ["Pay rent"]);
    let overdue = browser.get("/tasks?due=overdue").await;
    assert_eq!(titles(&overdue), ["Renew passport"]);
    assert!(overdue.contains("<span class=\"badge alert\">Overdue</span>"), "overdue tasks stand out");
    let by_priority = titles(&browser.get("/tasks?sort=priority").await);
    assert_eq!(by_priority[..2], ["Pay rent", "Renew passport"], "high first");
    let by_title = titles(&browser.get("/tasks?sort=title&order=desc").await);
    assert_eq!(by_title[..2], ["Renew passport", "Pay rent"]);
    let none = browser.get("/tasks?q=nothing-like-it").await;
    assert!(none.contains("No tasks match"), "{}", none.html);

    // Unknown values fall back to the defaults; a tag the backend refuses says why.
    assert_eq!(browser.get("/tasks?sort=sideways&status=maybe").await.status, StatusCode::OK);
    let refused = browser.get("/tasks?tag=not%2Fa%2Ftag").await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.contains("class=\"error\" role=\"alert\""), "{}", refused.html);
}

#[tokio::test]
async fn the_forms_save_every_field_with_dates_in_the_users_zone() {
    let stack = Stack::start().await;
    let browser = stack.browser();
    let csrf = browser.get("/sign-up").await.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "fields@example.com"),
        ("password", "tidy-otter-planets-42"),
        ("timezone", "Asia/Karachi"),
    ];
    browser.post("/sign-up", &form).await;
    let page = browser.get("/tasks").await;
    let (csrf, request_id) = (page.csrf(), page.hidden("request_id"));
    let added = browser
        .post(
            "/tasks",
            &[
                ("csrf", csrf.as_str()),
                ("request_id", &request_id),
                ("title", "Pay rent"),
                ("description", "before noon"),
                ("priority", "high"),
                ("tags", "#Home, bills"),
                ("due_date", "2031-12-01"),
                ("due_time", ""),
                ("remind_at", "2031-12-01T08:30"),
                ("recurrence", "monthly"),
            ],
        )
        .await;
    assert!(added.contains("Task added."), "{}", added.html);
    assert!(added.contains("<span class=\"id\">#1</span>"), "the first task of a new user is #1");
    let path = api_tasks_path(&browser).await;
    let task: Value =
        browser.client.get(format!("{}{path}/1", browser.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(task["priority"], "high");
    assert_eq!(task["tags"], serde_json::json!(["home", "bills"]));
    assert_eq!(task["recurrence"], "monthly");
    let due = chrono::DateTime::parse_from_rfc3339(task["due_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        due,
        chrono::DateTime::parse_from_rfc3339("2031-12-01T23:59:00+05:00").unwrap(),
        "a date alone is 23:59 there"
    );
    let remind = chrono::DateTime::parse_from_rfc3339(task["remind_at"].as_str().unwrap()).unwrap();
    assert_eq!(remind, chrono::DateTime::parse_from_rfc3339("2031-12-01T08:30:00+05:00").unwrap());
    assert!(added.contains(">Mon 1 Dec 2031</time>") || added.contains(">1 Dec 2031</time>"), "shown without a time");

    // The edit form shows the fields back in the user's zone, and clears what is emptied.
    let editing = browser.get("/tasks?edit=1").await;
    // The edit form's own hidden fields (the add form comes first).
    let form = common::Page { html: editing.html.split("edit-form").nth(1).unwrap().to_string(), ..editing };
    for shown in [
        "value=\"2031-12-01\"",
        "id=\"edit-due-time\" name=\"due_time\" type=\"time\" value=\"\"",
        "value=\"2031-12-01T08:30\"",
        "value=\"home, bills\"",
    ] {
        assert!(form.contains(shown), "{shown}: {}", form.html);
    }
    let edited = browser
        .post(
            "/tasks/1/edit",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Pay rent"),
                ("priority", "low"),
                ("tags", ""),
                ("due_date", "2031-12-02"),
                ("due_time", "09:15"),
                ("due_was", &form.hidden("due_was")),
                ("remind_at", ""),
                ("remind_was", &form.hidden("remind_was")),
                ("recurrence", ""),
            ],
        )
        .await;
    assert!(edited.contains("Task updated."), "{}", edited.html);
    let task: Value =
        browser.client.get(format!("{}{path}/1", browser.base)).send().await.unwrap().json().await.unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(task["due_at"].as_str().unwrap()).unwrap();
    assert_eq!(due, chrono::DateTime::parse_from_rfc3339("2031-12-02T09:15:00+05:00").unwrap());
    assert_eq!((task["remind_at"].clone(), task["recurrence"].clone()), (Value::Null, Value::Null));
    assert_eq!((task["priority"].clone(), task["tags"].clone()), ("low".into(), serde_json::json!([])));

    // A time without a date is refused, with what was typed kept.
    let refused =
        browser.post("/tasks", &[("csrf", csrf.as_str()), ("title", "Call the bank"), ("due_time", "15:00")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Pick a date for the due time.") && refused.contains("value=\"Call the bank\""));
}

#[tokio::test]
async fn static_files_have_versioned_names_and_answers_are_compressed() {
    let stack = Stack::start().await;
    let base = &stack.frontend.base;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{base}/sign-in")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<meta name=\"description\"") && page.contains("rel=\"icon\""));
    let stylesheet = page.split("<link rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(stylesheet.starts_with("/static/style.") && stylesheet != "/static/style.css", "{stylesheet}");

    let answer = client.get(format!("{base}{stylesheet}")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(answer.headers()["content-encoding"], "gzip");
    let html = client.get(format!("{base}/sign-in")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(html.headers()["content-encoding"], "gzip", "pages are compressed too");
    assert_eq!(html.headers()["cache-control"], "no-store");

    let stale = client.get(format!("{base}/static/style.0000000000.css")).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::OK, "an old name still gets the stylesheet");
    assert_eq!(stale.headers()["cache-control"], "public, max-age=60");
    assert_eq!(client.get(format!("{base}/static/nothing.js")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let icon = client.get(format!("{base}/favicon.ico")).send().await.unwrap();
    assert!(icon.status().is_redirection() && icon.headers()["location"].to_str().unwrap().ends_with(".svg"));
    let robots = client.get(format!("{base}/robots.txt")).send().await.unwrap().text().await.unwrap();
    assert!(robots.contains("Disallow: /api/"), "{robots}");
}
