/**
 * Bench plumbing: the real server (buildApp) on a file-backed SQLite database in a temp dir or on a
 * fresh PostgreSQL schema, with a manual clock; a keep-alive HTTP client with as little client-side
 * work as possible; timing and formatting helpers.
 */
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { defaultConfig, type Config } from '../src/platform/config.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createContext, type AppContext } from '../src/context.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { buildApp } from '../src/http/app.ts';

export type Kind = 'sqlite' | 'postgres';

/** Platform time at the start of every bench: mid-morning UTC, so a few minutes of rounds stay in one day. */
export const T0 = Date.parse('2026-12-03T10:00:00.000Z');
export const DAY = 86_400_000;

export interface BenchApp {
  kind: Kind;
  ctx: AppContext;
  store: Store;
  clock: ManualClock;
  app: FastifyInstance;
  port: number;
  /** a PostgreSQL URL whose search_path is this run's schema (null on SQLite) */
  pgUrl: string | null;
  close(): Promise<void>;
}

export const pgReachable = async (url: string): Promise<boolean> => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
};

export const startBenchApp = async (kind: Kind, pgBase: string): Promise<BenchApp> => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const clock = new ManualClock(T0);
  let url = join(dir, 'gatehouse.db');
  let pgUrl: string | null = null;
  let drop = async () => {};
  if (kind === 'postgres') {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgBase });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const u = new URL(pgBase);
    u.searchParams.set('options', `-c search_path=${schema}`);
    url = pgUrl = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
  }
  const config: Config = {
    ...defaultConfig(),
    dataDir: dir,
    secretKey: randomBytes(32).toString('hex'),
    runJobs: false,
    // The login bench plays many clients behind a reverse proxy (X-Forwarded-For), as in production;
    // otherwise the per-IP login rate limit (60/min) would be the only thing measured.
    trustProxy: true,
  };
  const store = openStore(url); // production pool size
  const ctx = await createContext(config, { clock, store });
  const app = await buildApp(ctx, process.env.BENCH_LOG ? { logger: { level: 'error' } } : {});
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    kind,
    ctx,
    store,
    clock,
    app,
    port,
    pgUrl,
    close: async () => {
      await app.close();
      await store.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

// ---- HTTP client: keep-alive sockets, bodies passed as ready strings, replies kept as text ----------

export interface HttpRes {
  status: number;
  text: string;
}

export class HttpClient {
  private readonly agent: http.Agent;
  constructor(
    private readonly port: number,
    sockets = 8,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }
  request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpRes> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) {
        h['content-type'] = 'application/json';
        h['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers: h, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }
  close(): void {
    this.agent.destroy();
  }
}

export const expectOk = (r: HttpRes, what: string): void => {
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
};

// ---- fixtures --------------------------------------------------------------------------------------

export const wgKey = (): string =>
  generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');

export const ipOf = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
export const ipBase = (a: number, b: number): number => a * 2 ** 24 + b * 2 ** 16;

// ---- numbers ---------------------------------------------------------------------------------------

export const now = (): number => performance.now();

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
};

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export const log = (msg: string): void => {
  process.stderr.write(`  .. ${msg}\n`);
};

/** A result row of the final table. */
export interface Row {
  dialect: Kind;
  metric: string;
  http: string;
  raw: string;
  ratio: string;
  target: string;
  ok: boolean | null;
}
