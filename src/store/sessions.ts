import type { Conn } from './db.ts';
import { big, num } from './db.ts';
import type { SessionRow } from './schema.ts';
import type { CutReason } from '../contract/enums.ts';

/** Sessions that still hold an address: pending (credentials issued) or active. */
export const liveSessionCount = async (c: Conn, userId: number, exceptDeviceId: number, now: number): Promise<number> => {
  const r = await c.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', BigInt(userId))
    .where('device_id', '<>', BigInt(exceptDeviceId))
    .where('cut_reason', 'is', null)
    .where((eb) => eb.or([eb('status', '=', 'active'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', BigInt(now))])]))
    .executeTakeFirstOrThrow();
  return num(r.n as bigint);
};

export const usedIpKeys = async (c: Conn, nodeId: number): Promise<Set<string>> => {
  const rows = await c.db
    .selectFrom('sessions')
    .select('ip_key')
    .where('node_id', '=', BigInt(nodeId))
    .where('status', '<>', 'ended')
    .execute();
  return new Set(rows.map((r) => r.ip_key));
};

export const insertSession = async (c: Conn, row: Omit<SessionRow, 'id'>): Promise<number> => {
  const r = await c.db.insertInto('sessions').values(row).returning('id').executeTakeFirstOrThrow();
  return num(r.id);
};

/** The device's session on this node that still holds an address, if any (a reconnect reuses it). */
export const liveSessionOfDevice = async (c: Conn, deviceId: number, nodeId: number) =>
  c.db
    .selectFrom('sessions')
    .select(['id', 'internal_ip', 'status', 'public_key', 'expires_at'])
    .where('device_id', '=', BigInt(deviceId))
    .where('node_id', '=', BigInt(nodeId))
    .where('status', '<>', 'ended')
    .where('cut_reason', 'is', null)
    .executeTakeFirst();

export const extendLease = async (c: Conn, id: number, expiresAt: number): Promise<void> => {
  await c.db.updateTable('sessions').set({ expires_at: BigInt(expiresAt) }).where('id', '=', BigInt(id)).execute();
};

/**
 * Marks sessions to be cut at their node's next sync. Pending ones never carried a byte through a
 * tunnel yet, so they end now; active ones end when the node confirms (or the stale sweep gives up).
 */
export const cutSessions = async (
  c: Conn,
  where: { projectId: string; userId?: number; deviceId?: number; ids?: number[] },
  reason: CutReason,
  now: number,
): Promise<number> => {
  let base = c.db
    .updateTable('sessions')
    .where('project_id', '=', where.projectId)
    .where('status', '<>', 'ended')
    .where('cut_reason', 'is', null);
  if (where.userId !== undefined) base = base.where('user_id', '=', BigInt(where.userId));
  if (where.deviceId !== undefined) base = base.where('device_id', '=', BigInt(where.deviceId));
  if (where.ids) base = base.where('id', 'in', where.ids.length ? where.ids.map(BigInt) : [-1n]);
  const pending = await base
    .set({ status: 'ended', cut_reason: reason, end_reason: reason, ended_at: BigInt(now) })
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const active = await base.set({ cut_reason: reason }).where('status', '=', 'active').executeTakeFirst();
  return Number(pending.numUpdatedRows) + Number(active.numUpdatedRows);
};

/** Live sessions of a user, oldest first (for trimming to a lowered sessions limit). */
export const liveSessionsOfUser = async (c: Conn, projectId: string, userId: number) =>
  (
    await c.db
      .selectFrom('sessions')
      .select(['id'])
      .where('project_id', '=', projectId)
      .where('user_id', '=', BigInt(userId))
      .where('status', '=', 'active')
      .where('cut_reason', 'is', null)
      .orderBy('started_at')
      .orderBy('id')
      .execute()
  ).map((r) => num(r.id));

export const activeSessionCount = async (c: Conn, userId: number): Promise<number> => {
  const r = await c.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', BigInt(userId))
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return num(r.n as bigint);
};

/** The node's desired state: peers it may keep, and active sessions it must cut. */
const desiredStmts = new WeakMap<object, import('better-sqlite3').Statement>();
export const desiredState = async (c: Conn, nodeId: number, now: number) => {
  if (c.sqlite) {
    // Every sync reads every live session of the node: a cached statement returning arrays.
    let st = desiredStmts.get(c.sqlite);
    if (!st) {
      st = c.sqlite
        .prepare(`SELECT id, public_key, internal_ip, status, cut_reason, expires_at FROM sessions WHERE node_id = ? AND status <> 'ended' ORDER BY id`)
        .raw(true);
      desiredStmts.set(c.sqlite, st);
    }
    const peers: Array<{ session_id: number; public_key: string; internal_ip: string }> = [];
    const cut: Array<{ session_id: number; reason: string }> = [];
    const nowB = BigInt(now);
    for (const r of st.all(nodeId) as unknown[][]) {
      const cutReason = r[4] as string | null;
      if (cutReason) {
        if (r[3] === 'active') cut.push({ session_id: Number(r[0]), reason: cutReason });
      } else if (r[3] === 'active' || (r[5] as bigint) > nowB) {
        peers.push({ session_id: Number(r[0]), public_key: r[1] as string, internal_ip: r[2] as string });
      }
    }
    return { peers, cut };
  }
  const rows = await c.db
    .selectFrom('sessions')
    .select(['id', 'public_key', 'internal_ip', 'status', 'cut_reason', 'expires_at'])
    .where('node_id', '=', BigInt(nodeId))
    .where('status', '<>', 'ended')
    .orderBy('id')
    .execute();
  const peers: Array<{ session_id: number; public_key: string; internal_ip: string }> = [];
  const cut: Array<{ session_id: number; reason: string }> = [];
  for (const r of rows) {
    if (r.cut_reason) {
      if (r.status === 'active') cut.push({ session_id: num(r.id), reason: r.cut_reason });
    } else if (r.status === 'active' || big(r.expires_at) > BigInt(now)) {
      peers.push({ session_id: num(r.id), public_key: r.public_key, internal_ip: r.internal_ip });
    }
  }
  return { peers, cut };
};
