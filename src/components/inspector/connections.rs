//! A client's long-lived connections (WebSocket-like): off, or connects per second, how long
//! a connection stays open and the messages each carries.

use super::fields::section;
use super::node::{Ctx, Text};
use crate::i18n::tr;
use scaleboard_sim::diagram::{ClientParams, ConnectionParams, Node, NodeSpec};
use yew::prelude::*;

/// Applies `f` to the connection settings if the node is a client that uses them.
fn conn<T>(f: impl Fn(&mut ConnectionParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Client(p) = &mut n.spec {
            if let Some(k) = &mut p.connections {
                f(k, v)
            }
        }
    }
}

pub(super) fn view(cx: &Ctx, p: &ClientParams) -> Html {
    let l = cx.lang;
    let d = ConnectionParams::default();
    let toggle = cx.check(
        "params.connections",
        tr(l, "Long-lived connections"),
        tr(l, "Users keep a connection open (like a WebSocket) and send messages over it. The load balancer pins each connection to one backend when it opens; the request rate is then not used."),
        p.connections.is_some(),
        |n: &mut Node, on: bool| {
            if let NodeSpec::Client(p) = &mut n.spec {
                p.connections = on.then(|| p.connections.clone().unwrap_or_default());
            }
        },
    );
    let body = html! {
        <>
            { toggle }
            if let Some(k) = &p.connections {
                <div class="insp-subfields">
                    { cx.num("params.connections.connect_rate_per_s", Text {
                        label: tr(l, "New connections"), unit: tr(l, "per second"),
                        help: tr(l, "Connections users open per second on average (follows the traffic shape)."),
                    }, k.connect_rate_per_s, d.connect_rate_per_s, conn(|k, v| k.connect_rate_per_s = v)) }
                    { cx.positive("params.connections.lifetime_s", Text {
                        label: tr(l, "Connection lifetime"), unit: "s",
                        help: tr(l, "How long a connection stays open on average. Long ones keep the backend they got when they opened."),
                    }, k.lifetime_s, d.lifetime_s, conn(|k, v| k.lifetime_s = v)) }
                    { cx.num("params.connections.messages_per_s", Text {
                        label: tr(l, "Messages per connection"), unit: tr(l, "per second"),
                        help: tr(l, "Messages each open connection sends per second; each is a request to its backend."),
                    }, k.messages_per_s, d.messages_per_s, conn(|k, v| k.messages_per_s = v)) }
                </div>
            }
        </>
    };
    section(tr(l, "Connections"), body)
}
