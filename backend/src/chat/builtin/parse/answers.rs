//! Whole-message answers in English: "yes", "never mind", "the second one",
//! "hi", "thanks", "help". Each counts only when it is the whole message
//! ("no" inside "no due date" is not an answer).

use super::targets::choice;
use crate::chat::builtin::intent::Intent;

const YES: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yea",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "k",
    "go ahead",
    "confirm",
    "confirmed",
    "do it",
    "please do",
    "yes please",
    "yes do it",
    "correct",
    "right",
    "absolutely",
    "of course",
    "sounds good",
    "alright",
    "all right",
    "fine",
    "that's right",
    "affirmative",
    "go for it",
    "yes go ahead",
    "sure thing",
    "ok do it",
    "definitely",
    "proceed",
    "delete them",
    "delete them all",
    "delete all of them",
    "delete those",
    "delete both",
    "remove them",
    "go ahead and delete them",
];
const NO: &[&str] = &[
    "no",
    "n",
    "nope",
    "nah",
    "cancel",
    "never mind",
    "nevermind",
    "stop",
    "don't",
    "dont",
    "no thanks",
    "no thank you",
    "abort",
    "forget it",
    "not now",
    "no don't",
    "cancel that",
    "don't do it",
    "leave it",
];
const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hey there",
    "hi there",
    "hello there",
    "good morning",
    "good evening",
    "good afternoon",
    "yo",
    "hiya",
    "greetings",
    "howdy",
];
const THANKS: &[&str] = &[
    "thanks",
    "thank you",
    "thx",
    "ty",
    "cheers",
    "great",
    "awesome",
    "perfect",
    "nice",
    "thanks a lot",
    "thank you so much",
    "many thanks",
    "great thanks",
    "ok thanks",
    "okay thanks",
    "cool",
    "cool thanks",
];
const HELP: &[&str] = &[
    "help",
    "what can you do",
    "how does this work",
    "commands",
    "menu",
    "what do you do",
    "how do i use this",
    "help me",
    "what can i say",
    "",
];

/// Words that may follow a "yes" without changing it ("yes, delete them").
const YES_TAIL: &[&str] = &[
    "please", "delete", "remove", "them", "it", "all", "those", "both", "go", "ahead", "do", "sure", "thanks", "ok",
    "okay", "confirm", "fine", "yes", "that's", "right", "of", "course", "the", "tasks",
];
/// Words that may follow a "no" without changing it ("no, keep them").
const NO_TAIL: &[&str] = &[
    "keep", "them", "it", "all", "don't", "dont", "do", "not", "thanks", "thank", "you", "cancel", "please", "stop",
    "never", "mind", "leave", "wait", "delete", "anything", "that",
];

/// "yes, delete them": a word of `first` followed only by words of `tail`.
fn opens_with(key: &str, first: &[&str], tail: &[&str]) -> bool {
    let mut words = key.split([' ', ',']).filter(|word| !word.is_empty());
    words.next().is_some_and(|word| first.contains(&word)) && words.all(|word| tail.contains(&word))
}

/// The answer `key` (the message as [`super::words::key`] reads it) is, if
/// the whole message is one.
pub fn whole_message(key: &str) -> Option<Intent> {
    let is = |list: &[&str]| list.contains(&key);
    if is(HELP) {
        Some(Intent::Help)
    } else if is(YES) || opens_with(key, YES, YES_TAIL) {
        Some(Intent::Yes)
    } else if is(NO) || opens_with(key, NO, NO_TAIL) {
        Some(Intent::No)
    } else if is(GREETINGS) {
        Some(Intent::Greeting)
    } else if is(THANKS) {
        Some(Intent::Thanks)
    } else {
        choice(key).map(Intent::Choice)
    }
}
