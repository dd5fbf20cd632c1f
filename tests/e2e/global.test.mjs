// Going global, as a learner meets it: two regions drawn as frames behind a traffic manager,
// cards moved between regions by dragging, a region that dies and the traffic that leaves it
// only once the probes notice and cached DNS answers expire; a database split by a partition,
// refusing the minority's writes (CP) or taking them and counting conflicts (AP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, openExample } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const simTime = (page) =>
  page.evaluate(() => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0'));

async function runUntil(page, seconds, timeout = 60_000) {
  await page.waitForFunction(
    (s) => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= s,
    seconds,
    { timeout },
  );
}

const rate = (page, edge) =>
  page.evaluate((e) => parseFloat(document.querySelector(`[data-testid="edge-${e}"]`)?.dataset.rate ?? 'NaN'), edge);

async function logText(page) {
  await page.getByTestId('tab-log').click();
  return page.getByTestId('event-log').innerText();
}

async function pause(page) {
  if ((await page.getByTestId('play').getAttribute('aria-pressed')) === 'true') await page.getByTestId('play').click();
}

test('two regions behind a traffic manager: a dead region keeps traffic until probes and DNS TTL run out', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  await openExample(page, 'global-two-regions');
  for (const r of ['us-east', 'eu-west']) await page.getByTestId(`region-${r}`).waitFor();

  // Dragging a card into the other region's frame moves it there; undo moves it back.
  const regionOf = async () => {
    await page.getByTestId('node-api-eu').click();
    return page.getByTestId('field-region').inputValue();
  };
  const api = await page.getByTestId('node-api-eu').boundingBox();
  const us = await page.getByTestId('region-us-east').boundingBox();
  await page.mouse.move(api.x + api.width / 2, api.y + api.height / 2);
  await page.mouse.down();
  await page.mouse.move(api.x + api.width / 2, us.y + us.height * 0.6, { steps: 10 });
  await page.mouse.up();
  assert.equal(await regionOf(), 'us-east', 'dropped in the US frame, the API is in us-east');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  assert.equal(await regionOf(), 'eu-west', 'undo takes it back to eu-west');
  await page.keyboard.press('Escape');

  // The round trip between the regions is editable with nothing selected: the published
  // figure is the placeholder, a typed number overrides it, undo puts it back.
  const rtt = page.getByTestId('field-region_latency.us-east.eu-west');
  assert.match(await rtt.getAttribute('placeholder'), /^\d+/, 'the default round trip is shown');
  await rtt.fill('0');
  await rtt.press('Enter');
  await page.getByTestId('error-region_latency.us-east.eu-west').waitFor();
  await rtt.fill('300');
  await rtt.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid="error-region_latency.us-east.eu-west"]'));
  assert.equal(await rtt.inputValue(), '300');
  await page.getByTestId('undo').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="field-region_latency.us-east.eu-west"]')?.value === '',
  );

  // Regions are added, named and removed from the inspector.
  await page.getByTestId('region-add').click();
  await page.getByTestId('region-region-1').waitFor();
  const label = page.getByTestId('field-regions.region-1.label');
  await label.fill('Seoul');
  await label.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="region-region-1"]')?.innerText.includes('Seoul'));
  await screenshot(page, 'global-region-added');
  await page.getByTestId('region-remove-region-1').click();
  await page.getByTestId('region-region-1').waitFor({ state: 'detached' });
  await page.getByTestId('fit').click();

  // A region is moved by its heading, with everything in it.
  const frame0 = await page.getByTestId('region-eu-west').boundingBox();
  const lb0 = await page.getByTestId('node-lb-eu').boundingBox();
  const head = await page.locator('[data-region-head="eu-west"] .region-name').boundingBox();
  await page.mouse.move(head.x + head.width / 2, head.y + head.height / 2);
  await page.mouse.down();
  await page.mouse.move(head.x + head.width / 2 + 60, head.y + head.height / 2 + 40, { steps: 8 });
  await page.mouse.up();
  const frame1 = await page.getByTestId('region-eu-west').boundingBox();
  const lb1 = await page.getByTestId('node-lb-eu').boundingBox();
  assert.ok(frame1.x - frame0.x > 20 && frame1.y - frame0.y > 10, 'the frame moved');
  assert.ok(Math.abs((lb1.x - lb0.x) - (frame1.x - frame0.x)) < 1 && Math.abs((lb1.y - lb0.y) - (frame1.y - frame0.y)) < 1,
    'its members moved with it');
  await page.getByTestId('undo').click();
  await page.waitForFunction((x) => Math.abs(document.querySelector('[data-testid="region-eu-west"]').getBoundingClientRect().x - x) < 1, frame0.x);

  // The failover run starts from the example as published, not from the edited copy: a fresh
  // clone's CI once saw every user routed to us-east before the outage after the edits above
  // (not reproduced here; noted on issue 12).
  await openExample(page, 'global-two-regions');
  await page.getByTestId('region-eu-west').waitFor();

  // Run: Europe's zone dies at 30 s (the example's timeline). Up to then at 25×: at 100× a
  // busy machine's frames jump several simulated seconds, and the wait for 28 s returned at
  // 36–43 s, after the outage (all users then in us-east: the flake noted on issue 12).
  await page.getByTestId('speed-select').selectOption('7');
  await page.getByTestId('play').click();
  await runUntil(page, 28);
  const edges = await page.evaluate(() => [...document.querySelectorAll('[data-edge]')].map((e) => [e.dataset.edge, e.dataset.rate]));
  assert.ok((await rate(page, 'gtm→lb-eu')) > 0, `before the outage, European users go to eu-west: ${JSON.stringify(edges)}`);
  await page.getByTestId('speed-select').selectOption('8');
  // The probes notice after `unhealthy_threshold` failed probes (3 × 5 s in this example), not
  // at once: until then users are still sent to the dead region, and fail there.
  await runUntil(page, 55);
  const log = await logText(page);
  const detected = log.match(/t = ([\d.]+) s\nTraffic manager: [^\n]* stops sending users to region eu-west/);
  assert.ok(detected, `the traffic manager takes eu-west out\n${log}`);
  const at = Number(detected[1]);
  assert.ok(at >= 30 + 2 * 5 && at <= 30 + 4 * 5, `detected at ${at} s: within the probes' window after the kill at 30 s`);
  assert.match(log, /Requests are failing at LB EU/, 'meanwhile requests sent to the dead region fail');
  // Cached DNS answers (TTL 20 s) expire: then nobody goes to eu-west any more.
  await runUntil(page, at + 20 + 5);
  await pause(page);
  assert.equal(await rate(page, 'gtm→lb-eu'), 0, 'no traffic reaches the dead region once answers expired');
  assert.ok((await rate(page, 'gtm→lb-us')) > 300, 'everyone goes to us-east');
  await page.getByTestId('tab-charts').click();
  await screenshot(page, 'global-failover');

  // Partitioning a region from its frame cuts the edges that cross its border.
  await page.getByTestId('region-us-east-partition').click();
  await page.getByTestId('step').click();
  await page.waitForSelector('[data-testid="region-us-east"][data-partitioned="true"]');
  await screenshot(page, 'global-region-partitioned');
  await page.getByTestId('region-us-east-partition').click();
  await page.getByTestId('step').click();
  await page.waitForSelector('[data-testid="region-us-east"][data-partitioned="false"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a partition through a database: CP refuses the minority’s writes, AP takes them and counts conflicts', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  await openExample(page, 'partition-cp-vs-ap');
  await page.getByTestId('speed-select').selectOption('8');
  await page.getByTestId('play').click();
  await runUntil(page, 45);
  await pause(page);
  let log = await logText(page);
  assert.match(log, /in the minority and refuse writes/, `CP: the minority refuses writes\n${log}`);
  assert.doesNotMatch(log, /Split brain/);
  await screenshot(page, 'global-partition-cp');

  // The same design in AP mode, run again from the start.
  await page.getByTestId('node-db').click();
  await page.getByTestId('field-params.partition_mode').selectOption('ap');
  await page.getByTestId('reset').click();
  await page.getByTestId('play').click();
  await runUntil(page, 45);
  await pause(page);
  log = await logText(page);
  assert.match(log, /Split brain/, `AP: a second primary\n${log}`);
  const healed = log.match(/resolved (\d+) conflicting keys/);
  assert.ok(healed && Number(healed[1]) > 0, `AP: conflicts counted at heal\n${log}`);
  await screenshot(page, 'global-partition-ap');
  assert.deepEqual(errors, []);
  await context.close();
});
