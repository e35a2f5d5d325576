//! The next occurrence of a recurring task: the next date of its rule after
//! the old due date, at the same local time in the user's time zone (so a
//! daily 09:00 task stays at 09:00 across daylight-saving changes).

use chrono::{DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::Recurrence;

/// The due time of the occurrence after one due at `due`.
pub fn next_due(rule: Recurrence, due: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = due.with_timezone(&zone).naive_local();
    let date = next_date(rule, local.date());
    at_local(zone, date.and_time(local.time()))
}

fn next_date(rule: Recurrence, date: NaiveDate) -> NaiveDate {
    let later = match rule {
        Recurrence::Daily => date.checked_add_days(Days::new(1)),
        Recurrence::Weekdays => {
            let days = match date.weekday() {
                Weekday::Fri => 3,
                Weekday::Sat => 2,
                _ => 1,
            };
            date.checked_add_days(Days::new(days))
        }
        Recurrence::Weekly => date.checked_add_days(Days::new(7)),
        // chrono keeps the day of the month where it can and takes the
        // month's last day where it cannot: Jan 31 → Feb 28 (29 in a leap year).
        Recurrence::Monthly => date.checked_add_months(Months::new(1)),
        Recurrence::Yearly => date.checked_add_months(Months::new(12)),
    };
    later.unwrap_or(date)
}

/// `local` in `zone`: the earlier of two instants when clocks go back, and
/// the instant just after the gap when clocks go forward.
pub fn at_local(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            let after_gap = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&after_gap).earliest().map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn next(rule: Recurrence, due: &str, zone: Tz) -> String {
        next_due(rule, utc(due), zone).with_timezone(&zone).to_rfc3339()
    }

    #[test]
    fn monthly_keeps_the_day_or_takes_the_months_last() {
        let z = chrono_tz::UTC;
        assert_eq!(next(Recurrence::Monthly, "2026-01-31T10:00:00Z", z), "2026-02-28T10:00:00+00:00");
        assert_eq!(next(Recurrence::Monthly, "2028-01-31T10:00:00Z", z), "2028-02-29T10:00:00+00:00");
        assert_eq!(next(Recurrence::Monthly, "2026-03-31T10:00:00Z", z), "2026-04-30T10:00:00+00:00");
        assert_eq!(next(Recurrence::Monthly, "2026-12-15T10:00:00Z", z), "2027-01-15T10:00:00+00:00");
    }

    #[test]
    fn yearly_moves_a_leap_day_to_the_28th() {
        let z = chrono_tz::UTC;
        assert_eq!(next(Recurrence::Yearly, "2028-02-29T08:00:00Z", z), "2029-02-28T08:00:00+00:00");
        assert_eq!(next(Recurrence::Yearly, "2026-06-01T08:00:00Z", z), "2027-06-01T08:00:00+00:00");
    }

    #[test]
    fn weekdays_skip_the_weekend_in_the_users_zone() {
        // Friday 23:30 in Karachi is still Friday there (18:30 UTC).
        let z: Tz = "Asia/Karachi".parse().unwrap();
        assert_eq!(next(Recurrence::Weekdays, "2026-11-20T18:30:00Z", z), "2026-11-23T23:30:00+05:00");
        assert_eq!(next(Recurrence::Weekdays, "2026-11-21T04:00:00Z", z), "2026-11-23T09:00:00+05:00");
        assert_eq!(next(Recurrence::Weekdays, "2026-11-24T04:00:00Z", z), "2026-11-25T09:00:00+05:00");
    }

    #[test]
    fn daily_and_weekly_keep_the_local_time_across_daylight_saving() {
        let z: Tz = "America/New_York".parse().unwrap();
        // 09:00 EST on Saturday 7 March 2026; clocks go forward on the 8th.
        assert_eq!(next(Recurrence::Daily, "2026-03-07T14:00:00Z", z), "2026-03-08T09:00:00-04:00");
        assert_eq!(next(Recurrence::Weekly, "2026-03-07T14:00:00Z", z), "2026-03-14T09:00:00-04:00");
        // And back on 1 November.
        assert_eq!(next(Recurrence::Daily, "2026-10-31T13:00:00Z", z), "2026-11-01T09:00:00-05:00");
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_past_it() {
        let z: Tz = "America/New_York".parse().unwrap();
        // 02:30 on 7 March; 02:30 on the 8th does not exist.
        assert_eq!(next(Recurrence::Daily, "2026-03-07T07:30:00Z", z), "2026-03-08T03:30:00-04:00");
    }
}
