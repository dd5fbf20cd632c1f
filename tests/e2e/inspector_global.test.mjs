// Going global without editing JSON: a client's request classes, where its users are, and an
// L7 balancer's routing rules, all edited in the inspector — each edit checked by the engine
// (a refused value shows why), undoable, and visible in the run that follows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, openExample, simTime, waitSimTime, pause } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const runUntil = (page, seconds) => waitSimTime(page, seconds, { timeout: 60_000 });

async function play(page) {
  if ((await page.getByTestId('play').getAttribute('aria-pressed')) !== 'true') await page.getByTestId('play').click();
}

/// A new document starts again from t = 0 (the previous one may have run on).
async function freshRun(page) {
  await page.waitForFunction(
    () => parseFloat(document.querySelector('[data-testid="kpis"]')?.dataset.simTime ?? '0') < 1,
  );
}

const rate = (page, edge) =>
  page.evaluate((e) => parseFloat(document.querySelector(`[data-testid="edge-${e}"]`)?.dataset.rate ?? 'NaN'), edge);

const prefixes = (page) =>
  page.$$eval('[data-testid^="rule-row-"]', (els) => els.map((e) => e.dataset.pathPrefix));

const part = (page, id) => page.getByTestId(id).getAttribute('data-part').then(Number);

/// Selects node `id` on the canvas (by its title bar, away from the ports).
async function select(page, id) {
  await page.getByTestId(`node-${id}`).click({ position: { x: 30, y: 12 } });
  await page.waitForFunction((id) => document.querySelector('[data-testid="node-id"]')?.textContent.trim() === id, id);
}

/// Types `text` into field `path` and commits it with Enter.
async function type(page, path, text) {
  const field = page.getByTestId(`field-${path}`);
  await field.fill(text);
  await field.press('Enter');
}

/// No part of the inspector sticks out sideways.
async function assertFits(page, where) {
  const over = await page.evaluate(() => {
    const insp = document.querySelector('[data-testid="inspector"]');
    const box = insp.getBoundingClientRect();
    return [...insp.querySelectorAll('input, select, button, label, p, output')]
      .filter((e) => e.getClientRects().length > 0)
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.right > box.right + 1 || r.left < box.left - 1;
      })
      .map((e) => `${e.tagName} ${e.dataset.testid ?? e.textContent.trim().slice(0, 40)}`);
  });
  assert.deepEqual(over, [], `${where}: inside the inspector`);
}

test('L7 rules: a refused edit says why, order is undoable, and a removed rule makes its requests fail as no route', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'l7-path-routing');
  await freshRun(page);
  await select(page, 'l7-lb');
  assert.deepEqual(await prefixes(page), ['/static', '/api/orders', '/api'], 'the example’s rules, in order');
  assert.match(await page.getByTestId('l7-rules-no-route').innerText(), /404/, 'the hint says unmatched requests fail');
  // Each rule's targets are the balancer's backends, by label, the rule's own checked.
  assert.equal(await page.getByTestId('field-params.rules[0].targets.static').isChecked(), true);
  assert.equal(await page.getByTestId('field-params.rules[0].targets.search').isChecked(), false);
  await page.getByTestId('l7-rules').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-l7-rules');

  // A rule without targets is refused, with the engine's reason; the box stays checked.
  await page.getByTestId('field-params.rules[0].targets.static').click();
  await page.getByTestId('error-params.rules[0].targets.static').waitFor();
  assert.match(await page.getByTestId('error-params.rules[0].targets.static').innerText(), /at least one target/);
  assert.equal(await page.getByTestId('field-params.rules[0].targets.static').isChecked(), true);
  // A prefix must be a path.
  await type(page, 'params.rules[2].path_prefix', 'api');
  assert.match(await page.getByTestId('error-params.rules[2].path_prefix').innerText(), /starting with '\/'/);
  await page.getByTestId('field-params.rules[2].path_prefix').press('Escape');

  // Moving a rule is one undo step.
  await page.getByTestId('action-rule-down-1').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="rule-row-1"]')?.dataset.pathPrefix === '/api');
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="rule-row-1"]')?.dataset.pathPrefix === '/api/orders');

  // Remove the rule for /static: the static class (half the shoppers' requests) has no route.
  await page.getByTestId('action-rule-remove-0').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="rule-row-"]').length === 2);
  assert.deepEqual(await prefixes(page), ['/api/orders', '/api']);
  await page.getByTestId('speed-select').selectOption('7');
  await play(page);
  await runUntil(page, 10);
  await pause(page);
  await page.getByTestId('tab-log').click();
  assert.match(await page.getByTestId('event-log').innerText(), /found no routing rule for some requests \(404\)/,
    'the log says the balancer found no route');
  const errorRate = parseFloat(await page.getByTestId('metric-error-rate').innerText());
  assert.ok(errorRate > 15, `a quarter of all requests (the shoppers' statics) fail: ${errorRate} %`);

  // A catch-all rule at the end, to every backend, routes them again.
  await page.getByTestId('action-rule-add').click();
  await page.getByTestId('rule-row-2').waitFor();
  assert.equal(await page.getByTestId('rule-row-2').getAttribute('data-path-prefix'), '/');
  for (const t of ['static', 'search', 'orders']) {
    assert.equal(await page.getByTestId(`field-params.rules[2].targets.${t}`).isChecked(), true, `${t} is a target`);
  }
  await page.getByTestId('rule-row-2').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-l7-rules-edited');
  assert.deepEqual(errors, []);
  await context.close();
});

test('request classes: add, edit and remove a class, and see each class’s part of the requests', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'l7-path-routing');
  await select(page, 'shoppers');
  assert.equal(await page.locator('[data-testid^="class-row-"]').count(), 3);
  assert.equal(await part(page, 'class-part-0'), 50);
  assert.match(await page.getByTestId('class-part-2').innerText(), /15 % of requests, write/, 'POST is a write');

  // A fourth class takes a tenth: every part is now divided by 110 %.
  await page.getByTestId('action-class-add').click();
  await page.getByTestId('class-row-3').waitFor();
  assert.equal(await page.getByTestId('field-params.classes[3].name').inputValue(), 'class-1');
  assert.equal(await page.getByTestId('field-params.classes[3].share').inputValue(), '10');
  await page.waitForFunction(() => document.querySelector('[data-testid="class-part-0"]')?.dataset.part === '45.5');
  assert.match(await page.getByTestId('note-class-shares').innerText(), /110 %/);

  // The engine's refusals show under the field: a duplicate name, a path without '/'.
  await type(page, 'params.classes[3].name', 'static');
  assert.match(await page.getByTestId('error-params.classes[3].name').innerText(), /another class of this client is called 'static'/i);
  await type(page, 'params.classes[3].name', 'checkout');
  await page.getByTestId('error-params.classes[3].name').waitFor({ state: 'detached' });
  await type(page, 'params.classes[3].path', 'cart');
  assert.match(await page.getByTestId('error-params.classes[3].path').innerText(), /starting with '\/'/);
  await type(page, 'params.classes[3].path', '/api/cart');
  await page.getByTestId('field-params.classes[3].method').selectOption('PUT');
  await page.waitForFunction(() => /write/.test(document.querySelector('[data-testid="class-part-3"]')?.textContent ?? ''));
  // The method's read/write can be overridden: an idempotent PUT that only reads.
  assert.match(await page.getByTestId('field-params.classes[3].write').innerText(), /As its method says \(PUT: write\)/);
  await page.getByTestId('field-params.classes[3].write').selectOption('read');
  await page.waitForFunction(() => /read$/.test(document.querySelector('[data-testid="class-part-3"]')?.textContent.trim() ?? ''));
  await page.getByTestId('field-params.classes[3].cacheable').waitFor();
  await type(page, 'params.classes[3].share', '20');
  await page.waitForFunction(() => document.querySelector('[data-testid="class-part-3"]')?.dataset.part === '16.7');
  await type(page, 'params.classes[3].cost', '-1');
  await page.getByTestId('error-params.classes[3].cost').waitFor();
  await page.getByTestId('field-params.classes[3].cost').press('Escape');
  await page.getByTestId('class-row-3').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-classes');

  // Every share 0 is refused: some class must be sent.
  for (const i of [0, 1, 2]) await type(page, `params.classes[${i}].share`, '0');
  await type(page, 'params.classes[3].share', '0');
  assert.match(await page.getByTestId('error-params.classes[3].share').innerText(), /add up to 0/);
  await page.getByTestId('field-params.classes[3].share').press('Escape');

  // Each edit was one undo step; removing a class is one too.
  for (let i = 0; i < 3; i++) await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="class-part-3"]')?.dataset.part === '16.7');
  await page.getByTestId('action-class-remove-3').click();
  await page.getByTestId('class-row-3').waitFor({ state: 'detached' });
  assert.equal(await part(page, 'class-part-0'), 50);
  await page.getByTestId('undo').click();
  await page.getByTestId('class-row-3').waitFor();

  // A client without classes explains its one implicit class.
  await openExample(page, 'global-two-regions');
  await select(page, 'users');
  const implicit = await page.getByTestId('classes-implicit').innerText();
  assert.match(implicit, /GET \//);
  assert.match(implicit, /90 %/, 'reads follow the read share');
  assert.deepEqual(errors, []);
  await context.close();
});

test('users spread over two regions: each region gets its share of the traffic', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await openExample(page, 'global-two-regions');
  await freshRun(page);
  await select(page, 'users');
  assert.equal(await part(page, 'user-region-part-0'), 60);
  assert.equal(await part(page, 'user-region-part-1'), 40);
  assert.equal(await page.getByTestId('field-params.regions[1].region').inputValue(), 'eu-west');

  // Everyone in us-east: Europe's balancer gets nothing. (All of this happens before the
  // example's timeline kills Europe at 30 s, at 5×.)
  await page.getByTestId('action-user-region-remove-1').click();
  await page.getByTestId('user-region-row-1').waitFor({ state: 'detached' });
  assert.equal(await part(page, 'user-region-part-0'), 100);
  await page.getByTestId('speed-select').selectOption('5');
  await play(page);
  await runUntil(page, 4);
  assert.equal(await rate(page, 'gtm→lb-eu'), 0, 'no user is in Europe');
  assert.ok((await rate(page, 'gtm→lb-us')) > 300, 'all users go to us-east');

  // Add the European users back while it runs: the new row takes the rest, 40 %.
  await page.getByTestId('action-user-region-add').click();
  await page.getByTestId('user-region-row-1').waitFor();
  assert.equal(await page.getByTestId('field-params.regions[1].region').inputValue(), 'eu-west');
  assert.equal(await page.getByTestId('field-params.regions[1].share').inputValue(), '40');
  // A share of 0 is refused (leave the region out instead).
  await type(page, 'params.regions[1].share', '0');
  await page.getByTestId('error-params.regions[1].share').waitFor();
  await page.getByTestId('field-params.regions[1].share').press('Escape');
  await page.waitForFunction(
    () => parseFloat(document.querySelector('[data-testid="edge-gtm→lb-eu"]')?.dataset.rate ?? '0') > 50,
    null,
    { timeout: 30_000 },
  );
  await pause(page);
  assert.ok((await simTime(page)) < 30, 'before the example kills Europe');
  const us = await rate(page, 'gtm→lb-us');
  const eu = await rate(page, 'gtm→lb-eu');
  assert.ok(us > eu && eu > 50, `both regions get traffic, us-east more: ${us} vs ${eu}`);
  await page.getByTestId('user-regions').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-user-regions');
  await assertFits(page, '1280×720 users');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const lang of ['en', 'ko']) {
  test(`390×844 phone, ${lang}: the new sections fit the inspector sheet`, async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true, colorScheme: 'dark',
    });
    await context.addInitScript((l) => localStorage.setItem('scaleboard.lang', l), lang);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${process.env.SCALEBOARD_URL ?? 'http://127.0.0.1:8080'}/`);
    await page.waitForSelector('[data-testid="app"][data-ready="true"]', { timeout: 20_000 });
    assert.equal(await page.getByTestId('app').getAttribute('data-lang'), lang);
    for (const [slug, node, section, shot] of [
      ['l7-path-routing', 'l7-lb', 'l7-rules', 'rules'],
      ['l7-path-routing', 'shoppers', 'classes', 'classes'],
      ['global-two-regions', 'users', 'user-regions', 'user-regions'],
    ]) {
      await openExample(page, slug);
      await page.getByTestId(`node-${node}`).tap({ position: { x: 30, y: 12 } });
      if (!(await page.getByTestId('inspector').isVisible())) await page.getByTestId('sheet-inspector').tap();
      await page.getByTestId(section).scrollIntoViewIfNeeded();
      await assertFits(page, `390×844 ${lang} ${node}`);
      await screenshot(page, `inspector-390x844-${lang}-${shot}`);
      if (await page.getByTestId('inspector').isVisible()) await page.getByTestId('sheet-inspector').tap();
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('1280×720 in Korean: the rules and classes read in Korean', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  await page.evaluate(() => localStorage.setItem('scaleboard.lang', 'ko'));
  await page.reload();
  await page.waitForSelector('[data-testid="app"][data-ready="true"][data-lang="ko"]');
  await openExample(page, 'l7-path-routing');
  await select(page, 'l7-lb');
  assert.match(await page.getByTestId('l7-rules').innerText(), /라우팅 규칙 추가/);
  await page.getByTestId('l7-rules').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-ko-l7-rules');
  await select(page, 'shoppers');
  assert.match(await page.getByTestId('class-part-0').innerText(), /요청의 50%/);
  await page.getByTestId('classes').scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-ko-classes');
  assert.deepEqual(errors, []);
  await context.close();
});
