/**
 * Bad input on the node API (POST /node/sync), including case A2: byte counters are exact 64-bit
 * integers; 2^63, negatives, 1e3, "12" and 1.5 are refused naming the field, and nothing from such a
 * report is stored (not even its valid entries, not even the node's last_sync_at).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, T0, loginDevice, setupNode, setupProject, startTestApp, type TestApp } from '../support/app.ts';
import { Client } from '../support/http.ts';
import {
  BODY_SHAPES,
  INT64_MAX,
  RAW_SLOT,
  TWO_POW_63,
  named,
  rawJson,
  runCase,
  str,
  type Case,
  type Req,
} from '../support/bad-input.ts';

interface F {
  sid: number;
  userId: number;
  nodeToken: string;
  deviceToken: string;
  partnerToken: string;
  at: number;
}

type Counter = Record<string, unknown>;
/** A counter report that would be applied (seq 10 is above anything stored) if the request were accepted. */
const good = (f: F, patch: Counter = {}, drop: string[] = []): Counter => {
  const c: Counter = { session_id: f.sid, epoch: 0, seq: 10, download: 1000, upload: 500, at: f.at, ...patch };
  for (const k of drop) delete c[k];
  return c;
};
const sync = (body: (f: F) => unknown, extra: Partial<Req> = {}) => (f: F): Req => ({
  method: 'POST',
  path: '/node/sync',
  body: body(f),
  token: f.nodeToken,
  ...extra,
});
const refused = (what: string, body: (f: F) => unknown, field: string): Case<F> => ({
  what: `POST /node/sync with ${what}`,
  req: sync(body),
  status: 400,
  result: 'INVALID_PARAMS',
  field,
});

/** Case A2: counter values that are not an integer in [0, 2^63-1]. `raw` = written into the JSON as is. */
const A2: Array<{ what: string; value?: unknown; raw?: string }> = [
  { what: '2^63 (9223372036854775808)', value: TWO_POW_63 },
  { what: 'a negative counter (-1)', value: -1 },
  { what: '1e3 (exponent notation)', raw: '1e3' },
  { what: '"12" (a string)', value: '12' },
  { what: '1.5 (a fraction)', value: 1.5 },
];
const MORE_BAD_COUNTERS: Array<{ what: string; value?: unknown; raw?: string }> = [
  { what: '1.0 (an integral fraction literal)', raw: '1.0' },
  { what: '2^64', value: 18446744073709551616n },
  { what: 'null', value: null },
  { what: 'true', value: true },
  { what: 'an object', value: {} },
];
const counterBody = (f: F, field: 'download' | 'upload', v: { value?: unknown; raw?: string }, index: 0 | 1) => {
  const badEntry = good(f, { seq: 11, [field]: v.raw !== undefined ? RAW_SLOT : v.value });
  const body = { events: [], counters: index === 0 ? [badEntry] : [good(f), badEntry] };
  return v.raw !== undefined ? rawJson(body, v.raw) : body;
};

const COUNTER_CASES: Array<Case<F>> = [
  ...A2.flatMap((v) =>
    (['download', 'upload'] as const).map((k) => refused(`counter ${k} ${v.what}`, (f) => counterBody(f, k, v, 0), `counters.0.${k}`)),
  ),
  // A2: the bad entry follows a valid one in the same batch; the valid one must not be stored either.
  ...A2.map((v) =>
    refused(`a valid counter followed by download ${v.what} in the same batch`, (f) => counterBody(f, 'download', v, 1), 'counters.1.download'),
  ),
  ...MORE_BAD_COUNTERS.map((v) => refused(`counter download ${v.what}`, (f) => counterBody(f, 'download', v, 0), 'counters.0.download')),
  // the other counter fields
  ...(
    [
      ['session_id', 0],
      ['session_id', -1],
      ['session_id', '5'],
      ['session_id', 9007199254740992n],
      ['epoch', -1],
      ['epoch', 1.5],
      ['epoch', '0'],
      ['seq', 0],
      ['seq', -1],
      ['seq', 9007199254740993n],
      ['at', -1],
      ['at', 8_640_000_000_000_001],
      ['at', 'now'],
    ] as Array<[string, unknown]>
  ).map(([k, v]) =>
    refused(`counter ${k} ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`, (f) => ({ events: [], counters: [good(f, { [k]: v })] }), `counters.0.${k}`),
  ),
  ...['session_id', 'epoch', 'seq', 'download', 'upload', 'at'].map((k) =>
    refused(`a counter without ${k}`, (f) => ({ events: [], counters: [good(f, {}, [k])] }), `counters.0.${k}`),
  ),
  refused('an unknown counter field "total"', (f) => ({ events: [], counters: [good(f, { total: 1500 })] }), 'counters.0.total'),
  // events (with a valid counter beside them: nothing may be stored)
  refused('event type "pause"', (f) => ({ events: [{ type: 'pause', session_id: f.sid, at: f.at }], counters: [good(f)] }), 'events.0.type'),
  refused('an event without session_id', (f) => ({ events: [{ type: 'end', at: f.at }], counters: [good(f)] }), 'events.0.session_id'),
  refused('event at "yesterday"', (f) => ({ events: [{ type: 'end', session_id: f.sid, at: 'yesterday' }], counters: [good(f)] }), 'events.0.at'),
  refused('an unknown event field "reason"', (f) => ({ events: [{ type: 'end', session_id: f.sid, at: f.at, reason: 'x' }], counters: [good(f)] }), 'events.0.reason'),
  // the envelope
  refused('no events', (f) => ({ counters: [good(f)] }), 'events'),
  refused('no counters', () => ({ events: [] }), 'counters'),
  refused('events {}', (f) => ({ events: {}, counters: [good(f)] }), 'events'),
  refused('counters "x"', () => ({ events: [], counters: 'x' }), 'counters'),
  refused('counters null', () => ({ events: [], counters: null }), 'counters'),
  refused('an unknown field "extra"', (f) => ({ events: [], counters: [good(f)], extra: true }), 'extra'),
  refused('a 65-character agent_version', (f) => ({ agent_version: str(65), events: [], counters: [good(f)] }), 'agent_version'),
  refused('a NUL character in agent_version', (f) => ({ agent_version: 'v1\u0000', events: [], counters: [good(f)] }), 'agent_version'),
  refused('agent_version 5', (f) => ({ agent_version: 5, events: [], counters: [good(f)] }), 'agent_version'),
  refused('20 001 counters (more than 20 000)', (f) => ({ events: [], counters: Array.from({ length: 20_001 }, () => good(f)) }), 'counters'),
  {
    what: 'POST /node/sync with an unknown query parameter',
    req: sync((f) => ({ events: [], counters: [good(f)] }), { path: '/node/sync?debug=1' }),
    status: 400,
    result: 'INVALID_PARAMS',
    field: 'debug',
  },
  ...BODY_SHAPES.map(
    (b): Case<F> => ({
      what: `POST /node/sync with ${b.what}`,
      req: sync(() => b.body, b.headers ? { headers: b.headers } : {}),
      status: 400,
      result: 'INVALID_PARAMS',
      field: b.field,
    }),
  ),
];

/** Wrong tokens, each with a report that would be applied: 401 naming authorization, nothing stored. */
const AUTH_CASES: Array<Case<F>> = (
  [
    ['no token', () => ({ token: null })],
    ['a token that was never issued', () => ({ token: 'gnt_never-issued-0123456789abcdef' })],
    ['a device access token', (f: F) => ({ token: f.deviceToken })],
    ['a partner API token', (f: F) => ({ token: f.partnerToken })],
    ['its own token in ?access_token= (nodes use the header only)', (f: F) => ({ token: null, path: `/node/sync?access_token=${f.nodeToken}` })],
    ['a Basic authorization header', () => ({ token: null, headers: { authorization: 'Basic bm9kZTpub2Rl' } })],
  ] as Array<[string, (f: F) => Partial<Req>]>
).map(([what, extra]) => ({
  what: `POST /node/sync with ${what}`,
  req: (f: F) => ({ ...sync((g) => ({ events: [], counters: [good(g)] }))(f), ...extra(f) }),
  status: 401,
  result: 'NOT_AUTHORIZED',
  field: 'authorization',
}));

describe.each(STORES)('node API bad input on %s', (kind) => {
  let t: TestApp;
  let f: F;
  let partner: Client;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const p = await setupProject(t);
    partner = p.partner;
    const node = await setupNode(t, p.id);
    const dev = await loginDevice(t, p.id);
    const cred = await dev.client.get('/user/credentials');
    expect(cred.status).toBe(200);
    const sid = cred.body.session_id as number;
    t.clock.advance(1000);
    const started = await node.sync({ events: [{ type: 'start', session_id: sid, at: T0 + 500 }] });
    expect(started.status).toBe(200);
    f = { sid, userId: dev.userId, nodeToken: node.token, deviceToken: dev.client.token!, partnerToken: p.partner.token!, at: T0 + 900 };
  });
  afterAll(async () => t?.close());

  it.each(named(AUTH_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });
  it.each(named(COUNTER_CASES))('%s', async (_name, c) => {
    await runCase(t, f, c);
  });

  it('a counter of exactly 2^63-1 is accepted, stored and read back exactly via GET /partner/subscribers/{id}/sessions', async () => {
    const node = new Client(t.url, f.nodeToken);
    const r = await node.post('/node/sync', { events: [], counters: [good(f, { seq: 1000, download: INT64_MAX, upload: INT64_MAX })] });
    expect([r.status, r.body.applied_counters, r.body.ignored_counters]).toEqual([200, 1, 0]);

    const after = await partner.get(`/partner/subscribers/${f.userId}/sessions`);
    expect(after.status).toBe(200);
    expect(after.body.sessions[0].download).toBe(9223372036854775807n);
    expect(after.body.sessions[0].upload).toBe(9223372036854775807n);

    // Usage saturates at the 64-bit limit instead of overflowing.
    const user = await partner.get(`/partner/subscribers/${f.userId}`);
    expect(user.status).toBe(200);
    expect(user.body.subscriber.traffic.used).toBe(9223372036854775807n);
  });
});
