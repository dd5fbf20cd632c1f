//! What the page remembers of what it sent the engine, so that a new engine can take over
//! when the old one dies (a worker that panicked or errored): the latest document, the
//! failures injected since the run began, and the questions not answered yet. Pure: the
//! state machine is tested natively.

use crate::protocol::{Question, ToEngine};
use scaleboard_sim::diagram::ChaosAction;
use std::collections::BTreeMap;

/// Crashed workers replaced by new ones in a page's life; after that the page hosts the
/// engine itself (a worker that keeps dying is not worth starting again).
pub const WORKER_RESTARTS: u32 = 3;

/// Where the engine runs after a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    Worker,
    Page,
}

/// What to do after a crash.
#[derive(Debug, PartialEq)]
pub struct Plan {
    pub host: Host,
    /// Sent to the new engine, in order: a new run of the latest document (from t = 0: the
    /// old run's state died with its engine), the failures injected so far, and the questions
    /// still waiting for an answer (under their ids).
    pub resend: Vec<ToEngine>,
}

#[derive(Debug, Default)]
pub struct Memory {
    document: Option<String>,
    injections: Vec<ChaosAction>,
    questions: BTreeMap<u32, Question>,
    crashes: u32,
}

impl Memory {
    /// Takes note of a message on its way to the engine.
    pub fn sent(&mut self, m: &ToEngine) {
        match m {
            ToEngine::Reset { diagram, .. } => {
                self.document = Some(diagram.clone());
                // A new run starts with no failures (the page sends its list again).
                self.injections.clear();
            }
            ToEngine::Sync { diagram } => self.document = Some(diagram.clone()),
            ToEngine::Injections(list) => self.injections = list.clone(),
            ToEngine::Ask { id, question } => {
                self.questions.insert(*id, question.clone());
            }
            ToEngine::Advance { .. } | ToEngine::Step { .. } | ToEngine::CrashForTest => {}
        }
    }

    pub fn answered(&mut self, id: u32) {
        self.questions.remove(&id);
    }

    /// How many crashes so far.
    pub fn crashes(&self) -> u32 {
        self.crashes
    }

    /// The engine died: where the next one runs and what it must be sent.
    pub fn after_crash(&mut self) -> Plan {
        self.crashes += 1;
        let host = if self.crashes <= WORKER_RESTARTS {
            Host::Worker
        } else {
            Host::Page
        };
        let mut resend = Vec::new();
        if let Some(diagram) = &self.document {
            resend.push(ToEngine::Reset {
                diagram: diagram.clone(),
                seek_s: None,
            });
            if !self.injections.is_empty() {
                resend.push(ToEngine::Injections(self.injections.clone()));
            }
        }
        resend.extend(self.questions.iter().map(|(&id, q)| ToEngine::Ask {
            id,
            question: q.clone(),
        }));
        Plan { host, resend }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kill(node: &str) -> ChaosAction {
        ChaosAction::Kill {
            node: node.into(),
            instance: None,
        }
    }

    /// A crash resends the newest document (an edit after the reset included), the failures
    /// injected since that reset, and only the questions not yet answered.
    #[test]
    fn a_crash_resends_the_latest_design_its_failures_and_open_questions() {
        let mut m = Memory::default();
        m.sent(&ToEngine::Reset {
            diagram: "first".into(),
            seek_s: Some(4.0),
        });
        m.sent(&ToEngine::Injections(vec![kill("db")]));
        m.sent(&ToEngine::Reset {
            diagram: "second".into(),
            seek_s: None,
        });
        m.sent(&ToEngine::Sync {
            diagram: "edited".into(),
        });
        m.sent(&ToEngine::Injections(vec![kill("api")]));
        m.sent(&ToEngine::Step { secs: 1.0 });
        m.sent(&ToEngine::Ask {
            id: 1,
            question: Question::Csv,
        });
        m.sent(&ToEngine::Ask {
            id: 2,
            question: Question::ReportJson,
        });
        m.answered(1);
        let plan = m.after_crash();
        assert_eq!(plan.host, Host::Worker);
        assert_eq!(
            plan.resend,
            vec![
                ToEngine::Reset {
                    diagram: "edited".into(),
                    seek_s: None,
                },
                ToEngine::Injections(vec![kill("api")]),
                ToEngine::Ask {
                    id: 2,
                    question: Question::ReportJson,
                },
            ]
        );
    }

    /// A new run has no failures until the page sends them; before any document there is
    /// nothing to resend.
    #[test]
    fn a_reset_forgets_the_old_runs_failures() {
        let mut m = Memory::default();
        assert!(m.after_crash().resend.is_empty());
        m.sent(&ToEngine::Injections(vec![kill("db")]));
        m.sent(&ToEngine::Reset {
            diagram: "d".into(),
            seek_s: None,
        });
        assert_eq!(m.after_crash().resend.len(), 1);
    }

    /// A worker that keeps dying is replaced WORKER_RESTARTS times, then the page takes over.
    #[test]
    fn a_worker_that_keeps_crashing_leaves_the_engine_to_the_page() {
        let mut m = Memory::default();
        let hosts: Vec<Host> = (0..WORKER_RESTARTS + 2)
            .map(|_| m.after_crash().host)
            .collect();
        assert_eq!(
            hosts[..WORKER_RESTARTS as usize],
            vec![Host::Worker; WORKER_RESTARTS as usize]
        );
        assert_eq!(hosts[WORKER_RESTARTS as usize..], vec![Host::Page; 2]);
        assert_eq!(m.crashes(), WORKER_RESTARTS + 2);
    }
}
