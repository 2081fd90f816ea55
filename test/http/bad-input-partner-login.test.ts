/**
 * Bad input on POST /partner/login. The route allows 20 requests a minute per address, so this file
 * sends fewer than that per server (the project is created without logging in).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { STORES, startTestApp, type TestApp } from '../support/app.ts';
import { createProject } from '../../src/services/projects.ts';
import { BODY_SHAPES, named, runCase, str, type Case, type Req } from '../support/bad-input.ts';

interface F {
  pid: string;
  key: string;
}

const login = (body: (f: F) => unknown, extra: Partial<Req> = {}) => (f: F): Req => ({ method: 'POST', path: '/partner/login', body: body(f), ...extra });
const bad = (what: string, body: (f: F) => unknown, field: string): Case<F> => ({
  what: `POST /partner/login with ${what}`,
  req: login(body),
  status: 400,
  result: 'INVALID_PARAMS',
  field,
});

const CASES: Array<Case<F>> = [
  bad('no login', (f) => ({ password: f.key }), 'login'),
  bad('no password', (f) => ({ login: f.pid }), 'password'),
  bad('login 5 (a number)', (f) => ({ login: 5, password: f.key }), 'login'),
  bad('password null', (f) => ({ login: f.pid, password: null }), 'password'),
  bad('an empty login', (f) => ({ login: '', password: f.key }), 'login'),
  bad('a 65-character login', (f) => ({ login: str(65), password: f.key }), 'login'),
  bad('a 257-character password', (f) => ({ login: f.pid, password: str(257) }), 'password'),
  bad('an unknown field "role"', (f) => ({ login: f.pid, password: f.key, role: 'owner' }), 'role'),
  {
    what: 'POST /partner/login with a wrong password',
    req: login((f) => ({ login: f.pid, password: `${f.key}x` })),
    status: 401,
    result: 'NOT_AUTHORIZED',
  },
  {
    what: "POST /partner/login with another project's id and this project's key",
    req: login((f) => ({ login: `${f.pid}-other`, password: f.key })),
    status: 401,
    result: 'NOT_AUTHORIZED',
  },
  {
    what: 'POST /partner/login with an unknown query parameter',
    req: login((f) => ({ login: f.pid, password: f.key }), { path: '/partner/login?debug=1' }),
    status: 400,
    result: 'INVALID_PARAMS',
    field: 'debug',
  },
  ...BODY_SHAPES.filter((b) => !b.what.includes('number') && !b.what.includes('string')).map(
    (b): Case<F> => ({
      what: `POST /partner/login with ${b.what}`,
      req: login(() => b.body, b.headers ? { headers: b.headers } : {}),
      status: 400,
      result: 'INVALID_PARAMS',
      field: b.field,
    }),
  ),
];

describe.each(STORES)('partner login bad input on %s', (kind) => {
  let t: TestApp;
  let f: F;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const pid = `p-login-${kind}`;
    const { privateKey } = await createProject(t.ctx, { id: pid }, 'test');
    await createProject(t.ctx, { id: `${pid}-other` }, 'test');
    f = { pid, key: privateKey };
  });
  afterAll(async () => t?.close());

  it('stays under the rate limit (this table is the only traffic to /partner/login)', () => {
    if (CASES.length >= 20) throw new Error(`${CASES.length} requests would hit the 20/min rate limit`);
  });
  it.each(named(CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
});
