//! Input rules shared by the REST API and the chat tools.

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

/// Lower-cased, trimmed email with a plausible shape.
pub fn email(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    no_nul("email", &email)?;
    let plausible = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if !plausible {
        return Err(ApiError::Validation("email must be a valid address like name@example.com".into()));
    }
    Ok(email)
}

pub fn password(raw: &str) -> Result<(), ApiError> {
    no_nul("password", raw)?;
    match raw.chars().count() {
        n if n < 8 => Err(ApiError::Validation("password must be at least 8 characters".into())),
        n if n > 128 => Err(ApiError::Validation("password must be at most 128 characters".into())),
        _ => Ok(()),
    }
}
