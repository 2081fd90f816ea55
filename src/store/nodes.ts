import type { Selectable } from 'kysely';
import type { Conn } from './db.ts';
import { num, numOrNull } from './db.ts';
import type { NodeRow } from './schema.ts';

export interface Node {
  id: number;
  projectId: string;
  name: string;
  country: string;
  city: string;
  location: string;
  endpoint: string;
  publicKey: string;
  poolCidr: string;
  dns: string[];
  capacity: number;
  lastSyncAt: number | null;
  agentVersion: string | null;
}

const toNode = (r: Selectable<NodeRow>): Node => ({
  id: num(r.id),
  projectId: r.project_id,
  name: r.name,
  country: r.country,
  city: r.city,
  location: r.location,
  endpoint: r.endpoint,
  publicKey: r.public_key,
  poolCidr: r.pool_cidr,
  dns: r.dns ? r.dns.split(',') : [],
  capacity: num(r.capacity),
  lastSyncAt: numOrNull(r.last_sync_at),
  agentVersion: r.agent_version,
});

export const nodeByTokenHash = async (c: Conn, hash: string): Promise<Node | null> => {
  const r = await c.db.selectFrom('nodes').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  return r ? toNode(r) : null;
};

export const nodeNameTaken = async (c: Conn, projectId: string, name: string): Promise<boolean> =>
  (await c.db.selectFrom('nodes').select('id').where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst()) !==
  undefined;

export const insertNode = async (c: Conn, row: Omit<NodeRow, 'id'>): Promise<number> => {
  const r = await c.db.insertInto('nodes').values(row).returning('id').executeTakeFirstOrThrow();
  return num(r.id);
};

export const touchNode = async (c: Conn, id: number, at: number, agentVersion: string | null, publicKey: string | null): Promise<void> => {
  await c.db
    .updateTable('nodes')
    .set({ last_sync_at: BigInt(at), ...(agentVersion ? { agent_version: agentVersion } : {}), ...(publicKey ? { public_key: publicKey } : {}) })
    .where('id', '=', BigInt(id))
    .execute();
};

/** Nodes of a project with their live (pending or active) session count. */
export const listNodesWithLoad = async (c: Conn, projectId: string): Promise<Array<Node & { load: number }>> => {
  const rows = await c.db
    .selectFrom('nodes as n')
    .selectAll('n')
    .select((eb) =>
      eb
        .selectFrom('sessions as s')
        .select(eb.fn.countAll().as('c'))
        .whereRef('s.node_id', '=', 'n.id')
        .where('s.status', '<>', 'ended')
        .as('load'),
    )
    .where('n.project_id', '=', projectId)
    .orderBy('n.name')
    .execute();
  return rows.map((r) => ({ ...toNode(r), load: num(r.load as bigint) }));
};

export const setNodeTokenHash = async (c: Conn, id: number, hash: string): Promise<void> => {
  await c.db.updateTable('nodes').set({ token_hash: hash }).where('id', '=', BigInt(id)).execute();
};
