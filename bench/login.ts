/**
 * Client sign-in: POST /user/login (anonymous, a new device each time) then GET /user/credentials
 * with the token it returned, from a few concurrent clients; beside the same two service calls made
 * in-process (login, deviceOfToken as the auth hook does, provideCredentials), same concurrency.
 * HTTP and in-process blocks alternate. Each client comes from its own address (X-Forwarded-For
 * through a trusted proxy), as real devices do, so the per-IP login rate limit does not apply.
 */
import { createProject } from '../src/services/projects.ts';
import { addNode } from '../src/services/nodes.ts';
import { deviceOfToken, login } from '../src/services/login.ts';
import { provideCredentials } from '../src/services/credentials.ts';
import { type BenchApp, HttpClient, expectOk, ipBase, ipOf, log, now, wgKey } from './support.ts';

export const CONCURRENCY = 4;
const NODES = 4;
const BLOCKS = 3;
const BLOCK_MS = 1500;
const WARMUP = 40;

export interface LoginResult {
  httpRate: number;
  rawRate: number;
  httpPairs: number;
  rawPairs: number;
  liveSessionsAtEnd: number;
  /** credentials calls that failed (not counted in the rates) */
  failed: number;
  failures: Map<string, number>;
}

export const runLogin = async (b: BenchApp): Promise<LoginResult> => {
  const { ctx } = b;
  const { project } = await createProject(ctx, { id: 'bench-login' }, 'bench');
  const client = new HttpClient(b.port, CONCURRENCY * 2);
  for (let k = 0; k < NODES; k++) {
    const base = ipBase(10, 20 + k);
    const { token } = await addNode(
      ctx,
      project.id,
      { name: `login-${k}`, country: 'NL', city: 'Amsterdam', endpoint: `203.0.113.${k + 1}:51820`, publicKey: wgKey(), poolCidr: `${ipOf(base)}/16`, dns: ['1.1.1.1'] },
      'bench',
    );
    // One sync puts the node online (the clock stays put for the whole bench).
    expectOk(await client.request('POST', '/node/sync', { authorization: `Bearer ${token}` }, '{"events":[],"counters":[]}'), 'node sync');
  }
  const keys = Array.from({ length: 512 }, () => wgKey());
  let seq = 0;
  const nextDevice = () => {
    const n = seq++;
    return { deviceId: `bench-${b.kind}-${n}`, publicKey: keys[n % keys.length]!, ip: ipOf(ipBase(100, 64) + 1 + n) };
  };

  // Failed credentials calls are counted and reported, not fatal: on PostgreSQL concurrent calls race
  // for the same first free address (sessions_node_ip_live) and can exhaust the service's retries.
  const failures = new Map<string, number>();
  const failed = (why: string) => {
    const key = why.replace(/\d{4,}/g, 'N');
    failures.set(key, (failures.get(key) ?? 0) + 1);
    return false;
  };
  const httpPair = async (): Promise<boolean> => {
    const d = nextDevice();
    const body = `{"auth_method":"anonymous","device_id":"${d.deviceId}","device_type":"android","device_name":"Pixel 8","carrier_id":"${project.id}","public_key":"${d.publicKey}"}`;
    const r = await client.request('POST', '/user/login', { 'x-forwarded-for': d.ip }, body);
    expectOk(r, 'POST /user/login');
    const token = /"access_token":"([^"]+)"/.exec(r.text)?.[1];
    if (!token) throw new Error(`no access_token in ${r.text.slice(0, 200)}`);
    const c = await client.request('GET', '/user/credentials', { authorization: `Bearer ${token}`, 'x-forwarded-for': d.ip });
    if (c.status !== 200) return failed(`HTTP ${c.status} ${c.text.slice(0, 120)}`);
    return true;
  };
  const rawPair = async (): Promise<boolean> => {
    const d = nextDevice();
    const r = await login(ctx, { auth_method: 'anonymous', device_id: d.deviceId, device_type: 'android', device_name: 'Pixel 8', carrier_id: project.id, public_key: d.publicKey });
    const device = await deviceOfToken(ctx, r.access_token);
    try {
      await provideCredentials(ctx, device, {});
    } catch (e) {
      return failed(String((e as Error).message).slice(0, 120));
    }
    return true;
  };

  /** Runs `fn` from CONCURRENCY loops until the deadline; returns [succeeded, ms]. */
  const block = async (fn: () => Promise<boolean>, ms: number): Promise<[number, number]> => {
    const t0 = now();
    const deadline = t0 + ms;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (now() < deadline) {
          if (await fn()) done++;
        }
      }),
    );
    return [done, now() - t0];
  };
  const fixed = async (fn: () => Promise<boolean>, n: number) => {
    for (let i = 0; i < n; i += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, fn));
  };

  await fixed(httpPair, WARMUP);
  await fixed(rawPair, WARMUP);
  let hN = 0;
  let hMs = 0;
  let rN = 0;
  let rMs = 0;
  for (let i = 0; i < BLOCKS; i++) {
    const [n1, ms1] = await block(httpPair, BLOCK_MS);
    hN += n1;
    hMs += ms1;
    const [n2, ms2] = await block(rawPair, BLOCK_MS);
    rN += n2;
    rMs += ms2;
  }
  client.close();
  const live = await b.store.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('project_id', '=', project.id)
    .where('status', '<>', 'ended')
    .executeTakeFirstOrThrow();
  log(`${b.kind}: login: ${hN} HTTP + ${rN} in-process sign-ins; ${String(live.n)} live sessions on ${NODES} nodes at the end`);
  for (const [why, n] of failures) log(`${b.kind}: login: ${n} credentials call(s) failed: ${why}`);
  const failedCount = [...failures.values()].reduce((a, x) => a + x, 0);
  return { httpRate: hN / (hMs / 1000), rawRate: rN / (rMs / 1000), httpPairs: hN, rawPairs: rN, liveSessionsAtEnd: Number(live.n), failed: failedCount, failures };
};
