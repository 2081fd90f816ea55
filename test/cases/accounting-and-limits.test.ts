/**
 * ../shared/cases/accounting-and-limits.md, A1 to A10: failures real VPN panels shipped. Each test
 * drives the real HTTP APIs and asserts the exact value the case gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { STORES, T0, counter, loginDevice, setupNode, setupProject, startTestApp, wgKey, type TestApp } from '../support/app.ts';
import { startFakeFirebase, type FakeFirebase } from '../support/firebase.ts';

const MB = 1_000_000;
const GB = 1_000_000_000;

describe.each(STORES)('cases A1-A10 on %s', (kind) => {
  let t: TestApp;
  let fb: FakeFirebase;
  beforeAll(async () => {
    fb = await startFakeFirebase();
    t = await startTestApp(kind, { config: { firebaseJwksUrl: fb.jwksUrl, trustProxy: true } });
  });
  afterAll(async () => {
    await t.close();
    await fb.close();
  });

  /** A project with one node, one connected device and its session id. */
  const connected = async (opts: Parameters<typeof setupProject>[1] = {}) => {
    const p = await setupProject(t, opts);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const cred = await dev.client.get('/user/credentials');
    expect(cred.status).toBe(200);
    const sid = cred.body.session_id as number;
    await node.sync({ events: [{ type: 'start', session_id: sid, at: t.clock.now() }] });
    const session = async () => (await p.partner.get(`/partner/subscribers/${dev.userId}/sessions`)).body.sessions.find((s: { id: number }) => s.id === sid);
    const used = async () => (await p.partner.get(`/partner/subscribers/${dev.userId}/traffic`)).body.traffic.used as number;
    return { ...p, node, dev, sid, session, used };
  };

  it('A1: reports held back by a 10-minute outage, across an agent restart, count exactly once', async () => {
    const c = await connected();
    const t0 = t.clock.now();
    await c.node.sync({ counters: [counter(c.sid, 1, 100 * MB, 10 * MB, t0)] });
    // Ten minutes without a link; the agent restarts (new counter epoch) in the middle. Its outbox keeps every report.
    const outbox = [
      counter(c.sid, 2, 150 * MB, 20 * MB, t0 + 120_000),
      counter(c.sid, 3, 220 * MB, 30 * MB, t0 + 240_000),
      counter(c.sid, 4, 40 * MB, 5 * MB, t0 + 360_000, 1),
      counter(c.sid, 5, 130 * MB, 20 * MB, t0 + 600_000, 1),
    ];
    t.clock.advance(600_000);
    const first = await c.node.sync({ counters: outbox });
    expect(first.body.applied_counters).toBe(4);
    // The acknowledgement was lost: the agent sends the same outbox again.
    const again = await c.node.sync({ counters: outbox });
    expect(again.body).toMatchObject({ applied_counters: 0, ignored_counters: 4 });
    // During the outage: 220-100 + 130 = 250 MB down, 30-10 + 20 = 40 MB up, i.e. 290 MB... plus 10 MB up before.
    expect(await c.session()).toMatchObject({ download: 350 * MB, upload: 50 * MB });
    expect(await c.used()).toBe(400 * MB);
  });

  it('A1: exactly 300 MB moved during the outage grows usage and the session by 300 MB', async () => {
    const c = await connected();
    const t0 = t.clock.now();
    await c.node.sync({ counters: [counter(c.sid, 1, 5 * MB, 1 * MB, t0)] });
    const before = await c.used();
    t.clock.advance(600_000);
    await c.node.sync({ counters: [counter(c.sid, 2, 205 * MB, 41 * MB, t0 + 300_000), counter(c.sid, 3, 60 * MB, 0, t0 + 600_000, 1)] });
    expect((await c.used()) - before).toBe(300 * MB);
    expect(await c.session()).toMatchObject({ download: 265 * MB, upload: 41 * MB });
  });

  it('A2: a counter of exactly 2^63-1 is stored and read back exactly; beyond it nothing is stored', async () => {
    const c = await connected();
    const max = 9223372036854775807n;
    const bad = await c.node.sync({ counters: [counter(c.sid, 1, max + 1n, 0, t.clock.now())] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'counters.0.download' });
    for (const v of [-1, 1.5, '12']) {
      const r = await c.node.sync({ counters: [counter(c.sid, 1, v as number, 0, t.clock.now())] });
      expect(r.status, String(v)).toBe(400);
      expect(r.body.field).toBe('counters.0.download');
    }
    const e = await c.node.client.req('POST', '/node/sync', `{"events":[],"counters":[{"session_id":${c.sid},"epoch":0,"seq":1,"download":1e3,"upload":0,"at":${t.clock.now()}}]}`);
    expect(e.status).toBe(400);
    expect(e.body.field).toBe('counters.0.download');
    expect(await c.session()).toMatchObject({ download: 0, upload: 0 });
    const ok = await c.node.sync({ counters: [counter(c.sid, 1, max, 0, t.clock.now())] });
    expect(ok.status).toBe(200);
    expect((await c.session()).download).toBe(max);
  });

  it('A3: a node reporting 0/0 for its session never lowers the user total held by another node', async () => {
    const c = await connected();
    await c.partner.del(`/partner/subscribers/${c.dev.userId}/traffic`);
    await c.node.sync({ counters: [counter(c.sid, 1, 2 * GB, 0, t.clock.now())] });
    const nodeB = await setupNode(t, c.id, { name: 'node-b', country: 'FR', city: 'Paris' });
    const credB = await c.dev.client.get('/user/credentials?country=FR');
    expect(credB.status).toBe(200);
    const sidB = credB.body.session_id as number;
    await nodeB.sync({ events: [{ type: 'start', session_id: sidB, at: t.clock.now() }], counters: [counter(sidB, 1, 0, 0, t.clock.now())] });
    expect(await c.used()).toBe(2 * GB);
    await nodeB.sync({ counters: [counter(sidB, 2, 0, 0, t.clock.now())] });
    expect(await c.used()).toBe(2 * GB);
    // Node B cannot report for node A's session either.
    await nodeB.sync({ counters: [counter(c.sid, 9, 0, 0, t.clock.now())] });
    expect((await c.session()).download).toBe(2 * GB);
  });

  it.each([
    ['the agent announces a new epoch', 1],
    ['the counters simply start again at 0', 0],
  ])('A4: 800 MB, then a WireGuard restart, then 50 MB shows 850 MB when %s', async (_name, epochAfter) => {
    const c = await connected();
    await c.partner.del(`/partner/subscribers/${c.dev.userId}/traffic`);
    const at = t.clock.now();
    await c.node.sync({ counters: [counter(c.sid, 1, 800 * MB, 0, at)] });
    await c.node.sync({ counters: [counter(c.sid, 2, 0, 0, at + 5000, epochAfter)] });
    await c.node.sync({ counters: [counter(c.sid, 3, 50 * MB, 0, at + 10_000, epochAfter)] });
    expect((await c.session()).download).toBe(850 * MB);
    expect(await c.used()).toBe(850 * MB);
  });

  it.each([
    ['a normal night', '2026-12-03'],
    ['the night clocks go forward', '2027-03-28'],
    ['the night clocks go back', '2026-10-25'],
  ])('A5: Europe/Berlin midnight on %s splits bytes between the old and the new day', async (_n, newDay) => {
    // 00:00 local is 23:00Z in winter (UTC+1) and 22:00Z in summer (UTC+2); the changes happen at 01:00Z on these days.
    const offsetH = newDay === '2027-03-28' ? 1 : newDay === '2026-10-25' ? 2 : 1;
    const midnight = Date.parse(`${newDay}T00:00:00.000Z`) - offsetH * 3600_000;
    t.clock.set(midnight - 60_000);
    const c = await connected({ timeZone: 'Europe/Berlin', defaultTrafficLimit: 10n * BigInt(GB) });
    await c.node.sync({ counters: [counter(c.sid, 1, 1000, 0, midnight - 100)] });
    t.clock.set(midnight + 1000);
    await c.node.sync({ counters: [counter(c.sid, 2, 3000, 0, midnight + 100)] });
    const daily = (await c.partner.get(`/partner/subscribers/${c.dev.userId}/traffic/daily?days=2`)).body.days;
    const oldDay = new Date(Date.parse(`${newDay}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(daily).toEqual([
      { day: oldDay, download: 1000, upload: 0 },
      { day: newDay, download: 2000, upload: 0 },
    ]);
    const traffic = (await c.partner.get(`/partner/subscribers/${c.dev.userId}/traffic`)).body.traffic;
    expect(traffic).toMatchObject({ used: 2000, period_start: new Date(midnight).toISOString() });
    const dayLength = Date.parse(traffic.period_end) - Date.parse(traffic.period_start);
    expect(dayLength).toBe(newDay === '2027-03-28' ? 23 * 3600_000 : newDay === '2026-10-25' ? 25 * 3600_000 : 24 * 3600_000);
    t.clock.set(T0);
  });

  it('A6: a quota-blocked user works again after the day boundary; an operator-disabled user stays disabled', async () => {
    t.clock.set(Date.parse('2026-12-05T22:00:00.000Z'));
    const c = await connected({ defaultTrafficLimit: 1000n });
    await c.node.sync({ counters: [counter(c.sid, 1, 600, 400, t.clock.now())] });
    const cut = await c.node.sync();
    expect(cut.body.cut).toContainEqual({ session_id: c.sid, reason: 'TRAFFIC_EXCEED' });
    await c.node.sync({ events: [{ type: 'end', session_id: c.sid, at: t.clock.now() }] });
    expect((await c.dev.client.get('/user/credentials')).body.result).toBe('TRAFFIC_EXCEED');
    const other = await loginDevice(t, c.id);
    expect(other.res.status, JSON.stringify(other.res.body)).toBe(200);
    await c.partner.put(`/partner/subscribers/${other.userId}`, { status: 'disabled' });

    t.clock.set(Date.parse('2026-12-06T00:00:01.000Z'));
    await c.node.sync();
    // Partner tokens live an hour: sign in again on the new day.
    c.partner.token = (await t.client().post('/partner/login', { login: c.id, password: c.privateKey })).body.access_token;
    const again = await c.dev.client.get('/user/credentials');
    expect(again.status).toBe(200);
    expect((await c.dev.client.get('/user/remainingTraffic')).body).toMatchObject({ traffic_used: 0, traffic_remaining: 1000 });
    expect((await other.client.get('/user/credentials')).body.result).toBe('USER_SUSPENDED');
    expect((await c.partner.get(`/partner/subscribers/${other.userId}`)).body.subscriber.status).toBe('disabled');
    t.clock.set(T0);
  });

  it('A7: a report sampled before a traffic reset but delivered after it never brings the old usage back', async () => {
    const c = await connected();
    const t0 = t.clock.now();
    await c.node.sync({ counters: [counter(c.sid, 1, 4000, 0, t0)] });
    expect(await c.used()).toBe(4000);
    // The agent samples 6000 (2000 new bytes) just before the operator resets; the report is in flight.
    t.clock.advance(1000);
    const inFlight = counter(c.sid, 2, 6000, 0, t.clock.now());
    t.clock.advance(1000);
    await c.partner.post(`/partner/subscribers/${c.dev.userId}/traffic`, { traffic_limit: 10_000, reset: true });
    t.clock.advance(1000);
    await c.node.sync({ counters: [inFlight] });
    expect(await c.used()).toBe(0);
    await c.node.sync({ counters: [counter(c.sid, 3, 6500, 100, t.clock.now())] });
    expect(await c.used()).toBe(600);
    // The session itself keeps every byte it moved.
    expect(await c.session()).toMatchObject({ download: 6500, upload: 100 });
  });

  it('A8: twenty parallel logins for the last device slot of a 1-1 license let exactly one in', async () => {
    const p = await setupProject(t, { auth: { methods: ['firebase'], firebase: { project_id: 'fb-a8' } } });
    const lic = await p.partner.post('/partner/licenses', { name: '1-1', devices_limit: 1, sessions_limit: 1 });
    const token = await fb.token('alice', 'fb-a8', { nowMs: t.clock.now() });
    const first = await t.client().post('/user/login', { auth_method: 'firebase', access_token: token, device_id: 'seed', device_type: 'ios', carrier_id: p.id });
    expect(first.status).toBe(200);
    const uid = first.body.subscriber.id as number;
    await p.partner.put(`/partner/subscribers/${uid}`, { license_id: lic.body.license.id });
    await p.partner.del(`/partner/subscribers/${uid}/devices/${first.body.device.id}`);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.client().post('/user/login', { auth_method: 'firebase', access_token: token, device_id: `phone-${i}`, device_type: 'android', carrier_id: p.id, public_key: wgKey() }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 403 && r.body.result === 'DEVICES_EXCEED')).toHaveLength(19);
    const devices = (await p.partner.get(`/partner/subscribers/${uid}/devices`)).body.devices;
    expect(devices).toHaveLength(1);
    const again = await t.client().post('/user/login', { auth_method: 'firebase', access_token: token, device_id: devices[0].device_id, device_type: 'android', carrier_id: p.id });
    expect(again.status).toBe(200);
    expect((await p.partner.get(`/partner/subscribers/${uid}/devices`)).body.devices).toHaveLength(1);
  });

  it('A9: the same device id from another IP address is still one device', async () => {
    const p = await setupProject(t, { auth: { methods: ['firebase'], firebase: { project_id: 'fb-a9' } } });
    const token = await fb.token('bob', 'fb-a9', { nowMs: t.clock.now() });
    const body = { auth_method: 'firebase', access_token: token, device_id: 'laptop-1', device_type: 'macos', carrier_id: p.id };
    const a = await t.client().req('POST', '/user/login', body, { 'x-forwarded-for': '203.0.113.10' });
    const b = await t.client().req('POST', '/user/login', body, { 'x-forwarded-for': '198.51.100.77' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.device.id).toBe(a.body.device.id);
    expect((await p.partner.get(`/partner/subscribers/${a.body.subscriber.id}`)).body.subscriber.activated_devices).toBe(1);
  });

  it('A10: deleting a disabled user with 3 devices, 10,000 sessions (one active) and two purchases removes every row', async () => {
    const p = await setupProject(t, { auth: { methods: ['firebase'], firebase: { project_id: 'fb-a10' } } });
    const node = await setupNode(t, p.id);
    const token = await fb.token('carol', 'fb-a10', { nowMs: t.clock.now() });
    const devices = [];
    for (const [i, type] of ['android', 'ios', 'windows'].entries()) {
      const c = t.client();
      const r = await c.post('/user/login', { auth_method: 'firebase', access_token: token, device_id: `d${i}`, device_type: type, carrier_id: p.id, public_key: wgKey() });
      expect(r.status).toBe(200);
      c.token = r.body.access_token;
      devices.push(c);
    }
    const uid = (await devices[0]!.get('/user/current')).body.subscriber.id as number;
    const cred = await devices[0]!.get('/user/credentials');
    const active = cred.body.session_id as number;
    await node.sync({ events: [{ type: 'start', session_id: active, at: t.clock.now() }], counters: [counter(active, 1, 10, 10, t.clock.now())] });
    // 9,999 ended sessions of history and two purchases are loaded straight into the tables: producing
    // them through the APIs would only make this test slow (purchases have their own issue and tests).
    const db = t.ctx.store.db;
    const dev = await db.selectFrom('devices').select('id').where('user_id', '=', BigInt(uid)).executeTakeFirstOrThrow();
    const rows = Array.from({ length: 9_999 }, (_, i) => ({
      project_id: p.id, user_id: BigInt(uid), device_id: dev.id, device_name: 'old', node_id: BigInt(node.id), server: node.spec.name,
      location: 'de-berlin', public_key: wgKey(), internal_ip: '10.8.0.9', ip_key: '00000000000000000000ffff0a080009', status: 'ended' as const,
      created_at: BigInt(T0 - (i + 2) * 60_000), expires_at: BigInt(T0), started_at: BigInt(T0 - (i + 2) * 60_000), ended_at: BigInt(T0 - (i + 1) * 60_000),
      last_activity_at: null, end_reason: 'DISCONNECTED', cut_reason: null, download: 1n, upload: 1n, base_down: 0n, base_up: 0n, counter_epoch: 0n, last_seq: 1n,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('sessions').values(rows.slice(i, i + 500)).execute();
    for (const tx of ['t-1', 't-2']) {
      await db.insertInto('purchases').values({ project_id: p.id, user_id: BigInt(uid), type: 'apple', transaction_id: tx, product_id: 'pro', active: 1, trial: 0, environment: 'production', raw_data: '{}', created_at: BigInt(T0), transaction_time: null, expiration_time: null, last_verified_at: null, verify_error: null }).execute();
    }
    // Disabled: the session is still active on the node until the node confirms the cut.
    await p.partner.put(`/partner/subscribers/${uid}`, { status: 'disabled' });
    const live = active;
    const count = async (table: 'sessions' | 'devices' | 'purchases' | 'traffic_usage' | 'traffic_daily') =>
      Number((await sql<{ n: bigint }>`select count(*) as n from ${sql.table(table)} where user_id = ${uid}`.execute(db)).rows[0]!.n);
    expect(await count('sessions')).toBe(10_000);

    const del = await p.partner.del(`/partner/subscribers/${uid}?confirm=${uid}`);
    expect(del.status).toBe(200);
    const sync = await node.sync();
    expect(sync.body.cut).toContainEqual({ session_id: live, reason: 'USER_DELETED' });
    for (const table of ['sessions', 'devices', 'purchases', 'traffic_usage', 'traffic_daily'] as const) expect(await count(table), table).toBe(0);
    expect(await db.selectFrom('users').select('id').where('id', '=', BigInt(uid)).executeTakeFirst()).toBeUndefined();
    for (const d of devices) expect((await d.get('/user/current')).status).toBe(401);
    expect((await p.partner.del(`/partner/subscribers/${uid}?confirm=${uid}`)).status).toBe(404);
    // Once the node confirms the end, the cut order is gone.
    await node.sync({ events: [{ type: 'end', session_id: live, at: t.clock.now() }] });
    expect((await node.sync()).body.cut).toEqual([]);
  });
});

describe.each(STORES)('monthly periods on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { now: Date.parse('2026-11-30T12:00:00.000Z') });
  });
  afterAll(async () => t.close());

  it('sums a month in the project time zone and starts again on the 1st there', async () => {
    // Los Angeles is UTC-8 in November/December: the month turns at 2026-12-01T08:00Z.
    const p = await setupProject(t, { timeZone: 'America/Los_Angeles', trafficPeriod: 'month', defaultTrafficLimit: 1_000_000n });
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const sid = (await dev.client.get('/user/credentials')).body.session_id as number;
    await node.sync({ counters: [counter(sid, 1, 100, 0, t.clock.now())] });
    t.clock.set('2026-12-01T07:59:59.000Z');
    await node.sync({ counters: [counter(sid, 2, 300, 0, t.clock.now())] });
    // Partner tokens live an hour: sign in again after the clock jumps.
    p.partner.token = (await t.client().post('/partner/login', { login: p.id, password: p.privateKey })).body.access_token;
    const nov = (await p.partner.get(`/partner/subscribers/${dev.userId}/traffic`)).body.traffic;
    expect(nov).toMatchObject({ period: 'month', used: 300, period_start: '2026-11-01T07:00:00.000Z', period_end: '2026-12-01T08:00:00.000Z' });
    t.clock.set('2026-12-01T08:00:01.000Z');
    await node.sync({ counters: [counter(sid, 3, 350, 0, t.clock.now())] });
    const dec = (await p.partner.get(`/partner/subscribers/${dev.userId}/traffic`)).body.traffic;
    expect(dec).toMatchObject({ used: 50, remaining: 999_950, period_start: '2026-12-01T08:00:00.000Z', period_end: '2027-01-01T08:00:00.000Z' });
  });
});
