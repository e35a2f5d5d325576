//! Task rows as the store returns them, and the task list written as JSON
//! while the rows arrive.
//!
//! Listing is the API's busiest call. Decoding every row into a [`Task`]
//! allocates its strings and tags only to serialize and drop them, and
//! serde's derived code escapes every field name, row after row: the list
//! endpoint reached about a third of its PostgreSQL ceiling that way, and
//! half of it written directly (docs/BENCHMARKS.md). So each row is read
//! in place ([`TaskRow`], the one reader of task rows: `Task` is built from
//! it) and written as JSON straight from the driver's buffer, in exactly
//! `Task`'s serde shape (the tests below hold the two together).

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt};
use sqlx::{ColumnIndex, Decode, FromRow, Row, Type};

use super::{rfc3339, task_query::TOTAL_COLUMN, timestamp::Timestamp};
use crate::task::{list::Cursor, Priority, Recurrence, Tags, Task};

/// A task borrowing its text from a row, read by position (as in
/// `task_columns!`) and without sqlx's per-value type check: the
/// migrations fix the types, and looking each column up by name row after
/// row was a visible share of listing; decoding still fails cleanly on a
/// mismatch.
pub(super) struct TaskRow<'r> {
    id: i64,
    user_id: &'r str,
    title: &'r str,
    description: Option<&'r str>,
    completed: bool,
    priority: i16,
    /// As stored: ` tag1 tag2 `.
    tags: &'r str,
    due_at: Option<Timestamp>,
    remind_at: Option<Timestamp>,
    reminded_at: Option<Timestamp>,
    recurrence: Option<&'r str>,
    created_at: Timestamp,
    updated_at: Timestamp,
    completed_at: Option<Timestamp>,
}

impl<'r, R: Row> FromRow<'r, R> for TaskRow<'r>
where
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    i16: Decode<'r, R::Database> + Type<R::Database>,
    &'r str: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
    Timestamp: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        TaskRow::read(row, row.try_get_unchecked(1)?)
    }
}

impl<'r> TaskRow<'r> {
    /// Reads a row whose owner is known already (`owner`): a page lists
    /// one user's tasks, so the owner is not decoded again on every row.
    fn read<R: Row>(row: &'r R, owner: &'r str) -> sqlx::Result<Self>
    where
        usize: ColumnIndex<R>,
        i64: Decode<'r, R::Database> + Type<R::Database>,
        i16: Decode<'r, R::Database> + Type<R::Database>,
        &'r str: Decode<'r, R::Database> + Type<R::Database>,
        bool: Decode<'r, R::Database> + Type<R::Database>,
        Timestamp: Decode<'r, R::Database> + Type<R::Database>,
    {
        Ok(TaskRow {
            id: row.try_get_unchecked(0)?,
            user_id: owner,
            title: row.try_get_unchecked(2)?,
            description: row.try_get_unchecked(3)?,
            completed: row.try_get_unchecked(4)?,
            priority: row.try_get_unchecked(5)?,
            tags: row.try_get_unchecked(6)?,
            due_at: row.try_get_unchecked(7)?,
            remind_at: row.try_get_unchecked(8)?,
            reminded_at: row.try_get_unchecked(9)?,
            recurrence: row.try_get_unchecked(10)?,
            created_at: row.try_get_unchecked(11)?,
            updated_at: row.try_get_unchecked(12)?,
            completed_at: row.try_get_unchecked(13)?,
        })
    }
}

impl<'r, R: Row> FromRow<'r, R> for Task
where
    TaskRow<'r>: FromRow<'r, R>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        TaskRow::from_row(row).map(Task::from)
    }
}

fn datetime(at: Option<Timestamp>) -> Option<DateTime<Utc>> {
    at.map(Timestamp::to_datetime)
}

impl From<TaskRow<'_>> for Task {
    fn from(row: TaskRow<'_>) -> Self {
        Task {
            id: row.id,
            user_id: row.user_id.to_owned(),
            title: row.title.to_owned(),
            description: row.description.map(str::to_owned),
            completed: row.completed,
            priority: Priority::from_rank(row.priority),
            tags: Tags::from_stored(row.tags),
            due_at: datetime(row.due_at),
            remind_at: datetime(row.remind_at),
            reminded_at: datetime(row.reminded_at),
            recurrence: row.recurrence.and_then(Recurrence::parse),
            created_at: row.created_at.to_datetime(),
            updated_at: row.updated_at.to_datetime(),
            completed_at: datetime(row.completed_at),
        }
    }
}

/// What a page written by [`write_page`] holds besides its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct PageEnd {
    /// The list's total, when the page's query could tell (see
    /// `task_query::total_column`).
    pub total: Option<i64>,
    /// More tasks follow: the cursor after the last one written.
    pub next: Option<Cursor>,
}

/// Writes up to `limit` of `rows` to `out` as a JSON array; a row beyond
/// `limit` only says that more follow.
pub(super) async fn write_page<R, S>(
    rows: S,
    owner: &str,
    query: &crate::task::list::TaskQuery,
    out: &mut Vec<u8>,
) -> sqlx::Result<PageEnd>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> TaskRow<'r>: FromRow<'r, R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i16: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> &'r str: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Timestamp: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    S: Stream<Item = sqlx::Result<R>>,
{
    let mut rows = std::pin::pin!(rows);
    let (mut written, mut total, mut last) = (0, None, None);
    let mut owner_json = Vec::with_capacity(owner.len() + 2);
    write_str(&mut owner_json, owner).map_err(|error| sqlx::Error::Encode(error.into()))?;
    out.push(b'[');
    while let Some(row) = rows.try_next().await? {
        if written == query.limit {
            let next = last.map(|last: Task| Cursor::after(&last, query.sort, query.order));
            out.push(b']');
            return Ok(PageEnd { total, next });
        }
        if written == 0 {
            total = row.try_get::<Option<i64>, _>(TOTAL_COLUMN)?;
            out.reserve(query.limit.min(128) as usize * 384);
        } else {
            out.push(b',');
        }
        let task = TaskRow::read(&row, owner)?;
        task.write_json(&owner_json, out).map_err(|error| sqlx::Error::Decode(error.into()))?;
        written += 1;
        if written == query.limit {
            // Only the last task of a full page is needed whole: for the cursor.
            last = Some(Task::from(task));
        }
    }
    out.push(b']');
    Ok(PageEnd { total, next: None })
}

impl TaskRow<'_> {
    /// Appends the task as JSON: what `Task`'s `Serialize` writes, with
    /// the owner's id written as `owner_json` (already a JSON string).
    fn write_json(&self, owner_json: &[u8], out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.id).as_bytes());
        out.extend_from_slice(b",\"user_id\":");
        out.extend_from_slice(owner_json);
        out.extend_from_slice(b",\"title\":");
        write_str(out, self.title)?;
        out.extend_from_slice(b",\"description\":");
        match self.description {
            Some(description) => write_str(out, description)?,
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if self.completed { b",\"completed\":true" } else { b",\"completed\":false" });
        out.extend_from_slice(b",\"priority\":\"");
        out.extend_from_slice(Priority::from_rank(self.priority).as_str().as_bytes());
        out.extend_from_slice(b"\",\"tags\":[");
        // Stored as ` tag1 tag2 `: tags hold no spaces.
        for (i, tag) in self.tags.split(' ').filter(|tag| !tag.is_empty()).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, tag)?;
        }
        out.extend_from_slice(b"],\"due_at\":");
        write_optional_timestamp(out, self.due_at)?;
        out.extend_from_slice(b",\"remind_at\":");
        write_optional_timestamp(out, self.remind_at)?;
        out.extend_from_slice(b",\"reminded_at\":");
        write_optional_timestamp(out, self.reminded_at)?;
        out.extend_from_slice(b",\"recurrence\":");
        match self.recurrence.and_then(Recurrence::parse) {
            Some(rule) => write_quoted(out, rule.as_str().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"created_at\":");
        write_timestamp(out, self.created_at)?;
        out.extend_from_slice(b",\"updated_at\":");
        write_timestamp(out, self.updated_at)?;
        out.extend_from_slice(b",\"completed_at\":");
        write_optional_timestamp(out, self.completed_at)?;
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

fn write_optional_timestamp(out: &mut Vec<u8>, at: Option<Timestamp>) -> serde_json::Result<()> {
    match at {
        Some(at) => write_timestamp(out, at),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use sqlx::sqlite::SqlitePoolOptions;

    use crate::{
        db::Db,
        task::{list::TaskQuery, NewTask, Priority, Recurrence, Tags, TaskChanges},
    };

    async fn json(db: &Db, user_id: &str, query: &TaskQuery) -> String {
        let mut out = Vec::new();
        db.write_task_page(user_id, query, &mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn writes_exactly_what_serde_writes_for_tasks() {
        let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
        let db = Db::sqlite(pool);
        db.migrate().await.unwrap();
        let user = db.create_user("a@b.co", "not a real hash").await.unwrap();
        assert_eq!(json(&db, &user.id, &TaskQuery::default()).await, "[]");

        let due = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        let texts = [
            ("Plain", None, Tags::default(), None),
            ("Quotes \" and \\ and ünïcode ✓ 🚀", Some("line\nbreak\ttab\r"), Tags(vec!["home".into()]), Some(due)),
            ("Controls \u{1}\u{1f} and DEL \u{7f}", Some(""), Tags(vec!["گھر".into(), "a-b_c".into()]), None),
            ("</script><b>&amp;", Some("\\"), Tags::default(), Some(due + chrono::Duration::nanoseconds(1500))),
        ];
        for (title, description, tags, due_at) in texts.clone() {
            let task = NewTask {
                title: title.into(),
                description: description.map(Into::into),
                priority: Priority::High,
                tags,
                due_at,
                remind_at: due_at,
                recurrence: due_at.map(|_| Recurrence::Weekly),
            };
            db.create_task(&user.id, &task, None, u32::MAX).await.unwrap();
        }
        let done = TaskChanges { completed: Some(true), ..Default::default() };
        db.update_task(&user.id, 2, &done, u32::MAX).await.unwrap();
        db.claim_reminders(&user.id).await.unwrap();

        let everything = TaskQuery { limit: 200, ..Default::default() };
        let written = json(&db, &user.id, &everything).await;
        let page = db.list_tasks(&user.id, &everything).await.unwrap();
        assert_eq!(page.tasks.len(), texts.len() + 1, "one next occurrence");
        assert_eq!(written, serde_json::to_string(&page.tasks).unwrap());
        assert!(written.contains(r#""title":"Quotes \" and \\ and ünïcode ✓ 🚀""#), "{written}");
        assert!(written.contains(r#""tags":["گھر","a-b_c"]"#), "{written}");
        // A page of two, and where it ends.
        let first = TaskQuery { limit: 2, ..Default::default() };
        let mut out = Vec::new();
        let end = db.write_task_page(&user.id, &first, &mut out).await.unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&page.tasks[..2]).unwrap());
        assert_eq!(end.total, Some(5));
        assert_eq!(end.next.map(|cursor| cursor.id), Some(2));
    }
}
