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
  launch, openApp, openExample, waitSimTime, pause, openFileDialog, screenshot, SHOTS,
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
  await page.getByTestId('speed-select').selectOption('5');
  await page.getByTestId('play').click();
  // The example's timeline kills the load balancer at 20 s and revives it at 40 s.
  await waitSimTime(page, 24, { timeout: 60_000 });
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
  for (const words of ['Run report', 'Key figures', shownThroughput, shownP99, 'SLO missed',
    '95 % confidence interval', 'Single points of failure', 'lone load balancer', 'Chaos events',
    'kill Load balancer', 'not reached yet']) {
    assert.ok(a4.text.includes(words), `the A4 page says "${words}"`);
  }
  assert.ok(!a4.text.includes('Play'), 'the editor is not printed');
  const letter = await printPdf(page, 'show-report-letter', 'Letter');
  assert.equal(letter.pages, 1, 'one Letter page');

  // Close goes back to the editor, with nothing of the report left in the page.
  await page.getByTestId('report-close').click();
  assert.equal(await page.locator('.sb-report-host').count(), 0);

  // In Korean the page is Korean (the same numbers).
  await page.getByTestId('lang-toggle').click();
  const ko = await openReport(page);
  assert.equal(await ko.getAttribute('lang'), 'ko');
  assert.equal(await figure(ko, 'completed'), completed, 'paused: the same run');
  const koPdf = await printPdf(page, 'show-report-ko-a4', 'A4');
  assert.equal(koPdf.pages, 1);
  for (const words of ['실행 보고서', '핵심 지표', '처리량', '단일 장애 지점', '카오스 이벤트', '서비스 수준 목표 미달']) {
    assert.ok(koPdf.text.includes(words), `the Korean page says "${words}"`);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('report-view').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});
