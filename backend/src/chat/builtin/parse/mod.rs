//! The parser: one message → a [`Parsed`] intent. Pure: no database, no
//! clock but the one it is given.
//!
//! - [`words`]: cleaning, polite padding, quotes, the forgiven command typo;
//! - [`answers`]: whole-message answers (yes, no, "the second one", hi);
//! - [`english`]: the order the English readings are tried in, which uses
//!   [`add`], [`list`], [`status`] (complete, reopen, delete, tags) and [`update`];
//! - [`dates`] and [`fields`]: the planning words (when, priority, tags,
//!   repetition), taken out of a title;
//! - [`clear`]: emptying a field ("clear the due date of task 2");
//! - [`targets`]: which task a message means;
//! - [`urdu`]: Urdu-script messages, with [`urdu_planning`] for their dates,
//!   times, priorities and tags.

mod add;
mod answers;
mod clear;
mod dates;
mod english;
mod fields;
mod list;
mod status;
mod targets;
mod update;
mod urdu;
mod urdu_planning;
mod words;

#[cfg(test)]
mod tests;

use super::intent::{Clock, Language, Parsed};

/// Reads `text` as the user meant it, at `clock`.
pub fn parse(text: &str, clock: &Clock) -> Parsed {
    let cleaned = words::clean(text);
    let language = language_of(&cleaned);
    // Cleaning drops a final question mark; a question about a task
    // ("task 3 is done?", "کام 3 مکمل ہو گیا؟") changes nothing.
    let asked = text.contains(['?', '\u{061f}']);
    let intent = match language {
        Language::Urdu => urdu::read(&cleaned, asked, clock),
        Language::English => english::read(&cleaned, asked, clock),
    };
    Parsed { intent, language }
}

/// Urdu when most of the letters are Arabic-script letters.
fn language_of(text: &str) -> Language {
    let (arabic, latin) = text.chars().filter(|c| c.is_alphabetic()).fold((0, 0), |(arabic, latin), c| {
        if matches!(c, '\u{0600}'..='\u{06ff}' | '\u{0750}'..='\u{077f}' | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
        {
            (arabic + 1, latin)
        } else {
            (arabic, latin + 1)
        }
    });
    if arabic > latin {
        Language::Urdu
    } else {
        Language::English
    }
}
