// Shared helpers for the browser tests: launch Debian's Chromium, open the app with console
// errors collected, and save screenshots under target/e2e/.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.resolve(here, '../../target/e2e');
export const BASE_URL = process.env.SCALEBOARD_URL ?? 'http://127.0.0.1:8080';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // The machine's network is closed: without these flags Chromium keeps dialling out.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/// Waits until the app has started: the store is open and the document chosen. Call it after
/// every goto and reload.
export async function ready(page, { timeout = 20_000 } = {}) {
  await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout });
}

/// Collects console errors and uncaught exceptions of `page` into `errors`.
export function collectErrors(page, errors = []) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
  return errors;
}

/// Opens the app in a fresh context and waits until it is ready. `errors` collects console errors
/// and uncaught exceptions (a Rust panic arrives as both), so every test can assert there were
/// none. With `monitor`, every page of the context records save-status transitions and toasts
/// (see `watchPage`), which `afterSave` and `toastsSeen` read.
export async function openApp(browser, { hash = '', viewport = { width: 1440, height: 900 }, monitor = false, touch = false } = {}) {
  // The app follows prefers-color-scheme until the user picks a theme; Playwright emulates a
  // light system by default, the tests were written against the dark theme.
  const context = await browser.newContext({
    viewport, deviceScaleFactor: 1, colorScheme: 'dark', hasTouch: touch, isMobile: touch,
  });
  if (monitor) await context.addInitScript(watchPage);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/${hash}`);
  await page.waitForSelector('[data-testid="app"]', { timeout: 20_000 });
  await ready(page);
  return { context, page, errors };
}

/// Another tab in the same context (same storage), opened on `hash` (a link) or on nothing.
export async function newPage(context, { hash = '', errors = [] } = {}) {
  const page = await context.newPage();
  collectErrors(page, errors);
  await page.goto(`${BASE_URL}/${hash}`);
  await ready(page);
  return { page, errors };
}

/// Runs in the page before the app (an init script): counts save-status transitions back to
/// `saved` and remembers the text of every toast shown, even one that is gone by the time the
/// test looks.
export function watchPage() {
  if (window.__sb) return;
  const sb = { saves: 0, failures: 0, states: [], toasts: [] };
  window.__sb = sb;
  let last = null;
  const scan = () => {
    const state = document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') ?? null;
    if (state !== null && state !== last) {
      if (state === 'saved' && last !== null) sb.saves++;
      if (state === 'failed') sb.failures++;
      if (sb.states.length < 1000) sb.states.push(state);
      last = state;
    }
    for (const t of document.querySelectorAll('[data-testid="toast"]')) {
      const text = (t.textContent ?? '').trim();
      if (text && !sb.toasts.includes(text)) sb.toasts.push(text);
    }
  };
  new MutationObserver(scan).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
}

/// Runs `edit` (which must change the document) and waits until the save-status has gone through
/// `saving` (or `failed`) back to `saved`. Needs `openApp(browser, { monitor: true })`.
export async function afterSave(page, edit, { timeout = 15_000 } = {}) {
  const before = await page.evaluate(() => window.__sb?.saves ?? null);
  assert.notEqual(before, null, 'afterSave needs openApp(browser, { monitor: true })');
  const result = await edit();
  await page.waitForFunction(
    (n) => window.__sb.saves > n
      && document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') === 'saved',
    before,
    { timeout },
  );
  return result;
}

/// Every toast text the page has shown since it was loaded (with `monitor`), plus the current one.
export async function toastsSeen(page) {
  return page.evaluate(() => {
    const now = [...document.querySelectorAll('[data-testid="toast"]')].map((t) => (t.textContent ?? '').trim());
    return [...new Set([...(window.__sb?.toasts ?? []), ...now])].filter(Boolean);
  });
}

/// The id of the document the tab has open.
export async function docId(page) {
  const id = await page.getByTestId('save-status').getAttribute('data-doc-id');
  assert.ok(id, 'save-status carries data-doc-id');
  return id;
}

/// Node cards on the canvas (badges and ports also have `node-…`/`data-node`, not both).
export const NODE_CARDS = '[data-testid^="node-"][data-node]';

/// Ids of the nodes on the canvas, sorted.
export async function nodeIds(page) {
  return (await page.$$eval(NODE_CARDS, (els) => els.map((e) => e.dataset.node))).sort();
}

export async function waitNodeCount(page, n, { timeout = 20_000 } = {}) {
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length === n,
    [NODE_CARDS, n],
    { timeout },
  );
}

/// Presses a keyboard shortcut on the canvas: the app ignores keys typed into a field, and a
/// `<select>` (the examples picker) keeps the focus after `selectOption`.
export async function shortcut(page, key) {
  await page.evaluate(() => {
    const el = document.activeElement;
    if (el && el !== document.body && typeof el.blur === 'function') el.blur();
  });
  await page.keyboard.press(key);
}

export async function openFileDialog(page) {
  if (!(await page.getByTestId('file-dialog').isVisible())) await page.getByTestId('file').click();
  await page.getByTestId('file-dialog').waitFor();
}

export async function closeFileDialog(page) {
  if (await page.getByTestId('file-dialog').isVisible()) await page.getByTestId('file-close').click();
  await page.getByTestId('file-dialog').waitFor({ state: 'hidden' });
}

/// The Recent designs list of the File dialog (which must be open), newest first.
export async function recentDocs(page) {
  const dialog = page.getByTestId('file-dialog');
  await dialog.getByTestId('recent-docs').waitFor();
  return dialog.getByTestId('recent-doc').evaluateAll((els) => els.map((e) => ({
    id: e.dataset.docId,
    current: e.dataset.current === 'true',
    nodes: Number(e.dataset.nodes),
    text: (e.textContent ?? '').trim(),
  })));
}

/// The Recent designs entry of document `id` (File dialog open).
export function recentEntry(page, id) {
  return page.getByTestId('file-dialog').locator(`[data-testid="recent-doc"][data-doc-id=${JSON.stringify(id)}]`);
}

/// Opens document `id` from File → Recent designs, and leaves the dialog closed.
export async function openRecent(page, id) {
  await openFileDialog(page);
  const entry = recentEntry(page, id);
  if ((await entry.getAttribute('data-current')) !== 'true') await entry.getByTestId('recent-open').click();
  await page.waitForFunction(
    (id) => document.querySelector('[data-testid="save-status"]')?.getAttribute('data-doc-id') === id,
    id,
  );
  await closeFileDialog(page);
}

/// Clicks `locator` and returns the file it downloads.
export async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), file, text: (await readFile(file)).toString() };
}

/// Writes `content` to a new file in a temporary directory and returns its path.
export async function tempFile(name, content) {
  const dir = await mkdtemp(path.join(tmpdir(), 'scaleboard-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/// A link to the current design, from the Share dialog.
export async function shareLink(page) {
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.keyboard.press('Escape');
  return link;
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/// Opens an example from the toolbar's Examples menu, by slug.
/// The example each page opened last (reopening it keeps the open document).
const lastExample = new WeakMap();

export async function openExample(page, slug) {
  // An example opens as a new document from the store a moment after the click: wait for the
  // open document to change, or a Play pressed at once would meet the previous design. The
  // same example again is the same document: nothing to wait for.
  const status = page.getByTestId('save-status');
  const again = lastExample.get(page) === slug;
  lastExample.set(page, slug);
  const before = !again && (await status.count()) ? await status.getAttribute('data-doc-id') : null;
  await page.getByTestId('examples').click();
  await page.getByTestId(`examples-item-${slug}`).click();
  if (before !== null) {
    await page.waitForFunction(
      (b) => document.querySelector('[data-testid="save-status"]')?.dataset.docId !== b,
      before,
    );
  }
}

/// The slugs the Examples menu offers, in order (the menu is left closed).
export async function exampleSlugs(page) {
  await page.getByTestId('examples').click();
  const slugs = await page.locator('[data-testid^="examples-item-"]').evaluateAll((els) => els.map((e) => e.dataset.slug));
  await page.keyboard.press('Escape');
  return slugs;
}

/// Reads a figure as the app writes it (`src/format.rs`), in one unit per kind: latencies in ms
/// ("0.85 ms", "52.4 ms", "1.35 s" → 1350), rates in req/s ("597 req/s", "1.2k req/s" → 1200,
/// "3.5M"), percentages in percent ("12%" → 12), money in dollars ("$0.0042", "$0.60/h").
/// NaN when there is no figure ("–").
export function figure(text) {
  const t = String(text ?? '').replace(/,/g, '').trim();
  const m = /(-?\d+(?:\.\d+)?)([kM])?/.exec(t);
  if (!m) return NaN;
  let v = parseFloat(m[1]);
  if (m[2] === 'k') v *= 1e3;
  if (m[2] === 'M') v *= 1e6;
  const unit = t.slice(m.index + m[0].length).trim();
  if (/^s\b/.test(unit)) v *= 1e3; // seconds → ms ("req/s" starts with "req")
  else if (/^(µs|us)\b/.test(unit)) v /= 1e3;
  return v;
}

/// Simulated seconds the page shows (`data-sim-time` of the KPI bar).
export async function simTime(page) {
  return page.evaluate(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? 'NaN'));
}

/// Waits until the simulated clock has reached `seconds`.
export async function waitSimTime(page, seconds, { timeout = 30_000 } = {}) {
  await page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= s,
    seconds,
    { timeout },
  );
}

/// Pauses the run if it is playing.
export async function pause(page) {
  if ((await page.getByTestId('play').getAttribute('aria-pressed')) === 'true') await page.getByTestId('play').click();
}

/// How many snapshots of the running simulation the page has shown (`data-snapshot`).
export async function snapshotCount(page) {
  return page.evaluate(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.snapshot ?? '0'));
}

/// Waits until the page has shown `n` more snapshots of the simulation than it had when called
/// (a snapshot comes at most every 250 ms while the clock runs, and after every Step).
export async function nextSnapshot(page, n = 1, { timeout = 15_000 } = {}) {
  const now = await snapshotCount(page);
  await page.waitForFunction(
    (target) => Number(document.querySelector('[data-testid="kpis"]')?.dataset.snapshot ?? '0') >= target,
    now + n,
    { timeout },
  );
}

/// Waits until the page has rendered `n` animation frames: for checks that something does NOT
/// happen (a paused clock stays put, nothing loads), the app having had `n` frames to do it.
export async function frames(page, n, { timeout = 10_000 } = {}) {
  const token = `${Date.now()}-${Math.random()}`;
  await page.waitForFunction(([n, token]) => {
    const count = (window.__sbFrames ??= {});
    count[token] = (count[token] ?? 0) + 1;
    if (count[token] < n) return false;
    delete count[token];
    return true;
  }, [n, token], { polling: 'raf', timeout });
}

/// Waits until the page shows no new snapshot over 30 animation frames (snapshots come at most
/// every 250 ms, and a paused run sends its last one up to 250 ms after the pause).
export async function snapshotsSettled(page, { timeout = 10_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const before = await snapshotCount(page);
    await frames(page, 30);
    if ((await snapshotCount(page)) === before) return;
    assert.ok(Date.now() < deadline, 'snapshots kept coming');
  }
}

/// Waits until the text of `testid` read as a `figure` satisfies `predicate`, checking after
/// every snapshot of the simulation; returns the figure.
export async function waitForFigure(page, testid, predicate, { timeout = 20_000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await page.getByTestId(testid).innerText({ timeout: 1_000 }).catch(() => '')) ?? '';
    if (last && predicate(figure(last))) return figure(last);
    const left = deadline - Date.now();
    if (left <= 0) break;
    await nextSnapshot(page, 1, { timeout: left }).catch(() => {});
  }
  assert.fail(`${testid} never satisfied the condition (last: ${last})`);
}

/// Waits until no finite CSS animation or transition is running (a still page for a screenshot
/// or a contrast check).
export async function animationsDone(page, { timeout = 5_000 } = {}) {
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running'
      || a.effect?.getComputedTiming?.().endTime === Infinity),
    null,
    { timeout },
  );
}
