import type { Conn } from './db.ts';
import { num } from './db.ts';

export interface License {
  id: number;
  projectId: string;
  name: string;
  devicesLimit: number;
  sessionsLimit: number;
}

const COLS = ['id', 'project_id', 'name', 'devices_limit', 'sessions_limit'] as const;
const toLicense = (r: { id: bigint; project_id: string; name: string; devices_limit: number | bigint; sessions_limit: number | bigint }): License => ({
  id: num(r.id),
  projectId: r.project_id,
  name: r.name,
  devicesLimit: num(r.devices_limit),
  sessionsLimit: num(r.sessions_limit),
});

export const getLicense = async (c: Conn, projectId: string, id: number): Promise<License | null> => {
  const r = await c.db
    .selectFrom('licenses')
    .select(COLS)
    .where('project_id', '=', projectId)
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return r ? toLicense(r) : null;
};

export const listLicenses = async (c: Conn, projectId: string): Promise<Array<License & { users: number }>> => {
  const rows = await c.db
    .selectFrom('licenses as l')
    .select(['l.id', 'l.project_id', 'l.name', 'l.devices_limit', 'l.sessions_limit'])
    .select((eb) =>
      eb
        .selectFrom('users as u')
        .select((e) => e.fn.countAll().as('n'))
        .whereRef('u.license_id', '=', 'l.id')
        .as('users'),
    )
    .where('l.project_id', '=', projectId)
    .orderBy('l.id')
    .execute();
  return rows.map((r) => ({ ...toLicense(r), users: num(r.users as bigint) }));
};

export const insertLicense = async (
  c: Conn,
  projectId: string,
  v: { name: string; devicesLimit: number; sessionsLimit: number },
  now: number,
): Promise<number> => {
  const r = await c.db
    .insertInto('licenses')
    .values({
      project_id: projectId,
      name: v.name,
      devices_limit: v.devicesLimit,
      sessions_limit: v.sessionsLimit,
      created_at: BigInt(now),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return num(r.id);
};

export const licenseNameTaken = async (c: Conn, projectId: string, name: string, exceptId?: number) => {
  let q = c.db.selectFrom('licenses').select('id').where('project_id', '=', projectId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', BigInt(exceptId));
  return (await q.executeTakeFirst()) !== undefined;
};

export const updateLicense = async (
  c: Conn,
  projectId: string,
  id: number,
  patch: { name?: string; devices_limit?: number; sessions_limit?: number },
): Promise<void> => {
  await c.db.updateTable('licenses').set(patch).where('project_id', '=', projectId).where('id', '=', BigInt(id)).execute();
};

export const licenseInUse = async (c: Conn, projectId: string, id: number): Promise<boolean> => {
  const r = await c.db
    .selectFrom('users')
    .select('id')
    .where('project_id', '=', projectId)
    .where('license_id', '=', BigInt(id))
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
};

/** Deletes the license; false when it was already gone (a concurrent delete won). */
export const deleteLicense = async (c: Conn, projectId: string, id: number): Promise<boolean> => {
  const r = await c.db.deleteFrom('licenses').where('project_id', '=', projectId).where('id', '=', BigInt(id)).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
};
