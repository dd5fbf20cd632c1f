// Caches beyond one LRU, as a learner meets them (in Korean, at 1280×720): killing one member
// of a cache cluster from its menu makes its keys miss on the other members — the hit ratio
// dips — and once revived (empty) it refills; switching a cache's eviction policy changes its
// hit ratio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, screenshot, openExample, figure, waitSimTime, nextSnapshot, waitForFigure, pause } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openInKorean(slug) {
  const opened = await openApp(browser, { viewport: { width: 1280, height: 720 } });
  const { page } = opened;
  await page.evaluate(() => localStorage.setItem('scaleboard.lang', 'ko'));
  await page.reload();
  await page.waitForSelector('[data-testid="app"][data-ready="true"][data-lang="ko"]');
  await openExample(page, slug);
  return opened;
}

async function rightClick(page, testid) {
  const box = await page.getByTestId(testid).boundingBox();
  await page.mouse.click(box.x + 40, box.y + 30, { button: 'right' });
  await page.getByTestId('context-menu').waitFor();
}

test('a cache cluster: a member killed from its menu, the hit ratio dips, then refills', async () => {
  const { page, errors, context } = await openInKorean('cache-cluster');
  // This test kills and revives the member by hand: take the example's timeline out.
  await page.getByTestId('tab-resilience').click();
  while ((await page.getByTestId('chaos-remove-0').count()) > 0) {
    await page.getByTestId('chaos-remove-0').click();
  }
  await page.getByTestId('tab-charts').click();
  // 2×: a snapshot every half simulated second, so no second of the dip goes unseen.
  await page.getByTestId('speed-select').selectOption('4');
  await page.getByTestId('play').click();
  await waitSimTime(page, 18, { timeout: 40_000 }); // warmed up
  await nextSnapshot(page, 2);
  const steady = figure(await page.getByTestId('node-cache-hit').innerText());
  assert.ok(steady > 85, `a warm cluster hits: ${steady}%`);

  await rightClick(page, 'node-cache');
  const kill = page.getByTestId('menu-kill-one');
  assert.match(await kill.innerText(), /멤버 하나 종료/);
  await kill.click();
  // Its keys move to the other three members and miss there: the hit ratio dips.
  const dip = await waitForFigure(page, 'node-cache-hit', (v) => v < steady - 5, { timeout: 20_000 });
  await page.getByTestId('node-cache-instances-down').waitFor();
  await page.getByTestId('node-cache').click();
  await page.getByTestId('live-cache-members').scrollIntoViewIfNeeded();
  const members = await page.getByTestId('live-cache-members').innerText();
  assert.match(members, /다운/, 'the killed member shows as down');
  assert.match(members, /적중 \d+/, 'the others show their hit ratio');
  await screenshot(page, 'cache-cluster-member-down');
  // The cluster's own fields: members, key placement (hashing) and ring points.
  const hashing = page.getByTestId('field-params.hashing');
  await hashing.scrollIntoViewIfNeeded();
  assert.equal(await hashing.inputValue(), 'consistent');
  assert.equal(await page.getByTestId('field-params.members').inputValue(), '4');
  await page.getByTestId('field-params.virtual_nodes').waitFor();
  await screenshot(page, 'cache-cluster-inspector');

  // Revived, it comes back empty; its keys return to it and refill: the ratio climbs back.
  await rightClick(page, 'node-cache');
  await page.getByTestId('menu-revive-0').click();
  await waitForFigure(page, 'node-cache-hit', (v) => v >= steady - 2 && v > dip + 3, { timeout: 40_000 });
  await pause(page);
  await nextSnapshot(page, 1).catch(() => {});
  await screenshot(page, 'cache-cluster-refilled');
  assert.deepEqual(errors, []);
  await context.close();
});

test('eviction policies: the same traffic, a FIFO cache switched to LFU hits more', async () => {
  const { page, errors, context } = await openInKorean('eviction-policies');
  await page.getByTestId('speed-select').selectOption('5');
  await page.getByTestId('play').click();
  await waitSimTime(page, 15, { timeout: 40_000 });
  await nextSnapshot(page, 2);
  const fifo = figure(await page.getByTestId('node-fifo-hit').innerText());
  const lfu = figure(await page.getByTestId('node-lfu-hit').innerText());
  assert.ok(lfu > fifo + 5, `LFU ${lfu}% beats FIFO ${fifo}% side by side`);
  await page.getByTestId('node-fifo').click();
  const policy = page.getByTestId('field-params.eviction');
  await policy.scrollIntoViewIfNeeded();
  await screenshot(page, 'cache-eviction-side-by-side');
  await policy.selectOption('lfu');
  await waitForFigure(page, 'node-fifo-hit', (v) => v > fifo + 5, { timeout: 30_000 });
  await pause(page);
  await screenshot(page, 'cache-eviction-switched');
  assert.deepEqual(errors, []);
  await context.close();
});
