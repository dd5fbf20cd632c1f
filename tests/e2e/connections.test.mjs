// Long-lived connections, as a learner meets them (issue 20): the balancer's live section shows
// where requests and open connections are, backend by backend; when the autoscaler scales in,
// the connections on the leaving servers are drained — their users reconnect through the
// balancer — and none is dropped; the instances chart shows the group growing and shrinking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, screenshot, openExample, waitSimTime, pause, snapshotsSettled, collectErrors, ready, BASE_URL,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A connection count of the selected balancer (its data-value), or null when not shown. */
async function count(page, id) {
  const el = page.getByTestId(id);
  if ((await el.count()) === 0) return null;
  return Number(await el.getAttribute('data-value'));
}

/** Open connections per backend, as the selected balancer's bars show them. */
async function openPerBackend(page) {
  return page.getByTestId('spread-backend').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.backend, Number(r.dataset.open)])));
}

test('scale-in drains long-lived connections (none dropped), and the balancer shows where they are', async () => {
  // In Korean, on a 1280×720 projector.
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  await context.addInitScript(() => localStorage.setItem('scaleboard.lang', 'ko'));
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/`);
  await ready(page);
  assert.equal(await page.getByTestId('app').getAttribute('data-lang'), 'ko');
  await openExample(page, 'long-connections');
  await page.getByTestId('node-lb').click({ position: { x: 30, y: 12 } });
  // 25×: the example's scale-out comes in the first two minutes, the fall in connects at 150 s.
  await page.getByTestId('speed-select').selectOption('7');
  await page.getByTestId('play').click();
  await waitSimTime(page, 130, { timeout: 40_000 });
  await pause(page);
  await snapshotsSettled(page);
  const before = await openPerBackend(page);
  const backends = Object.keys(before);
  assert.ok(backends.length >= 3, `the group scaled out: ${backends}`);
  assert.ok(Object.values(before).every((n) => n > 0), `every backend holds connections: ${JSON.stringify(before)}`);
  // Round robin: the instance that joined last holds fewer than the first.
  const first = before[backends[0]];
  const last = before[backends[backends.length - 1]];
  assert.ok(last < first, `the newcomer holds fewer (${last}) than api#0 (${first})`);
  assert.equal(await count(page, 'conn-drained'), 0, 'nothing drained before the scale-in');
  await page.getByTestId('balancer-spread').scrollIntoViewIfNeeded();
  await screenshot(page, 'connections-spread-ko');

  // Connects fall to a fifth at 150 s; the autoscaler scales in after its 30 s window.
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="conn-drained"]')?.dataset.value ?? '0') > 0,
    null,
    { timeout: 40_000 },
  );
  await pause(page);
  await snapshotsSettled(page);
  const drained = await count(page, 'conn-drained');
  assert.ok(drained > 0, `drained: ${drained}`);
  assert.equal(await count(page, 'conn-dropped'), 0, 'a scale-in cuts no connection');
  const opened = await count(page, 'conn-opened');
  const open = await count(page, 'conn-open');
  const closed = await count(page, 'conn-closed');
  assert.equal(opened, open + closed + drained, 'every connection is open, closed or drained');
  const after = await openPerBackend(page);
  assert.ok(Object.keys(after).length < backends.length, `fewer backends: ${Object.keys(after)}`);
  await page.getByTestId('connection-counts').scrollIntoViewIfNeeded();
  await screenshot(page, 'connections-drained-ko');
  // The event log tells of the drain, in Korean.
  await page.getByTestId('tab-log').click();
  assert.match(await page.getByTestId('event-log').innerText(), /장시간 연결 \d+개를 드레인/);

  // The instances chart: the group grew to at least three, and shrank.
  await page.getByTestId('tab-charts').click();
  const chart = page.getByTestId('chart-instances');
  await chart.scrollIntoViewIfNeeded();
  const peak = Number(await chart.locator('.chart-legend-item').first().getAttribute('data-peak'));
  assert.ok(peak >= 3, `peak instances: ${peak}`);
  await screenshot(page, 'connections-instances-chart-ko');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a client switched to long-lived connections shows their settings', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'basic');
  await page.getByTestId('node-users').click({ position: { x: 30, y: 12 } });
  const toggle = page.getByTestId('field-params.connections');
  await toggle.scrollIntoViewIfNeeded();
  assert.equal(await page.getByTestId('field-params.connections.lifetime_s').count(), 0);
  await toggle.check();
  const lifetime = page.getByTestId('field-params.connections.lifetime_s');
  await lifetime.waitFor();
  await lifetime.fill('-5');
  await lifetime.press('Enter');
  await page.getByTestId('error-params.connections.lifetime_s').waitFor();
  await lifetime.fill('300');
  await lifetime.press('Enter');
  await page.getByTestId('play').click();
  await page.getByTestId('node-lb').click({ position: { x: 30, y: 12 } });
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="conn-open"]')?.dataset.value ?? '0') > 0,
    null,
    { timeout: 20_000 },
  );
  await waitSimTime(page, 5);
  await pause(page);
  await snapshotsSettled(page);
  await page.getByTestId('balancer-spread').scrollIntoViewIfNeeded();
  await screenshot(page, 'connections-client-on');
  assert.deepEqual(errors, []);
  await context.close();
});
