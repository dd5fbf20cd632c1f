//! Lesson markup as HTML: paragraphs, lists, emphasis, strong and code. Every piece of text
//! goes through Yew's escaping: a lesson can never inject HTML.

use scaleboard_sim::lesson::markup::{Block, Inline};
use yew::prelude::*;

fn inline(i: &Inline) -> Html {
    match i {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Emphasis(t) => html! { <em>{ t.clone() }</em> },
        Inline::Strong(t) => html! { <strong>{ t.clone() }</strong> },
        Inline::Code(t) => html! { <code>{ t.clone() }</code> },
    }
}

pub fn render(blocks: &[Block]) -> Html {
    html! {
        { for blocks.iter().map(|b| match b {
            Block::Paragraph(items) => html! { <p>{ for items.iter().map(inline) }</p> },
            Block::List(rows) => html! {
                <ul>{ for rows.iter().map(|r| html! { <li>{ for r.iter().map(inline) }</li> }) }</ul>
            },
        }) }
    }
}
