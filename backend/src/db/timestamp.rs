//! Timestamps as the task list reads them: seconds and nanoseconds since
//! the Unix epoch.
//!
//! Decoding a PostgreSQL timestamp into chrono's `DateTime` builds a
//! calendar date, and writing it as text takes that date apart again; with
//! two timestamps per task that was a tenth of listing tasks. PostgreSQL
//! sends microseconds since 2000-01-01, which [`rfc3339`](super::rfc3339)
//! writes without the detour.

use chrono::{DateTime, Utc};
use sqlx::{
    error::BoxDynError,
    postgres::{PgTypeInfo, PgValueFormat, PgValueRef},
    sqlite::{SqliteTypeInfo, SqliteValueRef},
    Decode, Postgres, Sqlite, Type,
};

/// An instant a `DateTime<Utc>` can hold: every way to make one checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub(super) secs: i64,
    /// Below 1,000,000,000 except in a leap second, as in chrono.
    pub(super) nanos: u32,
}

/// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds.
const POSTGRES_EPOCH: i64 = 946_684_800;
const MIN_SECS: i64 = DateTime::<Utc>::MIN_UTC.timestamp();
const MAX_SECS: i64 = DateTime::<Utc>::MAX_UTC.timestamp();

impl Timestamp {
    fn from_postgres_micros(micros: i64) -> Result<Self, BoxDynError> {
        let secs = micros.div_euclid(1_000_000).checked_add(POSTGRES_EPOCH);
        let nanos = micros.rem_euclid(1_000_000) as u32 * 1_000;
        match secs {
            Some(secs) if (MIN_SECS..=MAX_SECS).contains(&secs) => Ok(Timestamp { secs, nanos }),
            // PostgreSQL's ±infinity, among others.
            _ => Err(format!("timestamp {micros} µs after 2000-01-01 is out of range").into()),
        }
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        // In range by construction; the default is never used.
        DateTime::from_timestamp(self.secs, self.nanos).unwrap_or_default()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Timestamp { secs: at.timestamp(), nanos: at.timestamp_subsec_nanos() }
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let micros = value.as_bytes()?.try_into().map_err(|_| "a timestamp is eight bytes")?;
                Timestamp::from_postgres_micros(i64::from_be_bytes(micros))
            }
            PgValueFormat::Text => Ok(<DateTime<Utc> as Decode<Postgres>>::decode(value)?.into()),
        }
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <DateTime<Utc> as Type<Sqlite>>::type_info()
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<DateTime<Utc> as Decode<Sqlite>>::decode(value)?.into())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn postgres_microseconds_become_the_same_instant_as_with_chrono() {
        let epoch = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
        for micros in [0, 1, -1, 999_999, -1_000_001, 848_639_999_123_456, -63_082_281_600_000_000] {
            let ours = Timestamp::from_postgres_micros(micros).unwrap();
            assert_eq!(ours.to_datetime(), epoch + chrono::Duration::microseconds(micros), "{micros}");
            assert_eq!(Timestamp::from(ours.to_datetime()), ours);
        }
        assert!(Timestamp::from_postgres_micros(i64::MAX).is_err(), "infinity");
        assert!(Timestamp::from_postgres_micros(i64::MIN).is_err(), "-infinity");
    }
}
