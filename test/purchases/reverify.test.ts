/**
 * The 24-hour re-verification job, driven by the manual clock and runJobOnce: the cadence (24 h,
 * jittered, earlier when a purchase ends sooner), store verdicts, outages (503 and timeouts keep the
 * state until the purchase's own expiry, retried with backoff) and the per-run rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/app.ts';
import { runJobOnce } from '../../src/jobs/runner.ts';
import { DAY, FREE_LIMIT, iso, startStoreHarness, storeProject, type StoreHarness } from './harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe.each(STORES)('purchase re-verification job on %s', (kind) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(kind, { storeTimeoutMs: 1000 });
  });
  afterAll(async () => h.close());
  const now = () => h.t.clock.now();
  const run = () => runJobOnce(h.t.ctx, 'reverify-purchases');
  const at = (v: string | null) => (v === null ? null : Date.parse(v));

  const applePaid = async (expiresIn: number) => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + expiresIn });
    const dev = await p.user();
    const r = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const purchase = async () => (await p.purchases(dev.userId)).find((x) => x.id === r.body.purchase_id)!;
    return { p, sub, dev, id: r.body.purchase_id as number, purchase };
  };
  const googlePaid = async (expiresIn: number) => {
    const p = await storeProject(h);
    const sub = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + expiresIn });
    const dev = await p.user();
    const r = await dev.client.post('/user/purchase', { type: 'google', token: sub.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const purchase = async () => (await p.purchases(dev.userId)).find((x) => x.id === r.body.purchase_id)!;
    return { p, sub, dev, id: r.body.purchase_id as number, purchase };
  };

  it('re-verifies every active purchase within 24 hours, jittered over the last half hour', async () => {
    const a = await applePaid(30 * DAY);
    const g = await googlePaid(30 * DAY);
    for (const x of [a, g]) {
      const next = at((await x.purchase()).next_verify_at)!;
      expect(next).toBeGreaterThan(now() + 24 * HOUR - 30 * MIN - 1);
      expect(next).toBeLessThanOrEqual(now() + 24 * HOUR);
    }
    const calls = h.apple.calls.length;
    h.t.clock.advance(24 * HOUR);
    await run();
    expect(h.apple.calls.length).toBeGreaterThan(calls);
    for (const x of [a, g]) {
      const p = await x.purchase();
      expect(p).toMatchObject({ active: true, last_verified_at: iso(now()), verify_error: null });
      expect(at(p.next_verify_at)!).toBeGreaterThan(now() + 23 * HOUR);
    }
  });

  it('checks a purchase that ends sooner just after it ends: a renewal keeps it, a lapse ends it', async () => {
    const renewed = await applePaid(6 * HOUR);
    const lapsed = await googlePaid(3 * HOUR);
    expect((await renewed.purchase()).next_verify_at).toBe(iso(renewed.sub.expiresDate + MIN));
    expect((await lapsed.purchase()).next_verify_at).toBe(iso(lapsed.sub.expiryTime + MIN));

    lapsed.sub.state = 'SUBSCRIPTION_STATE_EXPIRED';
    h.t.clock.advance(3 * HOUR + MIN);
    await run();
    expect(await lapsed.purchase()).toMatchObject({ active: false, verify_error: 'expired', next_verify_at: null });
    expect(await lapsed.p.subscriber(lapsed.dev.userId)).toMatchObject({ purchase: 'none', traffic: { limit: Number(FREE_LIMIT) } });

    renewed.sub.expiresDate += 30 * DAY;
    h.t.clock.advance(3 * HOUR);
    await run();
    expect(await renewed.purchase()).toMatchObject({ active: true, expiration_time: iso(renewed.sub.expiresDate), last_verified_at: iso(now()) });
  });

  it('the 24-hour check deactivates purchases the stores revoked, and their users return to the free defaults', async () => {
    const a = await applePaid(30 * DAY);
    const g = await googlePaid(30 * DAY);
    a.sub.status = 5;
    a.sub.revocationDate = now() + HOUR;
    a.sub.revocationType = 'FAMILY_REVOKE';
    g.sub.state = 'SUBSCRIPTION_STATE_EXPIRED';
    h.t.clock.advance(24 * HOUR);
    await run();
    expect(await a.purchase()).toMatchObject({ active: false, verify_error: 'revoked', next_verify_at: null });
    expect(await g.purchase()).toMatchObject({ active: false, verify_error: 'revoked', next_verify_at: null });
    for (const x of [a, g]) {
      expect(await x.p.subscriber(x.dev.userId)).toMatchObject({ purchase: 'none', traffic: { unlimited: false, limit: Number(FREE_LIMIT) } });
      expect((await x.p.audit('purchase', x.id))[0]).toMatchObject({ action: 'purchase.deactivate', author: 'system:reverify' });
    }
  });

  it('a 503 during re-verification keeps the purchase active, retried with backoff, until its own expiry', async () => {
    const a = await applePaid(3 * DAY);
    h.t.clock.advance(24 * HOUR);
    h.apple.mode = '503';
    try {
      await run();
      let p = await a.purchase();
      expect(p).toMatchObject({ active: true, verify_error: 'store unavailable: the App Store Server API is unavailable (HTTP 503: An unknown error occurred.)' });
      const firstRetry = at(p.next_verify_at)!;
      expect(firstRetry - now()).toBeGreaterThanOrEqual(4 * MIN);
      expect(firstRetry - now()).toBeLessThanOrEqual(6 * MIN);
      expect((await a.p.subscriber(a.dev.userId)).traffic.unlimited).toBe(true);

      h.t.clock.set(firstRetry);
      await run();
      p = await a.purchase();
      const secondDelay = at(p.next_verify_at)! - now();
      expect(secondDelay).toBeGreaterThanOrEqual(8 * MIN); // backoff doubles
      expect(p.active).toBe(true);

      // Still down when the purchase's own expiry passes: now it lapses.
      h.t.clock.set(a.sub.expiresDate + MIN);
      await run();
      p = await a.purchase();
      expect(p.active).toBe(false);
      expect(p.verify_error).toMatch(/^expired; the store could not confirm a renewal \(store unavailable: /);
      expect((await a.p.subscriber(a.dev.userId)).traffic.limit).toBe(Number(FREE_LIMIT));
      expect(p.next_verify_at).not.toBeNull(); // still retried

      // The store comes back and says it renewed: the purchase is active again.
      h.apple.mode = 'ok';
      a.sub.expiresDate = now() + 30 * DAY;
      h.t.clock.set(at(p.next_verify_at)!);
      await run();
      expect(await a.purchase()).toMatchObject({ active: true, verify_error: null, expiration_time: iso(a.sub.expiresDate) });
      expect((await a.p.subscriber(a.dev.userId)).traffic.unlimited).toBe(true);
    } finally {
      h.apple.mode = 'ok';
    }
  });

  it('a timeout during re-verification is an outage too: nothing changes', async () => {
    const g = await googlePaid(10 * DAY);
    h.t.clock.advance(24 * HOUR);
    h.google.mode = 'hang';
    try {
      const started = Date.now();
      await run();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await g.purchase()).toMatchObject({ active: true, verify_error: 'store unavailable: Google Play did not answer within 1000 ms' });
      expect((await g.p.subscriber(g.dev.userId)).purchase).toBe('active');
    } finally {
      h.google.mode = 'ok';
    }
  });

  it('leaves a purchase the operator deactivated alone', async () => {
    const a = await applePaid(30 * DAY);
    await (await a.p.partnerNow()).post(`/partner/subscribers/${a.dev.userId}/purchase/${a.id}/deactivate`);
    const calls = h.apple.calls.filter((c) => c.includes(a.sub.originalTransactionId)).length;
    h.t.clock.advance(48 * HOUR);
    await run();
    expect(h.apple.calls.filter((c) => c.includes(a.sub.originalTransactionId)).length).toBe(calls);
    expect(await a.purchase()).toMatchObject({ active: false, verify_error: 'deactivated by an operator' });
  });
});

describe.each(STORES)('purchase re-verification rate limit on %s', (kind) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(kind, { purchaseVerifyBatch: 2 });
  });
  afterAll(async () => h.close());

  it('verifies at most purchaseVerifyBatch purchases per run, oldest due first', async () => {
    const p = await storeProject(h);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + 30 * DAY });
      const dev = await p.user();
      expect((await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) })).status).toBe(200);
      ids.push(sub.originalTransactionId);
      h.t.clock.advance(1000);
    }
    const checks = () => h.apple.calls.filter((c) => c.includes('/subscriptions/')).length;
    const before = checks();
    h.t.clock.advance(25 * 3600_000);
    await runJobOnce(h.t.ctx, 'reverify-purchases');
    expect(checks() - before).toBe(2);
    await runJobOnce(h.t.ctx, 'reverify-purchases');
    expect(checks() - before).toBe(3);
    await runJobOnce(h.t.ctx, 'reverify-purchases');
    expect(checks() - before).toBe(3);
  });
});
