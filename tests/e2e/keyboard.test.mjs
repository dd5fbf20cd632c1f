// With the keyboard alone: add a client, a balancer and two servers, connect them, run, kill a
// server from the node menu, open Share and copy the link. Nothing here touches the mouse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, frames } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// What has the focus: its test id, or the node id for a node card.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el?.dataset?.node ? `node:${el.dataset.node}` : (el?.dataset?.testid ?? el?.tagName ?? '');
});

/// Presses Tab until one of `wants` (as `focused` names them) has the focus; returns it.
async function tabTo(page, wants, limit = 120) {
  const list = [wants].flat();
  for (let i = 0; i < limit; i++) {
    const now = await focused(page);
    if (list.includes(now)) return now;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${list.join(' or ')} (now on ${await focused(page)})`);
}

/// Connects `from` to `to`: focus the card, C, then arrows down the list to the target, Enter.
async function connect(page, from, to) {
  await tabTo(page, `node:${from}`);
  await page.keyboard.press('c');
  await page.getByTestId('connect-picker').waitFor();
  for (let i = 0; i < 12 && (await focused(page)) !== `connect-to-${to}`; i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await focused(page), `connect-to-${to}`);
  await page.keyboard.press('Enter');
  await page.getByTestId('connect-picker').waitFor({ state: 'detached' });
  await page.getByTestId(`edge-${from}→${to}`).waitFor({ state: 'attached' });
}

test('build, connect, run, kill a server and share a link with the keyboard alone', async () => {
  const { context, page, errors } = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  // Examples open from a menu: arrows open it and move between items, letters do nothing,
  // Escape closes it and gives the focus back; nothing loads until an item is chosen.
  await tabTo(page, 'examples');
  await page.keyboard.press('p');
  assert.equal(await page.getByTestId('examples-menu').count(), 0, 'a letter does not open the menu');
  await page.keyboard.press('ArrowDown');
  await page.getByTestId('examples-menu').waitFor();
  assert.equal(await page.getByTestId('examples').getAttribute('aria-expanded'), 'true');
  // The menu moves the focus once it is drawn (after the frame that shows it): give it time.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'examples-item-basic',
    null, { timeout: 5_000 }).catch(() => {});
  assert.equal(await focused(page), 'examples-item-basic', 'the first example takes the focus');
  for (const key of ['ArrowDown', 'ArrowDown', 'End']) await page.keyboard.press(key);
  assert.match(await focused(page), /^examples-item-/);
  assert.notEqual(await focused(page), 'examples-item-basic', 'arrows move between examples');
  await page.keyboard.press('Escape');
  await page.getByTestId('examples-menu').waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'examples', 'Escape returns the focus to the button');
  await frames(page, 10); // time for a load to show, had one started
  assert.equal(await page.locator('[data-testid^="node-"][data-node]').count(), 0, 'nothing loaded');

  // Palette items are buttons: Enter adds the component near the middle, each on a free spot.
  for (const [item, id] of [['palette-client', 'client-1'], ['palette-load_balancer', 'lb-1'],
    ['palette-server', 'server-1'], ['palette-server', 'server-2']]) {
    await tabTo(page, item);
    await page.keyboard.press('Enter');
    await page.getByTestId(`node-${id}`).waitFor();
  }
  // No card hides another.
  const boxes = await page.$$eval('[data-testid^="node-"][data-node]', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      assert.ok(!overlap, `cards ${i} and ${j} overlap`);
    }
  }
  // A card says what it is.
  const name = await page.getByTestId('node-server-1').getAttribute('aria-label');
  assert.match(name, /Server 1, Server/);

  // Arrow keys move the focused card (and select it).
  const before = await page.getByTestId('node-lb-1').boundingBox();
  await tabTo(page, 'node:lb-1');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((y) => document.querySelector('[data-testid="node-lb-1"]').getBoundingClientRect().y < y - 5, before.y);

  await connect(page, 'client-1', 'lb-1');
  await connect(page, 'lb-1', 'server-1');
  await connect(page, 'lb-1', 'server-2');

  // Run: P plays (the focus is on the page, not in a field).
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('[data-testid="play"]').getAttribute('aria-pressed') === 'true');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpis"]')?.dataset.completed) > 100);

  // The node menu from the keyboard (Shift+F10), first item focused: Kill.
  await tabTo(page, 'node:server-1');
  await page.keyboard.press('Shift+F10');
  await page.getByTestId('context-menu').waitFor();
  assert.equal(await focused(page), 'menu-kill');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="node-server-1"]')?.dataset.health === 'is-down');
  // …and a screen reader hears about it.
  await page.waitForFunction(() => /down|dead|kill|종료/i.test(document.querySelector('[data-testid="announcer"]').textContent));
  await screenshot(page, 'keyboard-built-and-killed');

  // Share, then Copy link: Enter on focused buttons.
  // On a narrower screen Share may sit in the toolbar's overflow menu ("more").
  const viaMore = (await tabTo(page, ['share', 'more'], 200)) === 'more';
  if (viaMore) {
    await page.keyboard.press('Enter');
    await tabTo(page, 'share', 30);
  }
  await page.keyboard.press('Enter');
  await page.getByTestId('share-dialog').waitFor();
  await tabTo(page, 'share-copy', 30);
  await page.keyboard.press('Enter');
  await page.getByTestId('toast').filter({ hasText: /copied/i }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /#\d+\.[A-Za-z0-9_-]+$/);
  await screenshot(page, 'keyboard-share');
  // Escape closes the dialog and gives the focus back to the Share button.
  await page.keyboard.press('Escape');
  await page.getByTestId('share-dialog').waitFor({ state: 'detached' });
  if (!viaMore) assert.equal(await focused(page), 'share', 'the focus is back where it was');
  assert.deepEqual(errors, []);
  await context.close();
});
