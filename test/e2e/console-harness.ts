/**
 * Browser harness for the console e2e tests: builds console/dist once, starts the real server on
 * SQLite with a seeded world, drives Chromium through playwright-core, and saves screenshots under
 * test-artifacts/console/. The server clock is manual but starts at the real time, so that the
 * browser (real clock) and the server agree on "now".
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../console/build.ts';
import { addMember } from '../../src/services/members.ts';
import { counter, loginDevice, setupNode, setupProject, startTestApp, type TestApp } from '../support/app.ts';
import { Client } from '../support/http.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Appended to suite names, so a run without Chromium says plainly why the browser tests did not run. */
export const NO_CHROMIUM = hasChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium, or set CHROMIUM_PATH)`;
if (!hasChromium && process.env.GATEHOUSE_REQUIRE_CHROMIUM) {
  throw new Error(`browser tests are required here (GATEHOUSE_REQUIRE_CHROMIUM) but there is no Chromium at ${CHROMIUM}`);
}

const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');

export const OWNER = { email: 'owner@e2e.test', password: 'owner password 1' };
export const SUPPORT = { email: 'support@e2e.test', password: 'support password 1' };
/** Just above 2^53: JSON.parse would round it to ...992. */
export const BIG = 9_007_199_254_740_993n;

/** Builds console/dist when it is missing or older than its sources; one process at a time. */
export const buildConsole = async (): Promise<void> => {
  await ensureConsoleBuilt();
};

export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

/** Console messages that are errors, minus the network lines for answers the test provoked on purpose. */
export const watchConsole = (page: Page, expectedStatuses: number[] = []): string[] => {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const status = /status of (\d{3})/.exec(m.text())?.[1];
    if (status && expectedStatuses.includes(Number(status))) return;
    errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
};

export const shot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(250); // let transitions settle
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

/** Signs in through the API and returns a browser context holding the session cookie. */
export const signedInContext = async (browser: Browser, url: string, who: { email: string; password: string }, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> => {
  const context = await browser.newContext({ viewport, baseURL: url, acceptDownloads: true });
  const r = await context.request.post('/console/api/session', { data: who });
  if (r.status() !== 200) throw new Error(`sign-in failed: ${r.status()} ${await r.text()}`);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  return context;
};

/** The world the console tests look at (SPEC §1): two projects, members, a node, users with devices and traffic. */
export interface World {
  t: TestApp;
  pub: Awaited<ReturnType<typeof setupProject>>;
  biz: Awaited<ReturnType<typeof setupProject>>;
  node: Awaited<ReturnType<typeof setupNode>>;
  /** a user with two devices, several sessions (one active, one with BIG bytes) and an extref */
  alice: { userId: number; devices: Array<Awaited<ReturnType<typeof loginDevice>>>; sessions: number[] };
  /** other public users, newest last */
  crowd: Array<Awaited<ReturnType<typeof loginDevice>>>;
  close(): Promise<void>;
}

export const startWorld = async (opts: { crowd?: number } = {}): Promise<World> => {
  const { startFakeFirebase } = await import('../support/firebase.ts');
  const fb = await startFakeFirebase();
  const t = await startTestApp('sqlite', { now: Date.now() - 6 * 3600_000, config: { firebaseJwksUrl: fb.jwksUrl } });
  const pub = await setupProject(t, {
    id: 'pub',
    name: 'Public VPN',
    type: 'public',
    defaultTrafficLimit: 104_857_600n,
    auth: { methods: ['anonymous', 'firebase'], firebase: { project_id: 'pub' } },
  });
  const biz = await setupProject(t, { id: 'biz', name: 'Business VPN', type: 'private', auth: { methods: ['anonymous', 'firebase'] } });
  await addMember(t.ctx, OWNER.email, OWNER.password, 'pub', 'owner', 'test');
  await addMember(t.ctx, OWNER.email, OWNER.password, 'biz', 'owner', 'test');
  await addMember(t.ctx, SUPPORT.email, SUPPORT.password, 'pub', 'support', 'test');
  const node = await setupNode(t, 'pub', { name: 'fra-1', country: 'DE', city: 'Frankfurt' });

  const token = await fb.token('alice-uid', 'pub');
  const phone = await loginDevice(t, 'pub', { authMethod: 'firebase', accessToken: token, deviceId: 'alice-phone', name: 'Alice Pixel', type: 'android' });
  const laptop = await loginDevice(t, 'pub', { authMethod: 'firebase', accessToken: token, deviceId: 'alice-laptop', name: 'Alice MacBook', type: 'macos' });
  if (phone.res.status !== 200 || laptop.res.status !== 200) throw new Error(`alice login failed: ${JSON.stringify(phone.res.body)}`);
  const userId = phone.userId;
  await pub.partner.del(`/partner/subscribers/${userId}/traffic`); // unlimited while seeding
  await pub.partner.put(`/partner/subscribers/${userId}`, { extref: 'crm-alice', description: 'Alice Example' });
  const sessions: number[] = [];
  const plan: Array<[Awaited<ReturnType<typeof loginDevice>>, bigint, bigint, boolean]> = [
    [phone, 1_500_000n, 300_000n, false],
    [laptop, BIG, 2_048n, false],
    [phone, 52_428_800n, 1_048_576n, false],
    [laptop, 734_003_200n, 10_485_760n, true],
  ];
  for (const [dev, down, up, keepOpen] of plan) {
    t.clock.advance(20 * 60_000);
    await node.sync(); // heartbeat: the node is online at the new time
    const c = await dev.client.get('/user/credentials');
    if (c.status !== 200) throw new Error(`credentials failed: ${JSON.stringify(c.body)}`);
    const sid = c.body.session_id as number;
    await node.sync({ events: [{ type: 'start', session_id: sid, at: t.clock.now() }], counters: [counter(sid, 1, down, up, t.clock.now())] });
    if (!keepOpen) {
      t.clock.advance(10 * 60_000);
      await node.sync({ events: [{ type: 'end', session_id: sid, at: t.clock.now() }] });
    }
    sessions.push(sid);
  }

  const crowd: World['crowd'] = [];
  for (let i = 0; i < (opts.crowd ?? 0); i++) crowd.push(await loginDevice(t, 'pub', { deviceId: `crowd-${String(i).padStart(3, '0')}` }));
  return {
    t,
    pub,
    biz,
    node,
    alice: { userId, devices: [phone, laptop], sessions },
    crowd,
    close: async () => {
      await t.close();
      await fb.close();
    },
  };
};

/** Console API calls with a member's cookie (for asserting what the page did, or what a role may do). */
export const memberApi = async (url: string, who: { email: string; password: string }) => {
  const c = new Client(url);
  const r = await c.post('/console/api/session', who);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const h = { cookie, 'x-csrf-token': r.body.csrf_token as string };
  return {
    get: (path: string) => c.req('GET', `/console/api/projects/${path}`, undefined, h),
    put: (path: string, body: unknown) => c.req('PUT', `/console/api/projects/${path}`, body, h),
    post: (path: string, body: unknown) => c.req('POST', `/console/api/projects/${path}`, body, h),
    del: (path: string) => c.req('DELETE', `/console/api/projects/${path}`, undefined, h),
  };
};
