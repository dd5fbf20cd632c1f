//! Numbers as a person reads them on a badge: three significant figures, sensible units.

/// Rates, durations, dollars per hour and the simulated clock read the same on a badge and in a
/// printed report: one definition, in the report crate (which cannot reach the app).
pub use scaleboard_report::fmt::{clock, duration_ms as ms, money_per_hour, rate};

/// A fraction as a percentage: "0%", "0.4%", "12%", "100%".
pub fn pct(f: f64) -> String {
    let p = f * 100.0;
    if !p.is_finite() || p <= 0.0 {
        "0%".into()
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Dollars spent: "$0.0042", "$1.27", "$312".
pub fn money(v: f64) -> String {
    if v < 0.1 {
        format!("${v:.4}")
    } else if v < 100.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.0}")
    }
}

/// A number with at most two decimals and no trailing zeros: "3", "2.5", "0.33".
pub fn trim_num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers() {
        assert_eq!(rate(596.8), "597");
        assert_eq!(rate(12_345.0), "12.3k");
        assert_eq!(rate(1_250_000.0), "1.25M");
        assert_eq!(rate(100_000.0), "100k");
        assert_eq!(rate(3.26), "3.3");
        assert_eq!(rate(f64::NAN), "0");
        assert_eq!(ms(0.4242), "0.42 ms");
        assert_eq!(ms(51.77), "51.8 ms");
        assert_eq!(ms(1_350.0), "1.35 s");
        assert_eq!(pct(0.004), "0.4%");
        assert_eq!(pct(0.5), "50%");
        assert_eq!(money_per_hour(0.6), "$0.60/h");
        assert_eq!(clock(12.34), "12.3 s");
        assert_eq!(clock(125.0), "2 min 05 s");
        assert_eq!(money(0.00421), "$0.0042");
        assert_eq!(money(1.266), "$1.27");
        assert_eq!(trim_num(3.0), "3");
        assert_eq!(trim_num(2.5), "2.5");
    }
}
