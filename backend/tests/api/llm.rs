//! The LLM agent against a fake OpenAI-compatible provider that answers in
//! the documented Chat Completions wire format.

use std::{collections::VecDeque, sync::Mutex};

use crate::helpers::{env_with, Store, StoreHandle, TestApp};
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

fn completion(message: Value) -> ResponseTemplate {
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

fn text(content: &str) -> ResponseTemplate {
    completion(json!({ "role": "assistant", "content": content, "refusal": null }))
}

fn tool_calls(calls: &[(&str, &str, &str)]) -> ResponseTemplate {
    let calls: Vec<Value> = calls
        .iter()
        .map(|(id, name, arguments)| json!({ "id": id, "type": "function", "function": { "name": name, "arguments": arguments } }))
        .collect();
    completion(json!({ "role": "assistant", "content": null, "tool_calls": calls, "refusal": null }))
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

    let conversation = reply["conversation_id"].as_i64().unwrap();
    let (_, messages) = app
        .request(
            reqwest::Method::GET,
            &format!("/api/{}/conversations/{conversation}/messages", user.id),
            Some(&user.token),
            None,
        )
        .await;
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
