//! Failure injection: killing and reviving nodes, instances and whole availability zones,
//! slowing nodes down, injecting errors, cutting edges or zones off the network, traffic spikes
//! — instantly (from the canvas) or scripted on the diagram's chaos timeline.

use super::jobs::{Cause, JobRef, Phase};
use super::node::Model;
use super::{Ev, LogEvent, LogWhat, Simulation};
use crate::diagram::ChaosAction;
use crate::time::{ms_to_ns, secs_to_ns};

/// Log lines kept for a caller that never drains them (the CLI).
const LOG_LIMIT: usize = 1_000;

impl Simulation {
    pub(super) fn log(&mut self, node: u32, what: LogWhat) {
        let node = self.node_id(node).unwrap_or("?").to_owned();
        if self.core.log.len() >= LOG_LIMIT {
            self.core.log.remove(0);
        }
        self.core.log.push(LogEvent {
            at: self.core.now,
            node,
            what,
        });
    }

    /// Moves what the system did on its own since the last call into `out`.
    pub fn drain_log(&mut self, out: &mut Vec<LogEvent>) {
        out.append(&mut self.core.log);
    }

    fn slot(&self, id: &str) -> Result<u32, String> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| format!("there is no node '{id}'"))
    }

    /// Kills or revives one instance of a server group, or one member of a database or of a
    /// cache cluster.
    pub fn set_instance_up(&mut self, id: &str, instance: u32, up: bool) -> Result<(), String> {
        let n = self.slot(id)?;
        if let Model::Cache(_) = self.nodes[n as usize].model {
            return self.set_cache_member_up(n, instance, up);
        }
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        let was = match &mut node.model {
            Model::Server(s) => {
                let inst = s
                    .instances
                    .get_mut(instance as usize)
                    .ok_or_else(|| format!("'{id}' has no instance {instance}"))?;
                let was = inst.up;
                inst.up = up;
                if !up {
                    inst.busy = 0;
                    inst.queue.clear();
                }
                was
            }
            Model::Database(d) => {
                let m = d
                    .members
                    .get_mut(instance as usize)
                    .ok_or_else(|| format!("'{id}' has no member {instance}"))?;
                let was = m.up;
                m.up = up;
                m.down_since = (!up).then_some(now);
                if !up {
                    m.busy = 0;
                    m.queue.clear();
                }
                was
            }
            _ => return self.set_up(id, up),
        };
        if was == up {
            return Ok(());
        }
        if !up {
            let held: Vec<JobRef> = self
                .core
                .jobs
                .iter_live()
                .filter(|(_, j)| {
                    j.node == n
                        && j.instance == instance
                        && matches!(j.phase, Phase::Queued | Phase::InService | Phase::Waiting)
                })
                .map(|(r, _)| r)
                .collect();
            self.abort_jobs(n, held, Cause::NodeDown);
            self.after_member_died(n, instance);
            self.drop_connections_at(n, Some(instance));
        }
        self.refresh_capacity(n);
        self.rebuild_backends();
        Ok(())
    }

    /// A database member died: what it had not shipped yet never reaches the others, and if
    /// it was a primary with failover on, a promotion is scheduled.
    fn after_member_died(&mut self, n: u32, member: u32) {
        let now = self.core.now;
        if let Model::Database(d) = &mut self.nodes[n as usize].model {
            d.unshipped(member, now);
        }
        if let Model::Database(d) = &self.nodes[n as usize].model {
            if d.params.failover && d.is_primary(member) {
                let delay = ms_to_ns(d.params.failover_detect_ms + d.params.failover_promote_ms);
                self.core
                    .queue
                    .push(self.core.now + delay, Ev::Promote { node: n, member });
            }
        }
    }

    /// The zone of instance `i` of node `n`: its own placement, else the node's zone.
    pub(super) fn instance_zone(&self, n: u32, i: usize) -> &str {
        let node = &self.nodes[n as usize];
        let zones = match &node.model {
            Model::Server(s) => &s.params.zones,
            Model::Database(d) => &d.params.zones,
            _ => return &node.zone,
        };
        if zones.is_empty() {
            &node.zone
        } else {
            &zones[i % zones.len()]
        }
    }

    /// An availability-zone outage (or its end): every node, instance and member in `zone`.
    pub fn set_zone_up(&mut self, zone: &str, up: bool) {
        for n in 0..self.nodes.len() as u32 {
            let count = match &self.nodes[n as usize].model {
                Model::Server(s) => s.instances.len(),
                Model::Database(d) => d.members.len(),
                Model::Removed => continue,
                _ => 0,
            };
            if count == 0 {
                if self.nodes[n as usize].zone == zone {
                    let id = self.nodes[n as usize].id.clone();
                    let _ = self.set_up(&id, up);
                }
                continue;
            }
            let id = self.nodes[n as usize].id.clone();
            for i in 0..count {
                if self.instance_zone(n, i) == zone {
                    let _ = self.set_instance_up(&id, i as u32, up);
                }
            }
        }
    }

    /// Service times of a node are multiplied by `factor` (1 = normal).
    pub fn set_slow(&mut self, id: &str, factor: f64) -> Result<(), String> {
        let n = self.slot(id)?;
        let node = &mut self.nodes[n as usize];
        node.slow = factor.max(0.0);
        match &mut node.model {
            Model::Server(s) => s.slow = node.slow,
            Model::Database(d) => d.slow = node.slow,
            _ => {}
        }
        Ok(())
    }

    /// A node fails this fraction of arriving requests (0 = normal).
    pub fn set_error_rate(&mut self, id: &str, rate: f64) -> Result<(), String> {
        let n = self.slot(id)?;
        self.nodes[n as usize].error_rate = rate.clamp(0.0, 1.0);
        Ok(())
    }

    /// Cuts (or heals) the edge named `name` (its id, or from→to).
    pub fn set_edge_cut(&mut self, name: &str, cut: bool) -> Result<(), String> {
        if !self.diagram.edges.iter().any(|e| e.name() == name) {
            return Err(format!("there is no edge '{name}'"));
        }
        if cut {
            self.core.cut_edges.insert(name.to_owned());
        } else {
            self.core.cut_edges.remove(name);
        }
        self.recompute_cuts();
        Ok(())
    }

    /// Cuts `zone` off from every node outside it (or heals it).
    pub fn set_zone_cut(&mut self, zone: &str, cut: bool) {
        if cut {
            self.core.cut_zones.insert(zone.to_owned());
        } else {
            self.core.cut_zones.remove(zone);
        }
        self.recompute_cuts();
        self.partitions_changed();
    }

    /// Cuts `region` off from every other region (or heals it): edges crossing its boundary,
    /// and the replication of databases in a partition mode whose members it splits.
    pub fn set_region_cut(&mut self, region: &str, cut: bool) {
        if cut {
            self.core.cut_regions.insert(region.to_owned());
        } else {
            self.core.cut_regions.remove(region);
        }
        self.recompute_cuts();
        self.partitions_changed();
    }

    /// The name of the region with index `r` ("" for none).
    pub(super) fn region_name(&self, r: u32) -> &str {
        self.core
            .regions
            .ids
            .get(r as usize)
            .map_or("", String::as_str)
    }

    /// Marks every outgoing edge that crosses a cut.
    pub(super) fn recompute_cuts(&mut self) {
        let zones: Vec<String> = self.nodes.iter().map(|n| n.zone.clone()).collect();
        let regions: Vec<u32> = self.nodes.iter().map(|n| n.region).collect();
        let cut_regions: Vec<bool> = (0..self.core.regions.ids.len() as u32)
            .map(|r| self.core.cut_regions.contains(self.region_name(r)))
            .collect();
        let region_cut = |a: u32, b: u32| {
            a != b
                && (cut_regions.get(a as usize) == Some(&true)
                    || cut_regions.get(b as usize) == Some(&true))
        };
        // A database in a partition mode is not cut off as a whole: each caller reaches the
        // members on its own side (see partition.rs).
        let split_aware: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| matches!(&n.model, Model::Database(d) if !d.params.partition_mode.is_ignore()))
            .collect();
        for (from, node) in self.nodes.iter_mut().enumerate() {
            for o in &mut node.out {
                let name = self
                    .core
                    .edges
                    .get(o.edge as usize)
                    .map(|e| e.name.as_str());
                let (a, b) = (&zones[from], &zones[o.target as usize]);
                let zone_cut = a != b
                    && !split_aware[o.target as usize]
                    && (self.core.cut_zones.contains(a.as_str())
                        || self.core.cut_zones.contains(b.as_str()));
                let region_cut = !split_aware[o.target as usize]
                    && region_cut(regions[from], regions[o.target as usize]);
                o.cut =
                    zone_cut || region_cut || name.is_some_and(|n| self.core.cut_edges.contains(n));
            }
        }
    }

    /// Multiplies every client's rate (a traffic spike; 1 = normal).
    pub fn set_traffic_factor(&mut self, factor: f64) {
        self.core.traffic_factor = factor.max(0.0);
        let d = self.diagram.clone();
        self.apply_diagram(&d);
    }

    /// (Re)schedules the diagram's chaos timeline from now on.
    pub(super) fn schedule_chaos(&mut self) {
        self.core.chaos_epoch = self.core.chaos_epoch.wrapping_add(1);
        let now = self.core.now;
        for (i, e) in self.diagram.chaos.iter().enumerate() {
            let at = secs_to_ns(e.at_s);
            if at >= now {
                self.core.queue.push(
                    at,
                    Ev::Chaos {
                        index: i as u32,
                        epoch: self.core.chaos_epoch,
                    },
                );
            }
        }
    }

    pub(super) fn on_chaos(&mut self, index: u32, epoch: u32) {
        if epoch != self.core.chaos_epoch {
            return;
        }
        let Some(e) = self.diagram.chaos.get(index as usize).cloned() else {
            return;
        };
        if self.apply_chaos(&e.action).is_ok() {
            let at = self
                .index
                .get(chaos_subject(&e.action))
                .copied()
                .unwrap_or(u32::MAX);
            self.log(at, LogWhat::Chaos { action: e.action });
        }
    }

    /// Carries out a chaos action now.
    pub fn apply_chaos(&mut self, action: &ChaosAction) -> Result<(), String> {
        match action {
            ChaosAction::Kill { node, instance } | ChaosAction::Revive { node, instance } => {
                let up = matches!(action, ChaosAction::Revive { .. });
                match instance {
                    Some(i) => self.set_instance_up(node, *i, up),
                    None => self.set_up(node, up),
                }
            }
            ChaosAction::Slow { node, factor } => self.set_slow(node, *factor),
            ChaosAction::Errors { node, rate } => self.set_error_rate(node, *rate),
            ChaosAction::Partition { edge } => self.set_edge_cut(edge, true),
            ChaosAction::Heal { edge } => self.set_edge_cut(edge, false),
            ChaosAction::PartitionZone { zone } => {
                self.set_zone_cut(zone, true);
                Ok(())
            }
            ChaosAction::HealZone { zone } => {
                self.set_zone_cut(zone, false);
                Ok(())
            }
            ChaosAction::KillZone { zone } => {
                self.set_zone_up(zone, false);
                Ok(())
            }
            ChaosAction::PartitionRegion { region } => {
                self.set_region_cut(region, true);
                Ok(())
            }
            ChaosAction::HealRegion { region } => {
                self.set_region_cut(region, false);
                Ok(())
            }
            ChaosAction::ReviveZone { zone } => {
                self.set_zone_up(zone, true);
                Ok(())
            }
            ChaosAction::Traffic { factor } => {
                self.set_traffic_factor(*factor);
                Ok(())
            }
        }
    }

    /// Chaos state of a node, for the UI: (slow factor, error rate).
    pub fn chaos_state(&self, id: &str) -> Option<(f64, f64)> {
        let n = *self.index.get(id)?;
        let node = &self.nodes[n as usize];
        Some((node.slow, node.error_rate))
    }

    /// Edges cut by a partition now (by name).
    pub fn cut_edges(&self) -> Vec<String> {
        self.nodes
            .iter()
            .flat_map(|n| n.out.iter())
            .filter(|o| o.cut)
            .filter_map(|o| self.core.edges.get(o.edge as usize).map(|e| e.name.clone()))
            .collect()
    }

    pub fn traffic_factor(&self) -> f64 {
        self.core.traffic_factor
    }
}

/// The node a chaos action is about (for the log), or "" for zones and traffic.
fn chaos_subject(a: &ChaosAction) -> &str {
    match a {
        ChaosAction::Kill { node, .. }
        | ChaosAction::Revive { node, .. }
        | ChaosAction::Slow { node, .. }
        | ChaosAction::Errors { node, .. } => node,
        _ => "",
    }
}
