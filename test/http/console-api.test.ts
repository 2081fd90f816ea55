/** Console sign-in, CSRF, roles, and the partner operations mounted for members. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, loginDevice, setupProject, startTestApp, type TestApp } from '../support/app.ts';
import { addMember } from '../../src/services/members.ts';
import { Client } from '../support/http.ts';

const signIn = async (t: TestApp, email: string, password: string) => {
  const c = new Client(t.url);
  const r = await c.post('/console/api/session', { email, password });
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { r, cookie, csrf: r.body?.csrf_token as string };
};

describe.each(STORES)('console API on %s', (kind) => {
  let t: TestApp;
  let pid: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    ({ id: pid } = await setupProject(t, { type: 'private' }));
    await addMember(t.ctx, 'owner@example.com', 'correct horse battery', pid, 'owner', 'test');
    await addMember(t.ctx, 'help@example.com', 'support staple 1234', pid, 'support', 'test');
  });
  afterAll(async () => t.close());

  it('signs in with an HTTP-only session cookie and lists the member projects with roles', async () => {
    const { r, cookie } = await signIn(t, 'owner@example.com', 'correct horse battery');
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/gh_session=gcs_[^;]+;.*HttpOnly.*SameSite=Strict/);
    expect(r.body.projects).toEqual([{ id: pid, name: pid, type: 'private', role: 'owner' }]);
    const again = await new Client(t.url).req('GET', '/console/api/session', undefined, { cookie });
    expect(again.body.member.email).toBe('owner@example.com');
  });

  it('refuses a wrong password with the same answer as an unknown email', async () => {
    const a = await signIn(t, 'owner@example.com', 'wrong password!!');
    const b = await signIn(t, 'nobody@example.com', 'wrong password!!');
    expect([a.r.status, b.r.status]).toEqual([401, 401]);
    expect(a.r.body).toEqual(b.r.body);
  });

  it('runs partner operations for members, requiring the CSRF token on changes', async () => {
    const { cookie, csrf } = await signIn(t, 'owner@example.com', 'correct horse battery');
    const c = new Client(t.url);
    const created = await c.req('POST', `/console/api/projects/${pid}/subscribers`, { auth_method: 'anonymous', external_id: 'ops-1' }, { cookie });
    expect(created.status).toBe(403);
    expect(created.body.field).toBe('x-csrf-token');
    const ok = await c.req('POST', `/console/api/projects/${pid}/subscribers`, { auth_method: 'anonymous', external_id: 'ops-1' }, { cookie, 'x-csrf-token': csrf });
    expect(ok.status).toBe(200);
    const audit = await c.req('GET', `/console/api/projects/${pid}/audit?object_type=user`, undefined, { cookie });
    expect(audit.body.entries[0]).toMatchObject({ action: 'user.create', author: 'member:owner@example.com' });
    const other = await setupProject(t);
    const foreign = await c.req('GET', `/console/api/projects/${other.id}/subscribers`, undefined, { cookie });
    expect(foreign.status).toBe(403);
  });

  it('lets support edit users but refuses deleting them and managing licenses', async () => {
    const dev = await loginDevice(t, pid);
    const { cookie, csrf } = await signIn(t, 'help@example.com', 'support staple 1234');
    const c = new Client(t.url);
    const h = { cookie, 'x-csrf-token': csrf };
    expect((await c.req('PUT', `/console/api/projects/${pid}/subscribers/${dev.userId}`, { description: 'called' }, h)).status).toBe(200);
    const del = await c.req('DELETE', `/console/api/projects/${pid}/subscribers/${dev.userId}?confirm=${dev.userId}`, undefined, h);
    expect(del.status).toBe(403);
    expect(del.body.result).toBe('FORBIDDEN');
    expect((await c.req('POST', `/console/api/projects/${pid}/licenses`, { name: 'x', devices_limit: 1, sessions_limit: 1 }, h)).status).toBe(403);
    const still = await c.req('GET', `/console/api/projects/${pid}/subscribers/${dev.userId}`, undefined, { cookie });
    expect(still.body.subscriber.description).toBe('called');
  });

  it('signs out: the cookie stops working', async () => {
    const { cookie, csrf } = await signIn(t, 'owner@example.com', 'correct horse battery');
    const c = new Client(t.url);
    expect((await c.req('DELETE', '/console/api/session', undefined, { cookie, 'x-csrf-token': csrf })).status).toBe(200);
    expect((await c.req('GET', '/console/api/session', undefined, { cookie })).status).toBe(401);
  });

  it('rate-limits sign-in attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(t, 'owner@example.com', `guess-${i}-xxxxx`)).r.status);
    expect(statuses).toContain(429);
    const last = await signIn(t, 'owner@example.com', 'guess-x');
    expect(last.r.body.result).toBe('TOO_MANY_REQUESTS');
  });
});

describe.each(STORES)('project creation from the console on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { config: { adminEmail: 'root@example.com', adminPassword: 'installation owner pw' } });
    const { ensureFirstOwner } = await import('../../src/services/members.ts');
    await ensureFirstOwner(t.ctx);
    const { id } = await setupProject(t);
    await addMember(t.ctx, 'admin@example.com', 'project admin pw 1', id, 'admin', 'test');
  });
  afterAll(async () => t.close());

  it('lets the installation owner create a project and refuses everyone else', async () => {
    const owner = await signIn(t, 'root@example.com', 'installation owner pw');
    expect(owner.r.body.member.installation_owner).toBe(true);
    const c = new Client(t.url);
    const body = { id: 'made-here', name: 'Made here', type: 'public', time_zone: 'Asia/Tokyo', default_traffic_limit: 1_000_000 };
    const r = await c.req('POST', '/console/api/projects', body, { cookie: owner.cookie, 'x-csrf-token': owner.csrf });
    expect(r.status).toBe(200);
    expect(r.body.project).toEqual({ id: 'made-here', name: 'Made here', type: 'public', role: 'owner' });
    expect((await c.post('/partner/login', { login: 'made-here', password: r.body.private_key })).status).toBe(200);
    const again = await c.req('POST', '/console/api/projects', body, { cookie: owner.cookie, 'x-csrf-token': owner.csrf });
    expect(again.status).toBe(409);
    const badTz = await c.req('POST', '/console/api/projects', { ...body, id: 'x2', time_zone: 'Mars/Base' }, { cookie: owner.cookie, 'x-csrf-token': owner.csrf });
    expect(badTz.body).toMatchObject({ result: 'INVALID_PARAMS', field: 'time_zone' });
    const admin = await signIn(t, 'admin@example.com', 'project admin pw 1');
    expect(admin.r.body.member.installation_owner).toBe(false);
    const refused = await c.req('POST', '/console/api/projects', { ...body, id: 'x3' }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    expect(refused.status).toBe(403);
  });
});
