// Showing a run outside the editor (issue 16). "Print report": the one-page report of the run
// (the page `scaleboard report --html` writes, from the same Rust code) opens over the editor
// and goes to the print dialog; printed to PDF by Chromium it is exactly one A4 page, and one
// Letter page, that carries the run's figures — in Korean too. Each PDF's first page is
// rendered to PNG (poppler's pdftoppm) under target/e2e/ to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  launch, openApp, openExample, waitSimTime, pause, openFileDialog, screenshot, collectErrors, SHOTS,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Prints the page to `name`.pdf in the paper `format`; returns its page count and text, and
/// renders its first page to `name`.png.
async function printPdf(page, name, format) {
  await mkdir(SHOTS, { recursive: true });
  const pdf = path.join(SHOTS, `${name}.pdf`);
  await page.pdf({ path: pdf, format, printBackground: true });
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(SHOTS, name)]);
  return { pages, text };
}

/// Opens File → Print report; the view appears and the print dialog is asked for once.
async function openReport(page) {
  await page.evaluate(() => {
    window.__prints = 0;
    window.print = () => { window.__prints += 1; };
  });
  // Below ~1400 px the File button lives in the toolbar's More menu.
  if (!(await page.getByTestId('file').isVisible())) await page.getByTestId('more').click();
  await openFileDialog(page);
  await page.getByTestId('print-report').click();
  await page.getByTestId('report-view').waitFor();
  await page.waitForFunction(() => window.__prints === 1);
  assert.equal(await page.getByTestId('file-dialog').isVisible(), false, 'the File dialog closed');
  return page.getByTestId('report');
}

/// A figure's exact value in the report.
const figure = (report, id) => report.locator(`[data-figure="${id}"]`).getAttribute('data-value').then(Number);

test('Print report: one A4 and one Letter page with the run\'s figures, SPOF, SLO verdict and chaos events', async () => {
  const { page, errors } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'lone-load-balancer');
  await page.getByTestId('speed-select').selectOption('7');
  await page.getByTestId('play').click();
  // The example's timeline kills the load balancer at 20 s and revives it at 40 s; the live
  // run's 95 % intervals need 10 batches of 5 s with requests in them (none during the outage).
  await waitSimTime(page, 82, { timeout: 60_000 });
  await pause(page);

  const report = await openReport(page);
  await screenshot(page, 'show-report-view');
  const throughput = await figure(report, 'throughput');
  const completed = await figure(report, 'completed');
  assert.ok(throughput > 0 && completed > 0, `throughput ${throughput}, completed ${completed}`);
  assert.equal(await figure(report, 'spofs'), 1, 'the lone load balancer');
  assert.equal(await report.locator('[data-figure="slo_met"]').getAttribute('data-value'), 'false',
    'the outage misses the SLO');
  const shownThroughput = (await report.locator('[data-figure="throughput"]').textContent()).trim();
  const shownP99 = (await report.locator('[data-figure="p99_ms"]').textContent()).trim();

  const a4 = await printPdf(page, 'show-report-a4', 'A4');
  assert.equal(a4.pages, 1, 'one A4 page');
  for (const words of ['Run report', 'KEY FIGURES', shownThroughput, shownP99, 'SLO missed',
    'confidence interval', 'SINGLE POINTS OF FAILURE', 'lone load balancer', 'CHAOS EVENTS',
    'kill Load balancer', 'revive Load balancer']) {
    assert.ok(a4.text.includes(words), `the A4 page says "${words}"`);
  }
  assert.match(a4.text, /p99\s+[\d.]+ ms\s+[\d.]+ ms – [\d.]+ ms/, 'p99 with its 95 % interval');
  assert.ok(!a4.text.includes('Play'), 'the editor is not printed');
  const letter = await printPdf(page, 'show-report-letter', 'Letter');
  assert.equal(letter.pages, 1, 'one Letter page');

  // Close goes back to the editor, with nothing of the report left in the page.
  await page.getByTestId('report-close').click();
  assert.equal(await page.locator('.sb-report-host').count(), 0);

  // In Korean the page is Korean (the same numbers).
  if (!(await page.getByTestId('lang-toggle').isVisible())) await page.getByTestId('more').click();
  await page.getByTestId('lang-toggle').click();
  const ko = await openReport(page);
  assert.equal(await ko.getAttribute('lang'), 'ko');
  assert.equal(await figure(ko, 'completed'), completed, 'paused: the same run');
  const koPdf = await printPdf(page, 'show-report-ko-a4', 'A4');
  assert.equal(koPdf.pages, 1);
  for (const words of ['실행 보고서', '핵심 지표', '처리량', '단일 장애 지점', '카오스 이벤트', '서비스 수준 목표 미달']) {
    assert.ok(koPdf.text.includes(words), `the Korean page says "${words}"`);
  }
  // The example was opened in English: the Korean report still names its nodes in Korean
  // (seen before: "Load balancer은(는)…").
  assert.ok(koPdf.text.includes('로드밸런서'), 'the load balancer named in Korean');
  assert.ok(!/Load balancer|API pool|Users/.test(koPdf.text), 'no English node name left');
  await page.keyboard.press('Escape');
  await page.getByTestId('report-view').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('Embed: the Share dialog\'s iframe plays the design read-only and never writes the reader\'s store', async () => {
  // The editor: the example's Share dialog gives the <iframe> snippet.
  const editor = await openApp(browser);
  await openExample(editor.page, 'lone-load-balancer');
  await editor.page.getByTestId('share').click();
  const snippet = await editor.page.getByTestId('share-embed').inputValue();
  const link = await editor.page.getByTestId('share-link').inputValue();
  await editor.page.keyboard.press('Escape');
  await openExample(editor.page, 'small');
  await editor.page.getByTestId('share').click();
  const otherLink = await editor.page.getByTestId('share-link').inputValue();
  await editor.context.close();
  assert.match(snippet, /^<iframe src="[^"]+\?embed#[^"]+" title="[^"]+" width="800" height="450"/);
  const src = /src="([^"]+)"/.exec(snippet)[1].replaceAll('&amp;', '&');
  assert.equal(src, link.replace('#', '?embed#'), 'the embed opens the same link');

  // A course page, in a fresh browser profile, with that iframe (Korean reader).
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1, locale: 'ko-KR', colorScheme: 'dark' });
  // Every frame counts what it asks of the browser's storage (the embed must ask nothing).
  await context.addInitScript(() => {
    window.__storage = { idbOpens: 0, writes: 0 };
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...args) {
      window.__storage.idbOpens += 1;
      return open.apply(this, args);
    };
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (...args) {
      window.__storage.writes += 1;
      return setItem.apply(this, args);
    };
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.setContent(`<!doctype html><meta charset="utf-8"><body style="margin:24px;font-family:sans-serif;background:#f4f4f4"><h1 style="font-size:20px">강의 노트: 단일 로드밸런서</h1>${snippet}</body>`);
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-testid="embed"][data-loaded="true"]').waitFor({ timeout: 20_000 });

  // Only the canvas, the run controls, the scrubber and the key figures: nothing to edit with.
  for (const editing of ['palette-item', 'inspector', 'file', 'share', 'examples', 'undo', 'more']) {
    assert.equal(await frame.locator(`[data-testid="${editing}"], .${editing}`).count(), 0, `no ${editing} in the embed`);
  }
  assert.equal(await frame.locator('.port').evaluateAll((ps) => ps.filter((p) => p.offsetParent !== null).length), 0,
    'no connection ports');
  assert.equal(await frame.getByTestId('chaos-mark').count(), 2, 'the kill at 20 s and the revival at 40 s');

  // Play: simulated time advances inside the frame.
  const simTimeIn = () => frame.getByTestId('kpis').getAttribute('data-sim-time').then(Number);
  await frame.getByTestId('speed-select').selectOption('5');
  await frame.getByTestId('play').click();
  const embedded = page.frames().find((f) => f !== page.mainFrame());
  await embedded.waitForFunction(
    () => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= 3,
    null, { timeout: 30_000 });
  assert.ok(await simTimeIn() >= 3);
  await frame.getByTestId('play').click();
  await screenshot(page, 'show-embed-ko');

  // Dragging a card moves nothing (read-only).
  const card = frame.locator('[data-node="lb"]').first();
  const before = await card.boundingBox();
  await card.hover();
  await page.mouse.down();
  await page.mouse.move(before.x + 150, before.y + 90, { steps: 5 });
  await page.mouse.up();
  assert.deepEqual(await card.boundingBox(), before, 'the card stays put');

  // The scrubber re-simulates to the chosen second, past the chaos kill.
  await frame.getByTestId('scrubber').evaluate((el) => {
    el.value = '30';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await embedded.waitForFunction(
    () => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= 30,
    null, { timeout: 30_000 });
  assert.match(await frame.getByTestId('embed-clock').textContent(), /^30(\.\d)? s$/);

  // The course page points the frame at another design: the embed shows it, still without
  // the store.
  await embedded.evaluate((hash) => { location.hash = hash; }, new URL(otherLink).hash);
  await frame.locator('[data-node="db"]').first().waitFor();
  assert.equal(await frame.locator('[data-node="lb"]').count(), 0, 'the first design is gone');

  // Nothing written: the document store (IndexedDB) never opened, no preference saved, the
  // address kept.
  const asked = await embedded.evaluate(() => ({ ...window.__storage, address: location.href }));
  assert.equal(asked.idbOpens, 0, 'IndexedDB never opened');
  assert.equal(asked.writes, 0, 'nothing written to localStorage or sessionStorage');
  assert.equal(asked.address, src.replace(/#.*/, new URL(otherLink).hash),
    'the address is what the course page set, nothing more');
  assert.deepEqual(errors, []);
  await context.close();
});
