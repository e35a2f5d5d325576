//! Urdu phrases (Urdu script, Urdu or ASCII digits).

use super::*;

fn ur(intent: Intent) -> Parsed {
    Parsed { intent, language: Language::Urdu }
}

fn ur_add(title: &str) -> Parsed {
    ur(Intent::Add { task: AddTask { title: title.into(), ..AddTask::default() }, then_complete: false })
}

#[test]
fn reads_urdu() {
    let rename = |target, text: &str| {
        ur(Intent::Update { target, changes: UpdateTask { title: Some(text.into()), ..UpdateTask::default() } })
    };
    check(
        vec![
            ("ایک کام شامل کریں: دودھ خریدنا", ur_add("دودھ خریدنا")),
            ("کام شامل کرو سبزی لانا", ur_add("سبزی لانا")),
            ("دودھ خریدنا شامل کریں", ur_add("دودھ خریدنا")),
            ("دودھ خریدنے کا کام شامل کرو", ur_add("دودھ خریدنے")),
            ("نیا کام: بل ادا کرنا", ur_add("بل ادا کرنا")),
            ("مجھے بل ادا کرنا یاد دلانا", ur_add("بل ادا کرنا")),
            ("براہ کرم ڈاکٹر کو فون کرنا شامل کر دیں", ur_add("ڈاکٹر کو فون کرنا")),
            ("میرے کام دکھائیں", ur(Intent::List(ListTasks::default()))),
            ("تمام کام", ur(Intent::List(status(StatusFilter::All)))),
            ("تمام کام دکھائیں", ur(Intent::List(status(StatusFilter::All)))),
            ("کون سے کام باقی ہیں؟", ur(Intent::List(status(StatusFilter::Pending)))),
            ("مکمل کام", ur(Intent::List(status(StatusFilter::Completed)))),
            ("مکمل کام دکھائیں", ur(Intent::List(status(StatusFilter::Completed)))),
            ("کام 3 مکمل کریں", ur(Intent::Complete(Target::Id(3)))),
            ("کام ۳ مکمل کر دیں", ur(Intent::Complete(Target::Id(3)))),
            ("کام نمبر 4 مکمل کریں", ur(Intent::Complete(Target::Id(4)))),
            ("کام 3 حذف کریں", ur(Intent::Delete(Target::Id(3)))),
            ("کام ۵ مٹا دیں", ur(Intent::Delete(Target::Id(5)))),
            ("میٹنگ والا کام حذف کریں", ur(Intent::Delete(Target::Name("میٹنگ".into())))),
            ("حذف کریں", ur(Intent::Incomplete(Verb::Delete))),
            ("کام 2 دوبارہ کھولیں", ur(Intent::Reopen(Target::Id(2)))),
            ("کام 1 کو \"امی کو فون\" میں بدلیں", rename(Target::Id(1), "امی کو فون")),
            ("کام 1 کو امی کو فون میں بدلیں", rename(Target::Id(1), "امی کو فون")),
            ("ہاں", ur(Intent::Yes)),
            ("جی ہاں", ur(Intent::Yes)),
            ("ٹھیک ہے", ur(Intent::Yes)),
            ("نہیں", ur(Intent::No)),
            ("منسوخ", ur(Intent::No)),
            ("السلام علیکم", ur(Intent::Greeting)),
            ("شکریہ", ur(Intent::Thanks)),
            ("دوسرا", ur(Intent::Choice(Choice::Position(2)))),
            ("کام ۳", ur(Intent::Choice(Choice::Number(3)))),
        ],
        &karachi(),
    );
}
