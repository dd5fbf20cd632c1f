// What a screen-reader user hears: the polite live region (`announcer`) says, in the page's
// language, that an edit made a single point of failure, that errors rose above 5 % and fell back
// under 1 %, and that a lesson goal was met. Every text the region held is recorded as it changes
// (a later announcement replaces an earlier one, as a screen reader would have read both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launch, collectErrors, ready, BASE_URL, openExample, waitSimTime,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const LESSON_FILE = path.resolve(here, '../../lessons/01-one-server.json');
/// Indexes into the speed select's list [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 100]×.
const SPEED_2X = '4';
const SPEED_100X = '8';

/// The sentences each language must say (the app's own words, from `src/i18n/ko_access.rs`).
const SAID = {
  en: {
    spof: /^API servers is now a single point of failure/,
    rose: /^Errors rose above 5 %: \d+(\.\d+)?% of requests fail$/,
    fell: /^Errors fell back under 1 % \(\d+(\.\d+)?%\)$/,
    goal: 'Goal met: ',
  },
  ko: {
    spof: /^API 서버.*이제 단일 장애 지점\(SPOF\)입니다/,
    rose: /^오류가 5 %를 넘었습니다: 요청의 \d+(\.\d+)?%가 실패합니다$/,
    fell: /^오류가 다시 1 % 아래로 내려갔습니다 \(\d+(\.\d+)?%\)$/,
    goal: '목표 달성: ',
  },
};

let browser;
let lesson;
before(async () => {
  lesson = JSON.parse(await readFile(LESSON_FILE, 'utf8'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Runs in the page before the app: keeps every text the live region has held, in order.
function recordAnnouncements() {
  window.__said = [];
  const look = () => {
    const text = (document.querySelector('[data-testid="announcer"]')?.textContent ?? '').trim();
    if (text && window.__said[window.__said.length - 1] !== text) window.__said.push(text);
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
}

async function open(lang, hash = '') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: 'dark' });
  await context.addInitScript((lang) => localStorage.setItem('scaleboard.lang', lang), lang);
  await context.addInitScript(recordAnnouncements);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/${hash}`);
  await ready(page);
  assert.equal(await page.getByTestId('app').getAttribute('data-lang'), lang);
  return { context, page, errors };
}

const said = (page) => page.evaluate(() => window.__said);

/// Waits until the live region has said something matching `pattern` (a RegExp or a prefix).
async function heard(page, pattern, what, { timeout = 20_000 } = {}) {
  const src = pattern instanceof RegExp ? { re: pattern.source } : { prefix: pattern };
  try {
    await page.waitForFunction(
      (src) => window.__said.some((t) => (src.re ? new RegExp(src.re).test(t) : t.startsWith(src.prefix))),
      src,
      { timeout },
    );
  } catch {
    assert.fail(`${what} was never announced; the live region said: ${JSON.stringify(await said(page))}`);
  }
  return (await said(page)).find((t) => (pattern instanceof RegExp ? pattern.test(t) : t.startsWith(pattern)));
}

async function rightClick(page, testid) {
  const box = await page.getByTestId(testid).boundingBox();
  await page.mouse.click(box.x + 40, box.y + 30, { button: 'right' });
  await page.getByTestId('context-menu').waitFor();
}

for (const lang of ['en', 'ko']) {
  test(`${lang}: an edit that leaves one server is announced as a single point of failure`, async () => {
    const { context, page, errors } = await open(lang);
    await openExample(page, 'basic');
    await page.getByTestId('node-api').waitFor();
    await page.getByTestId('node-api').click({ position: { x: 30, y: 12 } });
    const field = page.getByTestId('field-params.instances');
    await field.fill('1');
    await field.press('Enter');
    await page.getByTestId('node-api-spof').waitFor();
    await heard(page, SAID[lang].spof, 'the new SPOF');
    // Opening another design is not an edit: nothing is said about its SPOFs.
    const before = (await said(page)).length;
    await openExample(page, 'lone-load-balancer');
    await page.getByTestId('node-lb-spof').waitFor();
    assert.ok(!(await said(page)).slice(before).some((t) => SAID[lang].spof.test(t) || /single point|단일 장애/.test(t)),
      `opening an example with a SPOF announces none: ${JSON.stringify((await said(page)).slice(before))}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${lang}: errors rising above 5 % and falling back under 1 % are announced, each saying which`, async () => {
    const { context, page, errors } = await open(lang);
    await openExample(page, 'health-checks');
    // This example breaks things on its own timeline; here the test breaks them by hand.
    await page.getByTestId('tab-resilience').click();
    while ((await page.getByTestId('chaos-remove-0').count()) > 0) await page.getByTestId('chaos-remove-0').click();
    await page.getByTestId('speed-select').selectOption(SPEED_2X);
    await page.getByTestId('play').click();
    await waitSimTime(page, 3);
    assert.ok(!(await said(page)).some((t) => SAID[lang].rose.test(t)), 'no errors yet, nothing said about them');
    // One instance of three dies: a third of the requests fail until the balancer's probes
    // take it out of rotation, then none.
    await rightClick(page, 'node-api');
    await page.getByTestId('menu-kill-one').click();
    const rose = await heard(page, SAID[lang].rose, 'the error rate rising above 5 %');
    const fell = await heard(page, SAID[lang].fell, 'the error rate falling back under 1 %', { timeout: 30_000 });
    const all = await said(page);
    assert.ok(all.indexOf(rose) < all.indexOf(fell), `rise before fall: ${JSON.stringify(all)}`);
    const share = parseFloat(/(\d+(?:\.\d+)?)%/.exec(rose)[1]);
    assert.ok(share >= 5, `the rise names a share of at least 5 %: ${rose}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${lang}: a lesson goal met is announced with the goal's words`, async () => {
    // A step without a question before Play, whose reference solution meets every goal.
    const i = lesson.steps.findIndex((s) => !s.prediction && s.solution && s.goals?.length);
    assert.ok(i >= 0, 'lesson 1 has a step without a prediction and with a solution');
    const { context, page, errors } = await open(lang, `#lesson=${lesson.id}&step=${i + 1}`);
    await page.waitForSelector(`[data-testid="lesson-panel"][data-step="${i + 1}"]`);
    await page.getByTestId('lesson-solution').click();
    await page.getByTestId('speed-select').selectOption(SPEED_100X);
    await page.getByTestId('play').click();
    const goal = await heard(page, SAID[lang].goal, 'a goal met', { timeout: 30_000 });
    const labels = lesson.steps[i].goals.map((g) => g.label[lang]);
    assert.ok(labels.some((l) => goal === `${SAID[lang].goal}${l}`), `"${goal}" names one of ${JSON.stringify(labels)}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="lesson-goals"] [data-testid="goal"][data-status="met"]') !== null,
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
}
