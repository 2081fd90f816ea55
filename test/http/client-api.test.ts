/** The client API as the app's SDK uses it: login methods, network, credentials and their refusals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, counter, loginDevice, setupNode, setupProject, startTestApp, wgKey, type TestApp } from '../support/app.ts';
import { startFakeFirebase, type FakeFirebase } from '../support/firebase.ts';

describe.each(STORES)('client API on %s', (kind) => {
  let t: TestApp;
  let fb: FakeFirebase;
  beforeAll(async () => {
    fb = await startFakeFirebase();
    t = await startTestApp(kind, { config: { firebaseJwksUrl: fb.jwksUrl } });
  });
  afterAll(async () => {
    await t.close();
    await fb.close();
  });

  it('logs in with a Firebase ID token; a token signed by another key, for another project or expired is OAUTH_ERROR', async () => {
    const p = await setupProject(t, { auth: { methods: ['firebase'], firebase: { project_id: 'fb-client' } } });
    const body = (token: string, device = 'phone') => ({ auth_method: 'firebase', access_token: token, device_id: device, device_type: 'android', carrier_id: p.id });
    const ok = await t.client().post('/user/login', body(await fb.token('uid-1', 'fb-client', { nowMs: t.clock.now() })));
    expect(ok.status).toBe(200);
    expect(ok.body.subscriber).toMatchObject({ name: 'firebase_uid-1', auth_method: 'firebase', condition: 0, carrier_id: p.id, activated_devices: 1 });
    const second = await t.client().post('/user/login', body(await fb.token('uid-1', 'fb-client', { nowMs: t.clock.now() }), 'tablet'));
    expect(second.body.subscriber.id).toBe(ok.body.subscriber.id);
    expect(second.body.subscriber.activated_devices).toBe(2);

    const other = await startFakeFirebase();
    for (const token of [
      await other.token('uid-1', 'fb-client', { nowMs: t.clock.now() }),
      await fb.token('uid-1', 'another-project', { nowMs: t.clock.now() }),
      await fb.token('uid-1', 'fb-client', { nowMs: t.clock.now() - 7200_000 }),
      'not-a-jwt',
    ]) {
      const r = await t.client().post('/user/login', body(token));
      expect(r.status).toBe(401);
      expect(r.body.result).toBe('OAUTH_ERROR');
    }
    await other.close();
    const anon = await t.client().post('/user/login', { auth_method: 'anonymous', device_id: 'x', device_type: 'ios', carrier_id: p.id });
    expect(anon.status).toBe(400);
    expect(anon.body.field).toBe('auth_method');
    const unknown = await t.client().post('/user/login', { auth_method: 'anonymous', device_id: 'x', device_type: 'ios', carrier_id: 'no-such' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('carrier_id');
  });

  it('lists countries and locations of online nodes and hands out the least loaded node', async () => {
    const p = await setupProject(t);
    await setupNode(t, p.id, { name: 'fra-a', country: 'DE', city: 'Frankfurt', capacity: 10 });
    const b = await setupNode(t, p.id, { name: 'fra-b', country: 'DE', city: 'Frankfurt', capacity: 10 });
    await setupNode(t, p.id, { name: 'nyc', country: 'US', city: 'New York' });
    const dev = await loginDevice(t, p.id);
    expect((await dev.client.get('/user/countries')).body.countries).toEqual([
      { country: 'DE', servers: 2 },
      { country: 'US', servers: 1 },
    ]);
    expect((await dev.client.get('/user/locations')).body.locations).toEqual([
      { name: 'de-frankfurt', country: 'DE', city: 'Frankfurt', servers: 2 },
      { name: 'us-new-york', country: 'US', city: 'New York', servers: 1 },
    ]);
    const servers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await loginDevice(t, p.id);
      servers.push((await d.client.get('/user/credentials?location=de-frankfurt')).body.servers[0].name);
    }
    expect(servers.sort()).toEqual(['fra-a', 'fra-a', 'fra-b', 'fra-b']);
    expect((await dev.client.get('/user/credentials?country=FR')).body).toMatchObject({ result: 'NOT_FOUND', field: 'country' });
    // A node that stops syncing gets no new sessions.
    t.clock.advance(61_000);
    await b.sync();
    const onlyB = await dev.client.get('/user/provide?country=DE');
    expect(onlyB.body.servers[0].name).toBe('fra-b');
    expect((await dev.client.get('/user/credentials?country=US')).body.result).toBe('SERVER_UNAVAILABLE');
  });

  it('returns a WireGuard configuration with the session address, the node key and endpoint', async () => {
    const p = await setupProject(t);
    const node = await setupNode(t, p.id, { name: 'ams', country: 'NL', city: 'Amsterdam', endpoint: 'vpn.example.net:51820', dns: ['10.8.0.1'] });
    const key = wgKey();
    const dev = await loginDevice(t, p.id, { publicKey: key });
    const c = await dev.client.get('/user/credentials');
    expect(c.body.wireguard).toEqual({
      interface: { address: '10.8.0.2/32', dns: ['10.8.0.1'] },
      peer: { public_key: node.spec.publicKey, endpoint: 'vpn.example.net:51820', allowed_ips: ['0.0.0.0/0', '::/0'], persistent_keepalive: 25 },
      config: `[Interface]\nPrivateKey = {PRIVATE_KEY}\nAddress = 10.8.0.2/32\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = ${node.spec.publicKey}\nEndpoint = vpn.example.net:51820\nAllowedIPs = 0.0.0.0/0, ::/0\nPersistentKeepalive = 25\n`,
    });
    expect(c.body.expire_time - c.body.create_time).toBe(600);
    expect((await node.sync()).body.peers).toEqual([{ session_id: c.body.session_id, public_key: key, internal_ip: '10.8.0.2' }]);
    // Asking again reuses the session and its address.
    const again = await dev.client.get('/user/credentials');
    expect(again.body.session_id).toBe(c.body.session_id);
    // A device without a key is told to send one.
    const bare = t.client();
    const login = await bare.post('/user/login', { auth_method: 'anonymous', device_id: 'no-key', device_type: 'linux', carrier_id: p.id });
    bare.token = login.body.access_token;
    expect((await bare.get('/user/credentials')).body).toMatchObject({ result: 'INVALID_PARAMS', field: 'public_key' });
  });

  it('refuses credentials beyond the license session limit with SESSIONS_EXCEED', async () => {
    const p = await setupProject(t, { auth: { methods: ['firebase'], firebase: { project_id: 'fb-sess' } } });
    await setupNode(t, p.id);
    const lic = await p.partner.post('/partner/licenses', { name: '3-1', devices_limit: 3, sessions_limit: 1 });
    const token = await fb.token('multi', 'fb-sess', { nowMs: t.clock.now() });
    const devs = [];
    for (const id of ['a', 'b']) {
      const c = t.client();
      const r = await c.post('/user/login', { auth_method: 'firebase', access_token: token, device_id: id, device_type: 'ios', carrier_id: p.id, public_key: wgKey() });
      c.token = r.body.access_token;
      devs.push({ c, uid: r.body.subscriber.id as number });
    }
    await p.partner.put(`/partner/subscribers/${devs[0]!.uid}`, { license_id: lic.body.license.id });
    expect((await devs[0]!.c.get('/user/credentials')).status).toBe(200);
    const second = await devs[1]!.c.get('/user/credentials');
    expect(second.status).toBe(403);
    expect(second.body.result).toBe('SESSIONS_EXCEED');
  });

  it('answers TRAFFIC_EXCEED once the limit is used and reports remaining traffic', async () => {
    const p = await setupProject(t, { defaultTrafficLimit: 5000n });
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const c = await dev.client.get('/user/credentials');
    await node.sync({ counters: [counter(c.body.session_id, 1, 3000, 2000, t.clock.now())] });
    const cut = await node.sync();
    expect(cut.body.cut).toEqual([{ session_id: c.body.session_id, reason: 'TRAFFIC_EXCEED' }]);
    expect(cut.body.peers).toEqual([]);
    const again = await dev.client.get('/user/credentials');
    expect(again.status).toBe(403);
    expect(again.body.result).toBe('TRAFFIC_EXCEED');
    const rem = await dev.client.get('/user/remainingTraffic');
    expect(rem.body).toMatchObject({ unlimited: false, traffic_limit: 5000, traffic_used: 5000, traffic_remaining: 0 });
  });

  it('logs out: the token stops working, and logging in again issues a new one for the same device', async () => {
    const p = await setupProject(t);
    const dev = await loginDevice(t, p.id);
    expect((await dev.client.get('/user/current')).status).toBe(200);
    expect((await dev.client.get('/user/logout')).status).toBe(200);
    const after = await dev.client.get('/user/current');
    expect(after.status).toBe(401);
    expect(after.body.result).toBe('NOT_AUTHORIZED');
    const back = await loginDevice(t, p.id, { deviceId: dev.deviceId });
    expect(back.devicePk).toBe(dev.devicePk);
    expect(back.client.token).not.toBe(dev.client.token);
    expect((await t.client().get(`/user/current?access_token=${back.client.token}`)).status).toBe(200);
  });
});
