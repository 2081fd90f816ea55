/** Every field and action of the User page (seed), performed through the partner API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, T0, counter, loginDevice, setupNode, setupProject, startTestApp, type TestApp } from '../support/app.ts';

describe.each(STORES)('User page actions on %s', (kind) => {
  let t: TestApp;
  let pid: string;
  let partner: Awaited<ReturnType<typeof setupProject>>['partner'];
  let node: Awaited<ReturnType<typeof setupNode>>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    ({ id: pid, partner } = await setupProject(t, { defaultTrafficLimit: 10_000n, type: 'public' }));
    node = await setupNode(t, pid, { name: 'ams-1', country: 'NL', city: 'Amsterdam' });
  });
  afterAll(async () => t.close());

  const connect = async (dev: Awaited<ReturnType<typeof loginDevice>>, bytes: number, seq = 1) => {
    const c = await dev.client.get('/user/credentials');
    expect(c.status).toBe(200);
    const sid = c.body.session_id as number;
    await node.sync({ events: [{ type: 'start', session_id: sid, at: t.clock.now() }], counters: [counter(sid, seq, bytes, 0, t.clock.now())] });
    return sid;
  };

  it('sets the limit in bytes, resets usage, and makes the user unlimited', async () => {
    const dev = await loginDevice(t, pid);
    await connect(dev, 4_000);
    const u = `/partner/subscribers/${dev.userId}/traffic`;
    expect((await partner.get(u)).body.traffic).toMatchObject({ limit: 10_000, used: 4_000, remaining: 6_000, unlimited: false, period: 'day' });

    const set = await partner.post(u, { traffic_limit: 5_000 });
    expect(set.status).toBe(200);
    expect(set.body.traffic).toMatchObject({ limit: 5_000, used: 4_000, remaining: 1_000, reset_at: null });

    t.clock.advance(1000);
    const reset = await partner.post(u, { traffic_limit: 3_000, reset: true });
    expect(reset.body.traffic).toMatchObject({ limit: 3_000, used: 0, remaining: 3_000, reset_at: new Date(t.clock.now()).toISOString() });

    const unl = await partner.del(u);
    expect(unl.body.traffic).toMatchObject({ unlimited: true, limit: null, remaining: null, used: 0 });
    const sub = await partner.get(`/partner/subscribers/${dev.userId}`);
    expect(sub.body.subscriber.traffic.unlimited).toBe(true);
    expect(sub.body.subscriber.traffic.period_start).toBe('2026-12-03T00:00:00.000Z');
    expect(sub.body.subscriber.traffic.period_end).toBe('2026-12-04T00:00:00.000Z');

    const audit = await partner.get(`/partner/audit?object_type=user&object_id=${dev.userId}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['traffic.set', 'traffic.set_and_reset', 'traffic.set']);
    expect(audit.body.entries[0].author).toBe('partner-api');
    expect(audit.body.entries[2].before).toEqual({ traffic_limit: '10000', used: '4000' });
  });

  it('changes the license, and edits description, extref and country', async () => {
    const dev = await loginDevice(t, pid);
    const lic = await partner.post('/partner/licenses', { name: '3-5', devices_limit: 3, sessions_limit: 5 });
    expect(lic.status).toBe(200);
    const r = await partner.put(`/partner/subscribers/${dev.userId}`, {
      license_id: lic.body.license.id,
      description: 'Ada Lovelace',
      extref: 'crm-42',
      country: 'GB',
    });
    expect(r.status).toBe(200);
    expect(r.body.subscriber).toMatchObject({
      license: { id: lic.body.license.id, name: '3-5', devices_limit: 3, sessions_limit: 5 },
      description: 'Ada Lovelace',
      extref: 'crm-42',
      country: 'GB',
      auth_method: 'anonymous',
      purchase: 'none',
    });
    const cleared = await partner.put(`/partner/subscribers/${dev.userId}`, { country: null });
    expect(cleared.body.subscriber.country).toBeNull();
    const missing = await partner.put(`/partner/subscribers/${dev.userId}`, { license_id: 999_999 });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ result: 'LICENSE_NOT_FOUND', field: 'license_id' });
  });

  it('disables a user: sessions are cut at the next sync, login and credentials answer USER_SUSPENDED; enabling restores it', async () => {
    const dev = await loginDevice(t, pid);
    const sid = await connect(dev, 10);
    const off = await partner.put(`/partner/subscribers/${dev.userId}`, { status: 'disabled' });
    expect(off.body.subscriber.status).toBe('disabled');
    const sync = await node.sync();
    expect(sync.body.cut).toContainEqual({ session_id: sid, reason: 'USER_SUSPENDED' });
    expect(sync.body.peers.map((p: { session_id: number }) => p.session_id)).not.toContain(sid);
    const cred = await dev.client.get('/user/credentials');
    expect(cred.status).toBe(403);
    expect(cred.body.result).toBe('USER_SUSPENDED');
    const relogin = await loginDevice(t, pid, { deviceId: dev.deviceId });
    expect(relogin.res.status).toBe(403);
    expect(relogin.res.body.result).toBe('USER_SUSPENDED');
    // The node confirms the cut: the session ends with its reason.
    await node.sync({ events: [{ type: 'end', session_id: sid, at: t.clock.now() }] });
    const s = await partner.get(`/partner/subscribers/${dev.userId}/sessions`);
    expect(s.body.sessions[0]).toMatchObject({ id: sid, active: false, end_reason: 'USER_SUSPENDED', end_time: new Date(t.clock.now()).toISOString() });

    const on = await partner.put(`/partner/subscribers/${dev.userId}`, { status: 'active' });
    expect(on.body.subscriber.status).toBe('active');
    expect((await dev.client.get('/user/credentials')).status).toBe(200);
  });

  it('deletes a device: frees the slot, revokes its token, cuts its session, keeps its sessions in history', async () => {
    const dev = await loginDevice(t, pid);
    const sid = await connect(dev, 77);
    const list = await partner.get(`/partner/subscribers/${dev.userId}/devices`);
    expect(list.body.devices).toHaveLength(1);
    expect(list.body.devices[0]).toMatchObject({ id: dev.devicePk, device_id: dev.deviceId, access_token: dev.client.token, name: 'Pixel 8', type: 'android', active_sessions: 1 });
    const del = await partner.del(`/partner/subscribers/${dev.userId}/devices/${dev.devicePk}`);
    expect(del.status).toBe(200);
    expect((await partner.get(`/partner/subscribers/${dev.userId}/devices`)).body.devices).toEqual([]);
    expect((await partner.get(`/partner/subscribers/${dev.userId}`)).body.subscriber.activated_devices).toBe(0);
    expect((await dev.client.get('/user/current')).status).toBe(401);
    const sync = await node.sync();
    expect(sync.body.cut).toContainEqual({ session_id: sid, reason: 'DEVICE_DELETED' });
    const hist = await partner.get(`/partner/subscribers/${dev.userId}/sessions`);
    expect(hist.body.sessions.map((s: { id: number; download: number }) => [s.id, s.download])).toEqual([[sid, 77]]);
    expect((await partner.del(`/partner/subscribers/${dev.userId}/devices/${dev.devicePk}`)).status).toBe(404);
  });

  it('searches users by id, name, extref, device id and device token, with pages', async () => {
    const a = await loginDevice(t, pid);
    await partner.put(`/partner/subscribers/${a.userId}`, { extref: 'ext-search-1' });
    const ids = async (q: string) =>
      ((await partner.get(`/partner/subscribers?${q}`)).body.subscribers as Array<{ id: number }>).map((s) => s.id);
    expect(await ids(`search_by=user_id&q=${a.userId}`)).toEqual([a.userId]);
    expect(await ids(`search_by=name&q=anonymous_${a.deviceId}`)).toEqual([a.userId]);
    expect(await ids('search_by=extref&q=ext-search-1')).toEqual([a.userId]);
    expect(await ids(`search_by=device_id&q=${a.deviceId}`)).toEqual([a.userId]);
    expect(await ids(`search_by=device_token&q=${encodeURIComponent(a.client.token!)}`)).toEqual([a.userId]);
    expect(await ids('search_by=name&q=nobody')).toEqual([]);

    const all = await partner.get('/partner/subscribers?limit=2');
    expect(all.body.subscribers).toHaveLength(2);
    expect(all.body.subscribers[0].id).toBeGreaterThan(all.body.subscribers[1].id);
    const next = await partner.get(`/partner/subscribers?limit=2&cursor=${all.body.next_cursor}`);
    expect(next.body.subscribers[0].id).toBeLessThan(all.body.subscribers[1].id);
  });

  it('creates an invited user that becomes active at its first login', async () => {
    const r = await partner.post('/partner/subscribers', { auth_method: 'anonymous', external_id: 'invitee-1', description: 'Bob', extref: 'hr-7' });
    expect(r.status).toBe(200);
    expect(r.body.subscriber).toMatchObject({ name: 'anonymous_invitee-1', status: 'invited', activated_devices: 0, description: 'Bob' });
    const dup = await partner.post('/partner/subscribers', { auth_method: 'anonymous', external_id: 'invitee-1' });
    expect(dup.status).toBe(409);
    expect(dup.body.result).toBe('USER_ALREADY_EXISTS');
    const dev = await loginDevice(t, pid, { deviceId: 'invitee-1' });
    expect(dev.userId).toBe(r.body.subscriber.id);
    expect((await partner.get(`/partner/subscribers/${dev.userId}`)).body.subscriber.status).toBe('active');
  });

  it('lists sessions active first, sorted by any column, filtered by device and window, in keyset pages', async () => {
    const dev = await loginDevice(t, pid);
    await partner.del(`/partner/subscribers/${dev.userId}/traffic`);
    const sids: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000);
      const sid = await connect(dev, (i + 1) * 1000, 1);
      sids.push(sid);
      if (i < 4) await node.sync({ events: [{ type: 'end', session_id: sid, at: t.clock.now() + 1000 }] });
    }
    const base = `/partner/subscribers/${dev.userId}/sessions`;
    const byDown = await partner.get(`${base}?sort=download&order=asc`);
    expect(byDown.body.sessions.map((s: { id: number }) => s.id)).toEqual([sids[4], sids[0], sids[1], sids[2], sids[3]]);
    expect(byDown.body.sessions[0].active).toBe(true);
    const byIp = (await partner.get(`${base}?sort=internal_ip&order=desc`)).body.sessions as Array<{ id: number; internal_ip: string }>;
    expect(byIp[0]!.id).toBe(sids[4]);
    const ended = byIp.slice(1).map((s) => s.internal_ip.split('.').map(Number).reduce((a, o) => a * 256 + o, 0));
    expect(ended).toEqual([...ended].sort((a, b) => b - a));
    const p1 = await partner.get(`${base}?sort=start_time&order=desc&limit=2`);
    const p2 = await partner.get(`${base}?sort=start_time&order=desc&limit=2&cursor=${p1.body.next_cursor}`);
    const p3 = await partner.get(`${base}?sort=start_time&order=desc&limit=2&cursor=${p2.body.next_cursor}`);
    expect([...p1.body.sessions, ...p2.body.sessions, ...p3.body.sessions].map((s: { id: number }) => s.id)).toEqual([sids[4], sids[3], sids[2], sids[1], sids[0]]);
    expect(p3.body.next_cursor).toBeNull();
    const other = await partner.get(`${base}?device_id=999999`);
    expect(other.body.sessions).toEqual([]);
    const early = await partner.get(`${base}?start_time=2026-11-01T00:00:00.000Z&end_time=2026-11-30T00:00:00.000Z`);
    expect(early.body.sessions).toEqual([]);
    const tooLong = await partner.get(`${base}?start_time=2026-11-01T00:00:00.000Z&end_time=2026-12-02T00:00:00.000Z`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ result: 'INTERVAL_TOO_LONG', field: 'end_time' });
    const backwards = await partner.get(`${base}?start_time=2026-12-02T00:00:00.000Z&end_time=2026-12-01T00:00:00.000Z`);
    expect(backwards.body.result).toBe('INTERVAL_INVALID');
    const active = await partner.get('/partner/sessions/active');
    expect(active.body.sessions.map((s: { id: number }) => s.id)).toContain(sids[4]);
  });

  it('deletes a user only when the request repeats its id', async () => {
    const dev = await loginDevice(t, pid);
    const wrong = await partner.del(`/partner/subscribers/${dev.userId}?confirm=${dev.userId + 1}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('confirm');
    expect((await partner.del(`/partner/subscribers/${dev.userId}?confirm=${dev.userId}`)).status).toBe(200);
    expect((await partner.get(`/partner/subscribers/${dev.userId}`)).status).toBe(404);
  });

  it('manages licenses: create, list, edit, and no delete while in use', async () => {
    const c = await partner.post('/partner/licenses', { name: '1-1', devices_limit: 1, sessions_limit: 1 });
    const id = c.body.license.id as number;
    const dup = await partner.post('/partner/licenses', { name: '1-1', devices_limit: 1, sessions_limit: 1 });
    expect(dup.status).toBe(409);
    const e = await partner.put(`/partner/licenses/${id}`, { devices_limit: 2, name: '2-1' });
    expect(e.body.license).toMatchObject({ id, name: '2-1', devices_limit: 2, sessions_limit: 1, users: 0, is_default: false });
    const dev = await loginDevice(t, pid);
    await partner.put(`/partner/subscribers/${dev.userId}`, { license_id: id });
    const busy = await partner.del(`/partner/licenses/${id}`);
    expect(busy.status).toBe(409);
    await partner.del(`/partner/subscribers/${dev.userId}?confirm=${dev.userId}`);
    expect((await partner.del(`/partner/licenses/${id}`)).status).toBe(200);
    const names = (await partner.get('/partner/licenses')).body.licenses.map((l: { name: string }) => l.name);
    expect(names).not.toContain('2-1');
  });

  it('keeps projects apart: another project cannot see or touch this user', async () => {
    const dev = await loginDevice(t, pid);
    const other = await setupProject(t);
    expect((await other.partner.get(`/partner/subscribers/${dev.userId}`)).status).toBe(404);
    expect((await other.partner.put(`/partner/subscribers/${dev.userId}`, { description: 'x' })).status).toBe(404);
    expect((await other.partner.del(`/partner/subscribers/${dev.userId}?confirm=${dev.userId}`)).status).toBe(404);
    expect((await other.partner.get(`/partner/subscribers?search_by=device_id&q=${dev.deviceId}`)).body.subscribers).toEqual([]);
  });
});
