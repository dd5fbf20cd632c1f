// The editor as a new user meets it: build a design from the palette, wire it, run it, break it,
// undo, pan and zoom. Every test saves a screenshot under target/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, screenshot, figure, waitNodeCount, waitSimTime, NODE_CARDS, shortcut, waitForFigure,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Centre of an element.
async function centre(locator) {
  const b = await locator.boundingBox();
  assert.ok(b, 'element is on screen');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/// A real pointer drag: press, move in steps, release.
async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/// Drops a palette item at a point of the canvas (fractions of its size).
async function place(page, kind, fx, fy) {
  const canvas = await page.getByTestId('canvas').boundingBox();
  await drag(page, await centre(page.getByTestId(`palette-${kind}`)), {
    x: canvas.x + canvas.width * fx,
    y: canvas.y + canvas.height * fy,
  });
}

/// Drags from a node's output port onto another node.
async function connect(page, from, to) {
  await drag(page, await centre(page.getByTestId(`port-${from}`)), await centre(page.getByTestId(`node-${to}`)));
}

async function number(locator) {
  return figure(await locator.innerText());
}

/// Builds client → LB → two servers by hand, as the issue describes.
async function buildByHand(page) {
  await place(page, 'client', 0.12, 0.45);
  await place(page, 'load_balancer', 0.4, 0.45);
  await place(page, 'server', 0.72, 0.25);
  await place(page, 'server', 0.72, 0.7);
  for (const id of ['client-1', 'lb-1', 'server-1', 'server-2']) {
    assert.ok(await page.getByTestId(`node-${id}`).isVisible(), `${id} was placed`);
  }
  assert.equal(await page.getByTestId('node-lb-1').getAttribute('data-kind'), 'load_balancer');
  await connect(page, 'client-1', 'lb-1');
  await connect(page, 'lb-1', 'server-1');
  await connect(page, 'lb-1', 'server-2');
  for (const e of ['client-1→lb-1', 'lb-1→server-1', 'lb-1→server-2']) {
    assert.equal(await page.getByTestId(`edge-${e}`).count(), 1, `edge ${e} exists`);
  }
}

test('build, wire and run a design; kill a server and watch errors appear', async () => {
  const { page, errors, context } = await openApp(browser);
  await buildByHand(page);
  assert.match(await page.getByTestId('tab-problems').innerText(), /\(0\)/, 'no problems once wired');

  await page.getByTestId('play').click();
  await waitForFigure(page, 'metric-throughput', (v) => v > 50, { timeout: 15_000 });
  assert.match(await page.getByTestId('metric-p99').innerText(), /\d+(\.\d+)? (ms|s)$/);
  assert.ok((await number(page.getByTestId('node-server-1-rps'))) > 0, 'server-1 serves traffic');
  assert.ok((await number(page.getByTestId('node-server-2-rps'))) > 0, 'server-2 serves traffic');
  assert.equal(await page.getByTestId('metric-error-rate').innerText(), '0%');
  await screenshot(page, 'editor-built-and-running');

  // Kill server-2 from its context menu: with no health checks the balancer keeps sending it
  // requests, which now fail.
  await page.getByTestId('node-server-2').click({ button: 'right' });
  await page.getByTestId('menu-kill').click();
  await page.getByTestId('node-server-2-down').waitFor();
  await waitForFigure(page, 'metric-error-rate', (v) => v > 10, { timeout: 10_000 });
  assert.equal(await page.getByTestId('node-lb-1').getAttribute('data-health'), 'is-failing');
  await page.getByTestId('tab-log').click();
  // New components are named by kind and number in the UI's language ("Server 2").
  assert.match(await page.getByTestId('event-log').innerText(), /Server 2 killed/);
  assert.match(await page.getByTestId('event-log').innerText(), /down/);
  await screenshot(page, 'editor-server-killed');

  // Revive from the inspector: errors stop.
  await page.getByTestId('node-server-2').click();
  await page.getByTestId('kill-toggle').click();
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid="metric-error-rate"]')?.textContent ?? '1';
    return t.trim() === '0%';
  }, null, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a connection nothing can make is refused and explained', async () => {
  const { page, errors, context } = await openApp(browser);
  await place(page, 'client', 0.2, 0.4);
  await place(page, 'server', 0.6, 0.4);
  await connect(page, 'server-1', 'client-1');
  await page.getByTestId('toast').waitFor();
  assert.match(await page.getByTestId('toast').innerText(), /nothing can call a client/);
  assert.equal(await page.locator('[data-edge]').count(), 0);
  await screenshot(page, 'editor-refused-connection');
  assert.deepEqual(errors, []);
  await context.close();
});

test('delete, then undo and redo, restore the exact diagram', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  await page.getByTestId('node-lb').click();
  await page.keyboard.press('Delete');
  assert.equal(await page.getByTestId('node-lb').count(), 0);
  assert.equal(await page.locator('[data-edge]').count(), 0, 'its edges went with it');
  await page.keyboard.press('Control+z');
  await page.getByTestId('node-lb').waitFor();
  assert.equal(await page.locator('[data-edge]').count(), 2, 'undo restores the edges too');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await page.getByTestId('node-lb').count(), 0);
  await page.getByTestId('undo').click();
  await page.getByTestId('node-lb').waitFor();
  await screenshot(page, 'editor-undo');
  assert.deepEqual(errors, []);
  await context.close();
});

test('move a node, box-select, duplicate and edit parameters in the inspector', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  const before = await page.getByTestId('node-api').boundingBox();
  const c = await centre(page.getByTestId('node-api'));
  await drag(page, c, { x: c.x - 60, y: c.y + 90 });
  const after = await page.getByTestId('node-api').boundingBox();
  assert.ok(after.y - before.y > 50, `the node moved (${JSON.stringify(before)} → ${JSON.stringify(after)})`);
  // The node stays where it was dropped: moving the mouse afterwards does not drag it along.
  await page.mouse.move(c.x - 200, c.y - 200, { steps: 5 });
  assert.deepEqual(await page.getByTestId('node-api').boundingBox(), after);

  // Inspector: scale the API tier out to 5 instances.
  await page.getByTestId('node-api').click();
  const field = page.getByTestId('field-params.instances');
  await field.fill('5');
  await field.press('Enter');
  // The badge shows the engine's live count: it follows once the engine (in its worker) has
  // taken the edit, a frame or two later.
  await page.waitForFunction(() => document.querySelector('[data-testid="node-api-instances"]')?.innerText === '×5');
  // A bad value is refused with a message and changes nothing.
  await field.fill('0');
  await field.press('Enter');
  await page.getByTestId('error-params.instances').waitFor();
  assert.equal(await page.getByTestId('node-api-instances').innerText(), '×5');

  // Shift-drag on empty canvas selects a box; Ctrl+D duplicates the selection.
  // Escape clears the selection (a box toggles what it touches); the box starts on empty canvas
  // just outside the three cards and ends past them.
  await shortcut(page, 'Escape');
  const boxes = await Promise.all(['users', 'lb', 'api'].map((id) => page.getByTestId(`node-${id}`).boundingBox()));
  const left = Math.min(...boxes.map((b) => b.x)) - 20;
  const top = Math.min(...boxes.map((b) => b.y)) - 20;
  const right = Math.max(...boxes.map((b) => b.x + b.width)) + 20;
  const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + 20;
  await page.keyboard.down('Shift');
  await drag(page, { x: left, y: top }, { x: right, y: bottom });
  await page.keyboard.up('Shift');
  assert.equal(await page.getByTestId('selection-count').innerText(), '3 components selected');
  await page.keyboard.press('Control+d');
  await waitNodeCount(page, 6, { timeout: 5_000 });
  assert.equal(await page.locator(NODE_CARDS).count(), 6, 'one copy of each of the 3 nodes');
  await screenshot(page, 'editor-edited');
  assert.deepEqual(errors, []);
  await context.close();
});

test('pan, zoom and fit', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  const viewport = page.getByTestId('viewport');
  const zoom0 = parseFloat(await viewport.getAttribute('data-zoom'));
  const canvas = await page.getByTestId('canvas').boundingBox();
  await page.mouse.move(canvas.x + canvas.width * 0.3, canvas.y + canvas.height * 0.75);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(
    (z0) => parseFloat(document.querySelector('[data-testid="viewport"]')?.dataset.zoom) > z0 * 1.3,
    zoom0,
    { timeout: 5_000 },
  ).catch(() => {});
  const zoom1 = parseFloat(await viewport.getAttribute('data-zoom'));
  assert.ok(zoom1 > zoom0 * 1.3, `wheel zooms in: ${zoom0} → ${zoom1}`);
  const pan0 = await viewport.getAttribute('data-pan');
  // Background above the bottom strip, where the "opened" toast sits for a few seconds.
  await drag(page, { x: canvas.x + 30, y: canvas.y + canvas.height - 110 }, { x: canvas.x + 230, y: canvas.y + canvas.height - 160 });
  assert.notEqual(await viewport.getAttribute('data-pan'), pan0, 'dragging the background pans');
  await page.getByTestId('zoom-out').click();
  const zoomed = await viewport.getAttribute('data-zoom');
  await page.getByTestId('fit').click();
  await page.waitForFunction(
    (z) => document.querySelector('[data-testid="viewport"]')?.dataset.zoom !== z,
    zoomed,
    { timeout: 5_000 },
  );
  for (const id of ['users', 'lb', 'api']) {
    const b = await page.getByTestId(`node-${id}`).boundingBox();
    assert.ok(b.x >= canvas.x && b.x + b.width <= canvas.x + canvas.width, `${id} is in view after fit`);
  }
  await screenshot(page, 'editor-pan-zoom');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Korean and light theme, remembered across reloads', async () => {
  const { page, errors, context } = await openApp(browser);
  await page.getByTestId('example-cascading-failure').click();
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('theme-toggle').click();
  assert.equal(await page.getByTestId('app').getAttribute('data-lang'), 'ko');
  assert.equal(await page.getByTestId('play').innerText(), '재생');
  await page.getByTestId('play').click();
  await waitSimTime(page, 2);
  await screenshot(page, 'editor-korean-light');
  await page.reload();
  await page.getByTestId('app').waitFor();
  assert.equal(await page.getByTestId('app').getAttribute('data-lang'), 'ko');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.match(await page.getByTestId('palette-server').innerText(), /서버/);
  assert.deepEqual(errors, []);
  await context.close();
});
