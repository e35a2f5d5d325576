//! The task list as the database returned it, serialized without copies.
//!
//! Listing is the API's busiest call. Decoding every row into a [`Task`]
//! copies three strings per task only to serialize and drop them; here the
//! JSON is written straight from the driver's row buffers, in the same shape
//! as `Task` (the test below holds the two together).

use chrono::{DateTime, Utc};
use serde::{ser::SerializeSeq, Serialize, Serializer};
use sqlx::{postgres::PgRow, sqlite::SqliteRow, ColumnIndex, Decode, FromRow, Row, Type};

use super::{rfc3339, Task};

pub enum TaskRows {
    Postgres(Vec<PgRow>),
    Sqlite(Vec<SqliteRow>),
}

impl TaskRows {
    pub fn len(&self) -> usize {
        match self {
            TaskRows::Postgres(rows) => rows.len(),
            TaskRows::Sqlite(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn into_tasks(self) -> sqlx::Result<Vec<Task>> {
        match self {
            TaskRows::Postgres(rows) => rows.iter().map(Task::from_row).collect(),
            TaskRows::Sqlite(rows) => rows.iter().map(Task::from_row).collect(),
        }
    }
}

impl Serialize for TaskRows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TaskRows::Postgres(rows) => serialize_rows(rows, serializer),
            TaskRows::Sqlite(rows) => serialize_rows(rows, serializer),
        }
    }
}

fn serialize_rows<'r, R, S>(rows: &'r [R], serializer: S) -> Result<S::Ok, S::Error>
where
    R: Row,
    TaskRef<'r>: FromRow<'r, R>,
    S: Serializer,
{
    let mut seq = serializer.serialize_seq(Some(rows.len()))?;
    for row in rows {
        seq.serialize_element(&TaskRef::from_row(row).map_err(serde::ser::Error::custom)?)?;
    }
    seq.end()
}

/// A [`Task`] borrowing its text from a row: the one reader of task rows
/// (`Task` is built from it). It reads by position and without sqlx's
/// per-value type check (the migrations fix the types), because looking
/// each column up by name and checking its type, row after row, was a
/// visible share of listing tasks; decoding still fails cleanly on a
/// mismatch.
#[derive(Serialize)]
pub(super) struct TaskRef<'r> {
    id: i64,
    user_id: &'r str,
    title: &'r str,
    description: Option<&'r str>,
    completed: bool,
    #[serde(serialize_with = "rfc3339::serialize")]
    created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    updated_at: DateTime<Utc>,
}

// Positions as in `task_columns!`.
impl<'r, R: Row> FromRow<'r, R> for TaskRef<'r>
where
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    &'r str: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
    DateTime<Utc>: Decode<'r, R::Database> + Type<R::Database>,
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
            created_at: task.created_at,
            updated_at: task.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    use crate::db::{Db, NewTask, StatusFilter, TaskChanges};

    #[tokio::test]
    async fn serializes_exactly_like_tasks() {
        let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
        let db = Db::Sqlite(pool);
        db.migrate().await.unwrap();
        let user = db.create_user("a@b.co", "not a real hash").await.unwrap();
        for (title, description) in [("Plain", None), ("Quotes \" and \\ and ünïcode ✓", Some("line\nbreak\ttab"))]
        {
            let task = NewTask { title: title.into(), description: description.map(Into::into) };
            db.create_task(&user.id, &task).await.unwrap();
        }
        db.update_task(&user.id, 2, &TaskChanges { completed: Some(true), ..Default::default() }).await.unwrap();

        let rows = db.list_task_rows(&user.id, StatusFilter::All).await.unwrap();
        let as_rows = serde_json::to_string(&rows).unwrap();
        let as_tasks = serde_json::to_string(&rows.into_tasks().unwrap()).unwrap();
        assert_eq!(as_rows, as_tasks);
        assert!(as_rows.contains(r#""title":"Quotes \" and \\ and ünïcode ✓""#), "{as_rows}");
    }
}
