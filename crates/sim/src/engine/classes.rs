//! Request classes: `GET /static/*`, `POST /api/orders`… A client with classes draws one per
//! request by share; the class travels with every job of the request (a `u16` index into one
//! table on the simulation) and decides whether it writes, how much work it costs servers and
//! databases, whether caches may answer it, and where an L7 balancer routes it.
//!
//! A client without classes draws nothing extra: its requests carry [`NO_CLASS`] and behave
//! exactly as before classes existed (reads and writes by `read_ratio`, cost 1).

use super::jobs::Cause;
use super::node::Model;
use super::{Core, Simulation};
use crate::metrics::Histogram;
use crate::time::Time;
use std::collections::BTreeMap;

/// The class of a request from a client without classes.
pub(crate) const NO_CLASS: u16 = u16::MAX;

/// The path and host of a request without a class, as an L7 balancer sees it.
pub(crate) const DEFAULT_PATH: &str = "/";

/// One interned class of one client.
#[derive(Clone, Debug)]
pub(crate) struct ClassRt {
    pub client: u32,
    pub name: String,
    pub method: String,
    pub path: String,
    pub host: String,
    pub write: bool,
    pub cost: f64,
    pub cacheable: bool,
    pub stats: ClassStats,
}

/// What happened to a class's requests since warm-up.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClassStats {
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub failures: BTreeMap<Cause, u64>,
    pub latency: Histogram,
}

impl Core {
    /// Service-time multiplier of requests of `class`.
    #[inline]
    pub fn class_cost(&self, class: u16) -> f64 {
        if class == NO_CLASS {
            1.0
        } else {
            self.classes.get(class as usize).map_or(1.0, |c| c.cost)
        }
    }

    /// Whether a cache may answer (and keep) requests of `class`.
    #[inline]
    pub fn class_cacheable(&self, class: u16) -> bool {
        class == NO_CLASS || self.classes.get(class as usize).is_none_or(|c| c.cacheable)
    }

    /// The path and host of requests of `class`.
    pub fn class_route(&self, class: u16) -> (&str, &str) {
        match self.classes.get(class as usize) {
            Some(c) if class != NO_CLASS => (&c.path, &c.host),
            _ => (DEFAULT_PATH, ""),
        }
    }

    pub(super) fn class_generated(&mut self, class: u16) {
        if let Some(c) = self.classes.get_mut(class as usize) {
            c.stats.generated += 1;
        }
    }

    pub(super) fn class_completed(&mut self, class: u16, latency: Time) {
        if let Some(c) = self.classes.get_mut(class as usize) {
            c.stats.completed += 1;
            c.stats.latency.record(latency);
        }
    }

    pub(super) fn class_failed(&mut self, class: u16, cause: Cause) {
        if let Some(c) = self.classes.get_mut(class as usize) {
            c.stats.failed += 1;
            *c.stats.failures.entry(cause).or_insert(0) += 1;
        }
    }

    pub(super) fn reset_class_stats(&mut self) {
        for c in &mut self.classes {
            c.stats = ClassStats::default();
        }
    }
}

impl Simulation {
    /// Interns the classes of client `slot` into the simulation's table and gives the client
    /// their indices and cumulative shares. A class is identified by its client and name: a
    /// live edit of its method, path or cost updates it in place (its statistics go on), so the
    /// table grows only with new names.
    pub(super) fn intern_classes(&mut self, slot: u32) {
        let Model::Client(cl) = &self.nodes[slot as usize].model else {
            return;
        };
        let params = cl.params.classes.clone();
        let total: f64 = params
            .iter()
            .map(|c| c.share.max(0.0))
            .filter(|s| s.is_finite())
            .sum();
        let mut ids = Vec::with_capacity(params.len());
        let mut cum = Vec::with_capacity(params.len());
        let mut acc = 0.0;
        for p in &params {
            let def = ClassRt {
                client: slot,
                name: p.name.clone(),
                method: p.method.to_ascii_uppercase(),
                path: p.path.clone(),
                host: p.host.clone(),
                write: p.is_write(),
                cost: if p.cost.is_finite() {
                    p.cost.max(0.0)
                } else {
                    1.0
                },
                cacheable: p.is_cacheable(),
                stats: ClassStats::default(),
            };
            let table = &mut self.core.classes;
            let id = match table
                .iter()
                .position(|c| c.client == slot && c.name == def.name)
            {
                Some(i) => {
                    let stats = std::mem::take(&mut table[i].stats);
                    table[i] = ClassRt { stats, ..def };
                    i
                }
                // The table is bounded by validation (classes per client × nodes); past
                // u16 range a class is simply folded into the last slot.
                None if table.len() < NO_CLASS as usize => {
                    table.push(def);
                    table.len() - 1
                }
                None => table.len() - 1,
            };
            ids.push(id as u16);
            let share = if p.share.is_finite() {
                p.share.max(0.0)
            } else {
                0.0
            };
            acc += if total > 0.0 { share / total } else { 0.0 };
            cum.push(acc);
        }
        if let Model::Client(cl) = &mut self.nodes[slot as usize].model {
            cl.class_ids = ids;
            cl.class_cum = cum;
        }
    }
}

/// The index (into the client's classes) of the class a uniform draw `u` in [0, 1) picks, given
/// cumulative shares.
pub(crate) fn pick(cum: &[f64], u: f64) -> usize {
    cum.iter()
        .position(|&c| u < c)
        .unwrap_or(cum.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::pick;

    #[test]
    fn pick_follows_cumulative_shares() {
        let cum = [0.5, 0.8, 1.0];
        assert_eq!(pick(&cum, 0.0), 0);
        assert_eq!(pick(&cum, 0.49), 0);
        assert_eq!(pick(&cum, 0.5), 1);
        assert_eq!(pick(&cum, 0.79), 1);
        assert_eq!(pick(&cum, 0.99), 2);
        // Rounding of the last cumulative share never drops a draw.
        assert_eq!(pick(&[0.3, 0.999_999_9], 0.999_999_95), 1);
    }
}
