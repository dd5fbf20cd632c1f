//! Renderers that only read: the dot layer drawn on a `<canvas>` every frame, the particle
//! model behind it, and a big design's edges drawn on a canvas while it zooms.

pub mod dots;
pub mod edge_sketch;
pub mod particles;
