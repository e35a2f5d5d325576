//! The backend's integration tests, in one binary: the real app on
//! 127.0.0.1:0 against a real PostgreSQL database and SQLite file each.

#[macro_use]
mod helpers;

mod assistant;
mod chat;
mod faults;
mod llm;
mod mcp;
mod operations;
mod planning;
mod rest;
mod security;
