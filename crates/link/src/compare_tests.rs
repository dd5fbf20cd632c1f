//! Comparison links: both variants and their labels round-trip; a damaged half is named.

use super::*;
use scaleboard_sim::compare::{Comparison, Labels, Side};
use scaleboard_sim::Diagram;

fn example(name: &str) -> Diagram {
    let path = format!("{}/../../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    Diagram::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn small_vs_big() -> Comparison {
    Comparison::new(
        example("small"),
        example("big"),
        Labels {
            a: "Small".into(),
            b: "커졌을 때".into(),
        },
    )
}

#[test]
fn a_comparison_round_trips_with_both_variants_and_labels() {
    let c = small_vs_big();
    let url = compare_url("http://127.0.0.1:8080/?x#old", &c);
    assert!(
        url.starts_with(&format!(
            "http://127.0.0.1:8080/?x#compare={CURRENT_VERSION}."
        )),
        "{url}"
    );
    assert!(is_compare(&url));
    assert!(!is_compare(&format!(
        "#{}",
        encode(&Document::new(c.a.clone()))
    )));
    // Opened from the URL, the fragment or the bare payload: the same two diagrams.
    let fragment = url.split_once('#').unwrap().1;
    for text in [url.as_str(), &format!("#{fragment}"), fragment] {
        assert_eq!(decode_compare(text).unwrap(), c);
    }
    // Each half is the ordinary link of its variant.
    let halves: Vec<&str> = fragment
        .strip_prefix(COMPARE_PREFIX)
        .unwrap()
        .split('~')
        .collect();
    assert_eq!(halves.len(), 3);
    assert_eq!(decode(halves[0]).unwrap().diagram, c.a);
    assert_eq!(decode(halves[1]).unwrap().diagram, c.b);
}

#[test]
fn without_labels_the_variants_are_called_a_and_b() {
    let c = small_vs_big();
    let a = encode(&Document::new(c.a.clone()));
    let b = encode(&Document::new(c.b.clone()));
    let opened = decode_compare(&format!("#compare={a}~{b}")).unwrap();
    assert_eq!(opened.labels, Labels::default());
    assert_eq!((opened.a, opened.b), (c.a, c.b));
}

#[test]
fn a_damaged_half_is_named() {
    let c = small_vs_big();
    let a = encode(&Document::new(c.a.clone()));
    let b = encode(&Document::new(c.b.clone()));
    // B cut short: variant B is named, with the ordinary link's reason.
    let cut = &b[..b.len() / 2];
    let e = decode_compare(&format!("compare={a}~{cut}")).unwrap_err();
    assert_eq!(e.side, Some(Side::B));
    assert!(
        e.to_string()
            .starts_with("variant B of this comparison link is damaged: "),
        "{e}"
    );
    // A with a character changed.
    let mut bytes = a.clone().into_bytes();
    let i = bytes.len() - 5;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let garbled = String::from_utf8(bytes).unwrap();
    let e = decode_compare(&format!("compare={garbled}~{b}")).unwrap_err();
    assert_eq!(e.side, Some(Side::A), "{e}");
    // An empty half, a missing half, too many parts, unreadable labels: the envelope or the
    // half is named, never a panic.
    let e = decode_compare(&format!("compare=~{b}")).unwrap_err();
    assert_eq!(e.side, Some(Side::A));
    assert!(e.to_string().contains("empty"), "{e}");
    let e = decode_compare(&format!("compare={a}")).unwrap_err();
    assert_eq!(e.side, None);
    assert!(e.to_string().contains("1 part(s)"), "{e}");
    let e = decode_compare(&format!("compare={a}~{b}~x~y")).unwrap_err();
    assert_eq!(e.side, None);
    let e = decode_compare(&format!("compare={a}~{b}~!!")).unwrap_err();
    assert_eq!(e.side, None);
    assert!(e.to_string().contains("labels"), "{e}");
    // A half from a newer Scaleboard.
    let e = decode_compare(&format!("compare={a}~99.abc")).unwrap_err();
    assert_eq!(e.side, Some(Side::B));
    assert!(e.to_string().contains("newer Scaleboard"), "{e}");
}

#[test]
fn no_input_makes_a_comparison_link_panic() {
    let c = small_vs_big();
    let good = encode_compare(&c);
    // Every prefix of a good link, and a few odd texts: an error or a comparison, never a panic.
    for n in 0..good.len() {
        let _ = decode_compare(&good[..n]);
    }
    for text in [
        "",
        "#",
        "compare=",
        "compare=~",
        "compare=~~",
        "#compare=5.~5.",
        "compare=한글~😀",
    ] {
        assert!(decode_compare(text).is_err(), "{text}");
    }
    let huge = format!("compare={}", "A".repeat(MAX_LINK_CHARS));
    assert_eq!(decode_compare(&huge).unwrap_err().side, None);
}
