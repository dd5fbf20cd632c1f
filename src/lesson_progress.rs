//! A learner's progress through a lesson, kept in this browser (localStorage): the last step
//! shown and each step's locked-in prediction and whether it was revealed. Small, and a
//! preference-like convenience: unreadable progress is simply forgotten.

use crate::state::{Answer, LessonState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PREFIX: &str = "scaleboard.lesson.";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    #[serde(default)]
    pub revealed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The step last shown (from 0).
    pub step: usize,
    #[serde(default)]
    pub steps: BTreeMap<usize, StepProgress>,
}

impl Progress {
    /// Records what `l` shows now.
    pub fn record(&mut self, l: &LessonState) {
        self.step = l.step;
        if !l.locked {
            return;
        }
        let entry = self.steps.entry(l.step).or_default();
        match l.answer {
            Some(Answer::Choice(i)) => entry.choice = Some(i),
            Some(Answer::Number(x)) => entry.number = Some(x),
            None => {}
        }
        entry.revealed |= l.revealed;
    }

    /// The locked-in answer of step `i`, and whether it was revealed.
    pub fn answer(&self, i: usize) -> Option<(Answer, bool)> {
        let p = self.steps.get(&i)?;
        let a = match (p.choice, p.number) {
            (Some(c), _) => Answer::Choice(c),
            (None, Some(x)) => Answer::Number(x),
            _ => return None,
        };
        Some((a, p.revealed))
    }
}

pub fn load(id: &str) -> Progress {
    crate::storage::get(&format!("{PREFIX}{id}"))
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn save(id: &str, p: &Progress) {
    if let Ok(text) = serde_json::to_string(p) {
        crate::storage::set(&format!("{PREFIX}{id}"), &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_answer_is_remembered_per_step() {
        let mut l = LessonState {
            id: "x".into(),
            step: 1,
            steps: 3,
            asks: true,
            answer: Some(Answer::Choice(2)),
            locked: false,
            revealed: false,
            hints: 0,
            presenter: false,
        };
        let mut p = Progress::default();
        p.record(&l);
        assert_eq!(p.answer(1), None, "not locked in yet");
        l.locked = true;
        l.revealed = true;
        p.record(&l);
        let text = serde_json::to_string(&p).unwrap();
        let back: Progress = serde_json::from_str(&text).unwrap();
        assert_eq!(back.answer(1), Some((Answer::Choice(2), true)));
        assert_eq!(back.step, 1);
    }
}
