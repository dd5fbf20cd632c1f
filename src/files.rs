//! Browser file glue: downloads (JSON, SVG, CSV, PNG) and reading a chosen file.

use crate::i18n::{fill, tr, Lang};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

/// Why a download could not be offered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failed {
    File,
    Document,
    Link,
    Image,
    Canvas,
    Draw,
    Encode,
}

impl Failed {
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Failed::File => tr(lang, "the browser could not create the file"),
            Failed::Document => tr(lang, "the page is not ready"),
            Failed::Link => tr(lang, "the browser could not start the download"),
            Failed::Image => tr(lang, "the browser cannot create an image"),
            Failed::Canvas => tr(lang, "the browser cannot create a canvas"),
            Failed::Draw => tr(lang, "the diagram could not be drawn"),
            Failed::Encode => tr(lang, "the PNG could not be encoded"),
        }
    }
}

/// Offers `text` as a file download.
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), Failed> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let props = BlobPropertyBag::new();
    props.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &props).map_err(|_| Failed::File)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| Failed::File)?;
    let result = click_link(&url, filename);
    let _ = Url::revoke_object_url(&url);
    result
}

/// Offers `blob` as a file download (a recording).
pub fn download_blob(blob: &Blob, filename: &str) -> Result<(), Failed> {
    let url = Url::create_object_url_with_blob(blob).map_err(|_| Failed::File)?;
    let result = click_link(&url, filename);
    let _ = Url::revoke_object_url(&url);
    result
}

/// Offers `bytes` as a file download of type `mime`.
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), Failed> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let props = BlobPropertyBag::new();
    props.set_type(mime);
    let blob =
        Blob::new_with_u8_array_sequence_and_options(&parts, &props).map_err(|_| Failed::File)?;
    download_blob(&blob, filename)
}

fn click_link(href: &str, filename: &str) -> Result<(), Failed> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(Failed::Document)?;
    let a: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| Failed::Link)?
        .dyn_into()
        .map_err(|_| Failed::Link)?;
    a.set_href(href);
    a.set_download(filename);
    a.click();
    Ok(())
}

/// Renders an SVG document to a PNG at `scale` and downloads it. Runs when the image has
/// loaded; `on_error` hears about failures.
pub fn download_png(svg: &str, filename: &str, scale: f64, on_error: impl Fn(Failed) + 'static) {
    let Ok(img) = HtmlImageElement::new() else {
        on_error(Failed::Image);
        return;
    };
    let src = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    );
    let filename = filename.to_owned();
    let loaded = img.clone();
    let onload = Closure::once_into_js(move || {
        let result = (|| -> Result<(), Failed> {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or(Failed::Document)?;
            let canvas: HtmlCanvasElement = document
                .create_element("canvas")
                .map_err(|_| Failed::Canvas)?
                .dyn_into()
                .map_err(|_| Failed::Canvas)?;
            let (w, h) = (
                loaded.natural_width() as f64,
                loaded.natural_height() as f64,
            );
            canvas.set_width((w * scale).round() as u32);
            canvas.set_height((h * scale).round() as u32);
            let ctx = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
                .ok_or(Failed::Canvas)?;
            let _ = ctx.scale(scale, scale);
            ctx.draw_image_with_html_image_element(&loaded, 0.0, 0.0)
                .map_err(|_| Failed::Draw)?;
            let url = canvas
                .to_data_url_with_type("image/png")
                .map_err(|_| Failed::Encode)?;
            click_link(&url, &filename)
        })();
        if let Err(e) = result {
            on_error(e);
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&src);
}

/// Why a chosen file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// Larger than any diagram (the file's name).
    TooLarge(String),
    /// Not text (the file's name).
    NotText(String),
    /// This browser cannot read files.
    NoReader,
}

impl ReadError {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ReadError::TooLarge(name) => {
                fill(tr(lang, "{} is larger than 8 MB: not a diagram"), &[name])
            }
            ReadError::NotText(name) => fill(tr(lang, "{} is not a text file"), &[name]),
            ReadError::NoReader => tr(lang, "the browser cannot read files").to_owned(),
        }
    }
}

/// Reads the first file chosen in an `<input type=file>` as text.
pub fn read_text(
    input: &web_sys::HtmlInputElement,
    done: impl FnOnce(Result<(String, String), ReadError>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    let name = file.name();
    if file.size() > 8.0 * 1024.0 * 1024.0 {
        done(Err(ReadError::TooLarge(name)));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err(ReadError::NoReader));
        return;
    };
    let r = reader.clone();
    // Read bytes, not text: a JS string of a large file would be decoded to UTF-16 and then
    // encoded back to UTF-8 for Rust, both on the main thread; bytes are one copy and a check.
    let onload = Closure::once_into_js(move || {
        let text = r
            .result()
            .ok()
            .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            // Editors on Windows may start UTF-8 with a byte-order mark; reading as text dropped it.
            .map(|t| t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t));
        done(
            text.map(|t| (name.clone(), t))
                .ok_or_else(|| ReadError::NotText(name.clone())),
        );
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    let _ = reader.read_as_array_buffer(&file);
}
