//! Headless Chromium for the browser tests: started through chromedriver
//! (Debian's `chromium` and `chromium-driver`), steered over WebDriver and
//! the Chrome DevTools protocol (screen size, dark mode, time zone,
//! permissions), with axe-core injected to check accessibility.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use base64::Engine;
use fantoccini::{elements::Element, wd::WebDriverCompatibleCommand, Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long the page may take to show what a step waits for.
pub const WAIT: Duration = Duration::from_secs(15);

/// The screen sizes every page is checked at.
#[derive(Clone, Copy, Debug)]
pub enum Screen {
    /// The narrowest phone the pages are made for.
    NarrowPhone,
    Phone,
    Desktop,
}

impl Screen {
    pub fn name(self) -> &'static str {
        match self {
            Screen::NarrowPhone => "narrow-phone",
            Screen::Phone => "phone",
            Screen::Desktop => "desktop",
        }
    }

    fn metrics(self) -> Value {
        match self {
            Screen::NarrowPhone => json!({ "width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": true }),
            Screen::Phone => json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }),
            Screen::Desktop => json!({ "width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false }),
        }
    }
}

struct ChromeDriver(Child);

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver's door to the DevTools protocol: `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    method: String,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.method, "params": self.params }).to_string()))
    }
}

pub struct Chrome {
    pub client: Client,
    _driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

impl Chrome {
    pub async fn start() -> Self {
        let profile = tempfile::tempdir().unwrap();
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
                    "--hide-scrollbars", "--font-render-hinting=none", "--lang=en-GB",
                    format!("--user-data-dir={}", profile.path().display()),
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
                return Chrome { client, _driver: driver, _profile: profile };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session through chromedriver");
    }

    /// A DevTools protocol command on the current page.
    pub async fn devtools(&self, method: &str, params: Value) -> Value {
        self.client
            .issue_cmd(DevTools { method: method.into(), params })
            .await
            .unwrap_or_else(|error| panic!("DevTools {method}: {error}"))
    }

    pub async fn screen(&self, screen: Screen) {
        self.devtools("Emulation.setDeviceMetricsOverride", screen.metrics()).await;
    }

    /// Emulates the system's colour preference.
    pub async fn dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        let features = json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] });
        self.devtools("Emulation.setEmulatedMedia", features).await;
    }

    /// Runs `source` in every page loaded from now on, before the page's own scripts.
    pub async fn before_each_page(&self, source: &str) -> String {
        let added = self.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).await;
        added["identifier"].as_str().unwrap_or_default().to_string()
    }

    pub async fn no_longer_before_each_page(&self, identifier: &str) {
        self.devtools("Page.removeScriptToEvaluateOnNewDocument", json!({ "identifier": identifier })).await;
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|error| panic!("{url}: {error}"));
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|error| panic!("{script}: {error}"))
    }

    /// Runs `script` with `done` (a callback) in scope and returns what it passes to `done`.
    pub async fn js_async(&self, script: &str) -> Value {
        let wrapped = format!("const done = arguments[arguments.length - 1];\n{script}");
        self.client.execute_async(&wrapped, vec![]).await.unwrap_or_else(|error| panic!("{script}: {error}"))
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|error| panic!("{css}: {error}"))
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|error| panic!("click {css}: {error}"));
    }

    /// Waits, for a bounded time, until the page shows `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css} never appeared: {error}"))
    }

    /// Waits, for a bounded time, until `condition` (a JavaScript expression) holds.
    pub async fn wait_until(&self, condition: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while tokio::time::Instant::now() < deadline {
            if self.js(&format!("return !!({condition});")).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never true: {condition}");
    }

    /// The id of the focused element (or its closest element with an id).
    pub async fn focused(&self) -> String {
        let id = self
            .js("const el = document.activeElement; const at = el && el.closest('[id]'); return at ? at.id : '';")
            .await;
        id.as_str().unwrap_or_default().to_string()
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the page and fails the
    /// test with every violation found.
    pub async fn assert_accessible(&self, state: &str) {
        if self.js("return typeof window.axe;").await != json!("object") {
            self.js(&axe_source()).await;
        }
        let violations = self
            .js_async(
                "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, \
                 resultTypes: ['violations'] })\n\
                 .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n    ` + \
                 v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary.replace(/\\n/g, ' ')).join('\\n    '))))\n\
                 .catch(e => done(['axe failed: ' + e]));",
            )
            .await;
        let violations: Vec<String> = serde_json::from_value(violations).unwrap();
        assert!(violations.is_empty(), "axe-core, {state}:\n  {}", violations.join("\n  "));
    }

    /// Nothing on the page is wider than the screen.
    pub async fn assert_no_sideways_scrolling(&self, state: &str) {
        let widths =
            self.js("return [document.documentElement.scrollWidth, document.documentElement.clientWidth];").await;
        let (content, screen) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(content <= screen, "{state}: the page is {content} px wide on a {screen} px screen");
    }

    /// Saves a PNG of the page (all of it, or what the screen shows) to
    /// docs/screenshots, where the README shows them.
    pub async fn screenshot(&self, name: &str, whole_page: bool) {
        let mut params = json!({ "format": "png" });
        if whole_page {
            let size =
                self.js("return [document.documentElement.clientWidth, document.documentElement.scrollHeight];").await;
            params["captureBeyondViewport"] = json!(true);
            params["clip"] = json!({ "x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1 });
        }
        let shot = self.devtools("Page.captureScreenshot", params).await;
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

/// axe-core, pinned by frontend/tests/web-checks and installed by
/// scripts/install-test-deps.sh (or wherever `AXE_CORE_JS` says).
fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS").map(PathBuf::from).unwrap_or_else(|| {
        let cache = std::env::var_os("TODO_WEB_CHECKS").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/todo-chatbot/npm/web-checks")
        });
        cache.join("node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("axe-core at {} ({error}): run scripts/install-test-deps.sh", path.display()))
}
