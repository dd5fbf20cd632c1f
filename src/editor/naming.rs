//! Ids for new components: `server-1`, `server-2`, … — readable in links, reports and tests.

use scaleboard_sim::{ComponentKind, Diagram};
use std::collections::BTreeSet;

/// The first `<kind>-<n>` not used in `d` or `taken`.
pub fn fresh_id(d: &Diagram, kind: ComponentKind, taken: &BTreeSet<String>) -> String {
    let prefix = match kind {
        ComponentKind::LoadBalancer => "lb",
        ComponentKind::ShardRouter => "router",
        ComponentKind::Database => "db",
        ComponentKind::TrafficManager => "gtm",
        ComponentKind::BatchJob => "job",
        other => other.slug(),
    };
    (1..)
        .map(|n| format!("{prefix}-{n}"))
        .find(|id| !taken.contains(id) && d.node(id).is_none())
        .unwrap_or_else(|| format!("{prefix}-x"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::diagram::{Node, NodeSpec};

    #[test]
    fn ids_are_fresh() {
        let mut d = Diagram::default();
        assert_eq!(
            fresh_id(&d, ComponentKind::Server, &BTreeSet::new()),
            "server-1"
        );
        d.nodes
            .push(Node::new("server-1", NodeSpec::Server(Default::default())));
        let taken = BTreeSet::from(["server-2".to_string()]);
        assert_eq!(fresh_id(&d, ComponentKind::Server, &taken), "server-3");
        assert_eq!(fresh_id(&d, ComponentKind::LoadBalancer, &taken), "lb-1");
    }
}
