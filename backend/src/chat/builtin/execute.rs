//! The turn executor: acts on a parsed intent through the typed tools,
//! records each call, asks when the target is unclear, and asks before
//! deleting more than one task.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use common::due::END_OF_DAY;
use serde::Serialize;
use serde_json::Value;

use super::{
    intent::{Choice, Clock, Intent, Parsed, Target, Verb},
    lookup::{pick, Pick},
    say::{self, Say},
    state::{ChatState, OneTask, Pending, PendingAction},
};
use crate::{
    chat::{
        reply::ReplySink,
        tools::{
            self,
            args::{AddTask, Clearable, ListTasks, TaskId, TaskList, TaskOutcome, TaskSummary, UpdateTask},
            core, Caller, ToolCall, ToolError,
        },
    },
    task::{
        list::{DueFilter, Sort, StatusFilter, PAGE_MAX},
        recurrence::at_local,
    },
};

/// One turn of the built-in agent.
pub struct Turn<'a, 'c> {
    pub caller: &'a Caller<'c>,
    pub sink: &'a mut ReplySink,
    pub state: &'a mut ChatState,
    pub clock: Clock,
    pub say: Say,
}

/// A tool's answer, or the recoverable error to explain to the user.
type Tried<T> = Result<T, ToolError>;

impl Turn<'_, '_> {
    /// Answers `parsed` (the reading of `text`), given the question the
    /// assistant may have asked.
    pub async fn run(mut self, parsed: Parsed, text: &str) -> Result<(), ToolError> {
        let pending = self.state.take_pending(self.clock.now);
        match (pending, parsed.intent) {
            (Some(pending), intent) => self.answer(pending, intent, text).await,
            (None, Intent::Yes | Intent::No | Intent::Choice(_)) => {
                let text = self.say.nothing_asked();
                self.tell(text)
            }
            (None, intent) => self.act(intent).await,
        }
    }

    /// A message that follows a question: its answer, or something new.
    async fn answer(&mut self, pending: Pending, intent: Intent, text: &str) -> Result<(), ToolError> {
        match (pending.action, intent) {
            (PendingAction::DeleteTasks { task_ids, filter }, Intent::Yes) => self.delete_all(&task_ids, filter).await,
            (PendingAction::Choose { act, candidates }, Intent::Choice(choice)) => match chosen(choice, &candidates) {
                Some(task_id) => self.act_on(task_id, act).await,
                None => {
                    let text = self.say.pick_a_number();
                    self.state.pending = Some(Pending { action: PendingAction::Choose { act, candidates }, ..pending });
                    self.sink.say(&text);
                    Ok(())
                }
            },
            (_, Intent::No) => {
                let text = self.say.kept();
                self.tell(text)
            }
            // An answer of the wrong kind: ask again, keep the question open.
            // "Do you mean this one?" "Yes."
            (PendingAction::Choose { act, candidates }, Intent::Yes) if candidates.len() == 1 => {
                self.act_on(candidates[0], act).await
            }
            (action @ PendingAction::DeleteTasks { .. }, Intent::Choice(_))
            | (action @ PendingAction::Choose { .. }, Intent::Yes) => {
                let text = match action {
                    PendingAction::DeleteTasks { .. } => self.say.yes_or_no(),
                    PendingAction::Choose { .. } => self.say.pick_a_number(),
                };
                self.state.pending = Some(Pending { action, ..pending });
                self.sink.say(&text);
                Ok(())
            }
            // "Which one?" "The team meeting.": a name among those offered.
            (PendingAction::Choose { act, candidates }, intent) => {
                let named = self.named_among(&candidates, text).await?;
                match (named, intent) {
                    (Some(task_id), _) => self.act_on(task_id, act).await,
                    (None, Intent::Unknown) => {
                        let text = self.say.pick_a_number();
                        self.state.pending =
                            Some(Pending { action: PendingAction::Choose { act, candidates }, ..pending });
                        self.tell(text)
                    }
                    // Something else entirely: the question lapses.
                    (None, intent) => self.act(intent).await,
                }
            }
            (_, intent) => self.act(intent).await,
        }
    }

    /// The one task among `candidates` whose title `text` names, if exactly one.
    async fn named_among(&self, candidates: &[i64], text: &str) -> Result<Option<i64>, ToolError> {
        let mut tasks = Vec::new();
        for &id in candidates {
            if let Some(task) = self.caller.db.get_task(self.caller.user_id, id).await? {
                tasks.push(TaskSummary::from(&task));
            }
        }
        let name = text.trim().trim_end_matches(['.', '!', '?']).trim();
        Ok(match pick(&tasks, name) {
            Pick::One(id) => Some(id),
            Pick::Ask(guesses) if guesses.len() == 1 => Some(guesses[0].id),
            _ => None,
        })
    }

    async fn act(&mut self, intent: Intent) -> Result<(), ToolError> {
        match intent {
            Intent::Add { task, then_complete } => self.add(task, then_complete).await,
            Intent::RemindOrAdd(task) => self.remind_or_add(task).await,
            Intent::List(query) => self.list(query).await,
            Intent::ListDay { query, day } => self.list_day(query, day).await,
            Intent::Show(target) => self.on_target(target, OneTask::Show).await,
            Intent::Complete(target) => self.on_target(target, OneTask::Complete).await,
            Intent::Reopen(target) => self.on_target(target, OneTask::Reopen).await,
            Intent::Delete(target) => self.on_target(target, OneTask::Delete).await,
            Intent::Update { target, changes } => self.on_target(target, OneTask::Update { changes }).await,
            Intent::UpdateEither(readings) => self.update_either(readings).await,
            Intent::Retime { target, time } => self.on_target(target, OneTask::Retime { time }).await,
            Intent::RemindBefore { target, minutes } => self.on_target(target, OneTask::RemindBefore { minutes }).await,
            Intent::AddNote { target, note } => self.on_target(target, OneTask::AddNote { note }).await,
            Intent::DeleteAll(query) => self.confirm_delete_all(query).await,
            Intent::Incomplete(verb) => self.tell(self.say.incomplete(verb)),
            Intent::Greeting => self.tell(self.say.greeting()),
            Intent::Thanks => self.tell(self.say.thanks()),
            Intent::Help => self.tell(self.say.capabilities()),
            Intent::Yes | Intent::No | Intent::Choice(_) | Intent::Unknown => self.tell(self.say.unknown()),
        }
    }

    /// Records a typed tool's call and `outcome` as the JSON adapter would;
    /// a database failure ends the turn, other failures are the user's to fix.
    async fn record<A: Serialize, R: Serialize>(
        &mut self,
        tool: &str,
        arguments: &A,
        outcome: Result<R, ToolError>,
    ) -> Result<Tried<R>, ToolError> {
        let result = match &outcome {
            Ok(done) => serde_json::to_value(done).unwrap_or(Value::Null),
            Err(error) if error.is_recoverable() => error.to_result(),
            Err(_) => return outcome.map(Ok),
        };
        // Recorded as a model would send them: only the arguments given.
        let mut arguments = serde_json::to_value(arguments).unwrap_or(Value::Null);
        if let Value::Object(fields) = &mut arguments {
            fields.retain(|_, value| !value.is_null());
        }
        self.sink.record(ToolCall { tool: tool.into(), arguments, result });
        Ok(outcome)
    }

    fn tell(&mut self, text: String) -> Result<(), ToolError> {
        self.sink.say(&text);
        Ok(())
    }

    /// Says why a tool could not do what was asked.
    fn explain(&mut self, error: &ToolError) -> Result<(), ToolError> {
        let text = match error {
            ToolError::NotFound(id) => self.say.no_such_task(*id),
            other => self.say.failed(&other.to_string()),
        };
        self.tell(text)
    }

    async fn add(&mut self, task: AddTask, then_complete: bool) -> Result<(), ToolError> {
        let outcome = core::add(self.caller, task.clone()).await;
        let added = match self.record(tools::ADD_TASK, &task, outcome).await? {
            Ok(added) => added,
            Err(error) => return self.explain(&error),
        };
        self.state.name(Some(added.task_id));
        let text = self.say.added(&added, &task);
        self.sink.say(&text);
        if then_complete {
            self.sink.say("\n");
            self.act_on(added.task_id, OneTask::Complete).await?;
        }
        Ok(())
    }

    /// A reminder on the one pending task titled exactly like `task`, else
    /// `task` added with its reminder.
    async fn remind_or_add(&mut self, task: AddTask) -> Result<(), ToolError> {
        let Some(remind_at) = task.remind_at else { return self.add(task, false).await };
        let named = ListTasks {
            status: Some(StatusFilter::Pending),
            q: Some(task.title.clone()),
            limit: Some(PAGE_MAX),
            ..Default::default()
        };
        let outcome = core::list(self.caller, named.clone()).await;
        let found = match self.record(tools::LIST_TASKS, &named, outcome).await? {
            Ok(list) => list.tasks,
            Err(error) => return self.explain(&error),
        };
        match titled(&found, &task.title).as_slice() {
            [task_id] => {
                let changes = UpdateTask { remind_at: Some(remind_at), ..Default::default() };
                self.act_on(*task_id, OneTask::Update { changes }).await
            }
            _ => self.add(task, false).await,
        }
    }

    async fn list(&mut self, query: ListTasks) -> Result<(), ToolError> {
        // The status is always named, so that the answer says which tasks it shows.
        let query = ListTasks { status: Some(query.status.unwrap_or_default()), ..query };
        let outcome = core::list(self.caller, query.clone()).await;
        match self.record(tools::LIST_TASKS, &query, outcome).await? {
            Ok(TaskList { tasks, total }) => {
                self.state.listed = tasks.iter().take(say::REPLY_LIST_MAX).map(|task| task.id).collect();
                // After a list of several, "it" could be any of them.
                self.state.name(match tasks.as_slice() {
                    [only] => Some(only.id),
                    _ => None,
                });
                let text = self.say.listed(&query, &tasks, total);
                self.tell(text)
            }
            Err(error) => self.explain(&error),
        }
    }

    /// One day's tasks: those coming up (the week's, when the day is in it),
    /// by due date, kept to that day in the user's zone.
    async fn list_day(&mut self, query: ListTasks, day: NaiveDate) -> Result<(), ToolError> {
        let zone = self.clock.zone;
        let within_week = day <= self.clock.today() + chrono::Days::new(6);
        let query = ListTasks {
            status: Some(query.status.unwrap_or(StatusFilter::Pending)),
            due: within_week.then_some(DueFilter::Week),
            sort: Some(Sort::Due),
            limit: Some(PAGE_MAX),
            ..query
        };
        let outcome = core::list(self.caller, query.clone()).await;
        let tasks = match self.record(tools::LIST_TASKS, &query, outcome).await? {
            Ok(list) => list.tasks,
            Err(error) => return self.explain(&error),
        };
        let on_day: Vec<TaskSummary> = tasks
            .into_iter()
            .filter(|task| task.due_at.is_some_and(|due| due.with_timezone(&zone).date_naive() == day))
            .collect();
        self.state.listed = on_day.iter().take(say::REPLY_LIST_MAX).map(|task| task.id).collect();
        self.state.name(match on_day.as_slice() {
            [only] => Some(only.id),
            _ => None,
        });
        self.tell(self.say.listed_day(day, &on_day))
    }

    /// Finds the task the user meant, then acts on it; or asks.
    async fn on_target(&mut self, target: Target, act: OneTask) -> Result<(), ToolError> {
        let name = match target {
            Target::Id(id) => return self.act_on(id, act).await,
            Target::Ids(ids) => return self.act_on_each(ids, act).await,
            Target::Listed(place) => match chosen(place, &self.state.listed) {
                Some(id) => return self.act_on(id, act).await,
                None => return self.tell(self.say.which_task()),
            },
            Target::It => match self.state.last_task {
                Some(id) => return self.act_on(id, act).await,
                None => return self.tell(self.say.which_task()),
            },
            Target::Name(name) => name,
        };
        let Some(tasks) = self.find(&name).await? else { return Ok(()) };
        // Completing means a pending task, reopening a done one: of two
        // tasks with one title (a repeating task's past and next
        // occurrence), the one in the other state is not meant. A done task
        // with a title of its own may still be ("the meeting task is done"
        // about one done already), so that is asked about.
        let tasks = match act {
            OneTask::Complete => without_twins(tasks, false),
            OneTask::Reopen => without_twins(tasks, true),
            _ => tasks,
        };
        match pick(&tasks, &name) {
            Pick::One(id) => self.act_on(id, act).await,
            Pick::None => self.tell(self.say.no_match(&name)),
            Pick::Ask(candidates) => {
                let text = self.say.which(&name, &candidates, verb_of(&act));
                let candidates: Vec<i64> = candidates.iter().map(|task| task.id).collect();
                self.state.listed = candidates.clone();
                self.state.ask(PendingAction::Choose { act, candidates }, self.say.language, self.clock.now);
                self.sink.say(&text);
                Ok(())
            }
        }
    }

    /// A change that reads several ways: acts when exactly one reading's
    /// name is the whole title of exactly one task; otherwise asks.
    async fn update_either(&mut self, readings: Vec<(String, UpdateTask)>) -> Result<(), ToolError> {
        let everything = ListTasks { status: Some(StatusFilter::All), limit: Some(PAGE_MAX), ..Default::default() };
        let outcome = core::list(self.caller, everything.clone()).await;
        let tasks = match self.record(tools::LIST_TASKS, &everything, outcome).await? {
            Ok(list) => list.tasks,
            Err(error) => return self.explain(&error),
        };
        let fits: Vec<(i64, UpdateTask)> = readings
            .into_iter()
            .filter_map(|(name, changes)| match titled(&tasks, &name).as_slice() {
                [id] => Some((*id, changes)),
                _ => None,
            })
            .collect();
        match <[_; 1]>::try_from(fits) {
            Ok([(task_id, changes)]) => self.act_on(task_id, OneTask::Update { changes }).await,
            Err(_) => self.tell(self.say.quote_names()),
        }
    }

    /// The user's tasks a name may mean: those the search finds, else
    /// (for a name spelt differently from the title) the most recent ones.
    async fn find(&mut self, name: &str) -> Result<Option<Vec<TaskSummary>>, ToolError> {
        let searched = ListTasks {
            status: Some(StatusFilter::All),
            q: Some(name.into()),
            limit: Some(PAGE_MAX),
            ..Default::default()
        };
        let everything = ListTasks { status: Some(StatusFilter::All), limit: Some(PAGE_MAX), ..Default::default() };
        let outcome = core::list(self.caller, searched.clone()).await;
        let query = match &outcome {
            Ok(found) if !found.tasks.is_empty() => searched,
            _ => everything,
        };
        let outcome = match query.q {
            Some(_) => outcome,
            None => core::list(self.caller, query.clone()).await,
        };
        match self.record(tools::LIST_TASKS, &query, outcome).await? {
            Ok(list) => Ok(Some(list.tasks)),
            Err(error) => {
                self.explain(&error)?;
                Ok(None)
            }
        }
    }

    async fn act_on(&mut self, task_id: i64, act: OneTask) -> Result<(), ToolError> {
        // "Complete the gym task", then "stop repeating it": the series goes
        // on in the next occurrence, so that is the one to change.
        let task_id = match (&act, self.state.next_of_last) {
            (OneTask::Update { changes }, Some(next)) if self.state.last_task == Some(task_id) && repeats(changes) => {
                next
            }
            _ => task_id,
        };
        self.state.name(Some(task_id));
        let verb = verb_of(&act);
        let (done, changes) = match act {
            // Reading one task is not one of the tools: nothing to record.
            OneTask::Show => {
                return match self.caller.db.get_task(self.caller.user_id, task_id).await? {
                    Some(task) => self.tell(self.say.task(&task)),
                    None => self.explain(&ToolError::NotFound(task_id)),
                };
            }
            // Already so: say it, rather than claim a change.
            OneTask::Complete | OneTask::Reopen if let Some(title) = self.already(task_id, &act).await? => {
                return self.tell(self.say.already(verb, task_id, &title));
            }
            OneTask::Complete => {
                let outcome = core::complete(self.caller, task_id).await;
                self.state.next_of_last = outcome.as_ref().ok().and_then(|done| done.next_task_id);
                (self.record(tools::COMPLETE_TASK, &TaskId { task_id }, outcome).await?, None)
            }
            OneTask::Delete => {
                let outcome = core::delete(self.caller, task_id).await;
                self.state.name(None);
                (self.record(tools::DELETE_TASK, &TaskId { task_id }, outcome).await?, None)
            }
            OneTask::Reopen => {
                let changes = UpdateTask { task_id, completed: Some(false), ..Default::default() };
                let outcome = core::update(self.caller, changes.clone()).await;
                (self.record(tools::UPDATE_TASK, &changes, outcome).await?, None)
            }
            OneTask::Retime { time } => {
                let retimed = UpdateTask { task_id, due_at: self.at_time(task_id, time).await?, ..Default::default() };
                let changes = self.with_due_moved(retimed).await?;
                let outcome = core::update(self.caller, changes.clone()).await;
                (self.record(tools::UPDATE_TASK, &changes, outcome).await?, Some(changes))
            }
            OneTask::RemindBefore { minutes } => {
                let Some(task) = self.caller.db.get_task(self.caller.user_id, task_id).await? else {
                    return self.explain(&ToolError::NotFound(task_id));
                };
                let Some(due) = task.due_at else { return self.tell(self.say.no_due_date(task_id, &task.title)) };
                let remind_at =
                    (due - chrono::Duration::minutes(minutes)).with_timezone(&self.clock.zone).fixed_offset();
                let changes = UpdateTask { task_id, remind_at: Some(remind_at), ..Default::default() };
                let outcome = core::update(self.caller, changes.clone()).await;
                (self.record(tools::UPDATE_TASK, &changes, outcome).await?, Some(changes))
            }
            OneTask::AddNote { note } => {
                let task = self.caller.db.get_task(self.caller.user_id, task_id).await?;
                let description = match task.and_then(|task| task.description).filter(|text| !text.trim().is_empty()) {
                    Some(before) => format!("{before}\n{note}"),
                    None => note,
                };
                let changes = UpdateTask { task_id, description: Some(description), ..Default::default() };
                let outcome = core::update(self.caller, changes.clone()).await;
                (self.record(tools::UPDATE_TASK, &changes, outcome).await?, Some(changes))
            }
            OneTask::Update { changes } => {
                let changes = self.with_due_moved(UpdateTask { task_id, ..changes }).await?;
                let outcome = core::update(self.caller, changes.clone()).await;
                (self.record(tools::UPDATE_TASK, &changes, outcome).await?, Some(changes))
            }
        };
        match done {
            Ok(outcome) => {
                let text = match changes {
                    Some(changes) => self.say.updated(&outcome, &changes),
                    None => self.say.done(verb, &outcome),
                };
                self.tell(text)
            }
            Err(error) => self.explain(&error),
        }
    }

    /// The task's title if it already is what `act` would make it (done
    /// for a completion, pending for a reopening).
    async fn already(&self, task_id: i64, act: &OneTask) -> Result<Option<String>, ToolError> {
        let task = self.caller.db.get_task(self.caller.user_id, task_id).await?;
        Ok(task.filter(|task| task.completed == (*act == OneTask::Complete)).map(|task| task.title))
    }

    /// A due date moved as people expect: a new date alone keeps the time
    /// of day the task was due at ("move the dentist task to Friday"), and a
    /// reminder moves along, as long before the due time as it was.
    async fn with_due_moved(&self, changes: UpdateTask) -> Result<UpdateTask, ToolError> {
        let zone = self.clock.zone;
        let Some(due) = changes.due_at.map(|at| at.with_timezone(&zone)) else { return Ok(changes) };
        let Some(task) = self.caller.db.get_task(self.caller.user_id, changes.task_id).await? else {
            return Ok(changes);
        };
        let was = task.due_at.map(|at| at.with_timezone(&zone));
        let due = match was {
            Some(was) if due.time() == END_OF_DAY && was.time() != END_OF_DAY => {
                at_local(zone, due.date_naive().and_time(was.time())).with_timezone(&zone)
            }
            _ => due,
        };
        let reminder_cleared = changes.clear.iter().flatten().any(|field| *field == Clearable::RemindAt);
        let remind_at = match (changes.remind_at, reminder_cleared, was, task.remind_at) {
            (None, false, Some(was), Some(remind)) => Some((due - (was - remind.with_timezone(&zone))).fixed_offset()),
            (given, ..) => given,
        };
        Ok(UpdateTask { due_at: Some(due.fixed_offset()), remind_at, ..changes })
    }

    /// The task's due day at `time`; for a task without a due date, the
    /// next `time` from now.
    async fn at_time(&self, task_id: i64, time: NaiveTime) -> Result<Option<DateTime<FixedOffset>>, ToolError> {
        let zone = self.clock.zone;
        let task = self.caller.db.get_task(self.caller.user_id, task_id).await?;
        let now = self.clock.now.with_timezone(&zone);
        let day = match task.and_then(|task| task.due_at) {
            Some(due) => due.with_timezone(&zone).date_naive(),
            None if time > now.time() => now.date_naive(),
            None => now.date_naive().succ_opt().unwrap_or(now.date_naive()),
        };
        Ok(Some(at_local(zone, day.and_time(time)).with_timezone(&zone).fixed_offset()))
    }

    /// Several tasks by number: deleting them asks first (listing the ones
    /// that exist); anything else is done to each in turn.
    async fn act_on_each(&mut self, ids: Vec<i64>, act: OneTask) -> Result<(), ToolError> {
        if act != OneTask::Delete {
            for (n, id) in ids.into_iter().enumerate() {
                if n > 0 {
                    self.sink.say("\n");
                }
                self.act_on(id, act.clone()).await?;
            }
            return Ok(());
        }
        let mut tasks = Vec::new();
        for &id in &ids {
            match self.caller.db.get_task(self.caller.user_id, id).await? {
                Some(task) => tasks.push(TaskSummary::from(&task)),
                None => self.sink.say(&format!("{}\n", self.say.no_such_task(id))),
            }
        }
        let total = tasks.len() as i64;
        self.confirm_deletion(tasks, total, None)
    }

    /// Lists what "delete all …" would delete and asks first.
    async fn confirm_delete_all(&mut self, query: ListTasks) -> Result<(), ToolError> {
        let query = ListTasks { limit: Some(PAGE_MAX), ..query };
        let outcome = core::list(self.caller, query.clone()).await;
        match self.record(tools::LIST_TASKS, &query, outcome).await? {
            Ok(list) => self.confirm_deletion(list.tasks, list.total, Some(query)),
            Err(error) => self.explain(&error),
        }
    }

    /// Asks before deleting `tasks`, bound to exactly these (all of them
    /// listed) as long as they match `filter`; `total` is how many matched,
    /// when more did.
    fn confirm_deletion(
        &mut self,
        tasks: Vec<TaskSummary>,
        total: i64,
        filter: Option<ListTasks>,
    ) -> Result<(), ToolError> {
        self.state.name(None);
        if tasks.is_empty() {
            return self.tell(self.say.nothing_to_delete());
        }
        let text = self.say.confirm_delete(&tasks, total);
        let task_ids = tasks.iter().map(|task| task.id).collect();
        self.state.ask(PendingAction::DeleteTasks { task_ids, filter }, self.say.language, self.clock.now);
        self.tell(text)
    }

    /// After a "yes": deletes the tasks that were listed, those of them
    /// that still match the request (one gone or changed meanwhile is left).
    async fn delete_all(&mut self, task_ids: &[i64], filter: Option<ListTasks>) -> Result<(), ToolError> {
        let still: Vec<i64> = match filter {
            Some(filter) => {
                let outcome = core::list(self.caller, filter.clone()).await;
                match self.record(tools::LIST_TASKS, &filter, outcome).await? {
                    Ok(list) => list.tasks.iter().map(|task| task.id).filter(|id| task_ids.contains(id)).collect(),
                    Err(error) => return self.explain(&error),
                }
            }
            None => task_ids.to_vec(),
        };
        let mut deleted = 0;
        for &task_id in &still {
            let outcome: Tried<TaskOutcome> = core::delete(self.caller, task_id).await;
            if self.record(tools::DELETE_TASK, &TaskId { task_id }, outcome).await?.is_ok() {
                deleted += 1;
            }
        }
        self.state.name(None);
        let mut text = self.say.deleted_many(deleted);
        let kept = task_ids.len() - still.len();
        if kept > 0 {
            text.push(' ');
            text.push_str(&self.say.kept_changed(kept));
        }
        self.tell(text)
    }
}

fn verb_of(act: &OneTask) -> Verb {
    match act {
        OneTask::Show => Verb::Show,
        OneTask::Complete => Verb::Complete,
        OneTask::Reopen => Verb::Reopen,
        OneTask::Delete => Verb::Delete,
        OneTask::Update { .. } | OneTask::Retime { .. } | OneTask::RemindBefore { .. } | OneTask::AddNote { .. } => {
            Verb::Update
        }
    }
}

/// The tasks whose whole title is `name`, ignoring case.
fn titled(tasks: &[TaskSummary], name: &str) -> Vec<i64> {
    tasks.iter().filter(|task| task.title.to_lowercase() == name.to_lowercase()).map(|task| task.id).collect()
}

/// Whether `changes` are about how a task repeats.
fn repeats(changes: &UpdateTask) -> bool {
    changes.recurrence.is_some() || changes.clear.iter().flatten().any(|field| *field == Clearable::Recurrence)
}

/// `tasks` without those not `completed` whose title a `completed` one
/// has too.
fn without_twins(tasks: Vec<TaskSummary>, completed: bool) -> Vec<TaskSummary> {
    let twin = |task: &TaskSummary| {
        task.completed != completed
            && tasks.iter().any(|other| other.completed == completed && other.title.eq_ignore_ascii_case(&task.title))
    };
    let twins: Vec<i64> = tasks.iter().filter(|task| twin(task)).map(|task| task.id).collect();
    tasks.into_iter().filter(|task| !twins.contains(&task.id)).collect()
}

/// The candidate an answer to "which one?" names: a task number among
/// them, or a position ("the second one"). A number that is none of theirs
/// names none: it might mean another task, so the question is asked again.
fn chosen(choice: Choice, candidates: &[i64]) -> Option<i64> {
    match choice {
        Choice::Number(n) => candidates.contains(&n).then_some(n),
        Choice::Position(n) => candidates.get(n.checked_sub(1)?).copied(),
        Choice::Last => candidates.last().copied(),
    }
}

/// The clock a turn reads dates with: now, in the caller's zone.
pub async fn clock(caller: &Caller<'_>) -> Result<Clock, ToolError> {
    Ok(Clock { now: Utc::now(), zone: caller.zone().await? })
}
