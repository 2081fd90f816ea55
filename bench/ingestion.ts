/**
 * Node-sync ingestion: counter updates per second through POST /node/sync (batches of 1,000
 * cumulative counters for 1,000 active sessions of 1,000 users, seq and counters advancing every
 * round), beside the raw rate of the same store calls (loadSessionCounters, writeSessionCounters,
 * addUsage, addDaily in one transaction) fed with precomputed inputs. HTTP and raw rounds alternate in
 * blocks so that both see the same machine; each uses its own node and sessions, sharing the users.
 */
import { createProject } from '../src/services/projects.ts';
import { addNode } from '../src/services/nodes.ts';
import { transaction } from '../src/store/db.ts';
import { addDaily, addUsage, loadSessionCounters, writeSessionCounters, type DailyDelta, type SessionCounters, type UsageDelta } from '../src/store/counters.ts';
import { ipKey } from '../src/domain/ip-pool.ts';
import { type BenchApp, HttpClient, T0, expectOk, ipBase, ipOf, log, now, wgKey } from './support.ts';

export const SESSIONS = 1_000;
const WARMUP_ROUNDS = 3;
const BLOCKS = 8;
const ROUNDS_PER_BLOCK = 5;
const CHUNK = 200;

export interface IngestionResult {
  httpRate: number;
  rawRate: number;
  httpMsPerBatch: number;
  rawMsPerBatch: number;
  /** CPU time of this process per batch (server, client and, on SQLite, the database) */
  httpCpuPerBatch: number;
  rawCpuPerBatch: number;
  rounds: number;
}

const down = (r: number, i: number) => BigInt(r + 1) * BigInt(1_000_000 + i * 10);
const up = (r: number, i: number) => BigInt(r + 1) * BigInt(100_000 + i);

export const seedIngestion = async (b: BenchApp) => {
  const { ctx, store } = b;
  const { project } = await createProject(ctx, { id: 'bench-ingest' }, 'bench');
  const nodes: Array<{ id: number; token: string; base: number }> = [];
  for (const [k, octet] of [8, 9].entries()) {
    const base = ipBase(10, octet);
    const { id, token } = await addNode(
      ctx,
      project.id,
      { name: `ingest-${k}`, country: 'DE', city: 'Berlin', endpoint: `198.51.100.${k + 1}:51820`, publicKey: wgKey(), poolCidr: `${ipOf(base)}/16`, dns: ['10.8.0.1'] },
      'bench',
    );
    nodes.push({ id, token, base });
  }
  const at = BigInt(T0 - 3_600_000);
  for (let s = 0; s < SESSIONS; s += CHUNK) {
    const n = Math.min(CHUNK, SESSIONS - s);
    await store.db
      .insertInto('users')
      .values(
        Array.from({ length: n }, (_, j) => ({
          project_id: project.id,
          name: `anonymous_ingest-${s + j}`,
          auth_method: 'anonymous',
          status: 'active' as const,
          license_id: BigInt(project.defaultLicenseId ?? 0),
          traffic_limit: null,
          traffic_epoch: 0,
          extref: '',
          description: '',
          country: null,
          registered_at: at,
        })),
      )
      .execute();
  }
  const users = (await store.db.selectFrom('users').select('id').where('project_id', '=', project.id).orderBy('id').execute()).map((r) => Number(r.id));
  for (let s = 0; s < SESSIONS; s += CHUNK) {
    const n = Math.min(CHUNK, SESSIONS - s);
    await store.db
      .insertInto('devices')
      .values(
        Array.from({ length: n }, (_, j) => ({
          project_id: project.id,
          user_id: BigInt(users[s + j]!),
          device_id: `ingest-${s + j}`,
          token_hash: null,
          token_enc: null,
          name: 'Pixel 8',
          type: 'android',
          public_key: null,
          registered_at: at,
          last_connection_at: at,
        })),
      )
      .execute();
  }
  const devices = (await store.db.selectFrom('devices').select('id').where('project_id', '=', project.id).orderBy('id').execute()).map((r) => Number(r.id));
  const sessionIds: number[][] = [];
  for (const node of nodes) {
    for (let s = 0; s < SESSIONS; s += CHUNK) {
      const n = Math.min(CHUNK, SESSIONS - s);
      await store.db
        .insertInto('sessions')
        .values(
          Array.from({ length: n }, (_, j) => {
            const i = s + j;
            const ip = ipOf(node.base + 2 + i);
            return {
              project_id: project.id,
              user_id: BigInt(users[i]!),
              device_id: BigInt(devices[i]!),
              device_name: 'Pixel 8',
              node_id: BigInt(node.id),
              server: 'ingest',
              location: 'de-berlin',
              public_key: wgKey(),
              internal_ip: ip,
              ip_key: ipKey(ip),
              status: 'active' as const,
              created_at: at - 1000n,
              expires_at: at + 600_000n,
              started_at: at,
              ended_at: null,
              end_reason: null,
              cut_reason: null,
              download: 0n,
              upload: 0n,
              base_down: 0n,
              base_up: 0n,
              counter_epoch: 0n,
              last_seq: 0n,
            };
          }),
        )
        .execute();
    }
    sessionIds.push(
      (await store.db.selectFrom('sessions').select('id').where('node_id', '=', BigInt(node.id)).orderBy('id').execute()).map((r) => Number(r.id)),
    );
  }
  return { project, nodes, users, sessionIds };
};

export const runIngestion = async (b: BenchApp): Promise<IngestionResult> => {
  const t = now();
  const { project, nodes, users, sessionIds } = await seedIngestion(b);
  log(`${b.kind}: ingestion fixtures (1,000 users, 2 x 1,000 active sessions) in ${((now() - t) / 1000).toFixed(1)} s`);
  const total = WARMUP_ROUNDS + BLOCKS * ROUNDS_PER_BLOCK;
  const roundAt = (r: number) => T0 + r * 5000;

  // HTTP: node 0. Bodies are ready strings; the client only writes them and reads the reply text.
  const httpIds = sessionIds[0]!;
  const bodies: string[] = [];
  for (let r = 0; r < total; r++) {
    const at = roundAt(r) + 2500;
    const parts = httpIds.map((id, i) => `{"session_id":${id},"epoch":0,"seq":${r + 1},"download":${down(r, i)},"upload":${up(r, i)},"at":${at}}`);
    bodies.push(`{"agent_version":"bench","events":[],"counters":[${parts.join(',')}]}`);
  }

  // Raw: node 1, the state the service would write and the deltas it would add, precomputed.
  const rawIds = sessionIds[1]!;
  const period = b.ctx.periods.at(T0, project.timeZone, project.trafficPeriod).key;
  const day = b.ctx.periods.day(T0, project.timeZone);
  const rawInputs = Array.from({ length: total }, (_, r) => {
    const rows: Array<SessionCounters & { endReason: string | null }> = rawIds.map((id, i) => ({
      id,
      userId: users[i]!,
      status: 'active',
      startedAt: T0 - 3_600_000,
      endedAt: null,
      lastActivityAt: roundAt(r) + 2500,
      cutReason: null,
      download: down(r, i),
      upload: up(r, i),
      baseDown: 0n,
      baseUp: 0n,
      epoch: 0n,
      lastSeq: BigInt(r + 1),
      createdAt: T0 - 3_600_000,
      endReason: null,
      // What the service knows here: only counters moved. Ignored by a store that always writes the
      // lifecycle columns; lets one that skips them when unchanged run the same SQL as the service.
      lifecycleChanged: false,
    }) as SessionCounters & { endReason: string | null });
    const usage: UsageDelta[] = users.map((u, i) => ({ projectId: project.id, userId: u, periodStart: period, epoch: 0, download: down(0, i), upload: up(0, i) }));
    const daily: DailyDelta[] = users.map((u, i) => ({ projectId: project.id, userId: u, day, download: down(0, i), upload: up(0, i) }));
    return { ids: rawIds, rows, usage, daily };
  });

  const client = new HttpClient(b.port, 1);
  const headers = { authorization: `Bearer ${nodes[0]!.token}` };
  let httpRound = 0;
  let rawRound = 0;
  const httpOnce = async () => {
    const r = httpRound++;
    b.clock.set(roundAt(r) + 5000);
    const res = await client.request('POST', '/node/sync', headers, bodies[r]);
    expectOk(res, 'POST /node/sync');
    if (!res.text.includes(`"applied_counters":${SESSIONS},`)) throw new Error(`sync round ${r} did not apply every counter: ${res.text.slice(0, 200)}`);
  };
  const rawOnce = async () => {
    const x = rawInputs[rawRound++]!;
    await transaction(b.store, async (tx) => {
      const loaded = await loadSessionCounters(tx, nodes[1]!.id, x.ids);
      if (loaded.size !== x.ids.length) throw new Error('raw: sessions missing');
      await writeSessionCounters(tx, x.rows);
      await addUsage(tx, x.usage);
      await addDaily(tx, x.daily);
    });
  };

  for (let i = 0; i < WARMUP_ROUNDS; i++) {
    await httpOnce();
    await rawOnce();
  }
  let httpMs = 0;
  let rawMs = 0;
  let httpCpu = 0;
  let rawCpu = 0;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let blk = 0; blk < BLOCKS; blk++) {
    let t0 = now();
    let c0 = cpu();
    for (let i = 0; i < ROUNDS_PER_BLOCK; i++) await httpOnce();
    httpMs += now() - t0;
    httpCpu += cpu() - c0;
    t0 = now();
    c0 = cpu();
    for (let i = 0; i < ROUNDS_PER_BLOCK; i++) await rawOnce();
    rawMs += now() - t0;
    rawCpu += cpu() - c0;
  }
  client.close();

  // The raw rounds really wrote: every session of node 1 is at the last seq.
  const chk = await b.store.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('node_id', '=', BigInt(nodes[1]!.id))
    .where('last_seq', '=', BigInt(total))
    .executeTakeFirstOrThrow();
  if (Number(chk.n) !== SESSIONS) throw new Error(`raw rounds did not land: ${String(chk.n)}`);

  const rounds = BLOCKS * ROUNDS_PER_BLOCK;
  return {
    httpRate: (rounds * SESSIONS) / (httpMs / 1000),
    rawRate: (rounds * SESSIONS) / (rawMs / 1000),
    httpMsPerBatch: httpMs / rounds,
    rawMsPerBatch: rawMs / rounds,
    httpCpuPerBatch: httpCpu / rounds,
    rawCpuPerBatch: rawCpu / rounds,
    rounds,
  };
};
