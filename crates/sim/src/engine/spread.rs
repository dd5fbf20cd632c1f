//! Where requests went: per load balancer, the requests each backend got since warm-up, the
//! sticky users pinned to it and the long-lived connections open on it now.

use super::connection::ConnectionCounts;
use super::jobs::NONE;
use super::node::{Model, NodeRt};
use super::Simulation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One balancer's distribution over its backends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BalancerReport {
    /// In the balancer's backend order.
    pub backends: Vec<BackendShare>,
    /// Requests sent since warm-up to backends that have since left (scaled in, removed).
    pub departed_requests: u64,
    /// Long-lived connections through this balancer since the start (clients using them only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<ConnectionCounts>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendShare {
    /// "node#instance" for server instances, else the node id.
    pub backend: String,
    /// Requests sent to it since warm-up.
    pub requests: u64,
    /// Of all requests the balancer sent since warm-up (those to departed backends included).
    pub share: f64,
    /// Users (sessions) pinned to it now, with sticky sessions on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sticky_users: Option<u64>,
    /// Long-lived connections open on it now, and ever pinned to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_connections: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections_opened: Option<u64>,
}

impl Simulation {
    /// The distribution of balancer `node` (slot `n`), or `None` for other kinds.
    pub(super) fn balancer_report(&self, n: u32, node: &NodeRt) -> Option<BalancerReport> {
        let Model::Balancer(lb) = &node.model else {
            return None;
        };
        let sent: u64 = lb.sent.iter().sum::<u64>() + lb.sent_departed;
        let sticky = lb.params.sticky_sessions.then(|| {
            let mut per: BTreeMap<u64, u64> = BTreeMap::new();
            // Counting: the order HashMap iterates in cannot matter.
            for id in lb.sticky.values() {
                *per.entry(*id).or_insert(0) += 1;
            }
            per
        });
        // Balancers that clients with connections send to report them (zeros before the
        // first connect), and those that have carried some.
        let fresh = super::connection::AtBalancer::default();
        let conns = self
            .conns
            .balancers
            .get(&n)
            .or_else(|| self.connections_through(n).then_some(&fresh));
        let backends = lb
            .backends
            .iter()
            .zip(&lb.sent)
            .map(|(b, &requests)| {
                let target = node
                    .out
                    .get(b.out as usize)
                    .and_then(|o| self.node_id(o.target))
                    .unwrap_or("?");
                BackendShare {
                    backend: if b.instance == NONE {
                        target.to_owned()
                    } else {
                        format!("{target}#{}", b.instance)
                    },
                    requests,
                    share: if sent > 0 {
                        requests as f64 / sent as f64
                    } else {
                        0.0
                    },
                    sticky_users: sticky
                        .as_ref()
                        .map(|s| s.get(&b.identity).copied().unwrap_or(0)),
                    open_connections: conns.map(|c| c.open.get(&b.identity).copied().unwrap_or(0)),
                    connections_opened: conns
                        .map(|c| c.opened.get(&b.identity).copied().unwrap_or(0)),
                }
            })
            .collect();
        Some(BalancerReport {
            backends,
            departed_requests: lb.sent_departed,
            connections: conns.map(|c| c.counts),
        })
    }
}
