/**
 * Session listings for the User page and the Active sessions page. Sorting goes through an allow-list
 * from API column names to SQL expressions; pages are keyset pages on (active first, column, id).
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Conn } from './db.ts';
import { big, num, numOrNull } from './db.ts';
import type { SessionRow } from './schema.ts';
import type { SessionSortColumn } from '../contract/enums.ts';

export interface SessionView {
  id: number;
  userId: number;
  deviceId: number;
  deviceName: string;
  server: string;
  location: string;
  startedAt: number;
  endedAt: number | null;
  internalIp: string;
  download: bigint;
  upload: bigint;
  active: boolean;
  endReason: string | null;
}

const toView = (r: Selectable<SessionRow>): SessionView => ({
  id: num(r.id),
  userId: num(r.user_id),
  deviceId: num(r.device_id),
  deviceName: r.device_name,
  server: r.server,
  location: r.location,
  startedAt: num(r.started_at),
  endedAt: numOrNull(r.ended_at),
  internalIp: r.internal_ip,
  download: big(r.download),
  upload: big(r.upload),
  active: r.status === 'active',
  endReason: r.end_reason,
});

type Kind = 'int' | 'text';
const SORT: Record<SessionSortColumn, { expr: string; kind: Kind; get: (v: SessionView & { ipKey: string }) => string }> = {
  device_id: { expr: 's.device_id', kind: 'int', get: (v) => String(v.deviceId) },
  server: { expr: 's.server', kind: 'text', get: (v) => v.server },
  location: { expr: 's.location', kind: 'text', get: (v) => v.location },
  start_time: { expr: 's.started_at', kind: 'int', get: (v) => String(v.startedAt) },
  end_time: { expr: 'coalesce(s.ended_at, 0)', kind: 'int', get: (v) => String(v.endedAt ?? 0) },
  internal_ip: { expr: 's.ip_key', kind: 'text', get: (v) => v.ipKey },
  download: { expr: 's.download', kind: 'int', get: (v) => String(v.download) },
  upload: { expr: 's.upload', kind: 'int', get: (v) => String(v.upload) },
};
const ACTIVE_KEY = "(CASE WHEN s.status = 'active' THEN 0 ELSE 1 END)";

export interface Cursor {
  activeKey: number;
  value: string;
  id: number;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.activeKey, c.value, c.id])).toString('base64url');
export const decodeCursor = (s: string, kind?: Kind): Cursor | null => {
  try {
    const [a, v, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    if ((a !== 0 && a !== 1) || typeof v !== 'string' || v.includes('\u0000') || typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
    if (kind === 'int' && (!/^-?\d{1,19}$/.test(v) || BigInt(v) > 9223372036854775807n || BigInt(v) < -9223372036854775808n)) return null;
    return { activeKey: a, value: v, id };
  } catch {
    return null;
  }
};
export const sortKind = (col: SessionSortColumn): Kind => SORT[col].kind;

export const listUserSessions = async (
  c: Conn,
  projectId: string,
  userId: number,
  o: { deviceId?: number; start: number; end: number; sort: SessionSortColumn; order: 'asc' | 'desc'; cursor: Cursor | null; limit: number },
): Promise<{ sessions: SessionView[]; next: Cursor | null }> => {
  const s = SORT[o.sort];
  const dir = sql.raw(o.order);
  const cmp = sql.raw(o.order === 'asc' ? '>' : '<');
  const col = sql.raw(s.expr);
  let q = c.db
    .selectFrom('sessions as s')
    .selectAll('s')
    .where('s.project_id', '=', projectId)
    .where('s.user_id', '=', BigInt(userId))
    .where('s.started_at', 'is not', null)
    .where('s.started_at', '<=', BigInt(o.end))
    .where((eb) => eb.or([eb('s.ended_at', 'is', null), eb('s.ended_at', '>=', BigInt(o.start))]));
  if (o.deviceId !== undefined) q = q.where('s.device_id', '=', BigInt(o.deviceId));
  if (o.cursor) {
    const v: RawBuilder<unknown> = s.kind === 'int' ? sql`${BigInt(o.cursor.value)}` : sql`${o.cursor.value}`;
    const a = o.cursor.activeKey;
    const id = BigInt(o.cursor.id);
    q = q.where(
      sql<boolean>`(${sql.raw(ACTIVE_KEY)} > ${a} OR (${sql.raw(ACTIVE_KEY)} = ${a} AND (${col} ${cmp} ${v} OR (${col} = ${v} AND s.id ${cmp} ${id}))))`,
    );
  }
  const rows = await q
    .orderBy(sql.raw(ACTIVE_KEY))
    .orderBy(sql`${col} ${dir}`)
    .orderBy(sql`s.id ${dir}`)
    .limit(o.limit + 1)
    .execute();
  const views = rows.slice(0, o.limit).map((r) => ({ ...toView(r), ipKey: r.ip_key }));
  const last = views[views.length - 1];
  const next = rows.length > o.limit && last ? { activeKey: last.active ? 0 : 1, value: s.get(last), id: last.id } : null;
  return { sessions: views, next };
};

/** Project-wide active sessions, newest first, at most `limit`. */
export const listActiveSessions = async (c: Conn, projectId: string, limit: number): Promise<SessionView[]> => {
  const rows = await c.db
    .selectFrom('sessions as s')
    .selectAll('s')
    .where('s.project_id', '=', projectId)
    .where('s.status', '=', 'active')
    .orderBy('s.started_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toView);
};
