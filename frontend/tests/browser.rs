//! The UI in a real browser: headless Chromium at a phone's and a
//! desktop's size, in light and dark, with axe-core run on every page
//! state. Saves the screenshots docs/screenshots and the README show.

#[path = "browser/chrome.rs"]
mod chrome;
mod common;

use chrome::{Chrome, Screen};
use chrono::{Duration, Utc};
use chrono_tz::Asia::Karachi;
use common::Stack;
use serde_json::{json, Value};

const PASSWORD: &str = "tidy-otter-planets-42";

/// Signs up through the form, in Karachi's time zone (the browser's,
/// which the form sends), and lands on the task list.
async fn sign_up(chrome: &Chrome, base: &str, email: &str) {
    chrome.devtools("Emulation.setTimezoneOverride", json!({ "timezoneId": "Asia/Karachi" })).await;
    chrome.goto(&format!("{base}/sign-up")).await;
    chrome.fill("#email", email).await;
    chrome.fill("#password", PASSWORD).await;
    chrome.click("main form button[type=submit]").await;
    chrome.wait_for(".notice").await;
}

/// Creates a task as the page's scripts would: JSON through the `/api`
/// proxy, with the page's CSRF token. Returns the task.
async fn create_task(chrome: &Chrome, task: Value) -> Value {
    let script = format!(
        "const meta = name => document.querySelector(`meta[name=${{name}}]`).content;
         fetch(`/api/${{meta('user-id')}}/tasks`, {{ method: 'POST', body: JSON.stringify({task}),
           headers: {{ 'content-type': 'application/json', 'x-csrf-token': meta('csrf-token') }} }})
           .then(r => r.json()).then(done, e => done(String(e)));"
    );
    let created = chrome.js_async(&script).await;
    assert!(created["id"].is_i64(), "{created}");
    created
}

/// A local time in Karachi, `days` from today, as RFC 3339.
fn karachi(days: i64, hour: u32, minute: u32) -> String {
    let day = (Utc::now().with_timezone(&Karachi) + Duration::days(days)).date_naive();
    let local = day.and_hms_opt(hour, minute, 0).unwrap().and_local_timezone(Karachi).unwrap();
    local.to_rfc3339()
}

/// Sends a chat message with the page's script and waits for the reply.
async fn say(chrome: &Chrome, text: &str) {
    let replies = chrome.js("return document.querySelectorAll('.message.assistant:not(.typing)').length;").await;
    chrome.fill("#message", text).await;
    chrome.click("#send").await;
    let expected = replies.as_i64().unwrap() + 1;
    chrome
        .wait_until(&format!("document.querySelectorAll('.message.assistant:not(.typing)').length >= {expected}"))
        .await;
}

#[tokio::test]
async fn every_page_works_and_passes_axe_on_a_phone_and_a_desktop_in_light_and_dark() {
    let stack = Stack::start().await;
    let base = &stack.frontend.base;
    let chrome = Chrome::start().await;
    chrome.screen(Screen::Desktop).await;
    sign_up(&chrome, base, "browser@example.com").await;

    // The first task of a new user is #1; after adding, focus is back in the add form.
    chrome.fill("#title", "Water the plants").await;
    chrome.click(".add-form button[type=submit]").await;
    // Not `.notice`: the welcome notice of the page before is one too.
    assert_eq!(chrome.wait_for(".task .id").await.text().await.unwrap(), "#1");
    assert_eq!(chrome.focused().await, "title", "focus is back in the add form");
    chrome.client.refresh().await.unwrap();
    assert_eq!(chrome.js("return document.querySelector('.notice');").await, Value::Null, "not again on reload");

    // Edit every field through the form; focus returns to the edited task.
    chrome.click("#task-1 .actions a").await;
    assert_eq!(chrome.focused().await, "edit-title", "the edit form has focus");
    chrome.fill("#edit-title", "Water the plants").await;
    chrome.fill("#edit-description", "The ferns need it most").await;
    chrome.js("document.getElementById('edit-priority').value = 'medium'; document.getElementById('edit-recurrence').value = 'weekly';").await;
    chrome.fill("#edit-tags", "garden, home").await;
    chrome.js(&format!("document.getElementById('edit-due-date').value = '{}';", &karachi(3, 0, 0)[..10])).await;
    chrome.click(".edit-form button[type=submit]").await;
    chrome.wait_for(".notice").await;
    assert_eq!(chrome.focused().await, "task-1", "focus is on the edited task");
    let row = chrome.find("#task-1").await.text().await.unwrap();
    assert!(row.contains("Weekly") && row.contains("#garden") && row.contains("Medium"), "{row}");
    let due = chrome.find("#task-1 time").await.text().await.unwrap();
    assert!(!due.contains(':'), "a date without a time is shown without one: {due}");

    // Tasks that show every field and every kind of due date.
    create_task(&chrome, json!({ "title": "Pay rent", "description": "Transfer before noon", "priority": "high",
        "tags": ["home", "bills"], "due_at": karachi(1, 9, 0), "remind_at": karachi(1, 8, 0), "recurrence": "monthly" })).await;
    create_task(
        &chrome,
        json!({ "title": "Renew passport", "priority": "medium", "tags": ["admin"], "due_at": karachi(-2, 23, 59) }),
    )
    .await;
    create_task(&chrome, json!({ "title": "Call the bank", "due_at": karachi(0, 23, 59) })).await;
    create_task(&chrome, json!({ "title": "Write the quarterly report for the regional planning committee, including the budget appendix and the summary", "priority": "low", "tags": ["work"] })).await;
    let flights = create_task(&chrome, json!({ "title": "Book flights to Lahore", "tags": ["travel"] })).await;
    chrome.goto(&format!("{base}/tasks")).await;
    chrome.click(&format!("#task-{} .check", flights["id"])).await;
    chrome.wait_for(".notice").await;
    let list = chrome.find(".tasks").await.text().await.unwrap();
    assert!(list.contains("Overdue") && list.contains("Due today"), "overdue and due-today tasks stand out: {list}");
    assert!(list.contains("Tomorrow 9:00"), "times in the user's zone: {list}");

    // The assistant, through the page's script.
    chrome.goto(&format!("{base}/chat")).await;
    say(&chrome, "Add a task to buy milk").await;
    let activity = chrome.find(".activity summary").await.text().await.unwrap();
    assert_eq!(activity, "Added “Buy milk”", "tool activity told in words");
    say(&chrome, "What's pending?").await;
    say(&chrome, "ایک کام شامل کریں: دودھ خریدنا").await;
    let urdu = chrome.find(".message.assistant:last-of-type .bubble").await.text().await.unwrap();
    assert!(urdu.contains("شامل کر دیا"), "answered in Urdu: {urdu}");
    let conversation = chrome.client.current_url().await.unwrap().to_string();
    assert!(conversation.contains("/chat?c="), "{conversation}");
    assert_eq!(chrome.find("#conversation-list a[aria-current]").await.text().await.unwrap(), "Add a task to buy milk");

    let pay_rent = "#task-2";
    for screen in [Screen::Phone, Screen::Desktop] {
        for dark in [false, true] {
            chrome.screen(screen).await;
            chrome.dark(dark).await;
            let shot = |page: &str| format!("{page}-{}{}", screen.name(), if dark { "-dark" } else { "" });
            let check = |state: &'static str| {
                let chrome = &chrome;
                let label = format!("{state} ({}, {})", screen.name(), if dark { "dark" } else { "light" });
                async move {
                    chrome.assert_accessible(&label).await;
                    chrome.assert_no_sideways_scrolling(&label).await;
                }
            };

            chrome.goto(&format!("{base}/tasks")).await;
            check("the task list").await;
            if !dark || screen.name() == "phone" {
                chrome.screenshot(&shot("tasks"), true).await;
            }
            chrome.click(&format!("{pay_rent} details.confirm summary")).await;
            chrome.wait_for(&format!("{pay_rent} .confirm-box button")).await;
            check("delete asks first").await;
            let light_phone = !dark && matches!(screen, Screen::Phone);
            if light_phone {
                chrome.js(&format!("document.querySelector('{pay_rent}').scrollIntoView();")).await;
                chrome.screenshot("tasks-delete-phone", false).await;
            }
            chrome.goto(&format!("{base}/tasks?edit=2")).await;
            check("a task being edited").await;
            if !dark {
                chrome.js("document.querySelector('.edit-form').scrollIntoView();").await;
                chrome.screenshot(&shot("tasks-edit"), false).await;
            }
            chrome.goto(&format!("{base}/tasks?q=nothing-like-this&priority=low")).await;
            check("a search without results").await;
            chrome.goto(&format!("{base}/tasks")).await;
            chrome.fill("#title", "Refused").await;
            chrome.click(".add-form details summary").await;
            chrome.fill("#new-tags", "not/allowed").await;
            chrome.click(".add-form button[type=submit]").await;
            chrome.wait_for("#add-error").await;
            check("a refused form").await;
            if light_phone {
                chrome.screenshot("tasks-refused-phone", false).await;
            }

            chrome.goto(&conversation).await;
            check("a conversation").await;
            let in_view = chrome
                .js("const r = document.getElementById('message').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;")
                .await;
            assert_eq!(in_view, json!(true), "the message box is in view ({})", screen.name());
            chrome.screenshot(&shot("chat"), false).await;
            if let Screen::Phone = screen {
                chrome.click(".show-conversations").await;
                chrome.wait_until("document.getElementById('conversations').offsetHeight > 0").await;
                check("the conversation list on a phone").await;
                if !dark {
                    chrome.screenshot("chat-conversations-phone", false).await;
                }
            }

            chrome.goto(&format!("{base}/settings")).await;
            chrome.fill("#token-name", &format!("{}{}", screen.name(), if dark { " dark" } else { "" })).await;
            chrome.click("form[action='/settings/tokens'] button[type=submit]").await;
            let secret = chrome.wait_for(".secret input").await;
            assert!(secret.prop("value").await.unwrap().unwrap_or_default().starts_with("todo_pat_"));
            check("settings with a new token").await;
            if !dark {
                // A picture of a secret is still a secret: show its shape only.
                chrome.js("document.querySelector('.secret input').value = 'todo_pat_' + '•'.repeat(48);").await;
                chrome.screenshot(&shot("settings"), true).await;
            }

            chrome.goto(&format!("{base}/no/such/page")).await;
            check("an error page").await;

            chrome.goto(&format!("{base}/sign-in")).await;
            chrome.fill("#email", "browser@example.com").await;
            chrome.fill("#password", "not-the-password").await;
            chrome.click("main form button[type=submit]").await;
            chrome.wait_for("#form-error").await;
            check("sign-in refused").await;
            if !dark {
                chrome.screenshot(&shot("sign-in"), false).await;
            }
            chrome.goto(&format!("{base}/sign-up")).await;
            check("sign-up").await;
        }
    }

    // Down to 360 px, nothing needs sideways scrolling.
    chrome.screen(Screen::NarrowPhone).await;
    for path in ["/tasks", "/tasks?edit=2", "/tasks?q=rent&priority=high", "/settings", "/sign-up"] {
        chrome.goto(&format!("{base}{path}")).await;
        chrome.js("document.querySelectorAll('details').forEach(d => d.open = true);").await;
        chrome.assert_no_sideways_scrolling(&format!("{path} at 360 px")).await;
    }
    chrome.goto(&conversation).await;
    chrome.assert_no_sideways_scrolling("a conversation at 360 px").await;
    chrome.client.close().await.unwrap();
}

/// Records notifications and permission requests, keeping the real API.
const NOTIFICATION_SPY: &str = r#"
(() => {
  window.__notifications = [];
  window.__permissionRequests = 0;
  const Real = window.Notification;
  if (!Real) return;
  class Spy extends Real {
    constructor(title, options) { super(title, options); window.__notifications.push({ title, body: options && options.body }); }
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Spy.requestPermission = () => { window.__permissionRequests += 1; return Real.requestPermission(); };
  window.Notification = Spy;
})();
"#;

#[tokio::test]
async fn a_due_reminder_is_a_notification_when_allowed_and_a_banner_otherwise() {
    let stack = Stack::start().await;
    let base = &stack.frontend.base;
    let chrome = Chrome::start().await;
    chrome.screen(Screen::Desktop).await;
    chrome.before_each_page(NOTIFICATION_SPY).await;
    sign_up(&chrome, base, "reminders@example.com").await;
    let origin = base.clone();

    // Allowed: a due reminder raises a notification, once.
    chrome.devtools("Browser.grantPermissions", json!({ "origin": origin, "permissions": ["notifications"] })).await;
    let due = (Utc::now() - Duration::minutes(1)).to_rfc3339();
    create_task(&chrome, json!({ "title": "Pay rent", "due_at": karachi(1, 9, 0), "remind_at": due })).await;
    chrome.goto(&format!("{base}/tasks")).await;
    chrome.wait_until("window.__notifications.length === 1").await;
    let shown = chrome.js("return window.__notifications[0];").await;
    assert_eq!(shown["title"], "Reminder: Pay rent");
    assert!(shown["body"].as_str().unwrap().starts_with("Due "), "{shown}");
    assert_eq!(chrome.js("return window.__permissionRequests;").await, json!(0), "never asked on page load");
    chrome.goto(&format!("{base}/settings")).await;
    chrome.wait_until("document.getElementById('notify-status').textContent.includes('Notifications are on')").await;
    assert_eq!(chrome.js("return window.__notifications.length;").await, json!(0), "claimed once, shown once");

    // Blocked: the reminder shows on the page instead, and says why.
    chrome
        .devtools(
            "Browser.setPermission",
            json!({ "origin": origin, "permission": { "name": "notifications" }, "setting": "denied" }),
        )
        .await;
    create_task(&chrome, json!({ "title": "Call the bank", "remind_at": due })).await;
    chrome.goto(&format!("{base}/tasks")).await;
    let banner = chrome.wait_for(".reminder-banner[role=alert]").await.text().await.unwrap();
    assert!(banner.contains("Reminder: Call the bank") && banner.contains("blocked"), "{banner}");
    assert_eq!(chrome.js("return window.__notifications.length;").await, json!(0));
    chrome.assert_accessible("a reminder banner").await;
    chrome.screenshot("reminder-desktop", false).await;
    chrome.dark(true).await;
    chrome.assert_accessible("a reminder banner (dark)").await;
    chrome.dark(false).await;
    let count = chrome.js("return document.querySelectorAll('.reminder-banner').length;").await;
    let texts = chrome.js("return [...document.querySelectorAll('.reminder-banner')].map(r => r.textContent);").await;
    assert_eq!(count, json!(1), "one banner: {texts}");
    chrome.click(".reminder-banner button:last-child").await;
    chrome.wait_until("!document.querySelector('.reminder-banner')").await;

    // Not decided yet: permission is asked only from the button.
    chrome.devtools("Browser.resetPermissions", json!({})).await;
    chrome.goto(&format!("{base}/settings")).await;
    chrome.wait_until("!document.getElementById('notify-enable').hidden").await;
    assert_eq!(chrome.js("return window.__permissionRequests;").await, json!(0));
    chrome.click("#notify-enable").await;
    chrome.wait_until("window.__permissionRequests === 1").await;
    chrome.client.close().await.unwrap();
}

/// A speech recogniser that hears one sentence.
const FAKE_RECOGNISER: &str = r#"
window.SpeechRecognition = window.webkitSpeechRecognition = class {
  start() {
    setTimeout(() => {
      this.onresult && this.onresult({ results: [[{ transcript: 'Add a task to call the bank' }]] });
      this.onend && this.onend();
    }, 50);
  }
  stop() { this.onend && this.onend(); }
};
"#;

const NO_RECOGNISER: &str = "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;";

#[tokio::test]
async fn voice_fills_the_message_box_and_a_typing_indicator_shows_while_waiting() {
    let stack = Stack::start().await;
    let base = &stack.frontend.base;
    let chrome = Chrome::start().await;
    chrome.screen(Screen::Phone).await;
    sign_up(&chrome, base, "voice@example.com").await;

    let without = chrome.before_each_page(NO_RECOGNISER).await;
    chrome.goto(&format!("{base}/chat")).await;
    assert_eq!(chrome.js("return document.getElementById('voice').hidden;").await, json!(true), "no API, no button");
    chrome.no_longer_before_each_page(&without).await;

    chrome.before_each_page(FAKE_RECOGNISER).await;
    chrome.goto(&format!("{base}/chat")).await;
    chrome.click("#voice").await;
    chrome.wait_until("document.getElementById('message').value === 'Add a task to call the bank'").await;
    chrome.wait_until("document.getElementById('voice').getAttribute('aria-pressed') === 'false'").await;

    // The reply is held back until the test lets it through.
    chrome
        .js("const real = window.fetch; let release; window.__held = new Promise(r => release = r); window.__release = release;
             window.fetch = (...args) => real(...args).then(response => window.__held.then(() => response));")
        .await;
    chrome.click("#send").await;
    chrome.wait_for(".message.typing .dots").await;
    let waiting = chrome.find(".message.typing").await.text().await.unwrap();
    assert!(waiting.contains("typing"), "{waiting}");
    assert_eq!(chrome.js("return document.getElementById('send').disabled;").await, json!(true));
    chrome.assert_accessible("the assistant typing").await;
    chrome.js("window.__release();").await;
    chrome.wait_until("!document.querySelector('.message.typing')").await;
    let reply = chrome.find(".message.assistant .bubble").await.text().await.unwrap();
    assert!(reply.contains("Call the bank"), "{reply}");
    assert_eq!(chrome.find(".activity summary").await.text().await.unwrap(), "Added “Call the bank”");
    chrome.client.close().await.unwrap();
}

#[tokio::test]
async fn a_reply_streams_in_through_the_frontend_in_parts() {
    const PIECES: &[&str] = &["Streaming ", "arrives ", "in parts."];
    let provider = common::slow_provider(PIECES, std::time::Duration::from_millis(400)).await;
    let stack =
        Stack::start_with(&[("LLM_PROVIDER", "custom"), ("LLM_BASE_URL", &provider), ("LLM_MODEL", "slow")]).await;
    let base = &stack.frontend.base;
    let chrome = Chrome::start().await;
    chrome.screen(Screen::Phone).await;
    sign_up(&chrome, base, "stream@example.com").await;
    chrome.goto(&format!("{base}/chat")).await;

    chrome.fill("#message", "Tell me something").await;
    chrome.click("#send").await;
    let whole = PIECES.concat();
    // Part of the reply shows while the rest is still on its way.
    chrome
        .wait_until(&format!(
            "(() => {{ const b = document.querySelector('.message.assistant.streaming .bubble');
                 return !!b && b.textContent.length > 0 && b.textContent !== {whole:?}; }})()"
        ))
        .await;
    let partial = chrome.find(".message.assistant.streaming .bubble").await.text().await.unwrap();
    assert!(whole.starts_with(&partial) && partial.len() < whole.len(), "{partial:?}");
    chrome.assert_accessible("a reply streaming in").await;
    chrome
        .wait_until(&format!(
            "document.querySelector('.message.assistant:not(.streaming):not(.typing) .bubble')?.textContent === {whole:?}"
        ))
        .await;
    // What was streamed is what the conversation keeps.
    chrome.client.refresh().await.unwrap();
    assert_eq!(chrome.find(".message.assistant .bubble").await.text().await.unwrap(), whole);
    chrome.client.close().await.unwrap();
}
