// First look: the page loads without errors and shows the whole shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the app loads with no console errors and shows palette, canvas, inspector and play', async () => {
  const { page, errors, context } = await openApp(browser);
  for (const id of ['palette', 'canvas', 'inspector', 'play', 'canvas-hint']) {
    assert.ok(await page.getByTestId(id).isVisible(), `${id} should be visible`);
  }
  for (const kind of ['client', 'load_balancer', 'server', 'cache', 'database', 'shard_router']) {
    assert.ok(await page.getByTestId(`palette-${kind}`).isVisible(), `palette lists ${kind}`);
  }
  assert.match(await page.locator('header').innerText(), /Scaleboard/);

  await screenshot(page, 'smoke-shell');

  // Play on an empty canvas explains what is missing instead of running nothing.
  const play = page.getByTestId('play');
  await play.click();
  assert.match(await page.getByTestId('toast').innerText(), /Fix the problems/);
  assert.match(await page.getByTestId('problems').innerText(), /empty/);
  assert.match(await play.innerText(), /Play/);

  // With a diagram, the play button toggles between Play and Pause.
  await page.getByTestId('example-basic').click();
  await play.click();
  assert.match(await play.innerText(), /Pause/);
  await play.click();
  assert.match(await play.innerText(), /Play/);
  assert.deepEqual(errors, [], 'no console errors or panics');
  await context.close();
});
