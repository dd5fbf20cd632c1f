// The engine in the browser (wasm) must replay a diagram and seed bit-for-bit like the native
// CLI: shared links and workshop exercises depend on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/// The native CLI, (re)built so that it matches the sources (a no-op after `cargo test`).
function cli() {
  execFileSync('cargo', ['build', '-q', '-p', 'scaleboard-cli'], { cwd: root, stdio: 'inherit' });
  return path.join(root, 'target/debug/scaleboard');
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const example of ['basic', 'retry-storm', 'sticky-sessions', 'health-checks']) {
  test(`${example}: the browser engine reproduces the native run exactly`, async () => {
    const file = path.join(root, 'examples', `${example}.json`);
    const native = execFileSync(
      cli(),
      ['run', file, '--duration', '20', '--warmup', '2', '--compact'],
      { encoding: 'utf8' },
    ).trim();
    const { page, errors, context } = await openApp(browser);
    const json = readFileSync(file, 'utf8');
    const wasm = await page.evaluate(
      ([j]) => window.wasmBindings.run_report(j, 20, 2),
      [json],
    );
    const n = JSON.parse(native);
    assert.ok(n.end_to_end.completed > 1000, 'the run did real work');
    assert.equal(wasm, native, 'identical JSON, to the last bit of every float');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
