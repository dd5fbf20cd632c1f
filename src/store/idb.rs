//! The document store in IndexedDB, the page's real one. Database `scaleboard`, object stores
//! `meta` (the Recent list reads only these small rows), `docs` (whole records) and
//! `quarantine`, each keyed by id, values JSON text. Other tabs hear about every write on the
//! `scaleboard-docs` BroadcastChannel.
//!
//! A save reads the stored revision and writes in the same read-write transaction, which
//! IndexedDB runs alone against overlapping ones from any tab: the revision check cannot race.

use super::record::document_of;
use super::{
    Change, Damaged, DocMeta, DocRecord, DocStore, Listing, Opened, SaveOutcome, StoreError,
    StoreFuture, WatchGuard,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

pub const DB_NAME: &str = "scaleboard";
const DB_VERSION: u32 = 1;
const META: &str = "meta";
const DOCS: &str = "docs";
const QUARANTINE: &str = "quarantine";
const CHANNEL: &str = "scaleboard-docs";

pub struct IdbStore {
    db: Rc<RefCell<Option<IdbDatabase>>>,
    tab: String,
    channel: Option<web_sys::BroadcastChannel>,
}

impl IdbStore {
    pub fn new(tab: &str) -> IdbStore {
        IdbStore {
            db: Rc::default(),
            tab: tab.into(),
            channel: web_sys::BroadcastChannel::new(CHANNEL).ok(),
        }
    }
}

/// Tells the other tabs that `id` now has revision `rev` (0: deleted).
fn announce(channel: &Option<web_sys::BroadcastChannel>, tab: &str, id: &str, rev: u64) {
    if let Some(ch) = channel {
        let msg = serde_json::json!({ "id": id, "rev": rev, "tab": tab }).to_string();
        let _ = ch.post_message(&JsValue::from_str(&msg));
    }
}

fn err(what: &str, e: impl std::fmt::Debug) -> StoreError {
    StoreError(format!("{what}: {e:?}"))
}

/// The browser's reason a transaction failed ("QuotaExceededError: …").
fn tx_error(tx: &IdbTransaction) -> StoreError {
    match tx.error() {
        Some(e) if e.name() == "QuotaExceededError" => {
            StoreError("QuotaExceededError: the browser's storage for this site is full".into())
        }
        Some(e) => StoreError(format!("{}: {}", e.name(), e.message())),
        None => StoreError("the browser gave up on the write".into()),
    }
}

async fn request(req: &IdbRequest) -> Result<JsValue, StoreError> {
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    JsFuture::from(p).await.map_err(|_| match req.error() {
        Ok(Some(e)) => StoreError(format!("{}: {}", e.name(), e.message())),
        _ => StoreError("the browser refused the request".into()),
    })?;
    req.result().map_err(|e| err("no result", e))
}

async fn finished(tx: &IdbTransaction) -> Result<(), StoreError> {
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(p)
        .await
        .map(|_| ())
        .map_err(|_| tx_error(tx))
}

/// Opens (creating or upgrading) the database once per tab.
async fn database(cache: &RefCell<Option<IdbDatabase>>) -> Result<IdbDatabase, StoreError> {
    if let Some(db) = cache.borrow().clone() {
        return Ok(db);
    }
    let factory = web_sys::window()
        .ok_or_else(|| StoreError("no browser window".into()))?
        .indexed_db()
        .map_err(|e| err("IndexedDB is blocked in this browser", e))?
        .ok_or_else(|| StoreError("this browser offers no IndexedDB".into()))?;
    let open = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| err("IndexedDB cannot be opened", e))?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new({
        let open = open.clone();
        move |_| {
            let Some(db) = open
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            else {
                return;
            };
            for name in [META, DOCS, QUARANTINE] {
                if !db.object_store_names().contains(name) {
                    let _ = db.create_object_store(name);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = request(&open).await;
    open.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = result?.dyn_into().map_err(|e| err("not a database", e))?;
    // Another tab with a newer build wants to upgrade: let it, and reopen on next use.
    let on_version = Closure::<dyn FnMut()>::new({
        let db = db.clone();
        move || db.close()
    });
    db.set_onversionchange(Some(on_version.as_ref().unchecked_ref()));
    on_version.forget();
    *cache.borrow_mut() = Some(db.clone());
    Ok(db)
}

fn transaction(
    db: &IdbDatabase,
    stores: &[&str],
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, StoreError> {
    let names = js_sys::Array::new();
    for s in stores {
        names.push(&JsValue::from_str(s));
    }
    db.transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| err("IndexedDB refused a transaction", e))
}

fn store(tx: &IdbTransaction, name: &str) -> Result<web_sys::IdbObjectStore, StoreError> {
    tx.object_store(name)
        .map_err(|e| err("missing object store", e))
}

impl DocStore for IdbStore {
    fn list(&self) -> StoreFuture<Listing> {
        let cache = self.db.clone();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(&db, &[META], IdbTransactionMode::Readonly)?;
            let meta = store(&tx, META)?;
            let keys = meta.get_all_keys().map_err(|e| err("list", e))?;
            let values = meta.get_all().map_err(|e| err("list", e))?;
            let keys: js_sys::Array = request(&keys).await?.unchecked_into();
            let values: js_sys::Array = request(&values).await?.unchecked_into();
            let mut listing = Listing::default();
            for (k, v) in keys.iter().zip(values.iter()) {
                let id = k.as_string().unwrap_or_default();
                let text = v.as_string().unwrap_or_default();
                match DocMeta::from_json(&text) {
                    Ok(m) => listing.docs.push(m),
                    Err(reason) => listing.damaged.push(Damaged {
                        origin: format!("meta/{id}"),
                        reason,
                        raw: text,
                        found_ms: 0.0,
                    }),
                }
            }
            Ok(listing)
        })
    }

    fn open(&self, id: &str) -> StoreFuture<Opened> {
        let cache = self.db.clone();
        let id = id.to_owned();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(&db, &[DOCS], IdbTransactionMode::Readonly)?;
            let get = store(&tx, DOCS)?
                .get(&JsValue::from_str(&id))
                .map_err(|e| err("open", e))?;
            let value = request(&get).await?;
            if value.is_undefined() || value.is_null() {
                return Ok(Opened::Missing);
            }
            let text = value.as_string().unwrap_or_else(|| format!("{value:?}"));
            Ok(match DocRecord::from_json(&text) {
                Ok(rec) => Opened::Doc(Box::new(rec)),
                Err(reason) => Opened::Damaged(Damaged {
                    origin: format!("docs/{id}"),
                    reason,
                    raw: text,
                    found_ms: 0.0,
                }),
            })
        })
    }

    fn save(&self, rec: &DocRecord, expected: u64) -> StoreFuture<SaveOutcome> {
        let cache = self.db.clone();
        let id = rec.meta.id.clone();
        let rev = rec.meta.rev;
        let meta_text = rec.meta.to_json();
        let doc_text = rec.to_json();
        let channel = self.channel.clone();
        let tab = self.tab.clone();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(&db, &[META, DOCS], IdbTransactionMode::Readwrite)?;
            let (meta, docs) = (store(&tx, META)?, store(&tx, DOCS)?);
            let key = JsValue::from_str(&id);
            let get = meta.get(&key).map_err(|e| err("save", e))?;
            let conflict: Rc<Cell<Option<u64>>> = Rc::default();
            let on_read = Closure::once_into_js({
                let get = get.clone();
                let conflict = conflict.clone();
                move || {
                    let stored = get
                        .result()
                        .ok()
                        .and_then(|v| v.as_string())
                        .and_then(|t| DocMeta::from_json(&t).ok())
                        .map_or(0, |m| m.rev);
                    if stored != expected {
                        conflict.set(Some(stored));
                        return;
                    }
                    // Failures here abort the transaction, which `finished` reports.
                    let _ = meta.put_with_key(&JsValue::from_str(&meta_text), &key);
                    let _ = docs.put_with_key(&JsValue::from_str(&doc_text), &key);
                }
            });
            get.set_onsuccess(Some(on_read.unchecked_ref()));
            finished(&tx).await?;
            if let Some(stored_rev) = conflict.get() {
                return Ok(SaveOutcome::Conflict { stored_rev });
            }
            announce(&channel, &tab, &id, rev);
            Ok(SaveOutcome::Saved)
        })
    }

    fn delete(&self, id: &str) -> StoreFuture<()> {
        let cache = self.db.clone();
        let id = id.to_owned();
        let channel = self.channel.clone();
        let tab = self.tab.clone();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(&db, &[META, DOCS], IdbTransactionMode::Readwrite)?;
            let key = JsValue::from_str(&id);
            for name in [META, DOCS] {
                store(&tx, name)?
                    .delete(&key)
                    .map_err(|e| err("delete", e))?;
            }
            finished(&tx).await?;
            announce(&channel, &tab, &id, 0);
            Ok(())
        })
    }

    fn quarantine(&self, d: Damaged) -> StoreFuture<()> {
        let cache = self.db.clone();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(
                &db,
                &[META, DOCS, QUARANTINE],
                IdbTransactionMode::Readwrite,
            )?;
            let text = serde_json::to_string(&d).unwrap_or_default();
            store(&tx, QUARANTINE)?
                .put_with_key(&JsValue::from_str(&text), &JsValue::from_str(&d.key()))
                .map_err(|e| err("quarantine", e))?;
            if let Some(id) = document_of(&d.origin) {
                let key = JsValue::from_str(id);
                for name in [META, DOCS] {
                    store(&tx, name)?
                        .delete(&key)
                        .map_err(|e| err("quarantine", e))?;
                }
            }
            finished(&tx).await
        })
    }

    fn quarantined(&self) -> StoreFuture<Vec<Damaged>> {
        let cache = self.db.clone();
        Box::pin(async move {
            let db = database(&cache).await?;
            let tx = transaction(&db, &[QUARANTINE], IdbTransactionMode::Readonly)?;
            let all = store(&tx, QUARANTINE)?
                .get_all()
                .map_err(|e| err("quarantine", e))?;
            let values: js_sys::Array = request(&all).await?.unchecked_into();
            Ok(values
                .iter()
                .filter_map(|v| v.as_string())
                .filter_map(|t| serde_json::from_str(&t).ok())
                .collect())
        })
    }

    fn watch(&self, f: Rc<dyn Fn(Change)>) -> WatchGuard {
        let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
            return Box::new(());
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(text) = e.data().as_string() else {
                    return;
                };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                    return;
                };
                let (Some(id), Some(rev), Some(tab)) =
                    (v["id"].as_str(), v["rev"].as_u64(), v["tab"].as_str())
                else {
                    return;
                };
                f(Change {
                    id: id.into(),
                    rev,
                    tab: tab.into(),
                });
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Box::new(Subscription {
            channel,
            _on_message: on_message,
        })
    }
}

struct Subscription {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
