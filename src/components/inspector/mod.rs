//! Right-hand panel: edits whatever is selected — the diagram itself when nothing is, a
//! component's parameters, an edge's latency — with each value checked by the engine's own
//! validator before it is handed to the caller.
//!
//! Layout: `diagram.rs` (nothing selected), `node.rs`, `edge.rs`, reusable widgets in
//! `fields.rs`, and the pure parsing/validation logic in `check.rs`.

mod batch_job;
mod cache;
mod cdn;
mod check;
mod classes;
mod client_regions;
mod connections;
mod diagram;
mod edge;
mod fields;
mod l7_rules;
mod node;
mod queue;
mod regions;
mod traffic_manager;
mod transaction;

pub use check::{check_field, Candidate, FieldError};

use crate::i18n::{fill, tr, Lang};
use fields::Commit;
use scaleboard_sim::diagram::{Diagram, Edge, Node, Workload};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

/// What the inspector shows.
#[derive(Clone, PartialEq, Debug)]
pub enum Selected {
    Nothing,
    /// A node, by id.
    Node(String),
    /// An edge, by `Edge::name()`.
    Edge(String),
    /// Several things at once: only deleting them is offered.
    Many(usize),
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub doc: Rc<Diagram>,
    pub selected: Selected,
    pub lang: Lang,
    /// Ids of nodes currently killed by failure injection.
    pub down: Rc<BTreeSet<String>>,
    /// Replacement for the node with the same id, already validated.
    pub on_node: Callback<Node>,
    /// (old name, replacement).
    pub on_edge: Callback<(String, Edge)>,
    pub on_workload: Callback<Workload>,
    pub on_seed: Callback<u64>,
    pub on_name: Callback<String>,
    /// (node id, down?) — Kill = true, Revive = false.
    pub on_set_down: Callback<(String, bool)>,
    /// Names of the edges a partition cuts now.
    #[prop_or_default]
    pub cut: Rc<BTreeSet<String>>,
    /// Any other failure injected now (an edge partition).
    #[prop_or_default]
    pub on_inject: Callback<scaleboard_sim::diagram::ChaosAction>,
    /// Delete the current selection.
    pub on_delete: Callback<()>,
    /// (region a, region b, round trip in ms; `None` = back to the default).
    #[prop_or_default]
    pub on_region_rtt: Callback<(String, String, Option<f64>)>,
    /// Add, relabel or remove a region (`Action::AddRegion` …).
    #[prop_or_default]
    pub on_region: Callback<crate::state::Action>,
    /// Live figures the app renders for the selected node (sparklines etc.), placed under the
    /// header.
    #[prop_or_default]
    pub live: Html,
}

#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let lang = props.lang;
    // A new selection starts at the top of the panel, not where the last one was scrolled to.
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        use_effect_with(props.selected.clone(), move |_| {
            if let Some(el) = panel.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
        });
    }
    // Each selection gets its own keyed subtree, so a field's typed text or error never
    // carries over to the next component.
    let body = match &props.selected {
        Selected::Node(id) => props.doc.node(id).map(|n| {
            html! {
                <div class="insp-body" key={format!("node:{id}")}>
                    { node::view(props, n) }
                </div>
            }
        }),
        Selected::Edge(name) => props.doc.edges.iter().find(|e| e.name() == *name).map(|e| {
            html! {
                <div class="insp-body" key={format!("edge:{name}")}>
                    { edge::view(props, e) }
                </div>
            }
        }),
        Selected::Many(n) => Some(html! {
            <div class="insp-body" key="many">
                <div class="insp-many">
                    <p class="insp-many-count" data-testid="selection-count">
                        { fill(tr(lang, "{} components selected"), &[n]) }
                    </p>
                    <p class="insp-hint">
                        { tr(lang, "Select a single component to edit its parameters.") }
                    </p>
                </div>
                <div class="insp-actions">
                    { delete_button(props) }
                </div>
            </div>
        }),
        Selected::Nothing => None,
    };
    // A selection that no longer exists (deleted meanwhile) shows the diagram.
    let body = body.unwrap_or_else(|| {
        html! {
            <div class="insp-body" key="diagram">{ diagram::view(props) }</div>
        }
    });
    html! {
        <aside class="inspector insp" data-testid="inspector" ref={panel}
               aria-label={tr(lang, "Inspector")}>
            <h2 class="panel-title">{ tr(lang, "Inspector") }</h2>
            { body }
        </aside>
    }
}

/// The Delete button for the current selection.
fn delete_button(props: &InspectorProps) -> Html {
    let on_delete = props.on_delete.clone();
    html! {
        <button type="button" class="btn insp-btn insp-btn-delete" data-testid="delete-selected"
                title={tr(props.lang, "Remove from the diagram (Delete key)")}
                onclick={Callback::from(move |_: MouseEvent| on_delete.emit(()))}>
            { tr(props.lang, "Delete") }
        </button>
    }
}

/// A field's commit: parse the text, build the candidate, let the validator judge `field`, and
/// emit the candidate if it is a change and clean.
fn committer<T: 'static>(
    doc: &Rc<Diagram>,
    field: impl Into<String>,
    parse: impl Fn(&str) -> Result<T, FieldError> + 'static,
    build: impl Fn(T) -> Option<Candidate> + 'static,
    emit: impl Fn(Candidate) + 'static,
) -> Commit {
    let doc = doc.clone();
    let field: String = field.into();
    Callback::from(move |text: String| {
        let value = match parse(&text) {
            Ok(v) => v,
            Err(e) => return Some(e),
        };
        let candidate = build(value)?;
        match check::vet(&doc, candidate, &field) {
            Ok(Some(c)) => {
                emit(c);
                None
            }
            Ok(None) => None,
            Err(e) => Some(e),
        }
    })
}

/// Parser for fields whose text is taken as it is (labels, names).
fn parse_text(text: &str) -> Result<String, FieldError> {
    Ok(text.trim().to_owned())
}

/// Parser for checkboxes (`"true"` / `"false"`).
fn parse_bool(text: &str) -> Result<bool, FieldError> {
    Ok(text == "true")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::diagram::{ClientParams, NodeSpec, Profile, ServerParams};
    use std::cell::RefCell;

    fn doc() -> Rc<Diagram> {
        let mut d = Diagram::default();
        d.nodes.push(Node::new(
            "users",
            NodeSpec::Client(ClientParams::default()),
        ));
        d.nodes
            .push(Node::new("api", NodeSpec::Server(ServerParams::default())));
        d.edges.push(Edge::new("", "users", "api"));
        Rc::new(d)
    }

    /// A commit for `api.params.instances`, recording what it emits.
    fn instances_commit(d: &Rc<Diagram>, out: Rc<RefCell<Vec<Node>>>) -> Commit {
        let api = d.node("api").unwrap().clone();
        committer(
            d,
            "params.instances",
            |t| check::parse_whole(t, u32::MAX as u64),
            move |v| {
                let mut n = api.clone();
                if let NodeSpec::Server(p) = &mut n.spec {
                    p.instances = v as u32;
                }
                Some(Candidate::Node(n))
            },
            move |c| {
                if let Candidate::Node(n) = c {
                    out.borrow_mut().push(n);
                }
            },
        )
    }

    #[test]
    fn commits_emit_only_clean_changes() {
        let d = doc();
        let out = Rc::new(RefCell::new(Vec::new()));
        let commit = instances_commit(&d, out.clone());
        assert_eq!(commit.emit("abc".into()), Some(FieldError::NotANumber));
        assert_eq!(commit.emit("1.5".into()), Some(FieldError::NotWhole));
        assert_eq!(
            commit.emit("0".into()).map(|e| e.text(Lang::En)),
            Some("Must be at least 1: zero capacity (got 0)".into())
        );
        assert_eq!(commit.emit("1".into()), None, "unchanged");
        assert!(out.borrow().is_empty());
        assert_eq!(commit.emit(" 4 ".into()), None);
        let emitted = out.borrow();
        assert_eq!(emitted.len(), 1);
        let NodeSpec::Server(p) = &emitted[0].spec else {
            panic!("not a server")
        };
        assert_eq!(p.instances, 4);
        assert_eq!(emitted[0].id, "api");
    }

    #[test]
    fn profile_choice_commits_the_variant_with_defaults() {
        let d = doc();
        let users = d.node("users").unwrap().clone();
        let out = Rc::new(RefCell::new(Vec::new()));
        let sink = out.clone();
        let commit = committer(
            &d,
            "params.profile",
            parse_text,
            move |slug| {
                let mut n = users.clone();
                if let NodeSpec::Client(p) = &mut n.spec {
                    p.profile = check::profile_default(&slug)?;
                }
                Some(Candidate::Node(n))
            },
            move |c| sink.borrow_mut().push(c),
        );
        assert_eq!(commit.emit("diurnal".into()), None);
        let out = out.borrow();
        let Candidate::Node(n) = &out[0] else {
            panic!()
        };
        let NodeSpec::Client(p) = &n.spec else {
            panic!()
        };
        assert_eq!(
            p.profile,
            Profile::Diurnal {
                period_s: 120.0,
                amplitude: 0.8
            }
        );
    }

    #[test]
    fn text_and_bool_parsers() {
        assert_eq!(parse_text("  Web tier "), Ok("Web tier".to_owned()));
        assert_eq!(parse_bool("true"), Ok(true));
        assert_eq!(parse_bool("false"), Ok(false));
    }
}
