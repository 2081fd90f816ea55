/**
 * The console in a real browser against the real server: an owner on a public project signs in,
 * searches users by every key, opens the User page and performs every action of the seed, checking
 * the page and the API after each. Screenshots land in test-artifacts/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatBytes, formatMB } from '../../console/src/lib/bytes.ts';
import { BIG, OWNER, buildConsole, hasChromium, NO_CHROMIUM, launch, memberApi, shot, signedInContext, startWorld, watchConsole, type World } from './console-harness.ts';

describe.skipIf(!hasChromium)(`console: owner on a public project${NO_CHROMIUM}`, () => {
  let w: World;
  let browser: Browser;
  let ctx: BrowserContext;
  let api: Awaited<ReturnType<typeof memberApi>>;
  let aliceName: string;
  const pages: Array<{ page: Page; errors: string[] }> = [];

  beforeAll(async () => {
    await buildConsole();
    w = await startWorld({ crowd: 55 });
    browser = await launch();
    ctx = await signedInContext(browser, w.t.url, OWNER);
    api = await memberApi(w.t.url, OWNER);
    aliceName = (await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber.name;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  /** A fresh tab; its console must stay clean apart from the statuses listed. */
  const open = async (path: string, expected: number[] = []) => {
    const page = await ctx.newPage();
    const errors = watchConsole(page, expected);
    pages.push({ page, errors });
    await page.goto(path);
    return { page, errors };
  };
  const userPage = (id: number, tab = '') => `/projects/pub/users/${id}${tab ? `/${tab}` : ''}`;
  const pick = async (page: Page, testId: string, option: string | RegExp) => {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option }).click();
  };
  const notified = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();

  it('signs in with email and password, showing the server error for a wrong password', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: w.t.url });
    const page = await fresh.newPage();
    const errors = watchConsole(page, [401]);
    await page.goto('/projects/pub/users');
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toMatch(/\S/);
    await shot(page, '01-sign-in-error');
    await page.getByRole('textbox', { name: 'Password' }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/projects/pub/users');
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('project-switcher').inputValue()).toContain('Public VPN');
    expect(errors).toEqual([]);
    await fresh.close();
  });

  it('lists users in pages of 50 with next and previous', async () => {
    const { page, errors } = await open('/projects/pub/users');
    const rows = page.locator('[data-testid=users-table] tbody tr[data-user-id]');
    await expect.poll(() => rows.count()).toBe(50);
    await expect.poll(() => page.getByRole('columnheader', { name: 'Purchases' }).count()).toBe(1);
    await shot(page, '02-users-list');
    const firstPage = await rows.first().getAttribute('data-user-id');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rows.count()).toBe(56 - 50);
    expect(await page.getByTestId('page-number').textContent()).toBe('Page 2');
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => rows.first().getAttribute('data-user-id')).toBe(firstPage);
    expect(errors).toEqual([]);
  });

  it('searches by user id, name, extref, device id and device token, one key at a time', async () => {
    const { page, errors } = await open('/projects/pub/users');
    const phone = w.alice.devices[0]!;
    const searches: Array<[string, string]> = [
      ['User ID', String(w.alice.userId)],
      ['User name', aliceName],
      ['Extref', 'crm-alice'],
      ['Device ID', phone.deviceId],
      ['Device token', phone.client.token!],
    ];
    const rows = page.locator('[data-testid=users-table] tbody tr[data-user-id]');
    for (const [key, q] of searches) {
      await pick(page, 'search-key', key);
      await page.getByTestId('search-input').fill(q);
      await page.getByTestId('search-input').press('Enter');
      await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-user-id'))), { message: key }).toEqual([String(w.alice.userId)]);
    }
    await shot(page, '03-users-search');
    await pick(page, 'search-key', 'Extref');
    await page.getByTestId('search-input').fill('nobody-has-this');
    await page.getByTestId('search-input').press('Enter');
    await page.getByText('No users found').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => rows.count()).toBe(50);
    // A row opens the User page.
    await rows.first().click();
    await page.waitForURL(/\/projects\/pub\/users\/\d+$/);
    expect(errors).toEqual([]);
  });

  it('shows every General field of the seed with the traffic chart', async () => {
    const { page, errors } = await open(userPage(w.alice.userId));
    const u = (await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber;
    await page.getByTestId('traffic-chart').locator('svg').first().waitFor();
    expect(await page.getByTestId('user-title').textContent()).toBe(aliceName);
    expect(await page.getByTestId('traffic-limit').textContent()).toBe('Unlimited');
    expect(await page.getByTestId('traffic-usage').textContent()).toContain(`Used ${formatMB(u.traffic.used)}`);
    expect(await page.getByTestId('traffic-resets').textContent()).toMatch(/Period resets \d{4}-\d\d-\d\d/);
    expect(await page.getByTestId('license-select').inputValue()).toContain(u.license.name);
    expect(await page.getByTestId('field-devices').textContent()).toMatch(/^2 \(no limit\) · 1 active session/);
    expect(await page.getByTestId('field-status').textContent()).toContain('Active');
    expect(await page.getByTestId('field-registered').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await page.getByTestId('field-purchases').textContent()).toBe('None');
    expect(await page.getByTestId('field-auth-method').textContent()).toBe('firebase');
    expect(await page.getByTestId('extref-input').inputValue()).toBe('crm-alice');
    expect(await page.getByTestId('description-input').inputValue()).toBe('Alice Example');
    await shot(page, '04-user-general');
    expect(errors).toEqual([]);
  });

  it('sets a byte limit beyond 2^53 with "Traffic reset", then makes the user unlimited', async () => {
    const { page, errors } = await open(userPage(w.alice.userId));
    await page.getByRole('button', { name: 'Change' }).click();
    const dialog = page.getByRole('dialog', { name: 'Traffic limit' });
    await dialog.getByTestId('traffic-limit-input').fill(BIG.toString());
    await dialog.getByRole('switch', { name: 'Traffic reset' }).check({ force: true });
    await shot(page, '05-traffic-dialog');
    await dialog.getByRole('button', { name: 'Set limit' }).click();
    await notified(page, 'usage reset');
    await expect.poll(() => page.getByTestId('traffic-limit').textContent()).toBe(`${formatMB(BIG)} per day`);
    expect(await page.getByTestId('traffic-usage').textContent()).toContain('Used 0 MB');
    const set = (await api.get(`pub/subscribers/${w.alice.userId}/traffic`)).body.traffic;
    expect(set).toMatchObject({ limit: BIG, used: 0, unlimited: false });
    expect(set.reset_at).not.toBeNull();

    await page.getByRole('button', { name: 'Change' }).click();
    await dialog.getByTestId('traffic-limit-input').fill('12abc');
    await dialog.getByText('Whole number of bytes, digits only').waitFor();
    expect(await dialog.getByRole('button', { name: 'Set limit' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Unlimited').check();
    await dialog.getByRole('button', { name: 'Set limit' }).click();
    await notified(page, 'Traffic set to unlimited');
    await expect.poll(() => page.getByTestId('traffic-limit').textContent()).toBe('Unlimited');
    expect((await api.get(`pub/subscribers/${w.alice.userId}/traffic`)).body.traffic).toMatchObject({ unlimited: true, limit: null });
    expect(errors).toEqual([]);
  });

  it('changes the license, and saves extref, description and country', async () => {
    const lic = (await api.post('pub/licenses', { name: '3-5', devices_limit: 3, sessions_limit: 5 })).body.license;
    const { page, errors } = await open(userPage(w.alice.userId));
    await pick(page, 'license-select', /^3-5 /);
    await page.getByTestId('license-save').click();
    await notified(page, 'License updated');
    await expect.poll(async () => (await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber.license.id).toBe(lic.id);
    await expect.poll(() => page.getByTestId('field-devices').textContent()).toMatch(/^2 of 3/);

    await page.getByTestId('extref-input').fill('crm-alice-2');
    await page.getByTestId('description-input').fill('Alice Q. Example');
    await page.getByTestId('country-select').fill('Germany');
    await page.getByRole('option', { name: /Germany/ }).click();
    await page.getByTestId('details-save').click();
    await notified(page, 'User details saved');
    const u = (await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber;
    expect(u).toMatchObject({ extref: 'crm-alice-2', description: 'Alice Q. Example', country: 'DE' });
    expect(await page.getByTestId('details-save').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('disables and re-enables the user with the status switch', async () => {
    const { page, errors } = await open(userPage(w.alice.userId));
    const sw = page.getByTestId('status-switch');
    await sw.click({ force: true });
    await notified(page, 'User disabled');
    await expect.poll(() => page.getByTestId('field-status').textContent()).toContain('Disabled');
    expect((await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber.status).toBe('disabled');
    await shot(page, '06-user-disabled');
    await sw.click({ force: true });
    await notified(page, 'User enabled');
    await expect.poll(async () => (await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber.status).toBe('active');
    expect(errors).toEqual([]);
  });

  it('lists sessions active first and marked, sorts by a column, filters by device, refuses windows over 30 days', async () => {
    const { page, errors } = await open(userPage(w.alice.userId, 'sessions'));
    const rows = page.locator('[data-testid=sessions-table] tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.first().getAttribute('data-active')).toBe('true');
    expect(await rows.first().textContent()).toContain('Active');
    expect(await rows.filter({ hasText: formatBytes(BIG) }).count()).toBe(1);
    await shot(page, '07-user-sessions');

    await page.getByRole('button', { name: /^Download/ }).click();
    await page.waitForURL(/sort=download&order=desc/);
    await expect.poll(() => rows.nth(1).textContent()).toContain(formatBytes(BIG));
    expect(await rows.first().getAttribute('data-active')).toBe('true');
    await page.getByRole('button', { name: /^Download/ }).click();
    await page.waitForURL(/order=asc/);
    await expect.poll(() => rows.last().textContent()).toContain(formatBytes(BIG));

    const phone = w.alice.devices[0]!;
    await pick(page, 'session-device-filter', new RegExp(`^${phone.devicePk} `));
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent))).toEqual([String(phone.devicePk), String(phone.devicePk)]);

    await page.goto(`${userPage(w.alice.userId, 'sessions')}?from=2026-01-01T00:00:00&to=2026-03-01T00:00:00`);
    await page.getByTestId('session-window-error').waitFor();
    expect(await page.getByTestId('session-window-error').textContent()).toBe('The selected period can be up to 30 days');
    await shot(page, '08-sessions-window-error');
    await page.getByRole('button', { name: '7 days' }).click();
    await expect.poll(() => rows.count()).toBe(4);
    expect(errors).toEqual([]);
  });

  it('masks device tokens with reveal and copy, and deletes a device after confirmation', async () => {
    const dev = w.crowd[0]!;
    const { page, errors } = await open(userPage(dev.userId, 'devices'));
    const row = page.locator(`[data-device-id="${dev.devicePk}"]`);
    await row.waitFor();
    expect(await row.getByTestId('secret-value').textContent()).toBe('•'.repeat(12));
    await row.getByRole('button', { name: /^Reveal/ }).click();
    expect(await row.getByTestId('secret-value').textContent()).toBe(dev.client.token);
    await row.getByRole('button', { name: /^Copy/ }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(dev.client.token);
    await shot(page, '09-user-devices');
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete device' });
    await dialog.waitFor();
    await shot(page, '10-delete-device-dialog');
    await dialog.getByRole('button', { name: 'Delete device' }).click();
    await notified(page, `Device ${dev.devicePk} deleted`);
    await page.getByText('No devices').waitFor();
    expect((await api.get(`pub/subscribers/${dev.userId}/devices`)).body.devices).toEqual([]);
    expect((await api.get(`pub/subscribers/${dev.userId}`)).body.subscriber.activated_devices).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the Purchases tab in a public project', async () => {
    const { page, errors } = await open(userPage(w.alice.userId, 'purchases'), [404]);
    const served = (await api.get(`pub/subscribers/${w.alice.userId}/purchase`)).status === 200;
    if (served) await page.getByTestId('purchases-table').getByText('No purchases').waitFor();
    else await page.getByText('Purchases are not available on this server yet.').waitFor();
    await shot(page, '11-user-purchases');
    expect(errors).toEqual([]);
  });

  it('deletes a user only after its ID is typed', async () => {
    const dev = w.crowd[1]!;
    const { page, errors } = await open(userPage(dev.userId));
    await page.getByRole('button', { name: 'Delete user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete user' });
    const confirm = dialog.getByRole('button', { name: 'Delete user data' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('User ID').fill(String(dev.userId + 1));
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('User ID').fill(String(dev.userId));
    await shot(page, '12-delete-user-dialog');
    await confirm.click();
    await page.waitForURL(/\/projects\/pub\/users$/);
    await notified(page, `User ${dev.userId} and all its data deleted`);
    expect((await api.get(`pub/subscribers/${dev.userId}`)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('lists active sessions project-wide, newest first, and opens the User page from a row', async () => {
    const { page, errors } = await open('/projects/pub/sessions');
    const rows = page.locator('[data-testid=active-sessions-table] tbody tr[data-user-id]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(formatBytes(734_003_200n));
    await shot(page, '13-active-sessions');
    await rows.first().click();
    await page.waitForURL(`**/projects/pub/users/${w.alice.userId}`);
    expect(errors).toEqual([]);
  });

  it('creates, edits and deletes a license', async () => {
    const { page, errors } = await open('/projects/pub/licenses');
    await page.getByRole('button', { name: 'New license' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('7-9');
    await dialog.getByLabel('Devices limit').fill('7');
    await dialog.getByLabel('Sessions limit').fill('9');
    await shot(page, '14-license-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await notified(page, 'License 7-9 saved');
    const created = (await api.get('pub/licenses')).body.licenses.find((l: { name: string }) => l.name === '7-9');
    expect(created).toMatchObject({ devices_limit: 7, sessions_limit: 9 });
    const row = page.locator(`[data-license-id="${created.id}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Name').fill('8-9');
    await dialog.getByLabel('Devices limit').fill('8');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await notified(page, 'License 8-9 saved');
    await expect.poll(() => row.textContent()).toContain('8-9');
    await shot(page, '15-licenses');
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete license' }).getByRole('button', { name: 'Delete license' }).click();
    await notified(page, 'License 8-9 deleted');
    await row.waitFor({ state: 'detached' });
    expect((await api.get('pub/licenses')).body.licenses.map((l: { id: number }) => l.id)).not.toContain(created.id);
    expect(errors).toEqual([]);
  });

  it('shows the audit log of these changes', async () => {
    const { page, errors } = await open('/projects/pub/log');
    const rows = page.locator('[data-testid=audit-table] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    expect(await page.getByTestId('audit-table').textContent()).toContain(`member:${OWNER.email}`);
    await shot(page, '16-audit-log');
    expect(errors).toEqual([]);
  });
});
