/**
 * Helpers for the bad-input tests: a whole-database fingerprint (row count + checksum per table) to
 * prove that a rejected request wrote nothing, and one assertion for the shape of every rejection.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import { Client, stringifyExact, type Res } from './http.ts';
import type { TestApp } from './app.ts';

/** Every table of the schema; a rejected request must leave each one byte-for-byte as it was. */
export const TABLES: Array<keyof DB> = [
  'projects',
  'licenses',
  'users',
  'devices',
  'nodes',
  'sessions',
  'session_tombstones',
  'traffic_usage',
  'traffic_daily',
  'purchases',
  'members',
  'member_roles',
  'member_sessions',
  'audit_log',
  'job_locks',
];

const canonical = (row: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k] === null || row[k] === undefined ? null : String(row[k])]),
  );

/** `{table: "<rows> rows <sha256 prefix>"}` over every column of every row (order-independent). */
export const fingerprint = async (db: Kysely<DB>): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    const lines = rows.map(canonical).sort();
    out[table] = `${rows.length} rows ${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
};

/** How an error text may name the pseudo-fields of whole-request errors. */
const FIELD_WORDING: Record<string, RegExp> = {
  '(body)': /body/i,
  'content-type': /content-type|media type/i,
};

export interface Rejection {
  status: number;
  result: string;
  /** the field the error must name; omitted = the body may carry a field or not */
  field?: string;
}

/**
 * Sends one request that must be rejected, and checks: the status, `result`, `field`, an `error`
 * text (naming the field for 400s), and that no table changed. The clock moves 1 ms first so that a
 * write of "now" (e.g. nodes.last_sync_at) would show up in the fingerprint.
 */
export const expectRejected = async (t: TestApp, send: () => Promise<Res>, want: Rejection): Promise<Res> => {
  const before = await fingerprint(t.ctx.store.db);
  t.clock.advance(1);
  const res = await send();
  const body = (res.body ?? {}) as Record<string, unknown>;
  const got: Record<string, unknown> = { status: res.status, result: body.result };
  const exp: Record<string, unknown> = { status: want.status, result: want.result };
  if (want.field !== undefined) {
    got.field = body.field;
    exp.field = want.field;
  }
  expect(got, `response body: ${JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`).toEqual(exp);
  expect(typeof body.error === 'string' && body.error.length > 0, 'error text present').toBe(true);
  if (want.status === 400 && want.field) {
    const names = FIELD_WORDING[want.field] ?? new RegExp(want.field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    expect(String(body.error), 'error text names the field').toMatch(names);
  }
  expect(await fingerprint(t.ctx.store.db), 'database unchanged').toEqual(before);
  return res;
};

/** `n` characters. */
export const str = (n: number, c = 'a'): string => c.repeat(n);

export const INT64_MAX = 9223372036854775807n;
export const TWO_POW_63 = 9223372036854775808n;
export const TWO_POW_53_PLUS_1 = 9007199254740993n;

const RAW = '"@@raw@@"';
/**
 * A JSON body with one literal that JSON.stringify cannot write (1e3, 1.0): `raw` replaces the value
 * RAW_SLOT in `body`. Bigints are written exactly (stringifyExact).
 */
export const RAW_SLOT = '@@raw@@';
export const rawJson = (body: unknown, raw: string): string => {
  const s = stringifyExact(body);
  if (!s.includes(RAW)) throw new Error('rawJson: RAW_SLOT not found in body');
  return s.replace(RAW, raw);
};

/** One HTTP request of a table-driven case. */
export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** object (sent as exact JSON) or string (sent as written) */
  body?: unknown;
  headers?: Record<string, string>;
  /** bearer token; null = none */
  token?: string | null;
}

export const send = (t: TestApp, r: Req): Promise<Res> => new Client(t.url, r.token ?? null).req(r.method, r.path, r.body, r.headers ?? {});

/** Query string from pairs (repeated keys allowed). */
export const qs = (pairs: Array<[string, string]> | Record<string, string>): string => {
  const p = new URLSearchParams(Array.isArray(pairs) ? pairs : Object.entries(pairs)).toString();
  return p ? `?${p}` : '';
};

/** A table row: a request built from the file's fixture, and the rejection it must get. */
export interface Case<F> extends Rejection {
  /** the request, as the test name shows it */
  what: string;
  req: (f: F) => Req;
}

/**
 * `[name, case]` rows for `it.each(...)('%s', ...)`, each named by its behaviour:
 * "<what> → 400 INVALID_PARAMS naming <field>, nothing written" (`%s` keeps long names whole).
 */
export const named = <F>(cases: Array<Case<F>>): Array<[string, Case<F>]> =>
  cases.map((c) => [`${c.what} → ${c.status} ${c.result}${c.field ? ` naming ${c.field}` : ''}, nothing written`, c]);

export const runCase = <F>(t: TestApp, f: F, c: Case<F>): Promise<Res> =>
  expectRejected(t, () => send(t, c.req(f)), c.field === undefined ? { status: c.status, result: c.result } : { status: c.status, result: c.result, field: c.field });

/** Malformed bodies every JSON endpoint must refuse as a whole: 400 naming "(body)" or the content type. */
export const BODY_SHAPES: Array<{ what: string; body: string; headers?: Record<string, string>; field: string }> = [
  { what: 'a body that is not JSON', body: '{"a":', field: '(body)' },
  { what: 'a JSON array body', body: '[]', field: '(body)' },
  { what: 'a JSON null body', body: 'null', field: '(body)' },
  { what: 'a JSON number body', body: '42', field: '(body)' },
  { what: 'a JSON string body', body: '"x"', field: '(body)' },
  { what: 'a body with a duplicated key', body: '{"a":1,"a":2}', field: '(body)' },
  { what: 'a text/plain body', body: 'hello', headers: { 'content-type': 'text/plain' }, field: '(body)' },
  { what: 'an application/xml body', body: '<a/>', headers: { 'content-type': 'application/xml' }, field: 'content-type' },
];
