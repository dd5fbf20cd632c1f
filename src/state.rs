//! Application state: one `State`, changed only through `Action`s by a reducer, so every change
//! is explicit and testable without a browser. Document changes go through editor commands and
//! the undo history; everything else (selection, view, play state, theme, language) is UI state.

use crate::editor::geometry::{snap, Point, NODE_H, NODE_W};
use crate::editor::naming::fresh_id;
use crate::editor::{Command, History, View};
use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::diagram::{
    ChaosAction, ChaosEvent, Edge, Location, Node, NodeSpec, Severity, Slo, Workload,
};
use scaleboard_sim::{ComponentKind, Diagram};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;
use yew::Reducible;

/// Simulation speeds offered by the toolbar, as multiples of real time.
pub const SPEEDS: [f64; 9] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 100.0];
const REAL_TIME: usize = 3;
/// Event-log entries kept.
pub const LOG_LIMIT: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
}

/// What is selected on the canvas.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub nodes: BTreeSet<String>,
    /// Edge names (`Edge::name()`).
    pub edges: BTreeSet<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    pub fn node(id: &str) -> Selection {
        Selection {
            nodes: BTreeSet::from([id.to_owned()]),
            edges: BTreeSet::new(),
        }
    }

    pub fn edge(name: &str) -> Selection {
        Selection {
            nodes: BTreeSet::new(),
            edges: BTreeSet::from([name.to_owned()]),
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len() + self.edges.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub text: String,
    pub kind: ToastKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    Edit,
    Chaos,
    /// Something going wrong in the run (requests failing, a backend dying).
    Sim,
    /// The system acting on its own to recover or adapt (health checks, failover, autoscaling).
    System,
    Problem,
}

/// One line of the event log, stamped with simulated time.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub at_s: f64,
    pub kind: LogKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BottomTab {
    #[default]
    Charts,
    Log,
    Problems,
    Resilience,
    /// One sampled distributed transaction as a sequence diagram.
    Transactions,
}

/// A modal dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    Share,
    File,
    Lessons,
    /// The QR code of the current lesson step's link.
    Qr,
    /// Record the run as a GIF or a video.
    Record,
}

/// A learner's answer to a step's prediction.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Choice(usize),
    Number(f64),
}

/// The lesson being worked through, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonState {
    pub id: String,
    /// The step shown (from 0).
    pub step: usize,
    pub steps: usize,
    /// The step asks for a prediction before its run.
    pub asks: bool,
    pub answer: Option<Answer>,
    /// The answer is locked in: the run may start.
    pub locked: bool,
    /// The measured value is shown beside the answer.
    pub revealed: bool,
    /// Hints shown so far.
    pub hints: usize,
    /// Presenter mode: large type, side panels hidden, keyboard control.
    pub presenter: bool,
}

/// A right-click menu on a node.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextMenu {
    pub node: String,
    /// Screen position (CSS px, page coordinates).
    pub x: f64,
    pub y: f64,
}

/// Copied components, with edges among them.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub doc: Rc<Diagram>,
    pub history: History,
    pub selection: Selection,
    pub view: View,
    pub running: bool,
    pub speed_index: usize,
    pub theme: Theme,
    pub lang: Lang,
    /// Failures injected from the canvas since the run began, in order (run-time state, not
    /// part of the document): kills and revives — of a node, or "id#k" as one instance or
    /// member — slow-downs, error rates, partitions, zone outages. Replayed into the engine in
    /// order, so killing what the chaos timeline revived always does what the learner asked.
    /// Whether a node is down now is the engine's answer, in the stats.
    pub injections: Rc<Vec<ChaosAction>>,
    pub clipboard: Option<Clip>,
    pub toast: Option<Toast>,
    pub log: VecDeque<LogEntry>,
    pub panel_open: bool,
    pub tab: BottomTab,
    pub menu: Option<ContextMenu>,
    /// Bumped on every document change.
    pub doc_rev: u64,
    /// Bumped when the simulation must restart from t = 0 (reset, new document).
    pub sim_epoch: u64,
    /// Bumped by the Step button: advance one simulated second while paused.
    pub step_rev: u64,
    /// Bumped to ask the canvas to fit the diagram to the screen.
    pub fit_rev: u64,
    /// The view the last Fit produced (None once the user pans or zooms away from it).
    pub fitted_view: Option<View>,
    /// A simulated time to fast-forward to after the next restart (a link's playhead).
    pub seek_to: Option<f64>,
    pub dialog: Option<Dialog>,
    /// The user changed the design since it was opened (an untouched example may be replaced).
    pub edited: bool,
    /// Where the design is kept and how its saving goes.
    pub keeping: Keeping,
    pub lesson: Option<LessonState>,
    /// A step of the open lesson to show, asked for by the keyboard or the panel (the app
    /// loads its diagram), with a counter so that asking twice is seen twice.
    pub lesson_go: Option<(usize, u64)>,
    /// Lesson steps' designs on their way from the document store (several when "next" is
    /// pressed quickly): Play pressed meanwhile (a presenter's clicker right after "next")
    /// carries over to them instead of being undone by their arrival.
    pub step_docs_pending: u32,
    /// A connection started from the keyboard: the target is picked from a list.
    pub connect_from: Option<String>,
    /// The last sentence for screen readers, with a counter (the same words twice are two
    /// announcements).
    pub announcement: (u64, String),
    /// Two variants of a design shown side by side (the compare view), over the editor.
    pub compare: Option<Rc<scaleboard_sim::compare::Comparison>>,
    next_toast: u64,
}

/// How saving goes, shown in the header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SaveState {
    #[default]
    Saved,
    Saving,
    Failed,
}

impl SaveState {
    pub fn name(self) -> &'static str {
        match self {
            SaveState::Saved => "saved",
            SaveState::Saving => "saving",
            SaveState::Failed => "failed",
        }
    }
}

/// The document store as the views see it (they never touch storage themselves).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keeping {
    /// Start-up is done: the document shown is the one the store chose.
    pub ready: bool,
    pub save: SaveState,
    /// Why the last save failed, while it keeps failing.
    pub failure: Option<String>,
    /// The id of the open document.
    pub doc_id: String,
    /// Every stored document, newest first (binned ones included).
    pub docs: Rc<Vec<crate::store::DocMeta>>,
    /// Damaged data kept aside.
    pub damaged: Rc<Vec<crate::store::Damaged>>,
    /// A file being read and checked (its name), for the progress indicator.
    pub importing: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        State::with_doc(Diagram::default())
    }
}

impl State {
    pub fn with_doc(doc: Diagram) -> State {
        State {
            doc: Rc::new(doc),
            history: History::default(),
            selection: Selection::default(),
            view: View::default(),
            running: false,
            speed_index: REAL_TIME,
            theme: Theme::Dark,
            lang: Lang::En,
            injections: Rc::new(Vec::new()),
            clipboard: None,
            toast: None,
            log: VecDeque::new(),
            panel_open: true,
            tab: BottomTab::Charts,
            menu: None,
            doc_rev: 0,
            sim_epoch: 0,
            step_rev: 0,
            fit_rev: 0,
            fitted_view: None,
            seek_to: None,
            dialog: None,
            edited: false,
            keeping: Keeping::default(),
            lesson: None,
            lesson_go: None,
            step_docs_pending: 0,
            connect_from: None,
            announcement: (0, String::new()),
            compare: None,
            next_toast: 0,
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index]
    }

    /// Errors that stop the diagram from running (warnings excluded).
    pub fn errors(&self) -> Vec<scaleboard_sim::Problem> {
        self.doc.errors()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Place a new component of `kind` with its centre at world point (x, y) (a drop).
    AddNode {
        kind: ComponentKind,
        x: f64,
        y: f64,
    },
    /// Place a new component near world point (x, y), on the nearest spot no card covers (a
    /// click or a key on the palette: "in the middle", however often it is pressed).
    AddNodeNear {
        kind: ComponentKind,
        x: f64,
        y: f64,
    },
    /// Move nodes to new top-left positions (one undo step).
    MoveNodes(Vec<(String, f64, f64)>),
    /// The keyboard moves node `id` (selecting it if it is not) with the rest of the selection.
    Nudge {
        id: String,
        dx: f64,
        dy: f64,
    },
    /// Start a connection from `id`: the user picks the target from a list.
    StartConnect(String),
    CancelConnect,
    /// Draw an edge; refused with an explanation if the result would be invalid.
    Connect {
        from: String,
        to: String,
    },
    UpdateNode(Node),
    UpdateEdge {
        name: String,
        edge: Edge,
    },
    SetWorkload(Workload),
    /// Changes the workload while a slider is dragged, without an undo step.
    PreviewWorkload(Workload),
    /// The slider was released: one undo step from `before` to the current workload.
    CommitWorkload {
        before: Workload,
    },
    SetSeed(u64),
    SetName(String),
    /// Replace the chaos timeline (one undo step).
    SetChaos(Vec<ChaosEvent>),
    SetSlo(Slo),
    /// A new region frame (then Fit, so the learner sees where it went).
    AddRegion,
    RemoveRegion(String),
    /// A region's frame dragged by its heading, members and all.
    MoveRegion {
        id: String,
        dx: f64,
        dy: f64,
    },
    RelabelRegion {
        id: String,
        label: String,
    },
    /// A region's frame resized by its corner handle (never smaller than its members need).
    ResizeRegion {
        id: String,
        w: f64,
        h: f64,
    },
    /// The round trip between two regions (`None`: the default table's).
    SetRegionRtt {
        a: String,
        b: String,
        rtt_ms: Option<f64>,
    },
    DeleteSelection,
    Duplicate,
    Copy,
    /// Paste the clipboard, centred at a world point if given.
    Paste(Option<Point>),
    Undo,
    Redo,
    Select(Selection),
    /// Shift-click: add or remove one item.
    ToggleSelect(Selection),
    SelectAll,
    SetView(View),
    /// The view Fit computed: also remembered, so the view can stay fitted (below).
    SetFittedView(View),
    /// Something over or around the canvas changed size (the KPI strip wrapped, the bottom
    /// panel grew): fit again, unless the user has moved the view since the last Fit.
    KeepFitted,
    Fit,
    TogglePlay,
    SetSpeed(usize),
    Step,
    Reset,
    /// Kill (`down = true`) or revive a node or one instance ("id#k"), at simulated time `at_s`.
    SetDown {
        id: String,
        down: bool,
        at_s: f64,
    },
    /// Any other failure injected from the canvas now (slow down, errors, a partition, a zone).
    Inject {
        action: ChaosAction,
        at_s: f64,
    },
    /// A stored document is now the open one: its design, view, undo history and id.
    Opened {
        id: String,
        doc: Diagram,
        view: Option<View>,
        history: History,
        edited: bool,
        title: String,
        playhead: Option<f64>,
    },
    /// Another tab saved a newer revision of the open document (which had no unsaved change
    /// here): take it, keeping this tab's view and run.
    Remote {
        doc: Diagram,
        history: History,
    },
    /// Start-up is done.
    Ready,
    SaveState {
        save: SaveState,
        failure: Option<String>,
    },
    /// The open document continues under another id (saved as a copy).
    SetDocId(String),
    DocList {
        docs: Vec<crate::store::DocMeta>,
        damaged: Vec<crate::store::Damaged>,
    },
    Importing(Option<String>),
    /// Show two variants side by side (the editor's run pauses: one run at a time).
    OpenCompare(Rc<scaleboard_sim::compare::Comparison>),
    CloseCompare,
    /// A lesson step is now shown (its diagram arrives as a document of its own).
    LessonOpened {
        id: String,
        step: usize,
        steps: usize,
        asks: bool,
    },
    LessonAnswer(Answer),
    /// Lock the answer in (the run may start).
    LessonLock,
    LessonReveal,
    LessonHint,
    Presenter(bool),
    CloseLesson,
    /// Re-simulate from the start to simulated second `t` and pause there (the scrubber).
    Seek(f64),
    /// Show step `i` of the open lesson.
    LessonGo(usize),
    /// A step's earlier answer, from the learner's saved progress.
    LessonRestore {
        answer: Answer,
        revealed: bool,
    },
    /// A presenter's key: next or previous step.
    PresenterStep(bool),
    /// Open a whole new document (an example, an import, a link), with the view to show (fit
    /// when `None`) and a simulated time to fast-forward to.
    Load {
        doc: Diagram,
        title: String,
        view: Option<View>,
        playhead: Option<f64>,
    },
    OpenDialog(Dialog),
    CloseDialog,
    /// The Escape key: closes what is open, else clears the selection.
    Escape,
    SetTheme(Theme),
    SetLang(Lang),
    Toast {
        text: String,
        kind: ToastKind,
    },
    DismissToast(u64),
    Log(LogEntry),
    /// Say something to screen-reader users (the polite live region), without a log line.
    Announce(String),
    OpenMenu(ContextMenu),
    CloseMenu,
    TogglePanel,
    SetTab(BottomTab),
}

/// The nearest spot to (x, y) (top-left) where a new card overlaps none: a component added from
/// the keyboard, always "in the middle", must not hide the previous one.
fn free_spot(d: &Diagram, x: f64, y: f64) -> (f64, f64) {
    let clear = |cx: f64, cy: f64| {
        d.nodes
            .iter()
            .all(|n| (n.x - cx).abs() >= NODE_W + 20.0 || (n.y - cy).abs() >= NODE_H + 20.0)
    };
    let (dx, dy) = (NODE_W + 40.0, NODE_H + 40.0);
    // Requests flow left to right: first along the same row to the right…
    for i in 0..6 {
        let cx = x + f64::from(i) * dx;
        if clear(cx, y) {
            return (cx, y);
        }
    }
    // …then the nearest free spot around.
    for ring in 1..12i32 {
        // Right first, then below, above, and left last.
        let mut spots: Vec<(i32, i32)> = (-ring..=ring)
            .flat_map(|j| (-ring..=ring).map(move |i| (i, j)))
            .filter(|(i, j)| i.abs().max(j.abs()) == ring)
            .collect();
        spots.sort_by_key(|&(i, j)| (i < 0, j.abs(), j < 0, -i));
        for (i, j) in spots {
            let (cx, cy) = (x + f64::from(i) * dx, y + f64::from(j) * dy);
            if clear(cx, cy) {
                return (cx, cy);
            }
        }
    }
    (x, y)
}

#[cfg(test)]
mod free_spot_tests {
    use super::*;

    #[test]
    fn components_added_in_the_middle_line_up_to_the_right_without_overlapping() {
        let mut s = State::default();
        for kind in [
            ComponentKind::Client,
            ComponentKind::LoadBalancer,
            ComponentKind::Server,
        ] {
            s.apply(Action::AddNodeNear {
                kind,
                x: 500.0,
                y: 300.0,
            });
        }
        let n = &s.doc.nodes;
        assert_eq!(n.len(), 3);
        assert!(n[0].x < n[1].x && n[1].x < n[2].x, "left to right");
        assert_eq!((n[0].y, n[1].y), (n[1].y, n[2].y), "one row");
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl State {
    /// Applies an action in place (the reducer, usable from tests without `Rc`).
    pub fn apply(&mut self, action: Action) {
        let lang = self.lang;
        match action {
            Action::AddNode { kind, x, y } => self.add_node(kind, x, y, false),
            Action::AddNodeNear { kind, x, y } => self.add_node(kind, x, y, true),
            Action::MoveNodes(moves) => {
                let c = Command::move_nodes(&self.doc, &moves);
                self.exec(c);
            }
            Action::Nudge { id, dx, dy } => {
                if !self.selection.nodes.contains(&id) {
                    self.selection = Selection::node(&id);
                }
                let moves: Vec<(String, f64, f64)> = self
                    .doc
                    .nodes
                    .iter()
                    .filter(|n| self.selection.nodes.contains(&n.id))
                    .map(|n| (n.id.clone(), snap(n.x + dx), snap(n.y + dy)))
                    .collect();
                let c = Command::move_nodes(&self.doc, &moves);
                self.exec(c);
            }
            Action::StartConnect(id) => {
                self.connect_from = Some(id);
                self.menu = None;
            }
            Action::CancelConnect => self.connect_from = None,
            Action::Connect { from, to } => {
                self.connect_from = None;
                self.connect(from, to)
            }
            Action::UpdateNode(node) => {
                if let Some(c) = Command::set_node(&self.doc, node) {
                    self.exec(c);
                }
            }
            Action::UpdateEdge { name, edge } => {
                let new_name = edge.name();
                if let Some(c) = Command::set_edge(&self.doc, &name, edge) {
                    if self.exec(c) && self.selection.edges.remove(&name) {
                        self.selection.edges.insert(new_name);
                    }
                }
            }
            Action::SetWorkload(w) => {
                let c = Command::set_workload(&self.doc, w);
                self.exec(c);
            }
            Action::PreviewWorkload(w) => {
                let mut d = (*self.doc).clone();
                d.workload = w;
                self.doc = Rc::new(d);
                self.doc_rev += 1;
                self.edited = true;
            }
            Action::CommitWorkload { before } => {
                let after = self.doc.workload.clone();
                self.history.record(Command::SetWorkload { before, after });
            }
            Action::SetSeed(seed) => {
                let c = Command::SetSeed {
                    before: self.doc.seed,
                    after: seed,
                };
                if self.exec(c) {
                    // A new seed means a new run.
                    self.sim_epoch += 1;
                }
            }
            Action::SetChaos(list) => {
                let c = Command::set_chaos(&self.doc, list);
                self.exec(c);
            }
            Action::SetSlo(slo) => {
                let c = Command::set_slo(&self.doc, slo);
                self.exec(c);
            }
            Action::AddRegion => {
                let (c, _) = Command::add_region(&self.doc, |n| {
                    format!("{} {n}", crate::i18n::tr(lang, "Region"))
                });
                if self.exec(c) {
                    self.fit_rev += 1;
                }
            }
            Action::MoveRegion { id, dx, dy } => {
                let c = Command::move_region(&self.doc, &id, dx, dy);
                self.exec(c);
            }
            Action::RemoveRegion(id) => {
                let c = Command::remove_region(&self.doc, &id);
                self.exec(c);
            }
            Action::ResizeRegion { id, w, h } => {
                let c = Command::resize_region(&self.doc, &id, w, h);
                self.exec(c);
            }
            Action::RelabelRegion { id, label } => {
                let c = Command::relabel_region(&self.doc, &id, label);
                self.exec(c);
            }
            Action::SetRegionRtt { a, b, rtt_ms } => {
                let c = Command::set_region_rtt(&self.doc, &a, &b, rtt_ms);
                self.exec(c);
            }
            Action::SetName(name) => {
                let mut d = (*self.doc).clone();
                d.name = name;
                // The name is metadata: not worth an undo step.
                self.doc = Rc::new(d);
                self.doc_rev += 1;
                self.edited = true;
            }
            Action::DeleteSelection => {
                if self.selection.is_empty() {
                    return;
                }
                let c = Command::remove(&self.doc, &self.selection.nodes, &self.selection.edges);
                if self.exec(c) {
                    self.selection = Selection::default();
                }
            }
            Action::Copy => {
                if let Some(clip) = self.copy_selection() {
                    self.clipboard = Some(clip);
                }
            }
            Action::Duplicate => {
                if let Some(clip) = self.copy_selection() {
                    self.paste(&clip, None);
                }
            }
            Action::Paste(at) => {
                if let Some(clip) = self.clipboard.clone() {
                    self.paste(&clip, at);
                }
            }
            Action::Undo => {
                let mut d = (*self.doc).clone();
                if self.history.undo(&mut d) {
                    self.set_doc(d);
                    self.edited = true;
                }
            }
            Action::Redo => {
                let mut d = (*self.doc).clone();
                if self.history.redo(&mut d) {
                    self.set_doc(d);
                    self.edited = true;
                }
            }
            Action::Select(sel) => {
                self.selection = sel;
                self.menu = None;
                // The user has started working on the view: it no longer follows Fit.
                self.fitted_view = None;
            }
            Action::ToggleSelect(sel) => {
                for n in sel.nodes {
                    if !self.selection.nodes.remove(&n) {
                        self.selection.nodes.insert(n);
                    }
                }
                for e in sel.edges {
                    if !self.selection.edges.remove(&e) {
                        self.selection.edges.insert(e);
                    }
                }
            }
            Action::SelectAll => {
                self.selection = Selection {
                    nodes: self.doc.nodes.iter().map(|n| n.id.clone()).collect(),
                    edges: self.doc.edges.iter().map(Edge::name).collect(),
                };
            }
            Action::SetView(v) => self.view = v,
            Action::SetFittedView(v) => {
                self.view = v;
                self.fitted_view = Some(v);
            }
            Action::KeepFitted => {
                if self.fitted_view == Some(self.view) {
                    self.fit_rev += 1;
                }
            }
            Action::Fit => self.fit_rev += 1,
            Action::TogglePlay => {
                if !self.running && self.lesson.as_ref().is_some_and(|l| l.asks && !l.locked) {
                    // Predict, then reveal: the answer comes before the run.
                    self.toast(
                        tr(lang, "First predict what will happen: answer the question in the lesson, then press Play."),
                        ToastKind::Info,
                    );
                    return;
                }
                if !self.running && !self.errors().is_empty() {
                    self.toast(
                        tr(lang, "Fix the problems listed below before running."),
                        ToastKind::Error,
                    );
                    self.panel_open = true;
                    self.tab = BottomTab::Problems;
                    return;
                }
                self.running = !self.running;
                let said = if self.running {
                    tr(lang, "Running")
                } else {
                    tr(lang, "Paused")
                };
                self.announce(said.to_owned());
            }
            Action::SetSpeed(i) => self.speed_index = i.min(SPEEDS.len() - 1),
            Action::Step => {
                self.running = false;
                self.step_rev += 1;
            }
            Action::Reset => {
                // Back to t = 0 (not to a link's or the scrubber's moment).
                self.seek_to = None;
                self.sim_epoch += 1;
                self.injections = Rc::new(Vec::new());
                self.log.clear();
            }
            Action::SetDown { id, down, at_s } => {
                self.menu = None;
                let (node_id, instance) = split_target(&self.doc, &id);
                let Some(node) = self.doc.node(node_id) else {
                    return;
                };
                let name = match instance {
                    Some(k) => format!("{} #{k}", node.display_name()),
                    None => node.display_name().to_owned(),
                };
                let (node_id, instance) = (node_id.to_owned(), instance);
                let action = if down {
                    ChaosAction::Kill {
                        node: node_id,
                        instance,
                    }
                } else {
                    ChaosAction::Revive {
                        node: node_id,
                        instance,
                    }
                };
                Rc::make_mut(&mut self.injections).push(action);
                let text = if down {
                    fill(tr(lang, "{} killed"), &[&name])
                } else {
                    fill(tr(lang, "{} revived"), &[&name])
                };
                self.log(at_s, LogKind::Chaos, text);
            }
            Action::Inject { action, at_s } => {
                self.menu = None;
                let text = crate::event_text::action_text(lang, &self.doc, &action);
                Rc::make_mut(&mut self.injections).push(action);
                let mut chars = text.chars();
                let text = match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => text,
                };
                self.log(at_s, LogKind::Chaos, text);
            }
            Action::Load {
                doc,
                title,
                view,
                playhead,
            } => {
                self.doc = Rc::new(doc);
                self.history.clear();
                self.selection = Selection::default();
                self.injections = Rc::new(Vec::new());
                self.log.clear();
                self.running = self.running && self.step_docs_pending > 0;
                self.step_docs_pending = self.step_docs_pending.saturating_sub(1);
                self.edited = false;
                self.doc_rev += 1;
                self.sim_epoch += 1;
                self.seek_to = playhead.filter(|p| *p > 0.0);
                self.dialog = None;
                match view {
                    Some(v) => self.view = v,
                    None => self.fit_rev += 1,
                }
                if !title.is_empty() {
                    self.toast(&fill(tr(lang, "Opened “{}”"), &[&title]), ToastKind::Info);
                }
            }
            Action::Opened {
                id,
                doc,
                view,
                history,
                edited,
                title,
                playhead,
            } => {
                self.apply(Action::Load {
                    doc,
                    title,
                    view,
                    playhead,
                });
                self.history = history;
                self.edited = edited;
                self.keeping.doc_id = id;
                self.keeping.importing = None;
            }
            Action::Remote { doc, history } => {
                if *self.doc != doc {
                    self.set_doc(doc);
                }
                self.history = history;
            }
            Action::Ready => self.keeping.ready = true,
            Action::SaveState { save, failure } => {
                self.keeping.save = save;
                self.keeping.failure = failure;
            }
            Action::SetDocId(id) => self.keeping.doc_id = id,
            Action::DocList { mut docs, damaged } => {
                docs.sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
                self.keeping.docs = Rc::new(docs);
                self.keeping.damaged = Rc::new(damaged);
            }
            Action::Importing(name) => self.keeping.importing = name,
            Action::LessonOpened {
                id,
                step,
                steps,
                asks,
            } => {
                let presenter = self.lesson.as_ref().is_some_and(|l| l.presenter);
                // A new step starts paused (as any design opened does); a Play pressed from
                // here on is for the step's design, kept when it arrives.
                self.running = false;
                self.step_docs_pending += 1;
                self.lesson = Some(LessonState {
                    id,
                    step,
                    steps,
                    asks,
                    answer: None,
                    locked: false,
                    revealed: false,
                    hints: 0,
                    presenter,
                });
                self.dialog = None;
            }
            Action::LessonAnswer(a) => {
                if let Some(l) = self.lesson.as_mut().filter(|l| !l.locked) {
                    l.answer = Some(a);
                }
            }
            Action::LessonLock => {
                if let Some(l) = self.lesson.as_mut().filter(|l| l.answer.is_some()) {
                    l.locked = true;
                }
            }
            Action::LessonReveal => {
                if let Some(l) = self.lesson.as_mut().filter(|l| l.locked || !l.asks) {
                    l.revealed = true;
                }
            }
            Action::LessonHint => {
                if let Some(l) = self.lesson.as_mut() {
                    l.hints += 1;
                }
            }
            Action::Presenter(on) => {
                if let Some(l) = self.lesson.as_mut() {
                    l.presenter = on;
                }
                self.fit_rev += 1;
            }
            Action::CloseLesson => self.lesson = None,
            Action::LessonRestore { answer, revealed } => {
                if let Some(l) = self.lesson.as_mut() {
                    l.answer = Some(answer);
                    l.locked = true;
                    l.revealed = revealed;
                }
            }
            Action::LessonGo(i) => {
                if let Some(l) = &self.lesson {
                    let i = i.min(l.steps.saturating_sub(1));
                    let n = self.lesson_go.map_or(0, |(_, n)| n + 1);
                    self.lesson_go = Some((i, n));
                }
            }
            Action::PresenterStep(forward) => {
                if let Some(l) = self.lesson.as_ref().filter(|l| l.presenter) {
                    let i = if forward {
                        l.step + 1
                    } else {
                        l.step.saturating_sub(1)
                    };
                    if i != l.step && i < l.steps {
                        self.apply(Action::LessonGo(i));
                    }
                }
            }
            Action::Seek(t) => {
                self.running = false;
                self.seek_to = Some(t.max(0.0));
                self.sim_epoch += 1;
                self.injections = Rc::new(Vec::new());
                self.log.clear();
            }
            Action::OpenDialog(d) => {
                self.dialog = Some(d);
                self.menu = None;
            }
            Action::CloseDialog => self.dialog = None,
            Action::OpenCompare(c) => {
                self.running = false;
                self.dialog = None;
                self.menu = None;
                self.compare = Some(c);
            }
            Action::CloseCompare => self.compare = None,
            Action::Escape => {
                if self.connect_from.take().is_some() {
                    return;
                }
                if let Some(l) = self
                    .lesson
                    .as_mut()
                    .filter(|l| l.presenter && self.dialog.is_none())
                {
                    l.presenter = false;
                    self.fit_rev += 1;
                } else if self.dialog.is_some() {
                    self.dialog = None;
                } else if self.menu.is_some() {
                    self.menu = None;
                } else {
                    self.selection = Selection::default();
                }
            }
            Action::SetTheme(t) => self.theme = t,
            Action::SetLang(l) => self.lang = l,
            Action::Toast { text, kind } => self.toast(&text, kind),
            Action::DismissToast(id) => {
                if self.toast.as_ref().is_some_and(|t| t.id == id) {
                    self.toast = None;
                }
            }
            Action::Log(entry) => self.push_log(entry),
            Action::Announce(text) => self.announce(text),
            Action::OpenMenu(m) => self.menu = Some(m),
            Action::CloseMenu => self.menu = None,
            Action::TogglePanel => self.panel_open = !self.panel_open,
            Action::SetTab(t) => {
                self.tab = t;
                self.panel_open = true;
            }
        }
    }

    /// Runs a document command through the history. Returns whether it applied.
    fn exec(&mut self, c: Command) -> bool {
        // An edit moves or adds cards: refitting under the user's hands would be a surprise.
        self.fitted_view = None;
        let mut d = (*self.doc).clone();
        if self.history.exec(&mut d, c) {
            self.set_doc(d);
            self.edited = true;
            true
        } else {
            false
        }
    }

    fn set_doc(&mut self, d: Diagram) {
        // Drop selected things that no longer exist.
        self.selection.nodes.retain(|id| d.node(id).is_some());
        self.selection
            .edges
            .retain(|name| d.edges.iter().any(|e| &e.name() == name));
        self.doc = Rc::new(d);
        self.doc_rev += 1;
        self.menu = None;
    }

    /// Shows a message (used at start-up, before any action can be dispatched).
    pub fn notify(&mut self, text: &str, kind: ToastKind) {
        self.toast(text, kind);
    }

    fn toast(&mut self, text: &str, kind: ToastKind) {
        self.next_toast += 1;
        self.toast = Some(Toast {
            id: self.next_toast,
            text: text.to_owned(),
            kind,
        });
    }

    fn log(&mut self, at_s: f64, kind: LogKind, text: String) {
        self.push_log(LogEntry { at_s, kind, text });
    }

    /// Adds a component centred at (x, y); `near`: on the nearest free spot instead.
    fn add_node(&mut self, kind: ComponentKind, x: f64, y: f64, near: bool) {
        let lang = self.lang;
        let Some(spec) = NodeSpec::default_for(kind) else {
            self.toast(
                tr(
                    lang,
                    "Caches, databases and shard routers arrive with the data tier.",
                ),
                ToastKind::Info,
            );
            return;
        };
        let id = fresh_id(&self.doc, kind, &BTreeSet::new());
        let (x, y) = (snap(x - NODE_W / 2.0), snap(y - NODE_H / 2.0));
        let (x, y) = if near {
            free_spot(&self.doc, x, y)
        } else {
            (x, y)
        };
        let mut node = Node::new(id.clone(), spec).at(x, y);
        node.label = crate::i18n::default_label(lang, kind, &id);
        if self.exec(Command::add(&self.doc, vec![node], vec![])) {
            self.selection = Selection::node(&id);
        }
    }

    fn push_log(&mut self, entry: LogEntry) {
        if self.log.len() == LOG_LIMIT {
            self.log.pop_front();
        }
        // What the system does on its own is said aloud (a server died, failover, a spike).
        if entry.kind != LogKind::Problem {
            self.announce(entry.text.clone());
        }
        self.log.push_back(entry);
    }

    /// A sentence for screen readers (the page's polite live region).
    pub fn announce(&mut self, text: String) {
        self.announcement = (self.announcement.0 + 1, text);
    }

    /// Draws an edge `from → to` unless that makes the diagram invalid in a new way; then the
    /// learner gets the reason instead.
    fn connect(&mut self, from: String, to: String) {
        let lang = self.lang;
        if from == to {
            return;
        }
        let edge = Edge::new("", from.clone(), to.clone());
        let name = edge.name();
        let mut candidate = (*self.doc).clone();
        candidate.edges.push(edge.clone());
        let before: Vec<String> = self
            .doc
            .errors()
            .iter()
            .map(|p| p.message.clone())
            .collect();
        let introduced = candidate.problems().into_iter().find(|p| {
            p.severity == Severity::Error
                && !before.contains(&p.message)
                && (p.location == Location::Edge(name.clone()) || p.code == "cycle")
        });
        if let Some(p) = introduced {
            self.toast(
                &fill(
                    tr(lang, "Can't connect {} → {}: {}"),
                    &[&from, &to, &crate::i18n::problems::message(lang, &p)],
                ),
                ToastKind::Error,
            );
            return;
        }
        if self.exec(Command::add(&self.doc, vec![], vec![edge])) {
            self.selection = Selection::edge(&name);
        }
    }

    fn copy_selection(&self) -> Option<Clip> {
        if self.selection.nodes.is_empty() {
            return None;
        }
        let nodes: Vec<Node> = self
            .doc
            .nodes
            .iter()
            .filter(|n| self.selection.nodes.contains(&n.id))
            .cloned()
            .collect();
        let edges = self
            .doc
            .edges
            .iter()
            .filter(|e| {
                self.selection.nodes.contains(&e.from) && self.selection.nodes.contains(&e.to)
            })
            .cloned()
            .collect();
        Some(Clip { nodes, edges })
    }

    /// Adds copies of `clip` with fresh ids, offset (or centred at `at`), and selects them.
    fn paste(&mut self, clip: &Clip, at: Option<Point>) {
        let (dx, dy) = match at {
            Some(p) => {
                let n = clip.nodes.len() as f64;
                let cx = clip.nodes.iter().map(|n| n.x).sum::<f64>() / n + NODE_W / 2.0;
                let cy = clip.nodes.iter().map(|n| n.y).sum::<f64>() / n + NODE_H / 2.0;
                (snap(p.x - cx), snap(p.y - cy))
            }
            None => (48.0, 48.0),
        };
        let mut taken = BTreeSet::new();
        let mut renamed = std::collections::BTreeMap::new();
        let nodes: Vec<Node> = clip
            .nodes
            .iter()
            .map(|n| {
                let id = fresh_id(&self.doc, n.kind(), &taken);
                taken.insert(id.clone());
                renamed.insert(n.id.clone(), id.clone());
                let mut copy = n.clone();
                copy.id = id;
                copy.x += dx;
                copy.y += dy;
                copy
            })
            .collect();
        let edges = clip
            .edges
            .iter()
            .filter_map(|e| {
                let mut copy = e.clone();
                copy.from = renamed.get(&e.from)?.clone();
                copy.to = renamed.get(&e.to)?.clone();
                copy.id = String::new();
                Some(copy)
            })
            .collect();
        if self.exec(Command::add(&self.doc, nodes, edges)) {
            self.selection = Selection {
                nodes: taken,
                edges: BTreeSet::new(),
            };
        }
    }
}

/// A failure target split into its node and instance: "api#1" → ("api", Some(1)). A node whose
/// own id contains '#' wins over that reading.
pub fn split_target<'a>(d: &Diagram, target: &'a str) -> (&'a str, Option<u32>) {
    if d.node(target).is_some() {
        return (target, None);
    }
    match target.rsplit_once('#') {
        Some((id, k)) => match k.parse::<u32>() {
            Ok(k) => (id, Some(k)),
            Err(_) => (target, None),
        },
        None => (target, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic() -> State {
        State::with_doc(Diagram::from_json(include_str!("../examples/basic.json")).unwrap())
    }

    #[test]
    fn play_button_starts_then_pauses_and_refuses_a_broken_diagram() {
        let mut s = basic();
        s.apply(Action::TogglePlay);
        assert!(s.running);
        s.apply(Action::TogglePlay);
        assert!(!s.running);
        let mut empty = State::default();
        empty.apply(Action::TogglePlay);
        assert!(!empty.running, "nothing to run");
        assert_eq!(empty.toast.as_ref().unwrap().kind, ToastKind::Error);
        assert_eq!(empty.tab, BottomTab::Problems);
    }

    fn step_opened(s: &mut State, step: usize, asks: bool) {
        s.apply(Action::LessonOpened {
            id: "one-server".into(),
            step,
            steps: 3,
            asks,
        });
    }

    fn step_arrives(s: &mut State) {
        s.apply(Action::Load {
            doc: Diagram::from_json(include_str!("../examples/basic.json")).unwrap(),
            title: String::new(),
            view: None,
            playhead: None,
        });
    }

    /// A presenter presses "next" then P at once: the step's design arrives from the store
    /// after the key, and the run it asked for goes on with it. Moving to a step pauses, and a
    /// design opened otherwise starts paused.
    #[test]
    fn play_pressed_while_a_lesson_step_loads_runs_the_step() {
        let mut s = basic();
        step_opened(&mut s, 1, false);
        s.apply(Action::TogglePlay);
        assert!(s.running);
        step_arrives(&mut s);
        assert!(s.running, "the press carried over to the step's design");
        // Three quick "next"/"back" presses, then P: the run survives all three arrivals.
        for step in [2, 1, 2] {
            step_opened(&mut s, step, false);
        }
        s.apply(Action::TogglePlay);
        for _ in 0..3 {
            step_arrives(&mut s);
            assert!(s.running);
        }
        // The next step pauses the run; its arrival does not start it.
        step_opened(&mut s, 2, false);
        assert!(!s.running);
        step_arrives(&mut s);
        assert!(!s.running);
        // Once arrived, another design (an example) opens paused even if it was running.
        s.apply(Action::TogglePlay);
        step_arrives(&mut s);
        assert!(!s.running);
        // A step that asks for a prediction still refuses Play before the answer.
        step_opened(&mut s, 0, true);
        s.apply(Action::TogglePlay);
        step_arrives(&mut s);
        assert!(!s.running);
    }

    #[test]
    fn a_fitted_view_refits_when_its_surroundings_resize_until_the_user_takes_over() {
        let mut s = basic();
        let fitted = View {
            x: 10.0,
            y: 20.0,
            zoom: 0.8,
        };
        s.apply(Action::SetFittedView(fitted));
        let rev = s.fit_rev;
        s.apply(Action::KeepFitted);
        assert_eq!(s.fit_rev, rev + 1, "still as fitted: fit again");
        // Panning away ends it.
        s.apply(Action::SetView(fitted.panned(5.0, 0.0)));
        s.apply(Action::KeepFitted);
        assert_eq!(s.fit_rev, rev + 1);
        // So does selecting or editing, even with the view untouched.
        s.apply(Action::SetFittedView(fitted));
        s.apply(Action::Select(Selection::node("api")));
        s.apply(Action::KeepFitted);
        assert_eq!(s.fit_rev, rev + 1);
        s.apply(Action::SetFittedView(fitted));
        s.apply(Action::MoveNodes(vec![("api".into(), 500.0, 500.0)]));
        s.apply(Action::KeepFitted);
        assert_eq!(s.fit_rev, rev + 1);
    }

    #[test]
    fn speed_starts_at_real_time_and_stays_in_range() {
        let mut s = State::default();
        assert_eq!(s.speed(), 1.0);
        s.apply(Action::SetSpeed(99));
        assert_eq!(s.speed(), 100.0);
        s.apply(Action::SetSpeed(0));
        assert_eq!(s.speed(), 0.1);
    }

    #[test]
    fn building_a_diagram_from_the_palette_and_wiring_it() {
        let mut s = State::default();
        s.apply(Action::AddNode {
            kind: ComponentKind::Client,
            x: 100.0,
            y: 100.0,
        });
        s.apply(Action::AddNode {
            kind: ComponentKind::Server,
            x: 400.0,
            y: 100.0,
        });
        assert_eq!(s.selection, Selection::node("server-1"));
        let n = s.doc.node("server-1").unwrap();
        assert_eq!((n.x % 24.0, n.y % 24.0), (0.0, 0.0), "snapped to the grid");
        assert!(!s.errors().is_empty(), "an unconnected client cannot run");
        s.apply(Action::Connect {
            from: "client-1".into(),
            to: "server-1".into(),
        });
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        assert_eq!(s.selection, Selection::edge("client-1→server-1"));
        // Wrong way round: nothing calls a client. Refused, with the reason.
        s.apply(Action::Connect {
            from: "server-1".into(),
            to: "client-1".into(),
        });
        assert_eq!(s.doc.edges.len(), 1);
        let t = s.toast.clone().unwrap();
        assert_eq!(t.kind, ToastKind::Error);
        assert!(t.text.contains("nothing can call a client"), "{}", t.text);
    }

    #[test]
    fn cycles_are_refused_with_an_explanation() {
        let mut s = basic();
        s.apply(Action::Connect {
            from: "api".into(),
            to: "lb".into(),
        });
        assert_eq!(s.doc.edges.len(), 2);
        assert!(s.toast.unwrap().text.contains("cycle"));
    }

    #[test]
    fn delete_undo_redo() {
        let mut s = basic();
        let original = s.doc.clone();
        s.apply(Action::Select(Selection::node("lb")));
        s.apply(Action::DeleteSelection);
        assert!(s.doc.node("lb").is_none() && s.doc.edges.is_empty());
        assert!(s.selection.is_empty());
        s.apply(Action::Undo);
        assert_eq!(s.doc, original);
        s.apply(Action::Redo);
        assert!(s.doc.node("lb").is_none());
    }

    #[test]
    fn duplicate_and_paste_make_fresh_copies_with_their_inner_edges() {
        let mut s = basic();
        s.apply(Action::SelectAll);
        s.apply(Action::Copy);
        s.apply(Action::Paste(Some(Point::new(1000.0, 1000.0))));
        assert_eq!(s.doc.nodes.len(), 6);
        assert_eq!(s.doc.edges.len(), 4);
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        assert_eq!(s.selection.nodes.len(), 3);
        assert!(s
            .selection
            .nodes
            .iter()
            .all(|id| s.doc.node(id).unwrap().x > 500.0));
        s.apply(Action::Select(Selection::node("api")));
        s.apply(Action::Duplicate);
        assert_eq!(s.doc.nodes.len(), 7);
        s.apply(Action::Undo);
        s.apply(Action::Undo);
        assert_eq!(s.doc.nodes.len(), 3);
    }

    #[test]
    fn moves_are_one_undo_step() {
        let mut s = basic();
        s.apply(Action::MoveNodes(vec![
            ("lb".into(), 0.0, 0.0),
            ("api".into(), 24.0, 24.0),
        ]));
        assert_eq!(
            (s.doc.node("api").unwrap().x, s.doc.node("lb").unwrap().x),
            (24.0, 0.0)
        );
        s.apply(Action::Undo);
        assert_eq!(s.doc.node("lb").unwrap().x, 400.0);
        assert_eq!(s.doc.node("api").unwrap().x, 728.0);
    }

    #[test]
    fn a_slider_drag_is_one_undo_step() {
        let mut s = basic();
        let before = s.doc.workload.clone();
        for x in [1.2, 1.5, 2.0, 2.5] {
            let mut w = before.clone();
            w.traffic_scale = x;
            s.apply(Action::PreviewWorkload(w));
        }
        s.apply(Action::CommitWorkload {
            before: before.clone(),
        });
        assert_eq!(s.doc.workload.traffic_scale, 2.5);
        s.apply(Action::Undo);
        assert_eq!(s.doc.workload, before);
        assert!(!s.history.can_undo());
    }

    #[test]
    fn killing_and_reviving_is_logged_and_not_an_edit() {
        let mut s = basic();
        let rev = s.doc_rev;
        s.apply(Action::SetDown {
            id: "api".into(),
            down: true,
            at_s: 12.5,
        });
        assert_eq!(
            *s.injections,
            vec![ChaosAction::Kill {
                node: "api".into(),
                instance: None
            }]
        );
        assert_eq!(
            s.doc_rev, rev,
            "failure injection does not change the document"
        );
        assert!(!s.history.can_undo());
        assert_eq!(s.log.back().unwrap().at_s, 12.5);
        assert!(s.log.back().unwrap().text.contains("API servers killed"));
        s.apply(Action::SetDown {
            id: "api#1".into(),
            down: false,
            at_s: 20.0,
        });
        assert_eq!(s.injections.len(), 2, "every click counts, in order");
        assert!(s
            .log
            .back()
            .unwrap()
            .text
            .contains("API servers #1 revived"));
        // A target that is not in the diagram is ignored.
        s.apply(Action::SetDown {
            id: "nope#3".into(),
            down: true,
            at_s: 21.0,
        });
        assert_eq!(s.injections.len(), 2);
        // A reset forgets them (the run starts again from the document).
        s.apply(Action::Reset);
        assert!(s.injections.is_empty());
    }

    #[test]
    fn korean_messages() {
        let mut s = State::default();
        s.apply(Action::SetLang(Lang::Ko));
        s.apply(Action::TogglePlay);
        let text = &s.toast.unwrap().text;
        assert!(text.chars().any(|c| ('가'..='힣').contains(&c)), "{text}");
    }
}
