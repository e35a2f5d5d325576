//! Timestamps as RFC 3339 text, byte for byte as chrono's serde support
//! writes them (`2026-11-22T02:35:00.123456Z`), but without `core::fmt` or
//! chrono's calendar types: a task list carries two timestamps per task, and
//! formatting them was a visible share of the list endpoint's CPU time.

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use super::timestamp::Timestamp;

/// For `#[serde(serialize_with = "rfc3339::serialize")]`.
pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0; MAX_LEN];
    match write(Timestamp::from(*at), &mut buf).map(std::str::from_utf8) {
        Some(Ok(text)) => serializer.serialize_str(text),
        // Years beyond four digits and leap seconds: chrono knows how.
        _ => at.serialize(serializer),
    }
}

/// For `Option<DateTime<Utc>>` fields: `null`, or as [`serialize`].
pub fn serialize_option<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`
pub(super) const MAX_LEN: usize = 30;

/// The ASCII text for `at`, or `None` for what only chrono writes (years
/// outside 0000–9999, leap seconds).
pub(super) fn write(at: Timestamp, buf: &mut [u8; MAX_LEN]) -> Option<&[u8]> {
    let (days, second_of_day) = (at.secs.div_euclid(86_400), at.secs.rem_euclid(86_400) as u32);
    let (year, month, day) = LAST_DAY.with(|last| match last.get() {
        (cached, date) if cached == days => date,
        _ => {
            let date = civil_from_days(days);
            last.set((days, date));
            date
        }
    });
    if !(0..=9999).contains(&year) || at.nanos >= 1_000_000_000 {
        return None;
    }
    buf[..19].copy_from_slice(b"0000-00-00T00:00:00");
    digits(&mut buf[0..4], year as u32);
    digits(&mut buf[5..7], month);
    digits(&mut buf[8..10], day);
    digits(&mut buf[11..13], second_of_day / 3600);
    digits(&mut buf[14..16], second_of_day / 60 % 60);
    digits(&mut buf[17..19], second_of_day % 60);
    // chrono's `SecondsFormat::AutoSi`: as many fraction digits as needed, in
    // groups of three.
    let (fraction_len, fraction) = match at.nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (3, n / 1_000_000),
        n if n % 1_000 == 0 => (6, n / 1_000),
        n => (9, n),
    };
    let mut len = 19;
    if fraction_len > 0 {
        buf[len] = b'.';
        digits(&mut buf[len + 1..len + 1 + fraction_len], fraction);
        len += 1 + fraction_len;
    }
    buf[len] = b'Z';
    Some(&buf[..=len])
}

thread_local! {
    /// The last day converted: a list's timestamps mostly fall on a few
    /// days, and the calendar arithmetic is most of writing one.
    static LAST_DAY: std::cell::Cell<(i64, (i64, u32, u32))> = const { std::cell::Cell::new((i64::MIN, (0, 0, 0))) };
}

/// Year, month and day of the proleptic Gregorian calendar for a count of
/// days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// Writes `value` as exactly `out.len()` decimal digits, two at a time.
fn digits(out: &mut [u8], mut value: u32) {
    const PAIRS: [[u8; 2]; 100] = {
        let mut pairs = [[0; 2]; 100];
        let mut i = 0;
        while i < 100 {
            pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
            i += 1;
        }
        pairs
    };
    let mut end = out.len();
    while end >= 2 {
        out[end - 2..end].copy_from_slice(&PAIRS[(value % 100) as usize]);
        value /= 100;
        end -= 2;
    }
    if end == 1 {
        out[0] = b'0' + (value % 10) as u8;
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[derive(Serialize)]
    struct Fast(#[serde(serialize_with = "serialize")] DateTime<Utc>);

    fn assert_same_as_chrono(at: DateTime<Utc>) {
        let ours = serde_json::to_string(&Fast(at)).unwrap();
        let chrono = serde_json::to_string(&at).unwrap();
        assert_eq!(ours, chrono, "{at:?}");
    }

    #[test]
    fn writes_what_chrono_writes() {
        let second = Utc.with_ymd_and_hms(2026, 11, 22, 2, 35, 7).unwrap();
        for nanos in [0, 1, 999, 1_000, 120_000, 1_000_000, 5_000_000, 123_456_000, 123_456_789, 999_999_999] {
            assert_same_as_chrono(second + chrono::Duration::nanoseconds(nanos));
        }
        for at in [
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap() + chrono::Duration::nanoseconds(999_999_999),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 6, 1, 12, 0, 0).unwrap(),
        ] {
            assert_same_as_chrono(at);
        }
        // A spread of instants with microsecond precision, as PostgreSQL stores them.
        let mut micros: i64 = 1_700_000_000_123_457;
        for _ in 0..10_000 {
            micros = micros.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1) & ((1 << 53) - 1);
            assert_same_as_chrono(DateTime::from_timestamp_micros(micros).unwrap());
        }
    }
}
