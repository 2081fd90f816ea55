/**
 * Bad input on the client API (/user/*): wrong types, missing and unknown fields, out-of-range values,
 * bad country codes and wrong tokens are refused with 4xx, a result code and the field's name, and
 * nothing is written (SPEC §2: "A bad input never leaves a partial write").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirebaseVerifier } from '../../src/integrations/firebase-auth.ts';
import { STORES, loginDevice, setupNode, setupProject, startTestApp, wgKey, type TestApp } from '../support/app.ts';
import { BODY_SHAPES, named, qs, runCase, str, type Case, type Req } from '../support/bad-input.ts';

interface F {
  pid: string;
  fbPid: string;
  token: string;
  noKeyToken: string;
  loggedOutToken: string;
  partnerToken: string;
  nodeToken: string;
  key: string;
}

const loginBody = (f: F, patch: Record<string, unknown> = {}, drop: string[] = []) => {
  const b: Record<string, unknown> = {
    auth_method: 'anonymous',
    device_id: 'dev-refused',
    device_type: 'android',
    device_name: 'Pixel 8',
    carrier_id: f.pid,
    public_key: f.key,
    ...patch,
  };
  for (const k of drop) delete b[k];
  return b;
};
const login = (body: (f: F) => unknown, headers?: Record<string, string>) => (f: F): Req => ({
  method: 'POST',
  path: '/user/login',
  body: body(f),
  ...(headers ? { headers } : {}),
});
const bad = (what: string, patch: Record<string, unknown>, field: string): Case<F> => ({
  what: `POST /user/login with ${what}`,
  req: login((f) => loginBody(f, patch)),
  status: 400,
  result: 'INVALID_PARAMS',
  field,
});

const LOGIN_CASES: Array<Case<F>> = [
  // wrong types
  bad('auth_method 1', { auth_method: 1 }, 'auth_method'),
  bad('device_id 12345 (a number)', { device_id: 12345 }, 'device_id'),
  bad('device_type true', { device_type: true }, 'device_type'),
  bad('carrier_id null', { carrier_id: null }, 'carrier_id'),
  bad('device_name 5', { device_name: 5 }, 'device_name'),
  bad('access_token {}', { access_token: {} }, 'access_token'),
  bad('public_key []', { public_key: [] }, 'public_key'),
  // missing fields
  ...['auth_method', 'device_id', 'device_type', 'carrier_id'].map(
    (k): Case<F> => ({
      what: `POST /user/login without ${k}`,
      req: login((f) => loginBody(f, {}, [k])),
      status: 400,
      result: 'INVALID_PARAMS',
      field: k,
    }),
  ),
  // unknown fields
  bad('an unknown field "extra"', { extra: 1 }, 'extra'),
  bad('an unknown field "user_id"', { user_id: 1 }, 'user_id'),
  {
    what: 'POST /user/login with a "__proto__" member',
    req: login(() => '{"__proto__":{"device_type":"android"},"auth_method":"anonymous","device_id":"dev-refused","device_type":"android","carrier_id":"x"}'),
    status: 400,
    result: 'INVALID_PARAMS',
    field: '__proto__',
  },
  // out of range and malformed values
  bad('auth_method "password"', { auth_method: 'password' }, 'auth_method'),
  bad('device_type "blackberry"', { device_type: 'blackberry' }, 'device_type'),
  bad('an empty device_id', { device_id: '' }, 'device_id'),
  bad('a 129-character device_id', { device_id: str(129) }, 'device_id'),
  bad('a device_id with a space', { device_id: 'my phone' }, 'device_id'),
  bad('a NUL character in device_name', { device_name: 'Pixel\u00008' }, 'device_name'),
  bad('a 129-character device_name', { device_name: str(129) }, 'device_name'),
  bad('an empty carrier_id', { carrier_id: '' }, 'carrier_id'),
  bad('a 65-character carrier_id', { carrier_id: str(65) }, 'carrier_id'),
  bad('a public_key that is not a WireGuard key', { public_key: 'not-a-key' }, 'public_key'),
  bad('an 8193-character access_token', { access_token: str(8193) }, 'access_token'),
  // well-formed but refused by a rule
  {
    what: 'POST /user/login to a carrier that does not exist',
    req: login((f) => loginBody(f, { carrier_id: 'no-such-carrier' })),
    status: 404,
    result: 'NOT_FOUND',
    field: 'carrier_id',
  },
  bad('auth_method "oauth" that the project has not enabled', { auth_method: 'oauth' }, 'auth_method'),
  {
    what: 'POST /user/login with firebase and no access_token',
    req: login((f) => loginBody(f, { auth_method: 'firebase', carrier_id: f.fbPid })),
    status: 400,
    result: 'INVALID_PARAMS',
    field: 'access_token',
  },
  {
    what: 'POST /user/login with firebase and a Firebase token that does not verify',
    req: login((f) => loginBody(f, { auth_method: 'firebase', carrier_id: f.fbPid, access_token: 'eyJ.not.valid' })),
    status: 401,
    result: 'OAUTH_ERROR',
    field: 'access_token',
  },
  {
    what: 'POST /user/login with an unknown query parameter',
    req: (f) => ({ ...login((g) => loginBody(g))(f), path: '/user/login?debug=1' }),
    status: 400,
    result: 'INVALID_PARAMS',
    field: 'debug',
  },
  ...BODY_SHAPES.map(
    (b): Case<F> => ({
      what: `POST /user/login with ${b.what}`,
      req: login(() => b.body, b.headers),
      status: 400,
      result: 'INVALID_PARAMS',
      field: b.field,
    }),
  ),
];

const GETS = ['/user/current', '/user/logout', '/user/countries', '/user/locations', '/user/credentials', '/user/provide', '/user/remainingTraffic'];

/** Wrong tokens: every authenticated client route answers 401 NOT_AUTHORIZED naming access_token. */
const TOKEN_KINDS: Array<{ what: string; req: (f: F, path: string) => Req }> = [
  { what: 'no token', req: (_f, path) => ({ method: 'GET', path }) },
  { what: 'a bearer token that was never issued', req: (_f, path) => ({ method: 'GET', path, token: 'gdt_never-issued-0123456789abcdef' }) },
  { what: 'an ?access_token= that was never issued', req: (_f, path) => ({ method: 'GET', path: `${path}?access_token=gdt_never-issued-0123456789abcdef` }) },
  { what: 'a Basic authorization header', req: (_f, path) => ({ method: 'GET', path, headers: { authorization: 'Basic dXNlcjpwYXNz' } }) },
  { what: 'a bearer token shorter than 8 characters', req: (_f, path) => ({ method: 'GET', path, token: 'abc' }) },
  { what: 'the token of a logged-out device', req: (f, path) => ({ method: 'GET', path, token: f.loggedOutToken }) },
  { what: 'a partner API token', req: (f, path) => ({ method: 'GET', path, token: f.partnerToken }) },
  { what: 'a node token', req: (f, path) => ({ method: 'GET', path, token: f.nodeToken }) },
];
const AUTH_CASES: Array<Case<F>> = GETS.flatMap((path) =>
  TOKEN_KINDS.map(
    (k): Case<F> => ({
      what: `GET ${path} with ${k.what}`,
      req: (f) => k.req(f, path),
      status: 401,
      result: 'NOT_AUTHORIZED',
      field: 'access_token',
    }),
  ),
);

const get = (path: string, query = '', token?: (f: F) => string) => (f: F): Req => ({ method: 'GET', path: path + query, token: token ? token(f) : f.token });

const QUERY_CASES: Array<Case<F>> = [
  ...GETS.map(
    (path): Case<F> => ({
      what: `GET ${path} with an unknown query parameter`,
      req: get(path, '?debug=1'),
      status: 400,
      result: 'INVALID_PARAMS',
      field: 'debug',
    }),
  ),
  ...['/user/credentials', '/user/provide'].flatMap((path): Array<Case<F>> => {
    const q = (what: string, query: Array<[string, string]>, field: string, status = 400, result = 'INVALID_PARAMS'): Case<F> => ({
      what: `GET ${path} with ${what}`,
      req: get(path, qs(query)),
      status,
      result,
      field,
    });
    return [
      q('country "XX" (not ISO 3166-1)', [['country', 'XX']], 'country'),
      q('country "de" (lower case)', [['country', 'de']], 'country'),
      q('country "DEU" (alpha-3)', [['country', 'DEU']], 'country'),
      q('an empty country', [['country', '']], 'country'),
      q('country given twice', [['country', 'DE'], ['country', 'FR']], 'country'),
      q('an empty location', [['location', '']], 'location'),
      q('a 65-character location', [['location', str(65)]], 'location'),
      q('a public_key that is not a WireGuard key', [['public_key', 'abc']], 'public_key'),
      q('type "openvpn"', [['type', 'openvpn']], 'type'),
      q('a valid country without servers', [['country', 'FR']], 'country', 404, 'NOT_FOUND'),
      q('a location that does not exist', [['location', 'fr-paris']], 'location', 404, 'NOT_FOUND'),
      {
        what: `GET ${path} for a device without a WireGuard key and no public_key`,
        req: get(path, '', (f) => f.noKeyToken),
        status: 400,
        result: 'INVALID_PARAMS',
        field: 'public_key',
      },
    ];
  }),
];

describe.each(STORES)('client API bad input on %s', (kind) => {
  let t: TestApp;
  let f: F;
  beforeAll(async () => {
    const firebase = { verify: async () => null } as unknown as FirebaseVerifier;
    t = await startTestApp(kind, { firebase });
    const p = await setupProject(t);
    const fb = await setupProject(t, { auth: { methods: ['anonymous', 'firebase'], firebase: { project_id: 'fb-test' } } });
    const node = await setupNode(t, p.id, { country: 'DE', city: 'Berlin' });
    const dev = await loginDevice(t, p.id);
    const gone = await loginDevice(t, p.id);
    expect((await gone.client.get('/user/logout')).status).toBe(200);
    const noKey = t.client();
    const r = await noKey.post('/user/login', { auth_method: 'anonymous', device_id: 'dev-without-key', device_type: 'linux', carrier_id: p.id });
    expect(r.status).toBe(200);
    f = {
      pid: p.id,
      fbPid: fb.id,
      token: dev.client.token!,
      noKeyToken: r.body.access_token,
      loggedOutToken: gone.client.token!,
      partnerToken: p.partner.token!,
      nodeToken: node.token,
      key: wgKey(),
    };
  });
  afterAll(async () => t?.close());

  it('baseline: the fixture device reaches every client route, so each refusal below is about its one bad input', async () => {
    for (const path of GETS.filter((p) => p !== '/user/logout')) {
      const r = await t.client(f.token).get(path);
      expect([path, r.status, r.body.result]).toEqual([path, 200, 'OK']);
    }
  });

  it.each(named(LOGIN_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(AUTH_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(QUERY_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });

  it('a refused GET /user/logout (unknown parameter) leaves the token working', async () => {
    await runCase(t, f, { what: 'logout', req: get('/user/logout', '?debug=1'), status: 400, result: 'INVALID_PARAMS', field: 'debug' });
    expect((await t.client(f.token).get('/user/current')).status).toBe(200);
  });
});
