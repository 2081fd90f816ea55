/**
 * Google Play purchases end to end: the service account signs in at the fake OAuth endpoint, the fake
 * Play Developer API answers purchases.subscriptionsv2.get and acknowledge, and Real-time Developer
 * Notifications arrive as Pub/Sub push bodies. Each negative case is its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES } from '../support/app.ts';
import { expectRejected } from '../support/bad-input.ts';
import { DAY, FREE_LIMIT, iso, startStoreHarness, storeProject, type StoreHarness } from './harness.ts';

const RENEWED = 2;
const PURCHASED = 4;
const REVOKED = 12;
const EXPIRED = 13;

describe.each(STORES)('Google purchases on %s', (kind) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(kind);
  });
  afterAll(async () => h.close());
  const now = () => h.t.clock.now();
  const rtdn = (projectId: string, body: unknown) => h.t.client().post(`/stores/google/${projectId}`, body);
  const subNote = (type: number, token: string, productId = 'vpn.monthly') => ({
    subscriptionNotification: { version: '1.0', notificationType: type, purchaseToken: token, subscriptionId: productId },
  });

  const paidUser = async (opts: Parameters<typeof storeProject>[1] = {}) => {
    const p = await storeProject(h, opts);
    const sub = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + 30 * DAY });
    const dev = await p.user();
    const res = await dev.client.post('/user/purchase', { type: 'google', product_id: 'vpn.monthly', token: sub.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { p, sub, dev, id: res.body.purchase_id as number };
  };

  it('a purchase token makes the user paid and is acknowledged with Google', async () => {
    const tokensBefore = h.google.tokensIssued;
    const { p, sub, dev, id } = await paidUser();
    const [purchase] = await p.purchases(dev.userId);
    expect(purchase).toMatchObject({
      id,
      type: 'google',
      transaction_id: sub.token,
      product_id: 'vpn.monthly',
      active: true,
      trial: false,
      environment: 'production',
      transaction_time: iso(sub.startTime),
      expiration_time: iso(sub.expiryTime),
      verify_error: null,
    });
    expect(purchase!.raw_data).toMatchObject({ subscriptionState: 'SUBSCRIPTION_STATE_ACTIVE', lineItems: [{ productId: 'vpn.monthly' }] });
    expect(h.google.acks).toContain(sub.token);
    expect(h.google.tokensIssued).toBeGreaterThanOrEqual(tokensBefore); // the service account's OAuth flow ran (once per client)
    expect(h.google.tokensIssued).toBeGreaterThan(0);
    expect(await p.subscriber(dev.userId)).toMatchObject({ purchase: 'active', traffic: { unlimited: true } });
  });

  it('refuses a token whose product is not the one the app names', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.google.purchase({ productId: 'vpn.weekly', expiryTime: now() + 7 * DAY });
    const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'google', product_id: 'vpn.monthly', token: sub.token }), {
      status: 400,
      result: 'INVALID_PURCHASE',
      field: 'product_id',
    });
    expect(r.body.error).toBe('product_id: the purchase token is for product vpn.weekly, not vpn.monthly');
  });

  it("refuses a token of another app's package", async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + 30 * DAY, packageName: 'com.other.app' });
    const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'google', token: sub.token }), { status: 400, result: 'INVALID_PURCHASE', field: 'token' });
    expect(r.body.error).toBe(`token: Google Play does not know this purchase token for package ${h.google.packageName} (HTTP 404)`);
  });

  it('refuses an expired subscription', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.google.purchase({ productId: 'vpn.monthly', startTime: now() - 40 * DAY, expiryTime: now() - 10 * DAY, state: 'SUBSCRIPTION_STATE_EXPIRED' });
    const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'google', token: sub.token }), { status: 400, result: 'INVALID_PURCHASE' });
    expect(r.body.error).toBe('the store reports this purchase as expired');
  });

  it('a store outage when the app hands over a token answers SERVER_UNAVAILABLE and writes nothing', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + 30 * DAY });
    h.google.mode = '503';
    try {
      const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'google', token: sub.token }), { status: 503, result: 'SERVER_UNAVAILABLE' });
      expect(r.body.error).toBe('Google Play is unavailable (HTTP 503)');
    } finally {
      h.google.mode = 'ok';
    }
  });

  it('a license-tester (sandbox) purchase on a production project is stored as sandbox and grants nothing', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + DAY, test: true });
    const r = await dev.client.post('/user/purchase', { type: 'google', token: sub.token });
    expect(r.status).toBe(200);
    expect(r.body.purchase).toMatchObject({ environment: 'sandbox', active: false, verify_error: 'sandbox purchase: this project does not count sandbox purchases' });
    expect((await p.subscriber(dev.userId)).traffic.limit).toBe(Number(FREE_LIMIT));
    expect(h.google.acks).not.toContain(sub.token);
  });

  it('a revocation notice deactivates the purchase; the user returns to the free defaults', async () => {
    const { p, sub, dev, id } = await paidUser();
    sub.state = 'SUBSCRIPTION_STATE_EXPIRED';
    const r = await rtdn(p.id, h.google.push(subNote(REVOKED, sub.token)));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.outcome).toBe(`type ${REVOKED}: purchase ${id} inactive (revoked)`);
    expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: false, verify_error: 'revoked' });
    expect(await p.subscriber(dev.userId)).toMatchObject({ purchase: 'none', traffic: { limit: Number(FREE_LIMIT) } });
  });

  it('a voided-purchase notice (refund) deactivates the purchase', async () => {
    const { p, sub, dev, id } = await paidUser();
    const r = await rtdn(p.id, h.google.push({ voidedPurchaseNotification: { purchaseToken: sub.token, orderId: 'GPA.1', productType: 1, refundType: 1 } }));
    expect(r.body.outcome).toBe(`voided: purchase ${id} refunded`);
    expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: false, verify_error: 'refunded', next_verify_at: null });
    expect((await p.audit('user', dev.userId))[0]).toMatchObject({ action: 'user.free', author: 'store:google' });
  });

  it('a duplicated Pub/Sub delivery (same messageId) is processed once', async () => {
    const { p, sub, dev, id } = await paidUser();
    sub.state = 'SUBSCRIPTION_STATE_EXPIRED';
    const body = h.google.push(subNote(REVOKED, sub.token), 'msg-dup-1');
    const first = await rtdn(p.id, body);
    expect(first.body.outcome).toBe(`type ${REVOKED}: purchase ${id} inactive (revoked)`);
    const audit = await p.audit('purchase', id);
    // The store changes its mind later (e.g. the operator of the app reinstates); the replayed message must not act again.
    sub.state = 'SUBSCRIPTION_STATE_ACTIVE';
    const again = await rtdn(p.id, body);
    expect(again.body).toEqual({ result: 'OK', outcome: 'duplicate' });
    expect(await p.audit('purchase', id)).toEqual(audit);
    expect((await p.purchases(dev.userId))[0]!.active).toBe(false);
  });

  it('out-of-order notifications: a late EXPIRED after a renewal leaves the state the store reports now', async () => {
    const { p, sub, dev, id } = await paidUser();
    h.t.clock.advance(DAY);
    sub.expiryTime = now() + 30 * DAY;
    const renewed = await rtdn(p.id, h.google.push(subNote(RENEWED, sub.token)));
    expect(renewed.body.outcome).toBe(`type ${RENEWED}: purchase ${id} active`);
    const late = await rtdn(p.id, h.google.push(subNote(EXPIRED, sub.token)));
    expect(late.body.outcome).toBe(`type ${EXPIRED}: purchase ${id} active`);
    expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: true, expiration_time: iso(sub.expiryTime) });
  });

  it('ignores (and acknowledges) a notification for another package, and answers 503 while the store is down', async () => {
    const { p, sub } = await paidUser();
    const foreign = h.google.push(subNote(REVOKED, sub.token));
    const data = JSON.parse(Buffer.from(foreign.message.data, 'base64').toString()) as Record<string, unknown>;
    foreign.message.data = Buffer.from(JSON.stringify({ ...data, packageName: 'com.other.app' })).toString('base64');
    const r = await rtdn(p.id, foreign);
    expect(r.body.outcome).toBe(`ignored: package com.other.app is not this project's package ${h.google.packageName}`);
    h.google.mode = '503';
    try {
      const down = await rtdn(p.id, h.google.push(subNote(RENEWED, sub.token), 'msg-retry-1'));
      expect(down.status).toBe(503);
    } finally {
      h.google.mode = 'ok';
    }
    // Pub/Sub delivers again: this time it is processed.
    const retry = await rtdn(p.id, h.google.push(subNote(RENEWED, sub.token), 'msg-retry-1'));
    expect(retry.status).toBe(200);
    expect(retry.body.outcome).toMatch(/active$/);
  });

  describe('linked purchase tokens', () => {
    it('a new token naming the old one replaces it: one active purchase, never two entitlements', async () => {
      const { p, sub: old, dev, id: oldId } = await paidUser();
      // The user upgrades: Google issues a new token linked to the old one, and ends the old one.
      const upgrade = h.google.purchase({ productId: 'vpn.yearly', expiryTime: now() + 365 * DAY, linkedPurchaseToken: old.token });
      old.state = 'SUBSCRIPTION_STATE_EXPIRED';
      const r = await dev.client.post('/user/purchase', { type: 'google', product_id: 'vpn.yearly', token: upgrade.token });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const list = await p.purchases(dev.userId);
      expect(list.filter((x) => x.active).map((x) => x.id)).toEqual([r.body.purchase_id]);
      expect(list.find((x) => x.id === oldId)).toMatchObject({ active: false, replaced_by: r.body.purchase_id, verify_error: `replaced by purchase ${r.body.purchase_id}`, next_verify_at: null });
      expect((await p.subscriber(dev.userId)).traffic.unlimited).toBe(true);

      // A late renewal notice for the old token, or the app re-sending it, never revives it.
      old.state = 'SUBSCRIPTION_STATE_ACTIVE';
      const late = await rtdn(p.id, h.google.push(subNote(RENEWED, old.token)));
      expect(late.body.outcome).toBe(`type ${RENEWED}: purchase ${oldId} inactive (replaced by purchase ${r.body.purchase_id})`);
      const resent = await dev.client.post('/user/purchase', { type: 'google', token: old.token });
      expect(resent.status).toBe(400);
      expect(resent.body).toMatchObject({ result: 'INVALID_PURCHASE', error: `token: this purchase was replaced by purchase ${r.body.purchase_id} (a newer purchase token)` });
      const activate = await p.partner.post(`/partner/subscribers/${dev.userId}/purchase/${oldId}/activate`);
      expect(activate.body).toMatchObject({ result: 'INVALID_PURCHASE' });
      expect((await p.purchases(dev.userId)).filter((x) => x.active)).toHaveLength(1);
    });

    it('a notification for a new linked token, before the app reports it, moves the entitlement to the new token', async () => {
      const { p, sub: old, dev, id: oldId } = await paidUser();
      const resubscribed = h.google.purchase({ productId: 'vpn.monthly', expiryTime: now() + 30 * DAY, linkedPurchaseToken: old.token });
      const r = await rtdn(p.id, h.google.push(subNote(PURCHASED, resubscribed.token)));
      expect(r.status).toBe(200);
      const list = await p.purchases(dev.userId);
      const fresh = list.find((x) => x.transaction_id === resubscribed.token)!;
      expect(r.body.outcome).toBe(`purchase ${fresh.id} replaces purchase ${oldId}`);
      expect(list.filter((x) => x.active).map((x) => x.id)).toEqual([fresh.id]);
      expect(h.google.acks).toContain(resubscribed.token);
    });
  });
});
