// Keeping work in the browser's document store (IndexedDB): an edit survives closing the tab at
// once, big designs and their undo history survive a reload, links and examples never replace
// earlier work, two tabs on one document lose nothing, a full disk still leaves a way out, a
// damaged record is set aside, and an oversized file is refused without freezing the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, newPage, ready, screenshot, afterSave, toastsSeen, docId, nodeIds,
  waitNodeCount, shortcut, openFileDialog, closeFileDialog, recentDocs, recentEntry, openRecent,
  download, tempFile, shareLink, collectErrors, watchPage, BASE_URL, openExample, frames,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const open = (opts = {}) => openApp(browser, { monitor: true, ...opts });

/// Picks an example from the toolbar and waits until it is saved.
async function example(page, slug, firstNode) {
  await afterSave(page, async () => {
    await openExample(page, slug);
    await page.getByTestId(`node-${firstNode}`).waitFor();
  });
}

/// Selects node `id` and deletes it, waiting for the save.
async function deleteNode(page, id) {
  await afterSave(page, async () => {
    await page.getByTestId(`node-${id}`).click();
    await shortcut(page, 'Delete');
    await page.getByTestId(`node-${id}`).waitFor({ state: 'detached' });
  });
}

/// Closes a tab the way a user does (beforeunload, pagehide and unload all run), accepting a
/// "leave the page?" prompt if the app shows one, and waits until it is gone.
async function closeLikeAUser(page) {
  page.on('dialog', (d) => d.accept().catch(() => {}));
  const closed = new Promise((resolve) => page.once('close', resolve));
  await page.close({ runBeforeUnload: true });
  let timer;
  await Promise.race([
    closed,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the tab did not close')), 10_000); }),
  ]).finally(() => clearTimeout(timer));
}

test('an edit survives closing the tab at once', async () => {
  const { context, page, errors } = await open();
  await example(page, 'basic', 'lb');
  const id = await docId(page);
  await page.getByTestId('node-lb').click();
  await shortcut(page, 'Delete');
  await page.getByTestId('node-lb').waitFor({ state: 'detached', timeout: 1_000 }); // on screen at once
  // Closed as soon as the deletion shows, before the autosave could have run.
  await closeLikeAUser(page);

  // A new tab with no link opens the most recently edited document.
  const { page: again } = await newPage(context, { errors });
  await again.getByTestId('node-api').waitFor();
  assert.equal(await again.getByTestId('node-lb').count(), 0, 'the deletion was not lost');
  assert.equal(await docId(again), id);
  await screenshot(again, 'persist-closed-at-once');
  assert.deepEqual(errors, []);
  await context.close();
});

/// 200 clients, each calling its own server: 400 valid nodes with 1000-character labels, on a
/// 20 × 20 grid.
function bigDiagram() {
  const nodes = [];
  const edges = [];
  for (let k = 0; k < 200; k++) {
    const row = Math.floor(k / 10);
    const x = (k % 10) * 2 * 240;
    const y = row * 120;
    nodes.push({ id: `c${k + 1}`, kind: 'client', label: 'x'.repeat(1000), x, y });
    nodes.push({ id: `s${k + 1}`, kind: 'server', label: 'y'.repeat(1000), x: x + 240, y });
    edges.push({ from: `c${k + 1}`, to: `s${k + 1}` });
  }
  return { version: 1, name: 'Big', nodes, edges };
}

test('a 400-node design keeps an edit and its undo history across a reload', async () => {
  const { context, page, errors } = await open({ viewport: { width: 1920, height: 1080 } });
  const file = await tempFile('big.json', JSON.stringify(bigDiagram()));
  await openFileDialog(page);
  await afterSave(page, async () => {
    await page.getByTestId('import-file').setInputFiles(file);
    await waitNodeCount(page, 400, { timeout: 30_000 });
  }, { timeout: 30_000 });
  await closeFileDialog(page);
  // Fit the grid to the screen; c106 sits in its middle.
  await page.getByTestId('fit').click();
  await deleteNode(page, 'c106');
  await waitNodeCount(page, 399);

  await page.reload();
  await ready(page, { timeout: 30_000 });
  await waitNodeCount(page, 399, { timeout: 30_000 });
  assert.equal(await page.getByTestId('node-c106').count(), 0);
  // Undo still knows the deletion after the reload.
  await shortcut(page, 'Control+z');
  await waitNodeCount(page, 400, { timeout: 30_000 });
  await page.getByTestId('node-c106').waitFor();
  await screenshot(page, 'persist-big-undo-after-reload');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a link or an example opened over own work leaves that work in Recent designs', async () => {
  // A link to another design, made in another browser.
  const other = await openApp(browser);
  await openExample(other.page, 'retry-storm');
  await other.page.getByTestId('node-mobile-app').waitFor();
  const link = await shareLink(other.page);
  assert.match(link, /#\d+\./);
  assert.deepEqual(other.errors, []);
  await other.context.close();

  // Own work: the basic example without its load balancer.
  const { context, page: a, errors } = await open();
  await example(a, 'basic', 'lb');
  await deleteNode(a, 'lb');
  const work = await docId(a);

  // The link in a new tab opens the link's design as a document of its own.
  const { page: b } = await newPage(context, { hash: '#' + link.split('#')[1], errors });
  await b.getByTestId('node-mobile-app').waitFor();
  assert.equal(await b.getByTestId('node-users').count(), 0, "the link's design, not the earlier work");
  assert.notEqual(await docId(b), work, 'the link did not overwrite the earlier document');
  await openFileDialog(b);
  const entry = recentEntry(b, work);
  await entry.waitFor();
  assert.equal(await entry.getAttribute('data-nodes'), '2', 'Recent designs shows the earlier work as it was');
  assert.equal(await entry.getAttribute('data-current'), 'false');
  await screenshot(b, 'persist-recent-after-link');
  await entry.getByTestId('recent-open').click();
  await b.getByTestId('node-api').waitFor();
  await b.getByTestId('node-users').waitFor();
  assert.equal(await b.getByTestId('node-lb').count(), 0, 'the earlier work reopened intact');
  assert.equal(await docId(b), work);
  await b.close();

  // Same for an example chosen over own edits: it opens as a new document.
  await openExample(a, 'single-queue');
  await a.getByTestId('node-source').waitFor();
  await a.getByTestId('node-server').waitFor();
  assert.notEqual(await docId(a), work, 'the example did not overwrite the edited document');
  await openFileDialog(a);
  const again = recentEntry(a, work);
  await again.waitFor();
  assert.equal(await again.getAttribute('data-nodes'), '2');
  assert.equal(await again.getAttribute('data-current'), 'false');
  const docs = await recentDocs(a);
  assert.equal(docs.filter((d) => d.current).length, 1, 'exactly one entry is the open document');
  await again.getByTestId('recent-open').click();
  await a.getByTestId('node-api').waitFor();
  await a.getByTestId('node-users').waitFor();
  assert.equal(await a.getByTestId('node-lb').count(), 0);
  assert.equal(await a.getByTestId('node-source').count(), 0);
  assert.equal(await docId(a), work);
  await closeFileDialog(a);
  await screenshot(a, 'persist-recent-after-example');
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs on one document: live updates, and concurrent edits are never lost', async () => {
  // Part 1: one edit after the other. Each tab sees the other's change; nothing conflicts.
  {
    const { context, page: a, errors } = await open();
    await example(a, 'basic', 'lb');
    const id = await docId(a);
    const { page: b } = await newPage(context, { errors });
    assert.equal(await docId(b), id, 'a new tab opens the most recently edited document');
    await b.getByTestId('node-lb').waitFor();

    await deleteNode(a, 'lb');
    await b.getByTestId('node-lb').waitFor({ state: 'detached', timeout: 5_000 });
    const before = await nodeIds(b);
    assert.deepEqual(before, ['api', 'users']);
    await afterSave(b, async () => {
      await b.getByTestId('node-api').click();
      await shortcut(b, 'Control+d');
      await waitNodeCount(b, 3);
    });
    const added = (await nodeIds(b)).filter((n) => !before.includes(n));
    assert.equal(added.length, 1, `one node added: ${added}`);
    await a.getByTestId(`node-${added[0]}`).waitFor({ timeout: 5_000 }); // live in tab A too
    await screenshot(b, 'persist-two-tabs-live');
    const toasts = [...(await toastsSeen(a)), ...(await toastsSeen(b))];
    assert.ok(!toasts.some((t) => /another tab/.test(t)), `no conflict for edits in turn: ${toasts}`);
    await a.close();
    await b.close();

    const { page: c } = await newPage(context, { errors });
    await c.getByTestId('node-api').waitFor();
    assert.deepEqual(await nodeIds(c), ['api', added[0], 'users'].sort(), 'both edits are there');
    assert.equal(await docId(c), id, 'still the same document');
    assert.deepEqual(errors, []);
    await context.close();
  }

  // Part 2: both tabs delete a different node within a few milliseconds.
  {
    const { context, page: a, errors } = await open();
    await example(a, 'basic', 'lb');
    const { page: b } = await newPage(context, { errors });
    assert.equal(await docId(b), await docId(a));
    // Selecting is not an edit: select first, then delete in both tabs at once.
    await a.getByTestId('node-users').click();
    await b.getByTestId('node-api').click();
    await Promise.all([a, b].map((p) => p.evaluate(() => document.activeElement?.blur?.())));
    const [savesA, savesB] = await Promise.all([a, b].map((p) => p.evaluate(() => window.__sb.saves)));
    await Promise.all([a.keyboard.press('Delete'), b.keyboard.press('Delete')]);
    await Promise.all([
      a.getByTestId('node-users').waitFor({ state: 'detached', timeout: 1_000 }), // tab A deleted users
      b.getByTestId('node-api').waitFor({ state: 'detached', timeout: 1_000 }), // tab B deleted api
    ]);
    // Both tabs have gone through a save (or a refused one) and are at rest.
    await Promise.all([[a, savesA], [b, savesB]].map(([p, n]) => p.waitForFunction(
      (n) => (window.__sb.saves > n || window.__sb.failures > 0)
        && document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') !== 'saving',
      n,
      { timeout: 15_000 },
    )));
    // ...and stay at rest: a tab that hears of the other's save may save once more.
    for (let settled = false; !settled;) {
      const seen = await Promise.all([a, b].map((p) => p.evaluate(() => window.__sb.states.length)));
      await Promise.all([a, b].map((p) => frames(p, 30)));
      const now = await Promise.all([a, b].map((p) => p.evaluate(() => window.__sb.states.length)));
      const resting = await Promise.all([a, b].map((p) => p.evaluate(
        () => document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') !== 'saving')));
      settled = now[0] === seen[0] && now[1] === seen[1] && resting.every(Boolean);
    }
    const toasts = [...(await toastsSeen(a)), ...(await toastsSeen(b))];
    await screenshot(a, 'persist-concurrent-a');
    await screenshot(b, 'persist-concurrent-b');
    await a.close();
    await b.close();

    // Look at every document now in Recent designs.
    const { page: c } = await newPage(context, { errors });
    await openFileDialog(c);
    const entries = await recentDocs(c);
    await screenshot(c, 'persist-concurrent-recent');
    const docs = [];
    for (const e of entries) {
      await openRecent(c, e.id);
      docs.push({ ...e, ids: await nodeIds(c) });
    }
    // Every document descending from the example still has lb (nobody deleted it).
    const family = docs.filter((d) => d.ids.includes('lb'));
    const summary = JSON.stringify(docs.map(({ id, text, ids }) => ({ id, text, ids })));
    assert.ok(family.some((d) => !d.ids.includes('users')), `tab A's deletion was kept: ${summary}`);
    assert.ok(family.some((d) => !d.ids.includes('api')), `tab B's deletion was kept: ${summary}`);
    const merged = family.some((d) => !d.ids.includes('users') && !d.ids.includes('api'));
    const copy = family.some((d) => d.text.includes('(another tab)'));
    const told = toasts.some((t) => /another tab/.test(t));
    assert.ok(merged || (copy && told),
      `either one document has both deletions, or the refused save became a "(another tab)" copy and a toast said so: ${summary}; toasts: ${JSON.stringify(toasts)}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('when storage is full, the failure shows and the design can still be downloaded', async () => {
  // Chromium applies a quota override to databases opened after it: set it before the app
  // first opens its store (on a page of the same origin), as on a disk that is already full.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(watchPage);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}/not-the-app`);
  const origin = new URL(page.url()).origin;
  const cdp = await context.newCDPSession(page);
  let copy;
  try {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
    await page.goto(`${BASE_URL}/`);
    await ready(page);
    await openExample(page, 'basic');
    await page.getByTestId('node-lb').waitFor();
    // Grow the design: 3 → 48 nodes, every change another refused write.
    for (let i = 0; i < 4; i++) {
      const n = (await nodeIds(page)).length;
      await shortcut(page, 'Control+a');
      await shortcut(page, 'Control+d');
      await waitNodeCount(page, 2 * n);
    }
    await page.waitForSelector('[data-testid="save-status"][data-state="failed"]', { timeout: 15_000 });
    const banner = page.getByTestId('save-failed');
    await banner.waitFor();
    assert.ok((await banner.innerText()).trim().length > 0, 'the banner says what happened');
    await screenshot(page, 'persist-quota-failed');
    const onScreen = await nodeIds(page);
    assert.equal(onScreen.length, 48);
    copy = await download(page, page.getByTestId('download-copy'));
    assert.match(copy.name, /\.json$/);
    const doc = JSON.parse(copy.text);
    assert.equal(doc.nodes.length, onScreen.length, 'the copy has every node on screen');
    assert.deepEqual(doc.nodes.map((n) => n.id).sort(), onScreen);
    // Another edit is refused too: the save goes round again, and the banner stays.
    const attempts = await page.evaluate(() => window.__sb.states.length);
    await shortcut(page, 'Escape');
    await page.getByTestId(`node-${onScreen[0]}`).click();
    await shortcut(page, 'Delete');
    await page.waitForFunction(
      (n) => window.__sb.states.length > n
        && document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') === 'failed',
      attempts,
      { timeout: 15_000 },
    );
    assert.ok(await banner.isVisible(), 'the banner stays');
  } finally {
    // Omitting quotaSize removes the override.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
  }
  // The browser reports the refused writes; anything else (a panic above all) is a failure.
  // (The first page, outside the app, is a 404.)
  const unexpected = errors
    .filter((e) => !/status of 404/.test(e))
    .filter((e) => /panicked|RuntimeError|unreachable/i.test(e) || !/quota|indexeddb|storage/i.test(e));
  assert.deepEqual(unexpected, []);
  await context.close();

  // The downloaded copy imports into a fresh browser.
  const fresh = await open();
  const file = await tempFile('copy.json', copy.text);
  await openFileDialog(fresh.page);
  await fresh.page.getByTestId('import-file').setInputFiles(file);
  await waitNodeCount(fresh.page, 48, { timeout: 20_000 });
  assert.deepEqual(await nodeIds(fresh.page), JSON.parse(copy.text).nodes.map((n) => n.id).sort());
  await closeFileDialog(fresh.page);
  await screenshot(fresh.page, 'persist-quota-copy-imported');
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
});

test('a damaged record is set aside, the app still starts, and the record can be downloaded', async () => {
  const { context, page, errors } = await open();
  await example(page, 'basic', 'lb');
  const id = await docId(page);
  // Leave the app first (so nothing it flushes on the way out can overwrite the damage), damage
  // the record from a blank page of the same origin, then come back in the same tab.
  await page.route('**/__scaleboard_blank', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
  await page.goto(`${BASE_URL}/__scaleboard_blank`);
  const was = await page.evaluate(async (id) => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('scaleboard');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onupgradeneeded = () => req.transaction.abort(); // no such database: fails
    });
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction('docs', 'readwrite');
        const store = tx.objectStore('docs');
        let old;
        store.get(id).onsuccess = (e) => {
          old = typeof e.target.result;
          store.put('{"this is not json', id);
        };
        tx.oncomplete = () => resolve(old);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('aborted'));
      });
    } finally {
      db.close();
    }
  }, id);
  assert.equal(was, 'string', 'the document was stored in "docs" under its id, as a JSON string');

  await page.goto(`${BASE_URL}/`);
  await ready(page);
  await page.waitForFunction(
    () => (window.__sb?.toasts ?? []).some((t) => t.includes('could not be read'))
      || [...document.querySelectorAll('[data-testid="toast"]')].some((t) => t.textContent.includes('could not be read')),
    null,
    { timeout: 10_000 },
  );
  await openFileDialog(page);
  const item = page.getByTestId('quarantine').getByTestId('quarantine-item').first();
  await item.waitFor();
  assert.ok((await item.innerText()).trim().length > 0, 'the item gives a reason');
  await screenshot(page, 'persist-quarantine');
  const raw = await download(page, item.getByTestId('quarantine-download'));
  assert.ok(raw.text.includes('this is not json'), `the raw record: ${raw.text.slice(0, 200)}`);
  // (The blank page used to reach the store is a 404 of the same origin.)
  assert.deepEqual(errors.filter((e) => !/could not be read|quarantin|status of 404/i.test(e)), []);
  await context.close();
});

test('a 100,000-node file is refused with the figures, without freezing the page', async () => {
  const { context, page, errors } = await open();
  // 99,999 clients calling one server: valid but for its size, and under the 8 MiB file limit.
  const parts = [];
  for (let i = 0; i < 99_999; i++) parts.push(`{"id":"n${i}","kind":"client"}`);
  parts.push('{"id":"n99999","kind":"server"}');
  const edges = [];
  for (let i = 0; i < 99_999; i++) edges.push(`{"from":"n${i}","to":"n99999"}`);
  const json = `{"version":1,"name":"Huge","nodes":[${parts.join(',')}],"edges":[${edges.join(',')}]}`;
  assert.ok(Buffer.byteLength(json) < 8 * 1024 * 1024, `${Buffer.byteLength(json)} bytes`);
  const file = await tempFile('huge.json', json);
  const before = (await nodeIds(page)).length;

  await openFileDialog(page);
  await page.evaluate(() => {
    window.__maxGap = 0;
    window.__frames = 0;
    window.__progressSeen = false;
    window.__stopFrames = false;
    let last = null;
    const tick = (now) => {
      if (last !== null) window.__maxGap = Math.max(window.__maxGap, now - last);
      last = now;
      window.__frames++;
      if (document.querySelector('[data-testid="import-progress"]')) window.__progressSeen = true;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="import-progress"]')) window.__progressSeen = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.getByTestId('import-file').setInputFiles(file);
  const problems = page.getByTestId('import-problems');
  await problems.waitFor({ timeout: 30_000 });
  const { maxGap, frames, progressSeen } = await page.evaluate(() => {
    window.__stopFrames = true;
    return { maxGap: window.__maxGap, frames: window.__frames, progressSeen: window.__progressSeen };
  });
  await screenshot(page, 'persist-huge-refused');
  const text = await problems.innerText();
  assert.match(text, /100[\s,.\u00a0\u202f]?000/, `names the size: ${text}`);
  assert.match(text, /\b10[\s,.\u00a0\u202f]?000\b/, `names the limit: ${text}`);
  assert.ok(progressSeen, 'import-progress was shown while the file was read');
  assert.ok(frames >= 2, `the page kept drawing frames (${frames})`);
  assert.ok(maxGap < 200, `longest frame gap ${maxGap.toFixed(0)} ms`);
  assert.equal((await nodeIds(page)).length, before, 'nothing was loaded');
  assert.deepEqual(errors, []);
  await context.close();
});
