//! Tasks in the store. Every query names the owner: a task number alone
//! never reaches a row.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{FromRow, Row};

use super::{
    idempotency::{claim_key_in, Claim, Created, Keyed, RECORD_ANSWER, UNCLAIM},
    in_transaction,
    task_query::{self, Arg},
    task_rows::{self, PageEnd},
    with_pool, Db,
};
use crate::task::{list::TaskQuery, recurrence, NewTask, Recurrence, Task, TaskChanges};

/// A query of `sqlx` (`query`, `query_scalar`) with a built [`task_query::Sql`]'s
/// values bound in order, kept prepared unless its plan depends on them.
macro_rules! bound {
    ($query:expr, $sql:expr) => {{
        let mut query = $query.persistent(!$sql.plan_per_call);
        for arg in &$sql.args {
            query = match arg {
                Arg::Text(value) => query.bind(value),
                Arg::Int(value) => query.bind(value),
                Arg::Time(value) => query.bind(value),
                Arg::Bool(value) => query.bind(value),
            };
        }
        query
    }};
}

/// The columns every task query returns, in the order [`Task`]'s `FromRow`
/// reads them.
macro_rules! task_columns {
    () => {
        "id, user_id, title, description, completed, priority, tags, due_at, remind_at, reminded_at, recurrence, \
         created_at, updated_at, completed_at"
    };
}
pub(super) use task_columns;

const INSERT_TASK: &str = concat!(
    "INSERT INTO tasks (user_id, id, title, description, completed, priority, tags, due_at, remind_at, reminded_at, ",
    "recurrence, created_at, updated_at, completed_at, title_key, search_text) ",
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING ",
    task_columns!()
);

const UPDATE_TASK: &str = concat!(
    "UPDATE tasks SET title = $3, description = $4, completed = $5, priority = $6, tags = $7, due_at = $8, ",
    "remind_at = $9, reminded_at = $10, recurrence = $11, created_at = $12, updated_at = $13, completed_at = $14, ",
    "title_key = $15, search_text = $16 WHERE user_id = $1 AND id = $2 RETURNING ",
    task_columns!()
);

/// Takes the user's next task number and counts the new task, unless they
/// already have `$limit` tasks (then `None`). Reading the counters locks the
/// user's row until the transaction ends (the no-op update is what both
/// stores accept), so concurrent creates are counted and numbered one after
/// another.
macro_rules! take_task_number {
    ($tx:ident, $user_id:expr, $limit:expr) => {
        async {
            let read = "UPDATE users SET next_task_id = next_task_id WHERE id = $1 RETURNING next_task_id, task_count";
            let (next, existing): (i64, i64) = sqlx::query_as(read).bind($user_id).fetch_one(&mut *$tx).await?;
            if existing >= i64::from($limit) {
                return Ok::<_, sqlx::Error>(None);
            }
            let take = "UPDATE users SET next_task_id = $2, task_count = task_count + 1 WHERE id = $1";
            sqlx::query(take).bind($user_id).bind(next + 1).execute(&mut *$tx).await?;
            Ok(Some(next))
        }
    };
}

/// Keeps the user's count of completed tasks in step (`$change` is +1 or -1).
const COUNT_COMPLETED: &str = "UPDATE users SET completed_count = completed_count + $2 WHERE id = $1";
/// Reads a task and, on PostgreSQL, locks its row for the transaction (the
/// no-op update is what both stores accept; SQLite's transaction already
/// holds the write lock).
const LOCK_TASK: &str = concat!("UPDATE tasks SET id = id WHERE user_id = $1 AND id = $2 RETURNING ", task_columns!());
const USER_ZONE: &str = "SELECT timezone FROM user_settings WHERE user_id = $1";

/// Binds a task's columns in the order of [`INSERT_TASK`] and [`UPDATE_TASK`].
macro_rules! bind_task {
    ($query:expr, $user_id:expr, $task:expr) => {{
        let task: &Task = $task;
        $query
            .bind($user_id)
            .bind(task.id)
            .bind(&task.title)
            .bind(&task.description)
            .bind(task.completed)
            .bind(task.priority.rank())
            .bind(task.tags.to_stored())
            .bind(task.due_at)
            .bind(task.remind_at)
            .bind(task.reminded_at)
            .bind(task.recurrence.map(Recurrence::as_str))
            .bind(task.created_at)
            .bind(task.updated_at)
            .bind(task.completed_at)
            .bind(title_key(&task.title))
            .bind(search_text(&task.title, task.description.as_deref()))
    }};
}

/// The title as titles are sorted: lower-cased.
pub fn title_key(title: &str) -> String {
    title.to_lowercase()
}

/// What a search looks in: title and description, lower-cased.
pub fn search_text(title: &str, description: Option<&str>) -> String {
    format!("{}\n{}", title, description.unwrap_or_default()).to_lowercase()
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum Edited {
    /// The task as it is now, and the next occurrence it created (when a
    /// recurring task was completed).
    Done {
        task: Box<Task>,
        next: Option<Box<Task>>,
    },
    NotFound,
    /// Completing the recurring task would need one more task than the
    /// limit allows: nothing changed.
    AtLimit,
    /// The result would break a rule: nothing changed.
    Invalid {
        field: &'static str,
        message: String,
    },
}

/// A page of tasks and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub total: i64,
    /// More tasks follow the last one.
    pub more: bool,
}

impl Db {
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
        let now = Utc::now();
        in_transaction!(self, tx => async {
            if let Some(keyed) = keyed {
                match claim_key_in!(tx, user_id, keyed).await? {
                    Claim::Claimed => {}
                    earlier => return Ok(Created::Earlier(earlier)),
                }
            }
            let Some(id) = take_task_number!(tx, user_id, limit).await? else {
                if let Some(keyed) = keyed {
                    sqlx::query(UNCLAIM).bind(user_id).bind(keyed.key).execute(&mut *tx).await?;
                }
                return Ok(Created::AtLimit);
            };
            let new = new_row(user_id, id, task, now);
            let created: Task = bind_task!(sqlx::query_as(INSERT_TASK), user_id, &new).fetch_one(&mut *tx).await?;
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
        let sql = concat!("SELECT ", task_columns!(), " FROM tasks WHERE user_id = $1 AND id = $2");
        with_pool!(self, pool => sqlx::query_as(sql).bind(user_id).bind(id).fetch_optional(pool).await)
    }

    /// Applies `changes` to the task. Completing a recurring task creates its
    /// next occurrence in the same transaction: of two requests completing it
    /// at once, the second finds it completed and creates nothing.
    pub async fn update_task(&self, user_id: &str, id: i64, changes: &TaskChanges, limit: u32) -> sqlx::Result<Edited> {
        self.edit_task(user_id, id, limit, |_| changes.clone()).await
    }

    /// Completes a pending task, reopens a completed one.
    pub async fn toggle_task(&self, user_id: &str, id: i64, limit: u32) -> sqlx::Result<Edited> {
        self.edit_task(user_id, id, limit, |task| TaskChanges {
            completed: Some(!task.completed),
            ..Default::default()
        })
        .await
    }

    async fn edit_task(
        &self,
        user_id: &str,
        id: i64,
        limit: u32,
        changes_for: impl FnOnce(&Task) -> TaskChanges,
    ) -> sqlx::Result<Edited> {
        let now = Utc::now();
        in_transaction!(self, tx => async {
            let Some(current): Option<Task> =
                sqlx::query_as(LOCK_TASK).bind(user_id).bind(id).fetch_optional(&mut *tx).await?
            else {
                return Ok::<_, sqlx::Error>(Edited::NotFound);
            };
            let mut changed = current.changed(&changes_for(&current), now);
            if changed.recurrence.is_some() && changed.due_at.is_none() {
                let message = "a recurring task needs a due date".to_string();
                return Ok(Edited::Invalid { field: "recurrence", message });
            }
            let completes = changed.completed && !current.completed;
            let mut next = None;
            if let (true, Some(rule), Some(due)) = (completes, changed.recurrence, changed.due_at) {
                let zone: Option<String> = sqlx::query_scalar(USER_ZONE).bind(user_id).fetch_optional(&mut *tx).await?;
                let zone = zone.and_then(|name| name.parse::<Tz>().ok()).unwrap_or(chrono_tz::UTC);
                let Some(next_id) = take_task_number!(tx, user_id, limit).await? else {
                    return Ok(Edited::AtLimit);
                };
                let occurrence = next_occurrence(&changed, rule, due, zone, next_id, now);
                let inserted: Task =
                    bind_task!(sqlx::query_as(INSERT_TASK), user_id, &occurrence).fetch_one(&mut *tx).await?;
                next = Some(Box::new(inserted));
                // The rule moves on with the new occurrence: reopening and
                // completing this one again creates no second one.
                changed.recurrence = None;
            }
            if changed.completed != current.completed {
                let change: i64 = if changed.completed { 1 } else { -1 };
                sqlx::query(COUNT_COMPLETED).bind(user_id).bind(change).execute(&mut *tx).await?;
            }
            let task: Task = bind_task!(sqlx::query_as(UPDATE_TASK), user_id, &changed).fetch_one(&mut *tx).await?;
            Ok(Edited::Done { task: Box::new(task), next })
        }.await)
    }

    /// Deletes and returns the task, so callers can say what went.
    pub async fn delete_task(&self, user_id: &str, id: i64) -> sqlx::Result<Option<Task>> {
        let sql = concat!("DELETE FROM tasks WHERE user_id = $1 AND id = $2 RETURNING ", task_columns!());
        let uncount =
            "UPDATE users SET task_count = task_count - 1, completed_count = completed_count - $2 WHERE id = $1";
        in_transaction!(self, tx => async {
            let deleted: Option<Task> = sqlx::query_as(sql).bind(user_id).bind(id).fetch_optional(&mut *tx).await?;
            if let Some(task) = &deleted {
                sqlx::query(uncount).bind(user_id).bind(i64::from(task.completed)).execute(&mut *tx).await?;
            }
            Ok::<_, sqlx::Error>(deleted)
        }.await)
    }

    /// The page `query` asks for, and how many tasks match in all: in one
    /// round trip, except past the first page of a filtered list.
    pub async fn list_tasks(&self, user_id: &str, query: &TaskQuery) -> sqlx::Result<TaskPage> {
        let postgres = self.is_postgres();
        let page = task_query::page(user_id, query, postgres);
        let (mut tasks, total): (Vec<Task>, Option<i64>) = with_pool!(self, pool => {
            let sql = bound!(sqlx::query(&page.text), page);
            match sql.fetch_all(pool).await {
                Ok(rows) => {
                    let total = match rows.first() {
                        Some(row) => row.try_get::<Option<i64>, _>(task_query::TOTAL_COLUMN)?,
                        None => None,
                    };
                    let tasks = rows.iter().map(Task::from_row).collect::<sqlx::Result<Vec<Task>>>()?;
                    Ok((tasks, total))
                }
                Err(error) => Err(error),
            }
        })?;
        let more = tasks.len() > query.limit as usize;
        tasks.truncate(query.limit as usize);
        if let Some(total) = total {
            return Ok(TaskPage { tasks, total, more });
        }
        let total = self.count_tasks(user_id, query).await?;
        Ok(TaskPage { tasks, total, more })
    }

    /// The page `query` asks for, written to `out` as a JSON array as the
    /// rows arrive (see [`task_rows`]), and the list's total.
    pub async fn write_task_page(&self, user_id: &str, query: &TaskQuery, out: &mut Vec<u8>) -> sqlx::Result<PageEnd> {
        let postgres = self.is_postgres();
        let page = task_query::page(user_id, query, postgres);
        let mut end = with_pool!(self, pool => {
            let sql = bound!(sqlx::query(&page.text), page);
            task_rows::write_page(sql.fetch(pool), user_id, query, out).await
        })?;
        if end.total.is_none() {
            end.total = Some(self.count_tasks(user_id, query).await?);
        }
        Ok(end)
    }

    async fn count_tasks(&self, user_id: &str, query: &TaskQuery) -> sqlx::Result<i64> {
        let count = task_query::count(user_id, query, self.is_postgres());
        with_pool!(self, pool => {
            let sql = bound!(sqlx::query_scalar(&count.text), count);
            sql.fetch_one(pool).await
        })
    }

    /// Claims the user's due reminders: pending tasks whose `remind_at` has
    /// come and that were not reminded yet. Each reminder is claimed once,
    /// whoever asks first (another tab, another device).
    pub async fn claim_reminders(&self, user_id: &str) -> sqlx::Result<Vec<Task>> {
        let sql = concat!(
            "UPDATE tasks SET reminded_at = $2 WHERE user_id = $1 AND completed = FALSE AND reminded_at IS NULL ",
            "AND remind_at IS NOT NULL AND remind_at <= $2 RETURNING ",
            task_columns!()
        );
        let now = Utc::now();
        in_transaction!(self, tx => sqlx::query_as(sql).bind(user_id).bind(now).fetch_all(&mut *tx).await)
    }
}

fn new_row(user_id: &str, id: i64, task: &NewTask, now: DateTime<Utc>) -> Task {
    Task {
        id,
        user_id: user_id.to_string(),
        title: task.title.clone(),
        description: task.description.clone(),
        completed: false,
        priority: task.priority,
        tags: task.tags.clone(),
        due_at: task.due_at,
        remind_at: task.remind_at,
        reminded_at: None,
        recurrence: task.recurrence,
        created_at: now,
        updated_at: now,
        completed_at: None,
    }
}

/// The occurrence after `done`: the same task, due at the rule's next date,
/// its reminder moved by as much.
fn next_occurrence(done: &Task, rule: Recurrence, due: DateTime<Utc>, zone: Tz, id: i64, now: DateTime<Utc>) -> Task {
    let next_due = recurrence::next_due(rule, due, zone);
    let new = NewTask {
        title: done.title.clone(),
        description: done.description.clone(),
        priority: done.priority,
        tags: done.tags.clone(),
        due_at: Some(next_due),
        remind_at: done.remind_at.map(|remind| remind + (next_due - due)),
        recurrence: Some(rule),
    };
    new_row(&done.user_id, id, &new, now)
}
