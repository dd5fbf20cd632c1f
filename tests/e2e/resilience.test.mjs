// Resilience as a learner meets it: a lone load balancer marked as a SPOF and taking everything
// down when killed; a pooled server behind a health-checked balancer causing brief errors and
// then none; the chaos timeline edited in the Resilience tab; failover that loses writes; and
// the autoscaler adding instances while the money spent climbs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, screenshot, openExample, figure, simTime, waitSimTime, waitForFigure, nextSnapshot,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const number = figure;

async function open(page, slug, speedIndex) {
  await openExample(page, slug);
  await page.getByTestId('speed-select').selectOption(String(speedIndex));
}

/// Waits until the KPI `testid` satisfies `predicate(number)`, after each snapshot.
const waitForKpi = (page, testid, predicate, timeout = 20_000) => waitForFigure(page, testid, predicate, { timeout });

async function rightClick(page, testid) {
  const box = await page.getByTestId(testid).boundingBox();
  await page.mouse.click(box.x + 40, box.y + 30, { button: 'right' });
  await page.getByTestId('context-menu').waitFor();
}

async function clearTimeline(page) {
  await page.getByTestId('tab-resilience').click();
  while ((await page.getByTestId('chaos-remove-0').count()) > 0) {
    await page.getByTestId('chaos-remove-0').click();
  }
}

test('a lone load balancer is marked as a SPOF, and killing it is a total outage', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'lone-load-balancer', 5);
  // Marked before anything runs: it comes from the graph.
  const marker = page.getByTestId('node-lb-spof');
  await marker.waitFor();
  assert.equal(await marker.getAttribute('data-spof'), 'true');
  assert.match(await marker.getAttribute('title'), /no standby.*lose every request/);
  assert.equal(await page.getByTestId('node-api-spof').count(), 0, 'a pool of 3 is not a SPOF');
  await page.getByTestId('tab-resilience').click();
  await page.getByTestId('spof-lb').waitFor();
  assert.equal(await page.getByTestId('spof-count').innerText(), '1');

  await page.getByTestId('play').click();
  await waitForKpi(page, 'metric-throughput', (v) => v > 400);
  await rightClick(page, 'node-lb');
  await page.getByTestId('menu-kill').click();
  await page.getByTestId('node-lb-down').waitFor();
  // Every request fails: the error rate reaches 100 % and nothing gets through.
  await waitForKpi(page, 'metric-error-rate', (v) => v === 100);
  assert.equal(number(await page.getByTestId('metric-throughput').innerText()), 0);
  await nextSnapshot(page, 2);
  await screenshot(page, 'resilience-lone-lb-outage');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a pooled server behind a health-checked balancer: brief errors, then recovery', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'health-checks', 4);
  await clearTimeline(page); // this test breaks things by hand
  assert.equal(await page.getByTestId('node-lb-spof').count(), 0, 'a standby pair is not a SPOF');
  await page.getByTestId('play').click();
  await waitSimTime(page, 3);
  await waitForKpi(page, 'metric-error-rate', (v) => v === 0);
  await rightClick(page, 'node-api');
  await page.getByTestId('menu-kill-one').click();
  const killedAt = await simTime(page);
  // A third of the requests fail until three probes in a row have failed...
  await waitForKpi(page, 'metric-error-rate', (v) => v > 10);
  await page.getByTestId('node-api-instances-down').waitFor();
  await page.getByTestId('node-lb-unhealthy').waitFor({ timeout: 20_000 });
  const outAt = await simTime(page);
  assert.ok(outAt - killedAt < 6, `taken out of rotation ${outAt - killedAt} s after the kill`);
  // ...then none, while two instances carry the traffic.
  await waitForKpi(page, 'metric-error-rate', (v) => v === 0);
  assert.ok(number(await page.getByTestId('metric-throughput').innerText()) > 400);
  await page.getByTestId('tab-log').click();
  await page.getByTestId('event-log').filter({ hasText: 'taken out of rotation' }).waitFor();
  await page.getByTestId('tab-charts').click();
  await nextSnapshot(page, 2);
  await screenshot(page, 'resilience-health-check-recovery');
  // Revive it from the menu: it passes two probes and comes back.
  await rightClick(page, 'node-api');
  await page.locator('[data-testid^="menu-revive-"]').first().click();
  await page.getByTestId('node-lb-unhealthy').waitFor({ state: 'detached', timeout: 20_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chaos timeline: script a balancer kill and watch the standby take over', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'health-checks', 4);
  await clearTimeline(page);
  // A bad time is refused with a message, and nothing is added.
  await page.getByTestId('chaos-at').fill('-5');
  await page.getByTestId('chaos-at').dispatchEvent('change');
  await page.getByTestId('chaos-add').click();
  await page.getByTestId('chaos-error').waitFor();
  assert.equal(await page.getByTestId('chaos-event-0').count(), 0);
  // At 2 s, kill the balancer.
  await page.getByTestId('chaos-at').fill('2');
  await page.getByTestId('chaos-at').dispatchEvent('change');
  await page.getByTestId('chaos-action').selectOption('kill');
  await page.getByTestId('chaos-target').selectOption('lb');
  await page.getByTestId('chaos-add').click();
  await page.getByTestId('chaos-event-0').waitFor();
  assert.match(await page.getByTestId('chaos-event-0').innerText(), /kill/);
  await screenshot(page, 'resilience-chaos-timeline');
  await page.getByTestId('play').click();
  await page.getByTestId('tab-log').click();
  const log = page.getByTestId('event-log');
  await log.filter({ hasText: 'Chaos timeline: kill' }).waitFor({ timeout: 20_000 });
  await log.filter({ hasText: 'took over' }).waitFor({ timeout: 20_000 });
  await page.getByTestId('node-lb-standby').waitFor();
  await waitForKpi(page, 'metric-error-rate', (v) => v === 0);
  // Undo removes the scripted event (it is part of the document).
  await page.keyboard.press('Control+z');
  await page.getByTestId('tab-resilience').click();
  await page.getByText('Nothing scripted yet', { exact: false }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('typing in the chaos and service-level fields while the run goes on keeps what was typed', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'health-checks', 4);
  await page.getByTestId('play').click();
  await page.getByTestId('tab-resilience').click();
  // The panel re-renders with every snapshot; what is typed (not yet committed) must survive it.
  await page.getByTestId('chaos-at').fill('-7');
  await page.getByTestId('slo-p99').fill('12');
  await nextSnapshot(page, 3);
  assert.equal(await page.getByTestId('chaos-at').inputValue(), '-7');
  assert.equal(await page.getByTestId('slo-p99').inputValue(), '12');
  // Add reads what was typed, even before the form is re-rendered: -7 s is refused.
  await page.getByTestId('chaos-add').click();
  await page.getByTestId('chaos-error').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('database failover with asynchronous replication loses the writes in flight', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'db-failover', 7);
  await page.getByTestId('play').click();
  await page.getByTestId('tab-log').click();
  const lost = page
    .getByTestId('event-log')
    .filter({ hasText: /writes that had not been replicated are lost/ });
  await lost.waitFor({ timeout: 30_000 });
  const text = await lost.innerText();
  const n = Number(/(\d+) writes that had not been replicated/.exec(text)?.[1]);
  assert.ok(n > 0, `lost writes counted: ${text}`);
  await page.getByTestId('node-db-instances-down').waitFor();
  await screenshot(page, 'resilience-db-failover');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the autoscaler adds instances under load, and the money spent climbs', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'autoscaling', 8);
  await page.getByTestId('play').click();
  await page.getByTestId('tab-log').click();
  await page.getByTestId('event-log').filter({ hasText: 'scales out' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => parseInt((document.querySelector('[data-testid="node-api-instances"]')?.textContent ?? '×0').slice(1), 10) > 2,
    null,
    { timeout: 30_000 },
  );
  // The money spent, read twice 10 simulated seconds apart, climbs by what the instances cost.
  const spent = await waitForKpi(page, 'metric-spent', (v) => v > 0);
  const t0 = await simTime(page);
  const perHour = number(await page.getByTestId('metric-cost').innerText());
  assert.ok(perHour > 0, `the design costs money: ${perHour} $/h`);
  await waitSimTime(page, t0 + 10);
  const later = number(await page.getByTestId('metric-spent').innerText());
  assert.ok(later > spent, `spent rises over 10 simulated seconds: $${spent} → $${later}`);
  await page.getByTestId('tab-charts').click();
  await page.getByTestId('chart-spent').waitFor();
  await nextSnapshot(page, 2);
  await screenshot(page, 'resilience-autoscaling');
  assert.deepEqual(errors, []);
  await context.close();
});

test('gray failures and a partition, injected from the canvas and undone', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'health-checks', 4);
  await clearTimeline(page);
  await page.getByTestId('play').click();
  await waitSimTime(page, 3);
  const p99 = await waitForKpi(page, 'metric-p99', (v) => v > 0);
  // Five times slower service: the badge shows it and the tail grows.
  await rightClick(page, 'node-api');
  await page.getByTestId('menu-slow').click();
  await page.getByTestId('node-api-slow').waitFor();
  await waitForKpi(page, 'metric-p99', (v) => v > p99 * 1.5);
  await rightClick(page, 'node-api');
  await page.getByTestId('menu-unslow').click();
  await page.getByTestId('node-api-slow').waitFor({ state: 'detached' });
  // Cut the balancer off from the pool: every request fails until the network heals.
  // A straight edge has no height, which Playwright calls invisible: click its middle.
  const line = await page.getByTestId('edge-lb→api').locator('.edge-hit').boundingBox();
  await page.mouse.click(line.x + line.width / 2, line.y + line.height / 2);
  await page.getByTestId('partition-toggle').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="edge-lb→api"]')?.dataset.cut === 'true',
    null,
    { timeout: 10_000 },
  );
  await waitForKpi(page, 'metric-error-rate', (v) => v === 100);
  await nextSnapshot(page, 2);
  await screenshot(page, 'resilience-partition');
  await page.getByTestId('partition-toggle').click();
  await waitForKpi(page, 'metric-error-rate', (v) => v === 0);
  await page.getByTestId('tab-log').click();
  await page.getByTestId('event-log').filter({ hasText: 'Cut the network on' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
