//! The design as the whole-diagram analysis sees it (`editor::settle`): the current one on a
//! small design or a newly opened one, on a big one the last edit after the edits pause.

use crate::editor::layout::SameRc;
use crate::editor::settle::{quiet_ms, Settle};
use scaleboard_sim::Diagram;
use std::rc::Rc;
use yew::prelude::*;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// `doc` as the analysis should see it now; `doc_id` names the document (another document is
/// analysed at once).
#[hook]
pub fn use_settled(doc: &Rc<Diagram>, doc_id: &str) -> Rc<Diagram> {
    let settled = use_mut_ref(|| (doc.clone(), doc_id.to_owned()));
    let settle = use_mut_ref(Settle::default);
    let rerender = use_force_update();
    let quiet = quiet_ms(doc.nodes.len());
    {
        let mut s = settled.borrow_mut();
        if !Rc::ptr_eq(&s.0, doc) && (quiet == 0.0 || s.1 != doc_id) {
            *s = (doc.clone(), doc_id.to_owned());
        }
    }
    {
        let settled = settled.clone();
        use_effect_with(SameRc(doc.clone()), move |d| {
            let waiting = !Rc::ptr_eq(&settled.borrow().0, &d.0);
            let timer = waiting.then(|| {
                let wait = settle.borrow_mut().edited(now_ms(), quiet);
                let d = d.0.clone();
                // A newer edit drops this timer (the effect's cleanup) and starts its own.
                gloo_timers::callback::Timeout::new(wait.ceil() as u32 + 1, move || {
                    if settle.borrow_mut().due(now_ms()) {
                        settled.borrow_mut().0 = d;
                        rerender.force_update();
                    }
                })
            });
            move || drop(timer)
        });
    }
    let analysed = settled.borrow().0.clone();
    analysed
}
