/** Scheduled jobs driven by a manual clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, counter, loginDevice, setupNode, setupProject, startTestApp, type TestApp } from '../support/app.ts';
import { runJobOnce, acquireLease } from '../../src/jobs/runner.ts';

describe.each(STORES)('jobs on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  it('drops unused credentials leases after they expire, freeing their address', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const c = await dev.client.get('/user/credentials');
    expect(c.body.client_ip).toBe('10.8.0.2');
    t.clock.advance(601_000);
    await node.sync();
    expect(await runJobOnce(t.ctx, 'sweep-stale-sessions')).toBe(1);
    expect((await node.sync()).body.peers).toEqual([]);
    const other = await loginDevice(t, p.id);
    expect((await other.client.get('/user/credentials')).body.client_ip).toBe('10.8.0.2');
  });

  it('ends the active sessions of a node silent for 15 minutes at their last reported activity', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const sid = (await dev.client.get('/user/credentials')).body.session_id as number;
    const started = t.clock.now();
    await node.sync({ events: [{ type: 'start', session_id: sid, at: started }], counters: [counter(sid, 1, 10, 10, started + 30_000)] });
    await node.sync({ counters: [counter(sid, 2, 10, 10, started + 60_000)] });
    t.clock.advance(16 * 60_000);
    expect(await runJobOnce(t.ctx, 'sweep-stale-sessions')).toBeGreaterThanOrEqual(1);
    const s = (await p.partner.get(`/partner/subscribers/${dev.userId}/sessions`)).body.sessions[0];
    expect(s).toMatchObject({ id: sid, active: false, end_reason: 'NODE_LOST', end_time: new Date(started + 30_000).toISOString(), download: 10 });
  });

  it('gives each job to one process at a time through its lease', async () => {
    expect(await acquireLease(t.ctx, 'test-lease', 60_000)).toBe(true);
    // The same process renews; a lease held by another holder blocks until it expires.
    expect(await acquireLease(t.ctx, 'test-lease', 60_000)).toBe(true);
    await t.ctx.store.db.updateTable('job_locks').set({ holder: 'someone-else' }).where('name', '=', 'test-lease').execute();
    expect(await acquireLease(t.ctx, 'test-lease', 60_000)).toBe(false);
    t.clock.advance(61_000);
    expect(await acquireLease(t.ctx, 'test-lease', 60_000)).toBe(true);
  });

  it('prunes sessions and daily traffic older than 12 months', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const sid = (await dev.client.get('/user/credentials')).body.session_id as number;
    await node.sync({ events: [{ type: 'start', session_id: sid, at: t.clock.now() }], counters: [counter(sid, 1, 5, 5, t.clock.now())] });
    await node.sync({ events: [{ type: 'end', session_id: sid, at: t.clock.now() + 1000 }] });
    t.clock.advance(366 * 24 * 3600_000);
    await runJobOnce(t.ctx, 'prune-history');
    const left = await t.ctx.store.db.selectFrom('sessions').select('id').where('id', '=', BigInt(sid)).execute();
    expect(left).toEqual([]);
    const daily = await t.ctx.store.db.selectFrom('traffic_daily').select('day').where('user_id', '=', BigInt(dev.userId)).execute();
    expect(daily).toEqual([]);
  });
});
