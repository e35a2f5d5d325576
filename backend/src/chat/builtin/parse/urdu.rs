//! An Urdu message (Urdu script), read: the everyday commands. Urdu puts
//! the verb last ("کام 3 مکمل کریں", task 3 complete do), so the verb is
//! looked for at the end first, then at the start ("شامل کریں: دودھ خریدنا").
//!
//! Dates in Urdu are not read ("کل" is both yesterday and tomorrow).

use super::{
    targets::{choice, task_number},
    words::{key, quotes, strip_prefix, strip_suffix},
};
use crate::chat::{
    builtin::intent::{Choice, Intent, Target, Verb},
    tools::args::{AddTask, ListTasks, UpdateTask},
};
use crate::task::list::StatusFilter;

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
const COMPLETE_VERBS: &[&str] =
    &["مکمل کریں", "مکمل کر دیں", "مکمل کرو", "مکمل کر دو", "مکمل", "ختم کریں", "ہو گیا", "ہوگیا", "کر لیا"];
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
const FILLERS_BEFORE: &[&str] = &["ایک نیا کام", "ایک کام", "نیا کام", "کام", "ٹاسک", "مجھے", "میرے لیے", "کہ", "نمبر"];
const FILLERS_AFTER: &[&str] =
    &["والا کام", "والے کام", "والا", "والی", "کا کام", "کا", "کام", "کو", "میری فہرست میں", "فہرست میں", "نمبر"];
const IT_WORDS: &[&str] = &["یہ", "اسے", "اس کو", "وہ", "یہ کام", "وہ کام"];

const ALL_WORDS: &[&str] = &["تمام", "سارے", "سب"];
const PENDING_WORDS: &[&str] = &["باقی", "زیر التوا", "نامکمل", "بقایا"];
const DONE_WORD: &str = "مکمل";

/// What `cleaned` (an Urdu message) asks for.
pub fn read(cleaned: &str) -> Intent {
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
    read_command(body)
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

fn read_command(body: &str) -> Intent {
    // "ایک کام شامل کریں: دودھ خریدنا": the verb, a colon, the title.
    if let Some((before, after)) = body.split_once(':') {
        let before = before.trim();
        if without_verb(before, ADD_VERBS).is_some() || strip_prefix(before, ADD_OPENERS).is_some() {
            return add(after);
        }
    }
    // "کام شامل کرو سبزی لانا": "task", the verb, then the title.
    if let Some(rest) = strip_prefix(body, &["ایک کام", "کام"]).and_then(|rest| strip_prefix(rest.trim(), ADD_VERBS))
    {
        if !rest.trim().is_empty() {
            return add(rest);
        }
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
        return Intent::List(filters(rest));
    }
    if let Some(rest) = strip_prefix(body, ADD_OPENERS) {
        return add(rest);
    }
    if let Some(rest) = without_verb(body, ADD_VERBS) {
        return add(rest);
    }
    if let Some(rest) = strip_suffix(body, COMPLETE_VERBS).or_else(|| COMPLETE_VERBS.contains(&body).then_some("")) {
        return target(rest).map_or(Intent::Incomplete(Verb::Complete), Intent::Complete);
    }
    // "کون سے کام باقی ہیں", "مکمل کام", "تمام کام": questions about the list.
    if body.split(' ').any(|word| word == "کام" || word == "کاموں") {
        return Intent::List(filters(body));
    }
    Intent::Unknown
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

fn add(rest: &str) -> Intent {
    // "ایک کام شامل کریں: دودھ خریدنا": the title follows the colon.
    let title = match (quotes(rest).first(), rest.split_once(':')) {
        (Some(quoted), _) => quoted.inner,
        (None, Some((_, after))) if !after.trim().is_empty() => after,
        _ => rest,
    };
    let title = core(title);
    if title.is_empty() || FILLERS_BEFORE.contains(&title) {
        return Intent::Incomplete(Verb::Add);
    }
    Intent::Add { task: AddTask { title: title.to_string(), ..AddTask::default() }, then_complete: false }
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
