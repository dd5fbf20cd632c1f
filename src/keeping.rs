//! The page's side of the document store: start-up, saving (debounced, flushed when the page
//! is hidden or closed, journaled synchronously so the last edit survives an abrupt close),
//! other tabs' changes, and the user's document commands (open, new, rename, duplicate,
//! delete, restore, downloads). Every store operation runs through one queue, in order, so two
//! saves of this tab never race each other; races with other tabs are settled by revisions.

use crate::editor::{History, View};
use crate::i18n::{fill, tr, Lang};
use crate::persist;
use crate::state::{Action, SaveState, ToastKind};
use crate::store::idb::IdbStore;
use crate::store::journal::{self, Journal};
use crate::store::keeper::{Keeper, Labels, Notice, Remote, Saved, Snapshot, StartRequest};
use crate::store::{legacy, Damaged, DocRecord, DocStore, WatchGuard};
use crate::{files, storage};
use scaleboard_sim::Diagram;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use yew::Callback;

/// Quiet time after the last change before a save.
pub const SAVE_DELAY_MS: u32 = 300;
/// sessionStorage (per tab, survives a reload): the tab's document and the address it wrote.
const TAB_DOC: &str = "scaleboard.tab.doc";
const TAB_HASH: &str = "scaleboard.tab.hash";
/// localStorage: persistent storage has been asked for once.
const PERSIST_ASKED: &str = "scaleboard.persist-asked";

/// What the user asks of their documents.
#[derive(Clone, Debug, PartialEq)]
pub enum DocCommand {
    Open(String),
    New,
    /// Rename a document that is not open (the open one is renamed through the editor).
    Rename {
        id: String,
        name: String,
    },
    Duplicate(String),
    /// Move to the bin (`true`) or restore.
    Bin(String, bool),
    /// A design from outside: an example, an imported file, a link, an embedding page.
    Incoming {
        doc: Diagram,
        view: Option<View>,
        title: String,
        playhead: Option<f64>,
    },
    DownloadDamaged(Damaged),
    DownloadCopy,
}

impl DocCommand {
    /// A bundled diagram (a lesson step, its solution) opened as a document of its own, its
    /// labels in the learner's language.
    pub fn bundled(mut doc: Diagram, lang: Lang) -> DocCommand {
        crate::examples::localize(&mut doc, lang);
        DocCommand::Incoming {
            doc,
            view: None,
            title: String::new(),
            playhead: None,
        }
    }

    /// Whether the command replaces the open document `current` in this tab.
    fn leaves_current(&self, current: &str) -> bool {
        match self {
            DocCommand::Open(id) => id != current,
            DocCommand::New | DocCommand::Incoming { .. } => true,
            DocCommand::Bin(id, binned) => *binned && id == current,
            _ => false,
        }
    }
}

type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>>>;

/// Runs jobs one after another.
#[derive(Default)]
struct Queue {
    jobs: RefCell<VecDeque<Job>>,
    running: Cell<bool>,
}

impl Queue {
    fn push(self: &Rc<Self>, job: Job) {
        self.jobs.borrow_mut().push_back(job);
        if self.running.replace(true) {
            return;
        }
        let q = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = q.jobs.borrow_mut().pop_front();
                match next {
                    Some(job) => job().await,
                    None => break,
                }
            }
            q.running.set(false);
        });
    }
}

pub struct Keep {
    keeper: Rc<Keeper>,
    queue: Rc<Queue>,
    /// What the page holds now.
    latest: RefCell<Option<Snapshot>>,
    dispatch: Callback<Action>,
    lang: Cell<Lang>,
    ready: Cell<bool>,
    timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    _watch: RefCell<Option<WatchGuard>>,
}

fn random_id() -> String {
    let mut bytes = [0u8; 9];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

impl Keep {
    pub fn new(dispatch: Callback<Action>, lang: Lang) -> Rc<Keep> {
        let tab = random_id();
        let store: Rc<dyn DocStore> = Rc::new(IdbStore::new(&tab));
        let keeper = Rc::new(Keeper::new(
            store.clone(),
            &tab,
            Box::new(random_id),
            Box::new(js_sys::Date::now),
        ));
        let keep = Rc::new(Keep {
            keeper,
            queue: Rc::default(),
            latest: RefCell::new(None),
            dispatch,
            lang: Cell::new(lang),
            ready: Cell::new(false),
            timer: RefCell::new(None),
            _watch: RefCell::new(None),
        });
        let weak = Rc::downgrade(&keep);
        let guard = store.watch(Rc::new(move |change| {
            if let Some(k) = weak.upgrade() {
                k.on_remote(&change);
            }
        }));
        *keep._watch.borrow_mut() = Some(guard);
        keep
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        self.keeper.set_labels(Labels {
            untitled: tr(lang, "Untitled design").into(),
            another_tab: tr(lang, " (another tab)").into(),
            recovered: tr(lang, " (recovered)").into(),
        });
    }

    fn toast(&self, text: String, kind: ToastKind) {
        self.dispatch.emit(Action::Toast { text, kind });
    }

    fn status(&self, save: SaveState, failure: Option<String>) {
        self.dispatch.emit(Action::SaveState { save, failure });
    }

    /// Opens the start-up document: a new link in the address bar, else this tab's document
    /// (a reload), else the most recent one; earlier localStorage work is migrated first.
    pub fn start(self: &Rc<Self>) {
        let hash = persist::current_hash();
        // A lesson link needs the lessons, which the page fetches (src/lessons.rs): start once
        // they are here, or with a message naming what failed.
        let lesson_hash = crate::lessons::parse_fragment(&hash);
        if lesson_hash.is_some() && crate::lessons::status() == crate::lessons::Status::Loading {
            let k = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = crate::lessons::load(false).await {
                    k.toast(
                        crate::lessons::failed_text(k.lang.get(), &e),
                        ToastKind::Error,
                    );
                }
                k.start();
            });
            return;
        }
        let ses = session();
        let tab_hash = ses
            .as_ref()
            .and_then(|s| s.get_item(TAB_HASH).ok().flatten());
        let mut tab_doc = ses
            .as_ref()
            .and_then(|s| s.get_item(TAB_DOC).ok().flatten());
        let mut link = None;
        let addressed = hash.strip_prefix("doc=").map(str::to_owned);
        // A lesson link: the step's diagram, unless this tab is reloading it (then the
        // learner's own attempt, the tab's document, comes back).
        let lesson_at = lesson_hash
            .clone()
            .and_then(|(id, step)| crate::lessons::find(&id).map(|l| (l, step)));
        let fresh = !hash.is_empty() && Some(&hash) != tab_hash.as_ref();
        if let Some(id) = &addressed {
            tab_doc = Some(id.clone());
        } else if let Some((l, step)) = &lesson_at {
            if fresh {
                let mut d = crate::lessons::step_design(l, *step, false, self.lang.get());
                crate::examples::localize(&mut d, self.lang.get());
                link = Some(Ok(scaleboard_link::Document::new(d)));
            }
        } else if let Some((id, _)) = &lesson_hash {
            // A lesson this version does not have (or lessons that did not arrive: said
            // above): the user's own work opens, not an error about a malformed design link.
            if fresh && crate::lessons::status() == crate::lessons::Status::Ready {
                self.toast(
                    crate::lessons::missing_text(self.lang.get(), id),
                    ToastKind::Error,
                );
            }
        } else if fresh && !scaleboard_link::is_compare(&hash) {
            // (A comparison link opens over the user's own work: the app shows it once ready.)
            link = Some(scaleboard_link::decode(&hash).map_err(|e| e.0));
        }
        let journals = journal_slots();
        let legacy_items = legacy::read(
            storage::get(legacy::AUTOSAVE_KEY).as_deref(),
            storage::get(legacy::SAVES_KEY).as_deref(),
            js_sys::Date::now(),
        );
        let had_legacy = !legacy_items.is_empty();
        let req = StartRequest {
            link,
            tab_doc,
            journals: journals.iter().filter_map(|(_, j)| j.clone()).collect(),
            legacy: legacy_items,
        };
        let k = self.clone();
        self.queue.push(Box::new(move || {
            Box::pin(async move {
                let started = k.keeper.start(req).await;
                let lang = k.lang.get();
                let store_works = k.keeper.probe().await;
                match &store_works {
                    Ok(()) => {
                        // Everything read is in the store now.
                        for (key, _) in &journals {
                            storage::remove(key);
                        }
                        if had_legacy {
                            storage::remove(legacy::AUTOSAVE_KEY);
                            storage::remove(legacy::SAVES_KEY);
                        }
                    }
                    Err(e) => k.status(SaveState::Failed, Some(e.0.clone())),
                }
                let has_doc = started.record.is_some();
                for n in &started.notices {
                    k.toast(notice_text(n, lang, has_doc), notice_kind(n));
                }
                if addressed
                    .as_ref()
                    .is_some_and(|id| started.record.as_ref().is_none_or(|r| &r.meta.id != id))
                {
                    k.toast(
                        tr(lang, "This address names a design kept in another browser (or deleted). To pass a design on, use Share: its link carries the whole design.").into(),
                        ToastKind::Error,
                    );
                }
                match started.record {
                    Some(rec) => k.show(rec, started.from_link, started.playhead),
                    None => {
                        k.keeper.start_empty();
                        k.dispatch.emit(Action::SetDocId(k.keeper.current_id()));
                    }
                }
                k.remember_tab();
                if let Some((l, step)) = lesson_at {
                    let step = step.min(l.steps.len().saturating_sub(1));
                    k.dispatch.emit(Action::LessonOpened {
                        id: l.id.clone(),
                        step,
                        steps: l.steps.len(),
                        asks: l.steps.get(step).is_some_and(|s| s.prediction.is_some()),
                    });
                }
                k.ready.set(true);
                k.dispatch.emit(Action::Ready);
                k.refresh().await;
            })
        }));
    }

    /// Shows a stored document.
    fn show(&self, rec: DocRecord, from_link: bool, playhead: Option<f64>) {
        let title = if from_link {
            rec.diagram.name.clone()
        } else {
            String::new()
        };
        self.opened(rec, title, playhead);
    }

    /// The page now shows stored document `rec`.
    fn opened(&self, rec: DocRecord, title: String, playhead: Option<f64>) {
        self.dispatch.emit(Action::Opened {
            id: rec.meta.id.clone(),
            history: rec.history(),
            edited: rec.meta.edited,
            view: rec.view,
            doc: rec.diagram,
            title,
            playhead,
        });
    }

    fn remember_tab(&self) {
        if let Some(s) = session() {
            let _ = s.set_item(TAB_DOC, &self.keeper.current_id());
        }
    }

    /// The address bar now holds `hash` (written by this tab): a reload is not a new link.
    pub fn wrote_hash(&self, hash: &str) {
        if let Some(s) = session() {
            let _ = s.set_item(TAB_HASH, hash);
        }
    }

    pub fn current_id(&self) -> String {
        self.keeper.current_id()
    }

    /// The page's document changed: journal it now, save it shortly.
    pub fn changed(self: &Rc<Self>, snap: Snapshot) {
        if !self.ready.get() {
            return;
        }
        let dirty = self.keeper.is_dirty(&snap);
        if dirty {
            self.journal(&snap, true);
        }
        *self.latest.borrow_mut() = Some(snap);
        if !dirty {
            return;
        }
        self.status(SaveState::Saving, None);
        let k = self.clone();
        *self.timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(
            SAVE_DELAY_MS,
            move || k.save_soon(false),
        ));
    }

    /// The view moved (a pan or a zoom step), the design did not: the next save or journal
    /// writes the new view.
    pub fn view_moved(&self, snap: Snapshot) {
        if self.ready.get() {
            *self.latest.borrow_mut() = Some(snap);
        }
    }

    /// Writes the unsaved state to this tab's journal slot, synchronously (`dirty`: what
    /// `Keeper::is_dirty` said of `snap`, computed once by the caller: it hashes the design).
    fn journal(&self, snap: &Snapshot, dirty: bool) {
        if !dirty {
            storage::remove(&journal::key(self.keeper.tab()));
            return;
        }
        let mut rec = DocRecord::new(
            self.keeper.current_id(),
            (*snap.diagram).clone(),
            Some(snap.view),
            &snap.history,
            js_sys::Date::now(),
        );
        rec.meta.edited = true;
        let j = Journal {
            base_rev: self.keeper.current_rev(),
            record: rec,
        };
        if let Some(text) = j.to_text() {
            storage::set(&journal::key(self.keeper.tab()), &text);
        }
    }

    /// The page is being hidden or closed: journal and start the save now.
    pub fn flush(self: &Rc<Self>) {
        if !self.ready.get() {
            return;
        }
        let latest = self.latest.borrow().clone();
        if let Some(snap) = latest {
            self.journal(&snap, self.keeper.is_dirty(&snap));
        }
        self.timer.borrow_mut().take();
        self.save_soon(true);
    }

    fn save_soon(self: &Rc<Self>, force: bool) {
        let k = self.clone();
        self.queue.push(Box::new(move || {
            Box::pin(async move { k.save_now(force).await })
        }));
    }

    async fn save_now(&self, force: bool) {
        let Some(snap) = self.latest.borrow().clone() else {
            return;
        };
        let lang = self.lang.get();
        match self.keeper.save(&snap, force).await {
            Saved::Written { .. } | Saved::Unchanged => {
                self.after_save(&snap);
                self.status(SaveState::Saved, None);
            }
            Saved::Forked { id, name } => {
                self.after_save(&snap);
                self.dispatch.emit(Action::SetDocId(id));
                self.dispatch.emit(Action::SetName(name.clone()));
                self.toast(
                    fill(
                        tr(lang, "This design was changed in another tab at the same time. Your version is kept as “{}”; the other one is in Recent designs."),
                        &[&name],
                    ),
                    ToastKind::Error,
                );
                self.status(SaveState::Saved, None);
            }
            Saved::Failed(e) => {
                self.status(SaveState::Failed, Some(e.0));
                return;
            }
        }
        self.ask_persistence(&snap);
        self.refresh().await;
    }

    fn after_save(&self, snap: &Snapshot) {
        self.remember_tab();
        // The journal can go once the store holds what the page holds.
        let same = self
            .latest
            .borrow()
            .as_ref()
            .is_some_and(|l| Rc::ptr_eq(&l.diagram, &snap.diagram));
        if same {
            storage::remove(&journal::key(self.keeper.tab()));
        }
    }

    /// Once the user has real work, ask the browser not to evict it under storage pressure.
    fn ask_persistence(&self, snap: &Snapshot) {
        if snap.diagram.nodes.len() < 3 || storage::get(PERSIST_ASKED).is_some() {
            return;
        }
        storage::set(PERSIST_ASKED, "1");
        if let Some(m) = web_sys::window().map(|w| w.navigator().storage()) {
            let _ = m.persist();
        }
    }

    /// Re-reads the Recent list and the quarantine.
    async fn refresh(&self) {
        let docs = self.keeper.list().await.docs;
        let damaged = self.keeper.quarantined().await;
        self.dispatch.emit(Action::DocList { docs, damaged });
    }

    fn on_remote(self: &Rc<Self>, change: &crate::store::Change) {
        let k = self.clone();
        let what = self.keeper.on_change(change);
        self.queue.push(Box::new(move || {
            Box::pin(async move {
                match what {
                    Remote::Newer => {
                        let dirty = k
                            .latest
                            .borrow()
                            .as_ref()
                            .is_some_and(|s| k.keeper.is_dirty(s));
                        // With unsaved edits here, the next save settles it (a copy if needed).
                        if !dirty {
                            if let Some(rec) = k.keeper.reload().await {
                                k.dispatch.emit(Action::Remote {
                                    history: rec.history(),
                                    doc: rec.diagram,
                                });
                            }
                        }
                    }
                    Remote::Deleted => k.toast(
                        tr(k.lang.get(), "This design was deleted in another tab. It stays open here, and your next change stores it again.").into(),
                        ToastKind::Info,
                    ),
                    Remote::Ignore => {}
                }
                k.refresh().await;
            })
        }));
    }

    /// Carries out a document command.
    pub fn run(self: &Rc<Self>, cmd: DocCommand) {
        let lang = self.lang.get();
        match cmd {
            DocCommand::DownloadDamaged(d) => {
                let name = format!("scaleboard-damaged-{}.txt", d.found_ms as u64);
                let text = format!("{}\n{}\n\n{}", d.origin, d.reason, d.raw);
                if let Err(e) = files::download_text(&name, "text/plain", &text) {
                    self.toast(e.text(lang).to_owned(), ToastKind::Error);
                }
                return;
            }
            DocCommand::DownloadCopy => {
                if let Some(s) = self.latest.borrow().as_ref() {
                    let stem = crate::app::file_stem(&s.diagram.name);
                    if let Err(e) = files::download_text(
                        &format!("{stem}.json"),
                        "application/json",
                        &s.diagram.to_json_pretty(),
                    ) {
                        self.toast(e.text(lang).to_owned(), ToastKind::Error);
                    }
                }
                return;
            }
            _ => {}
        }
        // Whatever comes next, the current work is stored first.
        self.timer.borrow_mut().take();
        self.save_soon(false);
        let k = self.clone();
        self.queue.push(Box::new(move || {
            Box::pin(async move {
                let before = k.keeper.current_id();
                let unsaved = k
                    .latest
                    .borrow()
                    .as_ref()
                    .is_some_and(|s| k.keeper.is_dirty(s) && !s.diagram.nodes.is_empty());
                if unsaved && cmd.leaves_current(&before) {
                    // The save just before failed: switching now would drop this work.
                    k.toast(
                        tr(lang, "Your current design could not be saved, so it stays open: download a copy first (the button under the toolbar), then try again.").into(),
                        ToastKind::Error,
                    );
                    return;
                }
                k.status(SaveState::Saving, None);
                let result = k.command(cmd, lang).await;
                if let Err(e) = result {
                    k.toast(e, ToastKind::Error);
                }
                match k.keeper.take_create_error() {
                    Some(e) => k.status(SaveState::Failed, Some(e.0)),
                    None => k.status(SaveState::Saved, None),
                }
                let now = k.keeper.current_id();
                if now != before {
                    // Replaced by something else, an untouched example would only clutter.
                    k.keeper.drop_if_disposable(&before).await;
                    k.remember_tab();
                }
                k.refresh().await;
            })
        }));
    }

    /// Carries on with a new, empty design in this tab.
    fn open_empty(&self) {
        self.keeper.start_empty();
        self.dispatch.emit(Action::Opened {
            id: self.keeper.current_id(),
            doc: Diagram::default(),
            view: Some(View::default()),
            history: History::default(),
            edited: false,
            title: String::new(),
            playhead: None,
        });
    }

    async fn command(&self, cmd: DocCommand, lang: Lang) -> Result<(), String> {
        // Each message is a literal at its `tr` call, so the translation check sees it.
        let failed = |what: &'static str| move |e: String| fill(what, &[&e]);
        match cmd {
            DocCommand::Open(id) => {
                let rec = self
                    .keeper
                    .open(&id)
                    .await
                    .map_err(failed(tr(lang, "This design could not be opened: {}")))?;
                let mut title = rec.diagram.name.clone();
                if title.is_empty() {
                    title = tr(lang, "Untitled design").into();
                }
                self.opened(rec, title, None);
            }
            DocCommand::New => self.open_empty(),
            DocCommand::Rename { id, name } => {
                if id == self.keeper.current_id() {
                    self.dispatch.emit(Action::SetName(name));
                } else {
                    self.keeper
                        .rename(&id, &name)
                        .await
                        .map_err(failed(tr(lang, "The design could not be renamed: {}")))?;
                }
            }
            DocCommand::Duplicate(id) => {
                self.keeper
                    .duplicate(&id, tr(lang, " (copy)"))
                    .await
                    .map_err(failed(tr(lang, "The design could not be copied: {}")))?;
            }
            DocCommand::Bin(id, binned) => {
                self.keeper
                    .set_binned(&id, binned)
                    .await
                    .map_err(failed(tr(lang, "The design could not be moved: {}")))?;
                if binned && id == self.keeper.current_id() {
                    // The open design went to the bin: carry on with a new one.
                    self.open_empty();
                }
            }
            DocCommand::Incoming {
                doc,
                view,
                title,
                playhead,
            } => {
                let rec = self.keeper.open_link(doc, view).await;
                self.opened(rec, title, playhead);
            }
            DocCommand::DownloadDamaged(_) | DocCommand::DownloadCopy => {}
        }
        Ok(())
    }
}

/// This origin's journal slots (left by tabs that closed or crashed), readable or not.
fn journal_slots() -> Vec<(String, Option<Journal>)> {
    let Some(ls) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return Vec::new();
    };
    let n = ls.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| ls.key(i).ok().flatten())
        .filter(|k| k.starts_with(journal::PREFIX))
        .map(|k| {
            let j = storage::get(&k).and_then(|t| Journal::from_text(&t));
            (k, j)
        })
        .collect()
}

fn notice_kind(n: &Notice) -> ToastKind {
    match n {
        Notice::Quarantined { .. } | Notice::BadLink(_) => ToastKind::Error,
        Notice::Recovered { .. } | Notice::Migrated { .. } => ToastKind::Info,
    }
}

fn notice_text(n: &Notice, lang: Lang, has_doc: bool) -> String {
    match n {
        Notice::Quarantined { reason } => fill(
            tr(lang, "A saved design could not be read — {}. It is kept aside: File → Damaged data lets you download it."),
            &[reason],
        ),
        Notice::BadLink(e) => fill(
            tr(lang, "This link could not be opened — {}. {}"),
            &[
                &fill(tr(lang, "this link is damaged: {}"), &[e]),
                &if has_doc {
                    tr(lang, "Your earlier work is open instead.")
                } else {
                    tr(lang, "You are starting from an empty canvas.")
                },
            ],
        ),
        Notice::Recovered { name } => fill(
            tr(lang, "Unsaved changes from a closed tab were recovered into “{}”."),
            &[name],
        ),
        Notice::Migrated { count } => fill(
            tr(lang, "{} design(s) saved by an earlier version are now in Recent designs."),
            &[count],
        ),
    }
}
