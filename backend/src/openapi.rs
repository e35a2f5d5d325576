//! The OpenAPI 3 document, generated from the handlers' annotations.

use axum::{routing::get, Json, Router};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use crate::{app::AppState, auth, chat, db, error, health, tasks};

#[derive(OpenApi)]
#[openapi(
    info(title = "Todo Chatbot API", description = "Tasks, accounts and the chat assistant."),
    paths(
        auth::routes::sign_up, auth::routes::sign_in,
        tasks::list_tasks, tasks::create_task, tasks::get_task, tasks::update_task,
        tasks::delete_task, tasks::toggle_task,
        chat::routes::chat, chat::routes::list_conversations, chat::routes::list_messages,
        health::health, health::ready,
    ),
    components(schemas(error::ErrorBody, db::Task, db::User, db::StatusFilter)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and tokens"),
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
