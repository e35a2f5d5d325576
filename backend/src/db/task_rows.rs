//! The task list written as JSON while the rows arrive.
//!
//! Listing is the API's busiest call. Decoding every row into a [`Task`]
//! copies three strings per task only to serialize and drop them, and
//! serde's derived code escapes every field name, row after row; here each
//! row is written as JSON straight from the driver's buffer as it comes off
//! the connection, with the field names as constants, in the same shape as
//! `Task` (the tests below hold the two together).

use futures_util::{Stream, TryStreamExt};
use sqlx::{ColumnIndex, Decode, FromRow, Row, Type};

use super::{rfc3339, timestamp::Timestamp, Task};

/// Appends the task rows of `rows` to `out` as a JSON array.
pub(super) async fn write_json<R, S>(rows: S, out: &mut Vec<u8>) -> sqlx::Result<()>
where
    R: Row,
    for<'r> TaskRef<'r>: FromRow<'r, R>,
    S: Stream<Item = sqlx::Result<R>>,
{
    let mut rows = std::pin::pin!(rows);
    out.push(b'[');
    let mut first = true;
    while let Some(row) = rows.try_next().await? {
        if !first {
            out.push(b',');
        }
        first = false;
        TaskRef::from_row(&row)?.write_json(out).map_err(|error| sqlx::Error::Decode(error.into()))?;
    }
    out.push(b']');
    Ok(())
}

/// A [`Task`] borrowing its text from a row: the one reader of task rows
/// (`Task` is built from it). It reads by position and without sqlx's
/// per-value type check (the migrations fix the types), because looking
/// each column up by name and checking its type, row after row, was a
/// visible share of listing tasks; decoding still fails cleanly on a
/// mismatch.
pub(super) struct TaskRef<'r> {
    id: i64,
    user_id: &'r str,
    title: &'r str,
    description: Option<&'r str>,
    completed: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl TaskRef<'_> {
    /// Appends the task as JSON: what `Task`'s `Serialize` writes.
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.id).as_bytes());
        out.extend_from_slice(b",\"user_id\":");
        write_str(out, self.user_id)?;
        out.extend_from_slice(b",\"title\":");
        write_str(out, self.title)?;
        out.extend_from_slice(b",\"description\":");
        match self.description {
            Some(description) => write_str(out, description)?,
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if self.completed { b",\"completed\":true" } else { b",\"completed\":false" });
        out.extend_from_slice(b",\"created_at\":");
        write_timestamp(out, self.created_at)?;
        out.extend_from_slice(b",\"updated_at\":");
        write_timestamp(out, self.updated_at)?;
        out.push(b'}');
        Ok(())
    }
}

/// Appends `text` as a JSON string. Task text seldom needs escaping, so it
/// is checked first and then copied whole; serde_json escapes the rest.
fn write_str(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    // Without an early exit, this loop compiles to vector instructions.
    let escapes = text.bytes().fold(false, |found, b| found | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if escapes {
        serde_json::to_writer(out, text)
    } else {
        write_quoted(out, text.as_bytes());
        Ok(())
    }
}

fn write_timestamp(out: &mut Vec<u8>, at: Timestamp) -> serde_json::Result<()> {
    let mut buf = [0; rfc3339::MAX_LEN];
    match rfc3339::write(at, &mut buf) {
        // Digits, dashes and colons: nothing to escape.
        Some(text) => {
            write_quoted(out, text);
            Ok(())
        }
        // Years beyond four digits and leap seconds: as chrono writes them.
        None => serde_json::to_writer(out, &at.to_datetime()),
    }
}

/// Appends `text`, which needs no escaping, as a JSON string.
fn write_quoted(out: &mut Vec<u8>, text: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(text);
    out.push(b'"');
}

// Positions as in `task_columns!`.
impl<'r, R: Row> FromRow<'r, R> for TaskRef<'r>
where
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    &'r str: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
    Timestamp: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        Ok(TaskRef {
            id: row.try_get_unchecked(0)?,
            user_id: row.try_get_unchecked(1)?,
            title: row.try_get_unchecked(2)?,
            description: row.try_get_unchecked(3)?,
            completed: row.try_get_unchecked(4)?,
            created_at: row.try_get_unchecked(5)?,
            updated_at: row.try_get_unchecked(6)?,
        })
    }
}

impl From<TaskRef<'_>> for Task {
    fn from(task: TaskRef<'_>) -> Self {
        Task {
            id: task.id,
            user_id: task.user_id.to_owned(),
            title: task.title.to_owned(),
            description: task.description.map(str::to_owned),
            completed: task.completed,
            created_at: task.created_at.to_datetime(),
            updated_at: task.updated_at.to_datetime(),
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    use crate::db::{Db, NewTask, StatusFilter, TaskChanges};

    async fn json(db: &Db, user_id: &str) -> String {
        let mut out = Vec::new();
        db.write_task_list(user_id, StatusFilter::All, &mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn writes_exactly_what_serde_writes_for_tasks() {
        let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
        let db = Db::sqlite(pool);
        db.migrate().await.unwrap();
        let user = db.create_user("a@b.co", "not a real hash").await.unwrap();
        assert_eq!(json(&db, &user.id).await, "[]");

        let texts = [
            ("Plain", None),
            ("Quotes \" and \\ and ünïcode ✓ 🚀", Some("line\nbreak\ttab\r")),
            ("Controls \u{1}\u{1f} and DEL \u{7f}", Some("")),
            ("</script><b>&amp;", Some("\\")),
        ];
        for (title, description) in texts {
            let task = NewTask { title: title.into(), description: description.map(Into::into) };
            db.create_task(&user.id, &task, None, u32::MAX).await.unwrap();
        }
        db.update_task(&user.id, 2, &TaskChanges { completed: Some(true), ..Default::default() }).await.unwrap();

        let written = json(&db, &user.id).await;
        let tasks = db.list_tasks(&user.id, StatusFilter::All).await.unwrap();
        assert_eq!(tasks.len(), texts.len());
        assert_eq!(written, serde_json::to_string(&tasks).unwrap());
        assert!(written.contains(r#""title":"Quotes \" and \\ and ünïcode ✓ 🚀""#), "{written}");
        assert!(written.contains(r#""title":"Controls \u0001\u001f and DEL "#), "{written}");
    }
}
