//! The service plumbing shared by the backend and the frontend.

pub mod logging;
pub mod probe;
pub mod serve;
pub mod signal;
