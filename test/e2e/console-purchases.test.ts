/**
 * The User page's Purchases tab against a fake App Store: the operator sees the purchase with its raw
 * data, disables it (the user turns free), activates it again (verified with the store), and sees the
 * store's reason when activation is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addMember } from '../../src/services/members.ts';
import { DAY, startStoreHarness, storeProject, type StoreHarness } from '../purchases/harness.ts';
import { OWNER, buildConsole, hasChromium, NO_CHROMIUM, launch, memberApi, shot, signedInContext, watchConsole } from './console-harness.ts';

describe.skipIf(!hasChromium)(`console: purchases of a public-project user${NO_CHROMIUM}`, () => {
  let h: StoreHarness;
  let p: Awaited<ReturnType<typeof storeProject>>;
  let browser: Browser;
  let ctx: BrowserContext;
  let api: Awaited<ReturnType<typeof memberApi>>;

  beforeAll(async () => {
    await buildConsole();
    h = await startStoreHarness('sqlite');
    p = await storeProject(h);
    await addMember(h.t.ctx, OWNER.email, OWNER.password, p.id, 'owner', 'test');
    browser = await launch();
    ctx = await signedInContext(browser, h.t.url, OWNER);
    api = await memberApi(h.t.url, OWNER);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const notified = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();

  it('shows the purchase, disables it, activates it again, and reports why the store refuses', async () => {
    const sub = h.apple.subscribe({ productId: 'vpn.monthly', expiresDate: h.t.clock.now() + 30 * DAY });
    const dev = await p.user();
    const bought = await dev.client.post('/user/purchase', { type: 'apple', token: await h.apple.signedTransaction(sub.originalTransactionId) });
    expect(bought.status, JSON.stringify(bought.body)).toBe(200);
    const purchaseId = bought.body.purchase_id as number;
    const userPath = `${p.id}/subscribers/${dev.userId}`;

    const page = await ctx.newPage();
    const errors = watchConsole(page, [400]);
    await page.goto(`/projects/${p.id}/users`);
    await expect.poll(() => page.locator(`[data-user-id="${dev.userId}"]`).getByTestId('purchase-cell').textContent()).toBe('Active');
    await page.goto(`/projects/${p.id}/users/${dev.userId}`);
    expect(await page.getByTestId('field-purchases').textContent()).toBe('Active');
    await page.getByRole('tab', { name: 'Purchases' }).click();
    const row = page.locator(`[data-purchase-id="${purchaseId}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual([sub.originalTransactionId, 'vpn.monthly', 'apple']);
    expect(cells[5]).toBe('Yes');
    expect(cells[6]).toBe('No');
    await shot(page, '50-user-purchases');
    await row.getByRole('button', { name: 'View JSON' }).click();
    const raw = page.getByRole('dialog', { name: /Raw data/ });
    expect(await raw.getByTestId('json-viewer').textContent()).toContain('"productId": "vpn.monthly"');
    await shot(page, '51-purchase-raw-data');
    await page.keyboard.press('Escape');
    await raw.waitFor({ state: 'hidden' });

    await row.getByRole('button', { name: 'Disable purchase' }).click();
    await notified(page, 'deactivated');
    await row.getByRole('button', { name: 'Activate purchase' }).waitFor();
    expect((await api.get(`${userPath}/purchase`)).body.purchases[0].active).toBe(false);
    expect((await api.get(userPath)).body.subscriber.purchase).toBe('none');

    await row.getByRole('button', { name: 'Activate purchase' }).click();
    await notified(page, 'activated');
    await row.getByRole('button', { name: 'Disable purchase' }).waitFor();
    expect((await api.get(userPath)).body.subscriber.purchase).toBe('active');

    // The store now says the subscription expired: activation is refused with its reason.
    await row.getByRole('button', { name: 'Disable purchase' }).click();
    await notified(page, 'deactivated');
    Object.assign(h.apple.get(sub.originalTransactionId), { status: 2, expiresDate: h.t.clock.now() - DAY });
    const refused = await api.post(`${userPath}/purchase/${purchaseId}/activate`, {});
    expect(refused.status).toBe(400);
    await row.getByRole('button', { name: 'Activate purchase' }).click();
    await notified(page, refused.body.error);
    await shot(page, '52-purchase-activation-refused');
    expect((await api.get(`${userPath}/purchase`)).body.purchases[0].active).toBe(false);
    expect(errors).toEqual([]);
  });
});
