//! Share links: a whole Scaleboard document in a URL fragment.
//!
//! `https://…/#6.eNpt…` — a version number, a dot, then the document in a compact binary form
//! (postcard, with every parameter that equals its default left out), zlib-compressed (deflate
//! plus a checksum, so a damaged link is detected rather than half-read), in base64url. The
//! fragment never reaches a server: no backend, no 414 errors, no length limit but the browser's.
//!
//! Every format version keeps a decoder for ever, and a migration to the current [`Document`];
//! links saved as fixtures in `tests/fixtures/` must keep opening to the same document.

mod compare;
mod format;
mod leaf;

pub use compare::{
    compare_url, decode_compare, encode_compare, is_compare, CompareLinkError,
    PREFIX as COMPARE_PREFIX,
};

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use scaleboard_sim::Diagram;
use std::fmt;

/// The link format this build writes.
pub const CURRENT_VERSION: u32 = 6;
/// Longest link text accepted (a hostile link cannot make us read megabytes of text).
pub const MAX_LINK_CHARS: usize = 262_144;
/// Largest decompressed document accepted (a "zip bomb" stops here).
pub const MAX_DECODED_BYTES: usize = 4 * 1024 * 1024;
/// Above this many characters some chat apps and Windows shortcuts cut links: warn.
pub const WARN_CHARS: usize = 2_000;
/// Above this, offer a file instead of a link.
pub const FILE_CHARS: usize = 8_000;

/// The pan/zoom of the canvas when the link was made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub diagram: Diagram,
    pub view: Option<View>,
    /// Simulated time to fast-forward to when opening (the same seed gives the same state).
    pub playhead_s: Option<f64>,
}

impl Document {
    pub fn new(diagram: Diagram) -> Document {
        Document {
            diagram,
            view: None,
            playhead_s: None,
        }
    }
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "this link is damaged: {}", self.0)
    }
}

impl std::error::Error for LinkError {}

fn damaged(msg: impl Into<String>) -> LinkError {
    LinkError(msg.into())
}

/// The fragment payload for `doc` (without the `#`).
pub fn encode(doc: &Document) -> String {
    let bytes = format::to_bytes(CURRENT_VERSION, doc);
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 10);
    format!("{CURRENT_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// A full URL: `base` (any fragment it has is replaced) plus `#` and the payload.
pub fn to_url(base: &str, doc: &Document) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", encode(doc))
}

/// Opens a link: a full URL, a `#fragment`, or the bare payload. Never panics, whatever the
/// input; memory use is bounded by [`MAX_LINK_CHARS`] and [`MAX_DECODED_BYTES`].
pub fn decode(text: &str) -> Result<Document, LinkError> {
    let text = text.trim();
    if text.len() > MAX_LINK_CHARS {
        return Err(damaged(format!(
            "it is {} characters long, more than the {MAX_LINK_CHARS} a link may have",
            text.len()
        )));
    }
    let payload = match text.rfind('#') {
        Some(i) => &text[i + 1..],
        None if text.starts_with("http://") || text.starts_with("https://") => {
            return Err(damaged("there is no diagram in it (nothing after #)"))
        }
        None => text,
    };
    if payload.is_empty() {
        return Err(damaged("there is no diagram in it (nothing after #)"));
    }
    let Some((version, body)) = payload.split_once('.') else {
        return Err(damaged("it has no format version (expected #6.…)"));
    };
    let version: u32 = version
        .parse()
        .map_err(|_| damaged(format!("'{}' is not a format version", clip(version))))?;
    if version > CURRENT_VERSION {
        return Err(damaged(format!(
            "it was made by a newer Scaleboard (link format {version}; this one reads up to {CURRENT_VERSION})"
        )));
    }
    if version == 0 {
        return Err(damaged("link format 0 does not exist"));
    }
    // Some chat apps re-encode links with padding or percent-escapes: accept both.
    let body = body.replace("%3D", "=").replace("%3d", "=");
    let packed = URL_SAFE_NO_PAD
        .decode(body.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(&body))
        .map_err(|_| damaged("its text is not valid base64url (was it cut short or edited?)"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_DECODED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                damaged("its contents would be larger than any real diagram")
            }
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => {
                damaged("it is cut short (part of it is missing)")
            }
            miniz_oxide::inflate::TINFLStatus::Adler32Mismatch => {
                damaged("its checksum does not match (some characters were changed)")
            }
            _ => damaged("its contents cannot be unpacked (some characters were changed or lost)"),
        })?;
    // Each format version decodes against its own frozen defaults into the current document.
    format::from_bytes(version, &bytes)
}

fn clip(s: &str) -> String {
    s.chars().take(12).collect()
}

#[cfg(test)]
mod compare_tests;
#[cfg(test)]
mod tests;
