//! What the canvas draws from a document, prepared once per document change instead of on
//! every render: every card's position by id, the nodes and edges as shared values (a card's
//! properties then hold a reference count, not a copy of the node), and each edge's name.
//! A render for a pointer move or a zoom step looks positions up here and adds the transient
//! offset of a drag to the dragged cards only.

use scaleboard_sim::diagram::{Edge, Node};
use scaleboard_sim::Diagram;
use std::collections::HashMap;
use std::rc::Rc;

/// An `Rc` compared by address: "is this the same document", answered without walking a
/// thousand nodes (`Rc<T>`'s own equality compares the values).
#[derive(Clone, Debug)]
pub struct SameRc<T>(pub Rc<T>);

impl<T> PartialEq for SameRc<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The document as the canvas draws it.
#[derive(Debug, Default)]
pub struct Layout {
    pub nodes: Vec<Rc<Node>>,
    /// Each edge with its name (`Edge::name`, which formats a string).
    pub edges: Vec<(String, Rc<Edge>)>,
    at: HashMap<String, (f64, f64)>,
}

impl Layout {
    pub fn of(doc: &Diagram) -> Layout {
        Layout {
            nodes: doc.nodes.iter().cloned().map(Rc::new).collect(),
            edges: doc
                .edges
                .iter()
                .map(|e| (e.name(), Rc::new(e.clone())))
                .collect(),
            at: doc
                .nodes
                .iter()
                .map(|n| (n.id.clone(), (n.x, n.y)))
                .collect(),
        }
    }

    /// Where the document puts a node.
    pub fn at(&self, id: &str) -> Option<(f64, f64)> {
        self.at.get(id).copied()
    }
}

/// Positions during a gesture: the document's, except for the cards being dragged.
pub struct Positions<'a> {
    layout: &'a Layout,
    dragged: HashMap<&'a str, (f64, f64)>,
}

impl<'a> Positions<'a> {
    /// `moved` holds the dragged cards' positions now.
    pub fn new(layout: &'a Layout, moved: &'a [(String, (f64, f64))]) -> Positions<'a> {
        Positions {
            layout,
            dragged: moved.iter().map(|(id, p)| (id.as_str(), *p)).collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<(f64, f64)> {
        self.dragged.get(id).copied().or_else(|| self.layout.at(id))
    }

    pub fn is_dragged(&self, id: &str) -> bool {
        self.dragged.contains_key(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dragged_card_is_where_the_pointer_put_it_and_the_rest_where_the_document_says() {
        let doc: Diagram = serde_json::from_str(
            r#"{"version":1,"name":"t","nodes":[
                {"id":"users","kind":"client","x":0,"y":0},
                {"id":"api","kind":"server","x":300,"y":40}],
              "edges":[{"from":"users","to":"api"}]}"#,
        )
        .unwrap();
        let layout = Layout::of(&doc);
        assert_eq!(layout.edges[0].0, doc.edges[0].name());
        let moved = vec![("api".to_owned(), (320.0, 60.0))];
        let p = Positions::new(&layout, &moved);
        assert_eq!(p.get("api"), Some((320.0, 60.0)));
        assert_eq!(p.get("users"), Some((0.0, 0.0)));
        assert_eq!(p.get("gone"), None);
        assert!(p.is_dragged("api") && !p.is_dragged("users"));
        // The same document is the same; an equal copy is another one.
        let a = SameRc(Rc::new(doc.clone()));
        assert!(a == a.clone());
        assert!(a != SameRc(Rc::new(doc)));
    }
}
