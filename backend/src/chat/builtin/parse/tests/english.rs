//! English phrases, read on Wednesday 2026-11-18 at 15:00 in Karachi.

use super::*;

fn add_full(title: &str, change: impl FnOnce(&mut AddTask)) -> Parsed {
    let mut task = AddTask { title: title.into(), ..AddTask::default() };
    change(&mut task);
    add_task(task)
}

/// What is due on one day (`date` as YYYY-MM-DD).
fn day(date: &str, query: ListTasks) -> Parsed {
    en(Intent::ListDay { query, day: date.parse().unwrap() })
}

fn changes(change: impl FnOnce(&mut UpdateTask)) -> UpdateTask {
    let mut changes = UpdateTask::default();
    change(&mut changes);
    changes
}

fn priority(level: Priority) -> UpdateTask {
    UpdateTask { priority: Some(level), ..UpdateTask::default() }
}

fn due_change(text: &str) -> UpdateTask {
    UpdateTask { due_at: at(text), ..UpdateTask::default() }
}

fn show(target: Target) -> Parsed {
    en(Intent::Show(target))
}

fn list_with(change: impl FnOnce(&mut ListTasks)) -> Parsed {
    let mut query = ListTasks::default();
    change(&mut query);
    list(query)
}

#[test]
fn reads_the_spec_phrases() {
    check(
        vec![
            // 5.1
            ("Add a task to buy groceries", add("Buy groceries")),
            ("Show me all my tasks", list(status(StatusFilter::All))),
            ("What's pending?", list(status(StatusFilter::Pending))),
            ("Mark task 3 as complete", en(Intent::Complete(Target::Id(3)))),
            ("Delete the meeting task", en(Intent::Delete(name("meeting")))),
            ("Change task 1 to 'Call mom tonight'", update(Target::Id(1), title("Call mom tonight"))),
            ("I need to remember to pay bills", add("Pay bills")),
            ("What have I completed?", list(status(StatusFilter::Completed))),
            // 5.3
            (
                "Add pay rent tomorrow at 9am, high priority #home",
                add_full("Pay rent", |t| {
                    t.due_at = at("2026-11-19T09:00:00+05:00");
                    t.priority = Some(Priority::High);
                    t.tags = Some(vec!["home".into()]);
                }),
            ),
            (
                "remind me at 8pm to take my meds",
                add_full("Take my meds", |t| {
                    t.due_at = at("2026-11-18T20:00:00+05:00");
                    t.remind_at = at("2026-11-18T20:00:00+05:00");
                }),
            ),
            (
                "tomorrow at 9 remind me to call the bank",
                add_full("Call the bank", |t| {
                    t.due_at = at("2026-11-19T09:00:00+05:00");
                    t.remind_at = at("2026-11-19T09:00:00+05:00");
                }),
            ),
            (
                "Remind me to call the bank on Friday at 3pm",
                add_full("Call the bank", |t| {
                    t.due_at = at("2026-11-20T15:00:00+05:00");
                    t.remind_at = at("2026-11-20T15:00:00+05:00");
                }),
            ),
            (
                "Water the plants every Monday",
                add_full("Water the plants", |t| {
                    t.due_at = at("2026-11-23T23:59:00+05:00");
                    t.recurrence = Some(Recurrence::Weekly);
                }),
            ),
            ("What's due today?", list(due(DueFilter::Today))),
            ("What's overdue?", list(due(DueFilter::Overdue))),
            ("Show my high priority tasks", list_with(|q| q.priority = Some(vec![Priority::High]))),
            ("Find tasks about rent", list_with(|q| q.q = Some("rent".into()))),
            (
                "Rename \"book flights\" to \"book flights to Lahore\"",
                update(name("book flights"), title("Book flights to Lahore")),
            ),
            (
                // Without quotes the task's name may hold a "to" too: both
                // readings, for the executor to match against titles.
                "rename book flights to book flights to Lahore",
                en(Intent::UpdateEither(vec![
                    ("book flights".into(), title("Book flights to Lahore")),
                    ("book flights to book flights".into(), title("Lahore")),
                ])),
            ),
            (
                "Change the description of the rent task to \"before noon\"",
                update(name("rent"), changes(|c| c.description = Some("before noon".into()))),
            ),
            ("Reopen the groceries task", en(Intent::Reopen(name("groceries")))),
            ("Move the dentist task to next Tuesday", update(name("dentist"), due_change("2026-11-24T23:59:00+05:00"))),
            ("Make task 2 high priority", update(Target::Id(2), priority(Priority::High))),
            ("Tag task 2 with work", update(Target::Id(2), changes(|c| c.add_tags = Some(vec!["work".into()])))),
            (
                "Add buy eggs and mark it done",
                en(Intent::Add {
                    task: AddTask { title: "Buy eggs".into(), ..AddTask::default() },
                    then_complete: true,
                }),
            ),
            ("Mark it done", en(Intent::Complete(Target::It))),
            ("Delete all completed tasks", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
        ],
        &karachi(),
    );
}

#[test]
fn reads_variants_of_adding() {
    check(
        vec![
            ("add buy milk", add("Buy milk")),
            ("add new tyres for the car", add("New tyres for the car")),
            ("add plan Friday party", add("Plan Friday party")),
            ("add buy tickets for Monday night football", add("Buy tickets for Monday night football")),
            (
                "add call mom on friday about taxes",
                add_full("Call mom about taxes", |t| t.due_at = at("2026-11-20T23:59:00+05:00")),
            ),
            ("add another task to call the bank", add("Call the bank")),
            ("Please add a task to buy groceries", add("Buy groceries")),
            ("Could you add call the plumber please", add("Call the plumber")),
            ("can you create a new task called review the budget", add("Review the budget")),
            ("add \"call mom's doctor\" to my list", add("Call mom's doctor")),
            ("add 'Tea, milk & sugar'", add("Tea, milk & sugar")),
            ("new task: renew passport", add("Renew passport")),
            ("todo: fix the sink", add("Fix the sink")),
            ("Remember to water the garden", add("Water the garden")),
            ("don't let me forget to feed the cat", add("Feed the cat")),
            ("I have to finish the report", add("Finish the report")),
            ("put eggs on my list", add("Eggs")),
            ("jot down call the landlord", add("Call the landlord")),
            ("hey, add renew car insurance thanks", add("Renew car insurance")),
            ("ad a task to buy bread", add("Buy bread")),
            ("add a task to do laundry", add("Do laundry")),
            ("Add pay rent today", add_due("Pay rent", "2026-11-18T23:59:00+05:00")),
            ("Add call mom tonight", add_due("Call mom", "2026-11-18T20:00:00+05:00")),
            ("add pick up kids this evening", add_due("Pick up kids", "2026-11-18T18:00:00+05:00")),
            ("add submit report tomorrow", add_due("Submit report", "2026-11-19T23:59:00+05:00")),
            ("add submit report due tomorrow", add_due("Submit report", "2026-11-19T23:59:00+05:00")),
            ("add submit report by tomorrow at 5pm", add_due("Submit report", "2026-11-19T17:00:00+05:00")),
            ("add gym at 5pm", add_due("Gym", "2026-11-18T17:00:00+05:00")),
            ("add gym at 5:30pm", add_due("Gym", "2026-11-18T17:30:00+05:00")),
            ("add gym at 17:30", add_due("Gym", "2026-11-18T17:30:00+05:00")),
            ("add gym at 5 pm", add_due("Gym", "2026-11-18T17:00:00+05:00")),
            ("add breakfast meeting at 9am", add_due("Breakfast meeting", "2026-11-19T09:00:00+05:00")),
            ("add lunch with Sam at noon tomorrow", add_due("Lunch with Sam", "2026-11-19T12:00:00+05:00")),
            ("add file taxes tomorrow at midnight", add_due("File taxes", "2026-11-20T00:00:00+05:00")),
            ("add call the bank tomorrow morning", add_due("Call the bank", "2026-11-19T09:00:00+05:00")),
            ("add team sync on Friday", add_due("Team sync", "2026-11-20T23:59:00+05:00")),
            ("add team sync friday at 10am", add_due("Team sync", "2026-11-20T10:00:00+05:00")),
            ("add team sync on fri", add_due("Team sync", "2026-11-20T23:59:00+05:00")),
            ("add team sync next Tuesday", add_due("Team sync", "2026-11-24T23:59:00+05:00")),
            // Today is Wednesday: "Wednesday" is next week's, unless the time is still ahead today.
            ("add review on Wednesday", add_due("Review", "2026-11-25T23:59:00+05:00")),
            ("add review on Wednesday at 6pm", add_due("Review", "2026-11-18T18:00:00+05:00")),
            ("add plan trip next week", add_due("Plan trip", "2026-11-23T23:59:00+05:00")),
            ("add renew visa in 3 days", add_due("Renew visa", "2026-11-21T23:59:00+05:00")),
            ("add check oven in 2 hours", add_due("Check oven", "2026-11-18T17:00:00+05:00")),
            ("add stretch in 30 minutes", add_due("Stretch", "2026-11-18T15:30:00+05:00")),
            ("add pay card bill on the 5th", add_due("Pay card bill", "2026-12-05T23:59:00+05:00")),
            ("add pay card bill on the 25th", add_due("Pay card bill", "2026-11-25T23:59:00+05:00")),
            ("add buy gifts on 12 December", add_due("Buy gifts", "2026-12-12T23:59:00+05:00")),
            ("add buy gifts Dec 12", add_due("Buy gifts", "2026-12-12T23:59:00+05:00")),
            ("add renew lease on Jan 5 at 10am", add_due("Renew lease", "2027-01-05T10:00:00+05:00")),
            ("add buy sun cream", add("Buy sun cream")),
            ("add urgent: call the vet", add_full("Call the vet", |t| t.priority = Some(Priority::High))),
            ("add call the vet !high", add_full("Call the vet", |t| t.priority = Some(Priority::High))),
            ("add tidy desk low priority", add_full("Tidy desk", |t| t.priority = Some(Priority::Low))),
            ("add tidy desk with medium priority", add_full("Tidy desk", |t| t.priority = Some(Priority::Medium))),
            ("add buy low-fat milk", add("Buy low-fat milk")),
            ("add standup #work #daily", add_full("Standup", |t| t.tags = Some(vec!["work".into(), "daily".into()]))),
            (
                "add take vitamins every day",
                add_full("Take vitamins", |t| {
                    t.due_at = at("2026-11-18T23:59:00+05:00");
                    t.recurrence = Some(Recurrence::Daily);
                }),
            ),
            (
                "add take vitamins daily at 8am",
                add_full("Take vitamins", |t| {
                    t.due_at = at("2026-11-19T08:00:00+05:00");
                    t.recurrence = Some(Recurrence::Daily);
                }),
            ),
            (
                "add standup every weekday at 10am",
                add_full("Standup", |t| {
                    t.due_at = at("2026-11-19T10:00:00+05:00");
                    t.recurrence = Some(Recurrence::Weekdays);
                }),
            ),
            (
                "add review budget monthly",
                add_full("Review budget", |t| {
                    t.due_at = at("2026-11-18T23:59:00+05:00");
                    t.recurrence = Some(Recurrence::Monthly);
                }),
            ),
            (
                "add renew domain every year",
                add_full("Renew domain", |t| {
                    t.due_at = at("2026-11-18T23:59:00+05:00");
                    t.recurrence = Some(Recurrence::Yearly);
                }),
            ),
            (
                "add clean the fridge weekly",
                add_full("Clean the fridge", |t| {
                    t.due_at = at("2026-11-18T23:59:00+05:00");
                    t.recurrence = Some(Recurrence::Weekly);
                }),
            ),
            (
                "add team call every Friday at 3pm",
                add_full("Team call", |t| {
                    t.due_at = at("2026-11-20T15:00:00+05:00");
                    t.recurrence = Some(Recurrence::Weekly);
                }),
            ),
            (
                "remind me to stretch in 2 hours",
                add_full("Stretch", |t| {
                    t.due_at = at("2026-11-18T17:00:00+05:00");
                    t.remind_at = at("2026-11-18T17:00:00+05:00");
                }),
            ),
            ("remind me to call grandma", add("Call grandma")),
            ("Pay the electricity bill tomorrow", add_due("Pay the electricity bill", "2026-11-19T23:59:00+05:00")),
            ("add \"call mom tonight\" tomorrow", add_due("Call mom tonight", "2026-11-19T23:59:00+05:00")),
            (
                "Add buy eggs and mark it as complete",
                en(Intent::Add {
                    task: AddTask { title: "Buy eggs".into(), ..AddTask::default() },
                    then_complete: true,
                }),
            ),
        ],
        &karachi(),
    );
}

#[test]
fn reads_lists_and_searches() {
    check(
        vec![
            ("show my tasks", list(ListTasks::default())),
            ("show me the rent task", show(name("rent"))),
            ("show the pending tasks", list(ListTasks { status: Some(StatusFilter::Pending), ..ListTasks::default() })),
            ("task 8 is urgent?", show(Target::Id(8))),
            ("it's done", en(Intent::Complete(Target::It))),
            // A question or a statement about oneself with a date adds nothing.
            ("am I free on friday?", day("2026-11-20", ListTasks::default())),
            ("I can't make the dentist on friday", en(Intent::Unknown)),
            // A new due date for a task the words clearly name.
            ("task 1 is due friday", update(Target::Id(1), due_change("2026-11-20T23:59:00+05:00"))),
            ("task 2 should be done by thursday", update(Target::Id(2), due_change("2026-11-19T23:59:00+05:00"))),
            (
                "the expense report is due friday",
                update(name("expense report"), due_change("2026-11-20T23:59:00+05:00")),
            ),
            ("pay rent due tomorrow", add_due("Pay rent", "2026-11-19T23:59:00+05:00")),
            ("list all tasks", list(status(StatusFilter::All))),
            ("shwo my tasks", list(ListTasks::default())),
            ("what's left?", list(status(StatusFilter::Pending))),
            ("what do I still have to do", list(status(StatusFilter::Pending))),
            ("show completed tasks", list(status(StatusFilter::Completed))),
            ("which tasks are done", list(status(StatusFilter::Completed))),
            ("what's due this week", list(due(DueFilter::Week))),
            ("what's due tomorrow", day("2026-11-19", status(StatusFilter::Pending))),
            ("anything overdue?", list(due(DueFilter::Overdue))),
            ("show tasks without a due date", list_with(|q| q.due = Some(DueFilter::None))),
            ("show tasks tagged work", list_with(|q| q.tag = Some(vec!["work".into()]))),
            ("#work tasks", list_with(|q| q.tag = Some(vec!["work".into()]))),
            ("high priority tasks", list_with(|q| q.priority = Some(vec![Priority::High]))),
            ("show my urgent tasks", list_with(|q| q.priority = Some(vec![Priority::High]))),
            ("show low priority tasks", list_with(|q| q.priority = Some(vec![Priority::Low]))),
            ("search for dentist", list_with(|q| q.q = Some("dentist".into()))),
            ("find rent", list_with(|q| q.q = Some("rent".into()))),
            ("look for tasks containing invoice", list_with(|q| q.q = Some("invoice".into()))),
            ("show tasks about the trip", list_with(|q| q.q = Some("the trip".into()))),
            (
                "show my pending tasks sorted by due date",
                list_with(|q| {
                    q.status = Some(StatusFilter::Pending);
                    q.sort = Some(Sort::Due);
                }),
            ),
            ("What's on my plate today?", list(due(DueFilter::Today))),
            ("anything for today?", list(due(DueFilter::Today))),
            ("what do I have tomorrow", day("2026-11-19", status(StatusFilter::Pending))),
            ("what's coming up next week?", list(due(DueFilter::Week))),
            (
                "high priority tasks due this week",
                list_with(|q| {
                    q.status = Some(StatusFilter::Pending);
                    q.due = Some(DueFilter::Week);
                    q.priority = Some(vec![Priority::High]);
                }),
            ),
            ("what do I have on friday?", day("2026-11-20", ListTasks::default())),
            ("hmm, what's due tomorrow?", day("2026-11-19", status(StatusFilter::Pending))),
            ("the one due tomorrow", day("2026-11-19", ListTasks::default())),
            (
                "delete all the milk tasks",
                en(Intent::DeleteAll(ListTasks { q: Some("milk".into()), ..status(StatusFilter::All) })),
            ),
            (
                "delete all tasks about rent",
                en(Intent::DeleteAll(ListTasks { q: Some("rent".into()), ..status(StatusFilter::All) })),
            ),
            ("delete all my tasks except the dentist", en(Intent::Incomplete(Verb::Delete))),
            ("delete everything but the completed ones", en(Intent::Incomplete(Verb::Delete))),
            ("delete all tasks due tomorrow", en(Intent::Incomplete(Verb::Delete))),
            ("rename task 76 to Buy \"organic\" milk", update(Target::Id(76), title("Buy \"organic\" milk"))),
            (
                "move the dentist task to 10am",
                en(Intent::Retime {
                    target: name("dentist"),
                    time: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                }),
            ),
            (
                "move task 4 to 25/11 at 14:00",
                update(Target::Id(4), changes(|c| c.due_at = at("2026-11-25T14:00:00+05:00"))),
            ),
            (
                "move task 4 to 2026-12-03",
                update(Target::Id(4), changes(|c| c.due_at = at("2026-12-03T23:59:00+05:00"))),
            ),
            ("move task 4 to 12/3", en(Intent::Incomplete(Verb::Update))),
            (
                "set it to high priority and move it to Thursday",
                update(
                    Target::It,
                    changes(|c| {
                        c.priority = Some(Priority::High);
                        c.due_at = at("2026-11-19T23:59:00+05:00");
                    }),
                ),
            ),
            (
                "make it high priority and due friday",
                update(
                    Target::It,
                    changes(|c| {
                        c.priority = Some(Priority::High);
                        c.due_at = at("2026-11-20T23:59:00+05:00");
                    }),
                ),
            ),
            ("find the garage task", list_with(|q| q.q = Some("garage".into()))),
            ("am I late on anything?", list(due(DueFilter::Overdue))),
            (
                "add a note to the trash task: recycling goes out too",
                en(Intent::AddNote { target: name("trash"), note: "recycling goes out too".into() }),
            ),
            ("add file taxes, due yesterday", add_full("File taxes", |t| t.due_at = at("2026-11-17T23:59:00+05:00"))),
            (
                "set the notes on the bank task to: ask about the rate",
                update(name("bank"), changes(|c| c.description = Some("ask about the rate".into()))),
            ),
            ("remove every task I've finished", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
            ("clear out my finished tasks", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
            ("Could you show me my todo list please", list(ListTasks::default())),
        ],
        &karachi(),
    );
}

#[test]
fn reads_changes_to_one_task() {
    check(
        vec![
            ("complete task 2", en(Intent::Complete(Target::Id(2)))),
            ("cmplete task 2", en(Intent::Complete(Target::Id(2)))),
            ("mark #4 done", en(Intent::Complete(Target::Id(4)))),
            ("mark task 3 as done please", en(Intent::Complete(Target::Id(3)))),
            ("finish the report task", en(Intent::Complete(name("report")))),
            ("I finished the rent one", en(Intent::Complete(name("rent")))),
            ("check task 5 off", en(Intent::Complete(Target::Id(5)))),
            ("the groceries task is done", en(Intent::Complete(name("groceries")))),
            ("mark that as done", en(Intent::Complete(Target::It))),
            ("mark task 3 as not done", en(Intent::Reopen(Target::Id(3)))),
            ("reopen task 7", en(Intent::Reopen(Target::Id(7)))),
            ("undo task 7", en(Intent::Reopen(Target::Id(7)))),
            ("reopen it", en(Intent::Reopen(Target::It))),
            ("delete task 3", en(Intent::Delete(Target::Id(3)))),
            ("delte task 3", en(Intent::Delete(Target::Id(3)))),
            ("remove #12", en(Intent::Delete(Target::Id(12)))),
            ("please delete the rent one", en(Intent::Delete(name("rent")))),
            ("get rid of the gym task", en(Intent::Delete(name("gym")))),
            ("delete 'buy milk' from my list", en(Intent::Delete(name("buy milk")))),
            ("delete that", en(Intent::Delete(Target::It))),
            ("delete task number 8", en(Intent::Delete(Target::Id(8)))),
            ("delete all tasks", en(Intent::DeleteAll(status(StatusFilter::All)))),
            ("clear completed tasks", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
            ("delete all done tasks", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
            (
                "delete all tasks tagged old",
                en(Intent::DeleteAll(ListTasks {
                    status: Some(StatusFilter::All),
                    tag: Some(vec!["old".into()]),
                    ..ListTasks::default()
                })),
            ),
            ("rename task 4 to Buy oat milk", update(Target::Id(4), title("Buy oat milk"))),
            ("change task 1 to call mom tonight", update(Target::Id(1), title("Call mom tonight"))),
            ("update the gym task to go running", update(name("gym"), title("Go running"))),
            ("rename 'gym' to go to the gym", update(name("gym"), title("Go to the gym"))),
            ("change the title of task 2 to Pay rent", update(Target::Id(2), title("Pay rent"))),
            ("change task 2's title to Pay rent", update(Target::Id(2), title("Pay rent"))),
            (
                "set the description of task 5 to bring the receipts",
                update(Target::Id(5), changes(|c| c.description = Some("bring the receipts".into()))),
            ),
            ("change task 2 to high priority", update(Target::Id(2), priority(Priority::High))),
            ("set the priority of task 2 to low", update(Target::Id(2), priority(Priority::Low))),
            ("make it urgent", update(Target::It, priority(Priority::High))),
            ("make the rent task low priority", update(name("rent"), priority(Priority::Low))),
            ("prioritize task 6", update(Target::Id(6), priority(Priority::High))),
            ("mark task 2 as urgent", update(Target::Id(2), priority(Priority::High))),
            ("move task 3 to tomorrow", update(Target::Id(3), due_change("2026-11-19T23:59:00+05:00"))),
            (
                "reschedule the dentist one for Friday at 4pm",
                update(name("dentist"), due_change("2026-11-20T16:00:00+05:00")),
            ),
            ("postpone task 1 to next week", update(Target::Id(1), due_change("2026-11-23T23:59:00+05:00"))),
            ("change the due date of task 4 to Dec 12", update(Target::Id(4), due_change("2026-12-12T23:59:00+05:00"))),
            ("set task 2 due friday", update(Target::Id(2), due_change("2026-11-20T23:59:00+05:00"))),
            ("make task 9 due tomorrow at 9am", update(Target::Id(9), due_change("2026-11-19T09:00:00+05:00"))),
            ("change task 2 to next monday", update(Target::Id(2), due_change("2026-11-23T23:59:00+05:00"))),
            (
                "make task 2 repeat every week",
                update(Target::Id(2), changes(|c| c.recurrence = Some(Recurrence::Weekly))),
            ),
            (
                "remind me about task 3 tomorrow at 9",
                update(Target::Id(3), changes(|c| c.remind_at = at("2026-11-19T09:00:00+05:00"))),
            ),
            (
                "set a reminder for the rent task at 5pm",
                update(name("rent"), changes(|c| c.remind_at = at("2026-11-18T17:00:00+05:00"))),
            ),
            ("tag task 2 #home", update(Target::Id(2), changes(|c| c.add_tags = Some(vec!["home".into()])))),
            (
                "tag the rent task with home and bills",
                update(name("rent"), changes(|c| c.add_tags = Some(vec!["home".into(), "bills".into()]))),
            ),
            ("add tag urgent to task 4", update(Target::Id(4), changes(|c| c.add_tags = Some(vec!["urgent".into()])))),
            ("add #work to task 4", update(Target::Id(4), changes(|c| c.add_tags = Some(vec!["work".into()])))),
            (
                "remove the work tag from task 4",
                update(Target::Id(4), changes(|c| c.remove_tags = Some(vec!["work".into()]))),
            ),
            ("untag task 4 #work", update(Target::Id(4), changes(|c| c.remove_tags = Some(vec!["work".into()])))),
            (
                "clear the due date of task 2",
                update(Target::Id(2), changes(|c| c.clear = Some(vec![Clearable::DueAt]))),
            ),
            (
                "remove the reminder from the rent task",
                update(name("rent"), changes(|c| c.clear = Some(vec![Clearable::RemindAt]))),
            ),
            ("take the tags off it", update(Target::It, changes(|c| c.clear = Some(vec![Clearable::Tags])))),
            ("stop repeating task 3", update(Target::Id(3), changes(|c| c.clear = Some(vec![Clearable::Recurrence])))),
            (
                "please delete the description of task 5",
                update(Target::Id(5), changes(|c| c.clear = Some(vec![Clearable::Description]))),
            ),
            ("actually, reopen it", en(Intent::Reopen(Target::It))),
            ("delete tasks 3 and 4", en(Intent::Delete(Target::Ids(vec![3, 4])))),
            ("complete #1, #2 & #5", en(Intent::Complete(Target::Ids(vec![1, 2, 5])))),
            ("yes, delete them", en(Intent::Yes)),
            ("delete them", en(Intent::Yes)),
            ("complete them", en(Intent::Incomplete(Verb::Complete))),
            ("yes please go ahead", en(Intent::Yes)),
            ("no, keep them", en(Intent::No)),
        ],
        &karachi(),
    );
}

#[test]
fn reads_short_answers() {
    check(
        vec![
            ("yes", en(Intent::Yes)),
            ("Yeah!", en(Intent::Yes)),
            ("sure", en(Intent::Yes)),
            ("go ahead", en(Intent::Yes)),
            ("confirm", en(Intent::Yes)),
            ("do it", en(Intent::Yes)),
            ("ok", en(Intent::Yes)),
            ("no", en(Intent::No)),
            ("cancel", en(Intent::No)),
            ("never mind", en(Intent::No)),
            ("Stop.", en(Intent::No)),
            ("nope", en(Intent::No)),
            ("3", en(Intent::Choice(Choice::Number(3)))),
            ("task 3", en(Intent::Choice(Choice::Number(3)))),
            ("#3", en(Intent::Choice(Choice::Number(3)))),
            ("the second one", en(Intent::Choice(Choice::Position(2)))),
            ("2nd", en(Intent::Choice(Choice::Position(2)))),
            ("first", en(Intent::Choice(Choice::Position(1)))),
            ("the last one", en(Intent::Choice(Choice::Last))),
            ("hi", en(Intent::Greeting)),
            ("Good morning!", en(Intent::Greeting)),
            ("thanks!", en(Intent::Thanks)),
            ("thank you", en(Intent::Thanks)),
            ("help", en(Intent::Help)),
            ("what can you do?", en(Intent::Help)),
            ("Delete", en(Intent::Incomplete(Verb::Delete))),
            ("add", en(Intent::Incomplete(Verb::Add))),
            ("rename task 2", en(Intent::Incomplete(Verb::Update))),
            ("complete", en(Intent::Incomplete(Verb::Complete))),
            ("delete task", en(Intent::Incomplete(Verb::Delete))),
            ("the weather is nice", en(Intent::Unknown)),
            ("Can you please mark task 3 as complete?", en(Intent::Complete(Target::Id(3)))),
            ("cancel task 3", en(Intent::Delete(Target::Id(3)))),
            ("delete the completed ones", en(Intent::DeleteAll(status(StatusFilter::Completed)))),
            ("How many tasks are left?", list(status(StatusFilter::Pending))),
            ("Is anything due today?", list(due(DueFilter::Today))),
            ("show me everything", list(status(StatusFilter::All))),
            ("tasks", list(ListTasks::default())),
            (
                "remind me to take pills every day at 8pm",
                add_full("Take pills", |t| {
                    t.due_at = at("2026-11-18T20:00:00+05:00");
                    t.remind_at = at("2026-11-18T20:00:00+05:00");
                    t.recurrence = Some(Recurrence::Daily);
                }),
            ),
        ],
        &karachi(),
    );
}

/// Phrasings from a user trial that were misread: each once changed the
/// wrong thing, added a task instead of changing one, or missed the point.
#[test]
fn reads_phrasings_from_user_trials() {
    let remind = |text: &str| UpdateTask { remind_at: at(text), ..UpdateTask::default() };
    check(
        vec![
            // A reminder for a task that exists changes it; for a new one, adds.
            ("add a reminder to the rent task for tomorrow 8am", update(name("rent"), remind("2026-11-19T08:00:00+05:00"))),
            (
                "add a reminder to call mom tomorrow at 5pm",
                en(Intent::RemindOrAdd(AddTask {
                    title: "Call mom".into(),
                    due_at: at("2026-11-19T17:00:00+05:00"),
                    remind_at: at("2026-11-19T17:00:00+05:00"),
                    ..AddTask::default()
                })),
            ),
            ("snooze the report until tomorrow", update(name("report"), due_change("2026-11-19T23:59:00+05:00"))),
            ("snooze task 3 to friday", update(Target::Id(3), due_change("2026-11-20T23:59:00+05:00"))),
            (
                "Hi! Could you please be so kind as to add a task for me to pick up the dry cleaning on Thursday afternoon? Thank you so much!",
                add_due("Pick up the dry cleaning", "2026-11-19T15:00:00+05:00"),
            ),
            (
                "add pay internet bill on the 5th of every month",
                add_full("Pay internet bill", |task| {
                    task.due_at = at("2026-12-05T23:59:00+05:00");
                    task.recurrence = Some(Recurrence::Monthly);
                }),
            ),
            ("pls ad a tsk to email the landlord", add("Email the landlord")),
            // Done lately, not due lately.
            (
                "what did I finish this week?",
                list_with(|query| {
                    query.status = Some(StatusFilter::Completed);
                    query.sort = Some(Sort::Updated);
                    query.order = Some(Order::Desc);
                }),
            ),
            // One task's details; a question never completes anything.
            ("is the bank call done?", show(name("bank call"))),
            ("show task 13", show(Target::Id(13))),
            ("show me task 4", show(Target::Id(4))),
            ("show it", show(Target::It)),
            ("what's task 2 about?", show(Target::Id(2))),
            ("tell me about task 1", show(Target::Id(1))),
            ("details of task 1", show(Target::Id(1))),
            ("tell me about the dentist task", show(name("dentist"))),
            ("when is the dentist?", show(name("dentist"))),
            ("show my tasks", list(ListTasks::default())),
            // Numbers no task has are numbers, not words to look for.
            ("delete task -1", en(Intent::Delete(Target::Id(-1)))),
            ("show my taks", list(ListTasks::default())),
            ("mark taks 3 as compelte", en(Intent::Complete(Target::Id(3)))),
            ("actually it's not done", en(Intent::Reopen(Target::It))),
            ("the report isn't done yet", en(Intent::Reopen(name("report")))),
            ("uncheck task 8", en(Intent::Reopen(Target::Id(8)))),
            ("oops, reopen it", en(Intent::Reopen(Target::It))),
            ("task 5 is urgent", update(Target::Id(5), priority(Priority::High))),
            ("the rent one is high priority now", update(name("rent"), priority(Priority::High))),
            ("buy urgent milk", en(Intent::Unknown)),
            // Found in review: titles keep their words, questions change nothing.
            ("I need to play skat", add("Play skat")),
            ("rename task 2 to play skat", update(Target::Id(2), title("Play skat"))),
            ("task 3 is done? thanks", show(Target::Id(3))),
            ("it's due friday", update(Target::It, due_change("2026-11-20T23:59:00+05:00"))),
            // A place in the list shown last.
            ("complete the first one", en(Intent::Complete(Target::Listed(Choice::Position(1))))),
            ("delete the last one", en(Intent::Delete(Target::Listed(Choice::Last)))),
            ("mark the first draft as done", en(Intent::Complete(name("first draft")))),
            // Reminders relative to the due time.
            (
                "Add 'submit expense report' due tomorrow 5pm #work, remind me an hour before",
                add_full("Submit expense report", |task| {
                    task.due_at = at("2026-11-19T17:00:00+05:00");
                    task.remind_at = at("2026-11-19T16:00:00+05:00");
                    task.tags = Some(vec!["work".into()]);
                }),
            ),
            (
                "add book flights to Lahore due dec 10, remind me the day before",
                add_full("Book flights to Lahore", |task| {
                    task.due_at = at("2026-12-10T23:59:00+05:00");
                    task.remind_at = at("2026-12-09T23:59:00+05:00");
                }),
            ),
            ("add leave 2 days before the trip", add("Leave 2 days before the trip")),
            ("remind me an hour before", en(Intent::RemindBefore { target: Target::It, minutes: 60 })),
            (
                "set a reminder for task 6 an hour before it's due",
                en(Intent::RemindBefore { target: Target::Id(6), minutes: 60 }),
            ),
            (
                "remind me about the dentist 30 minutes before",
                en(Intent::RemindBefore { target: name("dentist"), minutes: 30 }),
            ),
            (
                "remind me to leave 2 days before the trip",
                add_full("Leave 2 days before the trip", |_| {}),
            ),
        ],
        &karachi(),
    );
}
