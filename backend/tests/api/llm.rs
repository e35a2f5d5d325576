//! The LLM agent against a fake OpenAI-compatible provider that answers in
//! the documented Chat Completions wire format.

use std::{collections::VecDeque, sync::Mutex};

use crate::helpers::{env_with, sse_events, Store, StoreHandle, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::{matchers, Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with the scripted responses in order, repeating the last one.
struct Script(Mutex<VecDeque<ResponseTemplate>>);

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut queue = self.0.lock().unwrap();
        if queue.len() > 1 {
            queue.pop_front().unwrap()
        } else {
            queue.front().unwrap().clone()
        }
    }
}

/// A whole answer, as a server that ignores `"stream": true` sends it.
fn whole(message: Value) -> ResponseTemplate {
    let finish = if message.get("tool_calls").is_some() { "tool_calls" } else { "stop" };
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "choices": [{ "index": 0, "message": message, "finish_reason": finish, "logprobs": null }],
        "usage": { "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15 }
    }))
}

/// One `chat.completion.chunk` carrying `delta`.
fn chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "system_fingerprint": "fp_test",
        "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish }]
    })
}

/// The last chunk of a stream asked with `stream_options.include_usage`.
fn usage_chunk() -> Value {
    json!({ "id": "chatcmpl-test", "object": "chat.completion.chunk", "choices": [],
        "usage": { "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15 } })
}

/// Server-sent events with these data lines, as a streaming provider answers.
fn events(data: &[String]) -> ResponseTemplate {
    let body: String = data.iter().map(|data| format!("data: {data}\n\n")).collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// A whole stream: a role chunk, `chunks`, the finish, usage and `[DONE]`.
fn stream(chunks: Vec<Value>, finish: &str) -> ResponseTemplate {
    let mut all = vec![chunk(json!({ "role": "assistant", "content": "", "refusal": null }), None)];
    all.extend(chunks);
    all.extend([chunk(json!({}), Some(finish)), usage_chunk()]);
    let mut data: Vec<String> = all.iter().map(Value::to_string).collect();
    data.push("[DONE]".into());
    events(&data)
}

fn content(piece: &str) -> Value {
    chunk(json!({ "content": piece }), None)
}

/// `text` streamed word by word.
fn text(text: &str) -> ResponseTemplate {
    stream(text.split_inclusive(' ').map(content).collect(), "stop")
}

fn call_start(index: usize, id: &str, name: &str) -> Value {
    chunk(
        json!({ "tool_calls": [{ "index": index, "id": id, "type": "function", "function": { "name": name, "arguments": "" } }] }),
        None,
    )
}

fn call_arguments(index: usize, piece: &str) -> Value {
    chunk(json!({ "tool_calls": [{ "index": index, "function": { "arguments": piece } }] }), None)
}

/// Tool calls streamed one after the other, each one's arguments in two pieces.
fn tool_calls(calls: &[(&str, &str, &str)]) -> ResponseTemplate {
    let mut chunks = Vec::new();
    for (index, (id, name, arguments)) in calls.iter().enumerate() {
        let middle = arguments.char_indices().nth(arguments.chars().count() / 2).map_or(0, |(at, _)| at);
        chunks.push(call_start(index, id, name));
        chunks.push(call_arguments(index, &arguments[..middle]));
        chunks.push(call_arguments(index, &arguments[middle..]));
    }
    stream(chunks, "tool_calls")
}

struct Provider {
    server: MockServer,
    app: TestApp,
}

impl Provider {
    async fn start(script: Vec<ResponseTemplate>, extra: &[(&str, &str)]) -> Self {
        let server = MockServer::start().await;
        Mock::given(matchers::method("POST"))
            .and(matchers::path("/v1/chat/completions"))
            .respond_with(Script(Mutex::new(script.into())))
            .mount(&server)
            .await;
        let store = StoreHandle::new(Store::Sqlite).await;
        let base_url = format!("{}/v1", server.uri());
        let provider = [
            ("LLM_PROVIDER", "openai"),
            ("LLM_BASE_URL", base_url.as_str()),
            ("LLM_API_KEY", "sk-test-key"),
            ("LLM_MODEL", "gpt-test"),
            ("LLM_RETRY_BASE_MS", "10"),
            ("LLM_TIMEOUT_SECS", "2"),
        ];
        // `extra` comes last, so a test can replace any of the above.
        let env = env_with(&store.url, &[&provider[..], extra].concat());
        let mut app = TestApp::spawn_with(env).await;
        app.keep(store);
        Provider { server, app }
    }

    async fn requests(&self) -> Vec<Value> {
        let received = self.server.received_requests().await.unwrap();
        for request in &received {
            assert_eq!(request.headers.get("authorization").unwrap(), "Bearer sk-test-key");
        }
        received.iter().map(|r| r.body_json::<Value>().unwrap()).collect()
    }
}

fn roles(request: &Value) -> Vec<&str> {
    request["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_single_tool_call_then_an_answer() {
    let provider = Provider::start(
        vec![tool_calls(&[("call_1", "add_task", r#"{"title":"Buy milk"}"#)]), text("I added Buy milk to your list.")],
        &[],
    )
    .await;
    let app = &provider.app;
    let user = app.new_user().await;

    let (status, reply) = app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["response"], "I added Buy milk to your list.");
    assert_eq!(reply["tool_calls"][0]["tool"], "add_task");
    assert_eq!(reply["tool_calls"][0]["arguments"], json!({ "title": "Buy milk" }));
    assert_eq!(reply["tool_calls"][0]["result"]["status"], "created");
    assert_eq!(app.list_tasks(&user, "all").await[0]["title"], "Buy milk");

    let requests = provider.requests().await;
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(first["model"], "gpt-test");
    assert_eq!(first["tool_choice"], "auto");
    assert_eq!(roles(first), ["system", "user"]);
    assert_eq!(first["messages"][1]["content"], "Add a task to buy milk");
    let tools = first["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["function"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["add_task", "list_tasks", "complete_task", "delete_task", "update_task"]);
    assert!(tools.iter().all(|t| t["type"] == "function" && t["function"]["parameters"]["type"] == "object"));
    assert_eq!(tools[0]["function"]["parameters"]["required"], json!(["title"]));
    assert_eq!(tools[2]["function"]["parameters"]["properties"]["task_id"]["type"], "integer");
    assert_eq!(
        tools[1]["function"]["parameters"]["properties"]["status"]["enum"],
        json!(["all", "pending", "completed"])
    );

    let second = &requests[1];
    assert_eq!(roles(second), ["system", "user", "assistant", "tool"]);
    assert_eq!(second["messages"][2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(second["messages"][2]["tool_calls"][0]["function"]["name"], "add_task");
    assert_eq!(second["messages"][3]["tool_call_id"], "call_1");
    let result: Value = serde_json::from_str(second["messages"][3]["content"].as_str().unwrap()).unwrap();
    assert_eq!(result["status"], "created");
    assert_eq!(result["title"], "Buy milk");
}

#[tokio::test]
async fn two_tool_calls_in_one_response() {
    let provider = Provider::start(
        vec![
            tool_calls(&[
                ("call_a", "add_task", r#"{"title":"Buy milk"}"#),
                ("call_b", "add_task", r#"{"title":"Pay bills"}"#),
            ]),
            text("Added both."),
        ],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    let (_, reply) = provider.app.chat(&user, None, "Add buy milk and pay bills").await;
    assert_eq!(reply["tool_calls"].as_array().unwrap().len(), 2);
    let titles: Vec<Value> = provider.app.list_tasks(&user, "all").await.iter().map(|t| t["title"].clone()).collect();
    assert_eq!(titles, [json!("Buy milk"), json!("Pay bills")]);

    let requests = provider.requests().await;
    assert_eq!(roles(&requests[1]), ["system", "user", "assistant", "tool", "tool"]);
    assert_eq!(requests[1]["messages"][3]["tool_call_id"], "call_a");
    assert_eq!(requests[1]["messages"][4]["tool_call_id"], "call_b");
}

#[tokio::test]
async fn a_two_round_loop_finds_then_deletes() {
    // The task id is known before the script is written: the first task of a fresh store is 1.
    let provider = Provider::start(
        vec![
            tool_calls(&[("call_1", "list_tasks", r#"{"status":"all"}"#)]),
            tool_calls(&[("call_2", "delete_task", r#"{"task_id":1}"#)]),
            text("I deleted the meeting task."),
        ],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    assert_eq!(provider.app.create_task(&user, "Team meeting").await["id"], 1);

    let (_, reply) = provider.app.chat(&user, None, "Delete the meeting task").await;
    let tools: Vec<&str> =
        reply["tool_calls"].as_array().unwrap().iter().map(|c| c["tool"].as_str().unwrap()).collect();
    assert_eq!(tools, ["list_tasks", "delete_task"]);
    assert!(provider.app.list_tasks(&user, "all").await.is_empty());

    let requests = provider.requests().await;
    assert_eq!(requests.len(), 3);
    assert_eq!(roles(&requests[2]), ["system", "user", "assistant", "tool", "assistant", "tool"]);
    let listed: Value = serde_json::from_str(requests[1]["messages"][3]["content"].as_str().unwrap()).unwrap();
    let summary =
        json!({ "id": 1, "title": "Team meeting", "completed": false, "priority": "none", "tags": [], "due_at": null });
    assert_eq!(listed, json!({ "tasks": [summary], "total": 1 }));
}

#[tokio::test]
async fn malformed_tool_arguments_are_reported_back_to_the_model() {
    let provider = Provider::start(
        vec![tool_calls(&[("call_1", "add_task", "{title: Buy milk")]), text("Sorry, could you repeat that?")],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    let (status, reply) = provider.app.chat(&user, None, "Add buy milk").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["response"], "Sorry, could you repeat that?");
    assert!(reply["tool_calls"][0]["result"]["error"].as_str().unwrap().contains("not valid JSON"));
    assert!(provider.app.list_tasks(&user, "all").await.is_empty(), "nothing was created");

    let requests = provider.requests().await;
    let tool_message = &requests[1]["messages"][3];
    assert_eq!(tool_message["role"], "tool");
    assert!(tool_message["content"].as_str().unwrap().contains("not valid JSON"));
    assert_eq!(requests[1]["messages"][2]["tool_calls"][0]["function"]["arguments"], "{title: Buy milk");
}

#[tokio::test]
async fn a_429_is_retried_then_succeeds() {
    let provider = Provider::start(
        vec![
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({ "error": { "message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded" } })),
            text("Hello! How can I help?"),
        ],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    let (status, reply) = provider.app.chat(&user, None, "hi").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["response"], "Hello! How can I help?");
    let requests = provider.requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "the same request is sent again");
}

#[tokio::test]
async fn a_provider_that_stays_down_loses_nothing() {
    let provider = Provider::start(
        vec![ResponseTemplate::new(503).set_body_json(json!({ "error": { "message": "overloaded" } }))],
        &[("LLM_MAX_RETRIES", "2")],
    )
    .await;
    let app = &provider.app;
    let user = app.new_user().await;
    let (status, reply) = app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(status, StatusCode::OK);
    let response = reply["response"].as_str().unwrap();
    assert!(response.contains("AI service is unavailable"), "{response}");
    assert!(response.contains("Buy milk"), "the built-in assistant did the job: {response}");
    assert_eq!(provider.requests().await.len(), 3, "one try and two retries");

    let messages = app.messages(&user, reply["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[0]["content"], "Add a task to buy milk", "the user's message is stored");
    assert_eq!(messages[1]["role"], "assistant");
}

#[tokio::test]
async fn the_stored_history_is_sent_on_the_next_turn() {
    let provider = Provider::start(
        vec![
            tool_calls(&[("call_1", "add_task", r#"{"title":"Buy milk"}"#)]),
            text("Added."),
            text("You have one task: Buy milk."),
        ],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    let (_, first) = provider.app.chat(&user, None, "Add buy milk").await;
    let (_, second) = provider.app.chat(&user, first["conversation_id"].as_i64(), "What's on my list?").await;
    assert_eq!(second["response"], "You have one task: Buy milk.");

    let requests = provider.requests().await;
    let third = &requests[2];
    assert_eq!(roles(third), ["system", "user", "assistant", "tool", "assistant", "user"]);
    assert_eq!(third["messages"][1]["content"], "Add buy milk");
    assert_eq!(third["messages"][2]["tool_calls"][0]["function"]["name"], "add_task");
    assert_eq!(third["messages"][4]["content"], "Added.");
    assert_eq!(third["messages"][5]["content"], "What's on my list?");
}

#[tokio::test]
async fn the_tool_loop_is_bounded() {
    let provider =
        Provider::start(vec![tool_calls(&[("call_x", "list_tasks", "{}")])], &[("LLM_MAX_TOOL_ROUNDS", "3")]).await;
    let user = provider.app.new_user().await;
    let (status, reply) = provider.app.chat(&user, None, "loop forever").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["tool_calls"].as_array().unwrap().len(), 3);
    assert!(reply["response"].as_str().unwrap().contains("stop"));
    assert_eq!(provider.requests().await.len(), 3);
}

#[tokio::test]
async fn text_arriving_in_pieces_is_the_reply_and_the_stored_message() {
    // Comments, a role-only chunk, an empty delta, CRLF line ends, a usage
    // chunk with no choices: all seen from OpenAI-compatible servers.
    let body = [
        ": OPENROUTER PROCESSING".to_string(),
        format!("data: {}", chunk(json!({ "role": "assistant" }), None)),
        format!("data: {}", content("Hel")),
        format!("data: {}", chunk(json!({}), None)),
        format!("data: {}", content("lo, ")),
        format!("data: {}", content("Asha!")),
        format!("data: {}", chunk(json!({}), Some("stop"))),
        format!("data: {}", usage_chunk()),
        "data: [DONE]".to_string(),
    ]
    .map(|event| format!("{event}\r\n\r\n"))
    .concat();
    let provider =
        Provider::start(vec![ResponseTemplate::new(200).set_body_raw(body, "text/event-stream; charset=utf-8")], &[])
            .await;
    let app = &provider.app;
    let user = app.new_user().await;
    let (status, reply) = app.chat(&user, None, "hi").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["response"], "Hello, Asha!");
    let messages = app.messages(&user, reply["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[1]["role"], "assistant");
    assert_eq!(messages[1]["content"], "Hello, Asha!");
}

#[tokio::test]
async fn tool_call_arguments_split_across_many_chunks_are_joined() {
    let arguments = r#"{"title":"Call the plumber","priority":"high"}"#;
    let mut chunks = vec![call_start(0, "call_1", "add_task")];
    chunks.extend(arguments.as_bytes().chunks(5).map(|piece| call_arguments(0, std::str::from_utf8(piece).unwrap())));
    let provider = Provider::start(vec![stream(chunks, "tool_calls"), text("Added.")], &[]).await;
    let user = provider.app.new_user().await;
    let (_, reply) = provider.app.chat(&user, None, "Add calling the plumber, urgent").await;
    assert_eq!(reply["tool_calls"][0]["arguments"], json!({ "title": "Call the plumber", "priority": "high" }));
    let tasks = provider.app.list_tasks(&user, "all").await;
    assert_eq!((&tasks[0]["title"], &tasks[0]["priority"]), (&json!("Call the plumber"), &json!("high")));
    let requests = provider.requests().await;
    assert_eq!(requests[1]["messages"][2]["tool_calls"][0]["function"]["arguments"], arguments);
}

#[tokio::test]
async fn two_interleaved_tool_calls_are_told_apart_by_index() {
    let chunks = vec![
        call_start(0, "call_a", "add_task"),
        call_start(1, "call_b", "add_task"),
        call_arguments(1, r#"{"title":"#),
        call_arguments(0, r#"{"title":"Buy"#),
        call_arguments(1, r#""Pay bills"}"#),
        call_arguments(0, r#" milk"}"#),
    ];
    let provider = Provider::start(vec![stream(chunks, "tool_calls"), text("Added both.")], &[]).await;
    let user = provider.app.new_user().await;
    let (_, reply) = provider.app.chat(&user, None, "Add buy milk and pay bills").await;
    assert_eq!(reply["response"], "Added both.");
    let titles: Vec<Value> = provider.app.list_tasks(&user, "all").await.iter().map(|t| t["title"].clone()).collect();
    assert_eq!(titles, [json!("Buy milk"), json!("Pay bills")]);
    let requests = provider.requests().await;
    assert_eq!(requests[1]["messages"][3]["tool_call_id"], "call_a");
    assert_eq!(requests[1]["messages"][4]["tool_call_id"], "call_b");
}

#[tokio::test]
async fn the_request_streams_and_tells_the_model_the_zone_and_date() {
    let provider = Provider::start(vec![text("Hi!")], &[]).await;
    let app = &provider.app;
    let user = app.new_user().await;
    let zone = chrono_tz::Asia::Karachi;
    let today = || chrono::Utc::now().with_timezone(&zone).format("%Y-%m-%d").to_string();
    let before = today();
    let body = json!({ "message": "hi", "timezone": "Asia/Karachi" });
    let (status, _) =
        app.request(reqwest::Method::POST, &format!("/api/{}/chat", user.id), Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    let after = today();

    let request = &provider.requests().await[0];
    assert_eq!(request["stream"], true);
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert_eq!(request["messages"][0]["role"], "system");
    assert!(system.contains("Asia/Karachi") && system.contains("+05:00"), "{system}");
    assert!(system.contains(&before) || system.contains(&after), "today's date: {system}");
    assert!(system.contains("RFC 3339"), "{system}");
}

#[tokio::test]
async fn a_provider_that_never_answers_is_given_up_at_the_turn_deadline() {
    // Without the deadline the turn would wait for the 30 s per-call timeout.
    let provider = Provider::start(
        vec![text("too late").set_delay(std::time::Duration::from_secs(120))],
        &[("CHAT_TURN_DEADLINE_SECS", "1"), ("LLM_TIMEOUT_SECS", "30")],
    )
    .await;
    let app = &provider.app;
    let user = app.new_user().await;
    let started = std::time::Instant::now();
    let (status, reply) = app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "answered after {:?}", started.elapsed());
    let response = reply["response"].as_str().unwrap();
    assert!(response.contains("AI service is unavailable") && response.contains("Buy milk"), "{response}");
    let messages = app.messages(&user, reply["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[0]["content"], "Add a task to buy milk", "the user's message is stored");
    assert_eq!(messages[1]["content"], response);
}

#[tokio::test]
async fn a_stream_that_breaks_after_text_keeps_the_text_and_adds_a_note() {
    // The body ends with neither a finish_reason nor [DONE]: cut off.
    let cut = events(&[content("Let me ").to_string(), content("check").to_string()]);
    let provider = Provider::start(vec![cut, text("never asked for")], &[]).await;
    let app = &provider.app;
    let user = app.new_user().await;
    let (status, reply) = app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(status, StatusCode::OK);
    let response = reply["response"].as_str().unwrap();
    assert!(response.starts_with("Let me check\n\n"), "what was streamed stays: {response}");
    assert!(response.contains("AI service is unavailable"), "{response}");
    assert_eq!(provider.requests().await.len(), 1, "text already said is never asked for again");
    let messages = app.messages(&user, reply["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[1]["content"], response);
}

#[tokio::test]
async fn a_stream_cut_before_any_text_is_retried() {
    let cut = events(&[chunk(json!({ "role": "assistant" }), None).to_string()]);
    let provider = Provider::start(vec![cut, text("Hello! How can I help?")], &[]).await;
    let user = provider.app.new_user().await;
    let (_, reply) = provider.app.chat(&user, None, "hi").await;
    assert_eq!(reply["response"], "Hello! How can I help?");
    assert_eq!(provider.requests().await.len(), 2);
}

#[tokio::test]
async fn a_provider_that_answers_whole_json_is_understood() {
    let call = json!({ "id": "call_1", "type": "function", "function": { "name": "add_task", "arguments": r#"{"title":"Buy milk"}"# } });
    let provider = Provider::start(
        vec![
            whole(json!({ "role": "assistant", "content": null, "tool_calls": [call], "refusal": null })),
            whole(json!({ "role": "assistant", "content": "I added Buy milk.", "refusal": null })),
        ],
        &[],
    )
    .await;
    let user = provider.app.new_user().await;
    let (_, reply) = provider.app.chat(&user, None, "Add a task to buy milk").await;
    assert_eq!(reply["response"], "I added Buy milk.");
    assert_eq!(reply["tool_calls"][0]["result"]["status"], "created");
    assert_eq!(provider.app.list_tasks(&user, "all").await[0]["title"], "Buy milk");
}

#[tokio::test]
async fn text_said_before_a_tool_call_stays_and_each_round_is_a_paragraph() {
    let chunks =
        vec![content("Let me "), content("look."), call_start(0, "call_1", "list_tasks"), call_arguments(0, "{}")];
    let provider = Provider::start(vec![stream(chunks, "tool_calls"), text("Your list is empty.")], &[]).await;
    let app = &provider.app;
    let user = app.new_user().await;
    let (_, reply) = app.chat(&user, None, "What's on my list?").await;
    assert_eq!(reply["response"], "Let me look.\n\nYour list is empty.");
    assert_eq!(reply["tool_calls"][0]["tool"], "list_tasks");
    let messages = app.messages(&user, reply["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[1]["content"], reply["response"]);
    let requests = provider.requests().await;
    assert_eq!(requests[1]["messages"][2]["content"], "Let me look.", "the model sees what it said");
}

#[tokio::test]
async fn a_streamed_turn_tells_tools_and_text_in_order() {
    let provider = Provider::start(
        vec![tool_calls(&[("call_1", "add_task", r#"{"title":"Buy milk"}"#)]), text("I added Buy milk.")],
        &[],
    )
    .await;
    let app = &provider.app;
    let user = app.new_user().await;
    let response = app.chat_stream(&user, json!({ "message": "Add a task to buy milk" })).await;
    let events = sse_events(&response.text().await.unwrap());
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["tool_call", "delta", "delta", "delta", "delta", "done"], "a delta per piece: {events:?}");
    assert_eq!(events[0].data["result"]["status"], "created");
    let streamed: String = events[1..5].iter().map(|e| e.data["text"].as_str().unwrap()).collect();
    assert_eq!(streamed, "I added Buy milk.");
    let done = &events[5].data;
    assert_eq!(done["response"], streamed.as_str());
    let messages = app.messages(&user, done["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(messages[1]["content"], streamed.as_str());
}

#[tokio::test]
async fn a_client_that_leaves_mid_stream_does_not_cancel_the_turn() {
    let slow = std::time::Duration::from_millis(800);
    let provider = Provider::start(
        vec![
            tool_calls(&[("call_1", "add_task", r#"{"title":"Buy milk"}"#)]).set_delay(slow),
            text("I added Buy milk.").set_delay(slow),
        ],
        &[],
    )
    .await;
    let app = &provider.app;
    let user = app.new_user().await;
    // The client gives up while the provider is still thinking.
    let left = app
        .client
        .post(format!("{}/api/{}/chat", app.base, user.id))
        .bearer_auth(&user.token)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .timeout(std::time::Duration::from_millis(300))
        .json(&json!({ "message": "Add a task to buy milk" }))
        .send()
        .await
        .and_then(|response| response.error_for_status())
        .map(|response| async { response.text().await });
    if let Ok(reading) = left {
        assert!(reading.await.is_err(), "the client left before the end");
    }
    let stored = crate::helpers::eventually(std::time::Duration::from_secs(10), || async {
        let (_, conversations) = app
            .request(reqwest::Method::GET, &format!("/api/{}/conversations", user.id), Some(&user.token), None)
            .await;
        let Some(id) = conversations[0]["id"].as_i64() else { return false };
        app.messages(&user, id).await.len() == 2
    })
    .await;
    assert!(stored, "the reply was stored after the client left");
    assert_eq!(app.list_tasks(&user, "all").await[0]["title"], "Buy milk");
    let (_, conversations) =
        app.request(reqwest::Method::GET, &format!("/api/{}/conversations", user.id), Some(&user.token), None).await;
    let messages = app.messages(&user, conversations[0]["id"].as_i64().unwrap()).await;
    assert_eq!(messages[1]["content"], "I added Buy milk.");
}

#[tokio::test]
async fn a_question_of_the_fallback_is_settled_once_the_model_answers() {
    let down = || ResponseTemplate::new(503).set_body_json(json!({ "error": { "message": "overloaded" } }));
    // Down, up, down again: one request per turn.
    let provider = Provider::start(vec![down(), text("Hello!"), down()], &[("LLM_MAX_RETRIES", "0")]).await;
    let app = &provider.app;
    let user = app.new_user().await;
    let done = app.create_task(&user, "Old report").await["id"].as_i64().unwrap();
    app.request(reqwest::Method::PATCH, &format!("/api/{}/tasks/{done}/complete", user.id), Some(&user.token), None)
        .await;

    let (_, question) = app.chat(&user, None, "Delete all completed tasks").await;
    assert!(question["response"].as_str().unwrap().contains("Old report"), "the built-in agent asked: {question}");
    let conversation = question["conversation_id"].as_i64();
    let (_, answer) = app.chat(&user, conversation, "hello").await;
    assert_eq!(answer["response"], "Hello!");
    // The model answered in between: a later "yes" confirms nothing.
    let (_, late) = app.chat(&user, conversation, "yes").await;
    assert!(late["tool_calls"].as_array().unwrap().is_empty(), "{late}");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 1, "nothing deleted");
}
