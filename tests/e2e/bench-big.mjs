// Big-diagram browser benchmark (issue 15), not part of the e2e suite: a 1,000-node,
// 1,400-edge diagram in Chromium. Reports the time to open it, frames per second while idle,
// while dragging a node, while panning and zooming, and while running; then the JS heap after
// BENCH_HEAP_SECONDS (default 60) at the maximum speed with a client at 10⁹ req/s.
//   node tests/e2e/bench-big.mjs        (serves dist/ itself; build it first with trunk;
//                                        BENCH_DIST=/other/dist measures another build)
// Ends with one JSON line of the figures.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDist } from './serve.mjs';
import { launch, screenshot } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.BENCH_DIST ?? path.resolve(here, '../../dist'));
const HEAP_SECONDS = Number(process.env.BENCH_HEAP_SECONDS ?? 60);
const SPAN = 3; // seconds measured per figure

/// 20 clients → 20 balancers → 940 servers, 440 of which call one of 20 databases:
/// 1,000 nodes and 1,400 edges, laid out on a grid several screens wide.
export function bigDiagram() {
  const nodes = [];
  const edges = [];
  const at = (i) => ({ x: 40 + (i % 40) * 260, y: 40 + Math.floor(i / 40) * 160 });
  let slot = 0;
  for (let g = 0; g < 20; g++) {
    nodes.push({ id: `users-${g}`, kind: 'client', ...at(slot++), params: { rate_rps: 200 } });
    nodes.push({ id: `lb-${g}`, kind: 'load_balancer', ...at(slot++),
      params: { health_check: { enabled: true } } });
    nodes.push({ id: `db-${g}`, kind: 'database', ...at(slot++) });
    edges.push({ from: `users-${g}`, to: `lb-${g}` });
  }
  for (let s = 0; s < 940; s++) {
    const g = s % 20;
    nodes.push({ id: `api-${s}`, kind: 'server', ...at(slot++) });
    edges.push({ from: `lb-${g}`, to: `api-${s}` });
    if (s < 440) edges.push({ from: `api-${s}`, to: `db-${g}` });
  }
  return { version: 1, name: 'Benchmark: 1,000 nodes, 1,400 edges', seed: 7, nodes, edges };
}

/// One client at 10⁹ requests/s through a balancer to two servers.
function floodDiagram() {
  return {
    version: 1, name: 'Benchmark: a client at a billion requests per second', seed: 7,
    nodes: [
      { id: 'users', kind: 'client', x: 40, y: 80, params: { rate_rps: 1e9 } },
      { id: 'lb', kind: 'load_balancer', x: 340, y: 80 },
      { id: 'api-a', kind: 'server', x: 640, y: 20 },
      { id: 'api-b', kind: 'server', x: 640, y: 160 },
    ],
    edges: [{ from: 'users', to: 'lb' }, { from: 'lb', to: 'api-a' }, { from: 'lb', to: 'api-b' }],
  };
}

const server = await serveDist(dist);
const url = `${server.url}/`;

const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
// The wasm memory (where the simulation lives) is outside the JS heap: keep a handle to it.
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
await page.goto(url);
await page.waitForSelector('[data-testid="app"][data-ready="true"]');

/// Frames per second over `seconds`, while `during` (run from Node) does its thing.
async function fps(seconds, during = async () => {}) {
  const counting = page.evaluate((ms) => new Promise((done) => {
    let frames = 0;
    let worst = 0;
    const start = performance.now();
    let last = start;
    function tick(now) {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - start < ms) requestAnimationFrame(tick);
      else done({ fps: frames / ((now - start) / 1000), worst_ms: worst });
    }
    requestAnimationFrame(tick);
  }), seconds * 1000);
  const end = Date.now() + seconds * 1000;
  await during(end);
  const r = await counting;
  return { fps: Math.round(r.fps * 10) / 10, worst_ms: Math.round(r.worst_ms) };
}

const load = (json) => page.evaluate((text) => {
  window.__t0 = performance.now();
  window.dispatchEvent(new CustomEvent('scaleboard-load', { detail: text }));
}, JSON.stringify(json));

// Open: from handing the app the file until a frame has been painted with its nodes.
await load(bigDiagram());
await page.waitForFunction(() => document.querySelectorAll('[data-node]').length > 0, null, { timeout: 120_000 });
const open_ms = Math.round(await page.evaluate(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - window.__t0))))));
const cards = await page.evaluate(() => document.querySelectorAll('[data-node]').length);
console.error(`bench-big: opened in ${open_ms} ms (${cards} cards in the page)`);

const idle = await fps(SPAN);
console.error(`bench-big: idle ${JSON.stringify(idle)}`);

// Drag: a card near the middle of the screen, moved in a circle, one move per 16 ms.
const canvas = await page.getByTestId('canvas').boundingBox();
const card = await page.evaluateHandle(({ cx, cy }) => {
  let best = null;
  let dist = Infinity;
  for (const el of document.querySelectorAll('[data-node]')) {
    const r = el.getBoundingClientRect();
    const d = Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy);
    if (d < dist) { dist = d; best = el; }
  }
  return best;
}, { cx: canvas.x + canvas.width / 2, cy: canvas.y + canvas.height / 2 });
const box = await card.asElement().boundingBox();
const circle = async (x0, y0, end) => {
  let a = 0;
  while (Date.now() < end) {
    a += 0.2;
    await page.mouse.move(x0 + 60 * Math.cos(a), y0 + 60 * Math.sin(a));
  }
};
const sx = box.x + box.width / 2;
const sy = box.y + 12;
await page.mouse.move(sx, sy);
await page.mouse.down();
const drag = await fps(SPAN, (end) => circle(sx, sy, end));
await page.mouse.up();
console.error(`bench-big: drag ${JSON.stringify(drag)}`);
await page.keyboard.press('Control+z').catch(() => {});

// Pan (dragging the empty canvas… or a card if none is empty there) and zoom (the wheel).
const px = canvas.x + 8;
const py = canvas.y + canvas.height - 8;
await page.mouse.move(px, py);
await page.mouse.down();
const pan = await fps(SPAN, (end) => circle(px + 80, py - 80, end));
await page.mouse.up();
console.error(`bench-big: pan ${JSON.stringify(pan)}`);
await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
const zoom = await fps(SPAN, async (end) => {
  let dir = -1;
  while (Date.now() < end) {
    for (let i = 0; i < 5 && Date.now() < end; i++) await page.mouse.wheel(0, dir * 120);
    dir = -dir;
  }
});
console.error(`bench-big: zoom ${JSON.stringify(zoom)}`);
// Back to the view the diagram opened with (the zoom above may have ended anywhere), once the
// wheel events have all been handled.
await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
await page.getByTestId('fit').click();
await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

// Running at 1×.
await page.getByTestId('play').click();
await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? 0) > 1, null, { timeout: 60_000 });
const running = await fps(SPAN);
console.error(`bench-big: running ${JSON.stringify(running)}`);
await page.getByTestId('play').click().catch(() => {});
// What a person sees (look at them: target/e2e/bench-big-*.png), in English and in Korean.
await screenshot(page, 'bench-big-running');
// Korean (the toggle may sit in the "More" menu at this width: the stored setting works too).
await page.evaluate(() => document.querySelector('[data-testid="lang-toggle"]')?.click());
await page.waitForFunction(() => document.documentElement.lang === 'ko', null, { timeout: 10_000 }).catch(() => {});
await screenshot(page, 'bench-big-ko');

// The heap after a long run at the top speed with a client at 10⁹ req/s.
const cdp = await page.context().newCDPSession(page);
const heap = async () => {
  await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
  const h = await cdp.send('Runtime.getHeapUsage');
  return Math.round(h.usedSize / 1048576 * 10) / 10;
};
await load(floodDiagram());
await page.waitForSelector('[data-testid="node-api-b"]');
const speeds = await page.getByTestId('speed-select').locator('option').count();
await page.getByTestId('speed-select').selectOption(String(speeds - 1));
await page.getByTestId('play').click();
const heap_mb = [];
const wasm_mb = [];
const wasmMb = () => page.evaluate(() => Math.round((window.__wasm?.memory?.buffer?.byteLength ?? 0) / 1048576));
const started = Date.now();
for (let t = 10; t <= HEAP_SECONDS; t += 10) {
  await page.waitForFunction((until) => Date.now() >= until, started + t * 1000, { timeout: (HEAP_SECONDS + 30) * 1000, polling: 500 });
  heap_mb.push(await heap());
  wasm_mb.push(await wasmMb());
  console.error(`bench-big: after ${t} s: JS heap ${heap_mb.at(-1)} MB, wasm memory ${wasm_mb.at(-1)} MB (simulated ${await page.evaluate(() => document.querySelector('[data-testid="kpis"]')?.dataset.simTime)} s)`);
}

await screenshot(page, 'bench-big-flood-ko');
console.log(JSON.stringify({ open_ms, cards, idle, drag, pan, zoom, running, heap_mb, wasm_mb }));
await browser.close();
await server.close();
