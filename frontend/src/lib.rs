//! Todo Chatbot web UI: server-side rendered pages that call the backend
//! from the server, a session cookie, and an `/api/*` proxy.

pub mod app;
pub mod assets;
pub mod backend;
pub mod config;
pub mod error;
pub mod local_time;
pub mod pages;
pub mod proxy;
pub mod session;

pub use app::{App, AppState};
pub use config::Config;
