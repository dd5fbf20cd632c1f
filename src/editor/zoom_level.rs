//! Semantic zoom in steps: how a card is drawn (whole or compact) and how big its type is depend
//! on a few bands of zoom, not on the zoom itself. A wheel step inside a band then changes one
//! transform on the canvas's world layer and no card at all; only crossing a band's edge
//! restyles the cards (a 1,000-node diagram rebuilt every card on every wheel step and zoomed at
//! 16 frames per second).
//!
//! Type sizes are taken at a band's lowest zoom, so a title is never smaller on screen than the
//! continuous rule it replaces gave: at least 12 px for whole cards (from zoom 0.55 up, where
//! 22 px of canvas type is 12 px on screen), at least 13 px for compact ones down to zoom 0.38,
//! below which the compact title stops growing (34 px of canvas type) and shrinks with the view.

/// Below this zoom a card shows only its name and one figure, in larger type.
pub const COMPACT_BELOW: f64 = 0.55;

/// The lower edges of the bands, from the farthest out: a band runs from its edge to the next.
const BANDS: [f64; 6] = [0.0, 0.45, COMPACT_BELOW, 0.65, 0.75, 6.0 / 7.0];

/// Title size on screen that whole cards keep (CSS px), and compact cards' (before their cap).
const WHOLE_SCREEN_PX: f64 = 12.0;
const COMPACT_SCREEN_PX: f64 = 13.0;
/// Canvas type sizes: whole cards' titles between 14 and 22 px, compact ones up to 34 px.
const TITLE_MIN_PX: f64 = 14.0;
const TITLE_MAX_PX: f64 = 22.0;
const COMPACT_MAX_PX: f64 = 34.0;

/// One band of zoom: everything about a card that depends on the zoom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoomLevel(usize);

impl ZoomLevel {
    /// Time without a change of zoom after which the canvas draws its world layer afresh.
    pub const RERASTER_AFTER_MS: u32 = 200;

    /// The zoom as an effect's dependency (`f64` is not `Eq`; a thousandth is below a pixel
    /// on any card).
    pub fn settled_key(zoom: f64) -> i64 {
        (zoom * 1000.0).round() as i64
    }

    pub fn of(zoom: f64) -> ZoomLevel {
        let zoom = if zoom.is_finite() { zoom } else { 1.0 };
        ZoomLevel(BANDS.iter().rposition(|&edge| zoom >= edge).unwrap_or(0))
    }

    /// The lowest zoom of this band.
    fn floor(self) -> f64 {
        BANDS[self.0]
    }

    /// Cards drawn as their name and one figure.
    pub fn compact(self) -> bool {
        self.floor() < COMPACT_BELOW
    }

    /// A whole card's title size in canvas px.
    pub fn title_px(self) -> f64 {
        (WHOLE_SCREEN_PX / self.floor().max(COMPACT_BELOW)).clamp(TITLE_MIN_PX, TITLE_MAX_PX)
    }

    /// A compact card's title size in canvas px (its figure is 85 % of it).
    pub fn compact_px(self) -> f64 {
        (COMPACT_SCREEN_PX / self.floor().max(1e-3)).min(COMPACT_MAX_PX)
    }

    /// The world layer's class for this band: the stylesheet sets the type sizes of the cards
    /// inside it (`--title-font`, `--node-font`) by class, so that the layer's inline style holds
    /// only its transform (a change of custom properties in an inline style restyles every
    /// card below it).
    pub fn class(self) -> String {
        format!("zoom-band-{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zooms from the minimum to the maximum in 0.1 % steps.
    fn zooms() -> impl Iterator<Item = f64> {
        (0..)
            .map(|i| 0.2 * 1.001f64.powi(i))
            .take_while(|z| *z <= 3.0)
    }

    #[test]
    fn a_wheel_sweep_of_the_big_benchmark_crosses_one_band_edge() {
        // The browser benchmark zooms from 0.2 in five wheel steps of ×1.197 and back.
        let steps: Vec<f64> = (0..=5).map(|i| 0.2 * 1.197f64.powi(i)).collect();
        let changes = steps
            .windows(2)
            .filter(|w| ZoomLevel::of(w[0]) != ZoomLevel::of(w[1]))
            .count();
        assert_eq!(changes, 1);
        // Between two zooms of the same band nothing about a card differs.
        let (a, b) = (ZoomLevel::of(0.61), ZoomLevel::of(0.64));
        assert_eq!(a, b);
        assert_eq!(
            (a.title_px(), a.compact_px()),
            (b.title_px(), b.compact_px())
        );
    }

    /// The stylesheet's rules for the bands must say what `title_px` and `compact_px` say.
    #[test]
    fn the_stylesheet_sets_each_bands_type_sizes() {
        let css = include_str!("../../static/style.css");
        for band in 0..BANDS.len() {
            let level = ZoomLevel(band);
            let rule = format!(
                ".viewport.{} .node {{ --title-font: {:.1}px; --node-font: {:.1}px; }}",
                level.class(),
                level.title_px(),
                level.compact_px()
            );
            assert!(css.contains(&rule), "missing in static/style.css: {rule}");
        }
    }

    #[test]
    fn cards_turn_compact_below_the_threshold_only() {
        assert!(ZoomLevel::of(COMPACT_BELOW - 1e-9).compact());
        assert!(!ZoomLevel::of(COMPACT_BELOW).compact());
        assert!(ZoomLevel::of(0.2).compact());
        assert!(!ZoomLevel::of(3.0).compact());
        assert!(!ZoomLevel::of(f64::NAN).compact());
    }

    #[test]
    fn titles_are_never_smaller_on_screen_than_the_continuous_rule_gave() {
        let mut bands = std::collections::BTreeSet::new();
        for z in zooms() {
            let level = ZoomLevel::of(z);
            bands.insert(level.0);
            let old_title = (12.0 / z).clamp(14.0, 22.0);
            let old_compact = (13.0 / z).min(34.0);
            if level.compact() {
                assert!(
                    level.compact_px() >= old_compact - 1e-9,
                    "compact at zoom {z}"
                );
                assert!(level.compact_px() <= COMPACT_MAX_PX);
                if z >= 13.0 / 34.0 {
                    assert!(level.compact_px() * z >= 13.0 - 1e-9, "zoom {z}");
                }
            } else {
                assert!(level.title_px() >= old_title - 1e-9, "title at zoom {z}");
                assert!(level.title_px() * z >= 12.0 - 1e-9, "zoom {z}");
                assert!(level.title_px() <= TITLE_MAX_PX);
            }
        }
        assert_eq!(bands.len(), BANDS.len(), "every band is reached");
    }
}
