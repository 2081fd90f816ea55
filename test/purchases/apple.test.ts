/**
 * App Store purchases end to end: the app's signed transaction is verified by the real
 * SignedDataVerifier against a throwaway root shaped like Apple's, the fake App Store Server API gives
 * the subscription's status, and users become paid and free again. Each negative case is its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { STORES } from '../support/app.ts';
import { makeApplePki } from '../support/apple-pki.ts';
import { expectRejected } from '../support/bad-input.ts';
import { DAY, FREE_LIMIT, iso, startStoreHarness, storeProject, type StoreHarness } from './harness.ts';

describe.each(STORES)('Apple purchases on %s', (kind) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(kind);
  });
  afterAll(async () => h.close());
  const now = () => h.t.clock.now();

  const buy = async (p: Awaited<ReturnType<typeof storeProject>>, body: Record<string, unknown>) => {
    const dev = await p.user();
    return { dev, res: await dev.client.post('/user/purchase', body) };
  };

  it('a signed transaction from the app makes the user paid: active purchase, unlimited traffic, Purchases "active"', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.purchase).toMatchObject({
      id: res.body.purchase_id,
      type: 'apple',
      transaction_id: sub.originalTransactionId,
      product_id: 'vpn.monthly',
      active: true,
      trial: false,
      environment: 'production',
      transaction_time: iso(sub.purchaseDate),
      expiration_time: iso(sub.expiresDate),
      last_verified_at: iso(now()),
      verify_error: null,
    });
    expect(res.body.purchase.raw_data.transaction).toMatchObject({ bundleId: h.apple.bundleId, productId: 'vpn.monthly', environment: 'Production' });
    expect(res.body.purchase.raw_data.status).toBe(1);
    const user = await p.subscriber(dev.userId);
    expect(user.purchase).toBe('active');
    expect(user.traffic).toMatchObject({ unlimited: true, limit: null });
    expect((await p.purchases(dev.userId)).map((x) => x.id)).toEqual([res.body.purchase_id]);
    // The status came from the App Store Server API, authenticated with the project's key.
    expect(h.apple.calls).toContain(`GET /production/inApps/v1/subscriptions/${sub.originalTransactionId}`);
    const audit = await p.audit('user', dev.userId);
    expect(audit[0]).toMatchObject({ action: 'user.paid', author: `user:${dev.userId}`, before: { traffic_limit: String(FREE_LIMIT) }, after: { traffic_limit: null } });
  });

  it('a transaction id alone is looked up with the App Store Server API; a trial is reported as such', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.yearly', expiresDate: now() + 7 * DAY, trial: true });
    const { res } = await buy(p, { type: 'apple', transaction_id: sub.transactionId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.purchase).toMatchObject({ transaction_id: sub.originalTransactionId, active: true, trial: true });
  });

  it('the product mapping sets the license and traffic limit; losing the purchase returns the project defaults', async () => {
    const p = await storeProject(h);
    const lic = await p.partner.post('/partner/licenses', { name: '5-5', devices_limit: 5, sessions_limit: 5 });
    await p.partner.put('/partner/settings/products', { products: [{ product_id: 'vpn.family', license_id: lic.body.license.id, traffic_limit: 50_000_000_000 }] });
    const sub = h.apple.subscribe({ productId: 'vpn.family', expiresDate: now() + 30 * DAY });
    const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(res.status).toBe(200);
    const paid = await p.subscriber(dev.userId);
    expect(paid.license.name).toBe('5-5');
    expect(paid.traffic.limit).toBe(50_000_000_000);
    const off = await p.partner.post(`/partner/subscribers/${dev.userId}/purchase/${res.body.purchase_id}/deactivate`);
    expect(off.body.purchase).toMatchObject({ active: false, verify_error: 'deactivated by an operator', next_verify_at: null });
    const free = await p.subscriber(dev.userId);
    expect(free).toMatchObject({ purchase: 'none', license: { name: 'default' }, traffic: { limit: Number(FREE_LIMIT) } });
    const audit = await p.audit('purchase', res.body.purchase_id);
    expect(audit[0]).toMatchObject({ action: 'purchase.deactivate', author: 'partner-api' });
  });

  it('refuses a transaction signed by a foreign certificate chain (INVALID_PURCHASE, nothing written)', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const forged = await h.apple.signedTransaction(sub.originalTransactionId, {}, makeApplePki({ now: now() }));
    const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'apple', token: forged }), { status: 400, result: 'INVALID_PURCHASE', field: 'token' });
    expect(r.body.error).toBe("token: the signature does not verify against Apple's root certificates (foreign or altered data)");
    expect(await p.purchases(dev.userId)).toEqual([]);
  });

  it("refuses a chain under the trusted root whose certificates lack Apple's marker OIDs", async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    // Under the trusted root, but the leaf (or the intermediate) lacks Apple's marker extension.
    for (const variant of [{ leafOid: null }, { intermediateOid: null }, { leafOid: '1.2.840.113635.100.6.11.2' }]) {
      const signer = h.apple.pki.variant(variant);
      const r = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId, {}, signer) });
      expect(r.status, JSON.stringify(variant)).toBe(400);
      expect(r.body).toMatchObject({ result: 'INVALID_PURCHASE', field: 'token' });
    }
    // The same chain with the OIDs is accepted: the refusals above are the OID check.
    const ok = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId, {}, h.apple.pki.variant({})) });
    expect(ok.status).toBe(200);
  });

  it('refuses a transaction of another app (wrong bundle id) and says which', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const token = await h.apple.signedTransaction(sub.originalTransactionId, { bundleId: 'com.other.app' });
    const r = await expectRejected(h.t, () => dev.client.post('/user/purchase', { type: 'apple', token }), { status: 400, result: 'INVALID_PURCHASE', field: 'token' });
    expect(r.body.error).toBe(`token: bundle id com.other.app is not this project's bundle id ${h.apple.bundleId}`);
  });

  it('refuses an expired subscription', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', purchaseDate: now() - 40 * DAY, expiresDate: now() - 10 * DAY, status: 2 });
    const r = await expectRejected(h.t, async () => dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) }), {
      status: 400,
      result: 'INVALID_PURCHASE',
    });
    expect(r.body.error).toBe('the store reports this purchase as expired');
  });

  it('refuses a revoked subscription (family sharing withdrawn)', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 20 * DAY, status: 5, revocationDate: now() - 1000, revocationType: 'FAMILY_REVOKE' });
    const r = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(r.body).toMatchObject({ result: 'INVALID_PURCHASE', error: 'the store reports this purchase as revoked' });
  });

  it('refuses a refunded subscription', async () => {
    const p = await storeProject(h);
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 20 * DAY, status: 5, revocationDate: now() - 1000 });
    const r = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(r.body).toMatchObject({ result: 'INVALID_PURCHASE', error: 'the store reports this purchase as refunded' });
  });

  it('A11: a sandbox transaction on a production project is verified with the sandbox settings, stored as sandbox, and grants nothing', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', env: 'sandbox', expiresDate: now() + 3 * DAY });
    const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.purchase).toMatchObject({
      environment: 'sandbox',
      active: false,
      verify_error: 'sandbox purchase: this project does not count sandbox purchases',
      next_verify_at: null,
    });
    expect(h.apple.calls).toContain(`GET /sandbox/inApps/v1/subscriptions/${sub.originalTransactionId}`);
    const user = await p.subscriber(dev.userId);
    expect(user).toMatchObject({ purchase: 'none', traffic: { unlimited: false, limit: Number(FREE_LIMIT) } });

    // A project that counts sandbox purchases (e.g. while its app is in review) grants it.
    const q = await storeProject(h, { allowSandbox: true });
    const other = await buy(q, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(other.res.body.purchase).toMatchObject({ environment: 'sandbox', active: true });
    expect((await q.subscriber(other.dev.userId)).traffic.unlimited).toBe(true);

    // A bare transaction id is looked up in production first, then in the sandbox.
    const byId = h.apple.subscribe({ productId: 'vpn.monthly', env: 'sandbox', expiresDate: now() + 3 * DAY });
    const looked = await buy(p, { type: 'apple', transaction_id: byId.transactionId });
    expect(looked.res.body.purchase).toMatchObject({ environment: 'sandbox', active: false, transaction_id: byId.originalTransactionId });
    expect(h.apple.calls).toEqual(expect.arrayContaining([`GET /production/inApps/v1/transactions/${byId.transactionId}`, `GET /sandbox/inApps/v1/transactions/${byId.transactionId}`]));
  });

  it('a transaction restored by another user of the project moves to it: one entitlement, never two', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const token = await h.apple.signedTransaction(sub.originalTransactionId);
    const first = await buy(p, { type: 'apple', token });
    const second = await buy(p, { type: 'apple', token });
    expect(second.res.body.purchase.id).toBe(first.res.body.purchase.id);
    expect((await p.subscriber(first.dev.userId)).purchase).toBe('none');
    expect((await p.subscriber(first.dev.userId)).traffic.limit).toBe(Number(FREE_LIMIT));
    expect((await p.subscriber(second.dev.userId)).purchase).toBe('active');
  });

  it('activation from the console verifies first and reports why it failed; a store outage answers SERVER_UNAVAILABLE', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    const id = res.body.purchase_id as number;
    const base = `/partner/subscribers/${dev.userId}/purchase/${id}`;
    await p.partner.post(`${base}/deactivate`);

    h.apple.mode = '503';
    const down = await p.partner.post(`${base}/activate`);
    h.apple.mode = 'ok';
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ result: 'SERVER_UNAVAILABLE', error: 'the App Store Server API is unavailable (HTTP 503: An unknown error occurred.)' });

    sub.status = 2;
    sub.expiresDate = now() - 1000;
    const refused = await p.partner.post(`${base}/activate`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ result: 'INVALID_PURCHASE', error: `cannot activate purchase ${id}: expired` });
    expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: false, verify_error: 'expired', last_verified_at: iso(now()) });

    sub.status = 1;
    sub.expiresDate = now() + 30 * DAY;
    const ok = await p.partner.post(`${base}/activate`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.purchase).toMatchObject({ active: true, verify_error: null, expiration_time: iso(sub.expiresDate) });
    expect((await p.subscriber(dev.userId)).traffic.unlimited).toBe(true);
    const audit = await p.audit('purchase', id);
    expect(audit.map((e) => e.action)).toEqual(['purchase.activate', 'purchase.deactivate', 'purchase.add']);
  });

  it('DELETE /user/purchase forgets the purchase and the user returns to the free defaults', async () => {
    const p = await storeProject(h);
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 30 * DAY });
    const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    const del = await dev.client.del(`/user/purchase?purchase_id=${res.body.purchase_id}`);
    expect(del.status).toBe(200);
    expect(await p.purchases(dev.userId)).toEqual([]);
    expect((await p.subscriber(dev.userId)).traffic.limit).toBe(Number(FREE_LIMIT));
    const again = await dev.client.del(`/user/purchase?purchase_id=${res.body.purchase_id}`);
    expect(again.status).toBe(404);
  });

  describe('App Store Server Notifications V2', () => {
    const notify = (projectId: string, signedPayload: string) => h.t.client().post(`/stores/apple/${projectId}`, { signedPayload });

    const paidUser = async () => {
      const p = await storeProject(h);
      const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: now() + 2 * DAY });
      const { dev, res } = await buy(p, { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
      expect(res.status).toBe(200);
      return { p, sub, dev, id: res.body.purchase_id as number };
    };

    it('a renewal extends the purchase; a duplicated notification (same UUID) is applied once', async () => {
      const { p, sub, dev, id } = await paidUser();
      h.t.clock.advance(60_000);
      sub.expiresDate = now() + 32 * DAY;
      sub.transactionId = `${sub.originalTransactionId}01`;
      const uuid = randomUUID();
      const payload = await h.apple.notification('DID_RENEW', sub.originalTransactionId, { uuid });
      const first = await notify(p.id, payload);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.outcome).toBe(`DID_RENEW: purchase ${id} active`);
      expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: true, expiration_time: iso(sub.expiresDate) });
      const auditBefore = await p.audit('purchase', id);
      const dup = await notify(p.id, payload);
      expect(dup.body).toEqual({ result: 'OK', outcome: 'duplicate' });
      expect(await p.audit('purchase', id)).toEqual(auditBefore);
    });

    it('an out-of-order notification older than the applied state changes nothing', async () => {
      const { p, sub, dev, id } = await paidUser();
      const oldSigned = now() + 1_000;
      h.t.clock.advance(120_000);
      sub.expiresDate = now() + 30 * DAY;
      const renew = await notify(p.id, await h.apple.notification('DID_RENEW', sub.originalTransactionId));
      expect(renew.body.outcome).toBe(`DID_RENEW: purchase ${id} active`);
      // An EXPIRED notification signed before the renewal arrives late.
      const late = await notify(p.id, await h.apple.notification('EXPIRED', sub.originalTransactionId, { subtype: 'VOLUNTARY', signedDate: oldSigned }));
      expect(late.status).toBe(200);
      expect(late.body.outcome).toBe('stale: EXPIRED signed before the state already applied');
      expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: true, expiration_time: iso(sub.expiresDate) });
      expect((await p.subscriber(dev.userId)).purchase).toBe('active');
    });

    it('a refund notification deactivates the purchase and the user returns to the free defaults', async () => {
      const { p, sub, dev, id } = await paidUser();
      h.t.clock.advance(60_000);
      sub.revocationDate = now();
      sub.status = 5;
      const r = await notify(p.id, await h.apple.notification('REFUND', sub.originalTransactionId));
      expect(r.body.outcome).toBe(`REFUND: purchase ${id} inactive (refunded)`);
      expect((await p.purchases(dev.userId))[0]).toMatchObject({ active: false, verify_error: 'refunded', next_verify_at: null });
      expect((await p.subscriber(dev.userId)).traffic.limit).toBe(Number(FREE_LIMIT));
      expect((await p.audit('user', dev.userId))[0]).toMatchObject({ action: 'user.free', author: 'store:apple' });
    });

    it('refuses a notification signed by a foreign chain, or for another app', async () => {
      const { p, sub } = await paidUser();
      const forged = await makeApplePki({ now: now() }).sign({ notificationType: 'REFUND', notificationUUID: randomUUID(), signedDate: now(), data: { bundleId: h.apple.bundleId, appAppleId: h.apple.appAppleId, environment: 'Production' } });
      const bad = await notify(p.id, forged);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ result: 'INVALID_PURCHASE', field: 'signedPayload' });
      const foreign = await notify(p.id, await h.apple.notification('REFUND', sub.originalTransactionId, { bundleId: 'com.other.app' }));
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toBe(`signedPayload: bundle id com.other.app is not this project's bundle id ${h.apple.bundleId}`);
      const unknownProject = await notify('no-such-project', await h.apple.notification('REFUND', sub.originalTransactionId));
      expect(unknownProject.status).toBe(404);
    });
  });
});
