//! Undo/redo as two stacks of commands.

use super::Command;
use scaleboard_sim::Diagram;

/// How many steps can be undone.
pub const MAX_UNDO: usize = 500;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    undo: Vec<Command>,
    redo: Vec<Command>,
}

impl History {
    /// Applies `c` to `d` and records it. Returns false (and changes nothing) if it cannot apply.
    pub fn exec(&mut self, d: &mut Diagram, c: Command) -> bool {
        if c.is_empty() || c.apply(d).is_err() {
            return false;
        }
        self.undo.push(c);
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.redo.clear();
        true
    }

    /// Records a command whose effect is already in the document (e.g. a slider that changed
    /// the document live while dragging): one undo step for the whole gesture.
    pub fn record(&mut self, c: Command) {
        if c.is_empty() {
            return;
        }
        self.undo.push(c);
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    pub fn undo(&mut self, d: &mut Diagram) -> bool {
        let Some(c) = self.undo.pop() else {
            return false;
        };
        if c.inverse().apply(d).is_err() {
            // The document was replaced under us (e.g. a file was opened): history is void.
            self.clear();
            return false;
        }
        self.redo.push(c);
        true
    }

    pub fn redo(&mut self, d: &mut Diagram) -> bool {
        let Some(c) = self.redo.pop() else {
            return false;
        };
        if c.apply(d).is_err() {
            self.clear();
            return false;
        }
        self.undo.push(c);
        true
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The undo and redo stacks, oldest first (to store them with the document).
    pub fn stacks(&self) -> (&[Command], &[Command]) {
        (&self.undo, &self.redo)
    }

    /// A history read back from storage.
    pub fn from_stacks(mut undo: Vec<Command>, mut redo: Vec<Command>) -> History {
        undo.drain(..undo.len().saturating_sub(MAX_UNDO));
        redo.drain(..redo.len().saturating_sub(MAX_UNDO));
        History { undo, redo }
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn undo_then_redo_round_trips_and_new_edits_clear_redo() {
        let mut d = Diagram::from_json(include_str!("../../examples/basic.json")).unwrap();
        let original = d.clone();
        let mut h = History::default();
        let del = Command::remove(&d, &BTreeSet::from(["api".to_string()]), &BTreeSet::new());
        assert!(h.exec(&mut d, del));
        let deleted = d.clone();
        assert!(h.undo(&mut d));
        assert_eq!(d, original);
        assert!(h.can_redo());
        assert!(h.redo(&mut d));
        assert_eq!(d, deleted);
        assert!(h.undo(&mut d));
        let mv = Command::move_nodes(&d, &[("lb".into(), 10.0, 20.0)]);
        assert!(h.exec(&mut d, mv));
        assert!(!h.can_redo(), "a new edit forgets the redo branch");
        assert!(
            !h.exec(&mut d, Command::Batch(vec![])),
            "empty commands are not recorded"
        );
    }
}
