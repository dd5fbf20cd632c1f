// Sharing and keeping work: a link replays the same design and run elsewhere, a damaged link
// never costs earlier work, reloads keep everything, named saves, import and export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launch, openApp, screenshot, BASE_URL, openExample, afterSave, figure } from './lib.mjs';

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
  // Step runs the whole second at once and the next snapshot shows it: every figure below comes
  // from the snapshot whose clock reads n.
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) >= n, n);
  return {
    time: await page.getByTestId('kpis').getAttribute('data-sim-time'),
    completed: await page.getByTestId('kpis').getAttribute('data-completed'),
    p99: await page.getByTestId('metric-p99').innerText(),
    api: await page.getByTestId('node-api-p99').innerText(),
  };
}

/// Decodes an image file in the page: its size, the colour of its top-left pixel (the
/// background) and how many pixels differ clearly from it.
async function decodeImage(page, bytes) {
  return page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const background = [d[0], d[1], d[2], d[3]];
    let painted = 0;
    for (let k = 0; k < d.length; k += 4) {
      const diff = Math.abs(d[k] - d[0]) + Math.abs(d[k + 1] - d[1]) + Math.abs(d[k + 2] - d[2]);
      if (diff > 48) painted++;
    }
    return { width: bitmap.width, height: bitmap.height, background, painted, total: d.length / 4 };
  }, bytes.toString('base64'));
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
  const { page, errors, context } = await openApp(browser, { monitor: true });
  await afterSave(page, async () => {
    await page.getByTestId('example-cascading-failure').click();
    await page.getByTestId('node-payments').waitFor();
  });
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
  const { page, errors, context } = await openApp(browser, { monitor: true });
  await page.getByTestId('example-basic').click();
  await page.getByTestId('node-lb').click();
  const was = page.url();
  await afterSave(page, async () => {
    await page.keyboard.press('Delete');
    await page.getByTestId('node-lb').waitFor({ state: 'detached' });
  });
  // The address now carries the edited design.
  await page.waitForFunction((was) => /^#\d+\./.test(location.hash) && location.href !== was, was, { timeout: 5_000 });
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

  // Exports: the JSON is the design (with the edit) and re-imports to the same document; the
  // PNG is the SVG's picture at twice its size; the CSV holds the run.
  const grab = async (testid) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
  };
  const json = await grab('export-json');
  assert.match(json.name, /(sticky-sessions|my-sticky-demo).*\.json$/);
  const doc = JSON.parse(json.bytes.toString());
  const example = JSON.parse(await readFile(new URL('../../examples/sticky-sessions.json', import.meta.url), 'utf8'));
  assert.deepEqual(doc.nodes.map((n) => n.id), example.nodes.map((n) => n.id), 'every node, in order');
  assert.deepEqual(doc.edges.map((e) => [e.from, e.to]), example.edges.map((e) => [e.from, e.to]), 'every edge');
  assert.equal(doc.nodes.find((n) => n.id === 'carts').params.instances, 2, 'the export carries the edit');
  const svg = await grab('export-svg');
  const svgText = svg.bytes.toString();
  assert.match(svgText, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svgText, /Sticky LB/);
  const [, svgW, svgH] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svgText).map(Number);
  const png = await grab('export-png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const picture = await decodeImage(page, png.bytes);
  assert.deepEqual([picture.width, picture.height], [2 * svgW, 2 * svgH], 'the SVG drawn at 2×');
  assert.equal(picture.background[3], 255, 'an opaque background');
  assert.ok(picture.painted > 0.01 * picture.total && picture.painted < 0.9 * picture.total,
    `cards, edges and text drawn on the background: ${picture.painted} of ${picture.total} pixels`);
  await page.getByTestId('file-close').click();
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  await page.getByTestId('file').click();
  const csv = await grab('export-csv');
  const lines = csv.bytes.toString().trim().split('\n');
  assert.match(lines[0], /^t_s,component,kind,/);
  assert.ok(lines.some((l) => l.startsWith('2,carts,server,')), 'per-component rows');

  // Import the exported file over another design: it opens as a document equal to the one
  // exported.
  await page.getByTestId('file-close').click();
  await openExample(page, 'single-queue');
  await page.getByTestId('node-sticky-lb').waitFor({ state: 'detached' });
  const exported = path.join(dir, 'exported.json');
  await writeFile(exported, json.bytes);
  await page.getByTestId('file').click();
  await page.getByTestId('import-file').setInputFiles(exported);
  await page.getByTestId('node-sticky-lb').waitFor();
  await page.getByTestId('node-carts-instances').filter({ hasText: '×2' }).waitFor();
  if (!(await page.getByTestId('file-dialog').isVisible())) await page.getByTestId('file').click();
  const again = JSON.parse((await grab('export-json')).bytes.toString());
  assert.deepEqual(again, doc, 'export → import → export gives the same document');
  assert.deepEqual(errors, []);
  await context.close();
});
