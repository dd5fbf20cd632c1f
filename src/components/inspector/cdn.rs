//! Inspector of a CDN: the edge caches (one per users' region) and the optional shield.

use super::fields::section;
use super::node::{Ctx, Text, U32};
use crate::i18n::tr;
use scaleboard_sim::diagram::{CdnParams, Node, NodeSpec};
use yew::prelude::*;

/// Applies `f` to the parameters if the node is a CDN.
fn cdn<T>(f: impl Fn(&mut CdnParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Cdn(p) = &mut n.spec {
            f(p, v)
        }
    }
}

pub(super) fn params(cx: &Ctx, p: &CdnParams) -> Html {
    let l = cx.lang;
    let d = CdnParams::default();
    let edges = html! {
        <>
            { cx.count("params.capacity_keys", Text {
                label: tr(l, "Edge capacity"), unit: tr(l, "keys per region"),
                help: tr(l, "Objects each region's edge cache keeps; the least recently used is evicted first."),
            }, p.capacity_keys, d.capacity_keys, U32, cdn(|p, v| p.capacity_keys = v)) }
            { cx.num("params.ttl_ms", Text {
                label: tr(l, "TTL"), unit: "ms",
                help: tr(l, "A cached copy expires this long after it was stored; 0 = never."),
            }, p.ttl_ms, d.ttl_ms, cdn(|p, v| p.ttl_ms = v)) }
            { cx.num("params.edge_latency_ms", Text {
                label: tr(l, "Edge latency"), unit: "ms",
                help: tr(l, "Time for an edge location near the user to answer a hit."),
            }, p.edge_latency_ms, d.edge_latency_ms, cdn(|p, v| p.edge_latency_ms = v)) }
            { cx.check("params.shield", tr(l, "Origin shield"),
                tr(l, "One shared cache next to the origin: edge misses from every region try it before the origin."),
                p.shield, cdn(|p, v| p.shield = v)) }
        </>
    };
    html! { { section(tr(l, "Edge caches"), edges) } }
}
