// The engine in the browser (wasm) must replay a diagram and seed bit-for-bit like the native
// CLI: shared links and workshop exercises depend on it. Every file in examples/ is checked,
// including any added later, over the whole run it describes (scripted failures included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');
const examples = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json')).sort();

/// The run the example describes: its own duration and warm-up (what `scaleboard run FILE` does).
function runLength(diagram) {
  const { duration_s: duration, warmup_s: warmup } = diagram.workload ?? {};
  assert.ok(Number.isFinite(duration) && Number.isFinite(warmup), 'the example states its duration and warm-up');
  return { duration, warmup };
}

let browser;
let app;
let scaleboard;
before(async () => {
  // The native CLI, (re)built so that it matches the sources (a no-op after `cargo test`).
  execFileSync('cargo', ['build', '-q', '-p', 'scaleboard-cli'], { cwd: root, stdio: 'inherit' });
  scaleboard = path.join(targetDir, 'debug/scaleboard');
  browser = await launch();
  app = await openApp(browser);
});
after(async () => {
  await app?.context.close();
  await browser?.close();
});

test('every example is checked', () => {
  assert.ok(examples.length >= 19, `${examples.length} examples found`);
});

for (const name of examples) {
  test(`${name}: the browser engine reproduces the native run exactly`, async () => {
    const file = path.join(root, 'examples', name);
    const json = readFileSync(file, 'utf8');
    const { duration, warmup } = runLength(JSON.parse(json));
    const native = execFileSync(scaleboard, ['run', file, '--compact'], { encoding: 'utf8' }).trim();
    const wasm = await app.page.evaluate(
      ([j, d, w]) => window.wasmBindings.run_report(j, d, w),
      [json, duration, warmup],
    );
    const n = JSON.parse(native);
    // Real work: requests served, or (a diagram of batch jobs alone) task attempts finished.
    const tasks = Object.values(n.nodes).reduce((sum, node) => sum + (node.job?.tasks.completed ?? 0), 0);
    assert.ok(n.end_to_end.completed + tasks > 100,
      `the run did real work (${n.end_to_end.completed} requests, ${tasks} batch tasks)`);
    // Name the first field that differs, then compare the whole text to the last bit of every float.
    const diff = firstDifference(n, JSON.parse(wasm));
    assert.equal(diff, null, `${name}: the browser run differs from the native one at ${diff}`);
    assert.equal(wasm, native, 'identical JSON, to the last bit of every float');
    assert.deepEqual(app.errors, []);
  });
}

/// The path of the first value that differs between two JSON values, with both values.
function firstDifference(a, b, at = '$') {
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return Object.is(a, b) ? null : `${at}: native ${JSON.stringify(a)}, browser ${JSON.stringify(b)}`;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}
