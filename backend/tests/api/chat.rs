//! The chat endpoint with the built-in assistant: the SPEC's phrases and their
//! variants, asking back, resuming conversations, and isolation.

use crate::helpers::{Store, TestApp, User};
use reqwest::{Method, StatusCode};
use serde_json::Value;

on_both_stores!(
    built_in_assistant_phrasebook,
    asks_back_when_several_tasks_match,
    conversations_are_stored_and_private
);

/// The tasks every phrase starts from: `{1}`, `{2}`, `{3}` in a phrase
/// stand for their ids.
const SEED: [(&str, bool); 3] = [("Buy groceries", false), ("Team meeting", false), ("Pay rent", true)];

#[derive(Debug, Clone, Copy)]
enum Expect {
    Added(&'static str),
    Listed(&'static str),
    Completed(&'static str),
    Deleted(&'static str),
    Renamed(&'static str, &'static str),
    /// No task changes; the listed tools ran (possibly none).
    Unchanged(&'static [&'static str]),
}
use Expect::*;

const PHRASES: &[(&str, Expect)] = &[
    // add_task
    ("Add a task to buy groceries", Added("Buy groceries")),
    ("add task: walk the dog", Added("Walk the dog")),
    ("Please add 'Call the plumber'", Added("Call the plumber")),
    ("Can you add a new task to book flights?", Added("Book flights")),
    ("Create a task called Renew passport", Added("Renew passport")),
    ("I need to remember to pay bills", Added("Pay bills")),
    ("Remind me to water the plants", Added("Water the plants")),
    ("Don't let me forget to email Sarah", Added("Email Sarah")),
    ("new task: Clean the garage", Added("Clean the garage")),
    ("ADD A TASK TO READ A BOOK", Added("READ A BOOK")),
    ("I have to finish the report", Added("Finish the report")),
    ("Put buy milk on my list", Added("Buy milk")),
    ("add \"Call mom's doctor\" to my list", Added("Call mom's doctor")),
    ("remember to stretch.", Added("Stretch")),
    ("hey, could you add a reminder to renew the car insurance please", Added("Renew the car insurance")),
    // list_tasks
    ("Show me all my tasks", Listed("all")),
    ("What's pending?", Listed("pending")),
    ("What have I completed?", Listed("completed")),
    ("list my tasks", Listed("all")),
    ("What do I still need to do?", Listed("pending")),
    ("show completed tasks", Listed("completed")),
    ("Which tasks are done?", Listed("completed")),
    ("what's left", Listed("pending")),
    ("Can you show me my todo list please", Listed("all")),
    ("Do I have any open tasks?", Listed("pending")),
    ("what tasks did I finish", Listed("completed")),
    // complete_task
    ("Mark task {1} as complete", Completed("Buy groceries")),
    ("mark task #{2} done", Completed("Team meeting")),
    ("Complete task {1}", Completed("Buy groceries")),
    ("I finished the groceries", Completed("Buy groceries")),
    ("Please mark the meeting task as done", Completed("Team meeting")),
    ("check off buy groceries", Completed("Buy groceries")),
    ("The team meeting is done", Completed("Team meeting")),
    ("finish #{2}", Completed("Team meeting")),
    // delete_task
    ("Delete the meeting task", Deleted("Team meeting")),
    ("delete task {1}", Deleted("Buy groceries")),
    ("Remove the groceries one", Deleted("Buy groceries")),
    ("get rid of task #{2}", Deleted("Team meeting")),
    ("Please cancel the rent task", Deleted("Pay rent")),
    ("erase 'Buy groceries'", Deleted("Buy groceries")),
    // update_task
    ("Change task {1} to 'Call mom tonight'", Renamed("Buy groceries", "Call mom tonight")),
    ("Rename the meeting task to Team sync", Renamed("Team meeting", "Team sync")),
    ("update task #{2} to \"Weekly team meeting\"", Renamed("Team meeting", "Weekly team meeting")),
    ("change the title of task {1} to Buy food", Renamed("Buy groceries", "Buy food")),
    ("rename groceries to Buy vegetables", Renamed("Buy groceries", "Buy vegetables")),
    // nothing to do, or nothing found
    ("What is the weather like?", Unchanged(&[])),
    ("blah blah", Unchanged(&[])),
    ("hello", Unchanged(&[])),
    ("Delete", Unchanged(&[])),
    ("Mark task 999999 as complete", Unchanged(&["complete_task"])),
    ("Delete the dentist task", Unchanged(&["list_tasks"])),
];

async fn seed(app: &TestApp, user: &User) -> Vec<i64> {
    let mut ids = Vec::new();
    for (title, completed) in SEED {
        let task = app.create_task(user, title).await;
        let id = task["id"].as_i64().unwrap();
        if completed {
            app.request(Method::PATCH, &format!("/api/{}/tasks/{id}/complete", user.id), Some(&user.token), None).await;
        }
        ids.push(id);
    }
    ids
}

fn titles(tasks: &[Value]) -> Vec<(String, bool)> {
    tasks.iter().map(|t| (t["title"].as_str().unwrap().to_string(), t["completed"].as_bool().unwrap())).collect()
}

async fn built_in_assistant_phrasebook(store: Store) {
    let app = TestApp::spawn(store).await;
    for &(template, expect) in PHRASES {
        let user = app.new_user().await;
        let ids = seed(&app, &user).await;
        let before = titles(&app.list_tasks(&user, "all").await);
        let phrase = template.replace("{1}", &ids[0].to_string()).replace("{2}", &ids[1].to_string());

        let (status, reply) = app.chat(&user, None, &phrase).await;
        assert_eq!(status, StatusCode::OK, "{phrase}: {reply}");
        let response = reply["response"].as_str().unwrap();
        assert!(!response.is_empty(), "{phrase}: an answer in words");
        let calls = reply["tool_calls"].as_array().unwrap();
        let tools: Vec<&str> = calls.iter().map(|c| c["tool"].as_str().unwrap()).collect();
        let after = titles(&app.list_tasks(&user, "all").await);
        let context = format!("{phrase:?} -> {response:?} {tools:?}");

        match expect {
            Added(title) => {
                assert_eq!(tools, ["add_task"], "{context}");
                assert_eq!(calls[0]["arguments"]["title"], title, "{context}");
                let mut expected = before.clone();
                expected.push((title.to_string(), false));
                assert_eq!(after, expected, "{context}");
                assert!(response.contains(title), "{context}");
            }
            Listed(status) => {
                assert_eq!(tools, ["list_tasks"], "{context}");
                assert_eq!(calls[0]["arguments"]["status"], status, "{context}");
                assert_eq!(after, before, "{context}");
                for (title, completed) in SEED {
                    let shown = status == "all" || (status == "completed") == completed;
                    assert_eq!(response.contains(title), shown, "{context}: {title}");
                }
            }
            Completed(title) => {
                assert_eq!(tools.last(), Some(&"complete_task"), "{context}");
                let expected: Vec<_> = before.iter().map(|(t, c)| (t.clone(), *c || t == title)).collect();
                assert_eq!(after, expected, "{context}");
                assert!(response.contains(title), "{context}");
            }
            Deleted(title) => {
                assert_eq!(tools.last(), Some(&"delete_task"), "{context}");
                if !template.contains('{') {
                    assert_eq!(tools, ["list_tasks", "delete_task"], "{context}: found by title first");
                }
                let expected: Vec<_> = before.iter().filter(|(t, _)| t != title).cloned().collect();
                assert_eq!(after, expected, "{context}");
            }
            Renamed(from, to) => {
                assert_eq!(tools.last(), Some(&"update_task"), "{context}");
                assert_eq!(calls.last().unwrap()["arguments"]["title"], to, "{context}");
                let expected: Vec<_> =
                    before.iter().map(|(t, c)| (if t == from { to.to_string() } else { t.clone() }, *c)).collect();
                assert_eq!(after, expected, "{context}");
            }
            Unchanged(expected_tools) => {
                assert_eq!(tools, expected_tools, "{context}");
                assert_eq!(after, before, "{context}");
            }
        }
    }
    assert!(PHRASES.len() >= 40);
}

async fn asks_back_when_several_tasks_match(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let first = app.create_task(&user, "Team meeting").await["id"].as_i64().unwrap();
    let second = app.create_task(&user, "Meeting notes").await["id"].as_i64().unwrap();

    let (_, reply) = app.chat(&user, None, "Delete the meeting task").await;
    let response = reply["response"].as_str().unwrap();
    assert!(response.contains("Which one should I delete"), "{response}");
    assert!(response.contains(&format!("#{first}")) && response.contains(&format!("#{second}")), "{response}");
    assert_eq!(reply["tool_calls"].as_array().unwrap().len(), 1, "only looked, deleted nothing");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 2);

    // The answer to the question continues the same conversation.
    let conversation = reply["conversation_id"].as_i64();
    let (_, reply) = app.chat(&user, conversation, "the second one").await;
    assert_eq!(reply["tool_calls"][0]["tool"], "delete_task", "{reply}");
    assert_eq!(reply["tool_calls"][0]["arguments"]["task_id"], second);
    let left = app.list_tasks(&user, "all").await;
    assert_eq!(titles(&left), vec![("Team meeting".to_string(), false)]);

    // Completing asks too when one of them is done already: "the meeting
    // task is done" may be about that one.
    let follow_up = app.create_task(&user, "Team meeting follow-up").await["id"].as_i64().unwrap();
    app.request(Method::PATCH, &format!("/api/{}/tasks/{first}/complete", user.id), Some(&user.token), None).await;
    let (_, reply) = app.chat(&user, None, "mark the meeting task as done").await;
    assert_eq!(reply["tool_calls"].as_array().unwrap().len(), 1, "only looked: {reply}");
    let (_, reply) = app.chat(&user, reply["conversation_id"].as_i64(), &format!("#{follow_up}")).await;
    assert_eq!(reply["tool_calls"][0]["tool"], "complete_task", "{reply}");
    assert!(app.list_tasks(&user, "pending").await.is_empty());

    // A guess from the words alone is asked about, even when only one task fits.
    let milk = app.create_task(&user, "Buy milk").await["id"].as_i64().unwrap();
    let (_, guess) = app.chat(&user, None, "I finished buying milk").await;
    assert_eq!(guess["tool_calls"].as_array().unwrap().len(), 1, "only looked: {guess}");
    let (_, yes) = app.chat(&user, guess["conversation_id"].as_i64(), "yes").await;
    assert_eq!(yes["tool_calls"][0]["arguments"]["task_id"], milk, "{yes}");
}

async fn conversations_are_stored_and_private(store: Store) {
    let mut app = TestApp::spawn(store).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    // Task numbers are per user: Bob's third task has no twin in Alice's list.
    for title in ["Bob's first", "Bob's second"] {
        app.create_task(&bob, title).await;
    }
    let bobs = app.create_task(&bob, "Bob's private task").await["id"].as_i64().unwrap();
    assert_eq!(bobs, 3);

    let (_, first) = app.chat(&alice, None, "Add a task to buy groceries").await;
    let conversation = first["conversation_id"].as_i64().unwrap();
    // Alice cannot reach Bob's task through the assistant either.
    let (_, reply) = app.chat(&alice, Some(conversation), &format!("delete task {bobs}")).await;
    assert!(reply["response"].as_str().unwrap().contains("couldn't find"), "{reply}");
    assert_eq!(app.list_tasks(&bob, "all").await.len(), 3, "Bob's tasks survive");
    // Nor continue Bob's conversations, nor read them.
    let (status, _) = app.chat(&bob, Some(conversation), "Show me all my tasks").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .request(Method::GET, &format!("/api/{}/conversations/{conversation}/messages", bob.id), Some(&bob.token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Invalid messages change nothing.
    for message in ["", "   ", &"x".repeat(4001)] {
        let (status, body) = app.chat(&alice, Some(conversation), message).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    // A restart keeps the conversation: a new server on the same store continues it.
    let store_handle = app.stop().await.unwrap();
    let app = TestApp::spawn_with(crate::helpers::base_env(&store_handle.url)).await;
    let (status, reply) = app.chat(&alice, Some(conversation), "What's pending?").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["conversation_id"], conversation);
    assert!(reply["response"].as_str().unwrap().contains("Buy groceries"));

    let (status, messages) = app
        .request(
            Method::GET,
            &format!("/api/{}/conversations/{conversation}/messages", alice.id),
            Some(&alice.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let messages = messages.as_array().unwrap();
    let roles: Vec<&str> = messages.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "user", "assistant"]);
    assert_eq!(messages[0]["content"], "Add a task to buy groceries");
    assert_eq!(messages[1]["tool_calls"][0]["tool"], "add_task", "tool calls are stored with the reply");
    assert_eq!(messages[1]["tool_calls"][0]["result"]["status"], "created");

    let (_, second) = app.chat(&alice, None, "hello").await;
    let (status, list) =
        app.request(Method::GET, &format!("/api/{}/conversations", alice.id), Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&Value> = list.as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, vec![&second["conversation_id"], &Value::from(conversation)], "newest first");
    assert_eq!(list[1]["title"], "Add a task to buy groceries");
    let (_, bobs_list) =
        app.request(Method::GET, &format!("/api/{}/conversations", bob.id), Some(&bob.token), None).await;
    assert!(bobs_list.as_array().unwrap().is_empty());
}

/// Two backend processes on one PostgreSQL: a conversation started on one
/// continues on the other, including the answer to a clarifying question.
#[tokio::test]
async fn a_conversation_moves_between_replicas() {
    let database_url = crate::helpers::fresh_postgres_database().await;
    let first = TestApp::spawn_with(crate::helpers::base_env(&database_url)).await;
    let second = TestApp::spawn_with(crate::helpers::base_env(&database_url)).await;
    let user = first.new_user().await;
    first.create_task(&user, "Team meeting").await;
    let notes = first.create_task(&user, "Meeting notes").await["id"].as_i64().unwrap();

    let (_, question) = first.chat(&user, None, "Delete the meeting task").await;
    assert!(question["response"].as_str().unwrap().contains("Which one should I delete"));
    let conversation = question["conversation_id"].as_i64();
    let (status, answer) = second.chat(&user, conversation, &notes.to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["tool_calls"][0]["tool"], "delete_task", "{answer}");
    assert_eq!(answer["tool_calls"][0]["arguments"]["task_id"], notes);
    assert_eq!(titles(&first.list_tasks(&user, "all").await), vec![("Team meeting".to_string(), false)]);
}
