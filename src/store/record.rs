//! What the document store keeps: a design as a record (its diagram, view and undo history),
//! the small metadata row the Recent list reads, and damaged data kept aside.
//!
//! Records are JSON text in every store: readable in DevTools, and a record a newer or broken
//! build wrote is recognised as unreadable rather than misread.

use crate::editor::{Command, History, View};
use scaleboard_sim::Diagram;
use serde::{Deserialize, Serialize};

/// The record layout this build writes. A newer one is refused (and quarantined), never misread.
pub const RECORD_VERSION: u32 = 1;

/// Undo steps kept with a document.
pub const HISTORY_STEPS: usize = 200;
/// Bytes of undo history kept with a document (JSON); older steps are dropped first.
pub const HISTORY_BYTES: usize = 5 * 1024 * 1024;

/// One row of the Recent designs list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    pub id: String,
    /// The design's name (the diagram's own name; empty = untitled).
    pub name: String,
    /// Milliseconds since 1970.
    pub created_ms: f64,
    pub updated_ms: f64,
    /// Bumped by every save: a tab only overwrites the revision it last read.
    pub rev: u64,
    pub nodes: usize,
    pub edges: usize,
    /// The user changed it after opening it (an untouched example can be replaced freely).
    #[serde(default)]
    pub edited: bool,
    /// Moved to the bin at this time; restorable until purged.
    #[serde(default)]
    pub deleted_ms: Option<f64>,
    /// Hash of the diagram, to recognise a link that is already open as a document.
    #[serde(default)]
    pub fingerprint: u64,
    /// The tab that wrote this revision.
    #[serde(default)]
    pub writer: String,
}

/// A whole document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocRecord {
    pub v: u32,
    pub meta: DocMeta,
    pub diagram: Diagram,
    #[serde(default)]
    pub view: Option<View>,
    /// Kept as raw JSON and read separately: unreadable history costs the history, not the design.
    #[serde(default)]
    pub history: serde_json::Value,
}

/// Undo and redo stacks as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredHistory {
    undo: Vec<Command>,
    redo: Vec<Command>,
}

impl DocRecord {
    pub fn new(
        id: String,
        diagram: Diagram,
        view: Option<View>,
        history: &History,
        now_ms: f64,
    ) -> DocRecord {
        let mut r = DocRecord {
            v: RECORD_VERSION,
            meta: DocMeta {
                id,
                name: String::new(),
                created_ms: now_ms,
                updated_ms: now_ms,
                rev: 0,
                nodes: 0,
                edges: 0,
                edited: false,
                deleted_ms: None,
                fingerprint: 0,
                writer: String::new(),
            },
            diagram,
            view,
            history: serde_json::Value::Null,
        };
        r.set_history(history);
        r.refresh_meta();
        r
    }

    /// Recomputes what the metadata derives from the diagram.
    pub fn refresh_meta(&mut self) {
        self.meta.name = self.diagram.name.clone();
        self.meta.nodes = self.diagram.nodes.len();
        self.meta.edges = self.diagram.edges.len();
        self.meta.fingerprint = fingerprint(&self.diagram);
    }

    /// Stores `h`, bounded to the newest [`HISTORY_STEPS`] steps and [`HISTORY_BYTES`].
    pub fn set_history(&mut self, h: &History) {
        let (undo, redo) = h.stacks();
        let keep = |v: &[Command]| v[v.len().saturating_sub(HISTORY_STEPS)..].to_vec();
        let mut stored = StoredHistory {
            undo: keep(undo),
            redo: keep(redo),
        };
        loop {
            let json = serde_json::to_value(&stored).unwrap_or(serde_json::Value::Null);
            let size = serde_json::to_string(&json).map_or(0, |s| s.len());
            if size <= HISTORY_BYTES || (stored.undo.is_empty() && stored.redo.is_empty()) {
                self.history = json;
                return;
            }
            // Oldest first: the redo branch, then the oldest undo steps.
            if !stored.redo.is_empty() {
                stored.redo.remove(0);
            } else {
                let drop = stored.undo.len().div_ceil(4);
                stored.undo.drain(..drop);
            }
        }
    }

    /// The stored history; empty when missing or unreadable.
    pub fn history(&self) -> History {
        serde_json::from_value::<StoredHistory>(self.history.clone())
            .map(|h| History::from_stacks(h.undo, h.redo))
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a record; the error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<DocRecord, String> {
        #[derive(Deserialize)]
        struct Version {
            v: Option<u32>,
        }
        let version = serde_json::from_str::<Version>(text)
            .map_err(|e| format!("the record is not readable JSON ({e})"))?;
        match version.v {
            Some(v) if v > RECORD_VERSION => {
                return Err(format!(
                    "the record was written by a newer Scaleboard (layout {v}; this one reads up to {RECORD_VERSION})"
                ))
            }
            None => return Err("the record has no layout version".into()),
            _ => {}
        }
        serde_json::from_str(text).map_err(|e| format!("the record does not hold a design ({e})"))
    }
}

impl DocMeta {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<DocMeta, String> {
        serde_json::from_str(text).map_err(|e| format!("the list entry is not readable ({e})"))
    }
}

/// Something that could not be read, kept aside with the reason so it can be downloaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Damaged {
    /// Where it was: "docs/<id>", "meta/<id>", "localStorage/<key>".
    pub origin: String,
    pub reason: String,
    pub raw: String,
    pub found_ms: f64,
}

impl Damaged {
    /// The key it is kept under in the quarantine.
    pub fn key(&self) -> String {
        format!("{}@{}", self.origin, self.found_ms as u64)
    }
}

/// The document id a damaged item's origin names ("docs/<id>" or "meta/<id>"), if any.
pub fn document_of(origin: &str) -> Option<&str> {
    origin
        .strip_prefix("docs/")
        .or_else(|| origin.strip_prefix("meta/"))
}

/// FNV-1a over the diagram's JSON: equal designs, equal fingerprints.
pub fn fingerprint(d: &Diagram) -> u64 {
    let json = serde_json::to_string(d).unwrap_or_default();
    json.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
