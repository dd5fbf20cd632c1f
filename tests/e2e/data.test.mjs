// The data tier as a learner meets it: a cache whose hit ratio emerges from its size, replicas
// whose lag and stale reads show on the canvas, and building a cache + database by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, openExample, figure, waitSimTime, nextSnapshot, waitForFigure } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const percent = figure;

async function open(page, slug) {
  await openExample(page, slug);
  await page.getByTestId('speed-select').selectOption('6'); // 10× real time
  await page.getByTestId('play').click();
}

test('a cache in front of the database: hit ratio, and a smaller cache hits less', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'cache-in-front');
  const hit = page.getByTestId('node-redis-hit');
  await hit.waitFor({ timeout: 15_000 });
  await waitSimTime(page, 20); // the cache has warmed up
  const small = percent(await hit.innerText());
  assert.ok(small > 30 && small < 95, `hit ratio ${small}%`);
  // Shrink the cache twentyfold, live: the least recently used keys go and the hit ratio falls.
  await page.getByTestId('node-redis').click();
  await page.getByTestId('field-params.capacity_keys').fill('500');
  await page.getByTestId('field-params.capacity_keys').press('Enter');
  await waitForFigure(page, 'node-redis-hit', (v) => v < small - 15, { timeout: 20_000 });
  await page.getByTestId('live-hit').waitFor();
  await screenshot(page, 'data-cache');
  assert.deepEqual(errors, []);
  await context.close();
});

test('async replicas: lag per replica, stale reads marked on the canvas and counted', async () => {
  const { page, errors, context } = await openApp(browser);
  await open(page, 'replicas');
  await page.getByTestId('node-db-lag').waitFor({ timeout: 15_000 });
  await page.getByTestId('metric-stale').waitFor({ timeout: 15_000 });
  assert.ok(percent(await page.getByTestId('metric-stale').innerText()) > 5, 'a share of reads is stale');
  assert.match(await page.getByTestId('node-db-lag').innerText(), /\d+(\.\d+)? ms/);
  await page.getByTestId('node-db').click();
  const members = await page.getByTestId('live-members').innerText();
  assert.match(members, /replica 1/);
  assert.match(members, /replica 2/);
  await page.getByTestId('tab-log').click();
  await page.getByTestId('event-log').filter({ hasText: 'serving stale data' }).waitFor();
  await page.getByTestId('tab-charts').click();
  await nextSnapshot(page, 2);
  await screenshot(page, 'data-replicas');

  // Read from the primary instead: stale reads stop.
  await page.getByTestId('field-params.read_from').selectOption('primary');
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid="metric-stale"]')?.textContent ?? '';
    return t.trim() === '0%';
  }, null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('build client → server → cache → database by hand and run it', async () => {
  const { page, errors, context } = await openApp(browser);
  const canvas = await page.getByTestId('canvas').boundingBox();
  const drop = async (kind, fx, fy) => {
    const b = await page.getByTestId(`palette-${kind}`).boundingBox();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width * fx, canvas.y + canvas.height * fy, { steps: 10 });
    await page.mouse.up();
  };
  await drop('client', 0.12, 0.4);
  await drop('server', 0.36, 0.4);
  await drop('cache', 0.6, 0.4);
  await drop('database', 0.84, 0.4);
  const wire = async (from, to) => {
    const a = await page.getByTestId(`port-${from}`).boundingBox();
    const b = await page.getByTestId(`node-${to}`).boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
    await page.mouse.up();
  };
  await wire('client-1', 'server-1');
  await wire('server-1', 'cache-1');
  await wire('cache-1', 'db-1');
  assert.match(await page.getByTestId('tab-problems').innerText(), /\(0\)/);
  // Reads only (writes would go through to the database as well).
  await page.getByTestId('node-client-1').click();
  await page.getByTestId('field-params.read_ratio').fill('1');
  await page.getByTestId('field-params.read_ratio').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="field-params.read_ratio"]')?.value === '1');
  await page.getByTestId('speed-select').selectOption('6'); // 10× real time
  await page.getByTestId('play').click();
  await page.getByTestId('node-cache-1-hit').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('node-db-1').getAttribute('data-kind'), 'database');
  // Once warm, the cache answers a share of the reads itself, and only its misses reach the
  // database: in the same simulated second, rate into the database = rate into the cache ×
  // (1 − hit ratio), up to the rounding of the hit ratio (±0.5 %) and the few requests that
  // cross the second between the two edges.
  await waitSimTime(page, 20, { timeout: 30_000 });
  const read = () => page.evaluate(() => ({
    t: Number(document.querySelector('[data-testid="kpis"]').dataset.simTime),
    hit: document.querySelector('[data-testid="node-cache-1-hit"]')?.textContent ?? '',
    into: Number(document.querySelector('[data-testid="edge-server-1→cache-1"]').dataset.rate),
    misses: Number(document.querySelector('[data-testid="edge-cache-1→db-1"]').dataset.rate),
  }));
  const r = await read();
  const hitRatio = percent(r.hit.replace(/^\D*/, '')) / 100;
  assert.ok(hitRatio > 0, `the cache hits: ${JSON.stringify(r)}`);
  assert.ok(r.into > 0 && r.misses > 0 && r.misses < r.into, `the database gets fewer requests than the cache: ${JSON.stringify(r)}`);
  const expected = r.into * (1 - hitRatio);
  assert.ok(Math.abs(r.misses - expected) <= 2 + 0.01 * r.into,
    `database rate ${r.misses}/s = cache rate ${r.into}/s × (1 − ${hitRatio}) = ${expected.toFixed(1)}/s: ${JSON.stringify(r)}`);
  await screenshot(page, 'data-built');
  assert.deepEqual(errors, []);
  await context.close();
});
