/**
 * Starts the real server on a real database for one test file: SQLite in memory, or a fresh
 * PostgreSQL schema when the file runs in the PostgreSQL pass (TEST_DATABASE_URL). The clock is manual.
 */
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defaultConfig, type Config } from '../../src/platform/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { openStore } from '../../src/store/db.ts';
import { buildApp } from '../../src/http/app.ts';
import { consolePlugins } from '../../src/http/console-api/mount.ts';
import { createProject, type NewProject } from '../../src/services/projects.ts';
import { addNode, type NewNode } from '../../src/services/nodes.ts';
import type { FirebaseVerifier } from '../../src/integrations/firebase-auth.ts';
import { Client, type Res } from './http.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORES: StoreKind[] = ['sqlite', ...(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];

export const T0 = Date.parse('2026-12-03T10:00:00.000Z');

export interface TestApp {
  ctx: AppContext;
  clock: ManualClock;
  url: string;
  client(token?: string | null): Client;
  close(): Promise<void>;
}

const pgUrlWithSchema = async (base: string): Promise<{ url: string; drop: () => Promise<void> }> => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
};

export const startTestApp = async (
  kind: StoreKind,
  opts: { config?: Partial<Config>; firebase?: FirebaseVerifier; now?: number } = {},
): Promise<TestApp> => {
  const clock = new ManualClock(opts.now ?? T0);
  let dbUrl = ':memory:';
  let drop = async () => {};
  if (kind === 'postgres') {
    const made = await pgUrlWithSchema(process.env.TEST_DATABASE_URL!);
    dbUrl = made.url;
    drop = made.drop;
  }
  const config: Config = {
    ...defaultConfig(),
    dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-test-')),
    secretKey: randomBytes(32).toString('hex'),
    runJobs: false,
    ...opts.config,
  };
  const store = openStore(dbUrl, { poolSize: 5 });
  const ctx = await createContext(config, { clock, store, ...(opts.firebase ? { firebase: opts.firebase } : {}) });
  const app = await buildApp(ctx, { plugins: consolePlugins(ctx), ...(process.env.TEST_LOG ? { logger: { level: 'error' } } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    ctx,
    clock,
    url,
    client: (token = null) => new Client(url, token),
    close: async () => {
      await app.close();
      await store.close();
      await drop();
    },
  };
};

export const wgKey = (): string =>
  generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');

/** A project with its partner client signed in. */
export const setupProject = async (t: TestApp, p: Partial<NewProject> = {}) => {
  const id = p.id ?? `p${randomBytes(4).toString('hex')}`;
  const { privateKey, project } = await createProject(t.ctx, { id, ...p }, 'test');
  const partner = t.client();
  const r = await partner.post('/partner/login', { login: id, password: privateKey });
  if (r.status !== 200) throw new Error(`partner login failed: ${JSON.stringify(r.body)}`);
  partner.token = r.body.access_token;
  return { id, project, privateKey, partner };
};

let nodeSeq = 0;
export const setupNode = async (t: TestApp, projectId: string, n: Partial<NewNode> = {}) => {
  nodeSeq++;
  const spec: NewNode = {
    name: n.name ?? `node-${nodeSeq}`,
    country: n.country ?? 'DE',
    city: n.city ?? 'Berlin',
    endpoint: n.endpoint ?? `198.51.100.${nodeSeq % 250}:51820`,
    publicKey: n.publicKey ?? wgKey(),
    poolCidr: n.poolCidr ?? '10.8.0.0/24',
    dns: n.dns ?? ['10.8.0.1'],
    capacity: n.capacity ?? 0,
  };
  const { id, token } = await addNode(t.ctx, projectId, spec, 'test');
  const client = t.client(token);
  const sync = (body: { events?: unknown[]; counters?: unknown[] } = {}): Promise<Res> =>
    client.post('/node/sync', { events: body.events ?? [], counters: body.counters ?? [] });
  await sync();
  return { id, token, spec, client, sync };
};

/** Logs a device in and returns its client (token set), the login body and the user id. */
export const loginDevice = async (
  t: TestApp,
  projectId: string,
  o: { deviceId?: string; authMethod?: string; accessToken?: string; type?: string; name?: string; publicKey?: string } = {},
) => {
  const deviceId = o.deviceId ?? `dev-${randomBytes(4).toString('hex')}`;
  const c = t.client();
  const r = await c.post('/user/login', {
    auth_method: o.authMethod ?? 'anonymous',
    device_id: deviceId,
    device_type: o.type ?? 'android',
    device_name: o.name ?? 'Pixel 8',
    carrier_id: projectId,
    public_key: o.publicKey ?? wgKey(),
    ...(o.accessToken ? { access_token: o.accessToken } : {}),
  });
  if (r.status === 200) c.token = r.body.access_token;
  return { res: r, client: c, deviceId, userId: r.body?.subscriber?.id as number, devicePk: r.body?.device?.id as number };
};

export const counter = (session_id: number, seq: number, download: bigint | number, upload: bigint | number, at: number, epoch = 0) => ({
  session_id,
  epoch,
  seq,
  download,
  upload,
  at,
});
