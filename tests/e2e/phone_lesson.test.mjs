// A lesson on a phone (390×844, touch), in Korean, as a student opens it from a link in class:
// the step, its goals and the buttons that move between steps can be reached with a thumb, the
// canvas below shows the whole diagram uncovered, and presenter mode (a teacher's phone on a
// projector) still answers its keys: → and ← between steps, P to play and pause, Esc to leave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launch, collectErrors, ready, screenshot, BASE_URL, NODE_CARDS, waitSimTime,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const LESSON_FILE = path.resolve(here, '../../lessons/01-one-server.json');

let browser;
let lesson;
before(async () => {
  lesson = JSON.parse(await readFile(LESSON_FILE, 'utf8'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openPhone(hash) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true, colorScheme: 'dark',
  });
  await context.addInitScript(() => localStorage.setItem('scaleboard.lang', 'ko'));
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/${hash}`);
  await ready(page);
  return { context, page, errors };
}

async function stepShown(page, i) {
  await page.waitForSelector(`[data-testid="lesson-panel"][data-lesson="${lesson.id}"][data-step="${i + 1}"]`);
}

/// Scrolls `testid` into view (as a thumb would) and asserts it is then wholly on screen and the
/// topmost thing at its centre, so that a tap reaches it.
async function assertReachable(page, testid, label) {
  const el = page.getByTestId(testid);
  await el.scrollIntoViewIfNeeded();
  const at = await el.evaluate((e) => {
    const b = e.getBoundingClientRect();
    const top = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return {
      box: b.toJSON(), vw: window.innerWidth, vh: window.innerHeight, topmost: top === e || e.contains(top),
    };
  });
  const { box, vw, vh } = at;
  assert.ok(box.left >= 0 && box.top >= 0 && box.right <= vw + 0.5 && box.bottom <= vh + 0.5,
    `${label}: ${testid} is on screen (${JSON.stringify(box)})`);
  assert.ok(box.height >= 24, `${label}: ${testid} is big enough to tap (${box.height}px tall)`);
  assert.ok(at.topmost, `${label}: nothing covers ${testid}`);
}

/// The canvas is at least 300×300 and shows every card inside it, none under the lesson, the
/// KPI strip, the zoom controls, a toast or the bottom bar.
async function assertDiagramInView(page, label) {
  const look = await page.evaluate((sel) => {
    const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const overlays = [...document.querySelectorAll('.kpi, .zoom-controls, [data-testid="toast"], .lesson-dock, [data-testid="sheet-bar"]')]
      .filter(shown)
      .map((e) => ({ what: e.dataset.testid || e.className, ...e.getBoundingClientRect().toJSON() }));
    return {
      canvas: document.querySelector('[data-testid="canvas"]').getBoundingClientRect().toJSON(),
      cards: [...document.querySelectorAll(sel)].map((e) => ({ id: e.dataset.node, ...e.getBoundingClientRect().toJSON() })),
      overlays,
    };
  }, NODE_CARDS);
  const { canvas, cards, overlays } = look;
  assert.ok(canvas.width >= 300 && canvas.height >= 300, `${label}: the canvas is ${canvas.width}×${canvas.height}`);
  assert.ok(cards.length > 0, `${label}: the diagram has cards`);
  for (const c of cards) {
    assert.ok(c.left >= canvas.left - 2 && c.top >= canvas.top - 2 && c.right <= canvas.right + 2 && c.bottom <= canvas.bottom + 2,
      `${label}: ${c.id} lies inside the canvas`);
    for (const o of overlays) {
      const hit = c.left < o.right && o.left < c.right && c.top < o.bottom && o.top < c.bottom;
      assert.ok(!hit, `${label}: ${c.id} lies under ${o.what}`);
    }
  }
}

test('390×844 (touch), Korean: a lesson\'s steps are reachable and the canvas shows the diagram', async () => {
  const { context, page, errors } = await openPhone(`#lesson=${lesson.id}&step=1`);
  await stepShown(page, 0);
  assert.equal((await page.getByTestId('lesson-title').innerText()).trim(), lesson.title.ko);
  await page.locator(NODE_CARDS).first().waitFor();
  await assertDiagramInView(page, 'step 1');
  await screenshot(page, 'phone-lesson-step1');
  // The step's question, its goals and the way to the next step.
  if (lesson.steps[0].prediction) await assertReachable(page, 'prediction', 'step 1');
  await assertReachable(page, 'lesson-goals', 'step 1');
  for (const id of ['lesson-next', 'lesson-hint', 'lesson-presenter']) {
    if (await page.getByTestId(id).count()) await assertReachable(page, id, 'step 1');
  }
  await page.getByTestId('lesson-next').tap();
  await stepShown(page, 1);
  await assertReachable(page, 'lesson-prev', 'step 2');
  await page.getByTestId('lesson-prev').tap();
  await stepShown(page, 0);
  // Running a step without a question: the figures come, and the diagram stays in view.
  const free = lesson.steps.findIndex((s) => !s.prediction);
  assert.ok(free >= 0, 'the lesson has a step without a prediction');
  for (let i = 0; i < free; i++) {
    await assertReachable(page, 'lesson-next', `step ${i + 1}`);
    await page.getByTestId('lesson-next').tap();
    await stepShown(page, i + 1);
  }
  await page.locator(NODE_CARDS).first().waitFor();
  await page.getByTestId('play').tap();
  await waitSimTime(page, 3);
  await assertDiagramInView(page, `step ${free + 1} running`);
  await screenshot(page, 'phone-lesson-running');
  assert.deepEqual(errors, []);
  await context.close();
});

test('390×844 (touch), Korean: presenter mode keys work and the diagram stays in view', async () => {
  assert.ok(lesson.steps.length >= 3);
  const { context, page, errors } = await openPhone(`#lesson=${lesson.id}&step=1`);
  await stepShown(page, 0);
  await assertReachable(page, 'lesson-presenter', 'before presenting');
  await page.getByTestId('lesson-presenter').tap();
  await page.waitForSelector('[data-testid="app"][data-presenter="true"]');
  const overlay = page.getByTestId('presenter-overlay');
  await overlay.waitFor();
  await page.locator(NODE_CARDS).first().waitFor();
  await assertDiagramInView(page, 'presenting step 1');
  await screenshot(page, 'phone-presenter-step1');
  // → and ← move between steps (a clicker sends PageDown/PageUp, which count too).
  await page.keyboard.press('ArrowRight');
  await stepShown(page, 1);
  await page.keyboard.press('PageDown');
  await stepShown(page, 2);
  assert.ok((await overlay.innerText()).includes(lesson.steps[2].title.ko), 'the overlay shows step 3');
  await page.keyboard.press('ArrowLeft');
  await stepShown(page, 1);
  // P plays and pauses a step without a question.
  const free = lesson.steps.findIndex((s) => !s.prediction);
  for (let at = 1; at < free; at++) {
    await page.keyboard.press('ArrowRight');
    await stepShown(page, at + 1);
  }
  for (let at = 1; at > free; at--) {
    await page.keyboard.press('ArrowLeft');
    await stepShown(page, at - 1);
  }
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'true');
  await waitSimTime(page, 3);
  await assertDiagramInView(page, `presenting step ${free + 1}, running`);
  await screenshot(page, 'phone-presenter-running');
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false');
  // Esc leaves presenter mode; the lesson stays open on the same step.
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="app"][data-presenter="false"]');
  await stepShown(page, free);
  assert.deepEqual(errors, []);
  await context.close();
});
