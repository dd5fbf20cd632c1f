//! Regions at run time: each node's region as an index, and the one-way delay between regions.
//!
//! The table is resolved once whenever the diagram changes; the delay between two regions is
//! folded into each crossing edge's base latency (see `rebuild_edges`), so a request pays it
//! without any work per event, and a diagram without regions pays nothing at all.

use super::jobs::NONE;
use crate::diagram::Diagram;
use crate::time::{ms_to_ns, Time};

#[derive(Clone, Debug, Default)]
pub(crate) struct Regions {
    /// Region ids, in the diagram's order.
    pub ids: Vec<String>,
    /// Round trip between regions i and j, at `i * n + j`.
    rtt: Vec<Time>,
}

impl Regions {
    pub fn build(d: &Diagram) -> Regions {
        let ids: Vec<String> = d.regions.iter().map(|r| r.id.clone()).collect();
        let n = ids.len();
        let mut rtt = vec![0; n * n];
        for (i, a) in ids.iter().enumerate() {
            for (j, b) in ids.iter().enumerate() {
                rtt[i * n + j] = ms_to_ns(d.rtt_ms(a, b));
            }
        }
        Regions { ids, rtt }
    }

    /// The index of region `id`, or NONE for no region (or one the diagram does not declare,
    /// which validation refuses).
    pub fn index(&self, id: &str) -> u32 {
        if id.is_empty() {
            return NONE;
        }
        self.ids
            .iter()
            .position(|r| r == id)
            .map_or(NONE, |i| i as u32)
    }

    /// Round trip between two regions; 0 when either is NONE or they are the same.
    pub fn rtt(&self, a: u32, b: u32) -> Time {
        let n = self.ids.len();
        if a == NONE || b == NONE || a as usize >= n || b as usize >= n {
            return 0;
        }
        self.rtt[a as usize * n + b as usize]
    }

    /// What a message pays one way between two regions: half the round trip.
    pub fn one_way(&self, a: u32, b: u32) -> Time {
        self.rtt(a, b) / 2
    }
}
