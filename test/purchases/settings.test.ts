/**
 * Store settings and the product mapping: secrets sealed at rest and masked on the wire and in the
 * audit log, validation, roles, and the console mount of the purchase operations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { STORES } from '../support/app.ts';
import { Client } from '../support/http.ts';
import { addMember } from '../../src/services/members.ts';
import { DAY, startStoreHarness, storeProject, type StoreHarness } from './harness.ts';

const last4 = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '').slice(-4);

describe.each(STORES)('store settings on %s', (kind) => {
  let h: StoreHarness;
  beforeAll(async () => {
    h = await startStoreHarness(kind);
  });
  afterAll(async () => h.close());

  it('shows secrets masked, keeps them sealed at rest and out of the audit log', async () => {
    const p = await storeProject(h);
    const apple = h.apple.settings(true);
    const sa = JSON.parse(h.google.settings().service_account_json) as { private_key: string; client_email: string };
    const r = await p.partner.get('/partner/settings/stores');
    expect(r.status).toBe(200);
    expect(r.body.stores).toEqual({
      apple: { ...apple, allow_sandbox: false, private_key: `****${last4(apple.private_key)}` },
      google: {
        package_name: h.google.packageName,
        service_account: { client_email: sa.client_email, private_key_id: 'a1b2c3d4e5', private_key: `****${last4(sa.private_key)}` },
        allow_sandbox: false,
      },
    });
    const row = await h.t.ctx.store.db.selectFrom('store_settings').selectAll().where('project_id', '=', p.id).executeTakeFirstOrThrow();
    for (const secret of [apple.private_key.split('\n')[1]!, sa.private_key.split('\n')[1]!, apple.issuer_id, h.google.packageName]) {
      expect(`${row.apple_enc} ${row.google_enc}`).not.toContain(secret);
    }
    const audit = (await p.partner.get(`/partner/audit?object_type=project&object_id=${p.id}`)).body.entries;
    expect(audit[0]).toMatchObject({ action: 'stores.update', author: 'partner-api' });
    expect(JSON.stringify(audit)).not.toContain(apple.private_key.split('\n')[1]!);
  });

  it('keeps a stored secret when an update omits it, and removes a store with null', async () => {
    const p = await storeProject(h);
    const { private_key: _omitted, ...rest } = h.apple.settings();
    const r = await p.partner.put('/partner/settings/stores', { apple: { ...rest, allow_sandbox: true } });
    expect(r.status).toBe(200);
    expect(r.body.stores.apple).toMatchObject({ allow_sandbox: true, private_key: `****${last4(h.apple.settings().private_key)}` });
    // The kept key still signs App Store Server API requests.
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + DAY });
    const dev = await p.user();
    expect((await dev.client.post('/user/purchase', { type: 'apple', transaction_id: sub.transactionId })).status).toBe(200);
    const removed = await p.partner.put('/partner/settings/stores', { google: null });
    expect(removed.body.stores.google).toBeNull();
    const g = h.google.purchase({ productId: 'vpn.monthly', expiryTime: h.t.clock.now() + DAY });
    const refused = await dev.client.post('/user/purchase', { type: 'google', token: g.token });
    expect(refused.body).toMatchObject({ result: 'INVALID_PURCHASE', field: 'type', error: 'type: this project has no Google store settings' });
  });

  it('refuses keys that are not what the stores issue', async () => {
    const p = await storeProject(h);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const badApple = await p.partner.put('/partner/settings/stores', { apple: { ...h.apple.settings(), private_key: rsa } });
    expect(badApple.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'apple.private_key' });
    const badGoogle = await p.partner.put('/partner/settings/stores', { google: { package_name: 'com.x', service_account_json: '{"type":"user"}' } });
    expect(badGoogle.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'google.service_account_json' });
    const fresh = await storeProject(h);
    await fresh.partner.put('/partner/settings/stores', { apple: null });
    const { private_key: _k, ...noKey } = h.apple.settings();
    const missing = await fresh.partner.put('/partner/settings/stores', { apple: noKey });
    expect(missing.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'apple.private_key' });
  });

  it('maps products to licenses and limits, refusing unknown licenses and duplicates', async () => {
    const p = await storeProject(h);
    const lic = (await p.partner.post('/partner/licenses', { name: '10-10', devices_limit: 10, sessions_limit: 10 })).body.license;
    const put = await p.partner.put('/partner/settings/products', {
      products: [
        { product_id: 'vpn.basic', traffic_limit: 10_000_000_000 },
        { product_id: 'vpn.pro', license_id: lic.id, traffic_limit: null },
      ],
    });
    expect(put.status).toBe(200);
    expect((await p.partner.get('/partner/settings/products')).body.products).toEqual([
      { product_id: 'vpn.basic', license_id: null, traffic_limit: 10_000_000_000 },
      { product_id: 'vpn.pro', license_id: lic.id, traffic_limit: null },
    ]);
    const unknown = await p.partner.put('/partner/settings/products', { products: [{ product_id: 'x', license_id: 999999 }] });
    expect(unknown.body).toMatchObject({ result: 'LICENSE_NOT_FOUND', field: 'products.0.license_id' });
    const dup = await p.partner.put('/partner/settings/products', { products: [{ product_id: 'x' }, { product_id: 'x' }] });
    expect(dup.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'products.1.product_id' });
  });

  it('purchases exist in public projects only', async () => {
    const p = await storeProject(h, { type: 'private' });
    const dev = await p.user();
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + DAY });
    const r = await dev.client.post('/user/purchase', { type: 'apple', transaction_id: sub.transactionId });
    expect(r.status).toBe(403);
    expect(r.body.result).toBe('FORBIDDEN');
  });

  it('members use the same operations from the console; support may act on purchases but not change store settings', async () => {
    const p = await storeProject(h);
    await addMember(h.t.ctx, `support-${p.id}@example.com`, 'support staple 1234', p.id, 'support', 'test');
    const c = new Client(h.t.url);
    const s = await c.post('/console/api/session', { email: `support-${p.id}@example.com`, password: 'support staple 1234' });
    const headers = { cookie: (s.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': s.body.csrf_token as string };
    const base = `/console/api/projects/${p.id}`;

    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + DAY });
    const dev = await p.user();
    const added = await c.req('POST', `${base}/subscribers/${dev.userId}/purchase`, { type: 'apple', transaction_id: sub.transactionId }, headers);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const off = await c.req('POST', `${base}/subscribers/${dev.userId}/purchase/${added.body.purchase.id}/deactivate`, undefined, headers);
    expect(off.body.purchase.active).toBe(false);
    const audit = (await p.partner.get(`/partner/audit?object_type=purchase&object_id=${added.body.purchase.id}`)).body.entries;
    expect(audit[0]).toMatchObject({ action: 'purchase.deactivate', author: `member:support-${p.id}@example.com` });

    expect((await c.req('GET', `${base}/settings/stores`, undefined, headers)).status).toBe(200);
    const put = await c.req('PUT', `${base}/settings/stores`, { apple: null }, headers);
    expect(put.status).toBe(403);
    expect(put.body.result).toBe('FORBIDDEN');
  });
});
