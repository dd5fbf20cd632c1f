// Korean everywhere: with the language set to Korean, no English word may show on screen apart
// from a short written list of technical terms, the ids of the nodes (and zones) of the design on
// screen, and numbers with their units. Every example is opened, stepped, and read with every
// bottom tab open and every node selected; then a broken design's problems, a refused field, a
// refused connection and a refused file are read the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, screenshot, shortcut, waitNodeCount, NODE_CARDS } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/// Technical terms that stay in Latin letters in Korean text, as the words the scan sees
/// (/[A-Za-z]{2,}/: "p99", "L1", "M/M/1" and "503" have no two-letter run and pass anyway).
export const ALLOWED_TERMS = [
  'p99', 'p50', 'p95', 'TTL', 'LRU', 'SPOF', 'req/s', 'ms', 's', 'CPU', 'RPS',
  'L1', 'L2', 'L4', 'L7', 'DB', 'LB', 'API', 'HTTP', '503', 'JSON', 'SVG', 'PNG', 'CSV', 'QR',
  'Redis', 'M/M/1',
  // The product's name, like Redis a proper noun.
  'Scaleboard',
];
const ALLOWED = new Set(ALLOWED_TERMS.flatMap((t) => t.match(/[A-Za-z]{2,}/g) ?? []));

/// Bottom panel tabs (src/components/bottom_panel.rs).
const TABS = ['tab-charts', 'tab-log', 'tab-resilience', 'tab-problems'];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// The example slugs, as the toolbar offers them.
async function exampleSlugs(page) {
  return page.getByTestId('examples').evaluate((el) => [...el.options].map((o) => o.value).filter(Boolean));
}

/// Words of user data in a diagram file: node ids and zone names.
function dataWords(diagram) {
  const names = [];
  if (diagram.name) names.push(diagram.name);
  for (const n of diagram.nodes ?? []) {
    names.push(n.id);
    if (n.zone) names.push(n.zone);
    for (const z of n.params?.zones ?? []) names.push(z);
  }
  for (const e of diagram.chaos ?? []) {
    for (const a of Object.values(e.action ?? {})) if (a?.zone) names.push(a.zone);
  }
  return new Set(names.flatMap((n) => n.match(/[A-Za-z]{2,}/g) ?? []));
}

/// Text on screen, without the language toggle (it names the other language: "English").
async function screenText(page) {
  return page.evaluate(() => {
    const toggle = document.querySelector('[data-testid="lang-toggle"]');
    const saved = toggle?.textContent;
    if (toggle) toggle.textContent = '';
    const text = document.body.innerText;
    if (toggle) toggle.textContent = saved;
    return text;
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
  const slugs = await exampleSlugs(page);
  assert.ok(slugs.length >= 10, `examples offered: ${slugs}`);
  for (const slug of slugs) {
    await readExample(page, slug, leaks).catch((e) => {
      e.message = `${slug}: ${e.message}`;
      throw e;
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
    await page.getByTestId('examples').selectOption(slug);
    await waitNodeCount(page, file.nodes.length);
    await page.waitForFunction(
      (ids) => ids.every((id) => document.querySelector(`[data-testid="node-${id}"]`)),
      file.nodes.map((n) => n.id),
    );
    const t0 = await simTime(page);
    for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    await page.waitForFunction(
      (t) => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') >= t + 2.9,
      t0,
      { timeout: 20_000 },
    );
    await scan(page, slug, data, leaks);
    for (const tab of TABS) {
      await page.getByTestId(tab).click();
      await page.waitForTimeout(100);
      await scan(page, `${slug} ${tab}`, data, leaks);
    }
    // Each node in the inspector (the Resilience tab stays open: it lists the node too).
    for (const n of file.nodes) {
      await page.getByTestId(`node-${n.id}`).click({ position: { x: 30, y: 12 } });
      await page.waitForTimeout(80);
      await scan(page, `${slug} inspector ${n.id}`, data, leaks);
    }
    await shortcut(page, 'Escape');
    if (slug === 'lone-load-balancer' || slug === 'zones') {
      await page.getByTestId('tab-charts').click();
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
