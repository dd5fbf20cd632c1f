//! The write-ahead journal: each change is also written synchronously to this tab's slot in
//! localStorage, so an edit made just before the tab closes (before the debounced IndexedDB
//! save, which a closing page may never finish) is recovered at the next start. A slot is
//! cleared once the store holds the same design.

use super::record::DocRecord;
use serde::{Deserialize, Serialize};

/// localStorage keys of journal slots start with this, followed by the tab id.
pub const PREFIX: &str = "scaleboard.journal.";
/// Designs larger than this are not journaled (localStorage holds about 5 MB per site).
pub const MAX_BYTES: usize = 1_500_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    /// The revision the tab had read when it made the change.
    pub base_rev: u64,
    pub record: DocRecord,
}

impl Journal {
    /// The slot's text, or `None` when the design is too large to journal.
    pub fn to_text(&self) -> Option<String> {
        let text = serde_json::to_string(self).ok()?;
        (text.len() <= MAX_BYTES).then_some(text)
    }

    pub fn from_text(text: &str) -> Option<Journal> {
        serde_json::from_str(text).ok()
    }
}

pub fn key(tab: &str) -> String {
    format!("{PREFIX}{tab}")
}
