// Accessibility: axe-core finds no serious or critical violations on the main screens, in both
// themes where it matters (contrast).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launch, openApp, waitSimTime, animationsDone } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Runs axe with `context` (default: the whole document) and `options`, and returns the serious
/// and critical violations with the offending nodes.
async function serious(page, context = null, options = {}) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: AXE });
  }
  return page.evaluate(
    async ({ context, options }) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(context ?? document, { ...options, resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes
            .slice(0, 6)
            .map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').split('\n').slice(1, 2).join(' ').trim()}`),
        }));
    },
    { context, options },
  );
}

/// The whole page, every rule.
async function seriousOnPage(page) {
  return serious(page, null, {});
}

function report(violations) {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

async function setTheme(page, theme) {
  const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  if (now !== theme) await page.getByTestId('theme-toggle').click();
  await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme);
  // The buttons fade to the new colours (0.12 s): judge contrast once they are there, not
  // half-way (axe once read a button's text and background mid-fade).
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

for (const theme of ['dark', 'light']) {
  test(`axe: the empty app, ${theme} theme`, async () => {
    const { context, page, errors } = await openApp(browser);
    await setTheme(page, theme);
    const v = await seriousOnPage(page);
    assert.deepEqual(v, [], report(v));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`axe: a running example (basic), ${theme} theme`, async () => {
    const { context, page, errors } = await openApp(browser);
    await setTheme(page, theme);
    await page.getByTestId('example-basic').click();
    // The example arrives from the document store a moment later: Play before it would meet
    // the empty canvas (and its problems).
    await page.getByTestId('node-users').waitFor();
    await page.getByTestId('play').click();
    await waitSimTime(page, 2);
    await page.getByTestId('play').click(); // pause: a still page for axe
    await page.waitForSelector('[data-testid="play"][aria-pressed="false"]');
    await animationsDone(page); // the button's colour transition has finished
    const v = await seriousOnPage(page);
    assert.deepEqual(v, [], report(v));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('axe: the File dialog', async () => {
  const { context, page, errors } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  await page.getByTestId('file').click();
  await page.getByTestId('file-dialog').waitFor();
  const v = await serious(page, { include: [['[data-testid="file-dialog"]']] });
  assert.deepEqual(v, [], report(v));
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe: the Share dialog', async () => {
  const { context, page, errors } = await openApp(browser);
  await page.getByTestId('example-basic').click();
  await page.getByTestId('share').click();
  await page.getByTestId('share-dialog').waitFor();
  const v = await serious(page, { include: [['[data-testid="share-dialog"]']] });
  assert.deepEqual(v, [], report(v));
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe: the open Examples menu', async () => {
  const { context, page, errors } = await openApp(browser);
  await page.getByTestId('examples').click();
  await page.getByTestId('examples-menu').waitFor();
  const v = await seriousOnPage(page);
  assert.deepEqual(v, [], report(v));
  assert.deepEqual(errors, []);
  await context.close();
});

for (const theme of ['dark', 'light']) {
  test(`axe: the inspector's request classes, users' regions and L7 rules, ${theme} theme`, async () => {
    const { page, errors, context } = await openApp(browser);
    await setTheme(page, theme);
    for (const [slug, node, section] of [
      ['l7-path-routing', 'l7-lb', 'l7-rules'],
      ['l7-path-routing', 'shoppers', 'classes'],
      ['global-two-regions', 'users', 'user-regions'],
    ]) {
      await page.getByTestId('examples').click();
      await page.getByTestId(`examples-item-${slug}`).click();
      await page.getByTestId(`node-${node}`).click({ position: { x: 30, y: 12 } });
      await page.getByTestId(section).waitFor();
      const v = await serious(page, '[data-testid="inspector"]');
      assert.deepEqual(v, [], `${slug} ${node}:\n${report(v)}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}
