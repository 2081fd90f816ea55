/**
 * The console on a private (business) project: the operator adds users (Invited), edits the status
 * and description of selected users in bulk, and adds or updates users from a CSV file with a
 * per-row report. Checked in the page and through the API.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, OWNER, buildConsole, hasChromium, NO_CHROMIUM, launch, memberApi, shot, signedInContext, startWorld, watchConsole, type World } from './console-harness.ts';

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe.skipIf(!hasChromium)(`console: owner on a private project${NO_CHROMIUM}`, () => {
  let w: World;
  let browser: Browser;
  let ctx: BrowserContext;
  let api: Awaited<ReturnType<typeof memberApi>>;

  beforeAll(async () => {
    await buildConsole();
    w = await startWorld();
    browser = await launch();
    ctx = await signedInContext(browser, w.t.url, OWNER);
    api = await memberApi(w.t.url, OWNER);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const open = async (path: string, expected: number[] = []) => {
    const page = await ctx.newPage();
    const errors = watchConsole(page, expected);
    await page.goto(path);
    await page.getByTestId('users-table').waitFor();
    return { page, errors };
  };
  const notified = (page: Page, text: string | RegExp) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();
  const byName = async (name: string) =>
    ((await api.get(`biz/subscribers?search_by=name&q=${encodeURIComponent(name)}`)).body.subscribers as Array<Record<string, unknown>>).find((s) => s.name === name);
  const create = async (externalId: string, extra: Record<string, unknown> = {}) =>
    (await api.post('biz/subscribers', { auth_method: 'firebase', external_id: externalId, ...extra })).body.subscriber as { id: number; name: string };

  it('adds a user who starts Invited, and shows the server error for a duplicate', async () => {
    const { page, errors } = await open('/projects/biz/users', [409]);
    expect(await page.getByRole('columnheader', { name: 'Purchases' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('External ID').fill('dana@biz.test');
    await dialog.getByLabel('Description').fill('Dana Scully');
    await dialog.getByLabel('Country').fill('Ireland');
    await page.getByRole('option', { name: /Ireland/ }).click();
    await shot(page, '20-add-user-dialog');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await notified(page, /User firebase_dana@biz\.test added .*invited/);
    await dialog.waitFor({ state: 'hidden' });
    expect(await byName('firebase_dana@biz.test')).toMatchObject({ status: 'invited', description: 'Dana Scully', country: 'IE' });
    await page.locator('[data-testid=users-table] tr', { hasText: 'firebase_dana@biz.test' }).getByText('Invited').waitFor();

    const dup = await api.post('biz/subscribers', { auth_method: 'firebase', external_id: 'dana@biz.test' });
    expect(dup.status).toBe(409);
    await page.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByLabel('External ID').fill('dana@biz.test');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await notified(page, dup.body.error);
    await shot(page, '21-add-user-duplicate');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('updates the status and description of the selected users in bulk', async () => {
    const [a, b, c] = [await create('bulk-a'), await create('bulk-b'), await create('bulk-c')];
    const { page, errors } = await open('/projects/biz/users');
    await page.getByLabel(`Select user ${a.id}`).check();
    await page.getByLabel(`Select user ${b.id}`).check();
    await page.getByRole('button', { name: 'Update selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update 2 user(s)' });
    await dialog.getByTestId('bulk-status').click();
    await page.getByRole('option', { name: 'Disabled' }).click();
    await dialog.getByLabel('Change description').check();
    await dialog.getByRole('textbox', { name: 'Description' }).fill('contractor, left');
    await shot(page, '22-bulk-update-dialog');
    await dialog.getByRole('button', { name: 'Update', exact: true }).click();
    await notified(page, '2 user(s) updated');
    for (const u of [a, b]) {
      expect((await api.get(`biz/subscribers/${u.id}`)).body.subscriber).toMatchObject({ status: 'disabled', description: 'contractor, left' });
    }
    expect((await api.get(`biz/subscribers/${c.id}`)).body.subscriber).toMatchObject({ status: 'invited', description: '' });
    await page.locator(`[data-user-id="${a.id}"]`).getByText('Disabled').waitFor();
    expect(await page.getByTestId('selection-bar').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('adds and updates users from a CSV file and offers the per-row report as CSV', async () => {
    const erin = await create('erin@biz.test', { description: 'Erin' });
    const lic = (await api.post('biz/licenses', { name: '2-2', devices_limit: 2, sessions_limit: 2 })).body.license;
    const badLicense = await api.post('biz/subscribers', { auth_method: 'firebase', external_id: 'bad-license', license_id: 999_999 });
    expect(badLicense.status).toBe(404);
    const csv = join(ARTIFACTS, 'import.csv');
    writeFileSync(
      csv,
      [
        'external_id,auth_method,extref,description,country,license_id,status',
        'erin@biz.test,firebase,hr-5,,fr,,disabled',
        `frank@biz.test,firebase,hr-6,"Frank, the new one",DE,${lic.id},`,
        'nobody,carrier-pigeon,,,,,',
        'bad-country,firebase,,,XX,,',
        'bad-license,firebase,,,,999999,',
      ].join('\n'),
    );
    const { page, errors } = await open('/projects/biz/users', [404]);
    await page.getByRole('button', { name: 'Upload CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add or update users from CSV' });
    await dialog.locator('input[type=file]').setInputFiles(csv);
    await dialog.getByText('5 row(s) ready to import.').waitFor();
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByTestId('csv-report').waitFor();
    expect(await dialog.getByTestId('csv-summary').textContent()).toContain('1 updated, 1 created, 3 failed');
    await shot(page, '23-csv-report');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download report' }).click()]);
    const report = readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
    expect(report[0]).toBe('line,name,outcome,user_id,message');
    expect(report[1]).toMatch(new RegExp(`^2,firebase_erin@biz\\.test,updated,${erin.id},`));
    expect(report[2]).toMatch(/^3,firebase_frank@biz\.test,created,\d+,created \(invited\)$/);
    expect(report[3]).toMatch(/^4,carrier-pigeon_nobody,failed,,"auth_method must be one of/);
    expect(report[4]).toBe('5,firebase_bad-country,failed,,"country must be an ISO 3166-1 alpha-2 code, e.g. DE"');
    // The server's own error text for a row it refuses.
    expect(report[5]).toBe(`6,firebase_bad-license,failed,,${csvField(badLicense.body.error)}`);

    expect((await api.get(`biz/subscribers/${erin.id}`)).body.subscriber).toMatchObject({ extref: 'hr-5', country: 'FR', status: 'disabled', description: 'Erin' });
    const frank = await byName('firebase_frank@biz.test');
    expect(frank).toMatchObject({ extref: 'hr-6', description: 'Frank, the new one', country: 'DE', license_id: lic.id, status: 'invited' });
    expect(errors).toEqual([]);
  });

  it('has no Purchases tab or field on the User page of a private project', async () => {
    const u = await create('grace@biz.test');
    const page = await ctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/biz/users/${u.id}`);
    await page.getByTestId('field-status').waitFor();
    expect(await page.getByRole('tab').allTextContents()).toEqual(['General', 'Sessions', 'Devices']);
    expect(await page.getByTestId('field-purchases').count()).toBe(0);
    expect(await page.getByTestId('field-status').textContent()).toContain('Invited');
    await shot(page, '24-private-user-general');
    expect(errors).toEqual([]);
  });
});
