//! Comparing two variants of a design in the app: where a comparison comes from (the
//! small-vs-big example, the current design and a copy, an example as variant B), and how a
//! comparison link or file that cannot be opened is explained.
//!
//! The Examples menu asks for a comparison through its usual callback, with the slugs below
//! (no example has a `compare:` slug).

use crate::examples;
use crate::i18n::{fill, tr, Lang};
use scaleboard_link::CompareLinkError;
use scaleboard_sim::compare::{CompareError, Comparison, Labels, Side};
use scaleboard_sim::Diagram;

/// The Examples menu's item for the bundled comparison.
pub const SMALL_VS_BIG: &str = "compare:small-vs-big";
/// The Examples menu's item "Compare this design with…" (variant B starts as a copy).
pub const WITH_CURRENT: &str = "compare:current";

/// The bundled comparison: `examples/small.json` against `examples/big.json`, under the same
/// clients and seed, titles and labels in `lang`.
pub fn small_vs_big(lang: Lang) -> Option<Comparison> {
    let a = examples::find("small")?.diagram_in(lang)?;
    let b = examples::find("big")?.diagram_in(lang)?;
    Some(Comparison::new(
        a,
        b,
        Labels {
            a: tr(lang, "Small").into(),
            b: tr(lang, "Big").into(),
        },
    ))
}

/// The current design against a copy of itself: the start of "what if I change this?".
pub fn with_copy(doc: &Diagram, lang: Lang) -> Comparison {
    Comparison::new(
        doc.clone(),
        doc.clone(),
        Labels {
            a: tr(lang, "This design").into(),
            b: tr(lang, "Copy").into(),
        },
    )
}

/// `c` with variant B replaced by example `slug` (or by a copy of A), relabelled.
pub fn with_b(c: &Comparison, choice: &str, lang: Lang) -> Option<Comparison> {
    let (b, label) = if choice == "copy-a" {
        (c.a.clone(), tr(lang, "Copy").to_owned())
    } else {
        let ex = examples::find(choice)?;
        (ex.diagram_in(lang)?, ex.title(lang))
    };
    Some(Comparison::new(
        c.a.clone(),
        b,
        Labels {
            a: c.labels.a.clone(),
            b: label,
        },
    ))
}

/// How the page names a side: "A" or "B".
pub fn letter(side: Side) -> &'static str {
    side.letter()
}

/// A comparison link that cannot be opened, in `lang`: which half, and why.
pub fn link_error_text(lang: Lang, e: &CompareLinkError) -> String {
    let why = match e.side {
        Some(side) => fill(
            tr(lang, "variant {} of this comparison link is damaged: {}"),
            &[&letter(side), &e.error.0],
        ),
        None => fill(
            tr(lang, "this comparison link is damaged: {}"),
            &[&e.error.0],
        ),
    };
    fill(
        tr(lang, "This link could not be opened — {}. {}"),
        &[&why, &tr(lang, "Your current work is unchanged.")],
    )
}

/// A comparison file that cannot be opened, in `lang`: one line per problem, naming the
/// variant (and within it the node and field) or the part of the file.
pub fn file_error_lines(lang: Lang, e: &CompareError) -> Vec<String> {
    match e {
        CompareError::Shape { field, why } => vec![fill(
            tr(lang, "This comparison file cannot be opened: {}: {}"),
            &[field, why],
        )],
        CompareError::Variant { side, problems } => problems
            .iter()
            .map(|p| {
                fill(
                    tr(lang, "Variant {}: {}"),
                    &[&letter(*side), &crate::i18n::problems::line(lang, p)],
                )
            })
            .collect(),
    }
}

/// The file name for a comparison: "small-vs-big.json".
pub fn file_name(c: &Comparison) -> String {
    format!(
        "{}-vs-{}.json",
        crate::app::file_stem(&c.labels.a),
        crate::app::file_stem(&c.labels.b)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::compare::Run;

    #[test]
    fn small_vs_big_is_the_two_examples_under_the_same_clients() {
        let c = small_vs_big(Lang::En).unwrap();
        assert_eq!(c.a, examples::find("small").unwrap().diagram().unwrap());
        assert_eq!(c.b, examples::find("big").unwrap().diagram().unwrap());
        assert_eq!(c.a.seed, c.b.seed);
        let clients = |d: &Diagram| {
            d.nodes
                .iter()
                .filter(|n| n.kind() == scaleboard_sim::ComponentKind::Client)
                .map(|n| (n.id.clone(), n.spec.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            clients(&c.a),
            clients(&c.b),
            "the same traffic on both sides"
        );
        // In Korean: titles, labels and node labels translated; the run is the same.
        let ko = small_vs_big(Lang::Ko).unwrap();
        assert_eq!(ko.labels.a, "작을 때");
        assert_ne!(ko.a.name, c.a.name);
        let mut en = Run::new(&c).unwrap();
        let mut kr = Run::new(&ko).unwrap();
        en.advance_to(scaleboard_sim::time::secs_to_ns(12.0), u64::MAX);
        kr.advance_to(scaleboard_sim::time::secs_to_ns(12.0), u64::MAX);
        assert_eq!(en.figures(), kr.figures());
    }

    #[test]
    fn variant_b_can_be_a_copy_or_an_example() {
        let c = small_vs_big(Lang::En).unwrap();
        let copy = with_b(&c, "copy-a", Lang::En).unwrap();
        assert_eq!(copy.b, c.a);
        assert_eq!(copy.labels.a, "Small");
        let ex = with_b(&c, "basic", Lang::Ko).unwrap();
        assert_eq!(
            ex.b.nodes.len(),
            examples::find("basic")
                .unwrap()
                .diagram()
                .unwrap()
                .nodes
                .len()
        );
        assert_eq!(
            ex.labels.b,
            examples::find("basic").unwrap().title(Lang::Ko)
        );
        assert!(with_b(&c, "no-such-example", Lang::En).is_none());
        assert_eq!(file_name(&c), "small-vs-big.json");
    }

    #[test]
    fn the_bundled_small_vs_big_lesson_offers_the_side_by_side_view() {
        let l = crate::lessons::find("small-vs-big").unwrap();
        assert!(l.steps.iter().all(|s| s.compare.is_some()));
    }

    #[test]
    fn a_damaged_half_is_named_in_both_languages() {
        let e = scaleboard_link::decode_compare("#compare=5.abc~").unwrap_err();
        let en = link_error_text(Lang::En, &e);
        assert!(
            en.contains("variant A of this comparison link is damaged"),
            "{en}"
        );
        let ko = link_error_text(Lang::Ko, &e);
        assert!(ko.contains("비교 링크의 A 쪽"), "{ko}");
        assert!(ko.contains("현재 작업은 그대로"), "{ko}");
    }
}
