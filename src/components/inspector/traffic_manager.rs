//! Inspector of a global traffic manager: routing policy, anycast or DNS (with its TTL) and the
//! health probes whose timing decides how long users keep going to a dead region.

use super::fields::{note, section};
use super::node::{Ctx, Text, U32};
use crate::i18n::{fill, tr};
use scaleboard_sim::diagram::{Node, NodeSpec, RoutingPolicy, TrafficManagerParams};
use yew::prelude::*;

/// Applies `f` to the parameters if the node is a traffic manager.
fn tm<T>(f: impl Fn(&mut TrafficManagerParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::TrafficManager(p) = &mut n.spec {
            f(p, v)
        }
    }
}

pub(super) fn params(cx: &Ctx, p: &TrafficManagerParams) -> Html {
    let l = cx.lang;
    let d = TrafficManagerParams::default();
    let policies = vec![
        ("latency", tr(l, "Lowest latency").to_owned()),
        ("geo", tr(l, "Geolocation").to_owned()),
    ];
    let policy_slug = match p.policy {
        RoutingPolicy::Latency => "latency",
        RoutingPolicy::Geo => "geo",
    };
    let policy_help = match p.policy {
        RoutingPolicy::Latency => tr(
            l,
            "Each user goes to the healthy region with the shortest round trip from where they are.",
        ),
        RoutingPolicy::Geo => tr(
            l,
            "Each user goes to their own region while it is healthy, else to the first healthy target.",
        ),
    };
    // The failover window the learner will see: probes to notice, then cached answers to expire.
    let detect_s = p.probe_interval_ms / 1000.0 * f64::from(p.unhealthy_threshold);
    let window = if p.anycast {
        fill(
            tr(
                l,
                "After a region dies, traffic moves once {} s of failed probes have withdrawn it.",
            ),
            &[&crate::format::trim_num(detect_s)],
        )
    } else {
        fill(
            tr(l, "After a region dies, users keep going to it for up to {} s: {} s of failed probes, then up to {} s until their cached DNS answer expires."),
            &[
                &crate::format::trim_num(detect_s + p.dns_ttl_s),
                &crate::format::trim_num(detect_s),
                &crate::format::trim_num(p.dns_ttl_s),
            ],
        )
    };
    let routing = html! {
        <>
            { cx.select("params.policy", tr(l, "Routing"), policy_help, policy_slug, policies,
                tm(|p, v: String| p.policy = if v == "geo" { RoutingPolicy::Geo } else { RoutingPolicy::Latency })) }
            { cx.check("params.anycast", tr(l, "Anycast"),
                tr(l, "One address announced from every region: no DNS answer is cached, so traffic moves as soon as a region is withdrawn."),
                p.anycast, tm(|p, v| p.anycast = v)) }
            if !p.anycast {
                { cx.num("params.dns_ttl_s", Text {
                    label: tr(l, "DNS TTL"), unit: "s",
                    help: tr(l, "How long users' resolvers keep an answer: a dead region keeps getting traffic until it expires."),
                }, p.dns_ttl_s, d.dns_ttl_s, tm(|p, v| p.dns_ttl_s = v)) }
            }
        </>
    };
    let health = html! {
        <>
            { cx.num("params.probe_interval_ms", Text {
                label: tr(l, "Probe every"), unit: "ms",
                help: tr(l, "Time between health probes of each region."),
            }, p.probe_interval_ms, d.probe_interval_ms, tm(|p, v| p.probe_interval_ms = v)) }
            { cx.count("params.unhealthy_threshold", Text {
                label: tr(l, "Down after"), unit: tr(l, "failed probes"),
                help: tr(l, "Failed probes in a row before a region is taken out of the answers."),
            }, u64::from(p.unhealthy_threshold), u64::from(d.unhealthy_threshold), U32,
               tm(|p, v| p.unhealthy_threshold = v as u32)) }
            { cx.count("params.healthy_threshold", Text {
                label: tr(l, "Up after"), unit: tr(l, "good probes"),
                help: tr(l, "Good probes in a row before a region gets traffic again."),
            }, u64::from(p.healthy_threshold), u64::from(d.healthy_threshold), U32,
               tm(|p, v| p.healthy_threshold = v as u32)) }
            { note("failover-window", &window) }
        </>
    };
    html! {
        <>
            { section(tr(l, "Global routing"), routing) }
            { section(tr(l, "Health probes"), health) }
        </>
    }
}
