/**
 * The demo's ~200 users and ~400 devices. The plan is deterministic (a seeded generator), so a
 * re-run finds the same users and devices again instead of creating new ones.
 */
import { createHash } from 'node:crypto';
import type { DeviceType } from '../contract/enums.ts';
import type { DemoHttp } from './http.ts';
import { loopbackAddress } from './http.ts';
import type { DemoPartner } from './partner.ts';
import type { FirebaseIssuer } from './firebase.ts';
import { SimDevice, type SimUser } from './simulated-device.ts';

/** mulberry32: a tiny seeded generator for the plan. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const MODELS: Record<DeviceType, string[]> = {
  android: ['Pixel 8', 'Pixel 7a', 'Galaxy S24', 'Galaxy A54', 'OnePlus 12', 'Xiaomi 13T', 'Moto G84'],
  ios: ['iPhone 15', 'iPhone 14 Pro', 'iPhone SE', 'iPad Air', 'iPhone 13 mini'],
  macos: ['MacBook Air', 'MacBook Pro', 'iMac', 'Mac mini'],
  windows: ['ThinkPad X1', 'Surface Laptop', 'Dell XPS 13', 'Gaming PC'],
  linux: ['Ubuntu desktop', 'Fedora laptop', 'Home server', 'Raspberry Pi'],
  other: ['Smart TV', 'Router', 'Fire TV Stick', 'Steam Deck'],
};
const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Finn', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kaito', 'Lena', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tara', 'Yuki'];
const LAST = ['Schmidt', 'de Vries', 'Tanaka', 'Miller', 'Weber', 'Jansen', 'Sato', 'Garcia', 'Fischer', 'Novak', 'Rossi', 'Kowalski'];
const COUNTRIES = ['DE', 'DE', 'NL', 'US', 'US', 'JP', 'FR', 'AT', 'GB', 'PL'];

export const buildPlan = (): SimUser[] => {
  const rnd = seeded(20261203);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const hex = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  const users: SimUser[] = [];
  let deviceN = 0;
  const device = (u: SimUser, type: DeviceType, deviceId?: string) => {
    const d = new SimDevice(u, deviceId ?? `${type}-${hex(`device:${deviceN}`)}`, type, pick(MODELS[type]), loopbackAddress(deviceN));
    deviceN++;
    u.devices.push(d);
    return d;
  };
  const mobile = (): DeviceType => {
    const r = rnd();
    return r < 0.55 ? 'android' : r < 0.88 ? 'ios' : r < 0.93 ? 'windows' : r < 0.96 ? 'macos' : r < 0.98 ? 'linux' : 'other';
  };
  const user = (authMethod: SimUser['authMethod'], externalId: string, extra: Partial<SimUser> = {}): SimUser => {
    const u: SimUser = { authMethod, externalId, id: null, status: 'planned', invite: null, neverLogsIn: false, heavy: false, disableAtStart: false, devices: [], ...extra };
    users.push(u);
    return u;
  };
  const profile = (n: number) => ({
    extref: `crm-${10_000 + n}`,
    description: `${pick(FIRST)} ${pick(LAST)}`,
    country: pick(COUNTRIES),
  });

  // Self-service installs: anonymous login, one user per device.
  for (let i = 0; i < 125; i++) {
    const type = mobile();
    const deviceId = `${type}-${hex(`anon:${i}`)}`;
    const u = user('anonymous', deviceId, { status: 'planned', heavy: i % 17 === 3, disableAtStart: i % 21 === 5 });
    device(u, type, deviceId);
  }
  // Invited by the operator for a known install (external id = the device id); most then log in.
  for (let i = 0; i < 20; i++) {
    const type = mobile();
    const deviceId = `${type}-${hex(`inv:${i}`)}`;
    const u = user('anonymous', deviceId, { neverLogsIn: i % 4 === 0, disableAtStart: i === 6 || i === 13 });
    u.invite = { auth_method: 'anonymous', external_id: deviceId, ...profile(i) };
    device(u, type, deviceId);
  }
  // Firebase accounts created by the operator, with several devices under bigger licenses.
  for (let i = 0; i < 45; i++) {
    const n = 3 + Math.floor(rnd() * 8);
    const license = n <= 3 ? '3-5' : n <= 5 ? '5-10' : '10-10';
    const limit = i % 7 === 0 ? { traffic_limit: null } : i % 5 === 0 ? { traffic_limit: 1024 ** 3 } : {};
    const u = user('firebase', `fb${hex(`fb:${i}`)}`, { neverLogsIn: i % 6 === 5, heavy: i % 9 === 4, disableAtStart: i === 8 || i === 27 });
    u.invite = { auth_method: 'firebase', external_id: u.externalId, license, ...limit, ...profile(100 + i) };
    const types: DeviceType[] = ['android', 'ios', 'macos', 'windows', 'linux', 'other'];
    for (let k = 0; k < n; k++) device(u, k < 2 ? mobile() : pick(types));
  }
  // Firebase self-sign-ups on the default license (one device).
  for (let i = 0; i < 12; i++) {
    const u = user('firebase', `fb${hex(`fbself:${i}`)}`, { heavy: i === 2 });
    device(u, pick(['macos', 'windows', 'linux', 'ios'] as const));
  }
  return users;
};

/** Runs fn over items with a few in flight at a time. */
export const inParallel = async <T>(items: T[], width: number, fn: (x: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
};

export interface PopulateStats {
  invited: number;
  found: number;
  reenabled: number;
  loggedIn: number;
  failures: Map<string, number>;
}

/**
 * Invites the operator-created users, then logs every planned device in. A user that an earlier
 * run's operator blocked at random is unblocked first, so that re-runs keep the same mix.
 */
export const populate = async (http: DemoHttp, partner: DemoPartner, firebase: FirebaseIssuer, users: SimUser[], licenses: Map<string, number>): Promise<PopulateStats> => {
  const stats: PopulateStats = { invited: 0, found: 0, reenabled: 0, loggedIn: 0, failures: new Map() };
  await inParallel(users.filter((u) => u.invite), 4, async (u) => {
    const { license, ...body } = u.invite as { license?: string } & Record<string, unknown>;
    const got = await partner.invite({ ...body, ...(license && licenses.has(license) ? { license_id: licenses.get(license) } : {}) });
    if (!got) return;
    u.id = got.id;
    u.status = got.status as SimUser['status'];
    if (got.created) stats.invited++;
    else stats.found++;
  });
  const devices = users.filter((u) => !u.neverLogsIn).flatMap((u) => u.devices);
  const unblocking = new Map<SimUser, Promise<boolean>>();
  await inParallel(devices, 6, async (d) => {
    const login = () => d.login(http, firebase).catch((e: Error) => `ERROR ${e.message}`);
    let code = d.user.status === 'disabled' && d.user.disableAtStart ? 'USER_SUSPENDED' : await login();
    if (code === 'USER_SUSPENDED' && !d.user.disableAtStart) {
      let once = unblocking.get(d.user);
      if (!once) {
        once = reenable(partner, d.user).then((ok) => (ok ? stats.reenabled++ : 0) > 0);
        unblocking.set(d.user, once);
      }
      if (await once) code = await login();
    }
    if (code === 'OK') stats.loggedIn++;
    else stats.failures.set(code, (stats.failures.get(code) ?? 0) + 1);
  });
  return stats;
};

const reenable = async (partner: DemoPartner, u: SimUser): Promise<boolean> => {
  const found = u.id === null ? await partner.findByName(`${u.authMethod}_${u.externalId}`) : { id: u.id };
  if (!found || !(await partner.setStatus(found.id, 'active'))) return false;
  u.id = found.id;
  u.status = 'active';
  return true;
};

/** Disables the users planned as blocked (a re-run finds them disabled already). */
export const disablePlanned = async (partner: DemoPartner, users: SimUser[]): Promise<number> => {
  let n = 0;
  for (const u of users.filter((x) => x.disableAtStart && x.id !== null && x.status !== 'disabled')) {
    if (await partner.setStatus(u.id!, 'disabled')) {
      u.status = 'disabled';
      n++;
    }
  }
  return n;
};
