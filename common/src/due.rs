//! What a due date without a time means, wherever a date is read (the web
//! form, the assistant's "due tomorrow"): the end of that day in the user's
//! time zone, so that a task due today is not overdue until the day is over.

use chrono::NaiveTime;

/// The time a due date without a time stands for.
pub const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 0) {
    Some(time) => time,
    None => panic!("23:59 is a time"),
};
