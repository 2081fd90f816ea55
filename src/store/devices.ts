import type { Selectable } from 'kysely';
import type { Conn } from './db.ts';
import { num, numOrNull } from './db.ts';
import type { DeviceRow } from './schema.ts';

export interface Device {
  id: number;
  projectId: string;
  userId: number;
  deviceId: string;
  tokenEnc: string | null;
  name: string;
  type: string;
  publicKey: string | null;
  registeredAt: number;
  lastConnectionAt: number | null;
}

const toDevice = (r: Selectable<DeviceRow>): Device => ({
  id: num(r.id),
  projectId: r.project_id,
  userId: num(r.user_id),
  deviceId: r.device_id,
  tokenEnc: r.token_enc,
  name: r.name,
  type: r.type,
  publicKey: r.public_key,
  registeredAt: num(r.registered_at),
  lastConnectionAt: numOrNull(r.last_connection_at),
});

/** The device holding this access token (by hash), in any project: tokens are globally unique. */
export const deviceByTokenHash = async (c: Conn, hash: string): Promise<Device | null> => {
  const r = await c.db.selectFrom('devices').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  return r ? toDevice(r) : null;
};

export const getUserDevice = async (c: Conn, userId: number, deviceId: string): Promise<Device | null> => {
  const r = await c.db
    .selectFrom('devices')
    .selectAll()
    .where('user_id', '=', BigInt(userId))
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  return r ? toDevice(r) : null;
};

export const getDevice = async (c: Conn, projectId: string, userId: number, id: number): Promise<Device | null> => {
  const r = await c.db
    .selectFrom('devices')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('user_id', '=', BigInt(userId))
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return r ? toDevice(r) : null;
};

export const insertDevice = async (c: Conn, row: Omit<DeviceRow, 'id'>): Promise<number> => {
  const r = await c.db.insertInto('devices').values(row).returning('id').executeTakeFirstOrThrow();
  return num(r.id);
};

export const updateDevice = async (
  c: Conn,
  id: number,
  patch: Partial<Omit<DeviceRow, 'id' | 'project_id' | 'user_id' | 'device_id' | 'registered_at'>>,
): Promise<void> => {
  await c.db.updateTable('devices').set(patch).where('id', '=', BigInt(id)).execute();
};

export const deleteDevice = async (c: Conn, projectId: string, id: number): Promise<void> => {
  await c.db.deleteFrom('devices').where('project_id', '=', projectId).where('id', '=', BigInt(id)).execute();
};

export const listUserDevices = async (
  c: Conn,
  projectId: string,
  userId: number,
): Promise<Array<Device & { activeSessions: number }>> => {
  const rows = await c.db
    .selectFrom('devices as d')
    .selectAll('d')
    .select((eb) =>
      eb
        .selectFrom('sessions as s')
        .select(eb.fn.countAll().as('n'))
        .whereRef('s.device_id', '=', 'd.id')
        .where('s.status', '=', 'active')
        .as('active_sessions'),
    )
    .where('d.project_id', '=', projectId)
    .where('d.user_id', '=', BigInt(userId))
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({ ...toDevice(r), activeSessions: num(r.active_sessions as bigint) }));
};
