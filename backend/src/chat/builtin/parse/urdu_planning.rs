//! The planning words of an Urdu message: the day ("آج", "کل", "پرسوں",
//! "جمعہ کو"), the time ("صبح 9 بجے", "شام ساڑھے 5 بجے"), the priority
//! ("اعلیٰ ترجیح", "فوری کام") and tags ("#گھر"), taken out of the text
//! so they do not end up in a title.
//!
//! The rules, beside the English ones in [`super::dates`]:
//! - in a request to add or to list, "کل" is tomorrow (the word is also
//!   yesterday, which no one plans for);
//! - a weekday is a date only with "کو" or "تک" after it ("جمعہ کو"), so
//!   "جمعہ کی نماز" (the Friday prayer) stays a title; a day followed by
//!   "کا", "کی" or "کے" ("آج کا اخبار") stays in the title too;
//! - a number is an hour only with "بجے" after it or a part of the day
//!   before it ("صبح 9"): "2 کلو دودھ" keeps its number; a bare hour from 1
//!   to 7 is afternoon, as in English.

use chrono::{DateTime, Days, FixedOffset, NaiveTime, Weekday};

use super::{
    dates::{resolve, weekday_name, Day, TimeOfDay, When},
    fields::tag_of,
};
use crate::{chat::builtin::intent::Clock, task::Priority};

/// Days counted from today.
const RELATIVE_DAYS: &[(&str, u64)] = &[("آج", 0), ("کل", 1), ("پرسوں", 2)];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("پیر", Weekday::Mon),
    ("سوموار", Weekday::Mon),
    ("منگل", Weekday::Tue),
    ("بدھ", Weekday::Wed),
    ("جمعرات", Weekday::Thu),
    ("جمعہ", Weekday::Fri),
    ("جمعے", Weekday::Fri),
    ("ہفتہ", Weekday::Sat),
    ("ہفتے", Weekday::Sat),
    ("سنیچر", Weekday::Sat),
    ("اتوار", Weekday::Sun),
];

/// After a day: what makes it a date ("on", "by", "for", "before").
const DAY_MARKERS: &[&[&str]] = &[&["کو"], &["تک"], &["کے", "لیے"], &["کے", "لئے"], &["سے", "پہلے"]];
/// After a day: what makes it part of a title ("today's").
const POSSESSIVES: &[&str] = &["کا", "کی", "کے"];

/// Parts of the day, the hour each stands for alone, and whether an hour
/// after it is past noon ("شام 5" is 17:00).
const PARTS_OF_DAY: &[(&str, u32, bool)] =
    &[("صبح", 9, false), ("دوپہر", 13, true), ("شام", 18, true), ("رات", 20, true)];

/// Before an hour: its minutes ("ساڑھے 5" is 5:30, "پونے 5" is 4:45).
const FRACTIONS: &[(&str, i64)] = &[("ساڑھے", 30), ("سوا", 15), ("پونے", -15)];
const OCLOCK: &str = "بجے";

/// "Priority": after a level ("اعلیٰ ترجیح", high priority).
pub const PRIORITY: &str = "ترجیح";
/// Priority levels by name; the two-word ones first.
pub const LEVELS: &[(&str, Priority)] = &[
    ("غیر اہم", Priority::Low),
    ("کم اہم", Priority::Low),
    ("زیادہ", Priority::High),
    ("اعلیٰ", Priority::High),
    ("اعلی", Priority::High),
    ("اونچی", Priority::High),
    ("اہم", Priority::High),
    ("فوری", Priority::High),
    ("ضروری", Priority::High),
    ("درمیانی", Priority::Medium),
    ("عام", Priority::Medium),
    ("کم", Priority::Low),
];
/// Words that mean high priority before "کام" ("ایک فوری کام"), or outside
/// the title when the title follows a colon.
const URGENT_WORDS: &[&str] = &["فوری", "اہم", "ضروری"];

/// What an Urdu message plans besides its title.
#[derive(Debug, Default, PartialEq)]
pub struct Planning {
    pub due_at: Option<DateTime<FixedOffset>>,
    pub priority: Option<Priority>,
    pub tags: Vec<String>,
}

/// What part of a message a text is, which decides how freely its words
/// are read as planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A task's title: a day before "کا", "کی", "کے" stays in it ("آج کا
    /// اخبار"), and "urgent" counts only before "کام" ("فوری کام").
    Title,
    /// Words around a title (before its colon or quotes): "کل کا کام"
    /// plans for tomorrow, a bare "urgent" counts.
    Around,
    /// A question about the list: a day counts only with a word after it
    /// that makes it one ("کل کے کام", "جمعہ کو"), since "کل" alone is
    /// also "in all" ("کل کتنے کام ہیں").
    Question,
}

/// Takes the planning words out of `text`, as `part` of a message; returns
/// what is left (the title's words) and adds what they plan to `planning`.
pub fn take_planning(text: &str, part: Part, clock: &Clock, planning: &mut Planning) -> String {
    let mut words: Vec<&str> = text.split(' ').filter(|word| !word.is_empty()).collect();
    let mut when = When::default();
    take_priority(&mut words, part != Part::Title, planning);
    words.retain(|word| match Some(word).filter(|word| word.starts_with('#')).and_then(|word| tag_of(word)) {
        Some(tag) => {
            planning.tags.push(tag);
            false
        }
        None => true,
    });
    let mut at = 0;
    while at < words.len() {
        if when.day.is_none() {
            if let Some((len, day)) = day_at(&words, at, part, clock) {
                words.drain(at..at + len);
                when.day = Some(day);
                continue;
            }
        }
        if when.time.is_none() {
            if let Some((len, time)) = time_at(&words, at).filter(|&(len, _)| !describes_title(&words, at + len, part))
            {
                words.drain(at..at + len);
                when.time = Some(time);
                continue;
            }
        }
        at += 1;
    }
    if let Some(due) = resolve(&when, None, clock) {
        planning.due_at = Some(due);
    }
    words.join(" ")
}

/// The level `text` names ("زیادہ", "کم اہم").
pub fn level_named(text: &str) -> Option<Priority> {
    LEVELS.iter().find(|(name, _)| *name == text).map(|&(_, priority)| priority)
}

fn take_priority(words: &mut Vec<&str>, outside_title: bool, planning: &mut Planning) {
    for (level, priority) in LEVELS {
        let phrase: Vec<&str> = level.split(' ').chain([PRIORITY]).collect();
        if let Some(at) = words.windows(phrase.len()).position(|window| window == phrase.as_slice()) {
            let mut end = at + phrase.len();
            // "اعلیٰ ترجیح کے ساتھ": with high priority.
            if words.get(end..end + 2) == Some(&["کے", "ساتھ"]) {
                end += 2;
            }
            words.drain(at..end);
            planning.priority = Some(*priority);
            return;
        }
    }
    let urgent = words.iter().position(|word| URGENT_WORDS.contains(word) && (outside_title || words.len() == 1));
    let before_task = words.windows(2).position(|pair| URGENT_WORDS.contains(&pair[0]) && pair[1] == "کام");
    if let Some(at) = before_task.or(urgent) {
        words.remove(at);
        planning.priority = Some(Priority::High);
    }
}

/// A day at `words[at]`: how many words it takes, and the day.
fn day_at(words: &[&str], at: usize, part: Part, clock: &Clock) -> Option<(usize, Day)> {
    let after = &words[at + 1..];
    let marker = DAY_MARKERS.iter().find(|marker| after.starts_with(marker)).map_or(0, |marker| marker.len());
    let possessive = after.first().is_some_and(|next| POSSESSIVES.contains(next));
    let allowed = match part {
        Part::Title => marker > 0 || !possessive,
        Part::Around => true,
        Part::Question => marker > 0 || possessive,
    };
    if !allowed {
        return None;
    }
    let len = 1 + marker;
    if let Some(&(_, days)) = RELATIVE_DAYS.iter().find(|(name, _)| *name == words[at]) {
        return Some((len, Day::Date(clock.today().checked_add_days(Days::new(days))?)));
    }
    let &(_, weekday) = WEEKDAYS.iter().find(|(name, _)| *name == words[at])?;
    let timed = after.first().is_some_and(|next| PARTS_OF_DAY.iter().any(|(part, ..)| part == next));
    (marker > 0 || possessive || timed).then(|| (len, Day::Weekday(weekday_name(weekday).to_string())))
}

/// Whether the words before `end` describe what follows in a title ("2
/// بجے والی ٹرین", the two o'clock train; "صبح کی سیر", the morning walk).
fn describes_title(words: &[&str], end: usize, part: Part) -> bool {
    part == Part::Title
        && words.get(end).is_some_and(|next| ["والی", "والا", "والے"].contains(next) || POSSESSIVES.contains(next))
}

/// A time at `words[at]`: "صبح 9 بجے", "ساڑھے 5 بجے", "9:30 بجے", "شام".
fn time_at(words: &[&str], at: usize) -> Option<(usize, TimeOfDay)> {
    let part = PARTS_OF_DAY.iter().find(|(name, ..)| *name == words[at]);
    let start = if part.is_some() { at + 1 } else { at };
    let fraction = words.get(start).and_then(|word| FRACTIONS.iter().find(|(name, _)| name == word));
    let hour_at = if fraction.is_some() { start + 1 } else { start };
    let hour = words.get(hour_at).and_then(|word| hour_and_minute(word));
    let oclock = words.get(hour_at + 1) == Some(&OCLOCK);
    let Some((hour, minute)) = hour.filter(|_| oclock || part.is_some() || fraction.is_some()) else {
        // A part of the day alone: its usual hour.
        let &(_, usual, _) = part?;
        return Some((1, TimeOfDay::At(NaiveTime::from_hms_opt(usual, 0, 0)?)));
    };
    // "5 بجے تک": by five.
    let by = words.get(hour_at + 1 + usize::from(oclock)) == Some(&"تک");
    let len = hour_at + 1 + usize::from(oclock) + usize::from(by) - at;
    let afternoon = match part {
        Some(&(name, _, past_noon)) => past_noon && !(name == "رات" && hour < 6),
        None => (1..=7).contains(&hour),
    };
    if part.is_some_and(|&(name, ..)| name == "رات") && hour == 12 && minute == 0 && fraction.is_none() {
        return Some((len, TimeOfDay::Midnight));
    }
    let hour = if afternoon && hour < 12 { hour + 12 } else { hour };
    let start = NaiveTime::from_hms_opt(hour, minute, 0)?;
    let shift = fraction.map_or(0, |&(_, minutes)| minutes);
    let (time, _) = start.overflowing_add_signed(chrono::Duration::minutes(shift));
    Some((len, TimeOfDay::At(time)))
}

/// "9" or "9:30", on a 12- or 24-hour clock.
fn hour_and_minute(word: &str) -> Option<(u32, u32)> {
    let (hour, minute) = word.split_once(':').unwrap_or((word, "0"));
    let (hour, minute): (u32, u32) = (hour.parse().ok()?, minute.parse().ok()?);
    (hour <= 23 && minute <= 59).then_some((hour, minute))
}
