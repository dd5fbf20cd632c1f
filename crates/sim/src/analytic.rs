//! Closed-form queueing results the simulation is checked against — and that the UI can show
//! next to simulated figures ("theory says").

/// M/M/1: mean response time (waiting + service) with arrival rate λ and service rate μ (λ < μ).
pub fn mm1_response_time(lambda: f64, mu: f64) -> f64 {
    1.0 / (mu - lambda)
}

/// Erlang C: probability that an arrival must wait in an M/M/c queue with offered load
/// a = λ/μ (in Erlangs) and c servers (a < c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by its stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// M/M/c: mean time spent waiting in the queue (excluding service).
pub fn mmc_wait_time(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    erlang_c(c, a) / (c as f64 * mu - lambda)
}

/// M/M/1/K: probability that an arrival finds the system full (K = 1 in service + K−1 waiting).
pub fn mm1k_blocking(lambda: f64, mu: f64, k: u32) -> f64 {
    let rho = lambda / mu;
    if (rho - 1.0).abs() < 1e-12 {
        return 1.0 / (k as f64 + 1.0);
    }
    (1.0 - rho) * rho.powi(k as i32) / (1.0 - rho.powi(k as i32 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        // M/M/1 at ρ = 0.5 with μ = 10/s: W = 1/(10 − 5) = 0.2 s.
        assert!((mm1_response_time(5.0, 10.0) - 0.2).abs() < 1e-12);
        // Erlang C with c = 1 reduces to ρ.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        // A classic table value: c = 4, a = 3.2 Erlangs (ρ = 0.8): C ≈ 0.5964.
        assert!(
            (erlang_c(4, 3.2) - 0.5964).abs() < 5e-4,
            "{}",
            erlang_c(4, 3.2)
        );
        // M/M/1/K with K = 1 is Erlang B with one server: ρ/(1+ρ).
        assert!((mm1k_blocking(1.0, 2.0, 1) - 0.5 / 1.5).abs() < 1e-12);
        // At ρ = 1 every state of 0..=K is equally likely: blocking is 1/(K+1), the limit of
        // the general formula from either side.
        assert!((mm1k_blocking(5.0, 5.0, 4) - 0.2).abs() < 1e-12);
        for rho in [1.0 - 1e-7, 1.0 + 1e-7] {
            assert!((mm1k_blocking(rho, 1.0, 4) - 0.2).abs() < 1e-6);
        }
    }
}
