// Every screen, every hand: at laptop, tablet and phone sizes, in Korean (the longer labels), the
// controls stay reachable, nothing overflows sideways, and the canvas shows the whole diagram.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, collectErrors, ready, screenshot, BASE_URL, NODE_CARDS, openExample, exampleSlugs, waitSimTime, frames,
} from './lib.mjs';

const SCREENS = [
  { width: 1280, height: 720, hasTouch: false, isMobile: false },
  { width: 1366, height: 768, hasTouch: false, isMobile: false },
  { width: 1024, height: 768, hasTouch: true, isMobile: false },
  { width: 390, height: 844, hasTouch: true, isMobile: true },
];
const CONTROLS = ['play', 'step', 'reset', 'examples', 'file', 'share', 'lessons', 'lang-toggle', 'theme-toggle'];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Whether the element is visible and wholly inside the viewport.
async function inView(page, id) {
  const el = page.getByTestId(id);
  if (!(await el.isVisible())) return false;
  const box = await el.boundingBox();
  const vp = page.viewportSize();
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}

/// Every control is on screen, or on screen once the toolbar's "More" menu is open.
async function assertReachable(page, label, shot = null) {
  const hidden = [];
  for (const id of CONTROLS) if (!(await inView(page, id))) hidden.push(id);
  if (hidden.length === 0) return;
  assert.ok(await inView(page, 'more'), `${label}: ${hidden.join(', ')} hidden and no "More" button`);
  await page.getByTestId('more').click();
  for (const id of hidden) assert.ok(await inView(page, id), `${label}: ${id} is reachable after opening More`);
  if (shot) await screenshot(page, shot);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('more').getAttribute('aria-expanded'), 'false', `${label}: Escape closes More`);
}

async function assertNoSidewaysOverflow(page, label) {
  const { sw, iw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth,
    iw: window.innerWidth,
  }));
  assert.ok(sw <= iw, `${label}: page is ${sw}px wide in a ${iw}px window`);
}

/// What floats over (or borders) the canvas and could hide a card: the KPI cards, the zoom
/// controls, a toast, the lesson band (docked or presenting), the phone's bottom bar and its
/// sheets, an open menu.
const OVERLAYS = [
  '.kpi', '.zoom-controls', '[data-testid="toast"]', '.lesson-dock', '[data-testid="sheet-bar"]',
  '.sheet-backdrop', '.context-menu', '.examples-list', '.hint-recent',
];

/// One look at the page, in one round trip: which controls are off screen, how wide the page
/// is, where the canvas, the cards and the overlays are, and how tall each title is on screen.
function examine({ controls, cards: cardSel, overlays: overlaySel }) {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const onScreen = (e) => {
    if (!e || !shown(e)) return false;
    const b = e.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && b.left >= 0 && b.top >= 0 && b.right <= vw + 0.5 && b.bottom <= vh + 0.5;
  };
  const byId = (id) => document.querySelector(`[data-testid="${id}"]`);
  const hidden = controls.filter((id) => !onScreen(byId(id)));
  const overlays = [...document.querySelectorAll(overlaySel.join(','))]
    .filter(shown)
    .map((e) => ({ what: e.dataset.testid || e.className, ...e.getBoundingClientRect().toJSON() }))
    .filter((o) => o.width > 0 && o.height > 0);
  const cards = [...document.querySelectorAll(cardSel)].map((e) => {
    const box = e.getBoundingClientRect().toJSON();
    const title = e.querySelector('.node-title');
    // The card's own transform (the canvas zoom) scales its CSS font size on screen.
    const scale = box.width / (e.offsetWidth || 1);
    return { id: e.dataset.node, box, titlePx: title && shown(title) ? parseFloat(getComputedStyle(title).fontSize) * scale : 0 };
  });
  const canvas = byId('canvas').getBoundingClientRect().toJSON();
  return {
    hidden,
    scrollWidth: document.documentElement.scrollWidth,
    viewportWidth: vw,
    canvas,
    cards,
    overlays,
    toast: overlays.some((o) => o.what === 'toast'),
  };
}

/// Asserts what `examine` saw: the controls off screen are the ones the "More" menu holds, no
/// sideways overflow, the canvas big enough and every card inside it, no card under an overlay,
/// and titles at least `minTitlePx` tall on screen.
function assertLook(look, label, { moreHolds, minTitlePx }) {
  const extra = look.hidden.filter((id) => !moreHolds.includes(id));
  assert.deepEqual(extra, [], `${label}: ${extra.join(', ')} out of reach (More holds ${moreHolds.join(', ') || 'nothing'})`);
  assert.ok(look.scrollWidth <= look.viewportWidth, `${label}: page is ${look.scrollWidth}px wide`);
  const { canvas, cards, overlays } = look;
  assert.ok(canvas.width >= 300 && canvas.height >= 300, `${label}: canvas is ${canvas.width}×${canvas.height}`);
  assert.ok(cards.length > 0, `${label}: the diagram has node cards`);
  const slack = 2;
  for (const c of cards) {
    const b = c.box;
    assert.ok(
      b.left >= canvas.left - slack && b.top >= canvas.top - slack &&
        b.right <= canvas.right + slack && b.bottom <= canvas.bottom + slack,
      `${label}: node ${c.id} (${Math.round(b.left)},${Math.round(b.top)})–(${Math.round(b.right)},${Math.round(b.bottom)}) lies inside the canvas ` +
        `(${Math.round(canvas.left)},${Math.round(canvas.top)} ${Math.round(canvas.width)}×${Math.round(canvas.height)})`,
    );
    for (const o of overlays) {
      const hit = b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom;
      assert.ok(!hit, `${label}: node ${c.id} (${Math.round(b.left)},${Math.round(b.top)})–(${Math.round(b.right)},${Math.round(b.bottom)}) ` +
        `lies under ${o.what} (${Math.round(o.left)},${Math.round(o.top)})–(${Math.round(o.right)},${Math.round(o.bottom)})`);
    }
    if (minTitlePx) {
      assert.ok(c.titlePx >= minTitlePx - 0.05, `${label}: node ${c.id}'s title is ${c.titlePx.toFixed(1)} px on screen`);
    }
  }
}

for (const screen of SCREENS) {
  const { width, height, hasTouch, isMobile } = screen;
  const projector = width >= 1280;
  const name = `${width}x${height}`;
  test(`${width}×${height}${isMobile ? ' (phone)' : hasTouch ? ' (touch)' : ''}, Korean: every example after Fit and a few seconds`, async () => {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, hasTouch, isMobile });
    await context.addInitScript(() => {
      localStorage.setItem('scaleboard.lang', 'ko');
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${BASE_URL}/`);
    await ready(page);
    assert.equal(await page.getByTestId('app').getAttribute('data-lang'), 'ko');
    await assertReachable(page, `${width}×${height} empty`, `screen-${name}-more`);
    await assertNoSidewaysOverflow(page, `${width}×${height} empty`);
    // What the "More" menu holds at this size: the only controls allowed off screen.
    const moreHolds = [];
    for (const id of CONTROLS) if (!(await inView(page, id))) moreHolds.push(id);

    // The Examples menu fits the screen too.
    await page.getByTestId('examples').click();
    const menu = await page.getByTestId('examples-menu').boundingBox();
    assert.ok(menu.x >= 0 && menu.x + menu.width <= width + 0.5 && menu.y + menu.height <= height + 0.5,
      `${width}×${height}: the Examples menu (${JSON.stringify(menu)}) is on screen`);
    await screenshot(page, `screen-${name}-examples`);
    await page.keyboard.press('Escape');

    const slugs = await exampleSlugs(page);
    assert.ok(slugs.length >= 20, `every example is offered (${slugs.length})`);
    let toastsChecked = 0;
    for (const slug of slugs) {
      const label = `${width}×${height} ${slug}`;
      await openExample(page, slug);
      // The new document starts again from t = 0 (the previous example was stepped to 3 s).
      await page.waitForFunction(
        (sel) => document.querySelectorAll(sel).length > 0
          && Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') < 1,
        NODE_CARDS,
      );
      await page.getByTestId('fit').click();
      // Right after Fit the "opened" toast is still up: it must not cover a card either.
      const fitted = await page.evaluate(examine, { controls: CONTROLS, cards: NODE_CARDS, overlays: OVERLAYS });
      assertLook(fitted, `${label} (fitted)`, { moreHolds, minTitlePx: projector ? 12 : 0 });
      if (fitted.toast) toastsChecked++;
      // A few seconds of simulated running: the KPI strip fills with figures (and may wrap).
      for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
      await waitSimTime(page, 2.9); // the snapshot after the third step is on screen
      const ran = await page.evaluate(examine, { controls: CONTROLS, cards: NODE_CARDS, overlays: OVERLAYS });
      assertLook(ran, `${label} (after 3 s)`, { moreHolds, minTitlePx: projector ? 12 : 0 });
      if (slug === 'hot-shard') await screenshot(page, `screen-${name}`);
      if (slug === 'global-two-regions') await screenshot(page, `screen-${name}-regions`);
    }
    assert.ok(toastsChecked >= slugs.length / 2, `the "opened" toast was on screen for ${toastsChecked} of ${slugs.length} checks`);
    assert.deepEqual(errors, [], 'no console errors or panics');
    await context.close();
  });
}

test('laptop widths between the layouts, English and Korean, a lesson open: the bar fits, the figures stay on the canvas', async () => {
  // Between the "More" menu (up to 1400 px) and a bar wide enough for every word (about 1 640 px
  // in English), the bar ran off the screen — Share, the theme and the language with it — and
  // with a lesson beside the canvas the KPI cards ran under the inspector.
  for (const lang of ['en', 'ko']) {
    for (const width of [1401, 1440, 1536, 1600, 1680, 1801]) {
      const label = `${width}×900 ${lang}`;
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      await context.addInitScript((l) => localStorage.setItem('scaleboard.lang', l), lang);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${BASE_URL}/#lesson=one-server&step=2`);
      await ready(page);
      await page.getByTestId('lesson-panel').waitFor();
      await page.getByTestId('step').click();
      await waitSimTime(page, 1);
      await assertNoSidewaysOverflow(page, label);
      for (const id of CONTROLS) assert.ok(await inView(page, id), `${label}: ${id} is on screen (no "More" above 1400 px)`);
      const { kpis, canvas } = await page.evaluate(() => ({
        kpis: [...document.querySelectorAll('.kpi')].map((e) => e.getBoundingClientRect().toJSON()),
        canvas: document.querySelector('[data-testid="canvas"]').getBoundingClientRect().toJSON(),
      }));
      assert.ok(kpis.length > 0, `${label}: KPI cards shown`);
      for (const k of kpis) {
        assert.ok(k.left >= canvas.left && k.right <= canvas.right + 0.5,
          `${label}: a KPI card (${Math.round(k.left)}–${Math.round(k.right)}) lies within the canvas (${Math.round(canvas.left)}–${Math.round(canvas.right)})`);
      }
      if (width === 1440) await screenshot(page, `screen-1440x900-${lang}-lesson`);
      assert.deepEqual(errors, [], `${label}: no console errors`);
      await context.close();
    }
  }
});

test('390×844: palette, inspector and charts open as sheets over the canvas', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/`);
  await ready(page);
  for (const id of ['palette', 'inspector', 'bottom-panel']) {
    assert.equal(await page.getByTestId(id).isVisible(), false, `${id} starts closed on a phone`);
  }
  for (const [button, panel] of [['sheet-palette', 'palette'], ['sheet-inspector', 'inspector'], ['sheet-panel', 'bottom-panel']]) {
    assert.ok(await inView(page, button), `${button} is on screen`);
    await page.getByTestId(button).click();
    assert.ok(await page.getByTestId(panel).isVisible(), `${button} opens ${panel}`);
    await screenshot(page, `screen-390x844-${panel}`);
    await page.getByTestId(button).click();
    assert.equal(await page.getByTestId(panel).isVisible(), false, `${button} closes ${panel} again`);
  }
  // Placing a component from the palette sheet shows the canvas with the new card.
  await page.getByTestId('sheet-palette').click();
  await page.getByTestId('palette-server').click();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, NODE_CARDS);
  assert.equal(await page.getByTestId('palette').isVisible(), false, 'the sheet closes after placing');
  assert.deepEqual(errors, []);
  await context.close();
});

/// Painted pixels on the dot layer (flowing requests), the most seen in 5 looks 12 frames apart.
async function paintedDots(page) {
  let most = 0;
  for (let i = 0; i < 5; i++) {
    await frames(page, 12);
    const n = await page.locator('canvas.dots').evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let k = 3; k < d.length; k += 4) if (d[k] > 0) painted++;
      return painted;
    });
    most = Math.max(most, n);
  }
  return most;
}

for (const reducedMotion of ['no-preference', 'reduce']) {
  test(`prefers-reduced-motion: ${reducedMotion}`, async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, reducedMotion });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${BASE_URL}/`);
    await ready(page);
    await page.getByTestId('example-basic').click();
    // The example arrives from the document store a moment later: Play before it would meet
    // the empty canvas (and its problems).
    await page.getByTestId('node-users').waitFor();
    await page.getByTestId('play').click();
    await waitSimTime(page, 1.5);
    const dots = await paintedDots(page);
    if (reducedMotion === 'reduce') {
      assert.equal(dots, 0, 'no flowing dots under reduced motion');
    } else {
      assert.ok(dots > 0, 'dots flow normally');
    }
    // The figures still update.
    const t0 = await page.getByTestId('sim-clock').innerText();
    await page.waitForFunction(
      (t0) => document.querySelector('[data-testid="sim-clock"]')?.textContent !== t0,
      t0,
      { timeout: 5_000 },
    ); // the clock runs (or this times out)
    assert.notEqual(await page.getByTestId('sim-clock').innerText(), t0, 'the clock runs');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the theme follows prefers-color-scheme until the user picks one', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'light' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/`);
  await ready(page);
  const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  const stored = () => page.evaluate(() => localStorage.getItem('scaleboard.theme'));
  assert.equal(await theme(), 'light', 'a light system gets the light theme');
  assert.equal(await stored(), null, 'nothing stored on a first visit');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await ready(page);
  assert.equal(await theme(), 'dark', 'still following the system');
  await page.getByTestId('theme-toggle').click();
  assert.equal(await theme(), 'light');
  assert.equal(await stored(), 'light', 'the user’s pick is remembered');
  await page.reload();
  await ready(page);
  assert.equal(await theme(), 'light', 'and wins over the system from then on');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a static shell paints before the wasm and is gone once the app mounts', async () => {
  const html = await (await fetch(`${BASE_URL}/`)).text();
  assert.match(html, /id="boot-shell"/);
  assert.match(html, /Scaleboard/);
  assert.match(html, /시스템/);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  // Hold the wasm back: the shell must already be on screen.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded' });
  assert.ok(await page.getByTestId('boot-shell').isVisible(), 'the shell shows while the wasm loads');
  await screenshot(page, 'screen-boot-shell');
  release();
  await ready(page);
  assert.equal(await page.locator('#boot-shell').count(), 0, 'the app removed the shell');
  // The app's stylesheets load without blocking the shell's paint, and are all on once it runs.
  const sheets = await page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.media));
  assert.ok(sheets.length >= 5 && sheets.every((m) => m === 'all'), `every stylesheet applies: ${JSON.stringify(sheets)}`);
  assert.match(html, /rel="stylesheet"[^>]*media="print"/, 'the stylesheets do not block the first paint');
  await context.close();
});
