// The benchmark diagram: 50 nodes, 100 000 requests per second offered (or `offered`).
/// 5 clients × (1 load balancer → 8 servers): 5 + 5 + 40 = 50 nodes, `offered` req/s in all.
/// Service times shrink as the traffic grows so that the servers stay 39 % busy (each group's
/// 8 × 32 workers at 5 ms serve 51 200 req/s of its 20 000 at 100 000 offered; at 0.5 ms,
/// 512 000 of its 200 000 at 1 M): the same design at a larger scale, not an overload.
export function benchDiagram(offered = 100_000) {
  const rate = offered / 5;
  const nodes = [];
  const edges = [];
  for (let g = 0; g < 5; g++) {
    const y = 80 + g * 200;
    nodes.push({ id: `clients-${g}`, kind: 'client', x: 40, y,
      params: { rate_rps: rate, timeout_ms: 2000, key_space: 100000 } });
    nodes.push({ id: `lb-${g}`, kind: 'load_balancer', x: 340, y,
      params: { algorithm: 'least_outstanding', capacity_rps: 10 * rate } });
    edges.push({ from: `clients-${g}`, to: `lb-${g}`, latency_ms: 5, jitter_ms: 2 });
    for (let s = 0; s < 8; s++) {
      const id = `api-${g}-${s}`;
      nodes.push({ id, kind: 'server', x: 660 + (s % 4) * 240, y: y - 50 + Math.floor(s / 4) * 110,
        params: { instances: 1, size: 'medium', workers: 32, queue_capacity: 200,
                  service: { distribution: 'lognormal', mean_ms: 5 * 100_000 / offered, cv: 1.0 } } });
      edges.push({ from: `lb-${g}`, to: id, latency_ms: 0.5 });
    }
  }
  return { version: 1, name: `Benchmark: 50 nodes at ${offered / 1000}k req/s`, seed: 7, nodes, edges };
}

