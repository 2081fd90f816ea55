/**
 * One test app with a fake App Store and a fake Google Play around it, and builders for a public
 * project whose store settings point at them and for a signed-in app user.
 */
import { expect } from 'vitest';
import { T0, loginDevice, setupProject, startTestApp, type StoreKind, type TestApp } from '../support/app.ts';
import { startFakeAppStore, type FakeAppStore } from '../support/fake-app-store.ts';
import { startFakeGooglePlay, type FakeGooglePlay } from '../support/fake-google-play.ts';
import type { Config } from '../../src/platform/config.ts';

export const DAY = 24 * 3600_000;
export const FREE_LIMIT = 500_000_000n;

export interface StoreHarness {
  t: TestApp;
  apple: FakeAppStore;
  google: FakeGooglePlay;
  close(): Promise<void>;
}

export const startStoreHarness = async (kind: StoreKind, config: Partial<Config> = {}): Promise<StoreHarness> => {
  let t: TestApp | null = null;
  const now = () => t?.clock.now() ?? T0;
  const apple = await startFakeAppStore(now);
  const google = await startFakeGooglePlay(now);
  t = await startTestApp(kind, { config: { ...apple.config, ...google.config, storeTimeoutMs: 2_000, ...config } });
  const app = t;
  return {
    t: app,
    apple,
    google,
    close: async () => {
      await app.close();
      await apple.close();
      await google.close();
    },
  };
};

/** A public project with Apple and Google configured (sandbox purchases not counted unless asked). */
export const storeProject = async (h: StoreHarness, opts: { allowSandbox?: boolean; type?: 'public' | 'private' } = {}) => {
  const p = await setupProject(h.t, { type: opts.type ?? 'public', defaultTrafficLimit: FREE_LIMIT });
  const r = await p.partner.put('/partner/settings/stores', {
    apple: h.apple.settings(opts.allowSandbox ?? false),
    google: h.google.settings(opts.allowSandbox ?? false),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const user = async () => {
    const dev = await loginDevice(h.t, p.id);
    expect(dev.res.status).toBe(200);
    return dev;
  };
  // Partner tokens live an hour of the manual clock: sign in again once the clock has moved on.
  let signedInAt = h.t.clock.now();
  const partner = async () => {
    if (h.t.clock.now() - signedInAt > 30 * 60_000) {
      const r = await p.partner.post('/partner/login', { login: p.id, password: p.privateKey });
      expect(r.status).toBe(200);
      p.partner.token = r.body.access_token;
      signedInAt = h.t.clock.now();
    }
    return p.partner;
  };
  const subscriber = async (id: number) => (await (await partner()).get(`/partner/subscribers/${id}`)).body.subscriber;
  const purchases = async (id: number) => (await (await partner()).get(`/partner/subscribers/${id}/purchase`)).body.purchases as Array<Record<string, any>>;
  const audit = async (objectType: string, objectId: number) =>
    (await (await partner()).get(`/partner/audit?object_type=${objectType}&object_id=${objectId}`)).body.entries as Array<Record<string, any>>;
  return { ...p, partnerNow: partner, user, subscriber, purchases, audit };
};

export const iso = (ms: number) => new Date(ms).toISOString();
