// The workshop: lessons opened from a link or the Lessons dialog, goals judged live while the
// simulation runs, hints, predict-then-reveal, presenter mode driven from the keyboard, a timeline
// scrubber that replays the run deterministically, and the whole thing working offline.
//
// The steps used here are read from the lesson files themselves (lessons/*.json), so that the
// test follows the lessons when their texts or figures change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launch, openApp, ready, screenshot, shareLink, BASE_URL, openExample, frames, afterSave, watchPage, snapshotsSettled, collectErrors,
} from './lib.mjs';
import { serveDist } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const LESSON_ID = 'one-server';
const LESSON_FILE = path.join(root, 'lessons/01-one-server.json');
/// Indexes into the speed select's list [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 100]×.
const SPEED_10X = '6';
const SPEED_100X = '8';

let browser;
let lesson;
before(async () => {
  lesson = JSON.parse(await readFile(LESSON_FILE, 'utf8'));
  assert.equal(lesson.id, LESSON_ID);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// ---------- What the lesson file says ----------

/// The run length of step `i` (from 0): its `run`, else the nearest diagram's workload, else 60.
function duration(i) {
  for (let k = i; k >= 0; k--) {
    const s = lesson.steps[k];
    if (k === i && s.run?.duration_s != null) return s.run.duration_s;
    const w = s.diagram?.workload ?? s.changes?.workload;
    if (w?.duration_s != null) return w.duration_s;
  }
  return 60;
}

/// A step (from 0) without a prediction whose reference solution only sets node parameters,
/// so that a learner can apply it in the inspector.
function fixableStep() {
  const i = lesson.steps.findIndex((s) => !s.prediction
    && s.solution?.changes
    && Object.keys(s.solution.changes).every((k) => k === 'set')
    && s.solution.changes.set.every((c) => c.node && c.field.startsWith('params.')));
  assert.ok(i >= 0, `${LESSON_FILE}: no step without a prediction whose solution only sets node parameters`);
  return i;
}

function predictionStep(kind) {
  const i = lesson.steps.findIndex((s) => s.prediction?.kind === kind && (s.prediction.on ?? 'start') === 'start');
  assert.ok(i >= 0, `${LESSON_FILE}: no step with a ${kind} prediction about the starting diagram`);
  return i;
}

/// The language the app shows (`app`'s data-lang), to compare texts with the lesson file.
async function lang(page) {
  return (await page.getByTestId('app').getAttribute('data-lang')) ?? 'en';
}

// ---------- Driving the app ----------

/// Opens the app on the lesson link of step `i` (from 0) and waits for the lesson panel.
async function openStep(i, opts = {}) {
  const app = await openApp(browser, { ...opts, hash: `#lesson=${LESSON_ID}&step=${i + 1}` });
  await panelAt(app.page, i);
  return app;
}

async function panelAt(page, i, { timeout = 15_000 } = {}) {
  await page.waitForSelector(
    `[data-testid="lesson-panel"][data-lesson="${LESSON_ID}"][data-step="${i + 1}"]`,
    { timeout },
  );
}

async function panelStep(page) {
  return page.evaluate(() => document.querySelector('[data-testid="lesson-panel"]')?.dataset.step ?? null);
}

async function simTime(page) {
  return page.evaluate(() => {
    const v = document.querySelector('[data-testid="kpis"]')?.dataset.simTime;
    return v === undefined ? null : Number(v);
  });
}

async function completed(page) {
  return page.evaluate(() => document.querySelector('[data-testid="kpis"]')?.dataset.completed ?? null);
}

async function isRunning(page) {
  return (await page.getByTestId('play').getAttribute('aria-pressed')) === 'true';
}

/// Presses Play if the run is paused, and waits until it runs (or has already moved on: at
/// 100× a short step may be over before the next look).
async function play(page) {
  const t0 = (await simTime(page)) ?? 0;
  if (!(await isRunning(page))) await page.getByTestId('play').click();
  await page.waitForFunction(
    (t0) => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'true'
      || Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) > t0,
    t0,
    { timeout: 10_000 },
  );
}

async function pause(page) {
  if (await isRunning(page)) await page.getByTestId('play').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false',
  );
}

async function waitSimTime(page, seconds, { timeout = 60_000 } = {}) {
  await page.waitForFunction(
    (s) => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) >= s,
    seconds,
    { timeout },
  );
}

/// The goals as shown: `{ status, text }` each, in order.
async function goals(page) {
  return page.getByTestId('lesson-goals').getByTestId('goal').evaluateAll((els) => els.map((e) => ({
    status: e.dataset.status,
    text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
  })));
}

/// Sets an inspector field of the selected node the way a user does: a select picks the
/// option, a checkbox is ticked, a text field is typed into and committed with Enter.
async function setField(page, field, value) {
  const input = page.getByTestId(`field-${field}`);
  await input.waitFor();
  const { tag, type } = await input.evaluate((e) => ({ tag: e.tagName, type: e.type }));
  if (tag === 'SELECT') {
    await input.selectOption(String(value));
  } else if (type === 'checkbox') {
    await input.setChecked(Boolean(value));
  } else {
    await input.fill(String(value));
    await input.press('Enter');
  }
  await page.waitForFunction(
    ([field, value]) => {
      const e = document.querySelector(`[data-testid="field-${field}"]`);
      return e && (e.type === 'checkbox' ? String(e.checked) === value : e.value === value);
    },
    [field, String(value)],
  );
  assert.equal(await page.getByTestId(`error-${field}`).count(), 0, `${field} = ${value} was accepted`);
}

/// Numbers written in `text` ("2,296", "0.165", "16.5 %"), with whether a % follows; the
/// "95 %" of a confidence interval's label is not one of them.
function numbersIn(text) {
  return [...text.replace(/95\s*%/g, ' ').matchAll(/(\d{1,3}(?:[,\u00a0\u202f]\d{3})+|\d+(?:\.\d+)?)(\s*%)?/g)]
    .map((m) => ({ value: Number(m[1].replace(/[,\u00a0\u202f]/g, '')), percent: Boolean(m[2]) }));
}

/// A lesson text as the page shows it, one string per paragraph or list item, markup removed.
function plainParagraphs(markup) {
  return markup.split(/\n\s*\n/)
    .flatMap((para) => (/^\s*- /m.test(para) ? para.split(/\n\s*- /) : [para]))
    .map((p) => p.replace(/^\s*- /, '').replace(/\\([*`\\])|[*`]/g, '$1').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/// Removes the explanation from a prediction result's text (its own figures are not the
/// measurement); says whether it was there.
function withoutExplanation(text, explanation) {
  let rest = text.replace(/\s+/g, ' ');
  let found = 0;
  for (const p of plainParagraphs(explanation)) {
    if (rest.includes(p)) {
      rest = rest.replace(p, ' ');
      found++;
    }
  }
  return { rest, found: found > 0 };
}

function holds(x, { op, value }) {
  switch (op) {
    case '<': return x < value;
    case '<=': return x <= value;
    case '>': return x > value;
    case '>=': return x >= value;
    case '==': return x === value;
    default: throw new Error(`unknown op ${op}`);
  }
}

/// Sets the scrubber to `seconds` and waits until the replay has arrived there and its figures
/// have settled; returns data-completed.
async function seek(page, seconds) {
  await page.getByTestId('scrubber').fill(String(seconds));
  await page.waitForFunction(
    (s) => Math.floor(Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime)) === s,
    seconds,
    { timeout: 30_000 },
  );
  let last = await completed(page);
  for (let i = 0; i < 20; i++) {
    await frames(page, 15);
    const now = await completed(page);
    if (now === last) break;
    last = now;
  }
  assert.equal(Math.floor(await simTime(page)), seconds, 'the replay stays at the chosen second');
  assert.equal(await isRunning(page), false, 'seeking pauses the run');
  assert.match(await page.getByTestId('scrubber-time').innerText(), new RegExp(`\\b${seconds}\\b`));
  return last;
}

// ---------- The tests ----------

test('a lesson link opens a step; a goal fails, the hint\'s change in the inspector makes it pass', async () => {
  const i = fixableStep();
  const step = lesson.steps[i];
  const { context, page, errors } = await openStep(i);
  const l = await lang(page);
  assert.equal(await page.getByTestId('lesson-panel').getAttribute('data-steps'), String(lesson.steps.length));
  assert.equal((await page.getByTestId('lesson-title').innerText()).trim(), lesson.title[l]);
  assert.ok((await page.getByTestId('lesson-text').innerText()).trim().length > 0, 'the step text is shown');
  // The step's starting diagram is the canvas.
  for (const c of step.solution.changes.set) await page.getByTestId(`node-${c.node}`).waitFor();
  let shown = await goals(page);
  assert.equal(shown.length, step.goals.length, 'one goal element per goal');
  assert.ok(shown.every((g) => g.status === 'waiting'), `nothing run yet: ${JSON.stringify(shown)}`);

  // Run fast: after the warm-up at least one goal is not met.
  await page.getByTestId('speed-select').selectOption(SPEED_100X);
  await play(page);
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="lesson-goals"] [data-testid="goal"]')]
      .some((g) => g.dataset.status === 'not_met'),
    null,
    { timeout: 60_000 },
  );
  await waitSimTime(page, duration(i));
  shown = await goals(page);
  const failing = shown.flatMap((g, k) => (g.status === 'not_met' ? [k] : []));
  assert.ok(failing.length > 0, `a goal is not met at the end of the run: ${JSON.stringify(shown)}`);
  for (const k of failing) {
    const label = step.goals[k].label?.[l] ?? '';
    assert.match(shown[k].text.replace(label, ''), /\d/, `the goal shows its measured value: ${shown[k].text}`);
  }
  await screenshot(page, 'workshop-goal-not-met');
  await pause(page);

  // Hints come one at a time, until one names the change to make (its value, e.g. a size).
  const values = step.solution.changes.set.map((c) => c.value);
  const words = values.filter((v) => typeof v === 'string');
  const wanted = (words.length ? words : values).map(String);
  const hintsText = async () => ((await page.getByTestId('lesson-hints').count())
    ? page.getByTestId('lesson-hints').innerText()
    : '');
  for (let opened = 0; ; ) {
    const text = await hintsText();
    if (wanted.some((w) => text.includes(w))) break;
    assert.ok(opened < (step.hints?.length ?? 0), `a hint names one of ${wanted}: ${text}`);
    await page.getByTestId('lesson-hint').click();
    opened++;
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="lesson-hints"] li').length === n,
      opened,
    );
  }
  await screenshot(page, 'workshop-hints');

  // Apply the change in the inspector, as the hint says.
  for (const c of step.solution.changes.set) {
    await page.getByTestId(`node-${c.node}`).click();
    await setField(page, c.field, c.value);
    if (c.field === 'params.instances' && Number(c.value) > 1) {
      await page.waitForFunction(
        ([id, n]) => document.querySelector(`[data-testid="node-${id}-instances"]`)?.textContent === `×${n}`,
        [c.node, c.value],
      );
    }
  }

  // Reset and run again: every goal, the failing ones included, is met.
  await page.getByTestId('reset').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) === 0);
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="lesson-goals"] [data-testid="goal"]')]
      .every((g) => g.dataset.status === 'waiting'),
    null,
    { timeout: 5_000 },
  );
  await play(page);
  await page.waitForFunction(
    () => {
      const all = [...document.querySelectorAll('[data-testid="lesson-goals"] [data-testid="goal"]')];
      return all.length > 0 && all.every((g) => g.dataset.status === 'met');
    },
    null,
    { timeout: 60_000 },
  ).catch(async (e) => {
    throw new Error(`the goals after the fix: ${JSON.stringify(await goals(page))} at t = ${await simTime(page)} s\n${e.message}`);
  });
  shown = await goals(page);
  for (const k of failing) assert.equal(shown[k].status, 'met', `goal ${k} is met now: ${shown[k].text}`);
  await screenshot(page, 'workshop-goal-met');

  // The QR code carries the link to this step.
  await page.getByTestId('lesson-qr').click();
  const dialog = page.getByTestId('qr-dialog');
  await dialog.waitFor();
  const qr = dialog.getByTestId('qr');
  await qr.waitFor();
  assert.ok(await qr.evaluate((e) => e.tagName.toLowerCase() === 'svg' || e.querySelector('svg') !== null), 'the QR code is an svg');
  const link = await dialog.getByTestId('qr-link').evaluate((e) => e.value || e.href || e.textContent || '');
  assert.match(link, new RegExp(`lesson=${LESSON_ID}`), `the QR link: ${link}`);
  await screenshot(page, 'workshop-qr');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  // A reload mid-lesson: the address bar holds the lesson's step, so the lesson comes back at
  // this step, with the learner's attempt (the change just made), not the step's start.
  const address = `#lesson=${LESSON_ID}&step=${i + 1}`;
  await page.waitForFunction((a) => location.hash === a, address, { timeout: 5_000 })
    .catch(async (e) => { throw new Error(`the address mid-lesson: ${await page.evaluate(() => location.hash.slice(0, 60))}\n${e.message}`); });
  await page.reload();
  await ready(page);
  await panelAt(page, i);
  for (const c of step.solution.changes.set) {
    await page.getByTestId(`node-${c.node}`).click();
    const input = page.getByTestId(`field-${c.field}`);
    const kept = await input.evaluate((e) => (e.type === 'checkbox' ? String(e.checked) : e.value));
    assert.equal(kept, String(c.value), `${c.node}.${c.field}: the learner's change survived the reload`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('predict first: Play waits for an answer, the run reveals it beside the measured value', async () => {
  const ci = predictionStep('choice');
  const ni = predictionStep('number');
  const { context, page, errors } = await openApp(browser);

  // From the Lessons dialog: the lesson opens at its first step.
  await page.getByTestId('lessons').click();
  await page.getByTestId('lessons-dialog').waitFor();
  await screenshot(page, 'workshop-lessons-dialog');
  await page.getByTestId(`lesson-${LESSON_ID}`).click();
  await page.getByTestId('lessons-dialog').waitFor({ state: 'hidden' });
  await panelAt(page, 0);
  if (ci > 0) {
    // A hash change opens the lesson's step in this tab (the app listens for it).
    await page.goto(`${BASE_URL}/#lesson=${LESSON_ID}&step=${ci + 1}`);
    await panelAt(page, ci);
  }

  // A choice question: Play is refused until an answer is locked in.
  const p = lesson.steps[ci].prediction;
  const section = page.getByTestId('prediction');
  await section.waitFor();
  assert.equal(await section.getAttribute('data-state'), 'ask');
  await page.getByTestId('speed-select').selectOption(SPEED_100X);
  await page.getByTestId('play').click();
  await page.getByTestId('toast').filter({ hasText: /predict/i }).waitFor();
  await frames(page, 10); // time for a run to start, had Play been taken
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false', 'the run did not start');
  assert.equal(await simTime(page), 0);
  await screenshot(page, 'workshop-predict-first');

  await page.getByTestId(`prediction-choice-${p.answer}`).check();
  await page.getByTestId('prediction-submit').click();
  await page.waitForSelector('[data-testid="prediction"][data-state="answered"]');
  assert.ok(await page.getByTestId('prediction-choice-0').isDisabled(), 'the answer is locked');

  await play(page);
  await page.waitForSelector('[data-testid="prediction"][data-state="revealed"]', { timeout: 60_000 });
  assert.ok((await simTime(page)) >= duration(ci), 'revealed once the run reached the step\'s duration');
  const result = page.getByTestId('prediction-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-correct'), 'true', 'the right choice is judged right');
  const text = await result.innerText();
  const l = await lang(page);
  const { rest, found } = withoutExplanation(text, p.explanation[l]);
  assert.ok(found, `the explanation is shown: ${text}`);
  const hold = Array.isArray(p.holds) ? p.holds[p.answer] : p.holds;
  // The figure is a rate (0–1), shown as a fraction or a percentage.
  const measured = numbersIn(rest).filter(({ value, percent }) =>
    (percent ? value <= 100 && holds(value / 100, hold) : value <= 1 && holds(value, hold)));
  assert.ok(measured.length > 0, `the result shows the measured ${p.reveal.metric} (${hold.op} ${hold.value}): ${text}`);
  assert.ok(text.includes(p.choices[p.answer][l]), `the result shows the learner's answer: ${text}`);
  await screenshot(page, 'workshop-prediction-revealed');

  // A number question, revealed on demand part-way through the run: a wrong guess is judged
  // wrong, next to the figure measured so far.
  await pause(page);
  await page.getByTestId('lesson-next').click();
  if (ni !== ci + 1) {
    // A hash change opens the lesson's step in this tab (the app listens for it).
    await page.goto(`${BASE_URL}/#lesson=${LESSON_ID}&step=${ni + 1}`);
  }
  await panelAt(page, ni);
  const q = lesson.steps[ni].prediction;
  assert.ok(typeof q.answer === 'number' && q.answer > 0, 'the number question has the author\'s figure');
  await page.waitForSelector('[data-testid="prediction"][data-state="ask"]');
  const guess = q.answer / 20; // far outside any tolerance
  await page.getByTestId('prediction-number').fill(String(guess));
  await page.getByTestId('prediction-submit').click();
  await page.waitForSelector('[data-testid="prediction"][data-state="answered"]');
  assert.ok(await page.getByTestId('prediction-number').isDisabled(), 'the answer is locked');
  await page.getByTestId('speed-select').selectOption(SPEED_10X);
  await play(page);
  const warm = lesson.steps[ni].run?.warmup_s ?? 10;
  await waitSimTime(page, warm + 5, { timeout: 30_000 });
  await pause(page);
  if ((await page.getByTestId('prediction').getAttribute('data-state')) !== 'revealed') {
    await page.getByTestId('prediction-reveal').click();
  }
  await page.waitForSelector('[data-testid="prediction"][data-state="revealed"]');
  const numResult = page.getByTestId('prediction-result');
  assert.equal(await numResult.getAttribute('data-correct'), 'false', `${guess} is not ~${q.answer}`);
  const numText = await numResult.innerText();
  const numRest = withoutExplanation(numText, q.explanation[l]);
  assert.ok(numRest.found, `the explanation is shown: ${numText}`);
  const tol = q.tolerance ?? 0.25;
  assert.ok(
    numbersIn(numRest.rest).some(({ value }) => Math.abs(value - q.answer) <= tol * q.answer),
    `the result shows the measured ${q.reveal.metric} (about ${q.answer}): ${numText}`,
  );
  assert.ok(numbersIn(numRest.rest).some(({ value }) => value === guess), `the result shows the guess ${guess}: ${numText}`);
  await screenshot(page, 'workshop-prediction-number');
  assert.deepEqual(errors, []);
  await context.close();
});

test('presenter mode, from the keyboard: three steps, play and pause, replay, leave', async () => {
  assert.ok(lesson.steps.length >= 3, 'the lesson has at least three steps');
  const { context, page, errors } = await openStep(0, { viewport: { width: 1280, height: 720 } });
  const l = await lang(page);
  const app = page.getByTestId('app');
  const overlay = page.getByTestId('presenter-overlay');

  // The one mouse click; from here on, only keys.
  await page.getByTestId('lesson-presenter').click();
  await page.waitForSelector('[data-testid="app"][data-presenter="true"]');
  await overlay.waitFor();
  for (const id of ['palette', 'inspector', 'bottom-panel']) {
    assert.equal(await page.getByTestId(id).isVisible(), false, `${id} is hidden in presenter mode`);
  }
  // Large type, for the back of the room.
  const sizes = await overlay.evaluate((o) => {
    const px = (sel) => {
      const e = o.querySelector(sel);
      return e ? parseFloat(getComputedStyle(e).fontSize) : null;
    };
    return { text: px('[data-testid="lesson-text"]'), goal: px('[data-testid="goal"]') };
  });
  assert.ok(sizes.text >= 18, `step text at ${sizes.text}px`);
  assert.ok(sizes.goal >= 18, `goals at ${sizes.goal}px`);

  const seen = [];
  const check = async (i) => {
    await panelAt(page, i);
    const text = await overlay.innerText();
    assert.ok(text.includes(lesson.steps[i].title[l]), `the overlay shows step ${i + 1}'s title: ${text.slice(0, 200)}`);
    assert.equal(await overlay.getByTestId('goal').count(), lesson.steps[i].goals.length, 'and its goals');
    seen.push(await panelStep(page));
    await screenshot(page, `workshop-presenter-step${i + 1}`);
  };
  await check(0);
  await page.keyboard.press('ArrowRight');
  await check(1);
  await page.keyboard.press('ArrowRight');
  await check(2);
  assert.deepEqual(seen, ['1', '2', '3'], 'three distinct steps were shown');
  assert.equal(await app.getAttribute('data-presenter'), 'true');

  // Find a step that can run without answering a question first (P would be refused there).
  let at = 2;
  if (lesson.steps[at].prediction) {
    const free = lesson.steps.findIndex((s) => !s.prediction);
    assert.ok(free >= 0, 'a step without a prediction');
    for (; at > free; at--) await page.keyboard.press('ArrowLeft');
    for (; at < free; at++) await page.keyboard.press('ArrowRight');
    await panelAt(page, at);
  }

  // P plays, P pauses.
  assert.equal(await isRunning(page), false);
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'true');
  await waitSimTime(page, 3, { timeout: 15_000 });
  await screenshot(page, 'workshop-presenter-running');
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false');
  await snapshotsSettled(page); // the last snapshot of the run is on screen
  const stopped = await simTime(page);
  await frames(page, 30);
  assert.equal(await simTime(page), stopped, 'the paused run stays put');
  assert.ok(stopped >= 3);

  // R replays from the start: the clock goes back to 0 (however fast it runs on).
  await page.evaluate(() => {
    window.__minT = Infinity;
    const read = () => {
      const v = document.querySelector('[data-testid="kpis"]')?.dataset.simTime;
      if (v !== undefined) window.__minT = Math.min(window.__minT, Number(v));
    };
    window.__minObs = new MutationObserver(read);
    window.__minObs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-sim-time'] });
  });
  await page.keyboard.press('r');
  await page.waitForFunction(() => window.__minT < 0.5, null, { timeout: 5_000 });
  await page.evaluate(() => window.__minObs.disconnect());
  assert.ok((await simTime(page)) < stopped, 'the replay started over');
  assert.equal(await panelStep(page), String(at + 1), 'R stays on the step');

  // ← goes back a step; Esc leaves presenter mode, the lesson stays open.
  await page.keyboard.press('ArrowLeft');
  await panelAt(page, at - 1);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="app"][data-presenter="false"]');
  await overlay.waitFor({ state: 'hidden' });
  await page.getByTestId('palette').waitFor();
  await panelAt(page, at - 1);
  await screenshot(page, 'workshop-presenter-left');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the timeline scrubber replays the run to the second, the same every time', async () => {
  const i = fixableStep();
  const step = lesson.steps[i];
  const { context, page, errors } = await openStep(i);

  // The reference solution goes onto the canvas.
  await page.getByTestId('lesson-solution').click();
  for (const c of step.solution.changes.set) {
    if (c.field === 'params.instances' && Number(c.value) > 1) {
      await page.waitForFunction(
        ([id, n]) => document.querySelector(`[data-testid="node-${id}-instances"]`)?.textContent === `×${n}`,
        [c.node, c.value],
      );
    }
  }

  await page.getByTestId('speed-select').selectOption(SPEED_100X);
  await play(page);
  await waitSimTime(page, 45);
  const at20 = await seek(page, 20);
  await screenshot(page, 'workshop-scrub-20');
  const at40 = await seek(page, 40);
  assert.ok(Number(at20) > 0, `requests completed by 20 s: ${at20}`);
  assert.ok(Number(at40) > Number(at20), `more by 40 s: ${at20} → ${at40}`);
  assert.equal(await seek(page, 20), at20, 'back to 20 s: the same figures');
  assert.equal(await seek(page, 40), at40, 'again 40 s: the same figures');
  await screenshot(page, 'workshop-scrub-40');

  await page.getByTestId('lesson-close').click();
  await page.getByTestId('lesson-panel').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('offline: once cached, the app, a lesson and a shared design open without a network', async () => {
  const server = await serveDist();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(watchPage);
  const errors = [];
  const watch = (p) => {
    p.on('console', (msg) => {
      if (msg.type() === 'error') errors.push({ text: msg.text(), url: msg.location()?.url ?? '' });
    });
    p.on('pageerror', (err) => errors.push({ text: `${err.name}: ${err.message}`, url: '' }));
    return p;
  };
  let page = watch(await context.newPage());
  try {
    await page.goto(`${server.url}/`);
    await ready(page);
    await page.getByTestId('offline-ready').waitFor({ timeout: 30_000 });

    // A design to share (made while online), then other work on top of it.
    await openExample(page, 'retry-storm');
    await page.getByTestId('node-mobile-app').waitFor();
    const link = await shareLink(page);
    assert.match(link, /#\d+\./);
    const sharedAddress = await page.evaluate(() => location.hash);
    await afterSave(page, async () => {
      await openExample(page, 'basic');
      await page.getByTestId('node-lb').waitFor();
    });
    // The address follows the open design a moment after it changes: a reload before that
    // would open the address's design (the shared one) as a fresh link, on a busy machine.
    await page.waitForFunction((h) => location.hash.length > 1 && location.hash !== h, sharedAddress);

    // The network goes away: the server is gone and the browser is offline.
    await server.close();
    await context.setOffline(true);

    await page.reload();
    await ready(page);
    await page.getByTestId('node-lb').waitFor();
    // The engine's Web Worker came from the cache too: a step ran there, not in the page's
    // fallback host (which takes over only when the worker's files fail to load).
    await page.getByTestId('step').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.simTime) >= 1);
    assert.equal(await page.evaluate(() => window.scaleboardEngine.host()), 'worker');
    await screenshot(page, 'workshop-offline-reloaded');

    // A lesson link, loaded afresh in a new tab. (A hash change and a reload in this tab raced
    // the app writing its own address 300 ms after the change: a late reload reopened this
    // tab's document, not the link's.)
    await page.close();
    page = watch(await context.newPage());
    await page.goto(`${server.url}/#lesson=${LESSON_ID}&step=2`);
    await ready(page);
    await panelAt(page, 1);
    assert.ok((await page.getByTestId('lesson-text').innerText()).trim().length > 0);
    await page.getByTestId('lesson-goals').getByTestId('goal').first().waitFor();
    await screenshot(page, 'workshop-offline-lesson');

    // A shared design link, loaded afresh in a new tab (the lesson's tab closed first): a hash
    // change inside the lesson's page raced the lesson writing its own address back, so a
    // reload sometimes reopened the lesson instead of the link.
    await page.close();
    page = watch(await context.newPage());
    await page.goto(link);
    await ready(page);
    await page.getByTestId('node-mobile-app').waitFor();
    await screenshot(page, 'workshop-offline-shared');
  } finally {
    await server.close().catch(() => {});
  }
  // The browser's own failed update check of the service worker script is not the app's.
  const unexpected = errors.filter((e) => !/sw\.js/.test(e.url) && !/sw\.js/.test(e.text)).map((e) => e.text);
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('a lesson on a phone: the step above the diagram upright, beside it on its side', async () => {
  for (const [width, height, name] of [[390, 844, 'portrait'], [844, 390, 'landscape']]) {
    const { context, page, errors } = await openStep(0, { viewport: { width, height }, touch: true });
    const panel = await page.getByTestId('lesson-panel').boundingBox();
    const canvas = await page.getByTestId('canvas').boundingBox();
    assert.ok(panel && panel.width >= 300 && panel.height >= 120, `${name}: the lesson text has room (${JSON.stringify(panel)})`);
    assert.ok(canvas.width >= 300 && canvas.height >= (name === 'portrait' ? 300 : 200), `${name}: canvas ${canvas.width}×${canvas.height}`);
    const overlap = panel.x < canvas.x + canvas.width && canvas.x < panel.x + panel.width &&
      panel.y < canvas.y + canvas.height && canvas.y < panel.y + panel.height;
    assert.ok(!overlap, `${name}: the lesson and the canvas do not cover each other`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: no sideways scrolling`);
    await page.getByTestId('lesson-presenter').click();
    await page.waitForSelector('[data-testid="app"][data-presenter="true"]');
    assert.ok(await page.getByTestId('presenter-overlay').isVisible(), `${name}: presenter mode shows the step`);
    await screenshot(page, `workshop-phone-${name}-presenter`);
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the lessons are not in the first screen: fetched once the app runs; when they fail the dialog says so in both languages, and Try again brings them', async () => {
  // (No service worker here: its own fetches would pass by the route below. The offline test
  // above covers the lessons kept by it.)
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'dark', serviceWorkers: 'block',
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  // Every lesson request is remembered with whether the app was ready when it left, and
  // refused while `refuse` holds (a network that drops them).
  const asked = [];
  let refuse = true;
  await context.route('**/lessons/*.json', async (route) => {
    const appReady = await page.evaluate(() => document.querySelector('[data-testid="app"]')?.dataset.ready === 'true').catch(() => false);
    asked.push({ url: route.request().url(), appReady });
    if (refuse) await route.abort('internetdisconnected');
    else await route.continue();
  });
  await page.goto(`${BASE_URL}/`);
  await ready(page);
  // The first screen works without a lesson (a click places a server); the dialog asks for them.
  const nodes = page.locator('[data-testid^="node-"][data-node]');
  const before = await nodes.count();
  await page.getByTestId('palette-server').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="node-"][data-node]').length > n, before);
  const placed = await nodes.count();
  await page.getByTestId('lessons').click();
  await page.getByTestId('lessons-dialog').waitFor();
  const failed = page.getByTestId('lessons-failed');
  await failed.waitFor();
  assert.match(await failed.innerText(), /lessons could not be loaded \(\S+\.json: no connection\)/);
  assert.ok(asked.length > 0 && asked.every((a) => a.appReady), `every lesson request came after the app was ready: ${JSON.stringify(asked.slice(0, 3))}`);
  await screenshot(page, 'workshop-lessons-failed');
  await page.getByTestId('lessons-close').click();
  await page.getByTestId('lessons-dialog').waitFor({ state: 'hidden' });

  // In Korean too, and the design on the canvas is untouched meanwhile.
  await page.getByTestId('lang-toggle').click();
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await page.getByTestId('lessons').click();
  await failed.waitFor();
  assert.match(await failed.innerText(), /레슨을 불러오지 못했습니다\(\S+\.json: 연결 없음\)/);
  await screenshot(page, 'workshop-lessons-failed-ko');
  assert.equal(await nodes.count(), placed, 'the design on the canvas is untouched');

  // The network is back: Try again lists every lesson file's lesson.
  refuse = false;
  await page.getByTestId('lessons-retry').click();
  await page.getByTestId(`lesson-${LESSON_ID}`).waitFor();
  const files = (await readdir(path.join(root, 'lessons'))).filter((f) => f.endsWith('.json'));
  assert.equal(await page.locator('[data-testid^="lesson-"].lesson-entry').count(), files.length);
  assert.equal(await failed.count(), 0);
  await page.getByTestId(`lesson-${LESSON_ID}`).click();
  await panelAt(page, 0);
  assert.ok(errors.every((e) => /Failed to load resource|ERR_INTERNET_DISCONNECTED|lessons\//.test(e)), `only the refused requests: ${errors}`);
  await context.close();
});
