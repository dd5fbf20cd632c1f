// The simulation runs in a Web Worker behind the protocol (src/protocol.rs): the same engine,
// the same results. A live run in the worker, the same run hosted by the page (`?engine=page`,
// the fallback when no worker can start) and the native CLI give byte-identical reports; the
// worker's separate runs of a file match `scaleboard run --compact`; and when the worker cannot
// keep up, the toolbar says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, openExample, waitSimTime, simTime, nodeIds, screenshot, ready, BASE_URL } from './lib.mjs';
import { benchDiagram } from './bench-diagram.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');
// Live runs to compare: examples with failures, health checks and retries in them.
const EXAMPLES = ['basic', 'health-checks', 'retry-storm'];
// Simulated seconds of each live run: 20 batches of 5 s, as the app's live runs have.
const SECONDS = 100;

let browser;
let inWorker;
let inPage;
let scaleboard;
before(async () => {
  execFileSync('cargo', ['build', '-q', '-p', 'scaleboard-cli'], { cwd: root, stdio: 'inherit' });
  scaleboard = path.join(targetDir, 'debug/scaleboard');
  browser = await launch();
  inWorker = await openApp(browser);
  inPage = await openApp(browser, { hash: '?engine=page' });
});
after(async () => {
  await inWorker?.context.close();
  await inPage?.context.close();
  await browser?.close();
});

const host = (app) => app.page.waitForFunction(() => window.scaleboardEngine?.host())
  .then((h) => h.jsonValue());

/// Opens `slug`, runs it `SECONDS` simulated seconds from t = 0 and returns the run's report.
async function liveReport(app, slug) {
  await openExample(app.page, slug);
  await waitSimTime(app.page, 0);
  await app.page.evaluate((s) => window.scaleboardEngine.step(s), SECONDS);
  await waitSimTime(app.page, SECONDS);
  return app.page.evaluate(() => window.scaleboardEngine.report());
}

test('the engine runs in a Web Worker, or in the page when asked', async () => {
  assert.equal(await host(inWorker), 'worker');
  assert.equal(await host(inPage), 'page');
});

for (const slug of EXAMPLES) {
  test(`${slug}: a live run in the worker, in the page and natively give the same report, byte for byte`, async () => {
    const worker = await liveReport(inWorker, slug);
    const page = await liveReport(inPage, slug);
    const file = path.join(root, 'examples', `${slug}.json`);
    const native = execFileSync(scaleboard,
      ['run', file, '--duration', String(SECONDS), '--warmup', '0', '--compact'], { encoding: 'utf8' }).trim();
    const report = JSON.parse(worker);
    assert.equal(report.time_s, SECONDS);
    assert.ok(report.end_to_end.completed > 1000, `${report.end_to_end.completed} requests completed`);
    assert.equal(worker, page, 'worker and page hosts');
    assert.equal(worker, native, 'worker and CLI');
    assert.deepEqual(inWorker.errors, []);
    assert.deepEqual(inPage.errors, []);
  });
}

test('a worker that cannot start leaves the engine to the page, which replays what it was sent', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
  // The worker's script is unreachable (a blocked or missing file).
  await context.route('**/engine_worker_loader.js', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/`);
  await ready(page);
  await openExample(page, 'basic');
  await page.getByTestId('step').click();
  await waitSimTime(page, 1);
  assert.equal(await page.evaluate(() => window.scaleboardEngine.host()), 'page');
  const report = JSON.parse(await page.evaluate(() => window.scaleboardEngine.report()));
  assert.equal(report.time_s, 1);
  await context.close();
});

test('a file run by the worker matches `scaleboard run --compact`', async () => {
  const file = path.join(root, 'examples', 'cascading-failure.json');
  const json = readFileSync(file, 'utf8');
  const { duration_s: duration, warmup_s: warmup } = JSON.parse(json).workload;
  const native = execFileSync(scaleboard, ['run', file, '--compact'], { encoding: 'utf8' }).trim();
  const worker = await inWorker.page.evaluate(([j, d, w]) => window.scaleboardEngine.runReport(j, d, w),
    [json, duration, warmup]);
  assert.equal(worker, native);
});

test('a busy design, whose event list becomes a calendar, runs the same in the worker and natively', async () => {
  // The benchmark's 50 nodes at 500 000 requests per second: thousands of requests in flight,
  // each with an event pending, so the engine's event list is a calendar of buckets (past
  // 2 048 events), not one heap; and in WebAssembly the random generator's 128-bit product is
  // built from 32-bit halves. Neither may change a bit of the report.
  const json = JSON.stringify(benchDiagram(500_000));
  const file = path.join(os.tmpdir(), `scaleboard-busy-${process.pid}.json`);
  writeFileSync(file, json);
  const native = execFileSync(scaleboard, ['run', file, '--duration', '1', '--warmup', '0', '--compact', '--quiet'],
    { encoding: 'utf8' }).trim();
  unlinkSync(file);
  const worker = await inWorker.page.evaluate(([j]) => window.scaleboardEngine.runReport(j, 1, 0), [json]);
  const report = JSON.parse(worker);
  assert.ok(report.end_to_end.in_flight > 2048, `${report.end_to_end.in_flight} requests in flight at the end`);
  assert.ok(report.end_to_end.completed > 400_000, `${report.end_to_end.completed} completed`);
  assert.equal(worker, native);
});

test('a load the worker cannot keep up with: the toolbar says so, and the page still draws', async () => {
  const { page } = inWorker;
  // The benchmark's 50 nodes at 1 M requests per second offered, at the fastest speed (100×):
  // 100 M simulated requests per wall-clock second are beyond any browser.
  const d = benchDiagram(1_000_000);
  await page.evaluate((json) => window.dispatchEvent(new CustomEvent('scaleboard-load', { detail: json })),
    JSON.stringify(d));
  await page.waitForSelector('[data-testid="node-api-4-7"]');
  const speeds = await page.getByTestId('speed-select').locator('option').count();
  await page.getByTestId('speed-select').selectOption(String(speeds - 1));
  await page.getByTestId('play').click();
  await page.waitForSelector('[data-testid="sim-speed"].is-behind', { timeout: 20_000 });
  // Frames keep coming while the worker is saturated.
  const fps = await page.evaluate(() => new Promise((done) => {
    let n = 0;
    const start = performance.now();
    const tick = (now) => (now - start < 1000 ? (n++, requestAnimationFrame(tick)) : done(n));
    requestAnimationFrame(tick);
  }));
  await screenshot(page, 'worker-behind');
  assert.ok(fps >= 20, `${fps} frames in a second while the worker is saturated`);
  await page.getByTestId('play').click();
  assert.deepEqual(inWorker.errors, []);
});

test('a worker that crashes mid-run: the page says so in both languages, keeps the design, and plays again', async () => {
  // `?engine-crash-test` lets the test make the worker panic (`scaleboardEngine.crash()`).
  const app = await openApp(browser, { hash: '?engine-crash-test', viewport: { width: 1280, height: 720 } });
  const { page } = app;
  await openExample(page, 'health-checks');
  const design = await nodeIds(page);
  const play = page.getByTestId('play');
  const toast = page.getByTestId('toast');

  /// Crashes the running worker; resolves once the page has recovered and said so in `said`.
  async function crashWhileRunning(said) {
    await play.click();
    const t = await simTime(page);
    await waitSimTime(page, t + 1);
    const crashes = await page.evaluate(() => window.scaleboardEngine.crashes());
    await page.evaluate(() => window.scaleboardEngine.crash());
    await toast.filter({ hasText: said }).waitFor();
    assert.equal(await page.evaluate(() => window.scaleboardEngine.crashes()), crashes + 1);
    // What the panic said reaches the user.
    assert.match(await toast.textContent(), /the page asked the engine to crash/);
    // A new worker took over, the run is paused and starts again from t = 0 with the design.
    assert.equal(await page.evaluate(() => window.scaleboardEngine.host()), 'worker');
    assert.equal(await play.getAttribute('aria-pressed'), 'false');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) < 0.5);
    assert.deepEqual(await nodeIds(page), design);
  }

  await crashWhileRunning('The simulation engine stopped');
  await screenshot(page, 'worker-crashed');
  // Play runs the design again in the new worker.
  await play.click();
  await waitSimTime(page, 1.5);
  // At 1280 px the language button is under "More".
  if (!(await page.getByTestId('lang-toggle').isVisible())) await page.getByTestId('more').click();
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await page.keyboard.press('Escape');
  await play.click(); // pause (crashWhileRunning presses Play)
  await crashWhileRunning('시뮬레이션 엔진이 멈췄습니다');
  await screenshot(page, 'worker-crashed-ko');
  await play.click();
  await waitSimTime(page, 1.5);
  // The new worker's run is a run like any other: its report is the CLI's for that design.
  const report = JSON.parse(await page.evaluate(() => window.scaleboardEngine.report()));
  assert.ok(report.time_s >= 1.5, `${report.time_s} s`);
  assert.ok(report.end_to_end.completed > 0);
  assert.deepEqual(app.errors, []);
  await app.context.close();
});
