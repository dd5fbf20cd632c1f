// Distributed transactions and asynchronous work, as a learner meets them: a 2PC coordinator
// killed between the rounds leaves its transactions in doubt with their locks held until it is
// revived; a saga undoes the steps before a failed one; a queue's backlog grows while there are
// too few consumers and drains when more are added.
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

/** A badge's figure (its data-value), or null when the badge is not shown. */
async function badge(page, id) {
  const el = page.getByTestId(id);
  if ((await el.count()) === 0) return null;
  return Number(await el.getAttribute('data-value'));
}

test('2PC: the coordinator dies between the rounds, its transactions stay in doubt holding locks until it returns', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  await openExample(page, 'two-phase-commit');
  // The example's timeline kills the coordinator at 20 s and revives it at 35 s. 5×: a busy
  // machine must not jump past either moment before the reads below.
  await page.getByTestId('speed-select').selectOption('5');
  await page.getByTestId('play').click();
  await runUntil(page, 10);
  assert.equal(await badge(page, 'node-orders-in-doubt'), null, 'nothing in doubt while the coordinator lives');

  await runUntil(page, 24);
  await pause(page);
  const t1 = await simTime(page);
  assert.ok(t1 < 35, `read while the coordinator is dead (t = ${t1})`);
  const doubt = await badge(page, 'node-orders-in-doubt');
  const locks = await badge(page, 'node-orders-locks');
  assert.ok(doubt > 0, `transactions in doubt: ${doubt}`);
  // Each in-doubt transaction holds its key at both participants.
  assert.equal(locks, 2 * doubt, `locks ${locks} for ${doubt} in doubt`);
  await screenshot(page, 'async-2pc-in-doubt');

  // The sequence diagram draws one of them: prepared at both databases, its votes lost on
  // the dead coordinator, both locks still held.
  await page.getByTestId('tab-transactions').click();
  const seq = page.getByTestId('sequence');
  assert.equal(await seq.getByTestId('seq-outcome').getAttribute('data-outcome'), 'in-doubt');
  assert.equal(await seq.locator('[data-message="prepare"]').count(), 2);
  assert.equal(await seq.locator('[data-message="vote-yes"][data-lost="true"]').count(), 2);
  assert.equal(await seq.locator('[data-hold="lock"][data-open="true"]').count(), 2);
  assert.equal(await seq.locator('[data-note="down"]').count(), 1);
  assert.match(await seq.getByTestId('seq-narration').textContent(), /prepare/);
  await screenshot(page, 'async-2pc-sequence-in-doubt');

  // Time passes, nobody decides: the same transactions stay in doubt, the same locks held.
  await page.getByTestId('step').click();
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid="kpis"]').dataset.simTime) >= t + 1, t1);
  assert.equal(await badge(page, 'node-orders-in-doubt'), doubt);
  assert.equal(await badge(page, 'node-orders-locks'), locks);

  // Revived at 35 s, the coordinator aborts them and releases their locks.
  await page.getByTestId('play').click();
  await runUntil(page, 38);
  await pause(page);
  // (Locks are taken again by the new transactions; the ones in doubt were released.)
  assert.equal(await badge(page, 'node-orders-in-doubt'), null, 'nothing in doubt after the revival');
  // The blocked transaction ended as the revived coordinator decided: aborted, locks released.
  await page.getByTestId('seq-failed').click();
  assert.equal(await seq.getByTestId('seq-outcome').getAttribute('data-outcome'), 'aborted');
  assert.equal(await seq.locator('[data-message="abort"]').count(), 2);
  assert.equal(await seq.locator('[data-hold="lock"][data-open="true"]').count(), 0);
  assert.equal(await seq.locator('[data-note="up"]').count(), 1);
  // The latest sample is a healthy one again: four messages per participant, committed. (Run
  // on until one is drawn whole and still is once paused: the frames already on their way when
  // Pause is pressed may bring a newer sample, caught between its rounds.)
  await page.getByTestId('seq-latest').click();
  const whole = () => {
    const seq = document.querySelector('[data-testid="sequence"]');
    return seq?.querySelector('[data-testid="seq-outcome"]')?.dataset.outcome === 'committed'
      && seq.querySelectorAll('[data-message="ack"]').length === 2;
  };
  for (let tries = 0; tries < 10; tries++) {
    await page.getByTestId('play').click();
    await page.waitForFunction(whole, null, { timeout: 60_000 });
    await pause(page);
    await page.waitForTimeout(300);
    if (await page.evaluate(whole)) break;
  }
  assert.equal(await seq.locator('[data-message="prepare"]').count(), 2);
  assert.equal(await seq.locator('[data-message="vote-yes"]').count(), 2);
  assert.equal(await seq.locator('[data-message="commit"]').count(), 2);
  assert.equal(await seq.locator('[data-lost="true"]').count(), 0);
  await screenshot(page, 'async-2pc-sequence-committed');
  await page.getByTestId('tab-log').click();
  assert.match(await page.getByTestId('event-log').innerText(), /Order service|주문 서비스/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('saga: a failed step is undone by compensating the steps before it', async () => {
  const { page, errors, context } = await openApp(browser);
  await openExample(page, 'saga-compensation');
  await page.getByTestId('speed-select').selectOption('6');
  await page.getByTestId('play').click();
  // Warm-up ends at 5 s; compensations are counted from then on, and keep coming.
  await runUntil(page, 10);
  const first = await badge(page, 'node-booking-compensated');
  assert.ok(first > 0, `compensations by 10 s: ${first}`);
  await runUntil(page, 20);
  await pause(page);
  const later = await badge(page, 'node-booking-compensated');
  assert.ok(later > first, `compensations keep coming: ${first} → ${later}`);
  // A saga takes no locks and leaves nothing in doubt.
  assert.equal(await badge(page, 'node-booking-locks'), null);
  assert.equal(await badge(page, 'node-booking-in-doubt'), null);
  // The latest failed saga, drawn: every step that committed before the failure is
  // compensated, last first, and was visible to others until then.
  await page.getByTestId('tab-transactions').click();
  await page.getByTestId('seq-failed').click();
  const seq = page.getByTestId('sequence');
  const outcome = await seq.getByTestId('seq-outcome').getAttribute('data-outcome');
  const done = await seq.locator('[data-message="step-ok"]').count();
  assert.equal(await seq.locator('[data-message="step-failed"]').count(), 1);
  assert.equal(await seq.locator('[data-message="compensate"]').count(), done);
  assert.equal(await seq.locator('[data-hold="visible"]').count(), done);
  assert.equal(outcome, done > 0 ? 'compensated' : 'aborted');
  const order = await seq.locator('[data-message="compensate"]').evaluateAll((els) => els.map((e) => Number(e.dataset.participant)));
  assert.deepEqual(order, [...order].sort((a, b) => b - a), 'compensated in reverse order');
  await screenshot(page, 'async-saga-sequence');
  // Switching the server to 2PC (one undoable edit) ends the compensations.
  await page.getByTestId('node-booking').click();
  const protocol = page.getByTestId('field-params.transaction.protocol');
  await protocol.scrollIntoViewIfNeeded();
  await screenshot(page, 'async-saga-compensating');
  await protocol.selectOption('2pc');
  await page.getByTestId('reset').click();
  await page.getByTestId('play').click();
  await runUntil(page, 10);
  await pause(page);
  assert.equal(await badge(page, 'node-booking-compensated'), null, '2PC compensates nothing');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a queue: the backlog grows with too few consumers and drains when more are added', async () => {
  const { page, errors, context } = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  await openExample(page, 'queue-backlog');
  await page.getByTestId('speed-select').selectOption('6');
  await page.getByTestId('play').click();
  await runUntil(page, 10);
  const b1 = await badge(page, 'node-jobs-backlog');
  await runUntil(page, 20);
  await pause(page);
  const b2 = await badge(page, 'node-jobs-backlog');
  assert.ok(b2 > b1 && b1 > 0, `the backlog grows: ${b1} → ${b2}`);
  assert.ok((await badge(page, 'node-jobs-consumer-lag')) > 1, 'the oldest message waits for seconds');
  // Users are answered at enqueue time, not after the work.
  const p99 = await page.getByTestId('node-users-p99').innerText();
  await screenshot(page, 'async-queue-backlog');

  // More consumers (and the workers to run them): the backlog drains.
  await page.getByTestId('node-jobs').click();
  const consumers = page.getByTestId('field-params.consumers');
  await consumers.fill('40');
  await consumers.press('Enter');
  await page.getByTestId('node-workers').click();
  const instances = page.getByTestId('field-params.instances');
  await instances.fill('4');
  await instances.press('Enter');
  await page.getByTestId('play').click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="node-jobs-backlog"]')?.dataset.value ?? '0') < 50,
    null,
    { timeout: 60_000 },
  );
  await pause(page);
  await screenshot(page, 'async-queue-drained');
  assert.ok(p99.length > 0);
  assert.deepEqual(errors, []);
  await context.close();
});
