//! The task tools over MCP (Streamable HTTP, `rmcp`), at `/mcp`.
//!
//! The bearer token is checked by an axum middleware before rmcp sees the
//! request; the caller's id travels in the request's extensions, which rmcp
//! hands to [`TodoMcp::call_tool`]. Stateless mode: any replica can answer.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use rmcp::{
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
        PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
    },
    service::RequestContext,
    transport::streamable_http_server::{
        session::never::NeverSessionManager, StreamableHttpServerConfig, StreamableHttpService,
    },
    ErrorData, RoleServer, ServerHandler,
};
use tokio_util::sync::CancellationToken;

use super::tools::{self, Caller, ToolError};
use crate::{app::AppState, auth::BearerUser, db::Db};

#[derive(Clone)]
pub struct TodoMcp {
    db: Db,
    task_limit: u32,
}

impl ServerHandler for TodoMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("todo-chatbot", env!("CARGO_PKG_VERSION")))
            .with_instructions("Manage the signed-in user's todo list: add, list, complete, update and delete tasks.")
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(mcp_tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        mcp_tools().into_iter().find(|tool| tool.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let user = context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<BearerUser>())
            .cloned()
            .ok_or_else(|| ErrorData::invalid_request("authentication required", None))?;
        let arguments = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let caller = Caller { db: &self.db, user_id: &user.user_id, task_limit: self.task_limit, zone: None };
        let result = match tools::call(&caller, &request.name, &arguments).await {
            Ok(value) => {
                let mut result = CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
                result.structured_content = Some(value);
                result
            }
            Err(ToolError::UnknownTool(name)) => {
                return Err(ErrorData::invalid_params(format!("unknown tool {name:?}"), None))
            }
            Err(ToolError::Database(error)) => {
                tracing::error!(%error, "database error in MCP tool call");
                return Err(ErrorData::internal_error("the database is unavailable", None));
            }
            Err(error) => CallToolResult::error(vec![ContentBlock::text(error.to_string())]),
        };
        Ok(result.into())
    }
}

/// The registry's tools as MCP describes them: input and output schemas
/// (`structuredContent` is always an object matching the output schema) and
/// behaviour hints.
fn mcp_tools() -> Vec<Tool> {
    let object = |schema: serde_json::Value| match schema {
        serde_json::Value::Object(map) => Arc::new(map),
        _ => Arc::new(Default::default()),
    };
    tools::specs()
        .into_iter()
        .map(|spec| {
            let hints = ToolAnnotations::new()
                .read_only(spec.read_only)
                .destructive(spec.destructive)
                .idempotent(spec.idempotent)
                .open_world(false);
            Tool::new(spec.name, spec.description, object(spec.parameters))
                .with_raw_output_schema(object(spec.output))
                .with_annotations(hints)
        })
        .collect()
}

/// `/mcp`, guarded by the bearer token. `allowed_hosts` must name the
/// Kubernetes Service host (e.g. `todo-backend`, `todo-backend.todo.svc`);
/// an empty list accepts any Host, which is safe here because every call
/// needs a token (the DNS-rebinding risk rmcp's default guards against is
/// for unauthenticated local servers).
pub fn router(state: AppState, allowed_hosts: Vec<String>, shutdown: CancellationToken) -> Router<AppState> {
    let (db, task_limit) = (state.db.clone(), state.config.task_limit);
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_cancellation_token(shutdown);
    config = if allowed_hosts.is_empty() {
        config.disable_allowed_hosts()
    } else {
        config.with_allowed_hosts(allowed_hosts)
    };
    let service = StreamableHttpService::new(
        move || Ok(TodoMcp { db: db.clone(), task_limit }),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    Router::new().nest_service("/mcp", service).layer(middleware::from_fn_with_state(state, require_token))
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    match <BearerUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await {
        Ok(user) => {
            parts.extensions.insert(user);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(rejection) => crate::error::ApiError::into_response(rejection),
    }
}
