//! Numbers as the app's badges show them (the rules of `src/format.rs`, for a page built
//! without the app).

/// Requests per second: "0", "4.2", "597", "12.3k", "1.25M" — three significant figures.
pub fn rate(v: f64) -> String {
    if !v.is_finite() || v <= 0.0 {
        "0".into()
    } else if v < 10.0 {
        format!("{v:.1}")
    } else if v < 1_000.0 {
        format!("{v:.0}")
    } else if v < 1e6 {
        significant(format!("{:.3}", v / 1e3)) + "k"
    } else {
        significant(format!("{:.3}", v / 1e6)) + "M"
    }
}

/// "12.345" → "12.3", "1.250" → "1.25", "100.000" → "100": three significant figures without
/// trailing zeros.
fn significant(num: String) -> String {
    let int_digits = num.split('.').next().map_or(0, str::len);
    let keep = match int_digits {
        1 => num.len().min(int_digits + 3),
        2 => num.len().min(int_digits + 2),
        _ => int_digits,
    };
    trim(num[..keep].to_owned())
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Milliseconds: "0.42 ms", "52.0 ms", "1.35 s"; "–" when there is none.
pub fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), duration_ms)
}

/// Milliseconds as a badge shows them: "0.42 ms", "51.8 ms", "1.35 s" ("–" if not finite).
pub fn duration_ms(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v < 1.0 {
        format!("{v:.2} ms")
    } else if v < 100.0 {
        format!("{v:.1} ms")
    } else if v < 1_000.0 {
        format!("{v:.0} ms")
    } else {
        format!("{:.2} s", v / 1e3)
    }
}

/// A fraction as a percentage: "0%", "0.4%", "12%", "99.95%" (shares close to one keep the
/// digits that tell nines apart).
pub fn pct(f: f64) -> String {
    let p = f * 100.0;
    if !p.is_finite() || p <= 0.0 {
        "0%".into()
    } else if p < 10.0 {
        format!("{p:.1}%")
    } else if (99.0..100.0).contains(&p) {
        format!("{}%", trim(format!("{p:.2}")))
    } else {
        format!("{p:.0}%")
    }
}

/// Dollars per hour: "$0.60/h".
pub fn money_per_hour(v: f64) -> String {
    if v < 10.0 {
        format!("${v:.2}/h")
    } else {
        format!("${v:.0}/h")
    }
}

/// Simulated seconds: "12.3 s", "2 min 05 s".
pub fn clock(secs: f64) -> String {
    if secs < 120.0 {
        format!("{secs:.1} s")
    } else {
        let s = secs as u64;
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

/// A whole count with thousands separators: "12,345".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A factor or share without trailing zeros: "3", "2.5", "0.33".
pub fn num(v: f64) -> String {
    trim(format!("{v:.2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_on_the_badges() {
        assert_eq!(rate(0.0), "0");
        assert_eq!(rate(4.24), "4.2");
        assert_eq!(rate(597.4), "597");
        assert_eq!(rate(12_345.0), "12.3k", "as the badge shows it");
        assert_eq!(rate(12_000.0), "12k");
        assert_eq!(ms(Some(0.421)), "0.42 ms");
        assert_eq!(ms(Some(1350.0)), "1.35 s");
        assert_eq!(ms(None), "–");
        assert_eq!(pct(0.004), "0.4%");
        assert_eq!(pct(0.9995), "99.95%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(clock(125.0), "2 min 05 s");
        assert_eq!(num(2.5), "2.5");
    }
}
