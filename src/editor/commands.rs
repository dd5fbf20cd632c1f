//! Every change to the document is a [`Command`] that knows how to apply itself and how to undo
//! itself. Commands record positions in the node and edge lists, so undo restores the document
//! exactly — the same bytes, which matters once documents travel in share links.

use scaleboard_sim::diagram::{
    ChaosEvent, Diagram, Edge, Node, Region, RegionLatency, Slo, Workload,
};
use scaleboard_sim::ComponentKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Serialisable: the undo history is stored with the document and survives a reload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Insert nodes at the given indices (ascending).
    InsertNodes(Vec<(usize, Node)>),
    /// Remove the nodes at the given indices (ascending), which hold these nodes.
    RemoveNodes(Vec<(usize, Node)>),
    InsertEdges(Vec<(usize, Edge)>),
    RemoveEdges(Vec<(usize, Edge)>),
    /// Boxed: a node is large, and most commands are small.
    ReplaceNode {
        index: usize,
        before: Box<Node>,
        after: Box<Node>,
    },
    ReplaceEdge {
        index: usize,
        before: Edge,
        after: Edge,
    },
    SetWorkload {
        before: Workload,
        after: Workload,
    },
    SetSeed {
        before: u64,
        after: u64,
    },
    /// The chaos timeline and the SLO.
    SetChaos {
        before: Vec<ChaosEvent>,
        after: Vec<ChaosEvent>,
    },
    SetSlo {
        before: Slo,
        after: Slo,
    },
    /// The regions (frames) of the design.
    SetRegions {
        before: Vec<Region>,
        after: Vec<Region>,
    },
    /// The round trips between regions set by hand.
    SetRegionLatency {
        before: Vec<RegionLatency>,
        after: Vec<RegionLatency>,
    },
    /// Several commands as one undo step, applied in order.
    Batch(Vec<Command>),
}

impl Command {
    /// Applies the command. Fails (changing nothing) if the document does not hold what the
    /// command expects — a guard against applying a command to the wrong document.
    pub fn apply(&self, d: &mut Diagram) -> Result<(), String> {
        let mut copy = d.clone();
        self.apply_unchecked(&mut copy)?;
        *d = copy;
        Ok(())
    }

    fn apply_unchecked(&self, d: &mut Diagram) -> Result<(), String> {
        match self {
            Command::InsertNodes(items) => insert(&mut d.nodes, items),
            Command::RemoveNodes(items) => remove(&mut d.nodes, items),
            Command::InsertEdges(items) => insert(&mut d.edges, items),
            Command::RemoveEdges(items) => remove(&mut d.edges, items),
            Command::ReplaceNode {
                index,
                before,
                after,
            } => replace(&mut d.nodes, *index, &**before, &**after),
            Command::ReplaceEdge {
                index,
                before,
                after,
            } => replace(&mut d.edges, *index, before, after),
            Command::SetWorkload { before, after } => {
                check(&d.workload == before, "workload")?;
                d.workload = after.clone();
                Ok(())
            }
            Command::SetSeed { before, after } => {
                check(d.seed == *before, "seed")?;
                d.seed = *after;
                Ok(())
            }
            Command::SetChaos { before, after } => {
                check(&d.chaos == before, "chaos timeline")?;
                d.chaos = after.clone();
                Ok(())
            }
            Command::SetSlo { before, after } => {
                check(&d.slo == before, "SLO")?;
                d.slo = after.clone();
                Ok(())
            }
            Command::SetRegions { before, after } => {
                check(&d.regions == before, "regions")?;
                d.regions = after.clone();
                Ok(())
            }
            Command::SetRegionLatency { before, after } => {
                check(&d.region_latency == before, "round trips between regions")?;
                d.region_latency = after.clone();
                Ok(())
            }
            Command::Batch(cmds) => cmds.iter().try_for_each(|c| c.apply_unchecked(d)),
        }
    }

    /// The command that undoes this one.
    pub fn inverse(&self) -> Command {
        match self {
            Command::InsertNodes(v) => Command::RemoveNodes(v.clone()),
            Command::RemoveNodes(v) => Command::InsertNodes(v.clone()),
            Command::InsertEdges(v) => Command::RemoveEdges(v.clone()),
            Command::RemoveEdges(v) => Command::InsertEdges(v.clone()),
            Command::ReplaceNode {
                index,
                before,
                after,
            } => Command::ReplaceNode {
                index: *index,
                before: after.clone(),
                after: before.clone(),
            },
            Command::ReplaceEdge {
                index,
                before,
                after,
            } => Command::ReplaceEdge {
                index: *index,
                before: after.clone(),
                after: before.clone(),
            },
            Command::SetWorkload { before, after } => Command::SetWorkload {
                before: after.clone(),
                after: before.clone(),
            },
            Command::SetSeed { before, after } => Command::SetSeed {
                before: *after,
                after: *before,
            },
            Command::SetChaos { before, after } => Command::SetChaos {
                before: after.clone(),
                after: before.clone(),
            },
            Command::SetSlo { before, after } => Command::SetSlo {
                before: after.clone(),
                after: before.clone(),
            },
            Command::SetRegionLatency { before, after } => Command::SetRegionLatency {
                before: after.clone(),
                after: before.clone(),
            },
            Command::SetRegions { before, after } => Command::SetRegions {
                before: after.clone(),
                after: before.clone(),
            },
            Command::Batch(cmds) => {
                Command::Batch(cmds.iter().rev().map(Command::inverse).collect())
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Command::InsertNodes(v) | Command::RemoveNodes(v) => v.is_empty(),
            Command::InsertEdges(v) | Command::RemoveEdges(v) => v.is_empty(),
            Command::Batch(v) => v.iter().all(Command::is_empty),
            Command::ReplaceNode { before, after, .. } => before == after,
            Command::ReplaceEdge { before, after, .. } => before == after,
            Command::SetWorkload { before, after } => before == after,
            Command::SetSeed { before, after } => before == after,
            Command::SetChaos { before, after } => before == after,
            Command::SetSlo { before, after } => before == after,
            Command::SetRegionLatency { before, after } => before == after,
            Command::SetRegions { before, after } => before == after,
        }
    }

    // ---- Builders: commands computed against the current document ----

    /// Appends nodes and edges (e.g. a paste).
    pub fn add(d: &Diagram, nodes: Vec<Node>, edges: Vec<Edge>) -> Command {
        let n0 = d.nodes.len();
        let e0 = d.edges.len();
        Command::Batch(vec![
            Command::InsertNodes(
                nodes
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| (n0 + i, n))
                    .collect(),
            ),
            Command::InsertEdges(
                edges
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| (e0 + i, e))
                    .collect(),
            ),
        ])
    }

    /// Removes these nodes with every edge touching them, and these edges.
    pub fn remove(d: &Diagram, nodes: &BTreeSet<String>, edges: &BTreeSet<String>) -> Command {
        let edge_items: Vec<(usize, Edge)> = d
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                edges.contains(&e.name()) || nodes.contains(&e.from) || nodes.contains(&e.to)
            })
            .map(|(i, e)| (i, e.clone()))
            .collect();
        let node_items: Vec<(usize, Node)> = d
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| nodes.contains(&n.id))
            .map(|(i, n)| (i, n.clone()))
            .collect();
        // Scripted failures of what is removed go with it (in the same undo step), rather than
        // leaving a timeline that names things that are gone.
        let gone_edges: BTreeSet<String> = edge_items.iter().map(|(_, e)| e.name()).collect();
        let chaos: Vec<ChaosEvent> = d
            .chaos
            .iter()
            .filter(|c| {
                !c.action.node().is_some_and(|n| nodes.contains(n))
                    && !c.action.edge().is_some_and(|e| gone_edges.contains(e))
            })
            .cloned()
            .collect();
        Command::Batch(vec![
            Command::RemoveEdges(edge_items),
            Command::RemoveNodes(node_items),
            Command::set_chaos(d, chaos),
        ])
    }

    /// Moves nodes to new positions (and into the region whose frame they land in).
    pub fn move_nodes(d: &Diagram, moves: &[(String, f64, f64)]) -> Command {
        Command::Batch(
            moves
                .iter()
                .filter_map(|(id, x, y)| {
                    let index = d.nodes.iter().position(|n| &n.id == id)?;
                    let before = Box::new(d.nodes[index].clone());
                    let mut after = before.clone();
                    after.x = *x;
                    after.y = *y;
                    // Dragging a card into a region's frame puts the component in that region,
                    // dragging it out takes it out (a traffic manager is global: never in one).
                    if !d.regions.is_empty() && after.kind() != ComponentKind::TrafficManager {
                        after.region = region_at(d, *x, *y).unwrap_or_default();
                    }
                    Some(Command::ReplaceNode {
                        index,
                        before,
                        after,
                    })
                })
                .collect(),
        )
    }

    /// Replaces the node with the same id.
    pub fn set_node(d: &Diagram, after: Node) -> Option<Command> {
        let index = d.nodes.iter().position(|n| n.id == after.id)?;
        Some(Command::ReplaceNode {
            index,
            before: Box::new(d.nodes[index].clone()),
            after: Box::new(after),
        })
    }

    /// Replaces the edge named `name`.
    pub fn set_edge(d: &Diagram, name: &str, after: Edge) -> Option<Command> {
        let index = d.edges.iter().position(|e| e.name() == name)?;
        Some(Command::ReplaceEdge {
            index,
            before: d.edges[index].clone(),
            after,
        })
    }

    pub fn set_chaos(d: &Diagram, after: Vec<ChaosEvent>) -> Command {
        Command::SetChaos {
            before: d.chaos.clone(),
            after,
        }
    }

    /// Adds a region frame below everything drawn so far; returns the command and its id.
    pub fn add_region(d: &Diagram, label: impl Fn(usize) -> String) -> (Command, String) {
        use super::geometry::NODE_H;
        let n = (1..)
            .find(|i| !d.regions.iter().any(|r| r.id == format!("region-{i}")))
            .unwrap_or(1);
        let id = format!("region-{n}");
        let bottom = d
            .nodes
            .iter()
            .map(|n| n.y + NODE_H)
            .chain(d.regions.iter().map(|r| r.y + r.h))
            .fold(f64::NEG_INFINITY, f64::max);
        let left = d
            .nodes
            .iter()
            .map(|n| n.x)
            .chain(d.regions.iter().map(|r| r.x))
            .fold(f64::INFINITY, f64::min);
        let region = Region {
            id: id.clone(),
            label: label(n),
            x: if left.is_finite() { left } else { 0.0 },
            y: if bottom.is_finite() {
                bottom + 60.0
            } else {
                0.0
            },
            w: 560.0,
            h: 200.0,
        };
        let mut after = d.regions.clone();
        after.push(region);
        (
            Command::SetRegions {
                before: d.regions.clone(),
                after,
            },
            id,
        )
    }

    /// Removes region `id`: its frame, its round trips, and its nodes' membership.
    pub fn remove_region(d: &Diagram, id: &str) -> Command {
        let mut cmds = vec![Command::SetRegions {
            before: d.regions.clone(),
            after: d.regions.iter().filter(|r| r.id != id).cloned().collect(),
        }];
        cmds.push(Command::SetRegionLatency {
            before: d.region_latency.clone(),
            after: d
                .region_latency
                .iter()
                .filter(|l| l.a != id && l.b != id)
                .cloned()
                .collect(),
        });
        for (index, n) in d.nodes.iter().enumerate() {
            if n.region == id {
                let mut after = Box::new(n.clone());
                after.region.clear();
                cmds.push(Command::ReplaceNode {
                    index,
                    before: Box::new(n.clone()),
                    after,
                });
            }
        }
        Command::Batch(cmds)
    }

    /// Moves region `id`'s frame by `(dx, dy)`, and its members with it (they stay in it).
    pub fn move_region(d: &Diagram, id: &str, dx: f64, dy: f64) -> Command {
        let mut cmds = vec![Command::edit_region(d, id, |r| {
            r.x += dx;
            r.y += dy;
        })];
        for (index, n) in d.nodes.iter().enumerate() {
            if n.region == id {
                let mut after = Box::new(n.clone());
                after.x += dx;
                after.y += dy;
                cmds.push(Command::ReplaceNode {
                    index,
                    before: Box::new(n.clone()),
                    after,
                });
            }
        }
        Command::Batch(cmds)
    }

    /// Resizes region `id`'s frame from its top-left corner, never smaller than
    /// [`region_min_size`]: its members stay inside it.
    pub fn resize_region(d: &Diagram, id: &str, w: f64, h: f64) -> Command {
        let (min_w, min_h) = region_min_size(d, id);
        Command::edit_region(d, id, |r| {
            r.w = w.max(min_w);
            r.h = h.max(min_h);
        })
    }

    /// Renames region `id` (its label; the id stays, as links and reports name it).
    pub fn relabel_region(d: &Diagram, id: &str, label: String) -> Command {
        Command::edit_region(d, id, |r| r.label = label.clone())
    }

    /// Changes region `id`'s frame with `f`, the other regions as they are.
    fn edit_region(d: &Diagram, id: &str, f: impl Fn(&mut Region)) -> Command {
        Command::SetRegions {
            before: d.regions.clone(),
            after: d
                .regions
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    if r.id == id {
                        f(&mut r);
                    }
                    r
                })
                .collect(),
        }
    }

    /// Sets the round trip between regions `a` and `b` (`None`: back to the default table).
    pub fn set_region_rtt(d: &Diagram, a: &str, b: &str, rtt_ms: Option<f64>) -> Command {
        let same = |l: &RegionLatency| (l.a == a && l.b == b) || (l.a == b && l.b == a);
        let mut after: Vec<RegionLatency> = d
            .region_latency
            .iter()
            .filter(|l| !same(l))
            .cloned()
            .collect();
        if let Some(rtt_ms) = rtt_ms {
            after.push(RegionLatency {
                a: a.to_owned(),
                b: b.to_owned(),
                rtt_ms,
            });
        }
        Command::SetRegionLatency {
            before: d.region_latency.clone(),
            after,
        }
    }

    pub fn set_slo(d: &Diagram, after: Slo) -> Command {
        Command::SetSlo {
            before: d.slo.clone(),
            after,
        }
    }

    pub fn set_workload(d: &Diagram, after: Workload) -> Command {
        Command::SetWorkload {
            before: d.workload.clone(),
            after,
        }
    }
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the document's {what} is not what this change expects"
        ))
    }
}

fn insert<T: Clone>(list: &mut Vec<T>, items: &[(usize, T)]) -> Result<(), String> {
    for (i, item) in items {
        check(*i <= list.len(), "list length")?;
        list.insert(*i, item.clone());
    }
    Ok(())
}

fn remove<T: Clone + PartialEq>(list: &mut Vec<T>, items: &[(usize, T)]) -> Result<(), String> {
    for (i, item) in items.iter().rev() {
        check(list.get(*i) == Some(item), "content")?;
        list.remove(*i);
    }
    Ok(())
}

fn replace<T: Clone + PartialEq>(
    list: &mut [T],
    i: usize,
    before: &T,
    after: &T,
) -> Result<(), String> {
    let slot = list.get_mut(i).filter(|x| *x == before);
    check(slot.is_some(), "content")?;
    if let Some(slot) = slot {
        *slot = after.clone();
    }
    Ok(())
}

/// The region whose frame holds the centre of a card at `(x, y)`: the smallest, when frames
/// overlap.
/// The smallest frame region `id` can have: room for its heading, and every member's card
/// inside with a margin (so resizing never changes which region a card is in).
pub fn region_min_size(d: &Diagram, id: &str) -> (f64, f64) {
    use super::geometry::{GRID, NODE_H, NODE_W};
    let Some(r) = d.regions.iter().find(|r| r.id == id) else {
        return (0.0, 0.0);
    };
    d.nodes
        .iter()
        .filter(|n| n.region == id)
        .fold((NODE_W + GRID, NODE_H + GRID), |(w, h), n| {
            (
                w.max(n.x + NODE_W + GRID - r.x),
                h.max(n.y + NODE_H + GRID - r.y),
            )
        })
}

pub fn region_at(d: &Diagram, x: f64, y: f64) -> Option<String> {
    use super::geometry::{NODE_H, NODE_W};
    let (cx, cy) = (x + NODE_W / 2.0, y + NODE_H / 2.0);
    d.regions
        .iter()
        .filter(|r| cx >= r.x && cx <= r.x + r.w && cy >= r.y && cy <= r.y + r.h)
        .min_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h)))
        .map(|r| r.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::{NODE_H, NODE_W};
    use scaleboard_sim::diagram::{NodeSpec, ServerParams};
    use scaleboard_sim::dist::Rng;

    fn doc() -> Diagram {
        Diagram::from_json(include_str!("../../examples/basic.json")).unwrap()
    }

    fn random_command(d: &Diagram, rng: &mut Rng, counter: &mut u32) -> Command {
        let pick_node =
            |rng: &mut Rng| d.nodes[rng.below(d.nodes.len() as u64) as usize].id.clone();
        match rng.below(6) {
            0 => {
                *counter += 1;
                let n = Node::new(
                    format!("n{counter}"),
                    NodeSpec::Server(ServerParams::default()),
                )
                .at(rng.uniform() * 500.0, rng.uniform() * 500.0);
                let e = Edge::new("", d.nodes[0].id.clone(), n.id.clone());
                Command::add(d, vec![n], vec![e])
            }
            1 if d.nodes.len() > 1 => {
                let nodes = BTreeSet::from([pick_node(rng)]);
                Command::remove(d, &nodes, &BTreeSet::new())
            }
            2 => {
                let id = pick_node(rng);
                Command::move_nodes(d, &[(id, rng.uniform() * 900.0, 33.0)])
            }
            3 if !d.edges.is_empty() => {
                let e = &d.edges[rng.below(d.edges.len() as u64) as usize];
                let mut after = e.clone();
                after.latency_ms = rng.uniform() * 10.0;
                Command::set_edge(d, &e.name(), after).unwrap()
            }
            4 => {
                let mut w = d.workload.clone();
                w.traffic_scale = rng.uniform() * 3.0;
                Command::set_workload(d, w)
            }
            _ => {
                let mut n = d.nodes[rng.below(d.nodes.len() as u64) as usize].clone();
                n.label = format!("label {}", rng.below(100));
                Command::set_node(d, n).unwrap()
            }
        }
    }

    #[test]
    fn regions_are_added_below_the_drawing_relabelled_and_removed_with_their_members() {
        let d0 =
            Diagram::from_json(include_str!("../../examples/global-two-regions.json")).unwrap();
        let mut d = d0.clone();
        let (add, id) = Command::add_region(&d, |n| format!("Region {n}"));
        add.apply(&mut d).unwrap();
        assert_eq!(id, "region-1");
        let r = d.regions.last().unwrap().clone();
        assert!(
            d0.regions.iter().all(|o| r.y >= o.y + o.h),
            "below every frame"
        );
        assert_eq!(r.label, "Region 1");
        Command::relabel_region(&d, "region-1", "Seoul".into())
            .apply(&mut d)
            .unwrap();
        assert_eq!(d.regions.last().unwrap().label, "Seoul");
        // Removing eu-west drops its frame, its members' region and its round trips.
        Command::set_region_rtt(&d, "eu-west", "us-east", Some(90.0))
            .apply(&mut d)
            .unwrap();
        let before = d.clone();
        let remove = Command::remove_region(&d, "eu-west");
        remove.apply(&mut d).unwrap();
        assert!(d.regions.iter().all(|r| r.id != "eu-west"));
        assert!(d.region_latency.is_empty());
        assert!(d.nodes.iter().all(|n| n.region != "eu-west"));
        remove.inverse().apply(&mut d).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn moving_a_region_moves_its_members_with_it() {
        let d0 =
            Diagram::from_json(include_str!("../../examples/global-two-regions.json")).unwrap();
        let mut d = d0.clone();
        let c = Command::move_region(&d, "eu-west", 48.0, 96.0);
        c.apply(&mut d).unwrap();
        let (r0, r) = (d0.regions[1].clone(), d.regions[1].clone());
        assert_eq!((r.x, r.y), (r0.x + 48.0, r0.y + 96.0));
        for id in ["lb-eu", "api-eu"] {
            let (a, b) = (d0.node(id).unwrap(), d.node(id).unwrap());
            assert_eq!(
                (b.x, b.y, b.region.as_str()),
                (a.x + 48.0, a.y + 96.0, "eu-west")
            );
        }
        assert_eq!(
            d.node("lb-us"),
            d0.node("lb-us"),
            "other regions' members stay"
        );
        c.inverse().apply(&mut d).unwrap();
        assert_eq!(d, d0);
    }

    #[test]
    fn a_region_grows_freely_but_never_shrinks_past_its_members() {
        let d0 =
            Diagram::from_json(include_str!("../../examples/global-two-regions.json")).unwrap();
        let mut d = d0.clone();
        let r0 = d0.regions[1].clone();
        let grow = Command::resize_region(&d, "eu-west", r0.w + 240.0, r0.h + 96.0);
        grow.apply(&mut d).unwrap();
        assert_eq!(
            (d.regions[1].w, d.regions[1].h),
            (r0.w + 240.0, r0.h + 96.0)
        );
        assert_eq!((d.regions[1].x, d.regions[1].y), (r0.x, r0.y));
        // Asked to shrink to nothing, it stops where its cards still fit inside it, and every
        // member is still found in it.
        let grown = d.clone();
        let shrink = Command::resize_region(&d, "eu-west", 0.0, 0.0);
        shrink.apply(&mut d).unwrap();
        let r = d.regions[1].clone();
        assert!(r.w < r0.w && r.h <= r0.h, "{r:?} vs {r0:?}");
        for n in d.nodes.iter().filter(|n| n.region == "eu-west") {
            assert!(
                n.x + NODE_W <= r.x + r.w && n.y + NODE_H <= r.y + r.h,
                "{} sticks out",
                n.id
            );
            assert_eq!(region_at(&d, n.x, n.y).as_deref(), Some("eu-west"));
        }
        assert_eq!(d.regions[0], d0.regions[0], "the other frame stays");
        // Each resize is one undo step.
        shrink.inverse().apply(&mut d).unwrap();
        assert_eq!(d, grown);
        grow.inverse().apply(&mut d).unwrap();
        assert_eq!(d, d0);
    }

    #[test]
    fn a_round_trip_set_by_hand_overrides_the_table_and_undo_restores_it() {
        let d0 =
            Diagram::from_json(include_str!("../../examples/global-two-regions.json")).unwrap();
        let table = d0.rtt_ms("us-east", "eu-west");
        let mut d = d0.clone();
        let set = Command::set_region_rtt(&d, "eu-west", "us-east", Some(250.0));
        set.apply(&mut d).unwrap();
        assert_eq!(d.rtt_ms("us-east", "eu-west"), 250.0);
        let cleared = Command::set_region_rtt(&d, "us-east", "eu-west", None);
        cleared.apply(&mut d).unwrap();
        assert_eq!(d.rtt_ms("us-east", "eu-west"), table);
        cleared.inverse().apply(&mut d).unwrap();
        set.inverse().apply(&mut d).unwrap();
        assert_eq!(d, d0);
    }

    #[test]
    fn dragging_a_card_into_a_frame_puts_it_in_that_region_and_undo_takes_it_back() {
        let d0 =
            Diagram::from_json(include_str!("../../examples/global-two-regions.json")).unwrap();
        let eu = d0
            .regions
            .iter()
            .find(|r| r.id == "eu-west")
            .unwrap()
            .clone();
        let api = d0.nodes.iter().find(|n| n.id == "api-us").unwrap().clone();
        assert_eq!(api.region, "us-east");
        let mut d = d0.clone();
        let into_eu = Command::move_nodes(&d, &[("api-us".into(), eu.x + 20.0, eu.y + 40.0)]);
        into_eu.apply(&mut d).unwrap();
        assert_eq!(d.node("api-us").unwrap().region, "eu-west");
        // Out of every frame: no region.
        let out = Command::move_nodes(&d, &[("api-us".into(), -5_000.0, -5_000.0)]);
        out.apply(&mut d).unwrap();
        assert_eq!(d.node("api-us").unwrap().region, "");
        out.inverse().apply(&mut d).unwrap();
        into_eu.inverse().apply(&mut d).unwrap();
        assert_eq!(d, d0);
        // A traffic manager is global: moving it never puts it in a region.
        let gtm = Command::move_nodes(&d, &[("gtm".into(), eu.x + 20.0, eu.y + 40.0)]);
        gtm.apply(&mut d).unwrap();
        assert_eq!(d.node("gtm").unwrap().region, "");
    }

    /// Undoing any sequence of commands, one by one, restores every earlier document exactly.
    #[test]
    fn undo_restores_every_earlier_document_exactly() {
        let mut rng = Rng::seed(4);
        let mut counter = 0;
        for _ in 0..50 {
            let mut d = doc();
            let mut states = vec![d.clone()];
            let mut applied = Vec::new();
            for _ in 0..20 {
                let c = random_command(&d, &mut rng, &mut counter);
                c.apply(&mut d).unwrap();
                states.push(d.clone());
                applied.push(c);
            }
            while let Some(c) = applied.pop() {
                states.pop();
                c.inverse().apply(&mut d).unwrap();
                assert_eq!(&d, states.last().unwrap());
            }
        }
    }

    #[test]
    fn removing_a_node_removes_its_edges_and_undo_puts_both_back() {
        let mut d = doc();
        let before = d.clone();
        let c = Command::remove(&d, &BTreeSet::from(["lb".to_string()]), &BTreeSet::new());
        c.apply(&mut d).unwrap();
        assert!(d.node("lb").is_none());
        assert!(d.edges.is_empty(), "both edges touched the balancer");
        c.inverse().apply(&mut d).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn a_command_for_another_document_is_refused_whole() {
        let mut d = doc();
        let c = Command::remove(&d, &BTreeSet::from(["api".to_string()]), &BTreeSet::new());
        c.apply(&mut d).unwrap();
        let snapshot = d.clone();
        assert!(c.apply(&mut d).is_err(), "applying twice cannot work");
        assert_eq!(d, snapshot, "and it changed nothing");
    }

    #[test]
    fn removing_a_node_takes_its_scripted_failures_along_and_undo_restores_them() {
        let mut d = Diagram::from_json(include_str!("../../examples/health-checks.json")).unwrap();
        let before = d.clone();
        assert_eq!(d.chaos.len(), 3);
        let c = Command::remove(&d, &BTreeSet::from(["api".to_string()]), &BTreeSet::new());
        c.apply(&mut d).unwrap();
        // The kill/revive of api go; the balancer's kill stays; nothing dangles.
        assert_eq!(d.chaos.len(), 1);
        assert_eq!(d.chaos[0].action.node(), Some("lb"));
        assert!(
            !d.errors()
                .iter()
                .any(|p| format!("{p:?}").contains("chaos")),
            "{:?}",
            d.errors()
        );
        c.inverse().apply(&mut d).unwrap();
        assert_eq!(d, before);
        let slo = Command::set_slo(
            &d,
            Slo {
                availability: 0.99,
                p99_ms: 50.0,
            },
        );
        slo.apply(&mut d).unwrap();
        assert_eq!(d.slo.p99_ms, 50.0);
        slo.inverse().apply(&mut d).unwrap();
        assert_eq!(d, before);
    }
}
