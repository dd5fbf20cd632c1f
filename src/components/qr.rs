//! A QR code of a link, drawn as SVG: attendees scan the projector to land on the same step.

use qrcodegen::{QrCode, QrCodeEcc};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QrProps {
    pub text: String,
    /// Rendered size in CSS pixels.
    #[prop_or(220)]
    pub size: u32,
    /// Accessible name.
    pub label: String,
}

/// The dark modules as one SVG path, with a quiet zone of 4 modules.
pub fn svg_path(code: &QrCode) -> (i32, String) {
    let n = code.size();
    let mut d = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                d.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    (n + 8, d)
}

#[function_component]
pub fn Qr(props: &QrProps) -> Html {
    // Too long for a QR code (over ~2,900 bytes): say nothing rather than draw a wrong one.
    let Ok(code) = QrCode::encode_text(&props.text, QrCodeEcc::Low) else {
        return html! {};
    };
    let (extent, d) = svg_path(&code);
    let size = props.size.to_string();
    html! {
        <svg class="qr" data-testid="qr" width={size.clone()} height={size} role="img" aria-label={props.label.clone()}
             viewBox={format!("0 0 {extent} {extent}")} shape-rendering="crispEdges">
            <rect width={extent.to_string()} height={extent.to_string()} fill="#fff" />
            <path d={d} fill="#000" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_square_code_with_a_quiet_zone() {
        let code = QrCode::encode_text(
            "http://127.0.0.1:8080/#lesson=01-one-server&step=2",
            QrCodeEcc::Low,
        )
        .unwrap();
        let (extent, d) = svg_path(&code);
        assert_eq!(extent, code.size() + 8);
        // The three finder patterns make the top-left module dark.
        assert!(code.get_module(0, 0));
        assert!(d.starts_with("M4,4h1v1h-1z"));
    }
}
