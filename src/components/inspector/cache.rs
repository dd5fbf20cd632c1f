//! Inspector of a cache, beyond one LRU: the eviction policy, and the cluster — how many
//! members, and how clients pick a key's member (modulo or consistent hashing).

use super::check::{from_slug, slug_of, CACHE_HASHINGS, EVICTIONS};
use super::fields::section;
use super::node::{Ctx, Text};
use crate::i18n::{tr, Lang};
use scaleboard_sim::diagram::{CacheHashing, CacheParams, Eviction, Node, NodeSpec};
use yew::prelude::*;

/// Applies `f` to the parameters if the node is a cache.
fn cache<T>(f: impl Fn(&mut CacheParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Cache(p) = &mut n.spec {
            f(p, v)
        }
    }
}

pub(super) fn eviction_name(l: Lang, e: Eviction) -> &'static str {
    match e {
        Eviction::Lru => tr(l, "LRU (least recently used)"),
        Eviction::Lfu => tr(l, "LFU (least frequently used)"),
        Eviction::Fifo => tr(l, "FIFO (oldest first)"),
        Eviction::Random => tr(l, "Random"),
    }
}

fn eviction_help(l: Lang, e: Eviction) -> &'static str {
    match e {
        Eviction::Lru => tr(
            l,
            "When full, the key untouched the longest goes. Follows changes in popularity quickly.",
        ),
        Eviction::Lfu => tr(
            l,
            "When full, the key requested the fewest times goes; a newcomer requested less often than every key held is not stored. Keeps the most popular keys, but is slow to forget yesterday's favourites.",
        ),
        Eviction::Fifo => tr(
            l,
            "When full, the key stored first goes, however often it is read: a hot key is thrown out as readily as a cold one.",
        ),
        Eviction::Random => tr(
            l,
            "When full, a key chosen at random goes. Hits as often as FIFO under independent requests, with no bookkeeping at all.",
        ),
    }
}

fn hashing_name(l: Lang, h: CacheHashing) -> &'static str {
    match h {
        CacheHashing::Consistent => tr(l, "Consistent hashing"),
        CacheHashing::Modulo => tr(l, "Modulo (hash mod N)"),
    }
}

fn hashing_help(l: Lang, h: CacheHashing) -> &'static str {
    match h {
        CacheHashing::Consistent => tr(
            l,
            "Each member owns arcs of a hash ring: when one leaves, only its keys move (about 1/N of them).",
        ),
        CacheHashing::Modulo => tr(
            l,
            "Member = hash(key) mod (members up): even, but when one leaves almost every key moves and misses.",
        ),
    }
}

/// The eviction policy (every cache) and the cluster's members and hashing.
pub(super) fn params(cx: &Ctx, p: &CacheParams) -> Html {
    let l = cx.lang;
    let d = CacheParams::default();
    let evictions = EVICTIONS
        .iter()
        .map(|&(e, slug)| (slug, eviction_name(l, e).to_owned()))
        .collect();
    let hashings = CACHE_HASHINGS
        .iter()
        .map(|&(h, slug)| (slug, hashing_name(l, h).to_owned()))
        .collect();
    let eviction = html! {
        { cx.select("params.eviction", tr(l, "Eviction policy"),
            eviction_help(l, p.eviction), slug_of(&EVICTIONS, p.eviction), evictions,
            cache(|p, slug: String| {
                if let Some(e) = from_slug(&EVICTIONS, &slug) {
                    p.eviction = e;
                }
            })) }
    };
    let cluster = html! {
        <>
            { cx.count("params.members", Text {
                label: tr(l, "Members"), unit: tr(l, "cache servers"),
                help: tr(l, "Cache servers the keys are spread over; each holds its own keys and costs its own price. Kill one from the right-click menu to see its keys miss."),
            }, p.members as u64, d.members as u64, 64, cache(|p, v| p.members = v as u32)) }
            if p.members > 1 {
                { cx.select("params.hashing", tr(l, "Key placement"),
                    hashing_help(l, p.hashing), slug_of(&CACHE_HASHINGS, p.hashing), hashings,
                    cache(|p, slug: String| {
                        if let Some(h) = from_slug(&CACHE_HASHINGS, &slug) {
                            p.hashing = h;
                        }
                    })) }
                if p.hashing == CacheHashing::Consistent {
                    { cx.count("params.virtual_nodes", Text {
                        label: tr(l, "Virtual nodes"), unit: tr(l, "per member"),
                        help: tr(l, "Points per member on the hash ring; more points spread keys more evenly."),
                    }, p.virtual_nodes as u64, d.virtual_nodes as u64, super::node::U32,
                       cache(|p, v| p.virtual_nodes = v as u32)) }
                }
            }
        </>
    };
    html! {
        <>
            { section(tr(l, "Eviction"), eviction) }
            { section(tr(l, "Cluster"), cluster) }
        </>
    }
}
