/**
 * The Store settings page against a fake App Store and Google Play: the operator enters the Apple and
 * Google credentials (write-only secrets: the API and the page show them masked), maps products to a
 * license and a traffic limit; an app's purchase then makes its user paid on the User page, the
 * operator's "Disable purchase" makes it free again, and a purchase the store revoked ends at the
 * 24-hour re-verification. Support sees the settings read-only and the server refuses its changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addMember } from '../../src/services/members.ts';
import { runJobOnce } from '../../src/jobs/runner.ts';
import { loginDevice, setupProject } from '../support/app.ts';
import { DAY, FREE_LIMIT, startStoreHarness, type StoreHarness } from '../purchases/harness.ts';
import { OWNER, SUPPORT, buildConsole, hasChromium, NO_CHROMIUM, launch, memberApi, shot, signedInContext, watchConsole } from './console-harness.ts';

const GIB = 1024n ** 3n;
/** FREE_LIMIT (500,000,000 bytes) as the User page's Traffic field shows it. */
const FREE_TEXT = '476.84 MB per day';

describe.skipIf(!hasChromium)(`console: store settings, products, and what purchases do to a user${NO_CHROMIUM}`, () => {
  let h: StoreHarness;
  let p: Awaited<ReturnType<typeof setupProject>>;
  let biz: Awaited<ReturnType<typeof setupProject>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let api: Awaited<ReturnType<typeof memberApi>>;
  let dev: Awaited<ReturnType<typeof loginDevice>>;
  let premium: number;
  let monthlyPurchase: number;

  beforeAll(async () => {
    await buildConsole();
    h = await startStoreHarness('sqlite');
    // No store settings yet: the operator enters them in the page.
    p = await setupProject(h.t, { type: 'public', defaultTrafficLimit: FREE_LIMIT });
    biz = await setupProject(h.t, { type: 'private' });
    await addMember(h.t.ctx, OWNER.email, OWNER.password, p.id, 'owner', 'test');
    await addMember(h.t.ctx, OWNER.email, OWNER.password, biz.id, 'owner', 'test');
    await addMember(h.t.ctx, SUPPORT.email, SUPPORT.password, p.id, 'support', 'test');
    browser = await launch();
    ctx = await signedInContext(browser, h.t.url, OWNER);
    api = await memberApi(h.t.url, OWNER);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const notified = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();
  const closeNotifications = async (page: Page) => {
    for (const b of await page.locator('.mantine-Notification-root button').all()) await b.click().catch(() => {});
  };
  const apple = () => h.apple.settings(false);
  const google = () => h.google.settings(false);
  /** A run of the secret long enough that seeing it anywhere means the secret leaked. */
  const fragment = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '').slice(20, 60);

  it('(a) the operator enters the store settings; the API and the page show the secrets masked only', async () => {
    const page = await ctx.newPage();
    const errors = watchConsole(page, [400]);
    await page.goto(`/projects/${biz.id}/users`);
    await page.getByRole('link', { name: 'Licenses' }).waitFor();
    expect(await page.getByRole('link', { name: 'Store settings' }).count()).toBe(0); // private project

    await page.goto(`/projects/${p.id}/users`);
    await page.getByRole('link', { name: 'Store settings' }).click();
    await page.waitForURL(`**/projects/${p.id}/store`);
    const appleCard = page.getByTestId('apple-settings');
    const googleCard = page.getByTestId('google-settings');
    expect(await appleCard.getByTestId('apple-settings-status').textContent()).toBe('Not configured');
    expect(await googleCard.getByTestId('google-settings-status').textContent()).toBe('Not configured');
    await shot(page, '70-store-settings-empty');

    // A key that is not a .p8: the server's complaint shows under the field and in a notification.
    const a = apple();
    await appleCard.getByLabel('Issuer ID').fill(a.issuer_id);
    await appleCard.getByLabel('Key ID').fill(a.key_id);
    await appleCard.getByLabel('Private key (.p8)').fill('not a key');
    await appleCard.getByLabel('Bundle ID').fill(a.bundle_id);
    await appleCard.getByLabel('App Apple ID').fill(String(a.app_apple_id));
    await appleCard.getByLabel('Sandbox purchases count').check();
    const refused = await api.put(`${p.id}/settings/stores`, { apple: { ...a, private_key: 'not a key' } });
    expect([refused.status, refused.body.field]).toEqual([400, 'apple.private_key']);
    await page.getByTestId('apple-save').click();
    await notified(page, refused.body.error);
    await appleCard.getByText(refused.body.error).waitFor();
    await shot(page, '71-store-settings-error');
    await closeNotifications(page);

    await appleCard.getByLabel('Private key (.p8)').fill(a.private_key);
    await page.getByTestId('apple-save').click();
    await notified(page, 'Apple settings saved');
    await expect.poll(() => appleCard.getByTestId('apple-settings-status').textContent()).toBe('Configured');
    expect(await appleCard.getByLabel('Private key (.p8)').inputValue()).toBe('');

    const g = google();
    const saJson = JSON.stringify(JSON.parse(g.service_account_json), null, 2);
    const gKey = (JSON.parse(g.service_account_json) as { private_key: string; client_email: string }).private_key;
    await googleCard.getByLabel('Package name').fill(g.package_name);
    await googleCard.getByLabel('Service account JSON').fill(saJson);
    await page.getByTestId('google-save').click();
    await notified(page, 'Google settings saved');
    await expect.poll(() => googleCard.getByTestId('google-settings-status').textContent()).toBe('Configured');

    const stores = await api.get(`${p.id}/settings/stores`);
    expect(stores.status).toBe(200);
    expect(stores.body.stores.apple).toEqual({
      issuer_id: a.issuer_id,
      key_id: a.key_id,
      private_key: expect.stringMatching(/^\*\*\*\*.{4}$/),
      bundle_id: a.bundle_id,
      app_apple_id: a.app_apple_id,
      allow_sandbox: true,
    });
    expect(stores.body.stores.google).toMatchObject({
      package_name: g.package_name,
      service_account: { client_email: JSON.parse(g.service_account_json).client_email, private_key: expect.stringMatching(/^\*\*\*\*.{4}$/) },
      allow_sandbox: false,
    });
    const reply = JSON.stringify(stores.body);
    expect(reply).not.toContain(fragment(a.private_key));
    expect(reply).not.toContain(fragment(gKey));

    // After a reload the page holds only what the API shows: the masked tails, never the secrets.
    await page.reload();
    await appleCard.getByLabel('Issuer ID').waitFor();
    expect(await appleCard.getByLabel('Issuer ID').inputValue()).toBe(a.issuer_id);
    expect(await appleCard.getByLabel('App Apple ID').inputValue()).toBe(String(a.app_apple_id));
    expect(await appleCard.getByLabel('Sandbox purchases count').isChecked()).toBe(true);
    expect(await googleCard.getByLabel('Package name').inputValue()).toBe(g.package_name);
    expect(await appleCard.getByLabel('Private key (.p8)').inputValue()).toBe('');
    expect(await googleCard.getByLabel('Service account JSON').inputValue()).toBe('');
    expect(await page.getByTestId('apple-private-key-state').textContent()).toBe(`Set${stores.body.stores.apple.private_key}`);
    expect(await page.getByTestId('google-service-account-state').textContent()).toContain(stores.body.stores.google.service_account.private_key);
    const html = await page.content();
    expect(html).not.toContain(fragment(a.private_key));
    expect(html).not.toContain(fragment(gKey));
    await shot(page, '72-store-settings-saved');

    // Saving again without a key keeps the stored one (the sandbox switch goes back off).
    await appleCard.getByLabel('Sandbox purchases count').uncheck();
    await page.getByTestId('apple-save').click();
    await notified(page, 'Apple settings saved');
    const again = (await api.get(`${p.id}/settings/stores`)).body.stores.apple;
    expect(again).toEqual({ ...stores.body.stores.apple, allow_sandbox: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the operator maps products to a license and a traffic limit: add, edit, remove, save', async () => {
    const lic = await api.post(`${p.id}/licenses`, { name: 'premium', devices_limit: 10, sessions_limit: 10 });
    expect(lic.status, JSON.stringify(lic.body)).toBe(200);
    premium = lic.body.license.id;

    const page = await ctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/${p.id}/store`);
    const section = page.getByTestId('products-settings');
    await section.getByText('No products').waitFor();
    const rows = section.getByTestId('product-row');
    const add = async (productId: string) => {
      await section.getByRole('button', { name: 'Add product' }).click();
      const row = rows.last();
      await row.getByLabel('Product ID').fill(productId);
      return row;
    };
    const monthly = await add('vpn.monthly');
    await monthly.getByLabel('License').click();
    await page.getByRole('option', { name: /^premium/ }).click();
    expect(await monthly.getByLabel('Unlimited').isChecked()).toBe(true);
    const yearly = await add('vpn.yearly');
    await yearly.getByLabel('Traffic limit in bytes').fill(String(5n * GIB));
    expect(await yearly.getByLabel('Unlimited').isChecked()).toBe(false);
    await yearly.getByText('= 5 GB').waitFor();
    const extra = await add('vpn.weekly');
    // A duplicate id is caught before it reaches the server.
    await extra.getByLabel('Product ID').fill('vpn.monthly');
    await extra.getByText('Listed twice').waitFor();
    await page.getByRole('button', { name: 'Remove product vpn.monthly' }).last().click();
    expect(await rows.count()).toBe(2);
    await page.getByTestId('products-save').click();
    await notified(page, 'Products saved (2)');
    expect((await api.get(`${p.id}/settings/products`)).body.products).toEqual([
      { product_id: 'vpn.monthly', license_id: premium, traffic_limit: null },
      { product_id: 'vpn.yearly', license_id: null, traffic_limit: Number(5n * GIB) },
    ]);

    // Edit after a reload: the yearly product grants 10 GB.
    await page.reload();
    await rows.first().waitFor();
    await expect.poll(() => rows.nth(0).getByLabel('License').inputValue()).toMatch(/^premium/);
    expect(await rows.nth(1).getByLabel('License').inputValue()).toBe("Keep the user's license");
    expect(await rows.nth(1).getByLabel('Traffic limit in bytes').inputValue()).toBe(String(5n * GIB));
    await rows.nth(1).getByLabel('Traffic limit in bytes').fill(String(10n * GIB));
    await page.getByTestId('products-save').click();
    await notified(page, 'Products saved (2)');
    expect((await api.get(`${p.id}/settings/products`)).body.products[1]).toEqual({ product_id: 'vpn.yearly', license_id: null, traffic_limit: Number(10n * GIB) });
    await closeNotifications(page);
    await page.evaluate('window.scrollTo(0, 0)'); // the fixed header would land mid-page in a full-page shot
    await shot(page, '73-store-products');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('(b) a purchase makes the user paid on the User page; the operator disables it and the user returns to the free limit', async () => {
    dev = await loginDevice(h.t, p.id);
    expect(dev.res.status).toBe(200);
    const userPath = `${p.id}/subscribers/${dev.userId}`;
    const page = await ctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/${p.id}/users/${dev.userId}`);
    expect(await page.getByTestId('traffic-limit').textContent()).toBe(FREE_TEXT);
    expect(await page.getByTestId('field-purchases').textContent()).toBe('None');
    await shot(page, '74-user-free');

    // The app hands over the signed transaction it got from StoreKit.
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + 30 * DAY });
    const bought = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);
    monthlyPurchase = bought.body.purchase_id;
    await page.reload();
    await expect.poll(() => page.getByTestId('field-purchases').textContent()).toBe('Active');
    expect(await page.getByTestId('traffic-limit').textContent()).toBe('Unlimited');
    await expect.poll(() => page.getByTestId('license-select').inputValue()).toMatch(/^premium/);
    const paid = (await api.get(userPath)).body.subscriber;
    expect(paid).toMatchObject({ purchase: 'active', traffic: { unlimited: true }, license: { id: premium } });
    await shot(page, '75-user-paid');

    await page.getByRole('tab', { name: 'Purchases' }).click();
    const row = page.locator(`[data-purchase-id="${monthlyPurchase}"]`);
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 3)).toEqual([sub.originalTransactionId, 'vpn.monthly', 'apple']);
    await row.getByRole('button', { name: 'Disable purchase' }).click();
    await notified(page, 'deactivated');
    await row.getByRole('button', { name: 'Activate purchase' }).waitFor();
    expect(await row.locator('td').nth(5).textContent()).toBe('Nodeactivated by an operator');
    await shot(page, '76-purchase-disabled');

    await page.getByRole('tab', { name: 'General' }).click();
    await expect.poll(() => page.getByTestId('traffic-limit').textContent()).toBe(FREE_TEXT);
    expect(await page.getByTestId('field-purchases').textContent()).toBe('None');
    const free = (await api.get(userPath)).body.subscriber;
    expect(free).toMatchObject({ purchase: 'none', traffic: { unlimited: false, limit: Number(FREE_LIMIT) } });
    expect(free.license.id).not.toBe(premium); // back to the project's default license
    await expect.poll(() => page.getByTestId('license-select').inputValue()).toMatch(/^default/);
    await closeNotifications(page);
    await shot(page, '77-user-free-again');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('(c) a purchase the store revoked turns inactive at the 24-hour re-verification', async () => {
    const userPath = `${p.id}/subscribers/${dev.userId}`;
    const sub = h.apple.subscribe({ productId: 'vpn.yearly', expiresDate: h.t.clock.now() + 365 * DAY });
    const bought = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);
    const yearlyPurchase = bought.body.purchase_id as number;

    const page = await ctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/${p.id}/users/${dev.userId}`);
    expect(await page.getByTestId('field-purchases').textContent()).toBe('Active');
    expect(await page.getByTestId('traffic-limit').textContent()).toBe('10,240 MB per day'); // the product's limit
    await shot(page, '78-user-yearly');
    await page.close();
    expect(errors).toEqual([]);

    // The store revokes it (Family Sharing ended); nobody tells Gatehouse, so the daily check finds out.
    Object.assign(h.apple.get(sub.originalTransactionId), { status: 5, revocationDate: h.t.clock.now(), revocationType: 'FAMILY_REVOKE' });
    h.t.clock.advance(25 * 3600_000);
    await runJobOnce(h.t.ctx, 'reverify-purchases');

    // A day later the console sessions have expired (12 h): sign in again.
    ctx = await signedInContext(browser, h.t.url, OWNER);
    api = await memberApi(h.t.url, OWNER);
    const purchases = (await api.get(`${userPath}/purchase`)).body.purchases as Array<Record<string, unknown>>;
    expect(purchases.find((x) => x.id === yearlyPurchase)).toMatchObject({ active: false, verify_error: 'revoked', next_verify_at: null });
    expect(purchases.find((x) => x.id === monthlyPurchase)).toMatchObject({ active: false, verify_error: 'deactivated by an operator' });
    expect((await api.get(userPath)).body.subscriber).toMatchObject({ purchase: 'none', traffic: { unlimited: false, limit: Number(FREE_LIMIT) } });

    const again = await ctx.newPage();
    const errors2 = watchConsole(again);
    await again.goto(`/projects/${p.id}/users/${dev.userId}`);
    expect(await again.getByTestId('field-purchases').textContent()).toBe('None');
    expect(await again.getByTestId('traffic-limit').textContent()).toBe(FREE_TEXT);
    await again.getByRole('tab', { name: 'Purchases' }).click();
    const row = again.locator(`[data-purchase-id="${yearlyPurchase}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('vpn.yearly');
    expect(await row.locator('td').nth(5).textContent()).toBe('Norevoked');
    await row.getByRole('button', { name: 'Activate purchase' }).waitFor();
    await shot(again, '79-purchase-revoked');
    expect(errors2).toEqual([]);
    await again.close();
  });

  it('support sees the store settings read-only, and the server refuses its changes', async () => {
    const sctx = await signedInContext(browser, h.t.url, SUPPORT);
    const page = await sctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/${p.id}/users`);
    await page.getByRole('link', { name: 'Store settings' }).click();
    await page.getByTestId('read-only-note').waitFor();
    await page.getByTestId('product-row').first().waitFor();
    expect(await page.getByTestId('apple-settings-status').textContent()).toBe('Configured');
    expect(await page.getByRole('button', { name: /Save|Remove|Add product/ }).count()).toBe(0);
    expect(await page.locator('textarea').count()).toBe(0);
    const issuer = page.getByTestId('apple-settings').getByLabel('Issuer ID');
    expect(await issuer.inputValue()).toBe(apple().issuer_id);
    expect(await issuer.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('apple-private-key-state').textContent()).toMatch(/^Set\*\*\*\*.{4}$/);
    await shot(page, '80-support-store-settings');
    expect(errors).toEqual([]);

    const sapi = await memberApi(h.t.url, SUPPORT);
    expect((await sapi.get(`${p.id}/settings/stores`)).status).toBe(200);
    const put = await sapi.put(`${p.id}/settings/stores`, { apple: apple() });
    expect([put.status, put.body.result]).toEqual([403, 'FORBIDDEN']);
    const products = await sapi.put(`${p.id}/settings/products`, { products: [] });
    expect([products.status, products.body.result]).toEqual([403, 'FORBIDDEN']);
    expect((await api.get(`${p.id}/settings/products`)).body.products).toHaveLength(2);
    await sctx.close();
  });
});
