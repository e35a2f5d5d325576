//! One streamed answer, put together from its chunks: the text as it
//! arrives, and the tool calls assembled by `index` (their pieces may be
//! interleaved).

use std::collections::BTreeMap;

use super::{
    error_kind,
    wire::{function_type, Chunk, DeltaToolCall, WireFunction, WireMessage, WireToolCall},
    LlmError,
};

/// The data of the event that ends a stream.
const DONE: &str = "[DONE]";

#[derive(Debug, Default)]
pub struct Assembly {
    content: String,
    calls: BTreeMap<usize, PartialCall>,
    /// A `finish_reason` or `[DONE]` arrived: the answer is whole. A body
    /// that ends before either was cut off.
    complete: bool,
}

#[derive(Debug, Default)]
struct PartialCall {
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

impl Assembly {
    /// Takes the data of one server-sent event; returns the text it adds.
    pub fn push(&mut self, data: &str) -> Result<Option<String>, LlmError> {
        let data = data.trim();
        if data == DONE {
            self.complete = true;
            return Ok(None);
        }
        let chunk: Chunk = serde_json::from_str(data)
            .map_err(|error| LlmError::BadResponse(format!("a stream chunk is not a chunk: {error}")))?;
        if let Some(error) = chunk.error {
            return Err(LlmError::Unavailable(format!("error in the stream: {}", error_kind(&error))));
        }
        // Usage chunks and some providers' last chunk have no choices.
        let Some(choice) = chunk.choices.into_iter().next() else { return Ok(None) };
        self.complete |= choice.finish_reason.is_some();
        for piece in choice.delta.tool_calls.unwrap_or_default() {
            self.add_piece(piece);
        }
        let text = choice.delta.content.filter(|text| !text.is_empty());
        if let Some(text) = &text {
            self.content.push_str(text);
        }
        Ok(text)
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    fn add_piece(&mut self, piece: DeltaToolCall) {
        // Without an `index` (not OpenAI's format, but seen), a piece with an
        // id starts a call and one without continues the last.
        let index = piece.index.unwrap_or_else(|| match (&piece.id, self.calls.last_key_value()) {
            (None, Some((&last, _))) => last,
            (_, last) => last.map_or(0, |(&last, _)| last + 1),
        });
        let call = self.calls.entry(index).or_default();
        // The first piece names the call; arguments are split across pieces.
        if call.id.is_none() {
            call.id = piece.id.filter(|id| !id.is_empty());
        }
        if let Some(function) = piece.function {
            if call.name.is_none() {
                call.name = function.name.filter(|name| !name.is_empty());
            }
            call.arguments.push_str(function.arguments.as_deref().unwrap_or_default());
        }
    }

    /// The assistant's message, as it goes back into the conversation.
    pub fn finish(self) -> WireMessage {
        let calls: Vec<WireToolCall> = self
            .calls
            .into_iter()
            .map(|(index, call)| WireToolCall {
                id: call.id.unwrap_or_else(|| format!("call_{index}")),
                kind: function_type(),
                function: WireFunction {
                    name: call.name.unwrap_or_default(),
                    // Some models send nothing for a tool without arguments.
                    arguments: if call.arguments.trim().is_empty() { "{}".into() } else { call.arguments },
                },
            })
            .collect();
        WireMessage {
            role: "assistant".into(),
            content: Some(self.content).filter(|content| !content.is_empty()),
            tool_calls: Some(calls).filter(|calls| !calls.is_empty()),
            tool_call_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(events: &[&str]) -> (Vec<String>, Assembly) {
        let mut assembly = Assembly::default();
        let texts = events.iter().filter_map(|data| assembly.push(data).unwrap()).collect();
        (texts, assembly)
    }

    #[test]
    fn text_arrives_piece_by_piece_and_odd_chunks_are_skipped() {
        let (texts, assembly) = assemble(&[
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        ]);
        assert_eq!(texts, ["Hel", "lo"]);
        assert!(assembly.is_complete());
        let message = assembly.finish();
        assert_eq!(message.content.as_deref(), Some("Hello"));
        assert_eq!(message.tool_calls, None);
    }

    #[test]
    fn interleaved_tool_calls_are_assembled_by_index() {
        let (texts, assembly) = assemble(&[
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"add_task","arguments":""}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"list_tasks","arguments":""}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"title\":"}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Milk\"}"}}]}}]}"#,
            "[DONE]",
        ]);
        assert!(texts.is_empty());
        assert!(assembly.is_complete());
        let calls = assembly.finish().tool_calls.unwrap();
        let summary: Vec<_> =
            calls.iter().map(|c| (c.id.as_str(), c.function.name.as_str(), c.function.arguments.as_str())).collect();
        assert_eq!(summary, [("call_a", "add_task", r#"{"title":"Milk"}"#), ("call_b", "list_tasks", "{}")]);
    }

    #[test]
    fn a_body_without_a_finish_is_incomplete_and_errors_are_reported() {
        let (_, assembly) = assemble(&[r#"{"choices":[{"delta":{"content":"Hi"}}]}"#]);
        assert!(!assembly.is_complete());
        let mut assembly = Assembly::default();
        let error = assembly.push(r#"{"error":{"message":"overloaded sk-secret","type":"server_error"}}"#).unwrap_err();
        assert!(
            matches!(&error, LlmError::Unavailable(text) if text.contains("server_error") && !text.contains("sk-"))
        );
        assert!(matches!(assembly.push("not json"), Err(LlmError::BadResponse(_))));
    }
}
