//! Todo Chatbot backend: REST API for accounts and tasks, the chat assistant,
//! the MCP endpoint, probes and metrics.

pub mod admin;
pub mod app;
pub mod auth;
pub mod chat;
pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod housekeeping;
pub mod idempotency;
pub mod json_list;
pub mod openapi;
pub mod settings;
pub mod task;
pub mod tasks;
pub mod telemetry;
pub mod testing;
pub mod validate;

pub use app::{App, AppState};
pub use config::Config;
