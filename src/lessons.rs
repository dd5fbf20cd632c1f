//! The lessons (every `lessons/*.json`), read once. Native builds (the tests) have them compiled
//! in by `build.rs`; the browser fetches them from `lessons/` beside the app once it runs, so
//! the first screen's download does not carry them (they were 105 KB of its gzipped wasm). The
//! service worker keeps the files, so lessons open offline too (src/offline.rs waits for them
//! before it says the app works offline).

use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::lesson::Lesson;
use scaleboard_sim::Diagram;
use std::cell::RefCell;
use std::rc::Rc;

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The reason given when a lesson file's request got no answer (translated where shown).
pub const NO_CONNECTION: &str = "no connection";

/// Where the lessons are.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Not fetched yet, or on their way.
    Loading,
    Ready,
    /// The fetch failed (the message names the file and the reason); a new `load` tries again.
    Failed(String),
}

enum Held {
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Loading,
    Ready(Rc<Vec<Rc<Lesson>>>),
    Failed(String),
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(initial());
}

#[cfg(not(target_arch = "wasm32"))]
fn initial() -> Held {
    match read_all(bundled_texts()) {
        Ok(v) => Held::Ready(Rc::new(v)),
        Err(e) => Held::Failed(e),
    }
}

#[cfg(target_arch = "wasm32")]
fn initial() -> Held {
    Held::Loading
}

/// Reads every lesson from `(file name, its text or why it could not be had)`, in chapter order
/// (challenges last). The first file that is missing or does not read is named in the error:
/// a partial list would leave a workshop's lesson links pointing at nothing, silently.
fn read_all(
    texts: impl IntoIterator<Item = (String, Result<String, String>)>,
) -> Result<Vec<Rc<Lesson>>, String> {
    let mut v = Vec::new();
    for (name, text) in texts {
        let text = text.map_err(|e| format!("{name}: {e}"))?;
        let lesson = Lesson::from_json(&text).map_err(|problems| {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{name}: {first}")
        })?;
        v.push(Rc::new(lesson));
    }
    v.sort_by(|a, b| a.chapter.cmp(&b.chapter).then(a.id.cmp(&b.id)));
    Ok(v)
}

/// Every lesson, in chapter order (challenges last); none until they have arrived.
pub fn all() -> Rc<Vec<Rc<Lesson>>> {
    HELD.with(|h| match &*h.borrow() {
        Held::Ready(v) => v.clone(),
        _ => Rc::default(),
    })
}

pub fn status() -> Status {
    HELD.with(|h| match &*h.borrow() {
        Held::Loading => Status::Loading,
        Held::Ready(_) => Status::Ready,
        Held::Failed(e) => Status::Failed(e.clone()),
    })
}

pub fn find(id: &str) -> Option<Rc<Lesson>> {
    all().iter().find(|l| l.id == id).cloned()
}

/// Makes the lessons available: at once if they are, else fetched (`fresh` fetches them even
/// then, so that the service worker, once it controls the page, keeps a copy).
pub async fn load(fresh: bool) -> Result<(), String> {
    if !fresh {
        if let Status::Ready = status() {
            return Ok(());
        }
    }
    let result = read_all(fetch_all().await);
    HELD.with(|h| {
        let mut h = h.borrow_mut();
        match (&result, &*h) {
            (Ok(v), _) => *h = Held::Ready(Rc::new(v.clone())),
            // A failed refresh keeps lessons that did arrive before.
            (Err(_), Held::Ready(_)) => {}
            (Err(e), _) => *h = Held::Failed(e.clone()),
        }
    });
    result.map(drop)
}

/// Every lesson file's text, fetched side by side from `lessons/` beside the page.
#[cfg(target_arch = "wasm32")]
async fn fetch_all() -> Vec<(String, Result<String, String>)> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    fn why(e: wasm_bindgen::JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the request failed".into())
    }
    async fn text(request: Option<js_sys::Promise>) -> Result<String, String> {
        let request = request.ok_or("no window")?;
        // `fetch` rejects only when no answer came at all (the browser's words for it are
        // English): said in the user's language by `failed_text`.
        let response: web_sys::Response = JsFuture::from(request)
            .await
            .map_err(|_| NO_CONNECTION.to_owned())?
            .dyn_into()
            .map_err(why)?;
        if !response.ok() {
            return Err(format!("HTTP {}", response.status()));
        }
        JsFuture::from(response.text().map_err(why)?)
            .await
            .map_err(why)?
            .as_string()
            .ok_or_else(|| "not text".into())
    }
    let window = web_sys::window();
    // Every request is on its way before the first is awaited.
    let requests: Vec<_> = LESSON_FILES
        .iter()
        .map(|f| {
            let request = window
                .as_ref()
                .map(|w| w.fetch_with_str(&format!("lessons/{f}")));
            (f, request)
        })
        .collect();
    let mut out = Vec::with_capacity(requests.len());
    for (f, request) in requests {
        out.push(((*f).to_owned(), text(request).await));
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
async fn fetch_all() -> Vec<(String, Result<String, String>)> {
    bundled_texts()
}

/// The compiled-in lessons as `read_all` takes them (native builds).
#[cfg(not(target_arch = "wasm32"))]
fn bundled_texts() -> Vec<(String, Result<String, String>)> {
    BUNDLED
        .iter()
        .map(|(stem, text)| (format!("{stem}.json"), Ok((*text).to_owned())))
        .collect()
}

/// What the user reads when the lessons could not be fetched: `why` names the file and the
/// reason (see `load`).
pub fn failed_text(lang: Lang, why: &str) -> String {
    fill(
        tr(
            lang,
            "The lessons could not be loaded ({}). Your designs are not affected; try again when the connection is back.",
        ),
        &[&why.replace(NO_CONNECTION, tr(lang, NO_CONNECTION))],
    )
}

/// What the user reads when a link or a step names a lesson this version does not have.
pub fn missing_text(lang: Lang, id: &str) -> String {
    fill(
        tr(
            lang,
            "There is no lesson “{}” in this version of Scaleboard.",
        ),
        &[&id],
    )
}

/// Step `i`'s starting design (or its reference solution), named after the lesson and step in
/// the learner's language: that name is what Recent designs and the File dialog show.
pub fn step_design(l: &Lesson, i: usize, solution: bool, lang: Lang) -> Diagram {
    let mut d = if solution {
        l.solution_diagram(i)
    } else {
        l.step_diagram(i)
    };
    let code = lang.code();
    let step = l
        .steps
        .get(i)
        .map(|s| s.title.get(code))
        .unwrap_or_default();
    d.name = if solution {
        fill(tr(lang, "{} — {} (solution)"), &[&l.title.get(code), &step])
    } else {
        format!("{} — {}", l.title.get(code), step)
    };
    d
}

/// A lesson link's fragment: `lesson=<id>&step=<n>` (n counts from 1, as people do).
pub fn fragment(id: &str, step: usize) -> String {
    format!("lesson={id}&step={}", step + 1)
}

/// Reads a lesson fragment: the lesson's id and the step index (from 0, clamped to the lesson).
pub fn parse_fragment(hash: &str) -> Option<(String, usize)> {
    let rest = hash.trim_start_matches('#').strip_prefix("lesson=")?;
    let (id, step) = match rest.split_once('&') {
        Some((id, q)) => {
            let n = q
                .split('&')
                .find_map(|kv| kv.strip_prefix("step="))
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1);
            (id, n)
        }
        None => (rest, 1),
    };
    Some((id.to_owned(), step.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_lesson_reads() {
        for (name, text) in BUNDLED {
            if let Err(problems) = Lesson::from_json(text) {
                panic!(
                    "{name}: {}",
                    problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
        }
        assert_eq!(all().len(), BUNDLED.len());
        assert_eq!(
            LESSON_FILES.len(),
            BUNDLED.len(),
            "the browser fetches every lesson"
        );
        for ((name, _), file) in BUNDLED.iter().zip(LESSON_FILES) {
            assert_eq!(format!("{name}.json"), *file);
        }
        assert_eq!(status(), Status::Ready);
    }

    /// A lesson file that did not arrive, or does not read, is named in the error, and no
    /// lesson list is made of the others.
    #[test]
    fn a_missing_or_broken_lesson_file_is_named() {
        let good = BUNDLED[0].1.to_owned();
        let err = read_all([
            ("a.json".to_owned(), Ok(good.clone())),
            ("b.json".to_owned(), Err("HTTP 404".to_owned())),
        ])
        .unwrap_err();
        assert_eq!(err, "b.json: HTTP 404");
        let err = read_all([("c.json".to_owned(), Ok("{\"id\": 3".to_owned()))]).unwrap_err();
        assert!(err.starts_with("c.json: "), "{err}");
        assert_eq!(
            read_all([("a.json".to_owned(), Ok(good))]).map(|v| v.len()),
            Ok(1)
        );
    }

    /// The app bundles each lesson without its indentation (`build.rs`): the same JSON
    /// document as the file, and smaller.
    #[test]
    fn bundled_lessons_are_their_files_without_the_whitespace() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        for (name, text) in BUNDLED {
            let file = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
            let same = serde_json::from_str::<serde_json::Value>(text).unwrap()
                == serde_json::from_str::<serde_json::Value>(&file).unwrap();
            assert!(same, "{name}: the bundled copy reads differently");
            assert!(text.len() < file.len(), "{name}: not minified");
        }
    }

    /// Lesson diagrams show their node labels in Korean too (through the examples' table).
    #[test]
    fn every_lesson_label_reads_in_korean() {
        let mut missing = Vec::new();
        for l in all().iter() {
            for i in 0..l.steps.len() {
                for d in [l.step_diagram(i), l.solution_diagram(i)] {
                    for n in &d.nodes {
                        // A node without a label would show its id, in English, in Korean mode.
                        if crate::i18n::example_korean(&n.label).is_none() {
                            missing.push(format!("{}: {:?}", l.id, n.label));
                        }
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "no Korean for labels:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn lesson_links_name_the_lesson_and_a_step_counted_from_one() {
        assert_eq!(
            parse_fragment("#lesson=one-server&step=2"),
            Some(("one-server".into(), 1))
        );
        assert_eq!(
            parse_fragment("lesson=one-server"),
            Some(("one-server".into(), 0))
        );
        assert_eq!(
            parse_fragment("lesson=x&step=0"),
            Some(("x".into(), 0)),
            "step 0 is read as the first"
        );
        assert_eq!(parse_fragment("3.abc"), None);
        assert_eq!(fragment("one-server", 1), "lesson=one-server&step=2");
    }
}
