//! The built-in assistant on the planning fields (SPEC 5.3), checked in the
//! database: dates in the user's time zone, "it", questions and
//! confirmations kept with the conversation, streaming, and ordered turns.

use chrono::{DateTime, Datelike, Days, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{sse_events, Store, TestApp, User};

on_both_stores!(
    planning_phrases_change_the_database,
    it_means_the_task_named_last,
    delete_all_asks_first_and_deletes_only_what_it_listed,
    a_confirmation_survives_a_restart,
    an_unclear_target_asks_and_changes_nothing,
    urdu_is_understood_and_answered_in_urdu,
    questions_and_reminders_change_only_what_they_name,
    a_turn_streams_as_server_sent_events,
    concurrent_turns_leave_an_ordered_history
);

const ZONE: &str = "Asia/Karachi";

async fn say(app: &TestApp, user: &User, conversation: Option<i64>, message: &str) -> Value {
    let mut body = json!({ "message": message, "timezone": ZONE });
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    let (status, reply) =
        app.request(Method::POST, &format!("/api/{}/chat", user.id), Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{message}: {reply}");
    reply
}

async fn task(app: &TestApp, user: &User, id: i64) -> Value {
    let (status, task) =
        app.request(Method::GET, &format!("/api/{}/tasks/{id}", user.id), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK, "task {id}: {task}");
    task
}

fn local(at: &Value) -> DateTime<Tz> {
    let zone: Tz = ZONE.parse().unwrap();
    DateTime::parse_from_rfc3339(at.as_str().expect("a date")).unwrap().with_timezone(&zone)
}

fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&ZONE.parse::<Tz>().unwrap()).date_naive()
}

fn tools(reply: &Value) -> Vec<&str> {
    reply["tool_calls"].as_array().unwrap().iter().map(|call| call["tool"].as_str().unwrap()).collect()
}

fn created_id(reply: &Value) -> i64 {
    let call = reply["tool_calls"].as_array().unwrap().iter().find(|call| call["tool"] == "add_task").expect("added");
    call["result"]["task_id"].as_i64().unwrap()
}

async fn planning_phrases_change_the_database(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;

    let reply = say(&app, &user, None, "Add pay rent tomorrow at 9am, high priority #home").await;
    let rent = task(&app, &user, created_id(&reply)).await;
    assert_eq!(rent["title"], "Pay rent", "{reply}");
    assert_eq!(rent["priority"], "high");
    assert_eq!(rent["tags"], json!(["home"]));
    let due = local(&rent["due_at"]);
    assert_eq!((due.date_naive(), due.time()), (today() + Days::new(1), NaiveTime::from_hms_opt(9, 0, 0).unwrap()));

    let reply = say(&app, &user, None, "Remind me to call the bank on Friday at 3pm").await;
    let bank = task(&app, &user, created_id(&reply)).await;
    assert_eq!(bank["title"], "Call the bank");
    assert_eq!(bank["due_at"], bank["remind_at"], "the reminder is at the due time");
    let due = local(&bank["due_at"]);
    assert_eq!((due.weekday(), due.time()), (Weekday::Fri, NaiveTime::from_hms_opt(15, 0, 0).unwrap()));
    assert!(due.date_naive() > today() && due.date_naive() <= today() + Days::new(7), "the coming Friday: {due}");
    // Moving it keeps its time of day, and the reminder moves along.
    say(&app, &user, None, "push the bank task to next tuesday").await;
    let bank = task(&app, &user, bank["id"].as_i64().unwrap()).await;
    let due = local(&bank["due_at"]);
    assert_eq!((due.weekday(), due.time()), (Weekday::Tue, NaiveTime::from_hms_opt(15, 0, 0).unwrap()));
    assert_eq!(local(&bank["remind_at"]), due, "the reminder moved with the due date");

    let reply = say(&app, &user, None, "Water the plants every Monday").await;
    let plants = task(&app, &user, created_id(&reply)).await;
    assert_eq!((plants["title"].as_str(), plants["recurrence"].as_str()), (Some("Water the plants"), Some("weekly")));
    assert_eq!(local(&plants["due_at"]).weekday(), Weekday::Mon);

    for (phrase, argument, value) in [
        ("What's due today?", "due", json!("today")),
        ("What's overdue?", "due", json!("overdue")),
        ("Show my high priority tasks", "priority", json!(["high"])),
        ("Find tasks about rent", "q", json!("rent")),
    ] {
        let reply = say(&app, &user, None, phrase).await;
        assert_eq!(tools(&reply), ["list_tasks"], "{phrase}: {reply}");
        assert_eq!(reply["tool_calls"][0]["arguments"][argument], value, "{phrase}: {reply}");
    }
    // One day other than today: only that day's tasks.
    let zone: Tz = ZONE.parse().unwrap();
    let in_three_days = (today() + Days::new(3)).and_hms_opt(12, 0, 0).unwrap().and_local_timezone(zone).unwrap();
    let body = json!({ "title": "Renew passport", "due_at": in_three_days.to_rfc3339() });
    app.request(Method::POST, &format!("/api/{}/tasks", user.id), Some(&user.token), Some(body)).await;
    let tomorrow = say(&app, &user, None, "what's due tomorrow?").await;
    let listed = tomorrow["response"].as_str().unwrap();
    assert!(listed.contains("Pay rent") && !listed.contains("Renew passport"), "{listed}");
    let found = say(&app, &user, None, "Find tasks about rent").await;
    assert!(found["response"].as_str().unwrap().contains("Pay rent"), "{found}");

    let flights = app.create_task(&user, "book flights").await["id"].as_i64().unwrap();
    say(&app, &user, None, "Rename \"book flights\" to \"book flights to Lahore\"").await;
    assert_eq!(task(&app, &user, flights).await["title"], "Book flights to Lahore", "the whole new title is kept");
    let mom = app.create_task(&user, "call mom").await["id"].as_i64().unwrap();
    say(&app, &user, None, "rename call mom to call mom to wish her luck").await;
    assert_eq!(task(&app, &user, mom).await["title"], "Call mom to wish her luck", "unquoted, too");

    say(&app, &user, None, "Change the description of the rent task to \"before noon\"").await;
    assert_eq!(task(&app, &user, rent["id"].as_i64().unwrap()).await["description"], "before noon");
    say(&app, &user, None, "add a note to the rent task: pay by card").await;
    let described = task(&app, &user, rent["id"].as_i64().unwrap()).await;
    assert_eq!(described["description"], "before noon\npay by card", "a note is added, nothing lost");

    let groceries = app.create_task(&user, "Buy groceries").await["id"].as_i64().unwrap();
    app.request(Method::PATCH, &format!("/api/{}/tasks/{groceries}/complete", user.id), Some(&user.token), None).await;
    say(&app, &user, None, "Reopen the groceries task").await;
    assert_eq!(task(&app, &user, groceries).await["completed"], false);

    let dentist = app.create_task(&user, "Dentist appointment").await["id"].as_i64().unwrap();
    say(&app, &user, None, "Move the dentist task to next Tuesday").await;
    let due = local(&task(&app, &user, dentist).await["due_at"]);
    assert_eq!(due.weekday(), Weekday::Tue);
    assert!(due.date_naive() > today(), "{due}");
    // A new date alone keeps the appointment's time of day.
    say(&app, &user, None, &format!("change task {dentist} to tomorrow at 4pm")).await;
    say(&app, &user, None, "push the dentist task to friday").await;
    let due = local(&task(&app, &user, dentist).await["due_at"]);
    assert_eq!((due.weekday(), due.time()), (Weekday::Fri, NaiveTime::from_hms_opt(16, 0, 0).unwrap()));
    // A new time alone keeps the day.
    say(&app, &user, None, "move the dentist task to 10am").await;
    let due = local(&task(&app, &user, dentist).await["due_at"]);
    assert_eq!((due.weekday(), due.time()), (Weekday::Fri, NaiveTime::from_hms_opt(10, 0, 0).unwrap()));

    say(&app, &user, None, &format!("Make task {dentist} high priority")).await;
    say(&app, &user, None, &format!("Tag task {dentist} with work")).await;
    let dentist = task(&app, &user, dentist).await;
    assert_eq!((dentist["priority"].as_str(), &dentist["tags"]), (Some("high"), &json!(["work"])));
}

async fn it_means_the_task_named_last(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let reply = say(&app, &user, None, "Add buy eggs and mark it done").await;
    assert_eq!(tools(&reply), ["add_task", "complete_task"], "{reply}");
    let eggs = task(&app, &user, created_id(&reply)).await;
    assert_eq!((eggs["title"].as_str(), eggs["completed"].as_bool()), (Some("Buy eggs"), Some(true)));

    let reply = say(&app, &user, None, "Add call the plumber").await;
    let conversation = reply["conversation_id"].as_i64();
    let plumber = created_id(&reply);
    say(&app, &user, conversation, "Mark it done").await;
    assert_eq!(task(&app, &user, plumber).await["completed"], true);
    say(&app, &user, conversation, "make it high priority").await;
    assert_eq!(task(&app, &user, plumber).await["priority"], "high");

    // "it" in a new conversation means nothing yet: the assistant asks.
    let reply = say(&app, &user, None, "delete it").await;
    assert!(tools(&reply).is_empty(), "{reply}");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 2);
}

async fn delete_all_asks_first_and_deletes_only_what_it_listed(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let mut done = Vec::new();
    for title in ["Old report", "Old invoice", "Keep me"] {
        let id = app.create_task(&user, title).await["id"].as_i64().unwrap();
        if title != "Keep me" {
            app.request(Method::PATCH, &format!("/api/{}/tasks/{id}/complete", user.id), Some(&user.token), None).await;
            done.push(id);
        }
    }
    let question = say(&app, &user, None, "Delete all completed tasks").await;
    let text = question["response"].as_str().unwrap();
    assert!(text.contains("Old report") && text.contains("Old invoice") && !text.contains("Keep me"), "{text}");
    assert_eq!(tools(&question), ["list_tasks"], "it only looked");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 3, "nothing deleted before the answer");

    // Completed after the question: not part of what was confirmed.
    let later = app.create_task(&user, "Done later").await["id"].as_i64().unwrap();
    app.request(Method::PATCH, &format!("/api/{}/tasks/{later}/complete", user.id), Some(&user.token), None).await;
    // Reopened after the question (in another conversation): no longer completed, so kept.
    say(&app, &user, None, &format!("reopen task {}", done[1])).await;

    let conversation = question["conversation_id"].as_i64();
    let answer = say(&app, &user, conversation, "yes").await;
    assert_eq!(tools(&answer), ["list_tasks", "delete_task"], "{answer}");
    assert!(answer["response"].as_str().unwrap().contains("changed since I asked"), "{answer}");
    let left: Vec<String> =
        app.list_tasks(&user, "all").await.iter().map(|t| t["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(left, ["Old invoice", "Keep me", "Done later"]);

    // "delete them" after the question answers it; it never means one task.
    let eggs = app.create_task(&user, "Buy eggs").await["id"].as_i64().unwrap();
    let junk = app.create_task(&user, "Junk").await["id"].as_i64().unwrap();
    app.request(Method::PATCH, &format!("/api/{}/tasks/{junk}/complete", user.id), Some(&user.token), None).await;
    let question = say(&app, &user, None, "delete all completed tasks").await;
    let conversation = question["conversation_id"].as_i64();
    let answer = say(&app, &user, conversation, "delete them").await;
    assert_eq!(tools(&answer), ["list_tasks", "delete_task", "delete_task"], "{answer}");
    assert_eq!(task(&app, &user, eggs).await["title"], "Buy eggs");
    let list = say(&app, &user, conversation, "what's pending?").await;
    assert_eq!(tools(&list), ["list_tasks"]);
    let unclear = say(&app, &user, conversation, "delete it").await;
    assert!(tools(&unclear).is_empty(), "after a list of several, 'it' is unclear: {unclear}");

    // Several tasks by number: listed and confirmed too.
    let ids: Vec<i64> = app.list_tasks(&user, "all").await.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    let question = say(&app, &user, None, &format!("delete tasks {} and {}", ids[0], ids[1])).await;
    assert!(tools(&question).is_empty(), "{question}");
    let no = say(&app, &user, question["conversation_id"].as_i64(), "no, keep them").await;
    assert!(tools(&no).is_empty(), "{no}");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 3);

    // A "yes" with nothing asked does nothing; "no" keeps everything.
    let again = say(&app, &user, conversation, "yes").await;
    assert!(tools(&again).is_empty(), "{again}");
    let question = say(&app, &user, conversation, "delete all completed tasks").await;
    let kept = say(&app, &user, question["conversation_id"].as_i64(), "no").await;
    assert!(tools(&kept).is_empty(), "{kept}");
    assert_eq!(app.list_tasks(&user, "all").await.len(), 3);
}

async fn a_confirmation_survives_a_restart(store: Store) {
    let mut app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let id = app.create_task(&user, "Finished thing").await["id"].as_i64().unwrap();
    app.request(Method::PATCH, &format!("/api/{}/tasks/{id}/complete", user.id), Some(&user.token), None).await;
    let question = say(&app, &user, None, "please delete all my completed tasks").await;
    assert!(question["response"].as_str().unwrap().contains("Finished thing"), "{question}");

    let store_handle = app.stop().await.unwrap();
    let mut app = TestApp::spawn_with(crate::helpers::base_env(&store_handle.url)).await;
    app.keep(store_handle);
    let answer = say(&app, &user, question["conversation_id"].as_i64(), "Yes, go ahead").await;
    assert_eq!(tools(&answer), ["list_tasks", "delete_task"], "{answer}");
    assert!(app.list_tasks(&user, "all").await.is_empty());
}

async fn an_unclear_target_asks_and_changes_nothing(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    app.create_task(&user, "Pay rent").await;
    app.create_task(&user, "Rent a car").await;
    for phrase in ["Delete the rent task", "rename the rent one to Pay the landlord", "mark rent as done"] {
        let reply = say(&app, &user, None, phrase).await;
        assert_eq!(tools(&reply), ["list_tasks"], "{phrase}: {reply}");
        assert!(reply["response"].as_str().unwrap().contains("Which one"), "{phrase}: {reply}");
    }
    // An answer that is neither of the numbers offered is asked again.
    let question = say(&app, &user, None, "Delete the rent task").await;
    let again = say(&app, &user, question["conversation_id"].as_i64(), "99").await;
    assert!(tools(&again).is_empty(), "{again}");
    assert!(again["response"].as_str().unwrap().contains("Which one"), "{again}");
    let tasks = app.list_tasks(&user, "all").await;
    let titles: Vec<&str> = tasks.iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Pay rent", "Rent a car"]);
    assert!(tasks.iter().all(|t| t["completed"] == false));

    // A rename that reads two ways, each naming a task, asks for quotes.
    let short = app.create_task(&user, "Email Sarah").await["id"].as_i64().unwrap();
    let long = app.create_task(&user, "Email Sarah to confirm dinner").await["id"].as_i64().unwrap();
    let unsure = say(&app, &user, None, "rename Email Sarah to confirm dinner to Text Sarah about dinner").await;
    assert!(unsure["response"].as_str().unwrap().contains("quotes"), "{unsure}");
    assert_eq!(task(&app, &user, short).await["title"], "Email Sarah");
    assert_eq!(task(&app, &user, long).await["title"], "Email Sarah to confirm dinner");
    // "delete all the Sarah tasks" lists only those.
    let question = say(&app, &user, None, "delete all the sarah tasks").await;
    let listed = question["response"].as_str().unwrap();
    assert!(listed.contains("Email Sarah") && !listed.contains("Rent a car"), "{listed}");
    say(&app, &user, question["conversation_id"].as_i64(), "yes").await;
    for id in [short, long] {
        let (status, _) =
            app.request(Method::GET, &format!("/api/{}/tasks/{id}", user.id), Some(&user.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // The answer may name the task instead of giving its number.
    let named = say(&app, &user, again["conversation_id"].as_i64(), "the car one").await;
    assert_eq!(tools(&named), ["delete_task"], "{named}");
    let left = app.list_tasks(&user, "all").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["title"], "Pay rent");
}

async fn urdu_is_understood_and_answered_in_urdu(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let reply = say(&app, &user, None, "ایک کام شامل کریں: دودھ خریدنا").await;
    let milk = task(&app, &user, created_id(&reply)).await;
    assert_eq!(milk["title"], "دودھ خریدنا");
    let urdu =
        |reply: &Value| reply["response"].as_str().unwrap().chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    assert!(urdu(&reply), "answered in Urdu: {reply}");
    let reply = say(&app, &user, None, "میرے کام دکھائیں").await;
    assert_eq!(tools(&reply), ["list_tasks"], "{reply}");
    assert!(urdu(&reply) && reply["response"].as_str().unwrap().contains("دودھ خریدنا"), "{reply}");

    // "Add paying rent tomorrow at 9 in the morning", then "tomorrow's tasks".
    let reply = say(&app, &user, None, "کل صبح 9 بجے کرایہ ادا کرنا شامل کریں").await;
    let rent = task(&app, &user, created_id(&reply)).await;
    assert_eq!(rent["title"], "کرایہ ادا کرنا");
    let tomorrow = today() + Days::new(1);
    assert_eq!(local(&rent["due_at"]).naive_local(), tomorrow.and_hms_opt(9, 0, 0).unwrap(), "{rent}");
    let shown = tomorrow.format("%d-%m-%Y 09:00").to_string();
    assert!(urdu(&reply) && reply["response"].as_str().unwrap().contains(&shown), "{reply}");
    let reply = say(&app, &user, None, "کل کے کام دکھائیں").await;
    let answer = reply["response"].as_str().unwrap();
    assert!(answer.contains("کرایہ ادا کرنا") && !answer.contains("دودھ خریدنا"), "only tomorrow's: {reply}");
}

/// Phrasings a user trial found misread: a reminder for a task that exists
/// changes it instead of adding one, a question about a task changes
/// nothing, completing picks the pending one of two namesakes, and a task
/// that is already pending is not "reopened".
async fn questions_and_reminders_change_only_what_they_name(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let rent = created_id(&say(&app, &user, None, "Add pay rent tomorrow at 9am").await);
    let first_plants = created_id(&say(&app, &user, None, "Add water the plants").await);
    say(&app, &user, None, &format!("complete task {first_plants}")).await;
    let plants = created_id(&say(&app, &user, None, "Add water the plants").await);

    let reply = say(&app, &user, None, "add a reminder to the rent task for tomorrow 8am").await;
    assert_eq!(tools(&reply).last(), Some(&"update_task"), "{reply}");
    let reminded = task(&app, &user, rent).await;
    assert_eq!(local(&reminded["remind_at"]).naive_local(), (today() + Days::new(1)).and_hms_opt(8, 0, 0).unwrap());
    assert_eq!(app.list_tasks(&user, "all").await.len(), 3, "no task added");
    // Relative to the due time (tomorrow 09:00).
    let reply = say(&app, &user, None, "remind me about the rent task 2 hours before it's due").await;
    assert_eq!(tools(&reply).last(), Some(&"update_task"), "{reply}");
    let reminded = task(&app, &user, rent).await;
    assert_eq!(local(&reminded["remind_at"]).naive_local(), (today() + Days::new(1)).and_hms_opt(7, 0, 0).unwrap());

    // Without "task", the exact title decides: a reminder on it, no twin.
    let meeting = created_id(&say(&app, &user, None, "Add team meeting tomorrow at 10am").await);
    let reply = say(&app, &user, None, "add a reminder to the team meeting for tomorrow 9:30am").await;
    assert_eq!(tools(&reply).last(), Some(&"update_task"), "{reply}");
    let at = local(&task(&app, &user, meeting).await["remind_at"]).naive_local();
    assert_eq!(at, (today() + Days::new(1)).and_hms_opt(9, 30, 0).unwrap());
    assert_eq!(app.list_tasks(&user, "all").await.len(), 4, "no task added");
    let reply = say(&app, &user, None, "add a reminder to call the plumber tomorrow at 8am").await;
    let plumber = task(&app, &user, created_id(&reply)).await;
    assert_eq!(plumber["title"], "Call the plumber");
    assert_eq!(plumber["remind_at"], plumber["due_at"], "a new task with its reminder: {plumber}");
    say(&app, &user, None, &format!("delete task {meeting}")).await;
    say(&app, &user, None, &format!("delete task {}", plumber["id"])).await;

    let reply = say(&app, &user, None, "mark the plants done").await;
    assert_eq!(tools(&reply).last(), Some(&"complete_task"), "the pending one, without asking: {reply}");
    assert_eq!(task(&app, &user, plants).await["completed"], true);

    let reply = say(&app, &user, None, &format!("reopen task {rent}")).await;
    assert!(reply["response"].as_str().unwrap().contains("already pending"), "{reply}");
    assert!(!tools(&reply).contains(&"update_task"), "{reply}");

    for question in [format!("show task {rent}"), "is the rent task done?".to_string()] {
        let reply = say(&app, &user, None, &question).await;
        let answer = reply["response"].as_str().unwrap();
        assert!(answer.contains("Pay rent") && answer.contains("pending"), "{question}: {reply}");
        assert!(tools(&reply).iter().all(|tool| *tool == "list_tasks"), "{question} changes nothing: {reply}");
    }
    assert_eq!(task(&app, &user, rent).await, reminded, "unchanged by the questions");

    // "The second one": a place in the list just shown.
    say(&app, &user, None, "Add buy stamps").await;
    say(&app, &user, None, "Add return the books").await;
    let listed = say(&app, &user, None, "show my pending tasks").await;
    let shown = listed["tool_calls"][0]["result"]["tasks"].as_array().unwrap().clone();
    let second = shown[1]["id"].as_i64().unwrap();
    let reply = say(&app, &user, listed["conversation_id"].as_i64(), "complete the second one").await;
    assert_eq!(tools(&reply), ["complete_task"], "{reply}");
    assert_eq!(reply["tool_calls"][0]["arguments"]["task_id"], second, "{reply}");

    // Right after completing a repeating task, "stop repeating it" ends the
    // series, which goes on in the next occurrence.
    let added = say(&app, &user, None, "Add gym every day at 7am").await;
    let (gym, conversation) = (created_id(&added), added["conversation_id"].as_i64());
    let done = say(&app, &user, conversation, "mark it done").await;
    let next = done["tool_calls"][0]["result"]["next_task_id"].as_i64().expect("a next occurrence");
    let reply = say(&app, &user, conversation, "stop repeating it").await;
    assert_eq!(tools(&reply), ["update_task"], "{reply}");
    assert_eq!(task(&app, &user, next).await["recurrence"], Value::Null, "the series ends");
    assert_eq!(task(&app, &user, gym).await["completed"], true);
}

async fn a_turn_streams_as_server_sent_events(store: Store) {
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let body = json!({ "message": "Add buy eggs and mark it done", "timezone": ZONE });
    let events = sse_events(&app.chat_stream(&user, body).await.text().await.unwrap());
    let mut names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    names.dedup();
    assert_eq!(names, ["tool_call", "delta", "tool_call", "delta", "done"], "each piece as it is produced");
    let streamed: String =
        events.iter().filter(|e| e.name == "delta").map(|e| e.data["text"].as_str().unwrap().to_string()).collect();
    let done = &events.last().unwrap().data;
    assert_eq!(done["response"], streamed.as_str(), "the answer is the deltas");
    assert_eq!(done["tool_calls"].as_array().unwrap().len(), 2);
    let conversation = done["conversation_id"].as_i64().unwrap();
    let (_, messages) = app
        .request(
            Method::GET,
            &format!("/api/{}/conversations/{conversation}/messages", user.id),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(messages[1]["content"], streamed.as_str(), "what is stored is what was streamed");

    // A retry with the same Idempotency-Key gets the first answer, as one `done` event.
    let keyed = || {
        app.client
            .post(format!("{}/api/{}/chat", app.base, user.id))
            .bearer_auth(&user.token)
            .header(header::ACCEPT, "text/event-stream")
            .header("Idempotency-Key", "stream-retry-1")
            .json(&json!({ "message": "Add a task to water the ferns", "timezone": ZONE }))
    };
    let first = sse_events(&keyed().send().await.unwrap().text().await.unwrap());
    let again = sse_events(&keyed().send().await.unwrap().text().await.unwrap());
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!((again[0].name.as_str(), &again[0].data), ("done", &first.last().unwrap().data));
    let ferns = app.list_tasks(&user, "all").await.iter().filter(|t| t["title"] == "Water the ferns").count();
    assert_eq!(ferns, 1, "the retry added nothing");

    // Errors before the turn starts are plain JSON answers.
    let response = app
        .client
        .post(format!("{}/api/{}/chat", app.base, user.id))
        .bearer_auth(&user.token)
        .header(header::ACCEPT, "text/event-stream")
        .json(&json!({ "message": "hi", "conversation_id": 999 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn concurrent_turns_leave_an_ordered_history(store: Store) {
    const TURNS: usize = 20;
    let app = TestApp::spawn(store).await;
    let user = app.new_user().await;
    let conversation = say(&app, &user, None, "hello").await["conversation_id"].as_i64();
    let turns = (0..TURNS).map(|i| {
        let (app, user) = (&app, &user);
        async move { say(app, user, conversation, &format!("Add a task to buy thing {i}")).await }
    });
    let replies = futures_util::future::join_all(turns).await;
    assert!(replies.iter().all(|reply| tools(reply) == ["add_task"]));
    assert_eq!(app.list_tasks(&user, "all").await.len(), TURNS);

    let path = format!("/api/{}/conversations/{}/messages", user.id, conversation.unwrap());
    let (_, messages) = app.request(Method::GET, &path, Some(&user.token), None).await;
    let messages = messages.as_array().unwrap();
    assert_eq!(messages.len(), 2 * (TURNS + 1));
    for pair in messages.chunks(2) {
        assert_eq!((pair[0]["role"].as_str(), pair[1]["role"].as_str()), (Some("user"), Some("assistant")));
        let asked = pair[0]["content"].as_str().unwrap();
        if let Some(number) = asked.strip_prefix("Add a task to buy thing ") {
            let answered = pair[1]["content"].as_str().unwrap();
            assert!(answered.contains(&format!("Buy thing {number}\"")), "{asked} -> {answered}");
        }
    }
}
