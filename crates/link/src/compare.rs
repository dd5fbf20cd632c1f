//! Comparison links: an envelope holding two ordinary links, one per variant.
//!
//! `https://…/#compare=5.eNpt…~5.eNpt…~<labels>` — the prefix `compare=`, then variant A's
//! payload, `~`, variant B's payload, and optionally `~` and the two labels (base64url of the
//! JSON `{"a": …, "b": …}`). `~` is not in base64url's alphabet nor in a format version, so it
//! can only be a separator. Each half is an ordinary link of any format version this build
//! reads, decoded by [`crate::decode`]: old halves keep opening, and a damaged half is named.

use crate::{decode, encode, Document, LinkError, MAX_LINK_CHARS};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use scaleboard_sim::compare::{Comparison, Labels, Side};
use std::fmt;

/// What a comparison link's fragment starts with.
pub const PREFIX: &str = "compare=";
/// Between the parts of the envelope.
pub const SEPARATOR: char = '~';

/// Why a comparison link could not be opened: the envelope itself, or one named half.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareLinkError {
    /// The damaged half, or `None` when the envelope is wrong.
    pub side: Option<Side>,
    pub error: LinkError,
}

impl fmt::Display for CompareLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side {
            Some(side) => write!(
                f,
                "variant {} of this comparison link is damaged: {}",
                side.letter(),
                self.error.0
            ),
            None => write!(f, "this comparison link is damaged: {}", self.error.0),
        }
    }
}

impl std::error::Error for CompareLinkError {}

/// The fragment after `#` (or a whole URL) is a comparison link.
pub fn is_compare(text: &str) -> bool {
    let text = text.trim();
    let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f);
    fragment.starts_with(PREFIX)
}

/// The fragment payload (without `#`) for a comparison.
pub fn encode_compare(c: &Comparison) -> String {
    let labels = serde_json::to_string(&c.labels).unwrap_or_default();
    format!(
        "{PREFIX}{}{SEPARATOR}{}{SEPARATOR}{}",
        encode(&Document::new(c.a.clone())),
        encode(&Document::new(c.b.clone())),
        URL_SAFE_NO_PAD.encode(labels.as_bytes())
    )
}

/// A full URL for a comparison: `base` (any fragment replaced) plus `#` and the payload.
pub fn compare_url(base: &str, c: &Comparison) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", encode_compare(c))
}

/// Opens a comparison link: a URL, a `#fragment` or the bare `compare=…`. Never panics; each
/// half is bounded like any link, and the whole like one link.
pub fn decode_compare(text: &str) -> Result<Comparison, CompareLinkError> {
    let envelope = |msg: &str| CompareLinkError {
        side: None,
        error: LinkError(msg.into()),
    };
    let text = text.trim();
    if text.len() > MAX_LINK_CHARS {
        return Err(envelope(&format!(
            "it is {} characters long, more than the {MAX_LINK_CHARS} a link may have",
            text.len()
        )));
    }
    let fragment = text.rsplit_once('#').map_or(text, |(_, f)| f);
    let Some(body) = fragment.strip_prefix(PREFIX) else {
        return Err(envelope("it does not start with compare="));
    };
    let parts: Vec<&str> = body.split(SEPARATOR).collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(envelope(&format!(
            "it has {} part(s) separated by ~ (expected two links, then optionally the labels)",
            parts.len()
        )));
    }
    let half = |side: Side, payload: &str| {
        if payload.is_empty() {
            return Err(CompareLinkError {
                side: Some(side),
                error: LinkError("it is empty".into()),
            });
        }
        decode(payload)
            .map(|doc| doc.diagram)
            .map_err(|error| CompareLinkError {
                side: Some(side),
                error,
            })
    };
    let a = half(Side::A, parts[0])?;
    let b = half(Side::B, parts[1])?;
    let labels = match parts.get(2) {
        None => Labels::default(),
        Some(text) => URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Labels>(&bytes).ok())
            .ok_or_else(|| envelope("its labels (after the second ~) cannot be read"))?,
    };
    Ok(Comparison::new(a, b, labels))
}
