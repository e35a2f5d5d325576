use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, Row};
use utoipa::ToSchema;

use super::{
    idempotency::{claim_key_in, Claim, Created, Keyed, RECORD_ANSWER, UNCLAIM},
    in_transaction, rfc3339,
    task_rows::{self, TaskRef},
    with_pool, Db,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub id: i64,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// The columns every task query returns, in the order [`TaskRef`] reads
/// them (by position: see there).
macro_rules! task_columns {
    () => {
        "id, user_id, title, description, completed, created_at, updated_at"
    };
}

const LIST_TASKS: &str = concat!(
    "SELECT ",
    task_columns!(),
    " FROM tasks WHERE user_id = $1 AND ($2 IS NULL OR completed = $2) ORDER BY id"
);

impl<'r, R: Row> FromRow<'r, R> for Task
where
    TaskRef<'r>: FromRow<'r, R>,
{
    fn from_row(row: &'r R) -> sqlx::Result<Self> {
        TaskRef::from_row(row).map(Task::from)
    }
}

/// A validated new task.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
}

/// Validated changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub completed: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

impl StatusFilter {
    fn completed(self) -> Option<bool> {
        match self {
            StatusFilter::All => None,
            StatusFilter::Pending => Some(false),
            StatusFilter::Completed => Some(true),
        }
    }
}

// Every query names the owner: a task id alone never reaches a row.
impl Db {
    pub async fn list_tasks(&self, user_id: &str, status: StatusFilter) -> sqlx::Result<Vec<Task>> {
        with_pool!(self, pool => sqlx::query_as(LIST_TASKS)
            .bind(user_id).bind(status.completed())
            .fetch_all(pool).await)
    }

    /// At most `limit` of the user's tasks (oldest first), and how many match.
    pub async fn list_tasks_page(
        &self,
        user_id: &str,
        status: StatusFilter,
        limit: u32,
    ) -> sqlx::Result<(Vec<Task>, i64)> {
        let page = concat!(
            "SELECT ",
            task_columns!(),
            " FROM tasks WHERE user_id = $1 AND ($2 IS NULL OR completed = $2) ORDER BY id LIMIT $3"
        );
        let count = "SELECT count(*) FROM tasks WHERE user_id = $1 AND ($2 IS NULL OR completed = $2)";
        let tasks = with_pool!(self, pool => sqlx::query_as(page)
            .bind(user_id).bind(status.completed()).bind(i64::from(limit))
            .fetch_all(pool).await)?;
        let total = with_pool!(self, pool => sqlx::query_scalar(count)
            .bind(user_id).bind(status.completed())
            .fetch_one(pool).await)?;
        Ok((tasks, total))
    }

    /// The same list appended to `out` as a JSON array (see [`task_rows`]).
    pub async fn write_task_list(&self, user_id: &str, status: StatusFilter, out: &mut Vec<u8>) -> sqlx::Result<()> {
        with_pool!(self, pool => {
            let rows = sqlx::query(LIST_TASKS).bind(user_id).bind(status.completed()).fetch(pool);
            task_rows::write_json(rows, out).await
        })
    }

    /// Creates a task, unless the user already has `limit` tasks. With
    /// `keyed`, at most once per key: the key is claimed, the task inserted
    /// and the answer recorded in one transaction, so a retry finds all of
    /// it or none of it.
    pub async fn create_task(
        &self,
        user_id: &str,
        task: &NewTask,
        keyed: Option<Keyed<'_>>,
        limit: u32,
    ) -> sqlx::Result<Created<Task>> {
        let sql = concat!(
            "INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at) ",
            "VALUES ($1, $2, $3, FALSE, $4, $4) RETURNING ",
            task_columns!()
        );
        let count = "SELECT count(*) FROM tasks WHERE user_id = $1";
        in_transaction!(self, tx => async {
            if let Some(keyed) = keyed {
                match claim_key_in!(tx, user_id, keyed).await? {
                    Claim::Claimed => {}
                    earlier => return Ok(Created::Earlier(earlier)),
                }
            }
            let existing: i64 = sqlx::query_scalar(count).bind(user_id).fetch_one(&mut *tx).await?;
            if existing >= i64::from(limit) {
                if let Some(keyed) = keyed {
                    sqlx::query(UNCLAIM).bind(user_id).bind(keyed.key).execute(&mut *tx).await?;
                }
                return Ok(Created::AtLimit);
            }
            let created: Task = sqlx::query_as(sql)
                .bind(user_id).bind(&task.title).bind(&task.description).bind(Utc::now())
                .fetch_one(&mut *tx).await?;
            if let Some(keyed) = keyed {
                let answer = serde_json::to_string(&created).map_err(|error| sqlx::Error::Encode(error.into()))?;
                sqlx::query(RECORD_ANSWER)
                    .bind(user_id).bind(keyed.key).bind(i32::from(keyed.status)).bind(answer)
                    .execute(&mut *tx).await?;
            }
            Ok::<_, sqlx::Error>(Created::Done(created))
        }.await)
    }

    pub async fn get_task(&self, user_id: &str, id: i64) -> sqlx::Result<Option<Task>> {
        let sql = concat!("SELECT ", task_columns!(), " FROM tasks WHERE id = $1 AND user_id = $2");
        with_pool!(self, pool => sqlx::query_as(sql).bind(id).bind(user_id).fetch_optional(pool).await)
    }

    pub async fn update_task(&self, user_id: &str, id: i64, changes: &TaskChanges) -> sqlx::Result<Option<Task>> {
        let sql = concat!(
            "UPDATE tasks SET title = COALESCE($3, title), description = COALESCE($4, description), ",
            "completed = COALESCE($5, completed), updated_at = $6 ",
            "WHERE id = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        in_transaction!(self, tx => sqlx::query_as(sql)
            .bind(id).bind(user_id)
            .bind(&changes.title).bind(&changes.description).bind(changes.completed).bind(Utc::now())
            .fetch_optional(&mut *tx).await)
    }

    pub async fn toggle_task(&self, user_id: &str, id: i64) -> sqlx::Result<Option<Task>> {
        let sql = concat!(
            "UPDATE tasks SET completed = NOT completed, updated_at = $3 WHERE id = $1 AND user_id = $2 RETURNING ",
            task_columns!()
        );
        in_transaction!(self, tx => sqlx::query_as(sql)
            .bind(id).bind(user_id).bind(Utc::now())
            .fetch_optional(&mut *tx).await)
    }

    /// Deletes and returns the task, so callers can say what went.
    pub async fn delete_task(&self, user_id: &str, id: i64) -> sqlx::Result<Option<Task>> {
        let sql = concat!("DELETE FROM tasks WHERE id = $1 AND user_id = $2 RETURNING ", task_columns!());
        in_transaction!(self, tx => sqlx::query_as(sql).bind(id).bind(user_id).fetch_optional(&mut *tx).await)
    }
}
