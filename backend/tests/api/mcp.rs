//! The MCP endpoint with rmcp's own client over Streamable HTTP, addressed by
//! a Kubernetes Service host name as kagent would.

use std::net::SocketAddr;

use crate::helpers::{Store, TestApp, User};
use rmcp::{
    model::CallToolRequestParams,
    service::RunningService,
    transport::{streamable_http_client::StreamableHttpClientTransportConfig, StreamableHttpClientTransport},
    RoleClient, ServiceExt,
};
use serde_json::{json, Value};

const SERVICE_HOST: &str = "todo-backend.todo.svc.cluster.local";

async fn connect(app: &TestApp, token: Option<&str>) -> Result<RunningService<RoleClient, ()>, String> {
    let addr: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    // The Service name resolves to our loopback server, so the request carries
    // `Host: todo-backend.todo.svc.cluster.local:<port>` like in a cluster.
    let http = reqwest013::Client::builder().resolve(SERVICE_HOST, addr).build().unwrap();
    let mut config =
        StreamableHttpClientTransportConfig::with_uri(format!("http://{SERVICE_HOST}:{}/mcp", addr.port()));
    if let Some(token) = token {
        config = config.auth_header(token.to_string());
    }
    let transport = StreamableHttpClientTransport::with_client(http, config);
    ().serve(transport).await.map_err(|e| e.to_string())
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, arguments: Value) -> Value {
    let params = CallToolRequestParams::new(tool.to_string()).with_arguments(arguments.as_object().unwrap().clone());
    let result = client.call_tool(params).await.expect("tool call");
    assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
    result.structured_content.expect("structured result")
}

#[tokio::test]
async fn mcp_serves_the_five_tools_for_the_token_holder() {
    let app = TestApp::spawn(Store::Sqlite).await;
    let user: User = app.new_user().await;
    let other = app.new_user().await;
    let others_task = app.create_task(&other, "Not yours").await["id"].as_i64().unwrap();

    let client = connect(&app, Some(&user.token)).await.expect("connects with a token");
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["add_task", "list_tasks", "complete_task", "delete_task", "update_task"]);
    assert_eq!(tools[0].input_schema["required"], json!(["title"]));

    let added = call(&client, "add_task", json!({ "title": "Buy groceries", "description": "milk" })).await;
    assert_eq!(added["status"], "created");
    assert_eq!(added["title"], "Buy groceries");
    let id = added["task_id"].as_i64().unwrap();

    let listed = call(&client, "list_tasks", json!({ "status": "pending" })).await;
    let summary = json!({ "id": id, "title": "Buy groceries", "completed": false, "priority": "none", "tags": [], "due_at": null });
    assert_eq!(listed, json!({ "tasks": [summary], "total": 1 }));

    let updated = call(&client, "update_task", json!({ "task_id": id, "title": "Buy food" })).await;
    assert_eq!(updated, json!({ "task_id": id, "status": "updated", "title": "Buy food" }));

    let completed = call(&client, "complete_task", json!({ "task_id": id })).await;
    assert_eq!(completed, json!({ "task_id": id, "status": "completed", "title": "Buy food" }));
    assert_eq!(app.list_tasks(&user, "completed").await.len(), 1);

    let deleted = call(&client, "delete_task", json!({ "task_id": id })).await;
    assert_eq!(deleted, json!({ "task_id": id, "status": "deleted", "title": "Buy food" }));
    assert!(app.list_tasks(&user, "all").await.is_empty());

    // Another user's task is out of reach: an error result, and it survives.
    let params = CallToolRequestParams::new("delete_task")
        .with_arguments(json!({ "task_id": others_task }).as_object().unwrap().clone());
    let refused = client.call_tool(params).await.unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert_eq!(app.list_tasks(&other, "all").await.len(), 1);

    // Bad arguments are a tool error, not a crash.
    let params =
        CallToolRequestParams::new("add_task").with_arguments(json!({ "title": "" }).as_object().unwrap().clone());
    assert_eq!(client.call_tool(params).await.unwrap().is_error, Some(true));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn mcp_refuses_callers_without_a_valid_token() {
    let app = TestApp::spawn(Store::Sqlite).await;
    assert!(connect(&app, None).await.is_err(), "no token: refused");
    assert!(connect(&app, Some("forged.token.value")).await.is_err(), "bad token: refused");

    let response = app
        .client
        .post(format!("{}/mcp", app.base))
        .header("accept", "application/json, text/event-stream")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn mcp_accepts_listed_service_hosts_and_refuses_others() {
    let store = crate::helpers::StoreHandle::new(Store::Sqlite).await;
    let env = crate::helpers::env_with(&store.url, &[("MCP_ALLOWED_HOSTS", &format!("localhost,{SERVICE_HOST}"))]);
    let mut app = TestApp::spawn_with(env).await;
    app.keep(store);
    let user = app.new_user().await;
    let client = connect(&app, Some(&user.token)).await.expect("the Service host is listed");
    assert_eq!(client.list_all_tools().await.unwrap().len(), 5);
    client.cancel().await.unwrap();

    // The same request under a Host that is not listed (DNS rebinding) is refused.
    let response = app
        .client
        .post(format!("{}/mcp", app.base))
        .bearer_auth(&user.token)
        .header("host", "evil.example.com")
        .header("accept", "application/json, text/event-stream")
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}
