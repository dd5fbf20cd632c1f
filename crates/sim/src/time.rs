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
        round_positive(ns)
    }
}

/// `libm::round(x) as u64` for 0 < x < 2⁶⁴ (halves away from zero), bit for bit, in a few
/// instructions: `libm::round` is a software routine, and every arrival and service time goes
/// through it. Exact: the truncation `t` is representable (x < 2⁵³ makes t < 2⁵³; above, x is
/// already an integer and t = x), and `x − t` is exact (t ≤ x < t + 1).
#[inline]
pub(crate) fn round_positive(x: f64) -> u64 {
    debug_assert!(x > 0.0 && x < u64::MAX as f64);
    let t = x as u64;
    t + (x - t as f64 >= 0.5) as u64
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

    /// The fast rounding every event time goes through agrees with `libm::round` bit for bit:
    /// on halves and their neighbours (one ulp either side), around 2⁵², 2⁵³ and 2⁶⁴, and on
    /// 10⁶ random values spread over every magnitude from 10⁻³ to 10¹⁹.
    #[test]
    fn fast_rounding_is_libm_round_exactly() {
        let mut cases = vec![
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            1e-300,
            4_503_599_627_370_495.5,
        ];
        for k in [
            1u64,
            2,
            3,
            1_000,
            123_456_789,
            (1 << 52) - 1,
            1 << 52,
            1 << 53,
        ] {
            let half = k as f64 + 0.5;
            cases.extend([
                half,
                f64::from_bits(half.to_bits() - 1),
                f64::from_bits(half.to_bits() + 1),
            ]);
            cases.push(k as f64);
        }
        cases.push(f64::from_bits((u64::MAX as f64).to_bits() - 1));
        let mut rng = crate::dist::Rng::seed(11);
        for _ in 0..1_000_000 {
            let exp = rng.uniform() * 22.0 - 3.0;
            cases.push(libm::pow(10.0, exp));
        }
        for x in cases {
            assert_eq!(round_positive(x), libm::round(x) as u64, "{x:e}");
        }
    }
}
