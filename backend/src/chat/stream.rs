//! A turn as Server-Sent Events: `delta` and `tool_call` events as the
//! reply is produced, then `done` with the whole answer (or `error`), and a
//! `: keep-alive` comment every 15 s while nothing else is sent.

use std::{convert::Infallible, time::Duration};

use axum::response::{
    sse::{Event, KeepAlive, Sse},
    IntoResponse, Response,
};
use futures_util::{stream, Stream, StreamExt};
use serde_json::json;
use tokio::{sync::mpsc::UnboundedReceiver, task::JoinHandle};

use super::{reply::TurnEvent, routes::ChatResponse};
use crate::error::{ApiError, ApiResult};

const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Streams the events of a running turn, then its outcome. Dropping the
/// stream (the client left) leaves the turn running.
pub fn sse(
    events: UnboundedReceiver<TurnEvent>,
    finished: JoinHandle<ApiResult<ChatResponse>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let pieces = stream::unfold(events, |mut events| async move {
        let event = events.recv().await?;
        Some((piece(event), events))
    });
    let outcome = stream::once(async move {
        let result = finished.await.map_err(|error| ApiError::Internal(error.into())).and_then(|result| result);
        outcome(result)
    });
    Sse::new(pieces.chain(outcome).map(Ok)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}

/// The first answer to a turn sent again with its `Idempotency-Key`, for a
/// client that asked for a stream: one `done` event carrying it.
pub async fn replay(answer: Response) -> Response {
    if !answer.status().is_success() {
        return answer;
    }
    match axum::body::to_bytes(answer.into_body(), REPLAY_MAX)
        .await
        .ok()
        .and_then(|body| serde_json::from_slice(&body).ok())
    {
        Some(first) => {
            let done: Vec<Result<Event, Infallible>> = vec![Ok(outcome(Ok(first)))];
            Sse::new(stream::iter(done)).into_response()
        }
        None => ApiError::Internal(anyhow::anyhow!("a kept chat answer could not be read")).into_response(),
    }
}

/// Bound on a kept answer read back for a replay (replies are bounded far below).
const REPLAY_MAX: usize = 4 * 1024 * 1024;

fn piece(event: TurnEvent) -> Event {
    match event {
        TurnEvent::Delta(text) => data(Event::default().event("delta"), &json!({ "text": text })),
        TurnEvent::ToolCall(call) => data(Event::default().event("tool_call"), &call),
    }
}

fn outcome(result: ApiResult<ChatResponse>) -> Event {
    match result {
        Ok(answer) => data(Event::default().event("done"), &answer),
        Err(error) => {
            let (_, body) = error.into_body();
            data(Event::default().event("error"), &body)
        }
    }
}

fn data(event: Event, value: &impl serde::Serialize) -> Event {
    event.json_data(value).unwrap_or_else(|_| {
        Event::default().event("error").data(r#"{"error":"internal_error","message":"an internal error occurred"}"#)
    })
}
