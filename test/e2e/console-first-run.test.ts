/** A fresh installation: the first owner signs in and creates the first project from the console. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildConsole, hasChromium, NO_CHROMIUM, launch, shot, signedInContext, watchConsole } from './console-harness.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { ensureFirstOwner } from '../../src/services/members.ts';

const ADMIN = { email: 'first@e2e.test', password: 'first owner password' };

describe.skipIf(!hasChromium)(`console: first run${NO_CHROMIUM}`, () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    await buildConsole();
    t = await startTestApp('sqlite', { config: { adminEmail: ADMIN.email, adminPassword: ADMIN.password } });
    await ensureFirstOwner(t.ctx);
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates the first project, shows its private key once, and opens it', async () => {
    const context = await signedInContext(browser, t.url, ADMIN);
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Create your first project' }).waitFor();
    await page.getByLabel('Project ID').fill('first-vpn');
    await page.getByLabel('Name').fill('First VPN');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await shot(page, '60-create-project');
    await page.getByRole('button', { name: 'Create project' }).click();
    const key = (await page.getByTestId('project-private-key').textContent()) ?? '';
    expect(key).toMatch(/^gpk_[A-Za-z0-9_-]{43}$/);
    await shot(page, '61-project-created');
    // The key works for the partner API.
    const login = await fetch(`${t.url}/partner/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'first-vpn', password: key }) });
    expect(login.status).toBe(200);
    await page.getByRole('button', { name: 'Open the project' }).click();
    await page.waitForURL(/\/projects\/first-vpn\/users/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
