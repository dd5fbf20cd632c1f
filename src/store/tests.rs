//! The keeper's rules, on the in-memory store: tabs, links, conflicts, damage, quota, recovery.

use super::journal::Journal;
use super::keeper::{Keeper, Notice, Remote, Saved, Snapshot, StartRequest};
use super::legacy;
use super::memory::MemoryStore;
use super::record::{DocRecord, HISTORY_STEPS};
use super::{now, Change, DocStore, Opened};
use crate::editor::{Command, History, View};
use scaleboard_sim::Diagram;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

fn example(name: &str) -> Diagram {
    let text = match name {
        "basic" => include_str!("../../examples/basic.json"),
        _ => include_str!("../../examples/retry-storm.json"),
    };
    Diagram::from_json(text).unwrap()
}

thread_local! {
    static CLOCK: Cell<f64> = const { Cell::new(1_000_000.0) };
}

fn keeper(store: &MemoryStore, tab: &str) -> Keeper {
    let n = Rc::new(Cell::new(0));
    let tab_name = tab.to_owned();
    Keeper::new(
        Rc::new(store.clone()),
        tab,
        Box::new(move || {
            n.set(n.get() + 1);
            format!("{tab_name}-{}", n.get())
        }),
        Box::new(|| {
            CLOCK.with(|c| {
                c.set(c.get() + 1.0);
                c.get()
            })
        }),
    )
}

fn snap(d: &Diagram, history: History) -> Snapshot {
    Snapshot {
        diagram: Rc::new(d.clone()),
        view: View::default(),
        history,
        edited: true,
    }
}

/// The basic example without its balancer, and the history that did it.
fn delete_lb(d: &Diagram) -> (Diagram, History) {
    let mut d = d.clone();
    let mut h = History::default();
    let c = Command::remove(
        &d,
        &std::collections::BTreeSet::from(["lb".to_string()]),
        &Default::default(),
    );
    assert!(h.exec(&mut d, c));
    (d, h)
}

fn open_doc(store: &MemoryStore, id: &str) -> DocRecord {
    match now(store.open(id)).unwrap() {
        Opened::Doc(r) => *r,
        other => panic!("{id}: {other:?}"),
    }
}

#[test]
fn edits_are_saved_with_their_history_and_reopen_after_a_reload() {
    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("basic"), None, false));
    let id = k.current_id();
    let (edited, history) = delete_lb(&example("basic"));
    assert!(matches!(
        now(k.save(&snap(&edited, history.clone()), false)),
        Saved::Written { rev: 2 }
    ));
    assert_eq!(
        now(k.save(&snap(&edited, history.clone()), false)),
        Saved::Unchanged
    );
    // The reload: a new keeper in the same tab, told which document the tab had.
    let k2 = keeper(&store, "a");
    let started = now(k2.start(StartRequest {
        tab_doc: Some(id.clone()),
        ..Default::default()
    }));
    let rec = started.record.unwrap();
    assert_eq!(rec.meta.id, id);
    assert_eq!(rec.diagram, edited);
    let mut h = rec.history();
    let mut d = rec.diagram.clone();
    assert!(h.undo(&mut d), "undo works after the reload");
    assert_eq!(d, example("basic"));
}

#[test]
fn a_link_opens_as_a_new_document_and_the_same_link_reuses_it() {
    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("basic"), None, false));
    let (edited, h) = delete_lb(&example("basic"));
    now(k.save(&snap(&edited, h), false));
    let earlier = k.current_id();
    let link = scaleboard_link::Document::new(example("retry"));
    let tab = keeper(&store, "b");
    let s = now(tab.start(StartRequest {
        link: Some(Ok(link.clone())),
        ..Default::default()
    }));
    assert!(s.from_link);
    let opened = s.record.unwrap();
    assert_ne!(opened.meta.id, earlier, "a document of its own");
    assert_eq!(
        open_doc(&store, &earlier).diagram,
        edited,
        "earlier work intact"
    );
    let again = keeper(&store, "c");
    let s = now(again.start(StartRequest {
        link: Some(Ok(link)),
        ..Default::default()
    }));
    assert_eq!(s.record.unwrap().meta.id, opened.meta.id, "no duplicate");
    assert_eq!(now(store.list()).unwrap().docs.len(), 2);
}

#[test]
fn a_new_tab_opens_the_most_recent_document_and_hears_of_other_tabs_saves() {
    let store = MemoryStore::new("a");
    let a = keeper(&store, "a");
    now(a.create(example("retry"), None, false));
    now(a.create(example("basic"), None, false));
    let b = keeper(&store.tab("b"), "b");
    let s = now(b.start(StartRequest::default()));
    assert_eq!(s.record.unwrap().meta.id, a.current_id());
    let heard = Rc::new(RefCell::new(Vec::new()));
    let _guard = store.tab("b").watch(Rc::new({
        let heard = heard.clone();
        move |c: Change| heard.borrow_mut().push(c)
    }));
    let (edited, h) = delete_lb(&example("basic"));
    now(a.save(&snap(&edited, h), false));
    let change = heard.borrow()[0].clone();
    assert_eq!(b.on_change(&change), Remote::Newer);
    assert_eq!(a.on_change(&change), Remote::Ignore, "not its own write");
    let rec = now(b.reload()).unwrap();
    assert_eq!(rec.diagram, edited, "live update");
    assert!(!b.is_dirty(&snap(&edited, rec.history())));
}

#[test]
fn concurrent_edits_never_overwrite_each_other() {
    let store = MemoryStore::new("a");
    let a = keeper(&store, "a");
    now(a.create(example("basic"), None, false));
    let b = keeper(&store.tab("b"), "b");
    now(b.start(StartRequest::default()));
    // A deletes the balancer; B, not having heard yet, renames the design.
    let (a_doc, a_hist) = delete_lb(&example("basic"));
    assert!(matches!(
        now(a.save(&snap(&a_doc, a_hist), false)),
        Saved::Written { .. }
    ));
    let mut b_doc = example("basic");
    b_doc.name = "B's idea".into();
    let outcome = now(b.save(&snap(&b_doc, History::default()), false));
    let Saved::Forked { id, name } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(name, "B's idea (another tab)");
    assert_eq!(
        open_doc(&store, &a.current_id()).diagram,
        a_doc,
        "A's edit kept"
    );
    assert_eq!(
        open_doc(&store, &id).diagram.nodes,
        b_doc.nodes,
        "B's kept too"
    );
    assert_eq!(b.current_id(), id, "B goes on in its copy");
    // The same design saved by two tabs is adopted, not forked.
    let c = keeper(&store.tab("c"), "c");
    now(c.start(StartRequest {
        tab_doc: Some(a.current_id()),
        ..Default::default()
    }));
    let mut renamed = a_doc.clone();
    renamed.name = "same".into();
    now(a.save(&snap(&renamed, History::default()), false));
    let same = now(c.save(&snap(&renamed, History::default()), false));
    assert!(matches!(same, Saved::Written { .. }), "{same:?}");
    assert_eq!(c.current_id(), a.current_id());
}

#[test]
fn a_full_disk_fails_the_save_out_loud_and_loses_nothing_stored() {
    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("basic"), None, false));
    store.shelf.borrow_mut().quota = Some(10);
    let (edited, h) = delete_lb(&example("basic"));
    let outcome = now(k.save(&snap(&edited, h.clone()), false));
    let Saved::Failed(e) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(e.0.contains("QuotaExceeded"), "{e}");
    assert_eq!(open_doc(&store, &k.current_id()).diagram, example("basic"));
    assert!(k.is_dirty(&snap(&edited, h.clone())), "still to be saved");
    store.shelf.borrow_mut().quota = None;
    assert!(matches!(
        now(k.save(&snap(&edited, h), false)),
        Saved::Written { .. }
    ));
}

#[test]
fn damaged_records_are_quarantined_with_the_reason_and_start_up_goes_on() {
    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("retry"), None, false));
    let good = k.current_id();
    now(k.create(example("basic"), None, false));
    let bad = k.current_id();
    store
        .shelf
        .borrow_mut()
        .docs
        .insert(bad.clone(), "{\"this is not json".into());
    let k2 = keeper(&store, "a");
    let s = now(k2.start(StartRequest {
        tab_doc: Some(bad.clone()),
        ..Default::default()
    }));
    assert_eq!(s.record.unwrap().meta.id, good, "the next design opens");
    assert!(s.notices.iter().any(
        |n| matches!(n, Notice::Quarantined { reason } if reason.contains("not readable JSON"))
    ));
    let kept = now(store.quarantined()).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].raw, "{\"this is not json");
    assert_eq!(kept[0].origin, format!("docs/{bad}"));
    assert!(now(store.list()).unwrap().docs.iter().all(|m| m.id != bad));
    // A record from a newer build is refused, not misread.
    let mut newer = open_doc(&store, &good);
    newer.v = 99;
    assert!(DocRecord::from_json(&newer.to_json())
        .unwrap_err()
        .contains("newer Scaleboard"));
}

#[test]
fn a_closed_tabs_last_edit_is_recovered_from_its_journal() {
    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("basic"), None, false));
    let id = k.current_id();
    let (edited, h) = delete_lb(&example("basic"));
    let mut rec = DocRecord::new(id.clone(), edited.clone(), None, &h, 5.0);
    rec.meta.rev = 2;
    let journal = Journal {
        base_rev: 1,
        record: rec.clone(),
    };
    let text = journal.to_text().unwrap();
    let s = now(keeper(&store, "b").start(StartRequest {
        journals: vec![Journal::from_text(&text).unwrap()],
        ..Default::default()
    }));
    assert_eq!(s.record.unwrap().diagram, edited);
    assert!(s
        .notices
        .iter()
        .any(|n| matches!(n, Notice::Recovered { .. })));
    // A journal whose document moved on meanwhile becomes a copy, not an overwrite.
    let mut other = example("basic");
    other.name = "elsewhere".into();
    let mut stale = rec;
    stale.diagram = other.clone();
    let s = now(keeper(&store, "c").start(StartRequest {
        journals: vec![Journal {
            base_rev: 1,
            record: stale,
        }],
        ..Default::default()
    }));
    assert!(s
        .notices
        .iter()
        .any(|n| matches!(n, Notice::Recovered { name } if name == "elsewhere (recovered)")));
    assert_eq!(open_doc(&store, &id).diagram, edited, "not overwritten");
}

#[test]
fn earlier_autosave_and_named_saves_move_into_the_store() {
    let link = |d: &Diagram| scaleboard_link::encode(&scaleboard_link::Document::new(d.clone()));
    let saves = serde_json::json!([
        {"name": "mine", "link": link(&example("retry")), "saved_at": 5.0},
        {"name": "broken", "link": "1.AAAA", "saved_at": 6.0},
        42
    ])
    .to_string();
    let items = legacy::read(Some(&link(&example("basic"))), Some(&saves), 9.0);
    let store = MemoryStore::new("a");
    let s = now(keeper(&store, "a").start(StartRequest {
        legacy: items,
        ..Default::default()
    }));
    assert!(s.notices.contains(&Notice::Migrated { count: 2 }));
    assert_eq!(
        s.record.unwrap().diagram,
        example("basic"),
        "the autosave is newest"
    );
    let names: Vec<String> = now(store.list())
        .unwrap()
        .docs
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(names.contains(&"mine".to_string()), "{names:?}");
    assert_eq!(
        now(store.quarantined()).unwrap().len(),
        2,
        "the broken save and the junk entry"
    );
}

#[test]
fn history_is_bounded_and_binned_documents_can_be_restored() {
    let mut d = example("basic");
    let mut h = History::default();
    for i in 0..(HISTORY_STEPS + 50) {
        let c = Command::move_nodes(&d, &[("lb".into(), i as f64, 0.0)]);
        assert!(h.exec(&mut d, c));
    }
    let rec = DocRecord::new("x".into(), d, None, &h, 1.0);
    assert_eq!(rec.history().stacks().0.len(), HISTORY_STEPS);

    let store = MemoryStore::new("a");
    let k = keeper(&store, "a");
    now(k.create(example("basic"), None, false));
    let id = k.current_id();
    now(k.set_binned(&id, true)).unwrap();
    assert!(open_doc(&store, &id).meta.deleted_ms.is_some());
    now(k.set_binned(&id, false)).unwrap();
    assert!(open_doc(&store, &id).meta.deleted_ms.is_none());
    let copy = now(k.duplicate(&id, " (copy)")).unwrap();
    assert_eq!(copy.name, format!("{} (copy)", example("basic").name));
    // Thirty days in the bin, then gone at the next start.
    now(k.set_binned(&copy.id, true)).unwrap();
    CLOCK.with(|c| c.set(c.get() + 31.0 * 86_400_000.0));
    now(keeper(&store, "b").start(StartRequest::default()));
    assert_eq!(now(store.open(&copy.id)).unwrap(), Opened::Missing);
}
