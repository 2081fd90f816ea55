/**
 * Races and late reports that broke an earlier build (found by trying to break it): each must end in
 * a clear answer, never a 500 and never a wedged node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, counter, loginDevice, setupNode, setupProject, startTestApp, wgKey, type TestApp } from '../support/app.ts';

describe.each(STORES)('races on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { config: { trustProxy: true } });
  });
  afterAll(async () => t.close());

  it('a start event for a session the platform already ended does not wedge the node (regression)', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const first = (await dev.client.get('/user/credentials')).body.session_id as number;
    // New credentials with another key end the first, still pending, session.
    expect((await dev.client.get(`/user/credentials?public_key=${encodeURIComponent(wgKey())}`)).status).toBe(200);
    t.clock.advance(2000);
    const r = await node.sync({ events: [{ type: 'start', session_id: first, at: t.clock.now() }], counters: [counter(first, 1, 500, 20, t.clock.now())] });
    expect(r.status).toBe(200);
    expect(r.body.applied_counters).toBe(1);
    const s = (await p.partner.get(`/partner/subscribers/${dev.userId}/sessions`)).body.sessions.find((x: { id: number }) => x.id === first);
    expect(s).toMatchObject({ active: false, end_reason: 'SUPERSEDED', start_time: new Date(t.clock.now()).toISOString(), end_time: new Date(t.clock.now()).toISOString(), download: 500 });
    expect((await node.sync()).status).toBe(200);
  });

  it('a node clock lagging by days cannot hide bytes from the quota: nothing of a session predates its credentials (regression)', async () => {
    const p = await setupProject(t, { defaultTrafficLimit: 1000n });
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const issued = t.clock.now();
    const sid = (await dev.client.get('/user/credentials')).body.session_id as number;
    t.clock.advance(5000);
    const twoDaysAgo = t.clock.now() - 2 * 86_400_000;
    await node.sync({ events: [{ type: 'start', session_id: sid, at: twoDaysAgo }], counters: [counter(sid, 1, 10_000_000, 0, twoDaysAgo)] });
    expect((await p.partner.get(`/partner/subscribers/${dev.userId}/traffic`)).body.traffic.used).toBe(10_000_000);
    expect((await node.sync()).body.cut).toEqual([{ session_id: sid, reason: 'TRAFFIC_EXCEED' }]);
    const s = (await p.partner.get(`/partner/subscribers/${dev.userId}/sessions`)).body.sessions[0];
    expect(s.start_time).toBe(new Date(issued).toISOString());
  });

  it('parallel credentials on one node all succeed with distinct addresses, and a node capacity holds', async () => {
    const p = await setupProject(t);
    await setupNode(t, p.id, { name: 'big', country: 'NL', city: 'Amsterdam' });
    await setupNode(t, p.id, { name: 'small', country: 'FI', city: 'Helsinki', capacity: 5, poolCidr: '10.20.0.0/24' });
    const devs = await Promise.all(Array.from({ length: 30 }, () => loginDevice(t, p.id)));
    const nl = await Promise.all(devs.map((d) => d.client.get('/user/credentials?country=NL')));
    expect(nl.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(nl.map((r) => r.body.client_ip)).size).toBe(30);
    const fi = await Promise.all(devs.map((d) => d.client.get('/user/credentials?country=FI')));
    expect(fi.filter((r) => r.status === 200)).toHaveLength(5);
    expect(fi.filter((r) => r.status === 503 && r.body.result === 'SERVER_UNAVAILABLE')).toHaveLength(25);
  });

  it('two nodes reporting the same users in opposite order both land, exactly', async () => {
    const p = await setupProject(t);
    await p.partner.get('/partner/licenses');
    const a = await setupNode(t, p.id, { name: 'na', country: 'DE', city: 'Berlin' });
    const b = await setupNode(t, p.id, { name: 'nb', country: 'PL', city: 'Warsaw' });
    const users = await Promise.all(Array.from({ length: 20 }, () => loginDevice(t, p.id)));
    const onA = await Promise.all(users.map((u) => u.client.get('/user/credentials?country=DE')));
    const onB: number[] = [];
    for (const u of users) {
      // A second device of the same user is not possible with anonymous users: use another session on B via new credentials of the same device.
      onB.push((await u.client.get(`/user/credentials?country=PL&public_key=${encodeURIComponent(wgKey())}`)).body.session_id as number);
    }
    const sa = onA.map((r) => r.body.session_id as number);
    const now = t.clock.now();
    for (let round = 1; round <= 5; round++) {
      const ca = sa.map((sid) => counter(sid, round, round * 1000, 0, now));
      const cb = [...onB].reverse().map((sid) => counter(sid, round, round * 10, 0, now));
      const [ra, rb] = await Promise.all([a.sync({ counters: ca }), b.sync({ counters: cb })]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
    }
    for (const u of users) {
      expect((await p.partner.get(`/partner/subscribers/${u.userId}/traffic`)).body.traffic.used).toBe(5050);
    }
  });

  it('parallel creation of one license name: one is created, the others are told it exists', async () => {
    const p = await setupProject(t);
    const rs = await Promise.all(Array.from({ length: 10 }, () => p.partner.post('/partner/licenses', { name: 'race', devices_limit: 1, sessions_limit: 1 })));
    expect(rs.filter((r) => r.status === 200)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 409 && r.body.result === 'CONFLICT')).toHaveLength(9);
    const id = rs.find((r) => r.status === 200)!.body.license.id as number;
    const dels = await Promise.all(Array.from({ length: 3 }, () => p.partner.del(`/partner/licenses/${id}`)));
    expect(dels.map((r) => r.status).sort()).toEqual([200, 404, 404]);
    const audit = await p.partner.get(`/partner/audit?object_type=license&object_id=${id}`);
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'license.delete')).toHaveLength(1);
  });

  it('disabling users while their node syncs never fails either side', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id);
    const users = await Promise.all(Array.from({ length: 15 }, () => loginDevice(t, p.id)));
    const sids = await Promise.all(users.map(async (u) => (await u.client.get('/user/credentials')).body.session_id as number));
    const now = t.clock.now();
    const syncs = [1, 2, 3].map((round) => node.sync({ counters: sids.map((sid) => counter(sid, round, round * 100, 0, now)) }));
    const ops = users.map((u) => p.partner.put(`/partner/subscribers/${u.userId}`, { status: 'disabled' }));
    const rs = await Promise.all([...syncs, ...ops]);
    expect(rs.map((r) => r.status)).toEqual(Array(rs.length).fill(200));
    // Every session is refused: cut if the node made it active first, ended at once if it was still pending.
    const state = (await node.sync()).body;
    expect(state.peers.filter((peer: { session_id: number }) => sids.includes(peer.session_id))).toEqual([]);
    const cut = new Set(state.cut.map((c: { session_id: number }) => c.session_id));
    const rows = await t.ctx.store.db.selectFrom('sessions').select(['id', 'status', 'cut_reason']).where('id', 'in', sids.map(BigInt)).execute();
    for (const r of rows) {
      expect(r.cut_reason).toBe('USER_SUSPENDED');
      expect(r.status === 'ended' || cut.has(Number(r.id))).toBe(true);
    }
  });
});
