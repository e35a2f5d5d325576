//! Everything the built-in assistant says, in English and in Urdu: the
//! executor decides what to say, this module how.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::intent::{Language, Verb};
use crate::{
    chat::tools::args::{AddTask, Clearable, ListTasks, TaskOutcome, TaskSummary, UpdateTask},
    task::{
        list::{DueFilter, StatusFilter},
        Priority, Recurrence, Task,
    },
};

/// Tasks a list reply names; the rest are counted.
pub const REPLY_LIST_MAX: usize = 20;

/// The sentences of one reply, in the user's language and time zone.
pub struct Say {
    pub language: Language,
    pub zone: Tz,
}

fn english(language: Language) -> bool {
    language == Language::English
}

impl Say {
    fn in_language(&self, english_text: String, urdu_text: String) -> String {
        if english(self.language) {
            english_text
        } else {
            urdu_text
        }
    }

    /// "Mon 23 Nov 09:00" (in Urdu "23-11-2026 09:00"), or the date alone
    /// for a due date without a time.
    pub fn when(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.zone);
        let date_only = local.time() == common::due::END_OF_DAY;
        let format = match (self.language, date_only) {
            (Language::English, true) => "%a %-d %b",
            (Language::English, false) => "%a %-d %b %H:%M",
            (Language::Urdu, true) => "%d-%m-%Y",
            (Language::Urdu, false) => "%d-%m-%Y %H:%M",
        };
        local.format(format).to_string()
    }

    fn priority(&self, priority: Priority) -> String {
        let urdu = match priority {
            Priority::High => "زیادہ",
            Priority::Medium => "درمیانی",
            Priority::Low => "کم",
            Priority::None => "کوئی نہیں",
        };
        self.in_language(format!("{} priority", priority.as_str()), format!("ترجیح: {urdu}"))
    }

    /// ", repeats weekly".
    fn repeats(&self, rule: Recurrence) -> String {
        self.in_language(format!(", repeats {}", rule.as_str()), format!(", دہرانا: {}", rule.as_str()))
    }

    /// ", due Mon 23 Nov, high priority, #home": what a task carries.
    fn details(&self, due_at: Option<DateTime<Utc>>, priority: Option<Priority>, tags: &[String]) -> String {
        let mut parts = Vec::new();
        if let Some(due) = due_at {
            parts.push(self.in_language(format!("due {}", self.when(due)), format!("آخری تاریخ {}", self.when(due))));
        }
        if let Some(priority) = priority.filter(|p| *p != Priority::None) {
            parts.push(self.priority(priority));
        }
        parts.extend(tags.iter().map(|tag| format!("#{tag}")));
        let comma = self.in_language(", ".into(), "، ".into());
        parts.iter().map(|part| format!("{comma}{part}")).collect()
    }

    fn line(&self, task: &TaskSummary, show_done: bool) -> String {
        let done = match (show_done && task.completed, self.language) {
            (false, _) => "",
            (true, Language::English) => " (done)",
            (true, Language::Urdu) => " (مکمل)",
        };
        let details = self.details(task.due_at, Some(task.priority), &task.tags.0);
        format!("\n- #{} {}{done}{details}", task.id, task.title)
    }

    /// One task, all of it: "Task #4 "Pay rent": pending, due Mon 23 Nov
    /// 09:00, high priority, #home, reminder ..., repeats monthly." and its
    /// description on the next line.
    pub fn task(&self, task: &Task) -> String {
        let status = match (task.completed, self.language) {
            (false, Language::English) => "pending",
            (true, Language::English) => "done",
            (false, Language::Urdu) => "باقی",
            (true, Language::Urdu) => "مکمل",
        };
        let mut details = self.details(task.due_at, Some(task.priority), &task.tags.0);
        if let Some(remind) = task.remind_at {
            details.push_str(&self.reminder(remind.fixed_offset()));
        }
        if let Some(rule) = task.recurrence {
            details.push_str(&self.repeats(rule));
        }
        let (id, title) = (task.id, &task.title);
        let mut text = self.in_language(
            format!("Task #{id} \"{title}\": {status}{details}."),
            format!("کام نمبر {id} \"{title}\": {status}{details}۔"),
        );
        if let Some(notes) = task.description.as_deref().filter(|notes| !notes.trim().is_empty()) {
            text.push_str(&self.in_language(format!("\nNotes: {notes}"), format!("\nتفصیل: {notes}")));
        }
        text
    }

    pub fn added(&self, outcome: &TaskOutcome, task: &AddTask) -> String {
        let due_at = task.due_at.map(|at| at.with_timezone(&Utc));
        let mut details = self.details(due_at, task.priority, task.tags.as_deref().unwrap_or_default());
        match task.remind_at {
            Some(remind) if Some(remind) == task.due_at => details
                .push_str(&self.in_language(", and I'll remind you then".into(), "، اور اسی وقت یاد دلاؤں گا".into())),
            Some(remind) => details.push_str(&self.reminder(remind)),
            None => {}
        }
        if let Some(rule) = task.recurrence {
            details.push_str(&self.repeats(rule));
        }
        let (title, id) = (&outcome.title, outcome.task_id);
        self.in_language(
            format!("Got it! I added \"{title}\" to your list (task #{id}{details})."),
            format!("ٹھیک ہے! میں نے \"{title}\" آپ کی فہرست میں شامل کر دیا (کام نمبر {id}{details})۔"),
        )
    }

    /// A reminder "before it's due" for a task due at no time.
    pub fn no_due_date(&self, id: i64, title: &str) -> String {
        self.in_language(
            format!("\"{title}\" (task #{id}) has no due date, so there's nothing to remind you before. Give it one, or tell me when to remind you (\"remind me about task {id} tomorrow at 9am\")."),
            format!("\"{title}\" (کام نمبر {id}) کی کوئی آخری تاریخ نہیں۔ پہلے تاریخ بتائیں۔"),
        )
    }

    /// A task that was already as asked: done, or pending.
    pub fn already(&self, verb: Verb, id: i64, title: &str) -> String {
        match verb {
            Verb::Complete => self.in_language(
                format!("\"{title}\" (task #{id}) is already done."),
                format!("\"{title}\" (کام نمبر {id}) پہلے ہی مکمل ہے۔"),
            ),
            _ => self.in_language(
                format!("\"{title}\" (task #{id}) is already pending."),
                format!("\"{title}\" (کام نمبر {id}) پہلے ہی باقی ہے۔"),
            ),
        }
    }

    pub fn done(&self, verb: Verb, outcome: &TaskOutcome) -> String {
        let (title, id) = (&outcome.title, outcome.task_id);
        let next = match outcome.next_task_id {
            Some(next) => {
                self.in_language(format!(" The next one is task #{next}."), format!(" اگلا کام نمبر {next} ہے۔"))
            }
            None => String::new(),
        };
        match verb {
            Verb::Complete => self.in_language(
                format!("Nice work! I marked \"{title}\" (task #{id}) as complete.{next}"),
                format!("شاباش! \"{title}\" (کام نمبر {id}) مکمل ہو گیا۔{next}"),
            ),
            Verb::Reopen => self.in_language(
                format!("I reopened \"{title}\" (task #{id}): it's pending again."),
                format!("\"{title}\" (کام نمبر {id}) دوبارہ کھول دیا گیا۔"),
            ),
            Verb::Delete => self.in_language(
                format!("Done. I deleted \"{title}\" (task #{id})."),
                format!("\"{title}\" (کام نمبر {id}) حذف کر دیا گیا۔"),
            ),
            Verb::Update | Verb::Add | Verb::Show => self.in_language(
                format!("Updated \"{title}\" (task #{id})."),
                format!("\"{title}\" (کام نمبر {id}) بدل دیا گیا۔"),
            ),
        }
    }

    /// An update, and what it changed: "Renamed task #2 to "X", due Fri
    /// 27 Nov." or "Updated "X" (task #2), high priority."
    pub fn updated(&self, outcome: &TaskOutcome, changes: &UpdateTask) -> String {
        let (title, id) = (&outcome.title, outcome.task_id);
        let tags: Vec<String> = changes.add_tags.iter().chain(changes.tags.iter()).flatten().cloned().collect();
        let mut details = self.details(changes.due_at.map(|at| at.with_timezone(&Utc)), changes.priority, &tags);
        if let Some(remind) = changes.remind_at {
            details.push_str(&self.reminder(remind));
        }
        if changes.description.is_some() {
            details.push_str(&self.in_language(", new description".into(), "، نئی تفصیل".into()));
        }
        if let Some(rule) = changes.recurrence {
            details.push_str(&self.repeats(rule));
        }
        for field in changes.clear.iter().flatten() {
            let (english, urdu) = match field {
                Clearable::Description => ("description", "تفصیل"),
                Clearable::Tags => ("tags", "ٹیگ"),
                Clearable::DueAt => ("due date", "آخری تاریخ"),
                Clearable::RemindAt => ("reminder", "یاد دہانی"),
                Clearable::Recurrence => ("repeat", "دہرانا"),
            };
            details.push_str(&self.in_language(format!(", no {english}"), format!("، {urdu} ہٹا دی گئی")));
        }
        match (changes.title.is_some(), details.is_empty()) {
            (true, _) => self.in_language(
                format!("Renamed task #{id} to \"{title}\"{details}."),
                format!("کام نمبر {id} کا نیا نام \"{title}\"{details}۔"),
            ),
            (false, true) => self.done(Verb::Update, outcome),
            (false, false) => self.in_language(
                format!("Updated \"{title}\" (task #{id}){details}."),
                format!("\"{title}\" (کام نمبر {id}) بدل دیا گیا{details}۔"),
            ),
        }
    }

    /// ", reminder Fri 27 Nov 14:00".
    fn reminder(&self, at: chrono::DateTime<chrono::FixedOffset>) -> String {
        let at = self.when(at.with_timezone(&Utc));
        self.in_language(format!(", reminder {at}"), format!("، یاد دہانی {at}"))
    }

    pub fn listed(&self, query: &ListTasks, tasks: &[TaskSummary], total: i64) -> String {
        let status = query.status.unwrap_or_default();
        let filtered = query.q.is_some() || query.priority.is_some() || query.tag.is_some() || query.due.is_some();
        if tasks.is_empty() {
            return match (filtered, status) {
                (true, _) if query.q.is_none() && query.priority.is_none() && query.tag.is_none() => match query.due {
                    Some(DueFilter::Today) => {
                        self.in_language("Nothing is due today.".into(), "آج کوئی کام واجب نہیں۔".into())
                    }
                    Some(DueFilter::Overdue) => {
                        self.in_language("Nothing is overdue. Well done!".into(), "کوئی کام تاخیر میں نہیں۔".into())
                    }
                    Some(DueFilter::Week) => {
                        self.in_language("Nothing is due this week.".into(), "اس ہفتے کوئی کام واجب نہیں۔".into())
                    }
                    _ => self.in_language("No tasks match that.".into(), "ایسا کوئی کام نہیں ملا۔".into()),
                },
                (true, _) => self.in_language("No tasks match that.".into(), "ایسا کوئی کام نہیں ملا۔".into()),
                (false, StatusFilter::All) => self.in_language(
                    "Your list is empty. Try \"Add a task to buy groceries\".".into(),
                    "آپ کی فہرست خالی ہے۔ مثلاً کہیں: \"ایک کام شامل کریں: دودھ خریدنا\"".into(),
                ),
                (false, StatusFilter::Pending) => {
                    self.in_language("Nothing pending. You're all caught up!".into(), "کوئی کام باقی نہیں۔".into())
                }
                (false, StatusFilter::Completed) => self.in_language(
                    "You haven't completed any tasks yet.".into(),
                    "ابھی تک کوئی کام مکمل نہیں ہوا۔".into(),
                ),
            };
        }
        let total = total.max(tasks.len() as i64);
        let noun = if total == 1 { "task" } else { "tasks" };
        let adjective = match status {
            StatusFilter::All => "",
            StatusFilter::Pending => " pending",
            StatusFilter::Completed => " completed",
        };
        let mut text = match (filtered, self.language) {
            (false, Language::English) => format!("You have {total}{adjective} {noun}:"),
            (true, Language::English) if total == 1 => format!("1{adjective} task matches:"),
            (true, Language::English) => format!("{total}{adjective} {noun} match:"),
            (_, Language::Urdu) => match status {
                // Urdu verbs agree with one task or several.
                StatusFilter::Pending if total == 1 => "آپ کا 1 کام باقی ہے:".to_string(),
                StatusFilter::Pending => format!("آپ کے {total} کام باقی ہیں:"),
                StatusFilter::Completed if total == 1 => "آپ نے 1 کام مکمل کیا ہے:".to_string(),
                StatusFilter::Completed => format!("آپ نے {total} کام مکمل کیے ہیں:"),
                StatusFilter::All if total == 1 => "آپ کا 1 کام ہے:".to_string(),
                StatusFilter::All => format!("آپ کے {total} کام ہیں:"),
            },
        };
        for task in tasks.iter().take(REPLY_LIST_MAX) {
            text.push_str(&self.line(task, status == StatusFilter::All));
        }
        let shown = tasks.len().min(REPLY_LIST_MAX) as i64;
        if total > shown {
            let more = total - shown;
            text.push_str(&self.in_language(
                format!("\n…and {more} more. The task page shows them all."),
                format!("\n…اور {more} مزید۔ کاموں کا صفحہ سب دکھاتا ہے۔"),
            ));
        }
        text
    }

    /// The tasks due on `day`.
    pub fn listed_day(&self, day: NaiveDate, tasks: &[TaskSummary]) -> String {
        let date = match self.language {
            Language::English => day.format("%a %-d %b").to_string(),
            Language::Urdu => day.format("%d-%m-%Y").to_string(),
        };
        if tasks.is_empty() {
            return self.in_language(format!("Nothing is due on {date}."), format!("{date} کو کوئی کام واجب نہیں۔"));
        }
        let n = tasks.len();
        let mut text = self.in_language(
            format!("{n} {} due on {date}:", if n == 1 { "task is" } else { "tasks are" }),
            if n == 1 {
                format!("{date} کو 1 کام واجب ہے:")
            } else {
                format!("{date} کو {n} کام واجب ہیں:")
            },
        );
        for task in tasks.iter().take(REPLY_LIST_MAX) {
            text.push_str(&self.line(task, false));
        }
        if n > REPLY_LIST_MAX {
            text.push_str(&format!("\n… (+{})", n - REPLY_LIST_MAX));
        }
        text
    }

    pub fn which(&self, name: &str, candidates: &[TaskSummary], verb: Verb) -> String {
        if let [only] = candidates {
            return self.in_language(
                format!(
                    "No task is called \"{name}\". Should I {} this one?{}\nReply \"yes\", or tell me which task you mean.",
                    verb_word(verb),
                    self.line(only, true)
                ),
                format!(
                    "\"{name}\" نام کا کوئی کام نہیں۔ کیا یہ والا؟{}\n\"ہاں\" کہیں، یا بتائیں کون سا کام۔",
                    self.line(only, true)
                ),
            );
        }
        let mut text = self.in_language(
            format!("I found {} tasks matching \"{name}\":", candidates.len()),
            format!("\"{name}\" سے {} کام ملتے ہیں:", candidates.len()),
        );
        for task in candidates {
            text.push_str(&self.line(task, true));
        }
        text.push('\n');
        text.push_str(&self.in_language(
            format!("Which one should I {}? Reply with its number.", verb_word(verb)),
            "کون سا؟ اس کا نمبر بتائیں۔".into(),
        ));
        text
    }

    /// Every task a "yes" would delete, so that the answer is to exactly
    /// what was shown; `total` says how many matched in all.
    pub fn confirm_delete(&self, tasks: &[TaskSummary], total: i64) -> String {
        let n = tasks.len();
        let mut text = self.in_language(
            format!("This would delete {n} {}:", if n == 1 { "task" } else { "tasks" }),
            if n == 1 {
                "یہ کام حذف ہو جائے گا:".to_string()
            } else {
                format!("یہ {n} کام حذف ہو جائیں گے:")
            },
        );
        for task in tasks {
            text.push_str(&self.line(task, true));
        }
        let more = total - n as i64;
        if more > 0 {
            text.push_str(&self.in_language(
                format!("\n{more} more match; ask again once these are gone."),
                format!("\n{more} مزید کام بھی ملتے ہیں؛ یہ حذف ہونے کے بعد دوبارہ کہیں۔"),
            ));
        }
        text.push('\n');
        text.push_str(&match n {
            1 => self.in_language(
                "Delete it? Reply \"yes\" to delete or \"no\" to keep it.".into(),
                "کیا میں اسے حذف کر دوں؟ \"ہاں\" یا \"نہیں\" میں جواب دیں۔".into(),
            ),
            _ => self.in_language(
                "Delete them? Reply \"yes\" to delete or \"no\" to keep them.".into(),
                "کیا میں انہیں حذف کر دوں؟ \"ہاں\" یا \"نہیں\" میں جواب دیں۔".into(),
            ),
        });
        text
    }

    pub fn deleted_many(&self, count: usize) -> String {
        let noun = if count == 1 { "task" } else { "tasks" };
        self.in_language(format!("Done. I deleted {count} {noun}."), format!("{count} کام حذف کر دیے گئے۔"))
    }

    /// Tasks listed for deletion that changed before the "yes".
    pub fn kept_changed(&self, count: usize) -> String {
        self.in_language(
            format!(
                "{count} of those I listed changed since I asked, so I left {}.",
                if count == 1 { "it" } else { "them" }
            ),
            format!("فہرست کے {count} کام اس دوران بدل گئے، اس لیے انہیں رہنے دیا۔"),
        )
    }

    pub fn kept(&self) -> String {
        self.in_language("OK, I left everything as it was.".into(), "ٹھیک ہے، میں نے کچھ نہیں بدلا۔".into())
    }

    pub fn nothing_to_delete(&self) -> String {
        self.in_language("There is nothing to delete.".into(), "حذف کرنے کو کچھ نہیں۔".into())
    }

    pub fn yes_or_no(&self) -> String {
        self.in_language("Please answer \"yes\" or \"no\".".into(), "براہِ کرم \"ہاں\" یا \"نہیں\" میں جواب دیں۔".into())
    }

    pub fn pick_a_number(&self) -> String {
        self.in_language(
            "Which one? Reply with its number, or say \"cancel\".".into(),
            "کون سا؟ اس کا نمبر بتائیں، یا \"منسوخ\" کہیں۔".into(),
        )
    }

    pub fn nothing_asked(&self) -> String {
        self.in_language(
            format!("I wasn't waiting for an answer. {}", self.capabilities()),
            format!("میں کسی جواب کا منتظر نہیں تھا۔ {}", self.capabilities()),
        )
    }

    pub fn no_such_task(&self, id: i64) -> String {
        self.in_language(
            format!("I couldn't find task #{id} in your list. Say \"show my tasks\" to see the numbers."),
            format!("مجھے کام نمبر {id} نہیں ملا۔ \"میرے کام دکھائیں\" کہہ کر نمبر دیکھیں۔"),
        )
    }

    pub fn no_match(&self, name: &str) -> String {
        self.in_language(
            format!("I couldn't find a task matching \"{name}\". Say \"show my tasks\" to see what's there."),
            format!("مجھے \"{name}\" سے ملتا کوئی کام نہیں ملا۔"),
        )
    }

    /// "it" with no task named before.
    pub fn which_task(&self) -> String {
        self.in_language(
            "Which task do you mean? Say its number (\"task 3\") or part of its title.".into(),
            "کون سا کام؟ اس کا نمبر یا نام بتائیں۔".into(),
        )
    }

    pub fn failed(&self, error: &str) -> String {
        self.in_language(format!("I couldn't do that: {error}."), format!("یہ نہیں ہو سکا: {error}۔"))
    }

    pub fn incomplete(&self, verb: Verb) -> String {
        match verb {
            Verb::Add => self.in_language(
                "What should the task say? For example: \"Add a task to buy groceries\".".into(),
                "کام میں کیا لکھوں؟ مثلاً: \"ایک کام شامل کریں: دودھ خریدنا\"".into(),
            ),
            Verb::Update => self.in_language(
                "Which task, and what should change? For example: \"Change task 1 to 'Call mom tonight'\".".into(),
                "کون سا کام، اور کیا بدلوں؟ مثلاً: کام 1 کو \"امی کو فون\" میں بدلیں".into(),
            ),
            verb => self.in_language(
                format!(
                    "Which task should I {}? You can say its number (\"task 3\") or part of its title.",
                    verb_word(verb)
                ),
                "کون سا کام؟ اس کا نمبر یا نام بتائیں۔".into(),
            ),
        }
    }

    /// A change that could be read several ways.
    pub fn quote_names(&self) -> String {
        self.in_language(
            "I'm not sure where the task's name ends and the change begins. Put them in quotes, for example: Rename \"book flights\" to \"book flights to Lahore\".".into(),
            "مجھے یقین نہیں کہ کام کا نام کہاں ختم ہوتا ہے۔ نام اور تبدیلی دونوں کو قوسین میں لکھیں۔".into(),
        )
    }

    pub fn greeting(&self) -> String {
        self.in_language(
            format!("Hi! I'm your todo assistant. {}", self.capabilities()),
            format!("السلام علیکم! میں آپ کے کاموں کا مددگار ہوں۔ {}", self.capabilities()),
        )
    }

    pub fn thanks(&self) -> String {
        self.in_language("You're welcome! Anything else on your list?".into(), "خوشی ہوئی! اور کچھ؟".into())
    }

    pub fn unknown(&self) -> String {
        self.in_language(
            format!("Sorry, I didn't understand that. {}", self.capabilities()),
            format!("معاف کیجیے، میں سمجھ نہیں سکا۔ {}", self.capabilities()),
        )
    }

    pub fn capabilities(&self) -> String {
        self.in_language(
            "I can add, list, find, complete, reopen, change and delete your tasks, with due dates, priorities, tags and reminders. Try \"Add pay rent tomorrow at 9am, high priority #home\", \"What's due today?\", \"Mark task 3 as complete\" or \"Delete the meeting task\".".into(),
            "میں آپ کے کام شامل، ظاہر، مکمل، تبدیل اور حذف کر سکتا ہوں۔ مثلاً: \"ایک کام شامل کریں: دودھ خریدنا\"، \"میرے کام دکھائیں\"، \"کام 3 مکمل کریں\"۔".into(),
        )
    }
}

fn verb_word(verb: Verb) -> &'static str {
    match verb {
        Verb::Add => "add",
        Verb::Show => "show",
        Verb::Complete => "complete",
        Verb::Reopen => "reopen",
        Verb::Delete => "delete",
        Verb::Update => "change",
    }
}
