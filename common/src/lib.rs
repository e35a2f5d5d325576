//! The service plumbing shared by the backend and the frontend.

pub mod due;
pub mod logging;
pub mod probe;
pub mod secret_file;
pub mod serve;
pub mod signal;

/// Ends a binary whose start-up failed with one clear line on stderr (the
/// cause chain, no backtrace) and exit code 1.
pub fn exit_on_error(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
