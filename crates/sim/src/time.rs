//! Simulated time: integer nanoseconds since the start of a run.
//!
//! Integers keep event ordering exact and identical on every platform; a `u64` of nanoseconds
//! spans 584 years, far beyond any run.

/// A point in simulated time, in nanoseconds.
pub type Time = u64;

pub const NS_PER_US: u64 = 1_000;
pub const NS_PER_MS: u64 = 1_000_000;
pub const NS_PER_S: u64 = 1_000_000_000;

/// Converts milliseconds (as written in diagrams) to nanoseconds, rounding to the nearest.
/// Negative and NaN inputs map to zero: validation rejects them before they get here.
pub fn ms_to_ns(ms: f64) -> Time {
    secs_to_ns(ms / 1e3)
}

/// Converts seconds to nanoseconds, rounding to the nearest; saturates on overflow.
pub fn secs_to_ns(s: f64) -> Time {
    let ns = s * 1e9;
    if ns.is_nan() || ns <= 0.0 {
        0
    } else if ns >= u64::MAX as f64 {
        u64::MAX
    } else {
        libm::round(ns) as u64
    }
}

pub fn ns_to_ms(ns: Time) -> f64 {
    ns as f64 / 1e6
}

pub fn ns_to_secs(ns: Time) -> f64 {
    ns as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_clamp() {
        assert_eq!(ms_to_ns(1.5), 1_500_000);
        assert_eq!(secs_to_ns(2.0), 2 * NS_PER_S);
        assert_eq!(ms_to_ns(-3.0), 0);
        assert_eq!(ms_to_ns(f64::NAN), 0);
        assert_eq!(secs_to_ns(1e30), u64::MAX);
        assert_eq!(ns_to_ms(2_500_000), 2.5);
    }
}
