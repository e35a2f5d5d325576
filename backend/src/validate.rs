//! Input rules shared by the REST API and the chat tools: each limit and
//! format is declared here once, and every refusal names its field.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use chrono_tz::Tz;
use unicode_normalization::UnicodeNormalization;

use crate::{error::ApiError, task::Tags};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 1000;
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 32;
pub const SEARCH_MAX: usize = 200;
/// Due dates and reminders fall within these years.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

fn no_nul(field: &'static str, value: &str) -> Result<(), ApiError> {
    // PostgreSQL cannot store NUL in text; refuse it up front as bad input.
    if value.contains('\0') {
        return Err(ApiError::field(field, format!("{field} must not contain NUL characters")));
    }
    Ok(())
}

/// 1–200 characters after trimming.
pub fn title(raw: &str) -> Result<String, ApiError> {
    let title = raw.trim();
    no_nul("title", title)?;
    match title.chars().count() {
        0 => Err(ApiError::field("title", "title is required")),
        n if n > TITLE_MAX => {
            Err(ApiError::field("title", format!("title must be at most {TITLE_MAX} characters (got {n})")))
        }
        _ => Ok(title.to_string()),
    }
}

/// At most 1000 characters after trimming; empty means none.
pub fn description(raw: &str) -> Result<Option<String>, ApiError> {
    let description = raw.trim();
    no_nul("description", description)?;
    let n = description.chars().count();
    if n > DESCRIPTION_MAX {
        let message = format!("description must be at most {DESCRIPTION_MAX} characters (got {n})");
        return Err(ApiError::field("description", message));
    }
    Ok(Some(description.to_string()).filter(|d| !d.is_empty()))
}

/// One tag: trimmed and lower-cased (a leading `#` dropped), 1–32 letters of
/// any script, digits, `-` or `_`.
pub fn tag(raw: &str) -> Result<String, ApiError> {
    let tag = raw.trim().trim_start_matches('#').to_lowercase();
    let n = tag.chars().count();
    if n == 0 || n > TAG_MAX || !tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        let message = format!("tags are 1 to {TAG_MAX} letters, digits, - or _ (got {raw:?})");
        return Err(ApiError::field("tags", message));
    }
    Ok(tag)
}

/// At most 10 distinct tags; repeats are dropped.
pub fn tags(raw: &[String]) -> Result<Tags, ApiError> {
    let mut tags = Tags::default();
    for one in raw {
        tags = tags.with(&Tags(vec![tag(one)?]));
    }
    if tags.0.len() > TAGS_MAX {
        return Err(ApiError::field("tags", format!("a task has at most {TAGS_MAX} tags (got {})", tags.0.len())));
    }
    Ok(tags)
}

/// An IANA time zone name from the tz database, e.g. `Asia/Karachi`.
pub fn timezone(raw: &str) -> Result<Tz, ApiError> {
    raw.trim().parse::<Tz>().map_err(|_| {
        ApiError::field("timezone", format!("{raw:?} is not a time zone name like Europe/Berlin or Asia/Karachi"))
    })
}

/// A due date or reminder: an instant with an offset, in a sensible year.
pub fn instant(field: &'static str, at: DateTime<FixedOffset>) -> Result<DateTime<Utc>, ApiError> {
    if !YEARS.contains(&at.year()) {
        let (first, last) = (YEARS.start(), YEARS.end());
        return Err(ApiError::field(field, format!("{field} must be between the years {first} and {last}")));
    }
    Ok(at.with_timezone(&Utc))
}

/// A search: lower-cased, at most 200 characters.
pub fn search(raw: &str) -> Result<String, ApiError> {
    no_nul("q", raw)?;
    let search = raw.trim().to_lowercase();
    if search.chars().count() > SEARCH_MAX {
        return Err(ApiError::field("q", format!("a search is at most {SEARCH_MAX} characters")));
    }
    Ok(search)
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

/// The most common passwords, one per line, sorted by bytes (see
/// backend/data/README.md).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// Binary search over the lines of [`COMMON_PASSWORDS`], in place.
fn is_common(password: &str) -> bool {
    let text = COMMON_PASSWORDS.as_bytes();
    let (mut low, mut high) = (0, text.len());
    while low < high {
        // The line around the middle: from after the previous newline.
        let middle = (low + high) / 2;
        let start = text[..middle].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1).max(low);
        let end = start + text[start..].iter().position(|&b| b == b'\n').unwrap_or(text.len() - start);
        match text[start..end].cmp(password.as_bytes()) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    false
}

/// A password people could not guess from a list: 8–128 characters (8 not
/// counting spaces at the ends), and not one of the most common passwords.
pub fn password(raw: &str) -> Result<(), ApiError> {
    let invalid = |message: String| Err(ApiError::field("password", message));
    if raw.contains('\0') {
        return invalid("password must not contain NUL characters".into());
    }
    if raw.chars().count() > PASSWORD_MAX {
        return invalid(format!("password must be at most {PASSWORD_MAX} characters"));
    }
    if raw.trim().is_empty() {
        return invalid("password must not be only spaces".into());
    }
    // Spaces around a short password do not make it longer to guess.
    if raw.trim().chars().count() < PASSWORD_MIN {
        return invalid(format!(
            "password must be at least {PASSWORD_MIN} characters, not counting spaces at the ends"
        ));
    }
    if is_common(raw) || is_common(&raw.to_lowercase()) || is_common(raw.trim()) {
        return invalid("this password is one of the most common ones and easy to guess; choose another".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_found_anywhere_in_the_list() {
        let listed: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        for (i, password) in listed.iter().enumerate().step_by(997) {
            assert!(is_common(password), "line {i}: {password:?}");
        }
        assert!(listed.len() > 45_000);
        for password in [listed[0], listed[listed.len() - 1], "password123", "12345678", "qwertyuiop"] {
            assert!(is_common(password), "{password:?}");
        }
        for uncommon in
            ["tidy-otter-planets-42", "", "zzzzzzzzzzzzzzzzzzzzzzzzz", "correct horse battery", "\u{10FFFF}"]
        {
            assert!(!is_common(uncommon), "{uncommon:?}");
        }
    }
}
