/**
 * The database: Kysely over better-sqlite3 (default, one file) or pg (DATABASE_URL=postgres://...).
 * Both return BIGINT columns as bigint. `Conn` is what store functions take first: the database or an
 * open transaction, plus the dialect for the few statements that differ.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, sql, PostgresDialect, SqliteDialect, type Migration, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { MIGRATIONS } from './migrations/list.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Conn {
  db: Kysely<DB> | Transaction<DB>;
  dialect: Dialect;
  /** the raw SQLite handle, for the ingestion hot path (prepared statements) */
  sqlite: Database.Database | null;
  inTransaction: boolean;
}

export interface Store extends Conn {
  db: Kysely<DB>;
  close(): Promise<void>;
}

// BIGINT (int8) as bigint; NUMERIC (what SUM(bigint) returns) as bigint when integral.
pg.types.setTypeParser(20, (v) => BigInt(v));
pg.types.setTypeParser(1700, (v) => (/^-?\d+$/.test(v) ? BigInt(v) : Number(v)));

export const openStore = (url: string, opts: { poolSize?: number } = {}): Store => {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlite: null, inTransaction: false, close: () => db.destroy() };
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.defaultSafeIntegers(true);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', sqlite, inTransaction: false, close: () => db.destroy() };
};

/** PostgreSQL aborted the transaction to break a deadlock or a serialization conflict: it may simply run again. */
const retriable = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
};

/**
 * Run `fn` in one transaction. SQLite serializes transactions on its single connection; on
 * PostgreSQL a transaction chosen as a deadlock victim is run again (a few times, after a short
 * random pause), so callers see the outcome, not the collision.
 */
export const transaction = async <T>(store: Conn, fn: (tx: Conn) => Promise<T>): Promise<T> => {
  if (store.inTransaction) return fn(store);
  for (let attempt = 1; ; attempt++) {
    try {
      return await (store.db as Kysely<DB>).transaction().execute((trx) => fn({ ...store, db: trx, inTransaction: true }));
    } catch (e) {
      if (attempt >= 4 || !retriable(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
};

export const assertTransaction = (c: Conn): void => {
  if (!c.inTransaction) throw new Error('this store function must run inside a transaction');
};

export const migrate = async (store: Store): Promise<string[]> => {
  const migrations: Record<string, Migration> = {};
  for (const [name, up] of MIGRATIONS) {
    migrations[name] = { up: (db) => up(db, store.dialect) };
  }
  // Kysely looks for its bookkeeping tables in every schema it can see; pin them to ours, so that
  // several schemas on one PostgreSQL (one per test file, or per tenant shard) never confuse it.
  const schema =
    store.dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/** Row values may be bigint (SQLite integers, PG int8) or number (PG int4): normalize. */
export const num = (v: bigint | number | string | null | undefined): number => Number(v ?? 0);
export const big = (v: bigint | number | string | null | undefined): bigint =>
  typeof v === 'bigint' ? v : BigInt(v ?? 0);
export const numOrNull = (v: bigint | number | null | undefined): number | null => (v == null ? null : Number(v));
export const bigOrNull = (v: bigint | number | null | undefined): bigint | null => (v == null ? null : BigInt(v));
