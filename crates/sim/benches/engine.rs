//! `cargo bench -p scaleboard-sim`: the engine's hot path on the reference diagram
//! (client → LB → 4 servers), the bare loop of the same topology it is measured against, plus
//! the pieces every request touches.

use scaleboard_sim::bare_loop;
use scaleboard_sim::dist::{Rng, Zipf};
use scaleboard_sim::metrics::Histogram;
use scaleboard_sim::reference::{reference_bare_config, reference_diagram, REFERENCE_RATE};
use scaleboard_sim::time::NS_PER_S;
use scaleboard_sim::{RunConfig, Simulation};

fn main() {
    divan::main();
}

/// One simulated second of the reference diagram: ≈ 200 000 requests, ≈ 1.2 M events.
#[divan::bench(sample_count = 10)]
fn reference_one_simulated_second(b: divan::Bencher) {
    let d = reference_diagram(REFERENCE_RATE);
    b.with_inputs(|| {
        let mut sim =
            Simulation::with_config(&d, RunConfig::for_run(10 * NS_PER_S, 0)).expect("valid");
        sim.run_until(NS_PER_S); // past the start-up transient
        sim
    })
    .counter(divan::counter::ItemsCount::new(REFERENCE_RATE as u64))
    .bench_local_values(|mut sim| {
        sim.run_until(2 * NS_PER_S);
        sim
    });
}

/// The bare loop of the same topology and load (see `bare_loop`): the floor the engine is
/// measured against. One simulated second, ≈ 200 000 requests.
#[divan::bench(sample_count = 10)]
fn bare_loop_one_simulated_second(b: divan::Bencher) {
    let cfg = reference_bare_config(REFERENCE_RATE);
    b.counter(divan::counter::ItemsCount::new(REFERENCE_RATE as u64))
        .bench_local(|| bare_loop::run(divan::black_box(&cfg), NS_PER_S));
}

#[divan::bench]
fn zipf_sample(b: divan::Bencher) {
    let z = Zipf::new(1_000_000, 0.99);
    let mut rng = Rng::seed(1);
    b.bench_local(|| z.sample(divan::black_box(&mut rng)));
}

#[divan::bench]
fn histogram_record(b: divan::Bencher) {
    let mut h = Histogram::new();
    let mut v = 1_234_567u64;
    b.bench_local(|| {
        v = v.wrapping_mul(6364136223846793005).wrapping_add(1) >> 40;
        h.record(divan::black_box(v));
    });
}
