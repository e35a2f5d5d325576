//! A chat reply as it is produced: the backend's Server-Sent Events relayed
//! to the page as each arrives (nothing is buffered), with tool calls told
//! in words. Events: `delta` `{text}`, `activity` (as the page renders
//! it), then `done` `{conversation_id, response, activity}` or `error`
//! `{error}`.

use std::{convert::Infallible, time::Duration};

use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};

use super::tool_activity::{self, Activity};
use crate::{
    backend::{ChatReply, ToolCall},
    local_time::Zone,
};

const KEEP_ALIVE: Duration = Duration::from_secs(15);
const BROKEN: &str = "The connection to the assistant broke off. Your message is saved; reload to see the reply.";

/// The chat's answer to the page's script: the reply and its activity in
/// words (the same shapes the page renders).
#[derive(Serialize)]
pub struct ScriptReply {
    pub conversation_id: i64,
    pub response: String,
    pub activity: Vec<Activity>,
}

impl ScriptReply {
    pub fn of(reply: ChatReply, zone: Zone) -> ScriptReply {
        let now = Utc::now();
        let activity = reply.tool_calls.iter().map(|call| tool_activity::describe(call, zone, now)).collect();
        ScriptReply { conversation_id: reply.conversation_id, response: reply.response, activity }
    }
}

/// Relays a streaming answer from the backend.
pub fn relay(backend: reqwest::Response, zone: Zone) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = backend.bytes_stream().eventsource().map(move |event| {
        Ok(match event {
            Ok(event) => translate(&event.event, &event.data, zone),
            Err(error) => {
                tracing::warn!(%error, "the backend's chat stream broke off");
                failure(BROKEN)
            }
        })
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
}

fn translate(name: &str, data: &str, zone: Zone) -> Event {
    let event = Event::default().event(name);
    match name {
        "delta" => event.data(data),
        "tool_call" => match serde_json::from_str::<ToolCall>(data) {
            Ok(call) => {
                with_json(Event::default().event("activity"), &tool_activity::describe(&call, zone, Utc::now()))
            }
            Err(_) => failure(BROKEN),
        },
        "done" => match serde_json::from_str::<ChatReply>(data) {
            Ok(reply) => with_json(event, &ScriptReply::of(reply, zone)),
            Err(_) => failure(BROKEN),
        },
        "error" => {
            let message = serde_json::from_str::<Value>(data)
                .ok()
                .and_then(|body| body["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| BROKEN.into());
            failure(&message)
        }
        _ => Event::default().comment("ignored"),
    }
}

fn failure(message: &str) -> Event {
    with_json(Event::default().event("error"), &json!({ "error": message }))
}

fn with_json(event: Event, value: &impl Serialize) -> Event {
    event.json_data(value).unwrap_or_else(|_| Event::default().event("error").data("{}"))
}
