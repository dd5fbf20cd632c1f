//! Renderers that only read: the dot layer drawn on a `<canvas>` every frame, and the particle
//! model behind it.

pub mod dots;
pub mod particles;
