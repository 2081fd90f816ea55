import { sql } from 'kysely';
import type { Conn } from './db.ts';
import { bigOrNull, num, numOrNull } from './db.ts';
import type { Selectable } from 'kysely';
import type { UserRow } from './schema.ts';
import type { UserSearchKey, UserStatus } from '../contract/enums.ts';

export interface User {
  id: number;
  projectId: string;
  name: string;
  authMethod: string;
  status: UserStatus;
  licenseId: number;
  trafficLimit: bigint | null;
  trafficEpoch: number;
  trafficResetAt: number | null;
  extref: string;
  description: string;
  country: string | null;
  registeredAt: number;
  lastConnectionAt: number | null;
}

export const toUser = (r: Selectable<UserRow>): User => ({
  id: num(r.id),
  projectId: r.project_id,
  name: r.name,
  authMethod: r.auth_method,
  status: r.status,
  licenseId: num(r.license_id),
  trafficLimit: bigOrNull(r.traffic_limit),
  trafficEpoch: num(r.traffic_epoch),
  trafficResetAt: numOrNull(r.traffic_reset_at),
  extref: r.extref,
  description: r.description,
  country: r.country,
  registeredAt: num(r.registered_at),
  lastConnectionAt: numOrNull(r.last_connection_at),
});

/** Reads a user; with `lock`, holds its row until the transaction ends (PostgreSQL; SQLite is serial). */
export const getUser = async (c: Conn, projectId: string, id: number, lock = false): Promise<User | null> => {
  const r = await c.db
    .selectFrom('users')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', BigInt(id))
    .$if(lock && c.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return r ? toUser(r) : null;
};

export const getUserByName = async (c: Conn, projectId: string, name: string, lock = false): Promise<User | null> => {
  const r = await c.db
    .selectFrom('users')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .$if(lock && c.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return r ? toUser(r) : null;
};

export type NewUser = Omit<UserRow, 'id' | 'traffic_reset_at' | 'last_connection_at'>;

/** Inserts unless the name exists (a concurrent login won); returns the new id or null. */
export const insertUserIfAbsent = async (c: Conn, row: NewUser): Promise<number | null> => {
  const r = await c.db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r ? num(r.id) : null;
};

export const updateUser = async (
  c: Conn,
  projectId: string,
  id: number,
  patch: Partial<Omit<UserRow, 'id' | 'project_id' | 'name' | 'auth_method' | 'registered_at'>>,
): Promise<void> => {
  await c.db.updateTable('users').set(patch).where('project_id', '=', projectId).where('id', '=', BigInt(id)).execute();
};

/** Deletes the user; devices, sessions, usage and purchases go with it (ON DELETE CASCADE). */
export const deleteUser = async (c: Conn, projectId: string, id: number): Promise<boolean> => {
  const r = await c.db.deleteFrom('users').where('project_id', '=', projectId).where('id', '=', BigInt(id)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
};

export interface UserSummary extends User {
  activatedDevices: number;
  activePurchases: number;
}

export const searchUsers = async (
  c: Conn,
  projectId: string,
  opts: { by?: UserSearchKey; q?: string; tokenHash?: string; status?: UserStatus; beforeId?: number; limit: number },
): Promise<UserSummary[]> => {
  let q = c.db
    .selectFrom('users as u')
    .selectAll('u')
    .select((eb) => [
      eb.selectFrom('devices as d').select(eb.fn.countAll().as('n')).whereRef('d.user_id', '=', 'u.id').as('activated_devices'),
      eb
        .selectFrom('purchases as p')
        .select(eb.fn.countAll().as('n'))
        .whereRef('p.user_id', '=', 'u.id')
        .where('p.active', '=', 1)
        .as('active_purchases'),
    ])
    .where('u.project_id', '=', projectId);
  if (opts.status) q = q.where('u.status', '=', opts.status);
  const v = opts.q ?? '';
  switch (opts.by) {
    case 'user_id':
      q = /^\d{1,15}$/.test(v) ? q.where('u.id', '=', BigInt(v)) : q.where(sql<boolean>`1 = 0`);
      break;
    case 'name':
      q = q.where('u.name', '=', v);
      break;
    case 'extref':
      q = q.where('u.extref', '=', v);
      break;
    case 'device_id':
      q = q.where('u.id', 'in', (eb) =>
        eb.selectFrom('devices').select('user_id').where('project_id', '=', projectId).where('device_id', '=', v),
      );
      break;
    case 'device_token':
      q = q.where('u.id', 'in', (eb) =>
        eb
          .selectFrom('devices')
          .select('user_id')
          .where('project_id', '=', projectId)
          .where('token_hash', '=', opts.tokenHash ?? ''),
      );
      break;
    default:
      break;
  }
  if (opts.beforeId !== undefined) q = q.where('u.id', '<', BigInt(opts.beforeId));
  const rows = await q
    .orderBy('u.id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({
    ...toUser(r),
    activatedDevices: num(r.activated_devices as bigint),
    activePurchases: num(r.active_purchases as bigint),
  }));
};

export const countUserDevices = async (c: Conn, userId: number): Promise<number> => {
  const r = await c.db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', BigInt(userId))
    .executeTakeFirstOrThrow();
  return num(r.n as bigint);
};

export const countActivePurchases = async (c: Conn, userId: number): Promise<number> => {
  const r = await c.db
    .selectFrom('purchases')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', BigInt(userId))
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return num(r.n as bigint);
};

export interface UserQuota {
  trafficLimit: bigint | null;
  trafficEpoch: number;
  trafficResetAt: number | null;
}

const quotaStmts = new WeakMap<object, import('better-sqlite3').Statement>();
/** What node sync needs of each user: 4 columns, one cached statement on SQLite (a 1,000-parameter IN list through Kysely would cost ~5 ms). */
export const getUserQuotas = async (c: Conn, ids: number[]): Promise<Map<number, UserQuota>> => {
  const out = new Map<number, UserQuota>();
  if (ids.length === 0) return out;
  let rows: unknown[][];
  if (c.sqlite) {
    let st = quotaStmts.get(c.sqlite);
    if (!st) {
      st = c.sqlite.prepare('SELECT id, traffic_limit, traffic_epoch, traffic_reset_at FROM users WHERE id IN (SELECT value FROM json_each(?))').raw(true);
      quotaStmts.set(c.sqlite, st);
    }
    rows = st.all(JSON.stringify(ids)) as unknown[][];
  } else {
    const r = await sql<{ id: bigint; traffic_limit: bigint | null; traffic_epoch: number; traffic_reset_at: bigint | null }>`
      SELECT id, traffic_limit, traffic_epoch, traffic_reset_at FROM users WHERE id = ANY(${ids.map(String)}::bigint[])`.execute(c.db);
    rows = r.rows.map((x) => [x.id, x.traffic_limit, x.traffic_epoch, x.traffic_reset_at]);
  }
  for (const a of rows) {
    out.set(Number(a[0]), {
      trafficLimit: a[1] == null ? null : BigInt(a[1] as bigint),
      trafficEpoch: Number(a[2]),
      trafficResetAt: a[3] == null ? null : Number(a[3]),
    });
  }
  return out;
};
