/**
 * The ingestion hot path (node sync): a whole batch is read with one statement and written with one
 * statement per table. SQLite runs cached prepared statements on the raw handle (inside the caller's
 * transaction, on the same connection); PostgreSQL gets one statement per table over unnest() arrays.
 * Saturating adds keep BIGINT from overflowing (see domain/traffic.ts).
 */
import { sql } from 'kysely';
import type Database from 'better-sqlite3';
import type { Conn } from './db.ts';
import { assertTransaction, big, num, numOrNull } from './db.ts';

export interface SessionCounters {
  id: number;
  userId: number;
  status: 'pending' | 'active' | 'ended';
  startedAt: number | null;
  endedAt: number | null;
  lastActivityAt: number | null;
  cutReason: string | null;
  download: bigint;
  upload: bigint;
  baseDown: bigint;
  baseUp: bigint;
  epoch: bigint;
  lastSeq: bigint;
  /** when the credentials were issued: no byte of the session can be older */
  createdAt: number;
}

export interface UsageDelta {
  projectId: string;
  userId: number;
  periodStart: string;
  epoch: number;
  download: bigint;
  upload: bigint;
}

export interface DailyDelta {
  projectId: string;
  userId: number;
  day: string;
  download: bigint;
  upload: bigint;
}

export interface UsageTotal {
  userId: number;
  periodStart: string;
  epoch: number;
  download: bigint;
  upload: bigint;
}

const MAX = '9223372036854775807';
const satAddSql = (col: string) => `CASE WHEN ${col} > ${MAX} - excluded.${col} THEN ${MAX} ELSE ${col} + excluded.${col} END`;

const SQLITE = {
  load: `SELECT id, user_id, status, started_at, ended_at, last_activity_at, cut_reason, download, upload, base_down, base_up, counter_epoch, last_seq, created_at
         FROM sessions WHERE node_id = ? AND id IN (SELECT value FROM json_each(?))`,
  write: `UPDATE sessions SET download = ?, upload = ?, base_down = ?, base_up = ?, counter_epoch = ?, last_seq = ?,
          status = ?, started_at = ?, ended_at = ?, last_activity_at = ?, end_reason = coalesce(end_reason, ?) WHERE id = ?`,
  usage: `INSERT INTO traffic_usage (project_id, user_id, period_start, epoch, download, upload) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (user_id, period_start, epoch) DO UPDATE SET download = ${satAddSql('download')}, upload = ${satAddSql('upload')}
          RETURNING download, upload`,
  writeCounters: `UPDATE sessions SET download = ?, upload = ?, base_down = ?, base_up = ?, counter_epoch = ?, last_seq = ?, last_activity_at = ? WHERE id = ?`,
  usageNoTotals: `INSERT INTO traffic_usage (project_id, user_id, period_start, epoch, download, upload) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (user_id, period_start, epoch) DO UPDATE SET download = ${satAddSql('download')}, upload = ${satAddSql('upload')}`,
  daily: `INSERT INTO traffic_daily (project_id, user_id, day, download, upload) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (user_id, day) DO UPDATE SET download = ${satAddSql('download')}, upload = ${satAddSql('upload')}`,
};

const prepared = new WeakMap<Database.Database, Record<keyof typeof SQLITE, Database.Statement>>();
const stmts = (db: Database.Database) => {
  let s = prepared.get(db);
  if (!s) {
    s = {
      load: db.prepare(SQLITE.load),
      write: db.prepare(SQLITE.write),
      usage: db.prepare(SQLITE.usage),
      daily: db.prepare(SQLITE.daily),
      writeCounters: db.prepare(SQLITE.writeCounters),
      usageNoTotals: db.prepare(SQLITE.usageNoTotals),
    };
    s.load.raw(true);
    prepared.set(db, s);
  }
  return s;
};

interface RawSession {
  id: bigint;
  user_id: bigint;
  status: 'pending' | 'active' | 'ended';
  started_at: bigint | null;
  ended_at: bigint | null;
  last_activity_at: bigint | null;
  cut_reason: string | null;
  download: bigint;
  upload: bigint;
  base_down: bigint;
  base_up: bigint;
  counter_epoch: bigint;
  last_seq: bigint;
  created_at: bigint;
}

const toCounters = (r: RawSession): SessionCounters => ({
  id: num(r.id),
  userId: num(r.user_id),
  status: r.status,
  startedAt: numOrNull(r.started_at),
  endedAt: numOrNull(r.ended_at),
  lastActivityAt: numOrNull(r.last_activity_at),
  cutReason: r.cut_reason,
  download: big(r.download),
  upload: big(r.upload),
  baseDown: big(r.base_down),
  baseUp: big(r.base_up),
  epoch: big(r.counter_epoch),
  lastSeq: big(r.last_seq),
  createdAt: num(r.created_at),
});

/**
 * PostgreSQL lock order: users before sessions, as every user operation takes them (it locks the user,
 * then changes its sessions). The sync's usage upserts need a key-share lock on each user anyway;
 * taking them first, in id order, means a sync and a user operation queue instead of deadlocking.
 */
export const lockUsersOfSessions = async (c: Conn, nodeId: number, ids: number[]): Promise<void> => {
  if (c.sqlite || ids.length === 0) return;
  await sql`SELECT id FROM users WHERE id IN (SELECT user_id FROM sessions WHERE node_id = ${nodeId} AND id = ANY(${ids.map(String)}::bigint[]))
    ORDER BY id FOR KEY SHARE`.execute(c.db);
};

/** Sessions of this node among `ids` (others are ignored: they belong to another node or are gone). */
export const loadSessionCounters = async (c: Conn, nodeId: number, ids: number[]): Promise<Map<number, SessionCounters>> => {
  const out = new Map<number, SessionCounters>();
  if (ids.length === 0) return out;
  let rows: RawSession[];
  if (c.sqlite) {
    // Arrays, not objects: 1,000 rows a sync. Column order as in SQLITE.load.
    for (const a of stmts(c.sqlite).load.all(nodeId, JSON.stringify(ids)) as unknown[][]) {
      const id = Number(a[0]);
      out.set(id, {
        id,
        userId: Number(a[1]),
        status: a[2] as SessionCounters['status'],
        startedAt: a[3] == null ? null : Number(a[3]),
        endedAt: a[4] == null ? null : Number(a[4]),
        lastActivityAt: a[5] == null ? null : Number(a[5]),
        cutReason: a[6] as string | null,
        download: a[7] as bigint,
        upload: a[8] as bigint,
        baseDown: a[9] as bigint,
        baseUp: a[10] as bigint,
        epoch: a[11] as bigint,
        lastSeq: a[12] as bigint,
        createdAt: Number(a[13]),
      });
    }
    return out;
  } else {
    const r = await sql<RawSession>`SELECT id, user_id, status, started_at, ended_at, last_activity_at, cut_reason, download, upload, base_down, base_up, counter_epoch, last_seq, created_at
      FROM sessions WHERE node_id = ${nodeId} AND id = ANY(${ids.map(String)}::bigint[]) ORDER BY id FOR UPDATE`.execute(c.db);
    rows = r.rows;
  }
  for (const r of rows) out.set(num(r.id), toCounters(r));
  return out;
};

/** Writes back counters, status and times of the given sessions. */
export const writeSessionCounters = async (
  c: Conn,
  rows: Array<SessionCounters & { endReason: string | null; lifecycleChanged?: boolean }>,
): Promise<void> => {
  assertTransaction(c);
  if (rows.length === 0) return;
  if (c.sqlite) {
    const { write: st, writeCounters: narrow } = stmts(c.sqlite);
    for (const r of rows) {
      // Only counters moved: SET no indexed column, so SQLite leaves the session indexes alone
      // (the full statement rewrites 4 index entries per row even when the values are the same).
      if (r.lifecycleChanged === false) {
        narrow.run(r.download, r.upload, r.baseDown, r.baseUp, r.epoch, r.lastSeq, r.lastActivityAt, r.id);
        continue;
      }
      st.run(r.download, r.upload, r.baseDown, r.baseUp, r.epoch, r.lastSeq, r.status, r.startedAt, r.endedAt, r.lastActivityAt, r.endReason, r.id);
    }
    return;
  }
  const col = <T>(f: (r: SessionCounters & { endReason: string | null }) => T) => rows.map(f);
  await sql`UPDATE sessions AS s SET download = v.download, upload = v.upload, base_down = v.base_down, base_up = v.base_up,
      counter_epoch = v.epoch, last_seq = v.seq, status = v.status, started_at = v.started_at, ended_at = v.ended_at,
      last_activity_at = v.last_activity_at, end_reason = coalesce(s.end_reason, v.end_reason)
    FROM unnest(${col((r) => String(r.id))}::bigint[], ${col((r) => String(r.download))}::bigint[], ${col((r) => String(r.upload))}::bigint[],
      ${col((r) => String(r.baseDown))}::bigint[], ${col((r) => String(r.baseUp))}::bigint[], ${col((r) => String(r.epoch))}::bigint[],
      ${col((r) => String(r.lastSeq))}::bigint[], ${col((r) => r.status)}::text[], ${col((r) => (r.startedAt === null ? null : String(r.startedAt)))}::bigint[],
      ${col((r) => (r.endedAt === null ? null : String(r.endedAt)))}::bigint[],
      ${col((r) => (r.lastActivityAt === null ? null : String(r.lastActivityAt)))}::bigint[], ${col((r) => r.endReason)}::text[])
      AS v(id, download, upload, base_down, base_up, epoch, seq, status, started_at, ended_at, last_activity_at, end_reason)
    WHERE s.id = v.id`.execute(c.db);
};

/** Adds usage deltas and returns the new totals of the touched rows. */
/** With `totals: false` the new totals are not read back (none returned): cheaper, for users without a limit. */
export const addUsage = async (c: Conn, deltas: UsageDelta[], opts: { totals?: boolean } = {}): Promise<UsageTotal[]> => {
  assertTransaction(c);
  if (deltas.length === 0) return [];
  if (c.sqlite && opts.totals === false) {
    const st = stmts(c.sqlite).usageNoTotals;
    for (const d of deltas) st.run(d.projectId, d.userId, d.periodStart, d.epoch, d.download, d.upload);
    return [];
  }
  if (c.sqlite) {
    const st = stmts(c.sqlite).usage;
    return deltas.map((d) => {
      const r = st.get(d.projectId, d.userId, d.periodStart, d.epoch, d.download, d.upload) as { download: bigint; upload: bigint };
      return { userId: d.userId, periodStart: d.periodStart, epoch: d.epoch, download: r.download, upload: r.upload };
    });
  }
  const r = await sql<{ user_id: bigint; period_start: string; epoch: number; download: bigint; upload: bigint }>`
    INSERT INTO traffic_usage (project_id, user_id, period_start, epoch, download, upload)
    SELECT * FROM unnest(${deltas.map((d) => d.projectId)}::text[], ${deltas.map((d) => String(d.userId))}::bigint[],
      ${deltas.map((d) => d.periodStart)}::text[], ${deltas.map((d) => d.epoch)}::int[],
      ${deltas.map((d) => String(d.download))}::bigint[], ${deltas.map((d) => String(d.upload))}::bigint[])
    ON CONFLICT (user_id, period_start, epoch) DO UPDATE SET
      download = CASE WHEN traffic_usage.download > ${sql.raw(MAX)} - excluded.download THEN ${sql.raw(MAX)} ELSE traffic_usage.download + excluded.download END,
      upload = CASE WHEN traffic_usage.upload > ${sql.raw(MAX)} - excluded.upload THEN ${sql.raw(MAX)} ELSE traffic_usage.upload + excluded.upload END
    RETURNING user_id, period_start, epoch, download, upload`.execute(c.db);
  return r.rows.map((x) => ({ userId: num(x.user_id), periodStart: x.period_start, epoch: num(x.epoch), download: x.download, upload: x.upload }));
};

export const addDaily = async (c: Conn, deltas: DailyDelta[]): Promise<void> => {
  assertTransaction(c);
  if (deltas.length === 0) return;
  if (c.sqlite) {
    const st = stmts(c.sqlite).daily;
    for (const d of deltas) st.run(d.projectId, d.userId, d.day, d.download, d.upload);
    return;
  }
  await sql`
    INSERT INTO traffic_daily (project_id, user_id, day, download, upload)
    SELECT * FROM unnest(${deltas.map((d) => d.projectId)}::text[], ${deltas.map((d) => String(d.userId))}::bigint[],
      ${deltas.map((d) => d.day)}::text[], ${deltas.map((d) => String(d.download))}::bigint[], ${deltas.map((d) => String(d.upload))}::bigint[])
    ON CONFLICT (user_id, day) DO UPDATE SET
      download = CASE WHEN traffic_daily.download > ${sql.raw(MAX)} - excluded.download THEN ${sql.raw(MAX)} ELSE traffic_daily.download + excluded.download END,
      upload = CASE WHEN traffic_daily.upload > ${sql.raw(MAX)} - excluded.upload THEN ${sql.raw(MAX)} ELSE traffic_daily.upload + excluded.upload END`.execute(c.db);
};
