//! `cargo run` (both services in one process): a taken port says which
//! setting to change.

use std::{net::TcpListener, process::Command};

fn free_port() -> String {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string()
}

/// Starts the all-in-one binary in an empty folder, expecting it to refuse.
fn refused_start(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_todo-chatbot"))
        .current_dir(dir.path())
        .env_clear()
        .env("METRICS_PORT", "off")
        .envs(env.iter().copied())
        .output()
        .expect("run todo-chatbot");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    let errors: Vec<&str> = stderr.lines().filter(|line| line.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one clear line: {stderr}");
    errors[0].to_string()
}

#[test]
fn a_taken_port_names_the_setting_that_chose_it() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let backend = refused_start(&[("BACKEND_PORT", &port), ("FRONTEND_PORT", &free_port())]);
    assert!(backend.contains(&format!("127.0.0.1:{port}")) && backend.contains("set BACKEND_PORT"), "{backend}");
    let frontend = refused_start(&[("BACKEND_PORT", &free_port()), ("FRONTEND_PORT", &port)]);
    assert!(frontend.contains(&format!("127.0.0.1:{port}")) && frontend.contains("set FRONTEND_PORT"), "{frontend}");
    let bad = refused_start(&[("BACKEND_PORT", "http")]);
    assert!(bad.contains("BACKEND_PORT") && bad.contains("\"http\""), "{bad}");
}
