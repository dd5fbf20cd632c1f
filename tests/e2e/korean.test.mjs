// Korean everywhere: with the language set to Korean, no English word may show on screen (text,
// tooltips, labels, placeholders) apart from a short written list of technical terms, keys as
// printed on the keyboard, the design's own names (its title, node ids, zones) and numbers with
// their units. Every example is opened, stepped, read with every bottom tab open and every node
// selected, then run past its scripted failures and read again; then a broken design's problems,
// a refused field, a refused connection and a refused file; then the node menu and the File and
// Share dialogs. (Words drawn on the <canvas>, the refusal markers, are checked by a unit test in
// src/render/dots.rs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, screenshot, shortcut, waitNodeCount, NODE_CARDS, openExample, exampleSlugs } from './lib.mjs';

/// Opens a tab of the bottom panel and waits until it shows.
async function openTab(page, tab) {
  await page.getByTestId(tab).click();
  await page.waitForSelector(`[data-testid="${tab}"].is-active`);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/// Technical terms that stay in Latin letters in Korean text, as the words the scan sees
/// (/[A-Za-z]{2,}/: "p99", "L1", "M/M/1" and "503" have no two-letter run and pass anyway).
export const ALLOWED_TERMS = [
  'p99', 'p50', 'p95', 'TTL', 'LRU', 'SPOF', 'req/s', 'ms', 's', 'min', 'CPU', 'RPS',
  'L1', 'L2', 'L4', 'L7', 'DB', 'LB', 'API', 'HTTP', '503', 'JSON', 'SVG', 'PNG', 'CSV', 'QR',
  // Going global: content delivery network, the domain name system, a global traffic manager,
  // and the CAP theorem's consistency / availability choices.
  'CDN', 'DNS', 'GTM', 'CP', 'AP', 'TLS',
  // HTTP methods, as request classes name them.
  'GET', 'POST', 'PUT', 'DELETE',
  // Transactions and queues: two-phase commit and the dead-letter queue go by these names.
  '2PC', 'DLQ',
  // Cache eviction policies go by these names.
  'LFU', 'FIFO',
  // Units: a batch job's network bandwidth.
  'MB/s',
  // File formats: the printed report saved as PDF, the embed code as an HTML iframe.
  'PDF', 'HTML', 'iframe',
  // A recording's formats and frame rate (File → Record).
  'GIF', 'WebM', 'fps',
  'Redis', 'M/M/1',
  // The product's name, like Redis a proper noun.
  'Scaleboard',
];
/// Keys as printed on the keyboard, in shortcut hints ("Ctrl+D", "Del").
const KEYS = ['Ctrl', 'Shift', 'Alt', 'Del', 'Delete', 'Esc'];
const ALLOWED = new Set([...ALLOWED_TERMS, ...KEYS].flatMap((t) => t.match(/[A-Za-z]{2,}/g) ?? []));

/// Bottom panel tabs (src/components/bottom_panel.rs); Transactions only where a server runs
/// distributed transactions.
const TABS = ['tab-charts', 'tab-log', 'tab-resilience', 'tab-problems', 'tab-transactions'];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/// Words of user data in a diagram file: node ids and zone names.
function dataWords(diagram) {
  const names = [];
  if (diagram.name) names.push(diagram.name);
  for (const n of diagram.nodes ?? []) {
    names.push(n.id);
    if (n.zone) names.push(n.zone);
    if (n.region) names.push(n.region);
    for (const z of n.params?.zones ?? []) names.push(z);
    for (const r of n.params?.regions ?? []) names.push(typeof r === 'string' ? r : r.region);
    // Request classes and L7 rules: names, paths and hosts are the design's own.
    for (const c of n.params?.classes ?? []) names.push(c.name ?? '', c.path ?? '', c.host ?? '');
    for (const r of n.params?.rules ?? []) names.push(r.path_prefix ?? '', r.host ?? '');
  }
  // Region ids, like zone names, are the design's own names (the frames' labels are translated).
  for (const r of diagram.regions ?? []) names.push(r.id);
  for (const e of diagram.chaos ?? []) {
    for (const a of Object.values(e.action ?? {})) {
      if (a?.zone) names.push(a.zone);
      if (a?.region) names.push(a.region);
    }
  }
  return new Set(names.flatMap((n) => n.match(/[A-Za-z]{2,}/g) ?? []));
}

/// Text on screen, and the tooltips, labels and placeholders the page carries; without the
/// language toggle (it names the other language: "English").
async function screenText(page) {
  return page.evaluate(() => {
    const toggle = document.querySelector('[data-testid="lang-toggle"]');
    const saved = toggle?.textContent;
    if (toggle) toggle.textContent = '';
    const text = document.body.innerText;
    if (toggle) toggle.textContent = saved;
    const attrs = [...document.querySelectorAll('[title], [aria-label], [placeholder]')]
      .filter((e) => e !== toggle)
      .flatMap((e) => ['title', 'aria-label', 'placeholder'].map((a) => e.getAttribute(a)))
      .filter(Boolean);
    return [text, ...attrs].join('\n');
  });
}

/// English words of `text`: Latin words not on the list and not user data. Each with the line
/// it was found on, so a failure says where to look.
function englishWords(text, data) {
  const found = new Map();
  for (const line of text.split('\n')) {
    for (const w of line.match(/[A-Za-z]{2,}/g) ?? []) {
      if (ALLOWED.has(w) || data.has(w)) continue;
      if (!found.has(w)) found.set(w, line.trim().slice(0, 160));
    }
  }
  return found;
}

/// Collects leaks of `page` into `leaks` under `where`.
async function scan(page, where, data, leaks) {
  for (const [word, line] of englishWords(await screenText(page), data)) {
    const key = `${word}`;
    if (!leaks.has(key)) leaks.set(key, `${where}: ${JSON.stringify(word)} in ${JSON.stringify(line)}`);
  }
}

function report(leaks) {
  return `English on screen in Korean mode:\n  ${[...leaks.values()].join('\n  ')}`;
}

async function toKorean(page) {
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'ko'
    || document.querySelector('[data-testid="lang-toggle"]')?.textContent?.trim() === 'English');
}

const simTime = (page) =>
  page.evaluate(() => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0'));

test('every example reads in Korean: canvas, inspector, charts, log, resilience, problems', async () => {
  const { page, errors, context } = await openApp(browser);
  await toKorean(page);
  const leaks = new Map();
  await scan(page, 'start', new Set(), leaks);
  await page.getByTestId('examples').click();
  await scan(page, 'examples menu', new Set(), leaks);
  await page.keyboard.press('Escape');
  const slugs = await exampleSlugs(page);
  assert.ok(slugs.length >= 10, `examples offered: ${slugs}`);
  for (const slug of slugs) {
    await readExample(page, slug, leaks).catch(async (e) => {
      const t = await simTime(page).catch(() => NaN);
      throw new Error(`example ${slug} (simulated time ${t} s): ${e.message}`, { cause: e });
    });
  }
  assert.equal(leaks.size, 0, report(leaks));
  assert.deepEqual(errors, []);
  await context.close();
});

/// Opens example `slug`, steps it three seconds, and reads every tab and node.
async function readExample(page, slug, leaks) {
  {
    const file = JSON.parse(await readFile(path.join(root, 'examples', `${slug}.json`), 'utf8'));
    const data = dataWords(file);
    await openExample(page, slug);
    await waitNodeCount(page, file.nodes.length);
    await page.waitForFunction(
      (ids) => ids.every((id) => document.querySelector(`[data-testid="node-${id}"]`)),
      file.nodes.map((n) => n.id),
    );
    // The new document starts again from t = 0 (the previous example ran on).
    await page.waitForFunction(
      () => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') < 1,
    );
    for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    await page.waitForFunction(
      () => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= 2.9,
      null,
      { timeout: 20_000 },
    );
    await scan(page, slug, data, leaks);
    for (const tab of TABS) {
      if ((await page.getByTestId(tab).count()) === 0) continue;
      await openTab(page, tab);
      await scan(page, `${slug} ${tab}`, data, leaks);
    }
    // Each node in the inspector (the Resilience tab stays open: it lists the node too).
    for (const n of file.nodes) {
      await page.getByTestId(`node-${n.id}`).click({ position: { x: 30, y: 12 } });
      await page.waitForSelector(`[data-testid="node-${n.id}"].is-selected`);
      await scan(page, `${slug} inspector ${n.id}`, data, leaks);
    }
    await shortcut(page, 'Escape');
    // Run on past the scripted failures (and the autoscaler's first moves) at 25×, then read
    // the canvas and the tabs again: the log now holds health checks, failovers and chaos.
    const until = Math.max(30, ...(file.chaos ?? []).map((c) => c.at_s + 5));
    await page.getByTestId('speed-select').selectOption('7');
    await page.getByTestId('play').click();
    await page.waitForFunction(
      (t) => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= t,
      until,
      { timeout: 60_000 },
    );
    await page.getByTestId('play').click();
    await scan(page, `${slug} at ${until} s`, data, leaks);
    for (const tab of TABS) {
      if ((await page.getByTestId(tab).count()) === 0) continue;
      await openTab(page, tab);
      await scan(page, `${slug} at ${until} s ${tab}`, data, leaks);
    }
    if (slug === 'two-phase-commit') {
      await openTab(page, 'tab-transactions');
      await page.getByTestId('seq-failed').click();
      await scan(page, `${slug} at ${until} s latest failed transaction`, data, leaks);
      await screenshot(page, `korean-${slug}-sequence`);
    }
    if (slug === 'lone-load-balancer' || slug === 'zones') {
      await page.getByTestId('tab-log').click();
      await screenshot(page, `korean-${slug}`);
    }
  }
}

/// users → lb → api, and a server no client reaches (a warning: it still loads).
const BROKEN = {
  version: 1,
  name: 'broken',
  nodes: [
    { id: 'users', kind: 'client', x: 80, y: 200 },
    { id: 'lb', kind: 'load_balancer', x: 360, y: 200 },
    { id: 'api', kind: 'server', x: 640, y: 200 },
    { id: 'spare', kind: 'server', x: 640, y: 420 },
  ],
  edges: [
    { from: 'users', to: 'lb' },
    { from: 'lb', to: 'api' },
  ],
};

test('problems, refused fields, connections and files read in Korean', async () => {
  const { page, errors, context } = await openApp(browser, { monitor: true });
  await toKorean(page);
  const leaks = new Map();
  const data = dataWords(BROKEN);
  await page.evaluate((json) => window.dispatchEvent(new CustomEvent('scaleboard-load', { detail: json })),
    JSON.stringify(BROKEN));
  await waitNodeCount(page, 4);
  await page.getByTestId('tab-problems').click();
  const problems = page.getByTestId('problems');
  await problems.locator('.problem').first().waitFor();
  await scan(page, 'unreachable warning', data, leaks);
  assert.match(await problems.innerText(), /[가-힣]/, 'the warning is in Korean');

  // Delete lb → api and users → lb: the balancer has no backends, the client reaches nothing.
  for (const n of ['api', 'lb']) {
    await page.getByTestId(`node-${n}`).click({ position: { x: 30, y: 12 } });
    await shortcut(page, 'Delete');
  }
  await waitNodeCount(page, 2);
  await page.getByTestId('tab-problems').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="problems"] .problem').length >= 2);
  const text = await problems.innerText();
  assert.match(text, /[가-힣]/);
  await scan(page, 'problems of a broken design', data, leaks);
  await screenshot(page, 'korean-problems');

  // A refused field: zero instances.
  await page.getByTestId('node-spare').click({ position: { x: 30, y: 12 } });
  const field = page.getByTestId('field-params.instances');
  await field.fill('0');
  await field.press('Enter');
  await page.getByTestId('error-params.instances').waitFor();
  assert.match(await page.getByTestId('error-params.instances').innerText(), /[가-힣]/);
  await scan(page, 'refused field', data, leaks);
  await shortcut(page, 'Escape');

  // A refused connection: nothing can call a client.
  const centre = async (loc) => {
    const b = await loc.boundingBox();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const from = await centre(page.getByTestId('port-spare'));
  const to = await centre(page.getByTestId('node-users'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await page.getByTestId('toast').waitFor();
  assert.match(await page.getByTestId('toast').innerText(), /[가-힣]/);
  await scan(page, 'refused connection', data, leaks);

  // A refused file: a client with no edges and a server with no instances.
  await page.evaluate((json) => window.dispatchEvent(new CustomEvent('scaleboard-load', { detail: json })),
    JSON.stringify({
      version: 1,
      nodes: [
        { id: 'users', kind: 'client', x: 80, y: 200 },
        { id: 'api', kind: 'server', x: 360, y: 200, params: { instances: 0 } },
      ],
    }));
  const toast = page.getByTestId('toast');
  await toast.waitFor();
  assert.match(await toast.innerText(), /[가-힣]/);
  await scan(page, 'refused file', data, leaks);

  assert.equal(leaks.size, 0, report(leaks));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the node menu and the File and Share dialogs read in Korean', async () => {
  const { page, errors, context } = await openApp(browser);
  await toKorean(page);
  const leaks = new Map();
  const file = JSON.parse(await readFile(path.join(root, 'examples', 'health-checks.json'), 'utf8'));
  const data = dataWords(file);
  await openExample(page, 'health-checks');
  await waitNodeCount(page, file.nodes.length);
  // The node menu, with its per-instance entries.
  const box = await page.getByTestId('node-api').boundingBox();
  await page.mouse.click(box.x + 40, box.y + 30, { button: 'right' });
  await page.getByTestId('context-menu').waitFor();
  await scan(page, 'node menu', data, leaks);
  await page.keyboard.press('Escape');
  // File, Share and Lessons.
  await page.getByTestId('file').click();
  await page.getByTestId('file-dialog').waitFor();
  await scan(page, 'file dialog', data, leaks);
  await page.getByTestId('file-close').click();
  await page.getByTestId('share').click();
  await page.getByTestId('share-link').waitFor();
  await scan(page, 'share dialog', data, leaks);
  await page.keyboard.press('Escape');
  assert.equal(leaks.size, 0, report(leaks));
  assert.deepEqual(errors, []);
  await context.close();
});
