//! The lessons bundled with the app (every `lessons/*.json`, compiled in by `build.rs`), read
//! once. Bundling means a lesson opens from a link, offline, without a request.

use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::lesson::Lesson;
use scaleboard_sim::Diagram;
use std::rc::Rc;

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

thread_local! {
    static ALL: Rc<Vec<Rc<Lesson>>> = Rc::new(read_all());
}

fn read_all() -> Vec<Rc<Lesson>> {
    let mut v: Vec<Rc<Lesson>> = BUNDLED
        .iter()
        .filter_map(|(_, text)| Lesson::from_json(text).ok())
        .map(Rc::new)
        .collect();
    v.sort_by(|a, b| a.chapter.cmp(&b.chapter).then(a.id.cmp(&b.id)));
    v
}

/// Every lesson, in chapter order (challenges last).
pub fn all() -> Rc<Vec<Rc<Lesson>>> {
    ALL.with(Rc::clone)
}

pub fn find(id: &str) -> Option<Rc<Lesson>> {
    all().iter().find(|l| l.id == id).cloned()
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
