//! `window.scaleboardEngine`: the engine link as end-to-end tests reach it.

use super::{web, EngineLink};
use crate::protocol::{Answer, Question, ToEngine};
use std::rc::Rc;

/// `window.scaleboardEngine`, for end-to-end tests: `host()` says where the engine runs
/// ("worker" or "page"); `report()` resolves to the live run's report (compact JSON, "" before
/// any run); `runReport(json, duration_s, warmup_s)` to a separate run of a file, as the CLI's
/// `run --compact` prints it — both computed by the engine wherever it runs; `step(secs)` runs
/// the live run on by `secs` simulated seconds, like that many presses of Step. With
/// `?engine-crash-test` in the address, `crash()` makes the worker panic and `crashes()` counts
/// the engines replaced since the page opened.
pub fn expose_to_tests(link: &Rc<EngineLink>) {
    use wasm_bindgen::prelude::*;
    fn ask(link: &EngineLink, question: Question) -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, _reject| {
            link.ask(question.clone(), move |answer| {
                let text = match answer {
                    Answer::Text(t) => t,
                    Answer::NoRun => String::new(),
                };
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&text));
            });
        })
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let hook = js_sys::Object::new();
    let l = link.clone();
    let host = Closure::<dyn Fn() -> String>::new(move || {
        if l.in_worker() { "worker" } else { "page" }.to_owned()
    });
    let l = link.clone();
    let report = Closure::<dyn Fn() -> js_sys::Promise>::new(move || ask(&l, Question::ReportJson));
    let l = link.clone();
    let run_report = Closure::<dyn Fn(String, f64, f64) -> js_sys::Promise>::new(
        move |diagram: String, duration_s: f64, warmup_s: f64| {
            ask(
                &l,
                Question::RunReport {
                    diagram,
                    duration_s,
                    warmup_s,
                },
            )
        },
    );
    let l = link.clone();
    let step = Closure::<dyn Fn(f64)>::new(move |secs: f64| l.send(ToEngine::Step { secs }));
    if web::crash_test_requested() {
        // `?engine-crash-test`: `crash()` makes the worker panic (a page host would take the
        // page down with it, so it is never sent there); `crashes()` counts the recoveries.
        let l = link.clone();
        let crash = Closure::<dyn Fn()>::new(move || {
            if l.in_worker() {
                l.send(ToEngine::CrashForTest);
            }
        });
        let l = link.clone();
        let crashes = Closure::<dyn Fn() -> u32>::new(move || l.crashes());
        let _ = js_sys::Reflect::set(&hook, &"crash".into(), crash.as_ref());
        let _ = js_sys::Reflect::set(&hook, &"crashes".into(), crashes.as_ref());
        crash.forget();
        crashes.forget();
    }
    let _ = js_sys::Reflect::set(&hook, &"step".into(), step.as_ref());
    step.forget();
    let _ = js_sys::Reflect::set(&hook, &"host".into(), host.as_ref());
    let _ = js_sys::Reflect::set(&hook, &"report".into(), report.as_ref());
    let _ = js_sys::Reflect::set(&hook, &"runReport".into(), run_report.as_ref());
    let _ = js_sys::Reflect::set(&window, &"scaleboardEngine".into(), &hook);
    // They live as long as the page.
    host.forget();
    report.forget();
    run_report.forget();
}
