//! The OpenAPI 3 document, generated from the handlers' annotations.

use axum::{routing::get, Json, Router};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use crate::{app::AppState, auth, chat, db, error, health, settings, task, tasks};

#[derive(OpenApi)]
#[openapi(
    info(title = "Todo Chatbot API", description = "Tasks, accounts and the chat assistant."),
    paths(
        auth::routes::sign_up, auth::routes::sign_in, auth::routes::sign_out,
        auth::routes::change_password, auth::routes::delete_account,
        auth::api_tokens::create_token, auth::api_tokens::list_tokens, auth::api_tokens::revoke_token,
        settings::get_settings, settings::put_settings,
        tasks::list_tasks, tasks::create_task, tasks::get_task, tasks::update_task,
        tasks::delete_task, tasks::toggle_task, tasks::claim_reminders,
        chat::routes::chat, chat::routes::list_conversations, chat::routes::list_messages,
        chat::routes::rename_conversation, chat::routes::delete_conversation,
        health::health, health::ready,
    ),
    components(schemas(
        error::ErrorBody,
        task::Task,
        db::User,
        db::ApiToken,
        task::list::StatusFilter,
        task::list::DueFilter,
        task::list::Sort,
        task::list::Order
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "tokens", description = "Personal API tokens for MCP clients and scripts"),
        (name = "settings", description = "The user's time zone"),
        (name = "tasks", description = "The user's todo list"),
        (name = "chat", description = "The assistant"),
        (name = "operations", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
