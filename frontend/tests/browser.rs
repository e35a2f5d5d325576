//! The UI in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`). Saves the screenshots the
//! README shows.

mod common;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::Stack;
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;

/// How long the page may take to show what a step waits for.
const WAIT: Duration = Duration::from_secs(15);

struct ChromeDriver(Child);

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser(profile: &std::path::Path) -> (ChromeDriver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (scripts/install-test-deps.sh installs Debian's chromium-driver)");
    let driver = ChromeDriver(driver);
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1100,820", format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    // fantoccini asks rustls for the process-wide provider; the WebDriver is plain HTTP anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let webdriver = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(client) =
            ClientBuilder::rustls().unwrap().capabilities(capabilities.clone()).connect(&webdriver).await
        {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a Chromium session through chromedriver");
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Waits, for a bounded time, until the page shows `what`.
async fn wait_for(client: &Client, what: Locator<'_>) -> Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(what)
        .await
        .unwrap_or_else(|error| panic!("{what:?} never appeared: {error}"))
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

#[tokio::test]
async fn a_user_signs_up_adds_tasks_by_form_and_by_chat_and_completes_one() {
    let stack = Stack::start().await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = browser(profile.path()).await;
    let base = &stack.frontend.base;

    client.goto(&format!("{base}/sign-up")).await.unwrap();
    fill(&client, "#email", "browser@example.com").await;
    fill(&client, "#password", "tidy-otter-planets-42").await;
    click(&client, "form.stack button[type=submit]").await;
    wait_for(&client, Locator::Css(".notice")).await;
    assert!(client.current_url().await.unwrap().path().ends_with("/tasks"));

    fill(&client, "#title", "Water the plants").await;
    fill(&client, "#description", "The ferns need it most").await;
    click(&client, "form.add-form button[type=submit]").await;
    wait_for(&client, Locator::XPath("//span[@class='title' and text()='Water the plants']")).await;

    // The assistant, through the page's script (no reload).
    client.goto(&format!("{base}/chat")).await.unwrap();
    fill(&client, "#message", "Add a task to buy milk").await;
    click(&client, "#chat-form button[type=submit]").await;
    let reply = wait_for(
        &client,
        Locator::XPath(
            "//li[contains(@class,'assistant') and not(contains(@class,'pending'))]/div[contains(., 'Buy milk')]",
        ),
    )
    .await;
    assert!(reply.text().await.unwrap().contains("I added \"Buy milk\""));
    assert!(
        client.current_url().await.unwrap().query().unwrap_or_default().starts_with("c="),
        "the URL names the conversation"
    );
    let listed = client.find(Locator::Css("#conversation-list a[aria-current]")).await.unwrap();
    assert_eq!(listed.text().await.unwrap(), "Add a task to buy milk", "the new conversation is listed");
    fill(&client, "#message", "What's pending?").await;
    click(&client, "#chat-form button[type=submit]").await;
    wait_for(
        &client,
        Locator::XPath("//li[contains(@class,'assistant')]/div[contains(., 'You have 2 pending tasks')]"),
    )
    .await;
    screenshot(&client, "chat.png").await;

    // Back on the list, the chat's task is there; complete it.
    client.goto(&format!("{base}/tasks")).await.unwrap();
    let milk = "//li[.//span[@class='title' and text()='Buy milk']]";
    client
        .find(Locator::XPath(&format!("{milk}//button[contains(@class,'check')]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done =
        client.wait().at_most(WAIT).for_element(Locator::XPath(&format!("{milk}[contains(@class,'done')]"))).await;
    assert!(done.is_ok(), "Buy milk is shown as completed");
    let pending = client.find(Locator::XPath("//li[.//span[text()='Water the plants']]")).await.unwrap();
    assert!(!pending.attr("class").await.unwrap().unwrap_or_default().contains("done"));
    screenshot(&client, "tasks.png").await;

    // The browser's time zone was saved at sign-up; a token is created and
    // shown once on the settings page.
    client.goto(&format!("{base}/settings")).await.unwrap();
    let zone = client.find(Locator::Css("#timezone")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(zone.contains('/') || zone == "UTC", "an IANA zone from the browser: {zone:?}");
    fill(&client, "#token-name", "kagent").await;
    click(&client, "form[action='/settings/tokens'] button[type=submit]").await;
    let secret = wait_for(&client, Locator::Css(".secret input")).await;
    assert!(secret.prop("value").await.unwrap().unwrap_or_default().starts_with("todo_pat_"));
    screenshot(&client, "settings.png").await;

    client.close().await.unwrap();
}
