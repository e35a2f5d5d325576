//! Dates and times in a message ("tomorrow at 9am", "on Friday", "in 2
//! hours", "Dec 12"), read in the user's time zone and taken out of the
//! words so they do not end up in a title.
//!
//! The rules:
//! - a date without a time is 23:59 of that day ([`END_OF_DAY`]);
//! - a time without a date is today if that time is still ahead, else tomorrow;
//! - a weekday ("Friday", "on Friday", "next Friday") is the next such day
//!   after today, or today when a time is given that is still ahead today
//!   (interim's rule, with its US dialect, so "next Friday" is the coming one);
//! - "next week" is Monday of next week; "the 5th" the next 5th after today;
//!   "12 December" this year, or next year once it has passed;
//! - "tonight" is today 20:00, "this evening" 18:00, "this morning" 09:00,
//!   "this afternoon" 15:00; "midnight" is the end of the day named (00:00 of
//!   the next); a bare hour after "at" from 1 to 7 is afternoon ("at 3" is 15:00);
//! - a local time that does not exist (a daylight-saving gap) moves forward
//!   one hour, an ambiguous one is the earlier instant.
//!
//! The calendar arithmetic is interim's and chrono's; this module only finds
//! the words.

use chrono::{DateTime, Datelike, Days, Duration, FixedOffset, Months, NaiveDate, NaiveTime, Utc, Weekday};
use common::due::END_OF_DAY;
use interim::{parse_date_string, Dialect};

use super::words::{drop_connector, Word};
use crate::{chat::builtin::intent::Clock, task::recurrence::at_local};

/// Words before a date or time that belong to it ("on Friday", "due
/// tomorrow", "by 5pm").
const CONNECTORS: &[&str] = &["on", "by", "at", "due", "for", "until", "before", "from"];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parts of the day and the hour they stand for.
const PARTS_OF_DAY: [(&str, u32); 5] =
    [("morning", 9), ("afternoon", 15), ("evening", 18), ("night", 20), ("tonight", 20)];

/// "friday", "fri", "fridays" → Friday.
pub fn weekday_named(key: &str) -> Option<Weekday> {
    let key = key.strip_suffix('s').filter(|k| k.len() > 5).unwrap_or(key);
    WEEKDAYS.iter().find(|(name, _)| key.len() >= 3 && name.starts_with(key)).map(|&(_, day)| day)
}

pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS[day.num_days_from_monday() as usize].0
}

fn month_named(key: &str) -> Option<u32> {
    let key = key.trim_end_matches('.');
    MONTHS.iter().position(|name| key.len() >= 3 && name.starts_with(key)).map(|at| at as u32 + 1)
}

/// A day of the month: "5", "5th", "21st".
fn day_of_month(key: &str) -> Option<u32> {
    let digits = key.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &key[digits.len()..];
    let day: u32 = digits.parse().ok()?;
    ((1..=31).contains(&day) && ["", "st", "nd", "rd", "th"].contains(&suffix)).then_some(day)
}

fn count(key: &str) -> Option<i64> {
    let words = ["a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    match words.iter().position(|w| *w == key) {
        Some(at) => Some(at.max(1) as i64),
        None if key == "an" => Some(1),
        None => key.parse().ok().filter(|n| (1..=1000).contains(n)),
    }
}

/// A day as the message names it: weekdays wait for the time (see the rules).
#[derive(Debug, Clone, PartialEq)]
pub enum Day {
    Date(NaiveDate),
    /// interim's words for it: "friday", "next friday".
    Weekday(String),
}

/// The time of day a message names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeOfDay {
    At(NaiveTime),
    /// The end of the day named: 00:00 of the next.
    Midnight,
}

/// The date and time words of a message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct When {
    pub day: Option<Day>,
    pub time: Option<TimeOfDay>,
    /// "in 2 hours": an instant, not a day and time.
    pub exact: Option<DateTime<Utc>>,
}

impl When {
    pub fn is_empty(&self) -> bool {
        self.day.is_none() && self.time.is_none() && self.exact.is_none()
    }
}

/// Takes the date and time words out of `words` (the first date and the
/// first time found).
pub fn take_when(words: &mut Vec<Word>, clock: &Clock) -> When {
    let mut when = When::default();
    let mut at = 0;
    while at < words.len() {
        if when.day.is_none() && when.exact.is_none() {
            if let Some((len, day, time)) = day_at(words, at, clock).filter(|&(len, ..)| !inside_title(words, at, len))
            {
                words.drain(at..at + len);
                at = drop_connector(words, at, CONNECTORS);
                when.day = Some(day);
                when.time = when.time.or(time);
                continue;
            }
            if let Some((len, exact)) = in_hours_at(words, at, clock) {
                words.drain(at..at + len);
                at = drop_connector(words, at, CONNECTORS);
                when.exact = Some(exact);
                continue;
            }
        }
        if when.time.is_none() {
            if let Some((len, time)) = time_at(words, at) {
                words.drain(at..at + len);
                at = drop_connector(words, at, CONNECTORS);
                when.time = Some(time);
                continue;
            }
        }
        at += 1;
    }
    when
}

/// Words before a day that make it a date, whatever follows ("call mom
/// *on* Friday about taxes").
const DAY_MARKERS: &[&str] = &["on", "by", "due", "until", "before", "till"];

/// A day named in the middle of a title, with title words on both sides
/// and no "on" or "by" before it, is part of the title: "plan Friday party",
/// "buy tickets for Monday night football".
fn inside_title(words: &[Word], at: usize, len: usize) -> bool {
    let Some(before) = at.checked_sub(1).map(|i| words[i].key.as_str()) else { return false };
    let Some(after) = words.get(at + len) else { return false };
    let clause_ends = words[at + len - 1].text.ends_with([',', ';']);
    !DAY_MARKERS.contains(&before)
        && !CONNECTORS.contains(&after.key.as_str())
        && !clause_ends
        && time_at(words, at + len).is_none()
}

/// The local wall clock as if it were UTC: interim does its arithmetic on
/// this, so a daylight-saving change can never make a day fail to exist.
fn wall_clock(clock: &Clock) -> DateTime<Utc> {
    clock.now.with_timezone(&clock.zone).naive_local().and_utc()
}

fn interim_date(words: &str, clock: &Clock) -> Option<NaiveDate> {
    parse_date_string(words, wall_clock(clock), Dialect::Us).ok().map(|at| at.date_naive())
}

/// A day at `at`: its length in words, the day, and a time of day that came
/// with it ("tonight", "tomorrow morning").
fn day_at(words: &[Word], at: usize, clock: &Clock) -> Option<(usize, Day, Option<TimeOfDay>)> {
    let key = |i: usize| words.get(at + i).map_or("", |w| w.key.as_str());
    let hour = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).map(TimeOfDay::At);
    let part_of_day = |i: usize| PARTS_OF_DAY.iter().find(|(name, _)| *name == key(i)).and_then(|&(_, h)| hour(h));
    let with_part = |len: usize, day: Day| match part_of_day(len) {
        Some(time) => (len + 1, day, Some(time)),
        None => (len, day, None),
    };
    let today = clock.today();
    match key(0) {
        "today" => return Some(with_part(1, Day::Date(today))),
        "yesterday" => return Some(with_part(1, Day::Date(today.pred_opt()?))),
        "tonight" => return Some((1, Day::Date(today), hour(20))),
        "this" if part_of_day(1).is_some() => return Some((2, Day::Date(today), part_of_day(1))),
        "tomorrow" | "tmrw" | "tmr" | "tomorow" | "tommorow" | "tommorrow" => {
            return Some(with_part(1, Day::Date(interim_date("tomorrow", clock)?)))
        }
        "day" if key(1) == "after" && key(2) == "tomorrow" => {
            return Some(with_part(3, Day::Date(today.checked_add_days(Days::new(2))?)))
        }
        // Next week starts on Monday; this week ends on Sunday.
        "next" | "this" if key(1) == "week" => {
            let from_monday = u64::from(today.weekday().num_days_from_monday());
            let days = if key(0) == "next" { 7 - from_monday } else { 6 - from_monday };
            return Some((2, Day::Date(today.checked_add_days(Days::new(days))?), None));
        }
        "next" if key(1) == "month" => {
            let first = today.with_day(1)?.checked_add_months(Months::new(1))?;
            return Some((2, Day::Date(first), None));
        }
        "in" => {
            let n = count(key(1))?;
            let date = match key(2).trim_end_matches('s') {
                "day" => today.checked_add_days(Days::new(n as u64))?,
                "week" => today.checked_add_days(Days::new(7 * n as u64))?,
                "month" => today.checked_add_months(Months::new(n as u32))?,
                _ => return None,
            };
            return Some(with_part(3, Day::Date(date)));
        }
        "the" if day_of_month(key(1)).is_some() && key(1).ends_with(char::is_alphabetic) => {
            if let Some(month) = month_named(if key(2) == "of" { key(3) } else { key(2) }) {
                let len = if key(2) == "of" { 4 } else { 3 };
                return Some(with_part(len, Day::Date(day_month(day_of_month(key(1))?, month, clock)?)));
            }
            return Some(with_part(2, Day::Date(next_day_of_month(day_of_month(key(1))?, today)?)));
        }
        _ => {}
    }
    if let Some(named) = weekday_named(key(1)).filter(|_| ["next", "this", "coming"].contains(&key(0))) {
        let name = weekday_name(named);
        let words = if key(0) == "next" { format!("next {name}") } else { name.to_string() };
        return Some(with_part(2, Day::Weekday(words)));
    }
    // An abbreviation ("sun", "sat") is a weekday only after "on", "by"...:
    // alone it is more likely a word of the title.
    let after_connector = at > 0 && CONNECTORS.contains(&words[at - 1].key.as_str());
    if let Some(named) = weekday_named(key(0)).filter(|_| key(0).len() >= 6 || after_connector) {
        return Some(with_part(1, Day::Weekday(weekday_name(named).to_string())));
    }
    if let Some(date) = numeric_date(key(0), clock) {
        return Some(with_part(1, Day::Date(date)));
    }
    // "12 December", "12th of Dec", "Dec 12", "December 12th".
    if let (Some(day), Some(month)) = (day_of_month(key(0)), month_named(key(1))) {
        return Some(with_part(2, Day::Date(day_month(day, month, clock)?)));
    }
    if let (Some(day), "of", Some(month)) = (day_of_month(key(0)), key(1), month_named(key(2))) {
        return Some(with_part(3, Day::Date(day_month(day, month, clock)?)));
    }
    if let (Some(month), Some(day)) = (month_named(key(0)), day_of_month(key(1))) {
        return Some(with_part(2, Day::Date(day_month(day, month, clock)?)));
    }
    None
}

/// "2026-12-03"; "25/11" or "25/11/2026" when the day cannot be the month
/// (above 12), "11/25" likewise. "12/3" could be either, so it names no day.
fn numeric_date(word: &str, clock: &Clock) -> Option<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(word, "%Y-%m-%d") {
        return Some(date);
    }
    let parts: Vec<u32> = word.split(['/', '.']).map(|part| part.parse().ok()).collect::<Option<_>>()?;
    let (first, second, year) = match parts.as_slice() {
        [first, second] => (*first, *second, None),
        [first, second, year] => (*first, *second, Some(if *year < 100 { 2000 + *year } else { *year })),
        _ => return None,
    };
    let (day, month) = match (first > 12, second > 12) {
        (true, false) => (first, second),
        (false, true) => (second, first),
        _ => return None,
    };
    match year {
        Some(year) => NaiveDate::from_ymd_opt(year as i32, month, day),
        None if (1..=12).contains(&month) => day_month(day, month, clock),
        None => None,
    }
}

/// Whether `word` looks like a date in digits ("25/11", "2026-12-03"),
/// read or not: a change must not go ahead without it.
pub fn is_numeric_date(word: &str) -> bool {
    word.contains(['/', '-'])
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || "/-.".contains(c))
}

/// The one day a question names, other than today ("tomorrow", "on
/// Friday", "the 5th"), when it names no time.
pub fn named_day(words: &mut Vec<Word>, clock: &Clock) -> Option<NaiveDate> {
    let when = take_when(words, clock);
    if when.time.is_some() || when.exact.is_some() {
        return None;
    }
    let at = resolve(&When { day: Some(when.day?), ..When::default() }, None, clock)?;
    Some(at.with_timezone(&clock.zone).date_naive()).filter(|day| *day > clock.today())
}

/// `day` `month` this year, or next year once it has passed.
fn day_month(day: u32, month: u32, clock: &Clock) -> Option<NaiveDate> {
    let date = interim_date(&format!("{day} {}", MONTHS[month as usize - 1]), clock)?;
    if date < clock.today() {
        date.checked_add_months(Months::new(12))
    } else {
        Some(date)
    }
}

/// The next `day` of a month after `today`, skipping months too short for it.
fn next_day_of_month(day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    (0..13).filter_map(|months| first.checked_add_months(Months::new(months))?.with_day(day)).find(|date| *date > today)
}

/// "in 2 hours", "in 30 minutes", "in an hour".
fn in_hours_at(words: &[Word], at: usize, clock: &Clock) -> Option<(usize, DateTime<Utc>)> {
    if words.get(at)?.key != "in" {
        return None;
    }
    let n = count(&words.get(at + 1)?.key)?;
    let unit = words.get(at + 2)?.key.trim_end_matches('s').to_string();
    let span = match unit.as_str() {
        "hour" | "hr" | "h" => Duration::hours(n),
        "minute" | "min" | "m" => Duration::minutes(n),
        _ => return None,
    };
    Some((3, clock.now.checked_add_signed(span)?))
}

/// "5pm", "5:30pm", "17:30", "5.30 pm", "noon", "midnight", "at 9", "at 5 o'clock".
fn time_at(words: &[Word], at: usize) -> Option<(usize, TimeOfDay)> {
    let key = |i: usize| words.get(at + i).map_or("", |w| w.key.as_str());
    match key(0) {
        "noon" | "midday" => return Some((1, TimeOfDay::At(NaiveTime::from_hms_opt(12, 0, 0)?))),
        "midnight" => return Some((1, TimeOfDay::Midnight)),
        // "at 9" → 09:00, "at 3" → 15:00 (see the rules).
        "at" if key(1).parse::<u32>().is_ok() && !["am", "pm", "a.m", "p.m"].contains(&key(2)) => {
            let hour = match key(1).parse::<u32>().ok()? {
                hour @ 1..=7 => hour + 12,
                hour @ (0 | 8..=23) => hour,
                _ => return None,
            };
            let len = if key(2) == "o'clock" { 3 } else { 2 };
            return Some((len, TimeOfDay::At(NaiveTime::from_hms_opt(hour, 0, 0)?)));
        }
        "in" if key(1) == "the" => {
            let &(_, hour) = PARTS_OF_DAY.iter().find(|(name, _)| *name == key(2))?;
            return Some((3, TimeOfDay::At(NaiveTime::from_hms_opt(hour, 0, 0)?)));
        }
        _ => {}
    }
    let meridiem = |k: &str| match k.replace('.', "").as_str() {
        "am" => Some(false),
        "pm" => Some(true),
        _ => None,
    };
    let (len, time) = match meridiem(key(1)) {
        Some(pm) => (2, clock_time(key(0), Some(pm))?),
        None => (1, clock_time(key(0), None)?),
    };
    let with_oclock = if key(len) == "o'clock" { len + 1 } else { len };
    Some((with_oclock, TimeOfDay::At(time)))
}

/// "5pm", "5:30", "17:30", "9.15am"; a bare hour only after "at" (checked
/// by the caller: a bare number here is accepted only with am/pm).
fn clock_time(key: &str, pm: Option<bool>) -> Option<NaiveTime> {
    let (number, pm) = match (key.strip_suffix("am"), key.strip_suffix("pm"), pm) {
        (Some(number), _, None) => (number, Some(false)),
        (_, Some(number), None) => (number, Some(true)),
        (_, _, pm) => (key, pm),
    };
    let (hour, minute, has_minutes) = match number.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?, true),
        Some(_) => return None,
        None => (number.parse::<u32>().ok()?, 0, false),
    };
    let hour = match pm {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(true) => hour % 12 + 12,
        Some(false) => hour % 12,
        None if has_minutes => hour,
        None => return None,
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// The instant `when` names, on `default_day` when it names no day (see
/// [`first_day`] for recurring tasks). None when it names nothing.
pub fn resolve(when: &When, default_day: Option<Day>, clock: &Clock) -> Option<DateTime<FixedOffset>> {
    let zone = clock.zone;
    if let Some(exact) = when.exact {
        return Some(exact.with_timezone(&zone).fixed_offset());
    }
    let time = when.time.map(|time| match time {
        TimeOfDay::At(time) => time,
        TimeOfDay::Midnight => NaiveTime::MIN,
    });
    let date = match when.day.clone().or(default_day) {
        Some(Day::Date(date)) => date,
        Some(Day::Weekday(words)) => {
            let at = time.unwrap_or(NaiveTime::MIN).format("%H:%M");
            interim_date(&format!("{words} {at}"), clock)?
        }
        None if when.time == Some(TimeOfDay::Midnight) => clock.today(),
        None => next_day_at(time?, clock)?,
    };
    let date = match when.time {
        Some(TimeOfDay::Midnight) => date.checked_add_days(Days::new(1))?,
        _ => date,
    };
    let local = date.and_time(time.unwrap_or(END_OF_DAY));
    Some(at_local(zone, local).with_timezone(&zone).fixed_offset())
}

/// Today if `time` is still ahead today, else tomorrow.
fn next_day_at(time: NaiveTime, clock: &Clock) -> Option<NaiveDate> {
    let now = clock.now.with_timezone(&clock.zone).naive_local();
    if time > now.time() {
        Some(now.date())
    } else {
        now.date().checked_add_days(Days::new(1))
    }
}

/// The first due day of a task that repeats on `weekday` (or on every
/// weekday when `weekdays_only`), when no day was named: the next such
/// day; any other rule starts today (or tomorrow, if its time has passed).
pub fn first_day(weekday: Option<Weekday>, weekdays_only: bool, time: Option<TimeOfDay>, clock: &Clock) -> Day {
    if let Some(weekday) = weekday {
        return Day::Weekday(weekday_name(weekday).to_string());
    }
    let start = match time {
        Some(TimeOfDay::At(time)) => next_day_at(time, clock).unwrap_or(clock.today()),
        _ => clock.today(),
    };
    let skip = match start.weekday() {
        Weekday::Sat if weekdays_only => 2,
        Weekday::Sun if weekdays_only => 1,
        _ => 0,
    };
    Day::Date(start.checked_add_days(Days::new(skip)).unwrap_or(start))
}
