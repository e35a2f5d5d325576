//! The SQL of a task list: filters, order and keyset paging, built from a
//! [`TaskQuery`] with numbered placeholders and the values to bind.
//!
//! Keyset paging continues after the last task's sort key, so a page deep
//! in a long list costs what the first page costs (an index per sort order
//! serves it), unlike `OFFSET`. Search is the one part written per store:
//! a trigram index on PostgreSQL (pg_trgm), an FTS5 trigram index on SQLite;
//! both match a lower-cased substring of the title or description.

use chrono::{DateTime, Utc};

use super::tasks::task_columns;
use crate::task::list::{Cursor, CursorKey, DueWindow, Order, Sort, TaskQuery};

/// A value to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
    Bool(bool),
}

/// SQL text with `$n` placeholders, and their values in order.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
    /// Whether the best plan depends on the values (a search term, a tag):
    /// then the statement is planned for each call instead of being kept
    /// prepared, as PostgreSQL switches a kept statement to one generic plan
    /// after five calls, and a generic plan cannot tell a rare search term
    /// from a common one (it walks the user's whole list instead of the
    /// trigram index).
    pub plan_per_call: bool,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let placeholder = format!("${}", self.args.len());
        self.text.push_str(&placeholder);
        self
    }
}

/// One column of an ordering.
struct Key {
    column: &'static str,
    descending: bool,
    /// Nulls sort last, in both directions.
    nullable: bool,
}

fn keys(sort: Sort, order: Order) -> Vec<Key> {
    let descending = order == Order::Desc;
    let key = |column, descending, nullable| Key { column, descending, nullable };
    match sort {
        Sort::Created => vec![key("id", descending, false)],
        Sort::Due => vec![key("due_at", descending, true), key("id", descending, false)],
        // Ties by due date (soonest first), then number.
        Sort::Priority => vec![key("priority", descending, false), key("due_at", false, true), key("id", false, false)],
        Sort::Title => vec![key("title_key", descending, false), key("id", descending, false)],
        Sort::Updated => vec![key("updated_at", descending, false), key("id", descending, false)],
    }
}

/// The values of a cursor, one per key of its ordering.
fn cursor_values(cursor: &Cursor) -> Vec<Option<Arg>> {
    let key = cursor.key.as_ref().map(|key| match key {
        CursorKey::Rank(rank) => Arg::Int(i64::from(*rank)),
        CursorKey::Time(at) => Arg::Time(*at),
        CursorKey::Text(text) => Arg::Text(text.clone()),
    });
    let id = Some(Arg::Int(cursor.id));
    match cursor.sort {
        Sort::Created => vec![id],
        Sort::Priority => vec![key, cursor.due.map(Arg::Time), id],
        Sort::Due | Sort::Title | Sort::Updated => vec![key, id],
    }
}

/// `WHERE …` for the user and the query's filters (not the cursor).
fn filters(sql: &mut Sql, user_id: &str, query: &TaskQuery, postgres: bool) {
    sql.plan_per_call = !only_status(query);
    sql.push(" FROM tasks WHERE user_id = ").arg(Arg::Text(user_id.to_string()));
    if let Some(completed) = query.status.completed() {
        sql.push(" AND completed = ").arg(Arg::Bool(completed));
    }
    if let Some(search) = query.search.as_deref().filter(|search| !search.is_empty()) {
        search_clause(sql, search, postgres);
    }
    if !query.priorities.is_empty() {
        sql.push(" AND priority IN (");
        for (i, priority) in query.priorities.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.arg(Arg::Int(i64::from(priority.rank())));
        }
        sql.push(")");
    }
    for tag in query.tags.iter() {
        sql.push(" AND tags LIKE ").arg(Arg::Text(format!("% {} %", escape_like(tag)))).push(" ESCAPE '\\'");
    }
    match query.due {
        None => {}
        Some(DueWindow::Before(at)) => {
            sql.push(" AND completed = FALSE AND due_at < ").arg(Arg::Time(at));
        }
        Some(DueWindow::Between(from, to)) => {
            sql.push(" AND due_at >= ").arg(Arg::Time(from)).push(" AND due_at < ").arg(Arg::Time(to));
        }
        Some(DueWindow::NoDueDate) => {
            sql.push(" AND due_at IS NULL");
        }
    }
}

/// Substring search through each store's trigram index. FTS5 matches a
/// phrase of three characters or more through its index; shorter searches
/// scan the user's tasks, as PostgreSQL does for them.
fn search_clause(sql: &mut Sql, search: &str, postgres: bool) {
    if postgres || search.chars().count() < 3 {
        sql.push(" AND search_text LIKE ").arg(Arg::Text(format!("%{}%", escape_like(search)))).push(" ESCAPE '\\'");
    } else {
        let phrase = format!("\"{}\"", search.replace('"', "\"\""));
        sql.push(" AND row_id IN (SELECT rowid FROM tasks_search WHERE tasks_search MATCH ")
            .arg(Arg::Text(phrase))
            .push(")");
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Rows after `cursor` in the ordering of `keys`: for some key, all keys
/// before it equal the cursor's and it comes after the cursor's value.
fn after(sql: &mut Sql, keys: &[Key], values: &[Option<Arg>]) {
    sql.push(" AND (");
    let mut first = true;
    for (i, key) in keys.iter().enumerate() {
        let Some(value) = &values[i] else {
            // Nothing comes after a null but later keys (nulls sort last).
            continue;
        };
        if !first {
            sql.push(" OR ");
        }
        first = false;
        sql.push("(");
        for (earlier, earlier_value) in keys[..i].iter().zip(values) {
            match earlier_value {
                Some(v) => sql.push(earlier.column).push(" = ").arg(v.clone()).push(" AND "),
                None => sql.push(earlier.column).push(" IS NULL AND "),
            };
        }
        let comparison = if key.descending { " < " } else { " > " };
        if key.nullable {
            sql.push("(").push(key.column).push(comparison).arg(value.clone());
            sql.push(" OR ").push(key.column).push(" IS NULL)");
        } else {
            sql.push(key.column).push(comparison).arg(value.clone());
        }
        sql.push(")");
    }
    if first {
        sql.push("FALSE");
    }
    sql.push(")");
}

/// How the page's query finds the list's total, as the column after the
/// task's: from the user's counters when only the status filters (no count
/// at all), by a window over the matches on a first page, else not (the
/// caller counts).
fn total_column(query: &TaskQuery) -> &'static str {
    match (only_status(query), query.status.completed(), &query.after) {
        (true, None, _) => ", (SELECT task_count FROM users WHERE id = $1)",
        (true, Some(false), _) => ", (SELECT task_count - completed_count FROM users WHERE id = $1)",
        (true, Some(true), _) => ", (SELECT completed_count FROM users WHERE id = $1)",
        (false, _, None) => ", count(*) OVER ()",
        (false, _, Some(_)) => ", CAST(NULL AS BIGINT)",
    }
}

/// Whether the query filters by status alone (or not at all).
fn only_status(query: &TaskQuery) -> bool {
    query.search.is_none() && query.priorities.is_empty() && query.tags.is_empty() && query.due.is_none()
}

/// The position of the total in a page's rows (after the task's columns).
pub const TOTAL_COLUMN: usize = 14;

/// One page, with one task more than asked for (to know whether more
/// follow), each row ending with the list's total where the query can
/// tell (see [`total_column`]).
pub fn page(user_id: &str, query: &TaskQuery, postgres: bool) -> Sql {
    let mut sql = Sql::default();
    sql.push(concat!("SELECT ", task_columns!())).push(total_column(query));
    filters(&mut sql, user_id, query, postgres);
    let keys = keys(query.sort, query.order);
    if let Some(cursor) = &query.after {
        after(&mut sql, &keys, &cursor_values(cursor));
    }
    sql.push(" ORDER BY ");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(key.column).push(if key.descending { " DESC" } else { " ASC" });
        if key.nullable {
            sql.push(" NULLS LAST");
        }
    }
    sql.push(" LIMIT ").arg(Arg::Int(i64::from(query.limit) + 1));
    sql
}

/// How many tasks match the query's filters.
pub fn count(user_id: &str, query: &TaskQuery, postgres: bool) -> Sql {
    let mut sql = Sql::default();
    sql.push("SELECT count(*)");
    filters(&mut sql, user_id, query, postgres);
    sql
}
