/**
 * Bad input on every partner API route (src/http/partner-api/routes.ts): wrong tokens, path ids, wrong
 * types, missing and unknown fields, out-of-range numbers, bad country codes, bad or too long time
 * windows, and bad cursors are refused with 4xx, a result code and the field's name; nothing is written.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { STORES, loginDevice, setupNode, setupProject, startTestApp, type TestApp } from '../support/app.ts';
import { partnerLogin } from '../../src/services/partner-auth.ts';
import { rotatePrivateKey } from '../../src/services/projects.ts';
import {
  BODY_SHAPES,
  RAW_SLOT,
  TWO_POW_63,
  named,
  qs,
  rawJson,
  runCase,
  str,
  type Case,
  type Req,
} from '../support/bad-input.ts';

interface F {
  pid: string;
  token: string;
  /** a user with a device (the target of every /subscribers/{id} route) */
  uid: number;
  devicePk: number;
  /** a non-default license nobody holds */
  lic: number;
  defaultLic: number;
  /** objects of another project */
  otherUid: number;
  otherDevicePk: number;
  otherLic: number;
  /** tokens that must not open the partner API */
  expiredToken: string;
  rotatedToken: string;
  forgedToken: string;
  deviceToken: string;
  nodeToken: string;
}

type Method = Req['method'];
const r = (method: Method, path: string, body?: unknown): Req => (body === undefined ? { method, path } : { method, path, body });

/** Every partner route with a request that is valid for the fixture. */
const ROUTES: Array<{ route: string; valid: (f: F) => Req }> = [
  { route: 'GET /partner/licenses', valid: () => r('GET', '/partner/licenses') },
  { route: 'POST /partner/licenses', valid: () => r('POST', '/partner/licenses', { name: 'fresh', devices_limit: 1, sessions_limit: 1 }) },
  { route: 'PUT /partner/licenses/{id}', valid: (f) => r('PUT', `/partner/licenses/${f.lic}`, { devices_limit: 2 }) },
  { route: 'GET /partner/subscribers', valid: () => r('GET', '/partner/subscribers') },
  { route: 'POST /partner/subscribers', valid: () => r('POST', '/partner/subscribers', { auth_method: 'anonymous', external_id: 'fresh' }) },
  { route: 'GET /partner/subscribers/{id}', valid: (f) => r('GET', `/partner/subscribers/${f.uid}`) },
  { route: 'PUT /partner/subscribers/{id}', valid: (f) => r('PUT', `/partner/subscribers/${f.uid}`, { description: 'changed' }) },
  { route: 'GET /partner/subscribers/{id}/traffic', valid: (f) => r('GET', `/partner/subscribers/${f.uid}/traffic`) },
  { route: 'POST /partner/subscribers/{id}/traffic', valid: (f) => r('POST', `/partner/subscribers/${f.uid}/traffic`, { traffic_limit: 1000, reset: true }) },
  { route: 'DELETE /partner/subscribers/{id}/traffic', valid: (f) => r('DELETE', `/partner/subscribers/${f.uid}/traffic`) },
  { route: 'GET /partner/subscribers/{id}/traffic/daily', valid: (f) => r('GET', `/partner/subscribers/${f.uid}/traffic/daily`) },
  { route: 'GET /partner/subscribers/{id}/sessions', valid: (f) => r('GET', `/partner/subscribers/${f.uid}/sessions`) },
  { route: 'GET /partner/sessions/active', valid: () => r('GET', '/partner/sessions/active') },
  { route: 'GET /partner/subscribers/{id}/devices', valid: (f) => r('GET', `/partner/subscribers/${f.uid}/devices`) },
  { route: 'GET /partner/audit', valid: () => r('GET', '/partner/audit') },
  // destructive routes last: if one wrongly succeeds, it cannot break the rows above
  { route: 'DELETE /partner/subscribers/{id}/devices/{deviceId}', valid: (f) => r('DELETE', `/partner/subscribers/${f.uid}/devices/${f.devicePk}`) },
  { route: 'DELETE /partner/licenses/{id}', valid: (f) => r('DELETE', `/partner/licenses/${f.lic}`) },
  { route: 'DELETE /partner/subscribers/{id}', valid: (f) => r('DELETE', `/partner/subscribers/${f.uid}?confirm=${f.uid}`) },
];
const withToken = (f: F, q: Req): Req => ({ token: f.token, ...q });
const addQuery = (path: string, extra: string) => path + (path.includes('?') ? '&' : '?') + extra;

// ---- wrong tokens -------------------------------------------------------------------------------
const TOKENS: Array<{ what: string; auth: (f: F) => Partial<Req> }> = [
  { what: 'no token', auth: () => ({ token: null }) },
  { what: 'a token that was never issued', auth: () => ({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.never-issued-signature' }) },
  { what: 'an expired token', auth: (f) => ({ token: f.expiredToken }) },
  { what: 'a token issued before the private key was rotated', auth: (f) => ({ token: f.rotatedToken }) },
  { what: 'a token signed with another key', auth: (f) => ({ token: f.forgedToken }) },
  { what: 'a device access token', auth: (f) => ({ token: f.deviceToken }) },
  { what: 'a node token', auth: (f) => ({ token: f.nodeToken }) },
  { what: 'a valid token in ?access_token= (header only)', auth: (f) => ({ token: null, pathQuery: `access_token=${f.token}` }) as Partial<Req> },
  { what: 'a Basic authorization header', auth: () => ({ token: null, headers: { authorization: 'Basic cGFydG5lcjpwYXJ0bmVy' } }) },
];
const AUTH_CASES: Array<Case<F>> = ROUTES.flatMap(({ route, valid }) =>
  TOKENS.map(
    (k): Case<F> => ({
      what: `${route} with ${k.what}`,
      req: (f) => {
        const q = valid(f);
        const { pathQuery, ...auth } = k.auth(f) as Partial<Req> & { pathQuery?: string };
        return { ...q, ...auth, ...(pathQuery ? { path: addQuery(q.path, pathQuery) } : {}) };
      },
      status: 401,
      result: 'NOT_AUTHORIZED',
      field: 'authorization',
    }),
  ),
);

/** Without a token, even a malformed request learns nothing but 401 (authentication comes first). */
const MALFORMED: Array<[string, (f: F) => Req]> = [
  ['POST /partner/licenses with an empty body', () => r('POST', '/partner/licenses', {})],
  ['PUT /partner/licenses/{id} with id "abc"', () => r('PUT', '/partner/licenses/abc', { devices_limit: 1 })],
  ['GET /partner/subscribers with limit=0', () => r('GET', '/partner/subscribers?limit=0')],
  ['POST /partner/subscribers with country "XX"', () => r('POST', '/partner/subscribers', { auth_method: 'anonymous', external_id: 'x', country: 'XX' })],
  ['GET /partner/subscribers/{id} with id "abc"', () => r('GET', '/partner/subscribers/abc')],
  ['DELETE /partner/subscribers/{id} without confirm', (f) => r('DELETE', `/partner/subscribers/${f.uid}`)],
  ['POST /partner/subscribers/{id}/traffic with traffic_limit -1', (f) => r('POST', `/partner/subscribers/${f.uid}/traffic`, { traffic_limit: -1 })],
  ['GET /partner/subscribers/{id}/sessions with a 31-day window', (f) => r('GET', `/partner/subscribers/${f.uid}/sessions${qs({ start_time: '2026-11-01T00:00:00Z', end_time: '2026-12-02T00:00:00Z' })}`)],
  ['GET /partner/audit with limit=0', () => r('GET', '/partner/audit?limit=0')],
];
const AUTH_FIRST_CASES: Array<Case<F>> = MALFORMED.map(([what, req]) => ({
  what: `${what} and no token`,
  req,
  status: 401,
  result: 'NOT_AUTHORIZED',
  field: 'authorization',
}));

// ---- path ids -----------------------------------------------------------------------------------
const ID_ROUTES: Array<{ route: string; req: (f: F, id: string) => Req; notFound: string }> = [
  { route: 'PUT /partner/licenses/{id}', req: (_f, id) => r('PUT', `/partner/licenses/${id}`, { devices_limit: 2 }), notFound: 'LICENSE_NOT_FOUND' },
  { route: 'DELETE /partner/licenses/{id}', req: (_f, id) => r('DELETE', `/partner/licenses/${id}`), notFound: 'LICENSE_NOT_FOUND' },
  { route: 'GET /partner/subscribers/{id}', req: (_f, id) => r('GET', `/partner/subscribers/${id}`), notFound: 'NOT_FOUND' },
  { route: 'PUT /partner/subscribers/{id}', req: (_f, id) => r('PUT', `/partner/subscribers/${id}`, { description: 'changed' }), notFound: 'NOT_FOUND' },
  { route: 'DELETE /partner/subscribers/{id}', req: (_f, id) => r('DELETE', `/partner/subscribers/${id}?confirm=${/^\d+$/.test(id) && id !== '0' ? id : '1'}`), notFound: 'NOT_FOUND' },
  { route: 'GET /partner/subscribers/{id}/traffic', req: (_f, id) => r('GET', `/partner/subscribers/${id}/traffic`), notFound: 'NOT_FOUND' },
  { route: 'POST /partner/subscribers/{id}/traffic', req: (_f, id) => r('POST', `/partner/subscribers/${id}/traffic`, { traffic_limit: 1000 }), notFound: 'NOT_FOUND' },
  { route: 'DELETE /partner/subscribers/{id}/traffic', req: (_f, id) => r('DELETE', `/partner/subscribers/${id}/traffic`), notFound: 'NOT_FOUND' },
  { route: 'GET /partner/subscribers/{id}/traffic/daily', req: (_f, id) => r('GET', `/partner/subscribers/${id}/traffic/daily`), notFound: 'NOT_FOUND' },
  { route: 'GET /partner/subscribers/{id}/sessions', req: (_f, id) => r('GET', `/partner/subscribers/${id}/sessions`), notFound: 'NOT_FOUND' },
  { route: 'GET /partner/subscribers/{id}/devices', req: (_f, id) => r('GET', `/partner/subscribers/${id}/devices`), notFound: 'NOT_FOUND' },
  { route: 'DELETE /partner/subscribers/{id}/devices/{deviceId}', req: (f, id) => r('DELETE', `/partner/subscribers/${id}/devices/${f.devicePk}`), notFound: 'NOT_FOUND' },
];
const BAD_IDS = ['abc', '0', '-1', '1.5', '9007199254740992'];
const ID_CASES: Array<Case<F>> = [
  ...ID_ROUTES.flatMap(({ route, req }) =>
    BAD_IDS.map((id): Case<F> => ({ what: `${route} with id "${id}"`, req: (f) => withToken(f, req(f, id)), status: 400, result: 'INVALID_PARAMS', field: 'id' })),
  ),
  ...ID_ROUTES.map(({ route, req, notFound }): Case<F> => ({ what: `${route} with an id that does not exist`, req: (f) => withToken(f, req(f, '999999')), status: 404, result: notFound })),
  ...ID_ROUTES.map(
    ({ route, req, notFound }): Case<F> => ({
      what: `${route} with the id of another project's ${notFound === 'LICENSE_NOT_FOUND' ? 'license' : 'user'}`,
      req: (f) => withToken(f, req(f, String(notFound === 'LICENSE_NOT_FOUND' ? f.otherLic : f.otherUid))),
      status: 404,
      result: notFound,
    }),
  ),
  ...['abc', '0', '1.5'].map(
    (d): Case<F> => ({
      what: `DELETE /partner/subscribers/{id}/devices/{deviceId} with deviceId "${d}"`,
      req: (f) => withToken(f, r('DELETE', `/partner/subscribers/${f.uid}/devices/${d}`)),
      status: 400,
      result: 'INVALID_PARAMS',
      field: 'deviceId',
    }),
  ),
  {
    what: 'DELETE /partner/subscribers/{id}/devices/{deviceId} with a device that does not exist',
    req: (f) => withToken(f, r('DELETE', `/partner/subscribers/${f.uid}/devices/999999`)),
    status: 404,
    result: 'NOT_FOUND',
  },
  {
    what: "DELETE /partner/subscribers/{id}/devices/{deviceId} with another project's device",
    req: (f) => withToken(f, r('DELETE', `/partner/subscribers/${f.uid}/devices/${f.otherDevicePk}`)),
    status: 404,
    result: 'NOT_FOUND',
  },
];

// ---- bodies ---------------------------------------------------------------------------------------
const body = (what: string, method: Method, path: (f: F) => string, b: (f: F) => unknown, field: string, status = 400, result = 'INVALID_PARAMS'): Case<F> => ({
  what: `${method} ${what}`,
  req: (f) => withToken(f, r(method, path(f), b(f))),
  status,
  result,
  field,
});
const LIC = { name: 'lic-x', devices_limit: 1, sessions_limit: 1 };
const licenseCreate = (what: string, patch: Record<string, unknown>, field: string, raw?: string) =>
  body(`/partner/licenses with ${what}`, 'POST', () => '/partner/licenses', () => (raw ? rawJson({ ...LIC, ...patch }, raw) : { ...LIC, ...patch }), field);
const without = (o: Record<string, unknown>, k: string) => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k));

const SUB = { auth_method: 'anonymous', external_id: 'new-user' };
const subCreate = (what: string, patch: Record<string, unknown>, field: string, raw?: string, status = 400, result = 'INVALID_PARAMS') =>
  body(`/partner/subscribers with ${what}`, 'POST', () => '/partner/subscribers', () => (raw ? rawJson({ ...SUB, ...patch }, raw) : { ...SUB, ...patch }), field, status, result);
const subUpdate = (what: string, b: (f: F) => unknown, field: string, status = 400, result = 'INVALID_PARAMS') =>
  body(`/partner/subscribers/{id} with ${what}`, 'PUT', (f) => `/partner/subscribers/${f.uid}`, b, field, status, result);
const trafficSet = (what: string, b: Record<string, unknown>, field: string, raw?: string) =>
  body(`/partner/subscribers/{id}/traffic with ${what}`, 'POST', (f) => `/partner/subscribers/${f.uid}/traffic`, () => (raw ? rawJson(b, raw) : b), field);

const BODY_CASES: Array<Case<F>> = [
  // POST /partner/licenses
  ...['name', 'devices_limit', 'sessions_limit'].map((k) =>
    body(`/partner/licenses without ${k}`, 'POST', () => '/partner/licenses', () => without(LIC, k), k),
  ),
  licenseCreate('name 1', { name: 1 }, 'name'),
  licenseCreate('an empty name', { name: '' }, 'name'),
  licenseCreate('a 65-character name', { name: str(65) }, 'name'),
  licenseCreate('devices_limit -1', { devices_limit: -1 }, 'devices_limit'),
  licenseCreate('devices_limit 1 000 001', { devices_limit: 1_000_001 }, 'devices_limit'),
  licenseCreate('devices_limit 1.5', { devices_limit: 1.5 }, 'devices_limit'),
  licenseCreate('devices_limit "3"', { devices_limit: '3' }, 'devices_limit'),
  licenseCreate('devices_limit 1e3', { devices_limit: RAW_SLOT }, 'devices_limit', '1e3'),
  licenseCreate('devices_limit 2^63', { devices_limit: TWO_POW_63 }, 'devices_limit'),
  licenseCreate('devices_limit null', { devices_limit: null }, 'devices_limit'),
  licenseCreate('sessions_limit -1', { sessions_limit: -1 }, 'sessions_limit'),
  licenseCreate('sessions_limit true', { sessions_limit: true }, 'sessions_limit'),
  licenseCreate('a NUL character in name', { name: 'lic\u0000x' }, 'name'),
  licenseCreate('an unknown field "is_default"', { is_default: true }, 'is_default'),
  licenseCreate('an unknown field "id"', { id: 7 }, 'id'),
  body('/partner/licenses with the name of an existing license', 'POST', () => '/partner/licenses', () => ({ ...LIC, name: 'default' }), 'name', 409, 'CONFLICT'),
  // PUT /partner/licenses/{id}
  ...(
    [
      ['an empty object', {}, '(body)'],
      ['an empty name', { name: '' }, 'name'],
      ['devices_limit -1', { devices_limit: -1 }, 'devices_limit'],
      ['sessions_limit "x"', { sessions_limit: 'x' }, 'sessions_limit'],
      ['an unknown field "is_default"', { is_default: true }, 'is_default'],
    ] as Array<[string, Record<string, unknown>, string]>
  ).map(([what, b, field]) => body(`/partner/licenses/{id} with ${what}`, 'PUT', (f) => `/partner/licenses/${f.lic}`, () => b, field)),
  body('/partner/licenses/{id} renaming to an existing name', 'PUT', (f) => `/partner/licenses/${f.lic}`, () => ({ name: 'default', devices_limit: 9 }), 'name', 409, 'CONFLICT'),
  {
    what: "DELETE /partner/licenses/{id} of the project's default license",
    req: (f) => withToken(f, r('DELETE', `/partner/licenses/${f.defaultLic}`)),
    status: 409,
    result: 'CONFLICT',
  },
  // POST /partner/subscribers
  body('/partner/subscribers without auth_method', 'POST', () => '/partner/subscribers', () => without(SUB, 'auth_method'), 'auth_method'),
  body('/partner/subscribers without external_id', 'POST', () => '/partner/subscribers', () => without(SUB, 'external_id'), 'external_id'),
  subCreate('auth_method "password"', { auth_method: 'password' }, 'auth_method'),
  subCreate('auth_method 5', { auth_method: 5 }, 'auth_method'),
  subCreate('an empty external_id', { external_id: '' }, 'external_id'),
  subCreate('an external_id with a space', { external_id: 'a b' }, 'external_id'),
  subCreate('a 129-character external_id', { external_id: str(129) }, 'external_id'),
  subCreate('external_id 12', { external_id: 12 }, 'external_id'),
  subCreate('a 257-character extref', { extref: str(257) }, 'extref'),
  subCreate('extref 5', { extref: 5 }, 'extref'),
  subCreate('a NUL character in extref', { external_id: 'nul-user', extref: 'a\u0000b' }, 'extref'),
  subCreate('a 1025-character description', { description: str(1025) }, 'description'),
  subCreate('country "XX"', { country: 'XX' }, 'country'),
  subCreate('country "de" (lower case)', { country: 'de' }, 'country'),
  subCreate('country "DEU" (alpha-3)', { country: 'DEU' }, 'country'),
  subCreate('an empty country', { country: '' }, 'country'),
  subCreate('country 276 (numeric)', { country: 276 }, 'country'),
  subCreate('license_id 0', { license_id: 0 }, 'license_id'),
  subCreate('license_id "1"', { license_id: '1' }, 'license_id'),
  subCreate('license_id 1.5', { license_id: 1.5 }, 'license_id'),
  subCreate('traffic_limit -1', { traffic_limit: -1 }, 'traffic_limit'),
  subCreate('traffic_limit 2^63', { traffic_limit: TWO_POW_63 }, 'traffic_limit'),
  subCreate('traffic_limit 1.5', { traffic_limit: 1.5 }, 'traffic_limit'),
  subCreate('traffic_limit "100"', { traffic_limit: '100' }, 'traffic_limit'),
  subCreate('traffic_limit 1e3', { traffic_limit: RAW_SLOT }, 'traffic_limit', '1e3'),
  subCreate('traffic_limit true', { traffic_limit: true }, 'traffic_limit'),
  subCreate('an unknown field "name"', { name: 'anonymous_x' }, 'name'),
  subCreate('an unknown field "status"', { status: 'active' }, 'status'),
  subCreate('an unknown field "id"', { id: 1 }, 'id'),
  subCreate('a license_id that does not exist', { license_id: 999999 }, 'license_id', undefined, 404, 'LICENSE_NOT_FOUND'),
  {
    ...subCreate("another project's license_id", {}, 'license_id', undefined, 404, 'LICENSE_NOT_FOUND'),
    req: (f) => withToken(f, r('POST', '/partner/subscribers', { ...SUB, license_id: f.otherLic })),
  },
  subCreate('the external_id of an existing user', { external_id: 'taken' }, 'external_id', undefined, 409, 'USER_ALREADY_EXISTS'),
  // PUT /partner/subscribers/{id}
  subUpdate('an empty object', () => ({}), '(body)'),
  subUpdate('a 257-character extref', () => ({ extref: str(257) }), 'extref'),
  subUpdate('a 1025-character description', () => ({ description: str(1025) }), 'description'),
  subUpdate('a NUL character in description', () => ({ description: 'a\u0000b' }), 'description'),
  subUpdate('description null', () => ({ description: null }), 'description'),
  subUpdate('country "XX"', () => ({ country: 'XX' }), 'country'),
  subUpdate('country "de" (lower case)', () => ({ country: 'de' }), 'country'),
  subUpdate('license_id 0', () => ({ license_id: 0 }), 'license_id'),
  subUpdate('license_id "x"', () => ({ license_id: 'x' }), 'license_id'),
  subUpdate('status "invited" (only active or disabled may be set)', () => ({ status: 'invited' }), 'status'),
  subUpdate('status "banned"', () => ({ status: 'banned' }), 'status'),
  subUpdate('status 1', () => ({ status: 1 }), 'status'),
  subUpdate('the read-only field "name"', () => ({ name: 'x' }), 'name'),
  subUpdate('the read-only field "auth_method"', () => ({ auth_method: 'firebase' }), 'auth_method'),
  subUpdate('an unknown field "traffic_limit" (set through /traffic)', () => ({ traffic_limit: 5 }), 'traffic_limit'),
  subUpdate('a valid description and a license_id that does not exist', () => ({ description: 'half', license_id: 999999 }), 'license_id', 404, 'LICENSE_NOT_FOUND'),
  subUpdate('status disabled and a license_id that does not exist', () => ({ status: 'disabled', license_id: 999999 }), 'license_id', 404, 'LICENSE_NOT_FOUND'),
  subUpdate("another project's license_id", (f) => ({ license_id: f.otherLic }), 'license_id', 404, 'LICENSE_NOT_FOUND'),
  // DELETE /partner/subscribers/{id}
  ...(
    [
      ['without confirm', ''],
      ['confirm "yes"', '?confirm=yes'],
      ['confirm 0', '?confirm=0'],
    ] as Array<[string, string]>
  ).map(
    ([what, q]): Case<F> => ({
      what: `DELETE /partner/subscribers/{id} ${what}`,
      req: (f) => withToken(f, r('DELETE', `/partner/subscribers/${f.uid}${q}`)),
      status: 400,
      result: 'INVALID_PARAMS',
      field: 'confirm',
    }),
  ),
  {
    what: 'DELETE /partner/subscribers/{id} with confirm naming another user',
    req: (f) => withToken(f, r('DELETE', `/partner/subscribers/${f.uid}?confirm=${f.uid + 1}`)),
    status: 400,
    result: 'INVALID_PARAMS',
    field: 'confirm',
  },
  // POST /partner/subscribers/{id}/traffic
  trafficSet('no traffic_limit', { reset: true }, 'traffic_limit'),
  trafficSet('traffic_limit -1', { traffic_limit: -1 }, 'traffic_limit'),
  trafficSet('traffic_limit 2^63', { traffic_limit: TWO_POW_63 }, 'traffic_limit'),
  trafficSet('traffic_limit 1.5', { traffic_limit: 1.5 }, 'traffic_limit'),
  trafficSet('traffic_limit "100"', { traffic_limit: '100' }, 'traffic_limit'),
  trafficSet('traffic_limit 1e3', { traffic_limit: RAW_SLOT }, 'traffic_limit', '1e3'),
  trafficSet('traffic_limit null (unlimited is DELETE)', { traffic_limit: null }, 'traffic_limit'),
  trafficSet('reset "yes"', { traffic_limit: 1000, reset: 'yes' }, 'reset'),
  trafficSet('reset 1', { traffic_limit: 1000, reset: 1 }, 'reset'),
  trafficSet('an unknown field "used"', { traffic_limit: 1000, used: 0 }, 'used'),
];

/** Malformed bodies on every route that takes one. */
const BODY_ROUTES: Array<[Method, string, (f: F) => string]> = [
  ['POST', '/partner/licenses', () => '/partner/licenses'],
  ['PUT', '/partner/licenses/{id}', (f) => `/partner/licenses/${f.lic}`],
  ['POST', '/partner/subscribers', () => '/partner/subscribers'],
  ['PUT', '/partner/subscribers/{id}', (f) => `/partner/subscribers/${f.uid}`],
  ['POST', '/partner/subscribers/{id}/traffic', (f) => `/partner/subscribers/${f.uid}/traffic`],
];
const SHAPE_CASES: Array<Case<F>> = [
  ...BODY_ROUTES.flatMap(([method, route, path]) =>
    BODY_SHAPES.map(
      (b): Case<F> => ({
        what: `${method} ${route} with ${b.what}`,
        req: (f) => ({ ...withToken(f, r(method, path(f), b.body)), ...(b.headers ? { headers: b.headers } : {}) }),
        status: 400,
        result: 'INVALID_PARAMS',
        field: b.field,
      }),
    ),
  ),
  {
    what: 'POST /partner/subscribers with a body over the 1 MiB limit',
    req: (f) => withToken(f, r('POST', '/partner/subscribers', { ...SUB, description: str(1_100_000) })),
    status: 400,
    result: 'INVALID_PARAMS',
    field: '(body)',
  },
];

// ---- query strings and time windows -------------------------------------------------------------
const query = (route: string, path: (f: F) => string, what: string, q: Array<[string, string]>, field: string, status = 400, result = 'INVALID_PARAMS'): Case<F> => ({
  what: `${route} with ${what}`,
  req: (f) => withToken(f, r(route.split(' ')[0] as Method, path(f) + qs(q))),
  status,
  result,
  field,
});
const subs = (what: string, q: Array<[string, string]>, field: string) => query('GET /partner/subscribers', () => '/partner/subscribers', what, q, field);
const sess = (what: string, q: Array<[string, string]>, field: string, status = 400, result = 'INVALID_PARAMS') =>
  query('GET /partner/subscribers/{id}/sessions', (f) => `/partner/subscribers/${f.uid}/sessions`, what, q, field, status, result);
const cursor = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

const QUERY_CASES: Array<Case<F>> = [
  subs('search_by "email"', [['search_by', 'email'], ['q', 'x']], 'search_by'),
  subs('an empty q', [['search_by', 'name'], ['q', '']], 'q'),
  subs('a 257-character q', [['search_by', 'name'], ['q', str(257)]], 'q'),
  subs('search_by without q', [['search_by', 'name']], 'q'),
  subs('q without search_by', [['q', 'x']], 'search_by'),
  subs('a NUL character in q', [['search_by', 'name'], ['q', 'a\u0000b']], 'q'),
  subs('search_by given twice', [['search_by', 'name'], ['search_by', 'extref'], ['q', 'x']], 'search_by'),
  subs('status "deleted"', [['status', 'deleted']], 'status'),
  subs('limit 0', [['limit', '0']], 'limit'),
  subs('limit 501', [['limit', '501']], 'limit'),
  subs('limit "ten"', [['limit', 'ten']], 'limit'),
  subs('limit 1.5', [['limit', '1.5']], 'limit'),
  subs('a cursor this API did not issue', [['cursor', 'not-a-cursor']], 'cursor'),
  subs('a 513-character cursor', [['cursor', str(513)]], 'cursor'),
  query('DELETE /partner/subscribers/{id}/traffic', (f) => `/partner/subscribers/${f.uid}/traffic`, 'reset "maybe"', [['reset', 'maybe']], 'reset'),
  query('DELETE /partner/subscribers/{id}/traffic', (f) => `/partner/subscribers/${f.uid}/traffic`, 'reset 2', [['reset', '2']], 'reset'),
  ...['0', '91', '-1', 'x', '1.5'].map((d) =>
    query('GET /partner/subscribers/{id}/traffic/daily', (f) => `/partner/subscribers/${f.uid}/traffic/daily`, `days ${d}`, [['days', d]], 'days'),
  ),
  sess('device_id 0', [['device_id', '0']], 'device_id'),
  sess('device_id "abc"', [['device_id', 'abc']], 'device_id'),
  sess('start_time "yesterday"', [['start_time', 'yesterday']], 'start_time'),
  sess('a date-only start_time', [['start_time', '2026-12-01']], 'start_time'),
  sess('a start_time without a time zone', [['start_time', '2026-12-01T00:00:00']], 'start_time'),
  sess('start_time in month 13', [['start_time', '2026-13-01T00:00:00Z']], 'start_time'),
  sess('start_time as unix seconds', [['start_time', '1796083200']], 'start_time'),
  sess('end_time "now"', [['end_time', 'now']], 'end_time'),
  sess('end_time a leap second (valid RFC 3339, not a JS date)', [['start_time', '2026-12-01T00:00:00Z'], ['end_time', '2026-12-01T23:59:60Z']], 'end_time'),
  sess('end_time before start_time', [['start_time', '2026-12-02T00:00:00Z'], ['end_time', '2026-12-01T00:00:00Z']], 'end_time', 400, 'INTERVAL_INVALID'),
  sess('end_time equal to start_time', [['start_time', '2026-12-01T00:00:00Z'], ['end_time', '2026-12-01T00:00:00Z']], 'end_time', 400, 'INTERVAL_INVALID'),
  sess('a window of 30 days and 1 ms', [['start_time', '2026-11-01T00:00:00.000Z'], ['end_time', '2026-12-01T00:00:00.001Z']], 'end_time', 400, 'INTERVAL_TOO_LONG'),
  sess('a window of a year', [['start_time', '2025-12-01T00:00:00Z'], ['end_time', '2026-12-01T00:00:00Z']], 'end_time', 400, 'INTERVAL_TOO_LONG'),
  {
    ...sess('only a start_time in the future', [], 'start_time', 400, 'INTERVAL_INVALID'),
    req: (f) => withToken(f, r('GET', `/partner/subscribers/${f.uid}/sessions${qs({ start_time: '2027-01-01T00:00:00Z' })}`)),
    field: undefined,
  },
  sess('sort "password"', [['sort', 'password']], 'sort'),
  sess('sort "download; drop table sessions"', [['sort', 'download; drop table sessions']], 'sort'),
  sess('order "up"', [['order', 'up']], 'order'),
  sess('limit 0', [['limit', '0']], 'limit'),
  sess('limit 501', [['limit', '501']], 'limit'),
  sess('a cursor this API did not issue', [['cursor', 'not-a-cursor']], 'cursor'),
  sess('a cursor with a text value for a numeric sort', [['sort', 'download'], ['cursor', cursor([0, 'abc', 1])]], 'cursor'),
  sess('a cursor whose value is beyond 64 bits', [['sort', 'download'], ['cursor', cursor([0, '9999999999999999999', 1])]], 'cursor'),
  query('GET /partner/sessions/active', () => '/partner/sessions/active', 'limit 0', [['limit', '0']], 'limit'),
  query('GET /partner/sessions/active', () => '/partner/sessions/active', 'limit 5001', [['limit', '5001']], 'limit'),
  query('GET /partner/sessions/active', () => '/partner/sessions/active', 'limit "all"', [['limit', 'all']], 'limit'),
  query('GET /partner/audit', () => '/partner/audit', 'a 33-character object_type', [['object_type', str(33)]], 'object_type'),
  query('GET /partner/audit', () => '/partner/audit', 'a NUL character in object_type', [['object_type', 'user\u0000']], 'object_type'),
  query('GET /partner/audit', () => '/partner/audit', 'a 65-character object_id', [['object_id', str(65)]], 'object_id'),
  query('GET /partner/audit', () => '/partner/audit', 'limit 0', [['limit', '0']], 'limit'),
  query('GET /partner/audit', () => '/partner/audit', 'limit 501', [['limit', '501']], 'limit'),
  query('GET /partner/audit', () => '/partner/audit', 'a cursor this API did not issue', [['cursor', cursor('a:abc')]], 'cursor'),
  query('GET /partner/audit', () => '/partner/audit', 'a cursor with a fractional id', [['cursor', cursor('a:1.5')]], 'cursor'),
];

/** An unknown query parameter on every route (ordered with the destructive routes last). */
const UNKNOWN_QUERY_CASES: Array<Case<F>> = ROUTES.map(({ route, valid }) => ({
  what: `${route} with an unknown query parameter`,
  req: (f) => {
    const q = withToken(f, valid(f));
    return { ...q, path: addQuery(q.path, 'debug=1') };
  },
  status: 400,
  result: 'INVALID_PARAMS',
  field: 'debug',
}));

describe.each(STORES)('partner API bad input on %s', (kind) => {
  let t: TestApp;
  let f: F;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const p = await setupProject(t);
    const q = await setupProject(t);
    const rot = await setupProject(t);
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const otherDev = await loginDevice(t, q.id);
    const lic = await p.partner.post('/partner/licenses', { name: 'spare', devices_limit: 2, sessions_limit: 2 });
    const otherLic = await q.partner.post('/partner/licenses', { name: 'theirs', devices_limit: 2, sessions_limit: 2 });
    const taken = await p.partner.post('/partner/subscribers', { auth_method: 'anonymous', external_id: 'taken' });
    const lics = await p.partner.get('/partner/licenses');
    for (const x of [dev.res, otherDev.res, lic, otherLic, taken, lics]) expect(x.status).toBe(200);
    // An expired token: issued 2 h ago (the TTL is 1 h).
    const now = t.clock.now();
    t.clock.set(now - 2 * 3600_000);
    const expired = await partnerLogin(t.ctx, p.id, p.privateKey);
    t.clock.set(now);
    await rotatePrivateKey(t.ctx, rot.id, 'test');
    const forged = await new SignJWT({ kh: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(p.id)
      .setAudience('gatehouse-partner')
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 3600)
      .sign(randomBytes(32));
    f = {
      pid: p.id,
      token: p.partner.token!,
      uid: dev.userId,
      devicePk: dev.devicePk,
      lic: lic.body.license.id,
      defaultLic: lics.body.licenses.find((l: { is_default: boolean }) => l.is_default).id,
      otherUid: otherDev.userId,
      otherDevicePk: otherDev.devicePk,
      otherLic: otherLic.body.license.id,
      expiredToken: expired.access_token,
      rotatedToken: rot.partner.token!,
      forgedToken: forged,
      deviceToken: dev.client.token!,
      nodeToken: node.token,
    };
  });
  afterAll(async () => t?.close());

  it('baseline: every read route answers 200 for the fixture, so each refusal below is about its one bad input', async () => {
    for (const { route, valid } of ROUTES.filter((x) => x.route.startsWith('GET'))) {
      const res = await t.client(f.token).req(valid(f).method, valid(f).path);
      expect([route, res.status]).toEqual([route, 200]);
    }
    const ok = await t.client(f.token).get(`/partner/subscribers/${f.uid}/sessions${qs({ start_time: '2026-11-03T10:00:00Z', end_time: '2026-12-03T10:00:00Z' })}`);
    expect(ok.status, 'a window of exactly 30 days is allowed').toBe(200);
  });

  it.each(named(AUTH_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(AUTH_FIRST_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(ID_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(BODY_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(SHAPE_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(QUERY_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(UNKNOWN_QUERY_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
});
