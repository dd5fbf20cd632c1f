//! The document store in memory, for tests. Several handles on one [`Shelf`] behave like tabs
//! on one origin: each sees the others' writes and hears about them through `watch`. Records
//! are kept as JSON text, as in IndexedDB, so damage and quota failures can be staged.

use super::{
    Change, Damaged, DocMeta, DocRecord, DocStore, Listing, Opened, SaveOutcome, StoreError,
    StoreFuture, WatchGuard,
};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

/// A tab's subscription: its id and the callback (gone when the tab drops its guard).
type Watcher = (String, Weak<dyn Fn(Change)>);

#[derive(Default)]
pub struct Shelf {
    pub meta: BTreeMap<String, String>,
    pub docs: BTreeMap<String, String>,
    pub quarantine: BTreeMap<String, String>,
    /// Writes fail once the stored text would exceed this many bytes (a full disk).
    pub quota: Option<usize>,
    watchers: Vec<Watcher>,
}

impl Shelf {
    fn bytes(&self) -> usize {
        [&self.meta, &self.docs, &self.quarantine]
            .iter()
            .flat_map(|m| m.values())
            .map(String::len)
            .sum()
    }

    fn check_quota(&self, adding: usize) -> Result<(), StoreError> {
        match self.quota {
            Some(q) if self.bytes() + adding > q => Err(StoreError(
                "QuotaExceededError: the browser's storage for this site is full".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// One tab's handle on a shared shelf.
#[derive(Clone)]
pub struct MemoryStore {
    pub shelf: Rc<RefCell<Shelf>>,
    tab: String,
}

impl MemoryStore {
    pub fn new(tab: &str) -> MemoryStore {
        MemoryStore {
            shelf: Rc::default(),
            tab: tab.into(),
        }
    }

    /// Another tab on the same origin.
    pub fn tab(&self, tab: &str) -> MemoryStore {
        MemoryStore {
            shelf: self.shelf.clone(),
            tab: tab.into(),
        }
    }

    fn announce(&self, change: Change) {
        let watchers: Vec<_> = {
            let mut shelf = self.shelf.borrow_mut();
            shelf.watchers.retain(|(_, w)| w.strong_count() > 0);
            shelf
                .watchers
                .iter()
                .filter(|(tab, _)| *tab != self.tab)
                .filter_map(|(_, w)| w.upgrade())
                .collect()
        };
        for w in watchers {
            w(change.clone());
        }
    }
}

fn ready<T: 'static>(v: Result<T, StoreError>) -> StoreFuture<T> {
    Box::pin(std::future::ready(v))
}

impl DocStore for MemoryStore {
    fn list(&self) -> StoreFuture<Listing> {
        let shelf = self.shelf.borrow();
        let mut listing = Listing::default();
        for (id, text) in &shelf.meta {
            match DocMeta::from_json(text) {
                Ok(m) => listing.docs.push(m),
                Err(reason) => listing.damaged.push(Damaged {
                    origin: format!("meta/{id}"),
                    reason,
                    raw: text.clone(),
                    found_ms: 0.0,
                }),
            }
        }
        ready(Ok(listing))
    }

    fn open(&self, id: &str) -> StoreFuture<Opened> {
        let shelf = self.shelf.borrow();
        ready(Ok(match shelf.docs.get(id) {
            None => Opened::Missing,
            Some(text) => match DocRecord::from_json(text) {
                Ok(r) => Opened::Doc(Box::new(r)),
                Err(reason) => Opened::Damaged(Damaged {
                    origin: format!("docs/{id}"),
                    reason,
                    raw: text.clone(),
                    found_ms: 0.0,
                }),
            },
        }))
    }

    fn save(&self, rec: &DocRecord, expected: u64) -> StoreFuture<SaveOutcome> {
        let id = rec.meta.id.clone();
        let result = {
            let mut shelf = self.shelf.borrow_mut();
            let stored_rev = shelf
                .meta
                .get(&id)
                .and_then(|t| DocMeta::from_json(t).ok())
                .map_or(0, |m| m.rev);
            if stored_rev != expected {
                return ready(Ok(SaveOutcome::Conflict { stored_rev }));
            }
            let (meta, doc) = (rec.meta.to_json(), rec.to_json());
            let replaced = shelf.meta.get(&id).map_or(0, String::len)
                + shelf.docs.get(&id).map_or(0, String::len);
            shelf
                .check_quota((meta.len() + doc.len()).saturating_sub(replaced))
                .map(|()| {
                    shelf.meta.insert(id.clone(), meta);
                    shelf.docs.insert(id.clone(), doc);
                })
        };
        if result.is_ok() {
            self.announce(Change {
                id,
                rev: rec.meta.rev,
                tab: self.tab.clone(),
            });
        }
        ready(result.map(|()| SaveOutcome::Saved))
    }

    fn delete(&self, id: &str) -> StoreFuture<()> {
        {
            let mut shelf = self.shelf.borrow_mut();
            shelf.meta.remove(id);
            shelf.docs.remove(id);
        }
        self.announce(Change {
            id: id.into(),
            rev: 0,
            tab: self.tab.clone(),
        });
        ready(Ok(()))
    }

    fn quarantine(&self, d: Damaged) -> StoreFuture<()> {
        let mut shelf = self.shelf.borrow_mut();
        let text = serde_json::to_string(&d).unwrap_or_default();
        if let Err(e) = shelf.check_quota(text.len()) {
            return ready(Err(e));
        }
        if let Some(id) = super::record::document_of(&d.origin) {
            shelf.docs.remove(id);
            shelf.meta.remove(id);
        }
        shelf.quarantine.insert(d.key(), text);
        ready(Ok(()))
    }

    fn quarantined(&self) -> StoreFuture<Vec<Damaged>> {
        let shelf = self.shelf.borrow();
        ready(Ok(shelf
            .quarantine
            .values()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect()))
    }

    fn watch(&self, f: Rc<dyn Fn(Change)>) -> WatchGuard {
        self.shelf
            .borrow_mut()
            .watchers
            .push((self.tab.clone(), Rc::downgrade(&f)));
        Box::new(f)
    }
}
