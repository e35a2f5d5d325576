//! Input rules shared by the REST API and the chat tools.

use unicode_normalization::UnicodeNormalization;

use crate::{
    db::{NewTask, TaskChanges},
    error::ApiError,
};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 1000;

fn no_nul(field: &str, value: &str) -> Result<(), ApiError> {
    // PostgreSQL cannot store NUL in text; refuse it up front as bad input.
    if value.contains('\0') {
        return Err(ApiError::Validation(format!("{field} must not contain NUL characters")));
    }
    Ok(())
}

pub fn title(raw: &str) -> Result<String, ApiError> {
    let title = raw.trim();
    no_nul("title", title)?;
    match title.chars().count() {
        0 => Err(ApiError::Validation("title is required".into())),
        n if n > TITLE_MAX => {
            Err(ApiError::Validation(format!("title must be at most {TITLE_MAX} characters (got {n})")))
        }
        _ => Ok(title.to_string()),
    }
}

pub fn description(raw: &str) -> Result<String, ApiError> {
    let description = raw.trim();
    no_nul("description", description)?;
    let n = description.chars().count();
    if n > DESCRIPTION_MAX {
        return Err(ApiError::Validation(format!(
            "description must be at most {DESCRIPTION_MAX} characters (got {n})"
        )));
    }
    Ok(description.to_string())
}

pub fn new_task(title_raw: &str, description_raw: Option<&str>) -> Result<NewTask, ApiError> {
    Ok(NewTask {
        title: title(title_raw)?,
        description: description_raw.map(description).transpose()?.filter(|d| !d.is_empty()),
    })
}

pub fn task_changes(
    title_raw: Option<&str>,
    description_raw: Option<&str>,
    completed: Option<bool>,
) -> Result<TaskChanges, ApiError> {
    Ok(TaskChanges {
        title: title_raw.map(title).transpose()?,
        description: description_raw.map(description).transpose()?,
        completed,
    })
}

/// The email address as stored and compared: trimmed, NFKC-normalised and
/// lower-cased, so that a fullwidth or differently composed twin of an
/// address is the same address. Invisible and control characters are
/// refused: a zero-width twin would look the same to people.
pub fn email(raw: &str) -> Result<String, ApiError> {
    let email: String = raw.trim().nfkc().collect::<String>().to_lowercase().nfkc().collect();
    let invalid = |message: &str| Err(ApiError::field("email", message));
    if email.chars().any(is_invisible) {
        return invalid("email must not contain invisible, control or space characters");
    }
    let plausible = email.len() <= EMAIL_MAX
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if !plausible {
        return invalid("email must be a valid address like name@example.com");
    }
    Ok(email)
}

pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// Characters that show as nothing, or as a blank: controls, format
/// characters (zero-width spaces and joiners, direction marks), spaces,
/// private-use and unassigned code points.
fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    c.is_whitespace()
        || matches!(
            c.general_category(),
            G::Control | G::Format | G::SpaceSeparator | G::LineSeparator | G::ParagraphSeparator
                | G::PrivateUse | G::Surrogate | G::Unassigned
        )
        // Fillers that are letters by category but print as blanks.
        || matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// A password people could not guess from a list: 8–128 characters, not
/// only spaces, and not one of the ~100,000 most common passwords.
pub fn password(raw: &str) -> Result<(), ApiError> {
    let invalid = |message: String| Err(ApiError::field("password", message));
    if raw.contains('\0') {
        return invalid("password must not contain NUL characters".into());
    }
    match raw.chars().count() {
        n if n < PASSWORD_MIN => return invalid(format!("password must be at least {PASSWORD_MIN} characters")),
        n if n > PASSWORD_MAX => return invalid(format!("password must be at most {PASSWORD_MAX} characters")),
        _ => {}
    }
    if raw.trim().is_empty() {
        return invalid("password must not be only spaces".into());
    }
    let common = |candidate: &str| passwords::analyzer::is_common_password(candidate);
    if common(raw) || common(&raw.to_lowercase()) || common(raw.trim()) {
        return invalid("this password is one of the most common ones and easy to guess; choose another".into());
    }
    Ok(())
}
