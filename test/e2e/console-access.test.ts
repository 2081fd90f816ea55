/**
 * The console's access rules and reach: a support member sees no action its role lacks and the
 * server refuses those actions anyway; signing out ends the session; the pages work at 390 px and
 * the dialogs by keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { OWNER, SUPPORT, buildConsole, hasChromium, NO_CHROMIUM, launch, memberApi, shot, signedInContext, startWorld, watchConsole, type World } from './console-harness.ts';

describe.skipIf(!hasChromium)(`console: roles, sign-out, small screens, keyboard${NO_CHROMIUM}`, () => {
  let w: World;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsole();
    w = await startWorld({ crowd: 3 });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('shows support no delete or license actions, and the server refuses them', async () => {
    const ctx = await signedInContext(browser, w.t.url, SUPPORT);
    const page = await ctx.newPage();
    const errors = watchConsole(page);
    await page.goto(`/projects/pub/users/${w.alice.userId}`);
    await page.getByTestId('field-status').waitFor();
    expect(await page.getByTestId('project-switcher').inputValue()).toContain('support');
    expect(await page.getByRole('button', { name: 'Delete user' }).count()).toBe(0);
    // support may still edit users (roles.ts): the description change goes through
    await page.getByTestId('description-input').fill('Called on Monday');
    await page.getByTestId('details-save').click();
    await page.locator('.mantine-Notification-root', { hasText: 'User details saved' }).waitFor();
    await shot(page, '30-support-user-general');
    await page.goto('/projects/pub/licenses');
    await page.getByTestId('licenses-table').locator('tbody tr').first().waitFor();
    expect(await page.getByRole('button', { name: /New license|Edit|Delete/ }).count()).toBe(0);
    await shot(page, '31-support-licenses');
    expect(errors).toEqual([]);

    const api = await memberApi(w.t.url, SUPPORT);
    expect((await api.get(`pub/subscribers/${w.alice.userId}`)).body.subscriber.description).toBe('Called on Monday');
    const del = await api.del(`pub/subscribers/${w.alice.userId}?confirm=${w.alice.userId}`);
    expect([del.status, del.body.result]).toEqual([403, 'FORBIDDEN']);
    const lic = await api.post('pub/licenses', { name: '9-9', devices_limit: 9, sessions_limit: 9 });
    expect([lic.status, lic.body.result]).toEqual([403, 'FORBIDDEN']);
    const foreign = await api.get('biz/subscribers');
    expect(foreign.status).toBe(403);
    expect((await api.get(`pub/subscribers/${w.alice.userId}`)).status).toBe(200);
    await ctx.close();
  });

  it('signs out from the member menu; the session cookie stops working', async () => {
    const ctx = await signedInContext(browser, w.t.url, OWNER);
    const page = await ctx.newPage();
    const errors = watchConsole(page, [401]);
    await page.goto('/projects/pub/users');
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('member-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    expect((await ctx.request.get('/console/api/session')).status()).toBe(401);
    await page.goto('/projects/pub/licenses');
    await page.waitForURL(/\/sign-in\?next=%2Fprojects%2Fpub%2Flicenses/);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('works at 390 px: navigation behind the burger, wide tables scroll in place', async () => {
    const ctx = await signedInContext(browser, w.t.url, OWNER, { width: 390, height: 844 });
    const page = await ctx.newPage();
    const errors = watchConsole(page);
    const noPageOverflow = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    await page.goto('/projects/pub/users');
    await page.getByTestId('users-table').locator('tbody tr').first().waitFor();
    expect(await noPageOverflow()).toBe(true);
    await shot(page, '40-mobile-users');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await shot(page, '41-mobile-navigation');
    await page.getByRole('link', { name: 'Active sessions' }).click();
    await page.getByTestId('active-sessions-table').locator('tbody tr').first().waitFor();
    expect(await noPageOverflow()).toBe(true);
    await page.goto(`/projects/pub/users/${w.alice.userId}`);
    await page.getByTestId('traffic-chart').locator('svg').first().waitFor();
    expect(await noPageOverflow()).toBe(true);
    await shot(page, '42-mobile-user-general');
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByRole('dialog', { name: 'Traffic limit' }).waitFor();
    await shot(page, '43-mobile-traffic-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.getByTestId('sessions-table').locator('tbody tr').first().waitFor();
    expect(await noPageOverflow()).toBe(true);
    await shot(page, '44-mobile-user-sessions');
    await page.getByRole('tab', { name: 'Devices' }).click();
    await page.getByTestId('devices-table').locator('tbody tr').first().waitFor();
    await shot(page, '45-mobile-user-devices');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('runs dialogs from the keyboard: focus lands in the dialog, Escape cancels, Enter confirms', async () => {
    const ctx = await signedInContext(browser, w.t.url, OWNER);
    const page = await ctx.newPage();
    const errors = watchConsole(page);
    const victim = w.crowd[2]!;
    await page.goto(`/projects/pub/users/${victim.userId}`);
    await page.getByTestId('field-traffic').waitFor();

    await page.getByRole('button', { name: 'Change' }).focus();
    await page.keyboard.press('Enter');
    const traffic = page.getByRole('dialog', { name: 'Traffic limit' });
    await traffic.waitFor();
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('traffic-limit-input');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2048');
    await page.keyboard.press('Enter');
    await page.locator('.mantine-Notification-root', { hasText: 'Traffic limit set to 2 KB' }).waitFor();
    await traffic.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Delete user' }).focus();
    await page.keyboard.press('Enter');
    const del = page.getByRole('dialog', { name: 'Delete user' });
    await del.waitFor();
    await page.keyboard.press('Escape');
    await del.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete user' }).focus();
    await page.keyboard.press('Enter');
    await del.waitFor();
    await page.keyboard.type(String(victim.userId));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/projects\/pub\/users$/);
    const api = await memberApi(w.t.url, OWNER);
    expect((await api.get(`pub/subscribers/${victim.userId}`)).status).toBe(404);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
