//! Embed mode (`…/?embed#<link>`): a design shown read-only inside another page's `<iframe>` —
//! only the canvas, play/pause, speed, the chaos-timeline scrubber and the key figures. It never
//! writes to the document store, the address bar or the saved preferences: an embed on a course
//! page must not touch the reader's own designs.

use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::state::{Action, SPEEDS};
use crate::stats::Stats;
use scaleboard_sim::Diagram;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// True when the page address asks for embed mode (`?embed`, with or without a value).
pub fn requested() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| asks_for_embed(&q))
}

/// `?embed`, `?embed=1`, `?a=b&embed`: the query names `embed`.
pub fn asks_for_embed(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|p| p.split('=').next() == Some("embed"))
}

/// The embed address of a share link: the same page and fragment, with `?embed` as its query.
pub fn embed_url(share_url: &str) -> String {
    let (page, fragment) = share_url.split_once('#').unwrap_or((share_url, ""));
    let page = page.split('?').next().unwrap_or(page);
    format!("{page}?embed#{fragment}")
}

/// The full editor's address of an embed (its own page without `?embed`).
pub fn editor_url(embed_url: &str) -> String {
    let (page, fragment) = embed_url.split_once('#').unwrap_or((embed_url, ""));
    let page = page.split('?').next().unwrap_or(page);
    format!("{page}#{fragment}")
}

/// The `<iframe>` to paste into a page (16:9, no border, loaded when scrolled near).
pub fn iframe_snippet(url: &str, title: &str) -> String {
    let attr = |s: &str| {
        s.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    format!(
        r#"<iframe src="{}" title="{}" width="800" height="450" style="border:0;max-width:100%" loading="lazy"></iframe>"#,
        attr(url),
        attr(title)
    )
}

/// Whether an embed lets `action` through: running and watching yes, any edit no. Everything
/// not named here (edits, undo, dialogs, lessons, menus, documents) is dropped, so a new edit
/// action is read-only in embeds unless added on purpose.
pub fn allowed(action: &Action) -> bool {
    matches!(
        action,
        Action::TogglePlay
            | Action::SetSpeed(_)
            | Action::Step
            | Action::Reset
            | Action::Seek(_)
            | Action::SetView(_)
            | Action::SetFittedView(_)
            | Action::KeepFitted
            | Action::Fit
            | Action::Load { .. }
            | Action::Escape
            | Action::Toast { .. }
            | Action::DismissToast(_)
            | Action::Log(_)
            | Action::Announce(_)
    )
}

#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    pub doc: Rc<Diagram>,
    pub running: bool,
    pub speed_index: usize,
    pub stats: Rc<Stats>,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

/// The embed's controls: play/pause, speed, the timeline scrubber with the chaos events marked
/// on it, the clock, and a link to open the design in the full editor.
#[function_component]
pub fn EmbedBar(props: &EmbedBarProps) -> Html {
    let lang = props.lang;
    let d = props.dispatch.clone();
    let play = Callback::from(move |_: MouseEvent| d.emit(Action::TogglePlay));
    let d = props.dispatch.clone();
    let on_speed = Callback::from(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        if let Ok(i) = s.value().parse::<usize>() {
            d.emit(Action::SetSpeed(i));
        }
    });
    let d = props.dispatch.clone();
    let on_scrub = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(t) = input.value().parse::<f64>() {
            d.emit(Action::Seek(t));
        }
    });
    let duration = props.doc.workload.duration_s.max(1.0);
    let time_s = props.stats.time_s;
    let editor = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| editor_url(&h))
        .unwrap_or_default();
    html! {
        <div class="embed-bar" data-testid="embed-bar">
            <button class={classes!("btn", "btn-primary", "btn-play", props.running.then_some("is-running"))}
                    data-testid="play" aria-pressed={props.running.to_string()} onclick={play}>
                { if props.running { tr(lang, "Pause") } else { tr(lang, "Play") } }
            </button>
            <label class="embed-speed">
                <span class="sr-only">{ tr(lang, "Speed") }</span>
                <select data-testid="speed-select" onchange={on_speed} aria-label={tr(lang, "Speed")}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == props.speed_index}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <div class="embed-timeline">
                <input type="range" data-testid="scrubber" min="0" max={format!("{}", duration.round())} step="1"
                       value={format!("{}", time_s.floor().min(duration))} onchange={on_scrub}
                       aria-label={tr(lang, "Timeline")} />
                { for props.doc.chaos.iter().filter(|c| c.at_s <= duration).map(|c| html! {
                    <span class="embed-chaos-mark" data-testid="chaos-mark"
                          style={format!("left:{:.2}%", 100.0 * c.at_s / duration)}
                          title={fill(tr(lang, "Chaos event at {}"), &[&format::clock(c.at_s)])}></span>
                }) }
            </div>
            <span class="embed-clock" data-testid="embed-clock">{ format::clock(time_s) }</span>
            <a class="embed-open" href={editor} target="_blank" rel="noopener" data-testid="embed-open">
                { tr(lang, "Open in Scaleboard") }
            </a>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_is_asked_for_by_the_query_only() {
        assert!(asks_for_embed("?embed"));
        assert!(asks_for_embed("?embed=1"));
        assert!(asks_for_embed("?a=b&embed"));
        assert!(!asks_for_embed(""));
        assert!(!asks_for_embed("?embedded"));
        assert!(!asks_for_embed("?a=embed"));
    }

    #[test]
    fn embed_and_editor_addresses_keep_the_link() {
        let share = "https://x.org/app/#5.abcDEF";
        let embed = embed_url(share);
        assert_eq!(embed, "https://x.org/app/?embed#5.abcDEF");
        assert_eq!(editor_url(&embed), share);
        // A query already in the share link's page is replaced, not stacked.
        assert_eq!(
            embed_url("https://x.org/?embed#5.a"),
            "https://x.org/?embed#5.a"
        );
    }

    #[test]
    fn the_snippet_is_one_escaped_iframe() {
        let s = iframe_snippet("https://x.org/?embed#5.a&b", "A \"quoted\" <design>");
        assert!(s.starts_with("<iframe src=\"https://x.org/?embed#5.a&amp;b\""));
        assert!(s.contains("title=\"A &quot;quoted&quot; &lt;design>\""));
        assert!(s.ends_with("</iframe>"));
    }

    #[test]
    fn an_embed_runs_but_never_edits() {
        use crate::editor::View;
        for a in [
            Action::TogglePlay,
            Action::SetSpeed(3),
            Action::Seek(12.0),
            Action::SetView(View {
                x: 0.0,
                y: 0.0,
                zoom: 1.0,
            }),
            Action::Fit,
        ] {
            assert!(allowed(&a), "{a:?}");
        }
        for a in [
            Action::DeleteSelection,
            Action::Undo,
            Action::MoveNodes(vec![("a".into(), 1.0, 2.0)]),
            Action::SetChaos(Vec::new()),
            Action::SetName("x".into()),
            Action::Paste(None),
            Action::OpenDialog(crate::state::Dialog::File),
            Action::SetLang(Lang::Ko),
        ] {
            assert!(!allowed(&a), "{a:?}");
        }
    }
}
