// First look: the page loads without errors and shows the whole shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, figure, simTime, waitSimTime, frames, snapshotsSettled } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the app loads with no console errors and shows palette, canvas, inspector and play', async () => {
  const { page, errors, context } = await openApp(browser);
  for (const id of ['palette', 'canvas', 'inspector', 'play', 'canvas-hint']) {
    assert.ok(await page.getByTestId(id).isVisible(), `${id} should be visible`);
  }
  for (const kind of ['client', 'load_balancer', 'server', 'cache', 'database', 'shard_router']) {
    assert.ok(await page.getByTestId(`palette-${kind}`).isVisible(), `palette lists ${kind}`);
  }
  assert.match(await page.locator('header').innerText(), /Scaleboard/);

  await screenshot(page, 'smoke-shell');

  // Play on an empty canvas explains what is missing instead of running nothing.
  const play = page.getByTestId('play');
  await play.click();
  assert.match(await page.getByTestId('toast').innerText(), /Fix the problems/);
  assert.match(await page.getByTestId('problems').innerText(), /empty/);
  assert.match(await play.innerText(), /Play/);

  // With a diagram, Play runs it: the clock advances, requests get through with a measured tail
  // latency and no errors, and Pause stops the clock.
  await page.getByTestId('example-basic').click();
  // The example arrives from the document store a moment later: Play before it would meet
  // the empty canvas (and its problems).
  await page.getByTestId('node-users').waitFor();
  await play.click();
  assert.match(await play.innerText(), /Pause/);
  await waitSimTime(page, 2);
  const throughput = figure(await page.getByTestId('metric-throughput').innerText());
  assert.ok(throughput > 0, `throughput ${throughput} req/s`);
  const p99Text = await page.getByTestId('metric-p99').innerText();
  assert.match(p99Text, /^\d+(\.\d+)? (ms|s)$/);
  assert.ok(figure(p99Text) > 0, `p99 ${p99Text}`);
  assert.equal(await page.getByTestId('metric-error-rate').innerText(), '0%');
  assert.ok(Number(await page.getByTestId('kpis').getAttribute('data-completed')) > 0, 'requests completed');
  await play.click();
  assert.match(await play.innerText(), /Play/);
  await page.waitForSelector('[data-testid="play"][aria-pressed="false"]');
  await snapshotsSettled(page); // the run's last snapshot is on screen
  const stopped = await simTime(page);
  await frames(page, 20);
  assert.equal(await simTime(page), stopped, 'the paused clock stays put');
  assert.deepEqual(errors, [], 'no console errors or panics');
  await context.close();
});
