// Sharing and keeping work: a link replays the same design and run elsewhere, a damaged link
// never costs earlier work, reloads keep everything, named saves, import and export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, openApp, screenshot, BASE_URL, openExample } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Advances the simulation `n` simulated seconds with the Step button, and returns what the
/// page shows: requests completed, p99, and the API tier's badges.
async function stepAndRead(page, n) {
  for (let i = 0; i < n; i++) await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) >= n, n);
  await page.waitForTimeout(400); // the next snapshot
  return {
    time: await page.getByTestId('kpis').getAttribute('data-sim-time'),
    completed: await page.getByTestId('kpis').getAttribute('data-completed'),
    p99: await page.getByTestId('metric-p99').innerText(),
    api: await page.getByTestId('node-api-p99').innerText(),
  };
}

async function shareLink(page) {
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.keyboard.press('Escape');
  return link;
}

test('a copied link opens the same design and, with the same seed, the same run', async () => {
  const a = await openApp(browser);
  await a.page.getByTestId('example-basic').click();
  // Change the design so the link carries an edit, not just an example.
  await a.page.getByTestId('node-api').click();
  await a.page.getByTestId('field-params.instances').fill('2');
  await a.page.getByTestId('field-params.instances').press('Enter');
  await a.page.getByTestId('node-api-instances').waitFor();
  const link = await shareLink(a.page);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#\d+\.[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 1000, `${link.length} characters`);
  await a.page.getByTestId('reset').click();
  const here = await stepAndRead(a.page, 5);
  assert.ok(Number(here.completed) > 1000, 'the run did real work');
  await screenshot(a.page, 'share-original');

  const b = await openApp(browser, { hash: '#' + link.split('#')[1] });
  for (const id of ['users', 'lb', 'api']) await b.page.getByTestId(`node-${id}`).waitFor();
  assert.equal(await b.page.getByTestId('node-api-instances').innerText(), '×2');
  const there = await stepAndRead(b.page, 5);
  assert.deepEqual(there, here, 'same design + same seed = same run, to the request');
  await screenshot(b.page, 'share-opened');
  assert.deepEqual([...a.errors, ...b.errors], []);
  await a.context.close();
  await b.context.close();
});

test('a link can carry the moment it was shared', async () => {
  const a = await openApp(browser);
  await a.page.getByTestId('example-retry-storm').click();
  const at = await stepAndRead(a.page, 3);
  await a.page.getByTestId('share').click();
  await a.page.getByTestId('share-playhead').check();
  const link = await a.page.getByTestId('share-link').inputValue();
  const b = await openApp(browser, { hash: '#' + link.split('#')[1] });
  await b.page.getByTestId('node-api').waitFor();
  await b.page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) >= 3);
  assert.equal(await b.page.getByTestId('kpis').getAttribute('data-completed'), at.completed);
  assert.deepEqual([...a.errors, ...b.errors], []);
  await a.context.close();
  await b.context.close();
});

test('a damaged link says so and opens the earlier work instead', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-cascading-failure').click();
  await page.waitForTimeout(700); // autosave
  for (const [hash, needle] of [
    ['#1.eNpLz0ks0ipIzcnJBwAWvQQw', 'checksum'],
    ['#1.this-is-definitely-not-a-diagram', 'damaged'],
    ['#7.eNpLz0ks0ipIzcnJBwAWvQQw', 'newer Scaleboard'],
  ]) {
    // A fresh page load with the link (changing only the hash would not reload).
    await page.goto('about:blank');
    await page.goto(`${BASE_URL}/${hash}`);
    await page.getByTestId('app').waitFor();
    const toast = await page.getByTestId('toast').innerText();
    assert.match(toast, /This link could not be opened/);
    assert.match(toast, new RegExp(needle));
    assert.match(toast, /earlier work is open instead/);
    await page.getByTestId('node-payments').waitFor(); // the earlier work, intact
  }
  await screenshot(page, 'share-damaged-link');
  // Pasting a damaged link into the address bar of an open tab keeps the current work.
  await page.evaluate(() => { location.hash = '#1.AAAAAAAAAAAAAAAAAAAAAAAA'; });
  await page.getByTestId('toast').filter({ hasText: 'current work is unchanged' }).waitFor();
  await page.getByTestId('node-payments').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('reloading never loses work, and the address follows the document', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  await page.getByTestId('node-lb').click();
  await page.keyboard.press('Delete');
  await page.waitForTimeout(700);
  assert.match(page.url(), /#\d+\./);
  await page.reload();
  await page.getByTestId('node-api').waitFor();
  assert.equal(await page.getByTestId('node-lb').count(), 0, 'the deletion survived the reload');
  assert.deepEqual(errors, []);
  await context.close();
});

test('naming a design, reopening it from Recent designs, import with every problem listed, and exports', async () => {
  const { page, errors, context } = await openApp(browser);
  await openExample(page, 'sticky-sessions');
  await page.getByTestId('node-sticky-lb').waitFor();
  // An own edit, so that choosing another example below opens it as a new document.
  await page.getByTestId('node-carts').click();
  await page.getByTestId('field-params.instances').fill('2');
  await page.getByTestId('field-params.instances').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="node-carts-instances"]')?.textContent === '×2');
  const sticky = await page.getByTestId('save-status').getAttribute('data-doc-id');
  assert.ok(sticky, 'save-status names the open document');
  // The design is always saved; the File dialog only renames it.
  await page.getByTestId('file').click();
  await page.getByTestId('save-name').fill('my sticky demo');
  await page.getByTestId('save-button').click();
  const entry = page.getByTestId('file-dialog').locator(`[data-testid="recent-doc"][data-doc-id=${JSON.stringify(sticky)}]`);
  await entry.filter({ hasText: 'my sticky demo' }).waitFor();
  assert.equal(await entry.getAttribute('data-current'), 'true');
  assert.equal(await entry.getAttribute('data-nodes'), '6');
  await page.getByTestId('file-close').click();
  await openExample(page, 'single-queue');
  await page.getByTestId('node-server').waitFor();
  await page.getByTestId('file').click();
  assert.equal(await entry.getAttribute('data-current'), 'false', 'the example opened as a new document');
  assert.match(await entry.innerText(), /my sticky demo/);
  await entry.getByTestId('recent-open').click();
  await page.getByTestId('node-sticky-lb').waitFor();
  assert.equal(await page.getByTestId('node-carts-instances').innerText(), '×2', 'reopened with the edit');
  if (await page.getByTestId('file-dialog').isVisible()) await page.getByTestId('file-close').click();
  await page.getByTestId('file-dialog').waitFor({ state: 'hidden' });

  // Import a broken file: every problem is listed and nothing is loaded.
  const dir = await mkdtemp(path.join(tmpdir(), 'scaleboard-'));
  const broken = path.join(dir, 'broken.json');
  await writeFile(broken, JSON.stringify({
    version: 1,
    nodes: [{ id: 'c', kind: 'client', params: { rate_rps: -1 } }, { id: 'x', kind: 'balancer' }],
    edges: [{ from: 'c', to: 'ghost' }],
  }));
  await page.getByTestId('file').click();
  await page.getByTestId('import-file').setInputFiles(broken);
  const problems = await page.getByTestId('import-problems').innerText();
  assert.match(problems, /rate_rps: must not be negative/);
  assert.match(problems, /unknown kind 'balancer'/);
  assert.match(problems, /dangling/);
  await page.getByTestId('node-sticky-lb').waitFor(); // current work untouched
  await screenshot(page, 'share-file-dialog');

  // Exports: the JSON re-imports to the same design; the pictures and CSV are real files.
  const grab = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  };
  const json = await grab('export-json');
  assert.match(json.name, /(sticky-sessions|my-sticky-demo).*\.json$/);
  const doc = JSON.parse(json.bytes.toString());
  assert.equal(doc.nodes.length, 6);
  const svg = await grab('export-svg');
  assert.match(svg.bytes.toString(), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg.bytes.toString(), /Sticky LB/);
  const png = await grab('export-png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  await page.getByTestId('file-close').click();
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  await page.getByTestId('file').click();
  const csv = await grab('export-csv');
  const lines = csv.bytes.toString().trim().split('\n');
  assert.match(lines[0], /^t_s,component,kind,/);
  assert.ok(lines.some((l) => l.startsWith('2,carts,server,')), 'per-component rows');
  assert.deepEqual(errors, []);
  await context.close();
});
