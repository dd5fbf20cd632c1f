//! Preferences remembered in the browser's localStorage (theme, language). Missing or
//! unreadable values fall back to defaults: storage is a convenience, never a requirement.

use crate::i18n::Lang;
use crate::state::Theme;

const THEME_KEY: &str = "scaleboard.theme";
const LANG_KEY: &str = "scaleboard.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores a small value; false when the browser refused (full or blocked storage).
pub fn set(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

pub fn load_theme() -> Option<Theme> {
    match get(THEME_KEY)?.as_str() {
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    }
}

/// Whether a media query matches (false when the browser cannot tell).
pub fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The system's colour scheme, for a visitor who has not picked a theme.
pub fn system_theme() -> Theme {
    if media_matches("(prefers-color-scheme: light)") {
        Theme::Light
    } else {
        Theme::Dark
    }
}

/// Whether the visitor asked the system for less motion: no flowing dots then.
pub fn reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

pub fn save_theme(t: Theme) {
    set(THEME_KEY, t.name());
}

pub fn load_lang() -> Option<Lang> {
    Lang::from_code(&get(LANG_KEY)?)
}

pub fn save_lang(l: Lang) {
    set(LANG_KEY, l.code());
}

/// The browser's preferred language, if it is Korean.
pub fn browser_lang() -> Lang {
    let lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    if lang.starts_with("ko") {
        Lang::Ko
    } else {
        Lang::En
    }
}
