//! Times in the user's time zone: what the forms' date and time fields mean
//! as RFC 3339 instants, and how an instant is shown ("Today 9:00",
//! "Fri 3 Dec"). A due date without a time is 23:59 of that day in the
//! user's zone, and such a due time is shown as the date alone.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub use common::due::END_OF_DAY;

/// The user's zone; an unknown name reads as UTC.
#[derive(Clone, Copy, Debug)]
pub struct Zone(pub Tz);

impl Zone {
    pub fn named(name: &str) -> Self {
        Zone(name.parse().unwrap_or(chrono_tz::UTC))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// A wall-clock time in this zone. In the hour a clock change skips,
    /// the time after the gap; in the hour it repeats, the first one.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Tz> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at,
            LocalResult::None => self.instant(local + Duration::hours(1)),
        }
    }

    /// The due date and time fields as an instant (RFC 3339 with the
    /// zone's offset): no date, no due time; a date alone, 23:59.
    pub fn due_from_form(&self, date: &str, time: &str) -> Result<Option<String>, String> {
        let (date, time) = (date.trim(), time.trim());
        if date.is_empty() {
            return if time.is_empty() { Ok(None) } else { Err("Pick a date for the due time.".into()) };
        }
        let date = parse_date(date)?;
        let time = if time.is_empty() { END_OF_DAY } else { parse_time(time)? };
        Ok(Some(self.instant(date.and_time(time)).to_rfc3339()))
    }

    /// A `datetime-local` field (`2026-12-01T09:00`) as an instant.
    pub fn from_datetime_local(&self, value: &str) -> Result<Option<String>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let (date, time) = value.split_once('T').ok_or_else(|| format!("{value:?} is not a date and time."))?;
        Ok(Some(self.instant(parse_date(date)?.and_time(parse_time(time)?)).to_rfc3339()))
    }

    pub fn local(&self, at: &str) -> Option<DateTime<Tz>> {
        DateTime::parse_from_rfc3339(at).ok().map(|at| at.with_timezone(&self.0))
    }

    /// An instant as the due fields show it: the date, and the time unless
    /// it is the end of the day.
    pub fn due_fields(&self, at: Option<&str>) -> (String, String) {
        match at.and_then(|at| self.local(at)) {
            Some(local) if local.time() == END_OF_DAY => (local.format("%Y-%m-%d").to_string(), String::new()),
            Some(local) => (local.format("%Y-%m-%d").to_string(), local.format("%H:%M").to_string()),
            None => (String::new(), String::new()),
        }
    }

    /// An instant as a `datetime-local` field shows it.
    pub fn datetime_local(&self, at: Option<&str>) -> String {
        at.and_then(|at| self.local(at)).map(|local| local.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
    }

    /// A due time in words, near `now`: "Today", "Tomorrow 9:00",
    /// "Fri 15:30", "3 Dec", "3 Dec 2027 9:00".
    pub fn describe(&self, at: &str, now: DateTime<Utc>) -> String {
        let Some(local) = self.local(at) else { return at.to_string() };
        let today = now.with_timezone(&self.0).date_naive();
        let date = local.date_naive();
        let days = (date - today).num_days();
        let day = match days {
            0 => "Today".to_string(),
            1 => "Tomorrow".to_string(),
            -1 => "Yesterday".to_string(),
            2..=6 => local.format("%a").to_string(),
            _ if date.year() == today.year() => local.format("%a %-d %b").to_string(),
            _ => local.format("%-d %b %Y").to_string(),
        };
        if local.time() == END_OF_DAY {
            day
        } else {
            format!("{day} {}", local.format("%-H:%M"))
        }
    }

    /// How a pending task's due time stands today.
    pub fn urgency(&self, at: &str, now: DateTime<Utc>) -> Urgency {
        let Some(local) = self.local(at) else { return Urgency::None };
        if local.with_timezone(&Utc) < now {
            Urgency::Overdue
        } else if local.date_naive() == now.with_timezone(&self.0).date_naive() {
            Urgency::Today
        } else {
            Urgency::None
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Urgency {
    Overdue,
    Today,
    None,
}

fn parse_date(date: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| format!("{date:?} is not a date (YYYY-MM-DD)."))
}

fn parse_time(time: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(time, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
        .map_err(|_| format!("{time:?} is not a time (HH:MM)."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_date_without_a_time_is_the_end_of_that_day_in_the_users_zone() {
        let karachi = Zone::named("Asia/Karachi");
        assert_eq!(karachi.due_from_form("2026-12-01", "").unwrap().unwrap(), "2026-12-01T23:59:00+05:00");
        assert_eq!(karachi.due_from_form("2026-12-01", "09:00").unwrap().unwrap(), "2026-12-01T09:00:00+05:00");
        assert_eq!(karachi.due_from_form("", "").unwrap(), None);
        assert!(karachi.due_from_form("", "09:00").is_err());
        assert!(karachi.due_from_form("1 Dec", "").is_err());
        let berlin = Zone::named("Europe/Berlin");
        assert_eq!(berlin.due_from_form("2026-07-01", "").unwrap().unwrap(), "2026-07-01T23:59:00+02:00");
        assert_eq!(berlin.due_fields(Some("2026-07-01T21:59:00Z")), ("2026-07-01".into(), String::new()));
        assert_eq!(berlin.due_fields(Some("2026-07-01T07:30:00Z")), ("2026-07-01".into(), "09:30".into()));
    }

    #[test]
    fn clock_changes_give_a_real_instant() {
        let berlin = Zone::named("Europe/Berlin");
        // 02:30 does not exist on 29 March 2026 in Berlin: 03:30 it is.
        assert_eq!(berlin.from_datetime_local("2026-03-29T02:30").unwrap().unwrap(), "2026-03-29T03:30:00+02:00");
        // 02:30 happens twice on 25 October 2026: the first one.
        assert_eq!(berlin.from_datetime_local("2026-10-25T02:30").unwrap().unwrap(), "2026-10-25T02:30:00+02:00");
        assert_eq!(berlin.datetime_local(Some("2026-10-25T00:30:00Z")), "2026-10-25T02:30");
    }

    #[test]
    fn due_times_are_told_near_today_in_the_users_zone() {
        let zone = Zone::named("Asia/Karachi");
        let now = at("2026-11-20T10:00:00Z"); // Friday 15:00 in Karachi
        assert_eq!(zone.describe("2026-11-20T18:59:00Z", now), "Today");
        assert_eq!(zone.describe("2026-11-21T04:00:00Z", now), "Tomorrow 9:00");
        assert_eq!(zone.describe("2026-11-23T04:00:00Z", now), "Mon 9:00");
        assert_eq!(zone.describe("2026-12-03T18:59:00Z", now), "Thu 3 Dec");
        assert_eq!(zone.describe("2027-01-03T18:59:00Z", now), "3 Jan 2027");
        assert_eq!(zone.urgency("2026-11-20T09:00:00Z", now), Urgency::Overdue);
        assert_eq!(zone.urgency("2026-11-20T18:59:00Z", now), Urgency::Today);
        assert_eq!(zone.urgency("2026-11-20T19:30:00Z", now), Urgency::None, "past midnight in Karachi");
    }
}
