/**
 * When a user is deleted its sessions go with it, but its active tunnels still have to be cut: a
 * tombstone per active session keeps the cut order in the node's desired state until the node
 * reports the session's end (or the prune job drops it after a day).
 */
import type { Conn } from './db.ts';
import { num } from './db.ts';

export const recordTombstones = async (c: Conn, projectId: string, userId: number, now = Date.now()): Promise<void> => {
  const live = await c.db
    .selectFrom('sessions')
    .select(['node_id', 'id'])
    .where('project_id', '=', projectId)
    .where('user_id', '=', BigInt(userId))
    .where('status', '=', 'active')
    .execute();
  if (live.length === 0) return;
  await c.db
    .insertInto('session_tombstones')
    .values(live.map((s) => ({ project_id: projectId, node_id: s.node_id, session_id: s.id, reason: 'USER_DELETED', created_at: BigInt(now) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
};

export const tombstonesOf = async (c: Conn, nodeId: number) =>
  (
    await c.db.selectFrom('session_tombstones').select(['session_id', 'reason']).where('node_id', '=', BigInt(nodeId)).orderBy('session_id').execute()
  ).map((r) => ({ session_id: num(r.session_id), reason: r.reason }));

export const clearTombstones = async (c: Conn, nodeId: number, sessionIds: number[]): Promise<void> => {
  if (sessionIds.length === 0) return;
  await c.db
    .deleteFrom('session_tombstones')
    .where('node_id', '=', BigInt(nodeId))
    .where('session_id', 'in', sessionIds.map(BigInt))
    .execute();
};

export const pruneTombstones = async (c: Conn, olderThan: number): Promise<number> => {
  const r = await c.db.deleteFrom('session_tombstones').where('created_at', '<', BigInt(olderThan)).executeTakeFirst();
  return Number(r.numDeletedRows);
};
