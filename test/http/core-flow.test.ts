import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, T0, counter, loginDevice, setupNode, setupProject, startTestApp, wgKey, type TestApp } from '../support/app.ts';

describe.each(STORES)('core flow on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  it('a device logs in, gets credentials, the node reports bytes, and the partner API shows them exactly', async () => {
    const { id: pid, partner } = await setupProject(t, { defaultTrafficLimit: 1_000_000n });
    const node = await setupNode(t, pid, { name: 'fra-1', country: 'DE', city: 'Frankfurt' });
    const dev = await loginDevice(t, pid, { type: 'ios', name: 'iPhone' });
    expect(dev.res.status).toBe(200);
    expect(dev.res.body.subscriber.name).toBe(`anonymous_${dev.deviceId}`);

    const cred = await dev.client.get('/user/credentials');
    expect(cred.status).toBe(200);
    expect(cred.body.client_ip).toBe('10.8.0.2');
    expect(cred.body.servers[0].name).toBe('fra-1');
    expect(cred.body.wireguard.config).toContain('Address = 10.8.0.2/32');
    const sid = cred.body.session_id as number;

    // The node sees the desired peer, reports the handshake and then counters.
    const s1 = await node.sync();
    expect(s1.body.peers).toEqual([{ session_id: sid, public_key: expect.any(String), internal_ip: '10.8.0.2' }]);
    t.clock.advance(5_000);
    const s2 = await node.sync({
      events: [{ type: 'start', session_id: sid, at: T0 + 1000 }],
      counters: [counter(sid, 1, 123_456, 7_890, T0 + 4000)],
    });
    expect(s2.status).toBe(200);
    expect(s2.body.applied_counters).toBe(1);

    const sessions = await partner.get(`/partner/subscribers/${dev.userId}/sessions`);
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toHaveLength(1);
    expect(sessions.body.sessions[0]).toMatchObject({
      id: sid,
      device_id: dev.devicePk,
      server: 'fra-1',
      location: 'de-frankfurt',
      start_time: new Date(T0 + 1000).toISOString(),
      end_time: null,
      internal_ip: '10.8.0.2',
      download: 123_456,
      upload: 7_890,
      active: true,
    });
    const user = await partner.get(`/partner/subscribers/${dev.userId}`);
    if (user.status !== 200) console.log(user.body);
    expect(user.body.subscriber.traffic).toMatchObject({ unlimited: false, limit: 1_000_000, used: 131_346, remaining: 868_654 });
    expect(user.body.subscriber.status).toBe('active');
    expect(user.body.subscriber.activated_devices).toBe(1);
    expect(user.body.subscriber.active_sessions).toBe(1);

    const rem = await dev.client.get('/user/remainingTraffic');
    expect(rem.body).toMatchObject({ result: 'OK', unlimited: false, traffic_limit: 1_000_000, traffic_used: 131_346, traffic_remaining: 868_654 });
  });
});

describe.each(STORES)('node key on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => t.close());

  it('hands out no node until its agent has reported a key, then the key the agent reported', async () => {
    const { id: pid } = await setupProject(t);
    const { addNode } = await import('../../src/services/nodes.ts');
    const { token } = await addNode(t.ctx, pid, { name: 'keyless', country: 'SE', city: 'Stockholm', endpoint: '192.0.2.1:51820', poolCidr: '10.9.0.0/24' }, 'test');
    const node = t.client(token);
    await node.post('/node/sync', { events: [], counters: [] });
    const dev = await loginDevice(t, pid);
    expect((await dev.client.get('/user/credentials')).body.result).toBe('SERVER_UNAVAILABLE');
    const key = wgKey();
    expect((await node.post('/node/sync', { public_key: key, events: [], counters: [] })).status).toBe(200);
    const cred = await dev.client.get('/user/credentials');
    expect(cred.body.wireguard.peer.public_key).toBe(key);
  });
});
