//! Short confirmations after a form ("Task added."), carried to the next
//! page in a one-shot cookie rather than the URL, so that reloading the
//! page, or coming back to it later, does not show them again.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// A notice for the next page: a fixed code (only known codes are ever
/// shown, as fixed texts) and the task it is about, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub code: &'static str,
    pub task: Option<i64>,
}

impl Notice {
    pub fn new(code: &'static str) -> Self {
        Notice { code, task: None }
    }

    pub fn about(code: &'static str, task: i64) -> Self {
        Notice { code, task: Some(task) }
    }

    pub fn text(&self) -> &'static str {
        text(self.code).unwrap_or_default()
    }

    fn encode(&self) -> String {
        match self.task {
            Some(task) => format!("{}.{task}", self.code),
            None => self.code.to_string(),
        }
    }

    fn decode(value: &str) -> Option<Self> {
        let (code, task) = match value.split_once('.') {
            Some((code, task)) => (code, Some(task.parse().ok()?)),
            None => (value, None),
        };
        CODES.iter().find(|(known, _)| *known == code).map(|(code, _)| Notice { code, task })
    }
}

const CODES: [(&str, &str); 13] = [
    ("added", "Task added."),
    ("updated", "Task updated."),
    ("deleted", "Task deleted."),
    ("completed", "Task completed. Nice work!"),
    ("reopened", "Task reopened."),
    ("welcome", "Welcome! Your account is ready."),
    ("signed-out", "You have been signed out."),
    ("expired", "Your session has expired. Please sign in again."),
    ("timezone-saved", "Time zone saved."),
    ("password-changed", "Password changed. Your other sessions were signed out."),
    ("token-created", "Token created."),
    ("token-revoked", "Token revoked: it no longer works."),
    ("account-deleted", "Your account and all its data were deleted."),
];

pub fn text(code: &str) -> Option<&'static str> {
    CODES.iter().find(|(known, _)| *known == code).map(|(_, text)| *text)
}

fn name(secure: bool) -> &'static str {
    if secure {
        "__Host-todo_notice"
    } else {
        "todo_notice"
    }
}

fn cookie(secure: bool, value: String) -> Cookie<'static> {
    Cookie::build((name(secure), value)).http_only(true).same_site(SameSite::Lax).secure(secure).path("/").build()
}

/// Keeps `notice` for the next page (for a minute at most).
pub fn set(jar: CookieJar, secure: bool, notice: Notice) -> CookieJar {
    let mut cookie = cookie(secure, notice.encode());
    cookie.set_max_age(cookie::time::Duration::minutes(1));
    jar.add(cookie)
}

/// The notice for this page, if any, and a jar that forgets it.
pub fn take(jar: CookieJar, secure: bool) -> (CookieJar, Option<Notice>) {
    let Some(value) = jar.get(name(secure)).map(|cookie| cookie.value().to_string()) else { return (jar, None) };
    let mut removal = cookie(secure, String::new());
    removal.make_removal();
    (jar.add(removal), Notice::decode(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_shown_once() {
        let jar = set(CookieJar::new(), false, Notice::about("updated", 7));
        let (jar, notice) = take(jar, false);
        assert_eq!(notice, Some(Notice::about("updated", 7)));
        assert_eq!(notice.unwrap().text(), "Task updated.");
        assert_eq!(jar.get("todo_notice").map(|c| c.value().to_string()), Some(String::new()), "removed");
    }

    #[test]
    fn only_known_codes_are_shown() {
        assert_eq!(Notice::decode("<script>"), None);
        assert_eq!(Notice::decode("added.x"), None);
        assert_eq!(Notice::decode("welcome"), Some(Notice::new("welcome")));
    }
}
