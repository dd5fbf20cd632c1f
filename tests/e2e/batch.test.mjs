// Batch processing as a learner meets it: the MapReduce example's two jobs go through their
// phases (setup → map → shuffle → reduce → done) on the card's timeline bar, the job time the
// card shows is the one the CLI reports for the same file, and the job with speculative
// execution finishes first because its backup copies win.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, screenshot, openExample, waitSimTime, pause, snapshotsSettled } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');

let browser;
let cli;
before(async () => {
  // The native CLI's report of the same example (built if needed, as determinism.test.mjs does).
  execFileSync('cargo', ['build', '-q', '-p', 'scaleboard-cli'], { cwd: root, stdio: 'inherit' });
  const out = execFileSync(path.join(targetDir, 'debug/scaleboard'),
    ['run', path.join(root, 'examples/batch-mapreduce.json')], { encoding: 'utf8' });
  cli = JSON.parse(out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The phase a job's card shows now. */
const phaseOf = (page, id) => page.getByTestId(`node-${id}-job-phase`).getAttribute('data-value');

/** Waits until job `id` shows `phase`. */
async function waitPhase(page, id, phase) {
  await page.waitForFunction(
    ([id, phase]) => document.querySelector(`[data-testid="node-${id}-job-phase"]`)?.dataset.value === phase,
    [id, phase],
    { timeout: 30_000 },
  );
}

test('the MapReduce example: phases advance map → shuffle → reduce → done, and the job time matches the CLI', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'batch-mapreduce');
  assert.equal(await phaseOf(page, 'speculative'), 'waiting', 'nothing runs before Play');
  // 5×: the 4.8 s shuffle lasts about a second of real time, several snapshots.
  await page.getByTestId('speed-select').selectOption('5');
  await page.getByTestId('play').click();

  const seen = [];
  for (const phase of ['map', 'shuffle', 'reduce', 'done']) {
    await waitPhase(page, 'speculative', phase);
    seen.push(phase);
    if (phase === 'map') {
      const bar = page.getByTestId('node-speculative-job-timeline');
      assert.equal(await bar.getByTestId('node-speculative-job-setup').getAttribute('data-state'), 'done');
      assert.equal(await bar.getByTestId('node-speculative-job-map').getAttribute('data-state'), 'active');
      assert.equal(await bar.getByTestId('node-speculative-job-reduce').getAttribute('data-state'), 'pending');
      await screenshot(page, 'batch-map-phase');
    }
  }
  assert.deepEqual(seen, ['map', 'shuffle', 'reduce', 'done']);
  // The job without speculation is still reducing: its straggler holds a reducer.
  assert.equal(await phaseOf(page, 'plain'), 'reduce');
  await waitPhase(page, 'plain', 'done');
  await pause(page);
  await snapshotsSettled(page);

  for (const id of ['plain', 'speculative']) {
    const job = cli.nodes[id].job;
    const shown = Number(await page.getByTestId(`node-${id}-job-time`).getAttribute('data-value'));
    assert.equal(shown, job.job_time_s, `${id}: the card's job time is the CLI's`);
    for (const phase of ['map', 'shuffle', 'reduce']) {
      const seg = page.getByTestId(`node-${id}-job-${phase}`);
      assert.equal(await seg.getAttribute('data-state'), 'done');
      assert.equal(Number(await seg.getAttribute('data-start')), job.timeline[phase].start_s, `${id} ${phase} start`);
      assert.equal(Number(await seg.getAttribute('data-end')), job.timeline[phase].end_s, `${id} ${phase} end`);
    }
  }
  const plain = cli.nodes.plain.job;
  const spec = cli.nodes.speculative.job;
  assert.ok(spec.job_time_s < plain.job_time_s, `backups shorten the job: ${spec.job_time_s} < ${plain.job_time_s}`);
  assert.ok(spec.tasks.backups_won > 0);
  assert.equal(Number(await page.getByTestId('node-speculative-backups').getAttribute('data-value')), spec.tasks.backups_won);
  assert.equal(await page.getByTestId('node-plain-backups').count(), 0, 'no backups without speculation');
  await screenshot(page, 'batch-done');
  assert.deepEqual(errors, []);
  await context.close();
});

test('1280×720 in Korean: the cards, their phases and the job inspector read in Korean', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await page.evaluate(() => localStorage.setItem('scaleboard.lang', 'ko'));
  await page.reload();
  await page.waitForSelector('[data-testid="app"][data-ready="true"][data-lang="ko"]');
  await openExample(page, 'batch-mapreduce');
  await page.getByTestId('speed-select').selectOption('6');
  await page.getByTestId('play').click();
  await waitPhase(page, 'speculative', 'reduce');
  assert.match(await page.getByTestId('node-speculative-job-phase').innerText(), /리듀스/);
  await waitPhase(page, 'speculative', 'done');
  await pause(page);
  const card = await page.getByTestId('node-speculative').innerText();
  assert.match(card, /완료/);
  assert.match(card, /백업 \d+\/\d+/);
  await page.getByTestId('node-speculative').click();
  await page.getByTestId('field-params.speculative').waitFor();
  assert.match(await page.getByTestId('inspector').innerText(), /추측 실행/);
  await screenshot(page, 'batch-ko-inspector');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a batch job from the palette: its job time is the makespan formula, and more workers shorten it', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'batch-mapreduce');
  // Palette items are buttons: Enter adds the component.
  await page.getByTestId('palette-batch_job').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('node-job-1').waitFor();
  await page.getByTestId('node-job-1').click();
  // Defaults: 10 M records in 100 map tasks of 5 s, 10 reducers of 10 s, 1 GB over 500 MB/s,
  // 1 s of setup. 50 workers × 2 slots: one wave of each.
  const workers = page.getByTestId('field-params.workers');
  await workers.fill('50');
  await workers.press('Enter');
  await page.getByTestId('speed-select').selectOption('6');
  await page.getByTestId('play').click();
  await waitPhase(page, 'job-1', 'done');
  await pause(page);
  const makespan = 1 + Math.ceil(100 / 100) * 5 + 1e9 / 500e6 + Math.ceil(10 / 100) * 10;
  assert.equal(Number(await page.getByTestId('node-job-1-job-time').getAttribute('data-value')), makespan);
  await screenshot(page, 'batch-palette-job');
  assert.deepEqual(errors, []);
  await context.close();
});
