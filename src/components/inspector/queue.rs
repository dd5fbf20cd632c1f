//! Inspector of a message queue: the consumer group's concurrency and what happens to a
//! message that is not acknowledged (redelivery, dead-letter queue, retention).

use super::fields::section;
use super::node::{Ctx, Text, U32};
use crate::i18n::tr;
use scaleboard_sim::diagram::{Node, NodeSpec, QueueParams};
use yew::prelude::*;

/// Applies `f` to the parameters if the node is a queue.
fn queue<T>(f: impl Fn(&mut QueueParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Queue(p) = &mut n.spec {
            f(p, v)
        }
    }
}

pub(super) fn params(cx: &Ctx, p: &QueueParams) -> Html {
    let l = cx.lang;
    let d = QueueParams::default();
    let consumers = html! {
        <>
            { cx.count("params.consumers", Text {
                label: tr(l, "Consumers"), unit: tr(l, "in flight at once"),
                help: tr(l, "Messages the consumer group works on at the same time, over all the queue's outgoing connections. Too few and the backlog grows."),
            }, p.consumers as u64, d.consumers as u64, U32, queue(|p, v| p.consumers = v as u32)) }
            { cx.num("params.enqueue_ms", Text {
                label: tr(l, "Enqueue time"), unit: "ms",
                help: tr(l, "Time to store a message and answer its producer: all the user waits for."),
            }, p.enqueue_ms, d.enqueue_ms, queue(|p, v| p.enqueue_ms = v)) }
            { cx.count("params.capacity", Text {
                label: tr(l, "Capacity"), unit: tr(l, "messages"),
                help: tr(l, "Messages the queue holds at most; beyond it producers get 503."),
            }, p.capacity, d.capacity, u64::MAX, queue(|p, v| p.capacity = v)) }
        </>
    };
    let delivery = html! {
        <>
            { cx.num("params.visibility_timeout_ms", Text {
                label: tr(l, "Visibility timeout"), unit: "ms",
                help: tr(l, "A delivered message not acknowledged within this long is delivered again (at least once)."),
            }, p.visibility_timeout_ms, d.visibility_timeout_ms, queue(|p, v| p.visibility_timeout_ms = v)) }
            { cx.count("params.max_attempts", Text {
                label: tr(l, "Attempts before the DLQ"), unit: "",
                help: tr(l, "Deliveries of one message before it is moved to the dead-letter queue."),
            }, p.max_attempts as u64, d.max_attempts as u64, U32, queue(|p, v| p.max_attempts = v as u32)) }
            { cx.num("params.retention_s", Text {
                label: tr(l, "Retention"), unit: "s",
                help: tr(l, "Messages older than this are dropped unprocessed; 0 = kept for ever."),
            }, p.retention_s, d.retention_s, queue(|p, v| p.retention_s = v)) }
            { cx.check("params.idempotent", tr(l, "Idempotent consumers"),
                tr(l, "Consumers remember what they applied, so a message delivered twice does no harm (duplicates are absorbed)."),
                p.idempotent, queue(|p, v| p.idempotent = v)) }
        </>
    };
    html! {
        <>
            { section(tr(l, "Consumer group"), consumers) }
            { section(tr(l, "Delivery"), delivery) }
        </>
    }
}
