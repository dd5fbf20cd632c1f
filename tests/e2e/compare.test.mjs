// The compare view: two designs under the same traffic, side by side. The small-vs-big example
// runs live with its table of differences updating, and at the end of the run shows exactly the
// figures of `scaleboard compare` (each side as `scaleboard run` runs it); its share link opens
// the same comparison in a fresh page; a comparison link with a damaged half says which half,
// and the user's work is kept. English at 1280×720, Korean at 390×844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, screenshot, BASE_URL, NODE_CARDS, waitNodeCount, afterSave } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const KEYS = ['offered_rps', 'throughput', 'p50_ms', 'p99_ms', 'error_rate', 'cost_per_hour'];

let browser;
let cli;
before(async () => {
  // The native CLI, (re)built so that it matches the sources (a no-op after `cargo test`).
  execFileSync('cargo', ['build', '-q', '-p', 'scaleboard-cli'], { cwd: root, stdio: 'inherit' });
  const scaleboard = path.join(targetDir, 'debug/scaleboard');
  cli = JSON.parse(execFileSync(scaleboard, ['compare', 'examples/small.json', 'examples/big.json', '--compact'],
    { cwd: root, encoding: 'utf8' }));
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const view = (page) => page.getByTestId('compare-view');
const attr = (page, name) => page.evaluate((n) => document.querySelector('.compare')?.getAttribute(n), name);

/// Waits until the compare view has shown `n` more snapshots than now.
async function nextCompareSnapshot(page, n = 1) {
  const now = Number(await attr(page, 'data-snapshot'));
  await page.waitForFunction(
    (t) => Number(document.querySelector('.compare')?.dataset.snapshot ?? '0') >= t, now + n, { timeout: 20_000 });
}

/// Serious and critical axe-core violations inside the compare view.
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run('[data-testid="compare-view"]', { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/// Every figure of the table, as the numbers behind the text (`data-value`).
async function tableValues(page) {
  return page.evaluate((keys) => {
    const out = {};
    const num = (id) => {
      const v = document.querySelector(`[data-testid="${id}"]`)?.dataset.value;
      return v === undefined || v === '' ? null : Number(v);
    };
    for (const k of keys) {
      out[k] = { a: num(`compare-${k}-a`), b: num(`compare-${k}-b`), diff: num(`compare-${k}-diff`), ratio: num(`compare-${k}-ratio`) };
    }
    const met = (id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value === 'true';
    out.slo_met = { a: met('compare-slo-a'), b: met('compare-slo-b') };
    return out;
  }, KEYS);
}

async function openSmallVsBig(page) {
  await page.getByTestId('examples').click();
  await page.getByTestId('compare-example-small-vs-big').click();
  await view(page).waitFor();
}

test('small vs big runs side by side, the differences update live, and end as the CLI computes them', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openSmallVsBig(page);
  assert.equal(await page.getByTestId('compare-label-a').innerText(), 'Small');
  assert.equal(await page.getByTestId('compare-label-b').innerText(), 'Big');
  // Both canvases: every node of each variant.
  assert.equal(await page.locator('[data-testid^="compare-node-a-"]').count(), 3);
  assert.equal(await page.locator('[data-testid^="compare-node-b-"]').count(), 7);
  // Before the warm-ups are over there is nothing to compare: dashes, and why.
  await page.getByTestId('compare-warming').waitFor();
  assert.equal(await page.getByTestId('compare-throughput-diff').getAttribute('data-value'), '');
  await page.getByTestId('compare-play').click();
  // Past both warm-ups (10 s), the table has figures, and they change from snapshot to snapshot.
  await page.waitForFunction(() => Number(document.querySelector('.compare')?.dataset.simTime) >= 12, null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-throughput-diff"]')?.dataset.value !== '');
  assert.equal(await page.getByTestId('compare-warming').count(), 0);
  const first = await tableValues(page);
  await nextCompareSnapshot(page, 2);
  const later = await tableValues(page);
  assert.notDeepEqual(later.throughput, first.throughput, 'the table follows the run');
  // Both sides run on the same clock.
  const [ta, tb] = await page.evaluate(() => ['a', 'b'].map((s) => document.querySelector(`[data-testid="compare-side-${s}"]`).dataset.simTime));
  assert.equal(ta, tb);
  // The small design is overloaded: its server card runs hot; the big one's does not.
  await page.locator('[data-testid="compare-node-a-api"].is-hot').waitFor();
  assert.equal(await page.locator('[data-testid="compare-node-b-api"].is-hot').count(), 0);
  await screenshot(page, 'compare-1280x720-en-running');
  // To the end: exactly the figures of `scaleboard compare small.json big.json`.
  await page.getByTestId('compare-finish').click();
  await page.waitForFunction(() => document.querySelector('.compare')?.dataset.finished === 'true');
  const end = await tableValues(page);
  assert.deepEqual(end, cli.diff);
  assert.equal(await page.getByTestId('compare-slo-a').getAttribute('data-value'), 'false');
  assert.equal(await page.getByTestId('compare-slo-b').getAttribute('data-value'), 'true');
  assert.match(await page.getByTestId('compare-cost_per_hour-diff').innerText(), /^\+\$/);
  await screenshot(page, 'compare-1280x720-en-end');
  assert.deepEqual(await axeViolations(page), [], 'axe: the compare view');
  // The link opens the same comparison in a fresh page, with the same figures at its end.
  const link = await page.getByTestId('compare-link').inputValue();
  // Copying says so inside the view (a toast would sit under the modal dialog).
  assert.equal((await page.getByTestId('compare-copied').innerText()).trim(), '');
  await page.getByTestId('compare-copy-link').click();
  assert.match(await page.getByTestId('compare-copied').innerText(), /Link copied/);
  assert.match(link, /#compare=\d+\.[A-Za-z0-9_-]+~\d+\.[A-Za-z0-9_-]+~[A-Za-z0-9_-]+$/);
  assert.equal(await page.evaluate(() => location.hash), `#${link.split('#')[1]}`, 'the address bar holds it');
  const fresh = await openApp(browser, { hash: `#${link.split('#')[1]}` });
  await view(fresh.page).waitFor();
  assert.equal(await fresh.page.getByTestId('compare-label-b').innerText(), 'Big');
  await fresh.page.getByTestId('compare-finish').click();
  await fresh.page.waitForFunction(() => document.querySelector('.compare')?.dataset.finished === 'true');
  assert.deepEqual(await tableValues(fresh.page), cli.diff);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
  // Closing gives the editor back.
  await page.getByTestId('compare-close').click();
  await view(page).waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Korean on a phone: labels, names and figures read in Korean', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 390, height: 844 } });
  await page.evaluate(() => localStorage.setItem('scaleboard.lang', 'ko'));
  await page.reload();
  await page.waitForSelector('[data-testid="app"][data-lang="ko"][data-ready="true"]');
  await openSmallVsBig(page);
  assert.equal(await page.getByTestId('compare-label-a').innerText(), '작을 때');
  assert.equal(await page.getByTestId('compare-label-b').innerText(), '커졌을 때');
  await page.getByTestId('compare-play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-p99_ms-diff"]')?.dataset.value !== '', null, { timeout: 20_000 });
  await nextCompareSnapshot(page, 1);
  // No English left: only technical terms, units and the columns' A and B (the share link's
  // characters are not words: the link field is left out).
  // (The variant picker lists every example by its Korean title: the terms korean.test.mjs allows.)
  const allowed = new Set(['p50', 'p99', 'req', 'ms', 'min', 'API', 'DB', 'LB', 'TTL', 'LRU', 'SPOF', 'CPU', 'RPS',
    'L1', 'L2', 'L4', 'L7', 'HTTP', 'CDN', 'DNS', 'GTM', 'CP', 'AP', 'TLS', 'GET', 'POST', 'PUT', 'DELETE',
    '2PC', 'PC', 'DLQ', 'Redis', 'PoP', 'Scaleboard']);
  const visible = await view(page).evaluate((el) => {
    // Text node by text node (SVG texts have no spaces between them), tooltips and labels too.
    const parts = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) parts.push(walker.currentNode.textContent);
    for (const e of el.querySelectorAll('[title],[aria-label]')) {
      parts.push(e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? '');
    }
    return parts.join(' ');
  });
  const words = [...new Set(visible.match(/[A-Za-z]{2,}/g) ?? [])].filter((w) => !allowed.has(w));
  assert.deepEqual(words, [], `English words in the Korean compare view: ${words}`);
  // On a phone the two canvases stack and the view fits the width.
  const [a, b] = await Promise.all(['a', 'b'].map((s) => page.getByTestId(`compare-side-${s}`).boundingBox()));
  assert.ok(b.y >= a.y + a.height - 1, `B (${JSON.stringify(b)}) is below A (${JSON.stringify(a)})`);
  assert.ok(a.x >= 0 && a.x + a.width <= 390.5, `A fits the screen: ${JSON.stringify(a)}`);
  await screenshot(page, 'compare-390x844-ko-running');
  await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-390x844-ko-table');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a comparison link with a damaged half names it, and the work is kept', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 }, monitor: true });
  await afterSave(page, async () => {
    await page.getByTestId('example-cascading-failure').click();
    await page.getByTestId('node-payments').waitFor();
  });
  const nodes = await page.locator(NODE_CARDS).count();
  // A good comparison link, from the CLI's halves, with B cut short.
  const half = (file) => execFileSync(path.join(targetDir, 'debug/scaleboard'), ['link', file], { cwd: root, encoding: 'utf8' })
    .trim().split('#')[1];
  const a = half('examples/small.json');
  const b = half('examples/big.json');
  await page.evaluate((h) => { location.hash = h; }, `#compare=${a}~${b.slice(0, b.length / 2)}`);
  await page.getByTestId('toast').filter({ hasText: 'variant B of this comparison link is damaged' }).waitFor();
  assert.match(await page.getByTestId('toast').innerText(), /current work is unchanged/);
  assert.equal(await view(page).count(), 0, 'no compare view');
  await waitNodeCount(page, nodes);
  await page.getByTestId('node-payments').waitFor();
  await screenshot(page, 'compare-damaged-link');
  // In a fresh page: the same message, and the earlier work opens underneath.
  await page.close();
  const fresh = await context.newPage();
  await fresh.goto(`${BASE_URL}/#compare=${a.slice(0, 20)}~${b}`);
  await fresh.getByTestId('toast').filter({ hasText: 'variant A of this comparison link is damaged' }).waitFor();
  await fresh.getByTestId('node-payments').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('compare from the current design, from an example, and from a lesson step', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await page.getByTestId('example-cascading-failure').click();
  await page.getByTestId('node-payments').waitFor();
  // "Compare this design with…": the design and a copy of it, then an example as variant B.
  await page.getByTestId('examples').click();
  await page.getByTestId('compare-with-current').click();
  await view(page).waitFor();
  assert.equal(await page.getByTestId('compare-label-a').innerText(), 'This design');
  assert.equal(await page.getByTestId('compare-label-b').innerText(), 'Copy');
  assert.ok(await page.getByTestId('compare-node-b-payments').count() === 1, 'B is a copy of the design');
  await page.getByTestId('compare-pick-b').selectOption('small');
  await page.getByTestId('compare-node-b-db').waitFor();
  assert.equal(await page.getByTestId('compare-label-b').innerText(), 'When small: one server, one database');
  assert.equal(await page.getByTestId('compare-label-a').innerText(), 'This design');
  // "Edit" opens a variant in the editor as a design of its own.
  await page.getByTestId('compare-edit-b').click();
  await view(page).waitFor({ state: 'hidden' });
  await waitNodeCount(page, 3);
  await page.getByTestId('node-db').waitFor();
  // A lesson step with `compare`: the learner's design beside the step's reference solution.
  await page.goto('about:blank');
  await page.goto(`${BASE_URL}/#lesson=small-vs-big&step=1`);
  await page.getByTestId('lesson-compare').click();
  await view(page).waitFor();
  assert.equal(await page.getByTestId('compare-label-a').innerText(), 'Your design');
  assert.equal(await page.getByTestId('compare-label-b').innerText(), 'The reference solution');
  await screenshot(page, 'compare-lesson-step');
  assert.deepEqual(errors, []);
  await context.close();
});
