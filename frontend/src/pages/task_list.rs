//! The task list's view: search, filters, sort and page, read from the
//! page's URL, checked against the values the backend knows, and written
//! back as the backend's list parameters and as links.

use serde::{Deserialize, Serialize};

/// Tasks per page.
pub const PAGE_SIZE: u32 = 20;

pub const STATUSES: [&str; 3] = ["all", "pending", "completed"];
pub const PRIORITIES: [&str; 4] = ["high", "medium", "low", "none"];
pub const DUES: [&str; 4] = ["overdue", "today", "week", "none"];
pub const SORTS: [&str; 5] = ["created", "due", "priority", "title", "updated"];
pub const ORDERS: [&str; 2] = ["asc", "desc"];

/// The list's parameters as the page's URL carries them.
#[derive(Deserialize, Default, Debug)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub tag: Option<String>,
    pub due: Option<String>,
    pub sort: Option<String>,
    pub order: Option<String>,
    pub cursor: Option<String>,
    /// The page's number, for "21–40 of 45" (the cursor says where it starts).
    pub p: Option<u32>,
    /// The task whose edit form is open.
    pub edit: Option<i64>,
}

/// The list's view, with only known values ("" = not filtered).
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct View {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub q: String,
    #[serde(skip_serializing_if = "is_all")]
    pub status: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub priority: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub tag: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub due: &'static str,
    #[serde(skip_serializing_if = "is_created")]
    pub sort: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub order: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "is_first")]
    pub p: u32,
}

fn is_all(status: &&str) -> bool {
    *status == "all"
}

fn is_created(sort: &&str) -> bool {
    *sort == "created"
}

fn is_first(page: &u32) -> bool {
    *page <= 1
}

fn known(list: &[&'static str], value: Option<&str>) -> &'static str {
    list.iter().find(|known| Some(**known) == value.map(str::trim)).copied().unwrap_or("")
}

impl From<&ListQuery> for View {
    fn from(query: &ListQuery) -> Self {
        let cursor = query.cursor.clone().filter(|cursor| !cursor.is_empty());
        View {
            q: query.q.trim().to_string(),
            status: Some(known(&STATUSES, query.status.as_deref())).filter(|s| !s.is_empty()).unwrap_or("all"),
            priority: known(&PRIORITIES, query.priority.as_deref()),
            tag: query.tag.as_deref().unwrap_or_default().trim().trim_start_matches('#').to_lowercase(),
            due: known(&DUES, query.due.as_deref()),
            sort: Some(known(&SORTS, query.sort.as_deref())).filter(|s| !s.is_empty()).unwrap_or("created"),
            order: known(&ORDERS, query.order.as_deref()),
            p: if cursor.is_some() { query.p.unwrap_or(2).max(2) } else { 1 },
            cursor,
        }
    }
}

impl View {
    /// A view from a form's `back` field (a query string of this page).
    pub fn from_back(back: &str) -> Self {
        View::from(&serde_urlencoded::from_str::<ListQuery>(back).unwrap_or_default())
    }

    /// This view as the page's query string ("" for the default view).
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// `/tasks` with this view.
    pub fn href(&self) -> String {
        match self.query() {
            query if query.is_empty() => "/tasks".to_string(),
            query => format!("/tasks?{query}"),
        }
    }

    /// The backend's list parameters for this page.
    pub fn backend_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("status", self.status.into()), ("sort", self.sort.into())];
        for (name, value) in
            [("q", self.q.as_str()), ("priority", self.priority), ("tag", &self.tag), ("due", self.due)]
        {
            if !value.is_empty() {
                pairs.push((name, value.into()));
            }
        }
        if !self.order.is_empty() {
            pairs.push(("order", self.order.into()));
        }
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor", cursor.clone()));
        }
        pairs.push(("limit", PAGE_SIZE.to_string()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The first page of this view.
    pub fn first_page(&self) -> View {
        View { cursor: None, p: 1, ..self.clone() }
    }

    /// The page after this one.
    pub fn next_page(&self, cursor: String) -> View {
        View { cursor: Some(cursor), p: self.p + 1, ..self.clone() }
    }

    /// The first page with another status.
    pub fn with_status(&self, status: &'static str) -> String {
        View { status, ..self.first_page() }.href()
    }

    /// The first page of the tasks tagged `tag`.
    pub fn with_tag(&self, tag: &str) -> String {
        View { tag: tag.to_string(), ..self.first_page() }.href()
    }

    /// This page with `task`'s edit form open. (No `#task-N`: a URL that
    /// points into the page turns `autofocus` off, and the form's title
    /// field has it.)
    pub fn edit_href(&self, task: i64) -> String {
        let query = self.query();
        let joiner = if query.is_empty() { "" } else { "&" };
        format!("/tasks?{query}{joiner}edit={task}")
    }

    /// True when anything narrows the list, so "no tasks" means "none match".
    pub fn narrowed(&self) -> bool {
        !(self.q.is_empty() && self.priority.is_empty() && self.tag.is_empty() && self.due.is_empty())
    }

    /// True when the search form's extra fields are in use, so they start unfolded.
    pub fn refined(&self) -> bool {
        self.narrowed() || self.sort != "created" || !self.order.is_empty()
    }

    /// The position of this page's first task (1-based).
    pub fn first_position(&self) -> u32 {
        (self.p - 1) * PAGE_SIZE + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(query: &str) -> View {
        View::from(&serde_urlencoded::from_str::<ListQuery>(query).unwrap())
    }

    #[test]
    fn unknown_values_fall_back_to_the_default_view() {
        assert_eq!(view("status=bogus&sort=x&order=up&priority=urgent&due=soon"), View::from(&ListQuery::default()));
        assert_eq!(view("").href(), "/tasks");
    }

    #[test]
    fn the_view_round_trips_through_links_and_maps_to_the_backend() {
        let v = view("q=rent&status=pending&priority=high&tag=%23Home&due=week&sort=due&order=desc");
        assert_eq!(View::from_back(&v.query()), v);
        assert_eq!(
            v.backend_query(),
            "status=pending&sort=due&q=rent&priority=high&tag=home&due=week&order=desc&limit=20"
        );
        let next = v.next_page("abc=".into());
        assert_eq!(next.p, 2);
        assert!(next.backend_query().contains("cursor=abc%3D"));
        assert_eq!(View::from_back(&next.query()), next);
        assert_eq!(next.first_page(), v);
        assert_eq!(view("").edit_href(3), "/tasks?edit=3");
    }
}
