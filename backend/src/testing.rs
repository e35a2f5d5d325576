//! Starting the backend in-process for tests, here and in the frontend's
//! tests: one way to spawn it, on `127.0.0.1:0`, stopped on drop.

use std::collections::HashMap;

use tokio::{sync::oneshot, task::JoinHandle};

use crate::{App, Config};

/// A backend serving in this process.
pub struct Spawned {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    /// The metrics listener's base URL, when metrics are on.
    pub metrics_base: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Starts a backend with exactly these settings (set `PORT` to `0` for a
/// free port); panics if it cannot start.
pub async fn spawn(env: &HashMap<String, String>) -> Spawned {
    let config = Config::from_lookup(|key| env.get(key).cloned()).expect("valid test settings");
    let app = App::build(config).await.expect("the backend starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    let metrics_base = app.metrics_port().map(|port| format!("http://127.0.0.1:{port}"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Spawned { base, metrics_base, stop: Some(stop), task: Some(task) }
}

impl Spawned {
    /// Shuts down gracefully and waits until the server has stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("the server task").expect("a clean shutdown");
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
