//! The words of a message: cleaning, the polite padding people wrap
//! commands in, quoted titles, and the one place where a mistyped command
//! word is forgiven.

use std::borrow::Cow;

/// Words that open a message without adding meaning.
const POLITE_PREFIXES: &[&str] = &[
    "please",
    "actually",
    "hmm",
    "hm",
    "uh",
    "well",
    "btw",
    "by the way",
    "oh",
    "um",
    "wait",
    "sorry",
    "oops",
    "pls",
    "plz",
    "kindly",
    "hey",
    "hi",
    "hello",
    "ok",
    "okay",
    "so",
    "now",
    "also",
    "and",
    "then",
    "can you",
    "could you",
    "would you",
    "will you",
    "can u",
    "could u",
    "would you mind",
    "would you please",
    "could you please",
    "can you please",
    "i want you to",
    "i'd like you to",
    "i would like you to",
    "i need you to",
    "be so kind as to",
    "be kind enough to",
    "go ahead and",
    "assistant",
    "i want to",
    "i'd like to",
    "i would like to",
    "let's",
    "lets",
];
const POLITE_SUFFIXES: &[&str] = &[
    "please",
    "for me",
    "thanks",
    "thank you",
    "thx",
    "now",
    "asap",
    "if you can",
    "if you could",
    "thank you so much",
    "thanks so much",
    "thanks a lot",
    "thank you very much",
    "much appreciated",
    "cheers",
];

/// The command words a typo is forgiven in (only as a message's first word;
/// titles are never corrected). "make" and "set" are left out: "take" and
/// "get" are real words that would be read as them.
const COMMAND_WORDS: &[&str] = &[
    "add",
    "create",
    "delete",
    "remove",
    "complete",
    "finish",
    "mark",
    "show",
    "list",
    "display",
    "rename",
    "change",
    "update",
    "reopen",
    "search",
    "find",
    "remind",
    "move",
    "reschedule",
    "edit",
    "tag",
    "untag",
    "postpone",
];

/// Punctuation that ends a word or a message without being part of it
/// (Urdu's full stop, question mark and comma included).
const TRAILING_PUNCTUATION: &[char] = &['.', '!', '?', ',', ';', ':', '\u{06d4}', '\u{061f}', '\u{060c}'];

/// Trims, straightens quotes, writes Urdu digits and letter variants one way,
/// and drops trailing punctuation.
pub fn clean(text: &str) -> String {
    let straight: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200c}' | '\u{200d}' | '\u{200f}' | '\u{200e}' | '\u{064b}'..='\u{0652}'))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{00ab}' | '\u{00bb}' => '"',
            // Extended Arabic-Indic (Urdu) and Arabic-Indic digits.
            '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x06f0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            // Arabic keyboards type these for the Urdu letters.
            '\u{064a}' | '\u{0649}' => '\u{06cc}',
            '\u{0643}' => '\u{06a9}',
            '\u{0647}' => '\u{06c1}',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let collapsed = straight.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    collapsed.trim_end_matches(|c| TRAILING_PUNCTUATION.contains(&c) || c == ' ').to_string()
}

/// The message reduced to lower-case words, for whole-message answers
/// ("Yes!", "thank you.").
pub fn key(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\'' && c != '#'))
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// `text` without the polite words around the command.
pub fn strip_polite(text: &str) -> &str {
    let mut body = text.trim();
    loop {
        if let Some(rest) = strip_prefix(body, POLITE_PREFIXES) {
            body = rest.trim_start_matches([',', ' ', '!']);
            continue;
        }
        if let Some(rest) = strip_suffix(body, POLITE_SUFFIXES) {
            body = rest.trim_end_matches([',', ' ', '.', '!', '?']);
            continue;
        }
        return body;
    }
}

/// Whether `text` starts with `word` as a whole word, ignoring ASCII case.
pub fn starts_with_word(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text.is_char_boundary(word.len())
        && text[..word.len()].eq_ignore_ascii_case(word)
        && (word.ends_with(':') || text[word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric() && c != '\''))
}

/// `text` without the longest of `prefixes` it starts with (whole words).
pub fn strip_prefix<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .filter(|p| starts_with_word(text, p))
        .max_by_key(|p| p.len())
        .map(|p| text[p.len()..].trim_start_matches([' ', ',', ':']))
}

/// `text` without the longest of `suffixes` it ends with (whole words).
pub fn strip_suffix<'a>(text: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes
        .iter()
        .filter(|s| {
            let cut = text.len().wrapping_sub(s.len());
            text.len() > s.len()
                && text.is_char_boundary(cut)
                && text[cut..].eq_ignore_ascii_case(s)
                && text[..cut].ends_with([' ', ','])
        })
        .max_by_key(|s| s.len())
        .map(|s| text[..text.len() - s.len()].trim_end_matches([' ', ',']))
}

/// Whether `word` occurs in `lower` as a whole word (or phrase).
pub fn contains_word(lower: &str, word: &str) -> bool {
    find_word(lower, word).is_some()
}

/// Where `word` first occurs in `lower` as a whole word (or phrase).
pub fn find_word(lower: &str, word: &str) -> Option<usize> {
    lower.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// A quoted stretch of a message: its byte range including the quotes, and
/// the text inside.
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a> {
    pub start: usize,
    pub end: usize,
    pub inner: &'a str,
}

/// Every quoted stretch, in order. A single quote inside a word ("mom's")
/// is an apostrophe, not a quote.
pub fn quotes(text: &str) -> Vec<Quoted<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let opening = text[from..].char_indices().map(|(i, c)| (from + i, c)).find(|&(i, c)| {
            c == '"' || (c == '\'' && text[..i].chars().next_back().is_none_or(|p| !p.is_alphanumeric()))
        });
        let Some((start, quote)) = opening else { break };
        let inner_start = start + 1;
        let closing = text[inner_start..].char_indices().map(|(i, c)| (inner_start + i, c)).find(|&(i, c)| {
            c == quote && (quote == '"' || text[i + 1..].chars().next().is_none_or(|n| !n.is_alphanumeric()))
        });
        let Some((close, _)) = closing else { break };
        let inner = text[inner_start..close].trim();
        if !inner.is_empty() {
            found.push(Quoted { start, end: close + 1, inner });
        }
        from = close + 1;
    }
    found
}

/// "buy groceries." → "Buy groceries": the first letter capitalised, the
/// rest as typed.
pub fn tidy_title(raw: &str) -> String {
    let trimmed = raw.trim().trim_matches(|c: char| "\"' .,:;-!?".contains(c) || TRAILING_PUNCTUATION.contains(&c));
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` with a mistyped command word as its first word corrected
/// ("delte task 3", "shwo my tasks", "ad a task"). A word of four letters or
/// more may be one edit away; a shorter one may only miss a letter.
pub fn fix_command_typo(text: &str) -> Cow<'_, str> {
    let end = text.find(' ').unwrap_or(text.len());
    let first = text[..end].to_ascii_lowercase();
    if first.is_empty() || !first.chars().all(|c| c.is_ascii_alphabetic()) || COMMAND_WORDS.contains(&first.as_str()) {
        return Cow::Borrowed(text);
    }
    let close = |word: &&&str| {
        if first.len() >= 4 {
            strsim::damerau_levenshtein(&first, word) == 1
        } else {
            word.len() == first.len() + 1 && strsim::levenshtein(&first, word) == 1
        }
    };
    match COMMAND_WORDS.iter().find(close) {
        Some(word) => Cow::Owned(format!("{word}{}", &text[end..])),
        None => Cow::Borrowed(text),
    }
}

/// Words whose letters typed out of order are forgiven after a command
/// word ("show my taks", "mark task 3 as compelte").
const SWAPPED_WORDS: &[&str] = &["task", "tasks", "complete", "completed"];

/// `text` with [`SWAPPED_WORDS`] typed with letters out of order put
/// right where such a word stands: before a number ("taks 3"), after "as"
/// ("as compelte") or last ("show my taks"); never the first word. Not for
/// messages that carry a title (adding, renaming): titles are never
/// corrected ("play skat").
pub fn fix_swapped_letters(text: &str) -> Cow<'_, str> {
    let sorted = |word: &str| {
        let mut letters: Vec<char> = word.chars().collect();
        letters.sort_unstable();
        letters
    };
    let mut changed = false;
    let all: Vec<&str> = text.split(' ').collect();
    let placed = |at: usize| {
        let next = all.get(at + 1);
        at > 0
            && (next.is_none_or(|next| next.starts_with(|c: char| c.is_ascii_digit() || c == '#'))
                || all[at - 1].eq_ignore_ascii_case("as"))
    };
    let fixed: Vec<&str> = all
        .iter()
        .enumerate()
        .map(|(at, &word)| {
            let lower = word.to_ascii_lowercase();
            let right =
                SWAPPED_WORDS.iter().find(|right| placed(at) && lower != **right && sorted(&lower) == sorted(right));
            match right {
                Some(right) => {
                    changed = true;
                    *right
                }
                None => word,
            }
        })
        .collect();
    if changed {
        Cow::Owned(fixed.join(" "))
    } else {
        Cow::Borrowed(text)
    }
}

/// One word of a message, as typed and as compared.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    /// Lower case, without trailing punctuation.
    pub key: String,
}

/// `text` split into words.
pub fn words(text: &str) -> Vec<Word> {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| Word { text: w.to_string(), key: w.to_lowercase().trim_end_matches(TRAILING_PUNCTUATION).to_string() })
        .collect()
}

/// The words back into text.
pub fn join(words: &[Word]) -> String {
    words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// Whether the words at `at` are `phrase` (space-separated keys).
pub fn phrase_at(words: &[Word], at: usize, phrase: &str) -> bool {
    let parts: Vec<&str> = phrase.split(' ').collect();
    words.len() >= at + parts.len() && parts.iter().zip(&words[at..]).all(|(part, word)| word.key == *part)
}

/// Removes the word before `at` if it is one of `connectors` ("on Friday",
/// "with high priority"); returns where the match now starts.
pub fn drop_connector(words: &mut Vec<Word>, at: usize, connectors: &[&str]) -> usize {
    if at > 0 && connectors.contains(&words[at - 1].key.as_str()) {
        words.remove(at - 1);
        at - 1
    } else {
        at
    }
}
