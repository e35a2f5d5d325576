//! An Urdu message (Urdu script), read: the everyday commands. Urdu puts
//! the verb last ("کام 3 مکمل کریں", task 3 complete do), so the verb is
//! looked for at the end first, then at the start ("شامل کریں: دودھ خریدنا").
//!
//! Dates, times, priorities and tags are read by [`super::urdu_planning`].

use super::{
    targets::{choice, task_number},
    urdu_planning::{level_named, take_planning, Part, Planning, PRIORITY},
    words::{key, quotes, strip_prefix, strip_suffix},
};
use crate::chat::{
    builtin::intent::{Choice, Clock, Intent, Target, Verb},
    tools::args::{AddTask, ListTasks, UpdateTask},
};
use crate::task::list::{DueFilter, StatusFilter};

const YES: &[&str] =
    &["ہاں", "جی ہاں", "جی", "ٹھیک ہے", "ٹھیک", "ضرور", "بالکل", "ہاں جی", "اوکے", "کر دیں", "ہاں کر دیں"];
const NO: &[&str] =
    &["نہیں", "جی نہیں", "نہیں شکریہ", "منسوخ", "منسوخ کریں", "منسوخ کرو", "رہنے دیں", "رہنے دو", "مت کریں", "بس"];
const GREETINGS: &[&str] = &["السلام علیکم", "اسلام علیکم", "السلام و علیکم", "سلام", "ہیلو", "آداب"];
const THANKS: &[&str] = &["شکریہ", "بہت شکریہ", "آپ کا شکریہ", "مہربانی", "جزاک اللہ"];
const HELP: &[&str] = &["مدد", "مدد کریں", "آپ کیا کر سکتے ہیں", "آپ کیا کر سکتی ہیں"];
/// "the first", "the second"... as answers to "which one?".
const ORDINALS: &[&str] = &["پہلا", "دوسرا", "تیسرا", "چوتھا", "پانچواں"];
const LAST: &str = "آخری";

const POLITE: &[&str] = &["براہ کرم", "برائے مہربانی", "مہربانی کر کے", "پلیز", "ذرا"];

const ADD_VERBS: &[&str] = &[
    "شامل کریں",
    "شامل کرو",
    "شامل کر دیں",
    "شامل کر دو",
    "شامل کیجیے",
    "شامل کیجئے",
    "ڈال دیں",
    "ڈال دو",
    "لکھ لیں",
    "لکھ دیں",
    "یاد دلانا",
    "یاد دلائیں",
    "یاد دلاؤ",
    "یاد دلا دیں",
    "یاد دلا دینا",
    "بنائیں",
    "بناؤ",
];
/// Openers that add what follows on their own.
const ADD_OPENERS: &[&str] = &["نیا کام", "ایک نیا کام", "نیا ٹاسک"];
const LIST_VERBS: &[&str] =
    &["دکھائیں", "دکھاؤ", "دکھا دیں", "دکھا دو", "دکھائیے", "بتائیں", "بتاؤ", "بتا دیں", "فہرست"];
/// Longer first: "کام 1 مکمل ہو گیا" is task 1, not a task named "1 مکمل".
/// Not "ختم ہو گیا": "دودھ ختم ہو گیا" is "the milk ran out", not done.
const COMPLETE_VERBS: &[&str] = &[
    "مکمل ہو گیا",
    "مکمل ہوگیا",
    "مکمل ہو چکا",
    "مکمل کر لیا",
    "مکمل کریں",
    "مکمل کر دیں",
    "مکمل کرو",
    "مکمل کر دو",
    "مکمل",
    "ختم کریں",
    "ہو گیا",
    "ہوگیا",
    "کر لیا",
];
const DELETE_VERBS: &[&str] = &[
    "حذف کریں",
    "حذف کر دیں",
    "حذف کرو",
    "حذف",
    "مٹا دیں",
    "مٹا دو",
    "مٹاؤ",
    "ہٹا دیں",
    "ہٹا دو",
    "ہٹاؤ",
    "ڈیلیٹ کریں",
    "ڈیلیٹ کر دیں",
];
const REOPEN_VERBS: &[&str] = &["دوبارہ کھولیں", "دوبارہ کھولو", "نامکمل کریں", "واپس کھولیں"];
const UPDATE_VERBS: &[&str] = &[
    "میں بدلیں",
    "میں بدل دیں",
    "میں بدلو",
    "میں تبدیل کریں",
    "میں تبدیل کر دیں",
    "بدلیں",
    "بدل دیں",
    "تبدیل کریں",
    "تبدیل کر دیں",
];

/// Words around a title or a task's name that are not part of it.
const FILLERS_BEFORE: &[&str] =
    &["ایک نیا کام", "ایک کام", "نیا کام", "کام", "ٹاسک", "مجھے", "میرے لیے", "میں نے", "کہ", "نمبر"];
const FILLERS_AFTER: &[&str] = &[
    "والا کام",
    "والے کام",
    "والا",
    "والی",
    "کا کام",
    "کا",
    "یہ کام",
    "کام",
    "کو",
    "میری فہرست میں",
    "فہرست میں",
    "نمبر",
    "یہ",
];
const IT_WORDS: &[&str] = &["یہ", "اسے", "اس کو", "اس", "وہ", "یہ کام", "وہ کام"];

/// The stem of "remind" ("یاد دلانا", "یاد دلائیں", "یاد دلا دیں").
const REMIND_STEM: &str = "یاد دلا";

const ALL_WORDS: &[&str] = &["تمام", "سارے", "سب"];
/// "Overdue": late, past their date.
const OVERDUE_WORDS: &[&str] = &["تاخیر", "گزر", "لیٹ"];
const WEEK_WORDS: &[&str] = &["اس ہفتے", "اس ہفتہ", "ہفتے بھر"];
const PENDING_WORDS: &[&str] = &["باقی", "زیر التوا", "نامکمل", "بقایا"];
const DONE_WORD: &str = "مکمل";

/// What `cleaned` (an Urdu message) asks for, at `clock`; `asked`: it had
/// a question mark. A question about one task ("کام 3 مکمل ہو گیا؟") shows
/// it and changes nothing.
pub fn read(cleaned: &str, asked: bool, clock: &Clock) -> Intent {
    let intent = read_message(cleaned, clock);
    if asked || strip_prefix(cleaned, &["کیا"]).is_some() {
        intent.asked()
    } else {
        intent
    }
}

fn read_message(cleaned: &str, clock: &Clock) -> Intent {
    let whole = key(cleaned);
    let whole = whole.as_str();
    let answer = |list: &[&str]| list.contains(&whole);
    if answer(YES) {
        return Intent::Yes;
    }
    if answer(NO) {
        return Intent::No;
    }
    if answer(GREETINGS) {
        return Intent::Greeting;
    }
    if answer(THANKS) {
        return Intent::Thanks;
    }
    if answer(HELP) {
        return Intent::Help;
    }
    if let Some(chosen) = urdu_choice(whole) {
        return Intent::Choice(chosen);
    }
    let mut body = cleaned.trim();
    while let Some(rest) = strip_prefix(body, POLITE).or_else(|| strip_suffix(body, POLITE)) {
        body = rest.trim();
    }
    read_command(body, clock)
}

fn urdu_choice(whole: &str) -> Option<Choice> {
    let core = strip_suffix(whole, &["والا", "والا کام"]).unwrap_or(whole);
    if core == LAST {
        return Some(Choice::Last);
    }
    if let Some(at) = ORDINALS.iter().position(|ordinal| *ordinal == core) {
        return Some(Choice::Position(at + 1));
    }
    let core = strip_prefix(core, &["کام", "نمبر", "کام نمبر"]).unwrap_or(core);
    choice(core)
}

/// `text` with `verbs` taken off its end, or its start.
fn without_verb<'a>(text: &'a str, verbs: &[&str]) -> Option<&'a str> {
    strip_suffix(text, verbs).or_else(|| strip_prefix(text, verbs)).or_else(|| verbs.contains(&text).then_some(""))
}

fn read_command(body: &str, clock: &Clock) -> Intent {
    let remind = body.contains(REMIND_STEM);
    // "ایک کام شامل کریں: دودھ خریدنا": the verb, a colon, the title; the
    // words before the colon may say when ("کل کے لیے ایک کام شامل کریں: ...").
    if let Some((before, after)) = split_at_colon(body) {
        let before = before.trim();
        if let Some(context) = without_verb(before, ADD_VERBS).or_else(|| strip_prefix(before, ADD_OPENERS)) {
            return add(context, after, true, remind, clock);
        }
    }
    // "کام شامل کرو سبزی لانا": "task", the verb, then the title.
    if let Some(rest) = strip_prefix(body, &["ایک کام", "کام"]).and_then(|rest| strip_prefix(rest.trim(), ADD_VERBS))
    {
        if !rest.trim().is_empty() {
            return add("", rest, false, remind, clock);
        }
    }
    if let Some(intent) = priority_change(body) {
        return intent;
    }
    if let Some(rest) = without_verb(body, UPDATE_VERBS) {
        return update(rest);
    }
    if let Some(rest) = without_verb(body, DELETE_VERBS) {
        if ALL_WORDS.iter().any(|word| rest.split(' ').any(|w| w == *word)) {
            return Intent::DeleteAll(filters(rest));
        }
        return target(rest).map_or(Intent::Incomplete(Verb::Delete), Intent::Delete);
    }
    if let Some(rest) = without_verb(body, REOPEN_VERBS) {
        return target(rest).map_or(Intent::Incomplete(Verb::Reopen), Intent::Reopen);
    }
    if let Some(rest) = without_verb(body, LIST_VERBS) {
        return list(rest, clock);
    }
    if let Some(rest) = strip_prefix(body, ADD_OPENERS) {
        return add("", rest, false, remind, clock);
    }
    if let Some(rest) = without_verb(body, ADD_VERBS) {
        return add("", rest, false, remind, clock);
    }
    if let Some(rest) = strip_suffix(body, COMPLETE_VERBS).or_else(|| COMPLETE_VERBS.contains(&body).then_some("")) {
        return target(rest).map_or(Intent::Incomplete(Verb::Complete), Intent::Complete);
    }
    // "کون سے کام باقی ہیں", "مکمل کام", "تمام کام": questions about the list.
    if body.split(' ').any(|word| word == "کام" || word == "کاموں") {
        return list(body, clock);
    }
    Intent::Unknown
}

/// A question about the list: its status words, a day ("آج کے کام", "کل
/// کے کام"), "overdue", "this week", a priority or a tag.
fn list(text: &str, clock: &Clock) -> Intent {
    let mut query = filters(text);
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    if has(OVERDUE_WORDS) {
        query.due = Some(DueFilter::Overdue);
    } else if has(WEEK_WORDS) {
        query.due = Some(DueFilter::Week);
    }
    let mut planning = Planning::default();
    take_planning(text, Part::Question, clock, &mut planning);
    if planning.priority.is_some() {
        query.priority = planning.priority.map(|priority| vec![priority]);
    }
    if !planning.tags.is_empty() {
        query.tag = Some(planning.tags);
    }
    if query.due.is_some() {
        return Intent::List(ListTasks { status: query.status.or(Some(StatusFilter::Pending)), ..query });
    }
    let Some(due) = planning.due_at else { return Intent::List(query) };
    let day = due.date_naive();
    if day == clock.today() {
        let status = query.status.or(Some(StatusFilter::Pending));
        return Intent::List(ListTasks { status, due: Some(DueFilter::Today), ..query });
    }
    Intent::ListDay { query, day }
}

/// Verbs of "make it ..." ("کام 3 کو اہم بنائیں", "کام 3 کی ترجیح زیادہ کر دیں").
const MAKE_VERBS: &[&str] = &["بنائیں", "بنا دیں", "بناؤ", "بنا دو", "کریں", "کر دیں", "کرو", "کر دو"];
/// "کام 3 کو اہم بنائیں" (make task 3 important), "کام 3 کی ترجیح زیادہ
/// کر دیں" (raise task 3's priority): a change of priority, never a new task.
fn priority_change(body: &str) -> Option<Intent> {
    let rest = strip_suffix(body, MAKE_VERBS)?;
    let (task, level) = match rest.split_once(&format!(" کی {PRIORITY} ")) {
        Some(split) => split,
        // "اسے اہم بنائیں": make it important.
        None if rest.starts_with("اسے ") => rest.split_at("اسے".len()),
        None => rest.rsplit_once(" کو ")?,
    };
    let level = level.trim();
    let level = strip_suffix(level, &[PRIORITY]).or_else(|| strip_prefix(level, &[PRIORITY])).unwrap_or(level).trim();
    let priority = level_named(level)?;
    let changes = UpdateTask { priority: Some(priority), ..UpdateTask::default() };
    Some(Intent::Update { target: target(task)?, changes })
}

/// `text` split at its first colon that is not inside a time ("9:30").
fn split_at_colon(text: &str) -> Option<(&str, &str)> {
    let digit_at = |at: usize| text.as_bytes().get(at).is_some_and(u8::is_ascii_digit);
    let at = text
        .char_indices()
        .map(|(at, _)| at)
        .find(|&at| text.as_bytes()[at] == b':' && !(at > 0 && digit_at(at - 1) && digit_at(at + 1)))?;
    Some((&text[..at], &text[at + 1..]))
}

/// Status words of a list question.
fn filters(text: &str) -> ListTasks {
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    let status = if has(PENDING_WORDS) {
        Some(StatusFilter::Pending)
    } else if text.contains(DONE_WORD) {
        Some(StatusFilter::Completed)
    } else if has(ALL_WORDS) {
        Some(StatusFilter::All)
    } else {
        None
    };
    ListTasks { status, ..ListTasks::default() }
}

/// `text` without the fillers at either end.
fn core(text: &str) -> &str {
    let mut core = text.trim().trim_matches([':', '،', '-', ' ']);
    loop {
        if let Some(rest) = strip_prefix(core, FILLERS_BEFORE).filter(|rest| !rest.is_empty()) {
            core = rest.trim_matches([':', '،', '-', ' ']);
        } else if let Some(rest) = strip_suffix(core, FILLERS_AFTER) {
            core = rest.trim_matches([':', '،', '-', ' ']);
        } else {
            return core;
        }
    }
}

/// An add of `rest` (the title, and the words that plan it); `context`
/// holds more such words that are not the title ("کل کے لیے ایک اہم کام"
/// before a colon). `remind`: remind at the due time.
/// `after_colon`: `rest` followed a colon ("...شامل کریں: <rest>"), so it is
/// all title, even a first word "کام" ("کام 2 کی رپورٹ لکھنا").
fn add(context: &str, rest: &str, after_colon: bool, remind: bool, clock: &Clock) -> Intent {
    let mut planning = Planning::default();
    take_planning(context, Part::Around, clock, &mut planning);
    // A quoted title is the title as typed; a colon puts it after itself.
    let (title, explicit) = match (quotes(rest).first(), split_at_colon(rest)) {
        (Some(quoted), _) => {
            let around = format!("{} {}", &rest[..quoted.start], &rest[quoted.end..]);
            take_planning(&around, Part::Around, clock, &mut planning);
            (quoted.inner.to_string(), true)
        }
        (None, Some((before, after))) if !after.trim().is_empty() => {
            take_planning(before, Part::Around, clock, &mut planning);
            (take_planning(after, Part::Title, clock, &mut planning), true)
        }
        _ => (take_planning(rest, Part::Title, clock, &mut planning), after_colon),
    };
    let title = if explicit { title.trim_matches([':', '،', '-', ' ']) } else { core(&title) };
    if title.is_empty() || FILLERS_BEFORE.contains(&title) {
        return Intent::Incomplete(Verb::Add);
    }
    let task = AddTask {
        title: title.to_string(),
        priority: planning.priority,
        tags: (!planning.tags.is_empty()).then_some(planning.tags),
        due_at: planning.due_at,
        remind_at: planning.due_at.filter(|_| remind),
        ..AddTask::default()
    };
    Intent::Add { task, then_complete: false }
}

/// "کام 3", "میٹنگ والا کام", "یہ".
fn target(raw: &str) -> Option<Target> {
    let raw = raw.trim();
    if let Some(quoted) = quotes(raw).first() {
        return Some(Target::Name(quoted.inner.to_string()));
    }
    let name = core(raw);
    if let Some(id) = task_number(name) {
        return Some(Target::Id(id));
    }
    if IT_WORDS.contains(&raw) || IT_WORDS.contains(&name) {
        return Some(Target::It);
    }
    (!name.is_empty() && !FILLERS_BEFORE.contains(&name)).then(|| Target::Name(name.to_string()))
}

/// `کام 1 کو "امی کو فون" میں بدلیں`: the task, "کو", the new title. Without
/// quotes the task ends at the first "کو" (the title may hold another).
fn update(rest: &str) -> Intent {
    let split = match quotes(rest).as_slice() {
        [first, .., last] => Some((rest[first.start..first.end].to_string(), last.inner.to_string())),
        [only] => Some((rest[..only.start].to_string(), only.inner.to_string())),
        [] => rest.split_once(" کو ").map(|(task, title)| (task.to_string(), title.to_string())),
    };
    let Some((task, title)) = split else { return Intent::Incomplete(Verb::Update) };
    let task = strip_suffix(task.trim(), &["کو"]).unwrap_or(task.trim()).to_string();
    let title = strip_suffix(title.trim(), &["میں"]).unwrap_or(title.trim()).trim().to_string();
    match target(&task) {
        Some(target) if !title.is_empty() => {
            Intent::Update { target, changes: UpdateTask { title: Some(title), ..UpdateTask::default() } }
        }
        _ => Intent::Incomplete(Verb::Update),
    }
}
