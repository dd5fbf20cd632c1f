//! The page's end of the protocol: the app and the frame loop send the document, chaos, speed
//! and questions through an [`EngineLink`], and take in what the engine sends back. The
//! engine runs in a Web Worker (`engine_worker_loader.js`, built by Trunk from
//! `src/bin/engine_worker.rs`); if no worker can start (or the address asks for
//! `?engine=page`, and in native tests) the same engine service runs in the page, behind the
//! same interface and the same encoded messages.
//!
//! A worker that dies mid-run (a panic, whose hook sends [`FromEngine::Crashed`] first, or an
//! uncaught error) is replaced: the link starts a new worker (the page hosts the engine after
//! a few crashes, or if the new worker cannot start), sends it what [`recovery::Memory`] kept
//! (the latest document, its injected failures, the open questions) and tells the app, which
//! says so and pauses: the design is intact and Play runs it again from t = 0.

use crate::protocol::{decode, encode, Answer, Frame, FromEngine, Question, ToEngine};
use recovery::{Host, Memory};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

pub mod recovery;

/// Wall-clock milliseconds per frame the simulation may use when it runs in the page (the
/// rest of the frame is for drawing and Yew).
pub const PAGE_BUDGET_MS: f64 = 7.0;
/// Most wall-clock milliseconds the worker spends on one advance before it answers (the page
/// keeps at most two advances in flight, so the worker never falls behind on its inbox).
const WORKER_BUDGET_MS: f64 = 40.0;

/// Where messages go.
enum Transport {
    /// The engine service runs in the page.
    Page(Box<crate::worker::EngineService>),
    /// The engine runs in a Web Worker; messages wait in `queue` until it says it is ready.
    #[cfg(target_arch = "wasm32")]
    Worker(web::WorkerEnd),
}

/// Who asked a question: gets its answer.
type AnswerTo = Box<dyn FnOnce(Answer)>;

/// What the worker's callbacks share with the link.
#[derive(Default)]
struct Shared {
    inbox: RefCell<VecDeque<FromEngine>>,
    /// The worker failed to start: the page hosts the engine instead.
    failed: Cell<bool>,
    /// The engine died, saying this: a new one takes over.
    crashed: RefCell<Option<String>>,
}

/// Told when the engine died and a new one took over: what the old one said.
type OnCrash = Box<dyn Fn(&str)>;

pub struct EngineLink {
    transport: RefCell<Transport>,
    shared: Rc<Shared>,
    /// Replies still due, in the order they will come: `true` for an `Advance`.
    due: RefCell<VecDeque<bool>>,
    /// Messages sent since the start (replayed in the page if the worker fails to start).
    unanswered: RefCell<Vec<ToEngine>>,
    answers: RefCell<BTreeMap<u32, AnswerTo>>,
    next_id: Cell<u32>,
    /// What a new engine is sent if this one dies.
    memory: RefCell<Memory>,
    on_crash: RefCell<Option<OnCrash>>,
}

impl EngineLink {
    /// The engine in the page.
    pub fn in_page() -> EngineLink {
        EngineLink::with(Transport::Page(Box::default()), Rc::default())
    }

    /// The engine in a Web Worker if the browser can start one (and the address does not ask
    /// for `?engine=page`), else in the page.
    pub fn start() -> EngineLink {
        #[cfg(target_arch = "wasm32")]
        if !web::page_requested() {
            let shared = Rc::new(Shared::default());
            if let Some(end) = web::WorkerEnd::start(shared.clone()) {
                return EngineLink::with(Transport::Worker(end), shared);
            }
        }
        EngineLink::in_page()
    }

    fn with(transport: Transport, shared: Rc<Shared>) -> EngineLink {
        EngineLink {
            transport: RefCell::new(transport),
            shared,
            due: RefCell::default(),
            unanswered: RefCell::default(),
            answers: RefCell::default(),
            next_id: Cell::new(1),
            memory: RefCell::default(),
            on_crash: RefCell::default(),
        }
    }

    /// `then` hears of every crash of the engine, once a new one has taken over.
    pub fn on_crash(&self, then: impl Fn(&str) + 'static) {
        *self.on_crash.borrow_mut() = Some(Box::new(then));
    }

    /// How many times the engine has died in this page.
    pub fn crashes(&self) -> u32 {
        self.memory.borrow().crashes()
    }

    /// Whether the engine runs in a worker (else in the page).
    pub fn in_worker(&self) -> bool {
        !matches!(*self.transport.borrow(), Transport::Page(_))
    }

    pub fn send(&self, message: ToEngine) {
        self.memory.borrow_mut().sent(&message);
        self.due
            .borrow_mut()
            .push_back(matches!(message, ToEngine::Advance { .. }));
        match &mut *self.transport.borrow_mut() {
            Transport::Page(service) => {
                // The same bytes as to a worker: the page host runs the protocol too.
                let reply = decode::<ToEngine>(&encode(&message))
                    .map(|m| service.handle(m, &mut now_ms))
                    .and_then(|r| decode::<FromEngine>(&encode(&r)));
                if let Some(r) = reply {
                    self.shared.inbox.borrow_mut().push_back(r);
                }
            }
            #[cfg(target_arch = "wasm32")]
            Transport::Worker(end) => {
                if !end.is_ready() {
                    self.unanswered.borrow_mut().push(message.clone());
                }
                end.post(encode(&message));
            }
        }
    }

    /// Enough `Advance`s are on their way: the next one waits for an answer. A worker gets
    /// the next one before it has answered the last, so that it never idles waiting for the
    /// page's next frame; the page host answers at once.
    pub fn advancing(&self) -> bool {
        let in_flight = self.due.borrow().iter().filter(|&&a| a).count();
        in_flight >= if self.in_worker() { 2 } else { 1 }
    }

    /// Wall-clock milliseconds the engine may spend to advance `wall_ms` of real time.
    pub fn budget_ms(&self, wall_ms: f64) -> f64 {
        if self.in_worker() {
            // Nearly all of it: the worker shares its thread with nothing.
            (0.9 * wall_ms).clamp(4.0, WORKER_BUDGET_MS)
        } else {
            PAGE_BUDGET_MS
        }
    }

    /// Asks the engine; `then` gets the answer when it arrives (at a later [`EngineLink::pump`]).
    pub fn ask(&self, question: Question, then: impl FnOnce(Answer) + 'static) {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        self.answers.borrow_mut().insert(id, Box::new(then));
        self.send(ToEngine::Ask { id, question });
    }

    /// Takes in what the engine sent: frames go to `on_frame` (with whether they answer an
    /// `Advance`, else a command: a reset, an edit, chaos, a step), answers to whoever asked.
    pub fn pump(&self, on_frame: &mut dyn FnMut(Frame, bool)) {
        self.fall_back_if_the_worker_failed();
        self.recover_if_the_engine_crashed();
        loop {
            let Some(message) = self.shared.inbox.borrow_mut().pop_front() else {
                break;
            };
            match message {
                // The worker listens: what it was sent will be answered there.
                FromEngine::Ready => self.unanswered.borrow_mut().clear(),
                FromEngine::Frame(f) => {
                    let advance = self.due.borrow_mut().pop_front().unwrap_or(false);
                    on_frame(*f, advance);
                }
                FromEngine::Answer { id, answer } => {
                    self.due.borrow_mut().pop_front();
                    self.memory.borrow_mut().answered(id);
                    let then = self.answers.borrow_mut().remove(&id);
                    if let Some(then) = then {
                        then(answer);
                    }
                }
                // (Taken in by the worker's end, which marks the crash.)
                FromEngine::Crashed { message } => {
                    *self.shared.crashed.borrow_mut() = Some(message);
                    return self.pump(on_frame);
                }
            }
        }
    }

    /// A new Web Worker, if one can start (never in native tests).
    fn new_worker(&self) -> Option<Transport> {
        #[cfg(target_arch = "wasm32")]
        return web::WorkerEnd::start(self.shared.clone()).map(Transport::Worker);
        #[cfg(not(target_arch = "wasm32"))]
        None
    }

    /// The engine died (see the module notes): a new one takes over with the design.
    fn recover_if_the_engine_crashed(&self) {
        let Some(message) = self.shared.crashed.borrow_mut().take() else {
            return;
        };
        let plan = self.memory.borrow_mut().after_crash();
        let next = (plan.host == Host::Worker)
            .then(|| self.new_worker())
            .flatten()
            .unwrap_or_else(|| Transport::Page(Box::default()));
        // Dropping the old end terminates its worker; what it sent is of a run that is gone.
        *self.transport.borrow_mut() = next;
        self.shared.inbox.borrow_mut().clear();
        self.shared.failed.set(false);
        self.due.borrow_mut().clear();
        self.unanswered.borrow_mut().clear();
        for m in plan.resend {
            self.send(m);
        }
        if let Some(then) = &*self.on_crash.borrow() {
            then(&message);
        }
    }

    /// A worker that could not start leaves the engine to the page, which replays what the
    /// worker never answered.
    fn fall_back_if_the_worker_failed(&self) {
        if !self.shared.failed.get() || !self.in_worker() {
            return;
        }
        *self.transport.borrow_mut() = Transport::Page(Box::default());
        self.due.borrow_mut().clear();
        for m in std::mem::take(&mut *self.unanswered.borrow_mut()) {
            self.send(m);
        }
    }
}

/// Wall-clock milliseconds, for the page host's pacing.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    }
}

#[cfg(target_arch = "wasm32")]
mod test_hook;
#[cfg(target_arch = "wasm32")]
pub use test_hook::expose_to_tests;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::LiveView;

    fn doc(name: &str) -> String {
        let text = match name {
            "basic" => include_str!("../examples/basic.json"),
            _ => include_str!("../examples/health-checks.json"),
        };
        let d = scaleboard_sim::Diagram::from_json(text).unwrap();
        serde_json::to_string(&d).unwrap()
    }

    #[test]
    fn the_page_host_answers_commands_frames_and_questions_in_order() {
        let link = EngineLink::in_page();
        assert!(!link.in_worker());
        link.send(ToEngine::Reset {
            diagram: doc("basic"),
            seek_s: None,
        });
        link.send(ToEngine::Step { secs: 3.0 });
        let got = Rc::new(RefCell::new(None));
        let g = got.clone();
        link.ask(Question::ReportJson, move |a| *g.borrow_mut() = Some(a));
        let mut live = LiveView::default();
        let mut frames = 0;
        link.pump(&mut |mut f, advance| {
            assert!(!advance);
            frames += 1;
            assert!(live.merge(&mut f), "commands bring the figures");
        });
        assert_eq!(frames, 2);
        assert!(!link.advancing());
        let stats = live.snapshot();
        assert!((stats.time_s - 3.0).abs() < 1e-9);
        assert_eq!(
            stats.series.len(),
            3,
            "one chart sample per simulated second"
        );
        let Some(Answer::Text(report)) = got.borrow_mut().take() else {
            panic!("the report came back");
        };
        assert!(report.contains("\"time_s\":3.0"), "{report}");
    }

    /// An engine that dies mid-run (here the page host, marked crashed as a worker's end
    /// marks it) is replaced: the app hears what it said, the new engine runs the edited
    /// design from t = 0 with its injected failure, a question left open is answered, and the
    /// run goes on when asked.
    #[test]
    fn a_crashed_engine_is_replaced_with_the_design_and_the_run_goes_on() {
        let link = EngineLink::in_page();
        let heard = Rc::new(RefCell::new(Vec::<String>::new()));
        let h = heard.clone();
        link.on_crash(move |m| h.borrow_mut().push(m.to_owned()));
        link.send(ToEngine::Reset {
            diagram: doc("basic"),
            seek_s: None,
        });
        // The learner edits the design (a health-check example: other nodes) and kills a node.
        link.send(ToEngine::Sync {
            diagram: doc("health-checks"),
        });
        let injected = vec![scaleboard_sim::diagram::ChaosAction::Kill {
            node: "api".into(),
            instance: None,
        }];
        link.send(ToEngine::Injections(injected));
        link.send(ToEngine::Step { secs: 2.0 });
        let mut live = LiveView::default();
        link.pump(&mut |mut f, _| {
            live.merge(&mut f);
        });
        assert!((live.snapshot().time_s - 2.0).abs() < 1e-9);
        // A question the dying engine never answered.
        let got = Rc::new(RefCell::new(None));
        let g = got.clone();
        link.ask(Question::ReportJson, move |a| *g.borrow_mut() = Some(a));
        link.shared.inbox.borrow_mut().clear();
        *link.shared.crashed.borrow_mut() = Some("boom".into());

        link.pump(&mut |mut f, _| {
            live.merge(&mut f);
        });
        assert_eq!(*heard.borrow(), ["boom"]);
        assert_eq!(link.crashes(), 1);
        let now = live.snapshot();
        assert!(now.ready, "the new engine runs the design");
        assert_eq!(now.time_s, 0.0, "from t = 0");
        let mut ids: Vec<_> = now.nodes.keys().cloned().collect();
        ids.sort();
        let d: scaleboard_sim::Diagram = serde_json::from_str(&doc("health-checks")).unwrap();
        let mut want: Vec<_> = d.nodes.iter().map(|n| n.id.clone()).collect();
        want.sort();
        assert_eq!(ids, want, "the edited design, not the first one");
        assert!(!now.nodes["api"].up, "the injected failure holds");
        let Some(Answer::Text(report)) = got.borrow_mut().take() else {
            panic!("the open question was answered by the new engine");
        };
        assert!(report.contains("\"time_s\":0.0"), "{report}");
        // Play again: the run advances.
        link.send(ToEngine::Step { secs: 1.0 });
        link.pump(&mut |mut f, _| {
            live.merge(&mut f);
        });
        assert!((live.snapshot().time_s - 1.0).abs() < 1e-9);
        assert_eq!(heard.borrow().len(), 1, "one crash, told once");
    }
}
