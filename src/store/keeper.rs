//! The keeper decides what happens to documents; the store only keeps them.
//!
//! - Every opened link, example or import becomes a document of its own; the earlier work stays
//!   in the Recent list.
//! - A save writes only over the revision this tab last read. If another tab saved since, the
//!   same design is adopted, a different one is saved as a copy ("… (another tab)"): nothing is
//!   overwritten, and the user is told.
//! - Whatever cannot be read is quarantined with the reason, never overwritten.

use super::journal::Journal;
use super::record::{fingerprint, Damaged, DocMeta, DocRecord};
use super::{Change, DocStore, Listing, Opened, SaveOutcome, StoreError};
use crate::editor::{History, View};
use scaleboard_sim::Diagram;
use std::cell::RefCell;
use std::rc::Rc;

/// Documents in the bin are purged after this long.
pub const BIN_DAYS: f64 = 30.0;

/// What the page holds now, as the keeper needs it for a save.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub diagram: Rc<Diagram>,
    pub view: View,
    pub history: History,
    /// The user changed the design since it was opened.
    pub edited: bool,
}

/// The document this tab shows.
#[derive(Clone, Debug, PartialEq)]
struct Current {
    id: String,
    /// The revision last read or written (0: not stored yet).
    rev: u64,
    created_ms: f64,
    edited: bool,
    /// What was last stored: the design's fingerprint and the undo depth (a view change alone
    /// does not make a document dirty).
    saved: Option<(u64, usize)>,
}

/// What a save did.
#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    Written {
        rev: u64,
    },
    /// Nothing changed since the last save.
    Unchanged,
    /// Another tab saved a different design meanwhile: ours became a new document.
    Forked {
        id: String,
        name: String,
    },
    Failed(StoreError),
}

/// What another tab's change means here.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote {
    Ignore,
    /// A newer revision of the open document exists.
    Newer,
    /// The open document was deleted elsewhere.
    Deleted,
}

/// Something the user should be told at start-up.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A stored item could not be read and was put aside.
    Quarantined { reason: String },
    /// The link in the address bar could not be opened.
    BadLink(String),
    /// Unsaved edits from a closed tab were recovered (as a copy when they conflicted).
    Recovered { name: String },
    /// Earlier work from before the document store was moved into it.
    Migrated { count: usize },
}

/// What start-up found.
#[derive(Clone, Debug, Default)]
pub struct Started {
    pub record: Option<DocRecord>,
    /// The document came from the link in the address bar.
    pub from_link: bool,
    /// The link's moment to fast-forward to (simulated seconds).
    pub playhead: Option<f64>,
    pub notices: Vec<Notice>,
}

/// What to open at start-up, gathered by the page.
#[derive(Clone, Debug, Default)]
pub struct StartRequest {
    /// A link newly in the address bar: its document, or why it cannot be read.
    pub link: Option<Result<scaleboard_link::Document, String>>,
    /// The document this tab showed before a reload.
    pub tab_doc: Option<String>,
    /// Unsaved edits left by tabs that closed.
    pub journals: Vec<Journal>,
    /// Work saved by builds before the document store.
    pub legacy: Vec<super::legacy::Legacy>,
}

/// Words the keeper puts into names, in the user's language.
#[derive(Clone, Debug)]
pub struct Labels {
    pub untitled: String,
    /// Appended to a design saved as a copy because another tab changed the original.
    pub another_tab: String,
    /// Appended to unsaved work recovered as a copy.
    pub recovered: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            untitled: "Untitled design".into(),
            another_tab: " (another tab)".into(),
            recovered: " (recovered)".into(),
        }
    }
}

pub struct Keeper {
    store: Rc<dyn DocStore>,
    labels: RefCell<Labels>,
    /// Why the last [`Keeper::create`] could not write (its document is not stored yet).
    create_error: RefCell<Option<StoreError>>,
    tab: String,
    current: RefCell<Current>,
    next_id: RefCell<Box<dyn FnMut() -> String>>,
    clock: Box<dyn Fn() -> f64>,
}

impl Keeper {
    pub fn new(
        store: Rc<dyn DocStore>,
        tab: &str,
        mut next_id: Box<dyn FnMut() -> String>,
        clock: Box<dyn Fn() -> f64>,
    ) -> Keeper {
        let current = Current {
            id: next_id(),
            rev: 0,
            created_ms: clock(),
            edited: false,
            saved: None,
        };
        Keeper {
            store,
            labels: RefCell::default(),
            create_error: RefCell::default(),
            tab: tab.into(),
            current: RefCell::new(current),
            next_id: RefCell::new(next_id),
            clock,
        }
    }

    pub fn set_labels(&self, labels: Labels) {
        *self.labels.borrow_mut() = labels;
    }

    /// "name" + suffix, with the untitled label for a design without a name.
    fn named(&self, name: &str, suffix: impl for<'a> Fn(&'a Labels) -> &'a str) -> String {
        let l = self.labels.borrow();
        let base = if name.trim().is_empty() {
            l.untitled.as_str()
        } else {
            name.trim()
        };
        format!("{base}{}", suffix(&l))
    }

    pub fn tab(&self) -> &str {
        &self.tab
    }

    /// The open document's id.
    pub fn current_id(&self) -> String {
        self.current.borrow().id.clone()
    }

    pub fn current_rev(&self) -> u64 {
        self.current.borrow().rev
    }

    /// True when `snap` holds changes the store has not got.
    pub fn is_dirty(&self, snap: &Snapshot) -> bool {
        self.current.borrow().saved != Some(content_key(snap))
    }

    fn fresh_id(&self) -> String {
        (self.next_id.borrow_mut())()
    }

    fn set_current(&self, rec: &DocRecord) {
        *self.current.borrow_mut() = Current {
            id: rec.meta.id.clone(),
            rev: rec.meta.rev,
            created_ms: rec.meta.created_ms,
            edited: rec.meta.edited,
            saved: Some((rec.meta.fingerprint, rec.history().stacks().0.len())),
        };
    }

    /// Chooses and opens the start-up document: the link if one is new in the address bar (a
    /// document already holding the same design is reused), else the document this tab had,
    /// else the most recently changed one. Earlier work is migrated, left-over edits recovered
    /// and unreadable records quarantined on the way.
    pub async fn start(&self, req: StartRequest) -> Started {
        let mut out = Started::default();
        let migrated = self.migrate(req.legacy, &mut out.notices).await;
        if migrated > 0 {
            out.notices.push(Notice::Migrated { count: migrated });
        }
        for j in req.journals {
            self.recover(j, &mut out.notices).await;
        }
        let listing = self.list_checked(&mut out.notices).await;
        self.purge_bin(&listing.docs).await;
        let live = |m: &&DocMeta| m.deleted_ms.is_none();
        match req.link {
            Some(Ok(doc)) => {
                let view = crate::persist::view_of(&doc);
                out.playhead = doc.playhead_s;
                out.record = Some(self.open_link(doc.diagram, view).await);
                out.from_link = true;
                return out;
            }
            Some(Err(e)) => out.notices.push(Notice::BadLink(e)),
            None => {}
        }
        if let Some(id) = req.tab_doc {
            if listing
                .docs
                .iter()
                .any(|m| m.id == id && m.deleted_ms.is_none())
            {
                if let Some(rec) = self.open_checked(&id, &mut out.notices).await {
                    out.record = Some(rec);
                    return out;
                }
            }
        }
        let mut recent: Vec<&DocMeta> = listing.docs.iter().filter(live).collect();
        recent.sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
        for m in recent {
            if let Some(rec) = self.open_checked(&m.id, &mut out.notices).await {
                out.record = Some(rec);
                return out;
            }
        }
        out
    }

    /// Opens a design from outside (a link, an example, a file): the document already holding
    /// exactly this design if there is one, else a new document.
    pub async fn open_link(&self, diagram: Diagram, view: Option<View>) -> DocRecord {
        let fp = fingerprint(&diagram);
        let listing = self.store.list().await.unwrap_or_default();
        let same = listing
            .docs
            .iter()
            .find(|m| m.deleted_ms.is_none() && m.fingerprint == fp);
        if let Some(m) = same {
            if let Ok(Opened::Doc(rec)) = self.store.open(&m.id).await {
                if rec.diagram == diagram {
                    self.set_current(&rec);
                    return *rec;
                }
            }
        }
        self.create(diagram, view, false).await
    }

    /// Whether the store can be read at all (IndexedDB may be blocked or missing).
    pub async fn probe(&self) -> Result<(), StoreError> {
        self.store.list().await.map(|_| ())
    }

    /// Lists documents, quarantining unreadable entries.
    async fn list_checked(&self, notices: &mut Vec<Notice>) -> Listing {
        let Ok(mut listing) = self.store.list().await else {
            return Listing::default();
        };
        for mut d in std::mem::take(&mut listing.damaged) {
            d.found_ms = (self.clock)();
            notices.push(Notice::Quarantined {
                reason: d.reason.clone(),
            });
            let _ = self.store.quarantine(d).await;
        }
        listing
    }

    /// Opens `id` as the current document, quarantining it if it cannot be read.
    async fn open_checked(&self, id: &str, notices: &mut Vec<Notice>) -> Option<DocRecord> {
        match self.store.open(id).await {
            Ok(Opened::Doc(rec)) => {
                self.set_current(&rec);
                Some(*rec)
            }
            Ok(Opened::Damaged(mut d)) => {
                d.found_ms = (self.clock)();
                notices.push(Notice::Quarantined {
                    reason: d.reason.clone(),
                });
                let _ = self.store.quarantine(d).await;
                None
            }
            Ok(Opened::Missing) | Err(_) => None,
        }
    }

    /// Opens a document from the Recent list.
    pub async fn open(&self, id: &str) -> Result<DocRecord, String> {
        let mut notices = Vec::new();
        match self.open_checked(id, &mut notices).await {
            Some(mut rec) => {
                if rec.meta.deleted_ms.is_some() {
                    // Opening a binned document takes it out of the bin.
                    rec.meta.deleted_ms = None;
                    let _ = self.write(&mut rec).await;
                }
                Ok(rec)
            }
            None => Err(match notices.into_iter().next() {
                Some(Notice::Quarantined { reason }) => reason,
                _ => "it is no longer stored in this browser".into(),
            }),
        }
    }

    /// Makes `diagram` a new document and the current one. The record is returned even when
    /// it could not be written (the next save tries again).
    pub async fn create(&self, diagram: Diagram, view: Option<View>, edited: bool) -> DocRecord {
        let now = (self.clock)();
        let mut rec = DocRecord::new(self.fresh_id(), diagram, view, &History::default(), now);
        rec.meta.edited = edited;
        rec.meta.writer = self.tab.clone();
        rec.meta.rev = 1;
        let result = self.store.save(&rec, 0).await;
        *self.create_error.borrow_mut() = result.as_ref().err().cloned();
        match result {
            Ok(SaveOutcome::Saved) => self.set_current(&rec),
            _ => {
                rec.meta.rev = 0;
                *self.current.borrow_mut() = Current {
                    id: rec.meta.id.clone(),
                    rev: 0,
                    created_ms: now,
                    edited,
                    saved: None,
                };
            }
        }
        rec
    }

    /// Why the last document created could not be stored, once.
    pub fn take_create_error(&self) -> Option<StoreError> {
        self.create_error.borrow_mut().take()
    }

    /// Starts a new, empty design in this tab (stored once it has something in it).
    pub fn start_empty(&self) {
        *self.current.borrow_mut() = Current {
            id: self.fresh_id(),
            rev: 0,
            created_ms: (self.clock)(),
            edited: false,
            saved: None,
        };
    }

    /// Saves what the page holds, unless nothing changed (`force` saves the view as well).
    pub async fn save(&self, snap: &Snapshot, force: bool) -> Saved {
        if !force && !self.is_dirty(snap) {
            return Saved::Unchanged;
        }
        if snap.diagram.nodes.is_empty() && self.current.borrow().rev == 0 {
            // An empty canvas is not worth a document until it has something in it.
            return Saved::Unchanged;
        }
        let cur = self.current.borrow().clone();
        let mut rec = DocRecord::new(
            cur.id.clone(),
            (*snap.diagram).clone(),
            Some(snap.view),
            &snap.history,
            (self.clock)(),
        );
        rec.meta.created_ms = cur.created_ms;
        rec.meta.edited = cur.edited || snap.edited;
        rec.meta.writer = self.tab.clone();
        rec.meta.rev = cur.rev + 1;
        match self.store.save(&rec, cur.rev).await {
            Err(e) => Saved::Failed(e),
            Ok(SaveOutcome::Saved) => {
                self.set_current(&rec);
                Saved::Written { rev: rec.meta.rev }
            }
            Ok(SaveOutcome::Conflict { stored_rev }) => {
                self.resolve_conflict(rec, stored_rev).await
            }
        }
    }

    /// Someone else wrote `stored_rev`. The same design: adopt their revision. Gone: write ours
    /// again. Different: ours becomes a new document, named "… (another tab)".
    async fn resolve_conflict(&self, mut rec: DocRecord, stored_rev: u64) -> Saved {
        match self.store.open(&rec.meta.id).await {
            Ok(Opened::Doc(stored)) if stored.diagram == rec.diagram => {
                rec.meta.rev = stored_rev + 1;
                match self.store.save(&rec, stored_rev).await {
                    Ok(SaveOutcome::Saved) => {
                        self.set_current(&rec);
                        Saved::Written { rev: rec.meta.rev }
                    }
                    Ok(SaveOutcome::Conflict { .. }) => {
                        self.set_current(&stored);
                        Saved::Written { rev: stored_rev }
                    }
                    Err(e) => Saved::Failed(e),
                }
            }
            Ok(Opened::Missing) if stored_rev == 0 => {
                rec.meta.rev = 1;
                self.write_new(rec).await
            }
            Err(e) => Saved::Failed(e),
            _ => {
                let name = self.named(&rec.diagram.name, |l| &l.another_tab);
                rec.meta.id = self.fresh_id();
                rec.diagram.name = name.clone();
                rec.meta.rev = 1;
                rec.refresh_meta();
                let id = rec.meta.id.clone();
                match self.write_new(rec).await {
                    Saved::Written { .. } => Saved::Forked { id, name },
                    other => other,
                }
            }
        }
    }

    async fn write_new(&self, rec: DocRecord) -> Saved {
        match self.store.save(&rec, 0).await {
            Ok(SaveOutcome::Saved) => {
                self.set_current(&rec);
                Saved::Written { rev: rec.meta.rev }
            }
            Ok(SaveOutcome::Conflict { stored_rev }) => Saved::Failed(StoreError(format!(
                "a document with the same id already exists (revision {stored_rev})"
            ))),
            Err(e) => Saved::Failed(e),
        }
    }

    /// Writes a record that is not the current document over its own revision.
    async fn write(&self, rec: &mut DocRecord) -> Result<(), String> {
        let expected = rec.meta.rev;
        rec.meta.rev += 1;
        rec.meta.updated_ms = (self.clock)();
        rec.meta.writer = self.tab.clone();
        rec.refresh_meta();
        match self.store.save(rec, expected).await {
            Ok(SaveOutcome::Saved) => {
                if rec.meta.id == self.current.borrow().id {
                    self.set_current(rec);
                }
                Ok(())
            }
            Ok(SaveOutcome::Conflict { .. }) => {
                Err("it was changed in another tab meanwhile: try again".into())
            }
            Err(e) => Err(e.0),
        }
    }

    /// What another tab's change means for this one.
    pub fn on_change(&self, c: &Change) -> Remote {
        let cur = self.current.borrow();
        if c.id != cur.id || c.tab == self.tab {
            Remote::Ignore
        } else if c.rev == 0 {
            Remote::Deleted
        } else if c.rev > cur.rev {
            Remote::Newer
        } else {
            Remote::Ignore
        }
    }

    /// Reads the newest revision of the current document (after [`Remote::Newer`]).
    pub async fn reload(&self) -> Option<DocRecord> {
        let id = self.current_id();
        match self.store.open(&id).await {
            Ok(Opened::Doc(rec)) => {
                self.set_current(&rec);
                Some(*rec)
            }
            _ => None,
        }
    }

    pub async fn list(&self) -> Listing {
        self.store.list().await.unwrap_or_default()
    }

    pub async fn quarantined(&self) -> Vec<Damaged> {
        self.store.quarantined().await.unwrap_or_default()
    }

    /// Renames a document that is not open here (the open one is renamed through the editor,
    /// so that it can be undone).
    pub async fn rename(&self, id: &str, name: &str) -> Result<(), String> {
        let mut rec = self.read(id).await?;
        rec.diagram.name = name.trim().to_owned();
        self.write(&mut rec).await
    }

    /// A copy of a document, named "… (copy)", not opened.
    pub async fn duplicate(&self, id: &str, suffix: &str) -> Result<DocMeta, String> {
        let mut rec = self.read(id).await?;
        rec.diagram.name = format!("{}{suffix}", self.named(&rec.diagram.name, |_| ""));
        rec.meta.id = self.fresh_id();
        rec.meta.rev = 1;
        rec.meta.created_ms = (self.clock)();
        rec.meta.updated_ms = rec.meta.created_ms;
        rec.meta.deleted_ms = None;
        rec.meta.edited = true;
        rec.refresh_meta();
        match self.store.save(&rec, 0).await {
            Ok(SaveOutcome::Saved) => Ok(rec.meta),
            Ok(SaveOutcome::Conflict { .. }) => Err("a document with that id exists".into()),
            Err(e) => Err(e.0),
        }
    }

    /// Moves a document to the bin (restorable for [`BIN_DAYS`]) or takes it out.
    pub async fn set_binned(&self, id: &str, binned: bool) -> Result<(), String> {
        let mut rec = self.read(id).await?;
        rec.meta.deleted_ms = binned.then(|| (self.clock)());
        self.write(&mut rec).await
    }

    /// Deletes a document for good.
    pub async fn delete(&self, id: &str) -> Result<(), String> {
        self.store.delete(id).await.map_err(|e| e.0)
    }

    /// Deletes the given document if it is an untouched example or empty: replaced by what
    /// the user opened instead, it would only clutter the list.
    pub async fn drop_if_disposable(&self, id: &str) {
        if let Ok(Opened::Doc(rec)) = self.store.open(id).await {
            if !rec.meta.edited || rec.diagram.nodes.is_empty() {
                let _ = self.store.delete(id).await;
            }
        }
    }

    async fn read(&self, id: &str) -> Result<DocRecord, String> {
        match self.store.open(id).await {
            Ok(Opened::Doc(rec)) => Ok(*rec),
            Ok(Opened::Missing) => Err("it is no longer stored in this browser".into()),
            Ok(Opened::Damaged(d)) => Err(d.reason),
            Err(e) => Err(e.0),
        }
    }

    async fn purge_bin(&self, docs: &[DocMeta]) {
        let cutoff = (self.clock)() - BIN_DAYS * 86_400_000.0;
        for m in docs {
            if m.deleted_ms.is_some_and(|t| t < cutoff) {
                let _ = self.store.delete(&m.id).await;
            }
        }
    }

    /// Writes what a closed tab had not saved: over the revision it had read if nothing newer
    /// exists, else as a copy unless the stored design is the same.
    async fn recover(&self, j: Journal, notices: &mut Vec<Notice>) {
        let rec = j.record;
        let stored = self.store.open(&rec.meta.id).await;
        let base = j.base_rev;
        let result = match stored {
            Ok(Opened::Doc(s)) if s.diagram == rec.diagram => return,
            Ok(Opened::Doc(s)) if s.meta.rev == base => {
                let mut rec = rec;
                rec.meta.rev = base + 1;
                self.store.save(&rec, base).await.map(|_| rec.diagram.name)
            }
            Ok(Opened::Missing) if base == 0 => {
                let mut rec = rec;
                rec.meta.rev = 1;
                self.store.save(&rec, 0).await.map(|_| rec.diagram.name)
            }
            _ => {
                let mut rec = rec;
                rec.meta.id = self.fresh_id();
                rec.meta.rev = 1;
                rec.diagram.name = self.named(&rec.diagram.name, |l| &l.recovered);
                rec.refresh_meta();
                self.store.save(&rec, 0).await.map(|_| rec.diagram.name)
            }
        };
        if let Ok(name) = result {
            notices.push(Notice::Recovered { name });
        }
    }

    /// Moves work saved by earlier builds (autosave, named saves) into the store.
    async fn migrate(
        &self,
        legacy: Vec<super::legacy::Legacy>,
        notices: &mut Vec<Notice>,
    ) -> usize {
        let mut moved = 0;
        let mut seen = std::collections::BTreeSet::new();
        for item in legacy {
            match item.document {
                // The autosave usually repeats a named save: one document is enough.
                Ok(diagram) if !seen.insert(fingerprint(&diagram)) => {}
                Ok(mut diagram) => {
                    if !item.name.is_empty() {
                        diagram.name = item.name.clone();
                    }
                    let now = (self.clock)();
                    let mut rec =
                        DocRecord::new(self.fresh_id(), diagram, None, &History::default(), now);
                    rec.meta.created_ms = item.saved_ms.unwrap_or(now);
                    rec.meta.updated_ms = item.saved_ms.unwrap_or(now);
                    rec.meta.edited = true;
                    rec.meta.rev = 1;
                    if let Ok(SaveOutcome::Saved) = self.store.save(&rec, 0).await {
                        moved += 1;
                    }
                }
                Err(d) => {
                    notices.push(Notice::Quarantined {
                        reason: d.reason.clone(),
                    });
                    let _ = self.store.quarantine(d).await;
                }
            }
        }
        moved
    }
}

/// What makes a document dirty: its design and its undo depth.
fn content_key(snap: &Snapshot) -> (u64, usize) {
    (fingerprint(&snap.diagram), snap.history.stacks().0.len())
}
