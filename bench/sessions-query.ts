/**
 * The User page's session list: GET /partner/subscribers/{id}/sessions over a 30-day window, for every
 * sort column, with 1,000,000 sessions in the table and 5,000 of them (all inside the window,
 * interleaved through the table as real history would be) belonging to the measured user. Beside it,
 * the bare SQL: the exact statement the store runs (captured from listUserSessions by a Kysely plugin
 * and compiled by the store's own compiler), executed directly on the driver. HTTP and bare runs
 * alternate, one by one.
 */
import pg from 'pg';
import { createQueryId, sql, type CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { createProject } from '../src/services/projects.ts';
import { addNode } from '../src/services/nodes.ts';
import { listUserSessions } from '../src/store/session-list.ts';
import { SESSION_SORT_COLUMNS, type SessionSortColumn } from '../src/contract/enums.ts';
import { MAX_WINDOW_MS } from '../src/services/user-sessions.ts';
import { type BenchApp, DAY, HttpClient, T0, expectOk, log, now, percentile, wgKey } from './support.ts';

export const TOTAL_SESSIONS = 1_000_000;
/** every STRIDE-th session belongs to the measured user: 5,000 of 1,000,000 */
const STRIDE = 200;
const OTHER_USERS = 2_000;
const NODES = 20;
const SAMPLES = 60;
const WARMUP = 4;
const CITIES: Array<[string, string, string]> = [
  ['DE', 'Berlin', 'de-berlin'],
  ['NL', 'Amsterdam', 'nl-amsterdam'],
  ['US', 'New York', 'us-new-york'],
  ['JP', 'Tokyo', 'jp-tokyo'],
  ['SG', 'Singapore', 'sg-singapore'],
];

export interface QueryStat {
  sort: SessionSortColumn;
  http: { p50: number; p95: number };
  bare: { p50: number; p95: number };
}

export interface QueryResultSet {
  loadSeconds: number;
  userSessions: number;
  stats: QueryStat[];
}

class Capture implements KyselyPlugin {
  node: RootOperationNode | null = null;
  transformQuery(a: PluginTransformQueryArgs): RootOperationNode {
    this.node = a.node;
    return a.node;
  }
  async transformResult(a: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return a.result;
  }
}

/** One INSERT ... SELECT over a generated series: the whole history in one statement, in one transaction. */
const bulkSql = (kind: BenchApp['kind'], o: { projectId: string; measuredUser: number; devices: number[]; userMin: number; nodeMin: number }) => {
  const isPg = kind === 'postgres';
  const pad = (e: string, w: number) => (isPg ? `lpad((${e})::text, ${w}, '0')` : `printf('%0${w}d', ${e})`);
  const hex8 = (e: string) => (isPg ? `lpad(to_hex(${e}), 8, '0')` : `printf('%08x', ${e})`);
  const mine = `(g.i % ${STRIDE} = 0)`;
  const k = `(g.i / ${STRIDE})`;
  const started = `CASE WHEN ${mine} THEN ${T0 - 3_600_000} - ((${k} * 2654435761) % ${29 * DAY}) ELSE ${T0} - ((g.i * 2654435761) % ${90 * DAY}) END`;
  const dur = `CASE WHEN ${mine} THEN 60000 + ((g.i * 48271) % 3000000) ELSE 60000 + ((g.i * 48271) % 7200000) END`;
  const node = `((g.i * 7 + ${k}) % ${NODES})`;
  const ip = `(${10 * 2 ** 24 + 100 * 2 ** 16 + 2} + (g.i % 65000))`;
  const dev = o.devices;
  const cols = `project_id, user_id, device_id, device_name, node_id, server, location, public_key, internal_ip, ip_key, status,
    created_at, expires_at, started_at, ended_at, end_reason, cut_reason, download, upload, base_down, base_up, counter_epoch, last_seq`;
  const select = `SELECT '${o.projectId}',
      CASE WHEN ${mine} THEN ${o.measuredUser} ELSE ${o.userMin} + (g.i % ${OTHER_USERS}) END,
      CASE WHEN ${mine} THEN (CASE ${k} % 3 WHEN 0 THEN ${dev[0]} WHEN 1 THEN ${dev[1]} ELSE ${dev[2]} END) ELSE 10000000 + (g.i % ${OTHER_USERS}) END,
      CASE g.i % 3 WHEN 0 THEN 'Pixel 8' WHEN 1 THEN 'iPhone 15' ELSE 'Galaxy S24' END,
      ${o.nodeMin} + ${node},
      'q-' || ${pad(node, 2)},
      CASE ${node} % 5 ${CITIES.map(([, , loc], j) => `WHEN ${j} THEN '${loc}'`).join(' ')} END,
      ${pad('g.i', 42)} || 'A=',
      ((${ip} / 16777216) % 256) || '.' || ((${ip} / 65536) % 256) || '.' || ((${ip} / 256) % 256) || '.' || (${ip} % 256),
      '00000000000000000000ffff' || ${hex8(ip)},
      'ended',
      (${started}) - 1000, (${started}) + 599000, ${started}, (${started}) + (${dur}), 'DISCONNECTED', NULL,
      (g.i * 7777) % 5000000000, (g.i * 3331) % 500000000, 0, 0, 0, 1 + g.i % 500`;
  if (isPg) return `INSERT INTO sessions (${cols}) ${select.replace(/g\.i/g, 'g.i::bigint')} FROM generate_series(0, ${TOTAL_SESSIONS - 1}) AS g(i)`;
  return `WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < ${TOTAL_SESSIONS - 1})
    INSERT INTO sessions (${cols}) ${select} FROM g`;
};

export const seedSessions = async (b: BenchApp) => {
  const { ctx, store } = b;
  b.clock.set(T0);
  const { project, privateKey } = await createProject(ctx, { id: 'bench-query' }, 'bench');
  const nodeIds: number[] = [];
  for (let n = 0; n < NODES; n++) {
    const [country, city] = CITIES[n % CITIES.length]!;
    const { id } = await addNode(
      ctx,
      project.id,
      { name: `q-${String(n).padStart(2, '0')}`, country, city, endpoint: `192.0.2.${n + 1}:51820`, publicKey: wgKey(), poolCidr: `10.100.0.0/16` },
      'bench',
    );
    nodeIds.push(id);
  }
  const contiguous = (ids: number[]) => ids.every((x, j) => x === ids[0]! + j);
  if (!contiguous(nodeIds)) throw new Error('node ids are not contiguous');

  const userRow = (name: string) => ({
    project_id: project.id,
    name,
    auth_method: 'anonymous',
    status: 'active' as const,
    license_id: BigInt(project.defaultLicenseId ?? 0),
    traffic_limit: null,
    traffic_epoch: 0,
    extref: '',
    description: '',
    country: null,
    registered_at: BigInt(T0 - 100 * DAY),
  });
  const measured = Number((await store.db.insertInto('users').values(userRow('anonymous_measured')).returning('id').executeTakeFirstOrThrow()).id);
  const devices: number[] = [];
  for (const [j, type] of ['android', 'ios', 'macos'].entries()) {
    const r = await store.db
      .insertInto('devices')
      .values({ project_id: project.id, user_id: BigInt(measured), device_id: `measured-${j}`, token_hash: null, token_enc: null, name: type, type, public_key: null, registered_at: BigInt(T0 - 100 * DAY), last_connection_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    devices.push(Number(r.id));
  }
  const others: number[] = [];
  for (let s = 0; s < OTHER_USERS; s += 500) {
    const rows = await store.db
      .insertInto('users')
      .values(Array.from({ length: 500 }, (_, j) => userRow(`anonymous_q-${s + j}`)))
      .returning('id')
      .execute();
    others.push(...rows.map((r) => Number(r.id)));
  }
  others.sort((a, b2) => a - b2);
  if (!contiguous(others)) throw new Error('user ids are not contiguous');

  const indexNames = async () =>
    (b.store.sqlite
      ? (b.store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions'`).all() as Array<{ name: string }>).map((r) => r.name)
      : (await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'sessions'`.execute(store.db)).rows.map((r) => r.indexname)
    ).sort();
  const before = (await indexNames()).join(', ');
  const t0 = now();
  const text = bulkSql(b.kind, { projectId: project.id, measuredUser: measured, devices, userMin: others[0]!, nodeMin: nodeIds[0]! });
  // The secondary indexes are dropped for the load and rebuilt from their own definitions after it
  // (so whatever the migrations say is what gets rebuilt; the unique one re-checks its rows).
  if (b.store.sqlite) {
    const db = b.store.sqlite;
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND sql IS NOT NULL`).all() as Array<{ name: string; sql: string }>;
    // A bigger page cache only while loading; back to the default after.
    const cache = db.pragma('cache_size', { simple: true });
    db.pragma('cache_size = -262144');
    db.transaction(() => {
      for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);
      db.prepare(text).run();
      for (const ix of indexes) db.exec(ix.sql);
    })();
    db.pragma(`cache_size = ${String(cache)}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } else {
    await store.db.transaction().execute(async (trx) => {
      const ix = await sql<{ indexname: string; indexdef: string }>`SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'sessions'
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'sessions'::regclass)`.execute(trx);
      await sql.raw(`SET LOCAL maintenance_work_mem = '256MB'`).execute(trx);
      for (const i of ix.rows) await sql.raw(`DROP INDEX "${i.indexname}"`).execute(trx);
      await sql.raw(text).execute(trx);
      for (const i of ix.rows) await sql.raw(i.indexdef).execute(trx);
    });
    // What autovacuum would have done by the time such a table exists.
    await sql.raw('VACUUM ANALYZE sessions').execute(store.db);
  }
  const after = (await indexNames()).join(', ');
  if (after !== before) throw new Error(`sessions indexes differ after the bulk load: before ${before}; after ${after}`);
  // A few of the user's sessions are live (the ones the list shows first).
  await store.db
    .updateTable('sessions')
    .set({ status: 'active', ended_at: null, end_reason: null })
    .where('id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('user_id', '=', BigInt(measured)).orderBy('id').limit(5))
    .execute();
  const loadSeconds = (now() - t0) / 1000;
  const count = await store.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const mineCount = await store.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', BigInt(measured)).executeTakeFirstOrThrow();
  log(`${b.kind}: loaded ${TOTAL_SESSIONS.toLocaleString('en-US')} sessions in ${loadSeconds.toFixed(1)} s (table: ${Number(count.n).toLocaleString('en-US')} rows, measured user: ${Number(mineCount.n)})`);
  return { project, privateKey, measured, loadSeconds, userSessions: Number(mineCount.n) };
};

export const runSessionsQuery = async (b: BenchApp): Promise<QueryResultSet> => {
  const { project, privateKey, measured, loadSeconds, userSessions } = await seedSessions(b);
  const client = new HttpClient(b.port, 1);
  const login = await client.request('POST', '/partner/login', {}, JSON.stringify({ login: project.id, password: privateKey }));
  expectOk(login, 'POST /partner/login');
  const auth = { authorization: `Bearer ${(JSON.parse(login.text) as { access_token: string }).access_token}` };
  const end = T0;
  const start = T0 - MAX_WINDOW_MS;
  const qs = `start_time=${encodeURIComponent(new Date(start).toISOString())}&end_time=${encodeURIComponent(new Date(end).toISOString())}`;

  let pgClient: pg.Client | null = null;
  if (b.pgUrl) {
    pgClient = new pg.Client({ connectionString: b.pgUrl });
    await pgClient.connect();
  }

  const stats: QueryStat[] = [];
  for (const sort of SESSION_SORT_COLUMNS) {
    // The statement the store runs for this request, compiled by the store's own Kysely.
    const cap = new Capture();
    const opts = { start, end, sort, order: 'desc' as const, cursor: null, limit: 50 };
    const viaStore = await listUserSessions({ ...b.store, db: b.store.db.withPlugin(cap) }, project.id, measured, opts);
    if (viaStore.sessions.length !== 50) throw new Error(`store returned ${viaStore.sessions.length} sessions`);
    const compiled: CompiledQuery = b.store.db.getExecutor().compileQuery(cap.node!, createQueryId());
    const params = compiled.parameters as unknown[];
    let bare: () => Promise<number>;
    const lite = b.store.sqlite;
    if (lite) {
      const st = lite.prepare(compiled.sql);
      bare = async () => st.all(...params).length;
    } else {
      const c = pgClient!;
      bare = async () => (await c.query(compiled.sql, params)).rows.length;
    }
    const path = `/partner/subscribers/${measured}/sessions?sort=${sort}&${qs}`;
    const viaHttp = async () => {
      const r = await client.request('GET', path, auth);
      expectOk(r, `GET ${path}`);
      if (!r.text.includes('"next_cursor":"')) throw new Error('expected a full first page with a next cursor');
    };
    for (let i = 0; i < WARMUP; i++) {
      await viaHttp();
      if ((await bare()) !== 51) throw new Error('bare query: expected 51 rows');
    }
    const h: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      let t = now();
      await viaHttp();
      h.push(now() - t);
      t = now();
      await bare();
      r.push(now() - t);
    }
    stats.push({ sort, http: { p50: percentile(h, 50), p95: percentile(h, 95) }, bare: { p50: percentile(r, 50), p95: percentile(r, 95) } });
  }
  client.close();
  await pgClient?.end();
  return { loadSeconds, userSessions, stats };
};
