/** VPN nodes: registration (the token is shown once) and listing. */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import { insertNode, nodeByTokenHash, nodeNameTaken, setNodeTokenHash } from '../store/nodes.ts';
import { writeAudit } from '../store/audit.ts';
import { hashToken, randomToken } from '../platform/secrets.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import { parsePool } from '../domain/ip-pool.ts';
import { COUNTRY_CODES } from '../contract/countries.ts';
import { requireProject } from './projects.ts';

export interface NewNode {
  name: string;
  country: string;
  city: string;
  endpoint: string;
  /** optional: the agent reports its key at every sync */
  publicKey?: string;
  poolCidr: string;
  dns?: string[];
  capacity?: number;
}

export const locationName = (country: string, city: string) =>
  `${country.toLowerCase()}-${city.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

export const addNode = async (ctx: AppContext, projectId: string, n: NewNode, author: string) => {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(n.name)) throw invalid('name', 'letters, digits, ., _ and - only');
  if (!COUNTRY_CODES.has(n.country)) throw invalid('country', 'not an ISO 3166-1 alpha-2 code');
  if (!n.city.trim()) throw invalid('city', 'required');
  if (!/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(n.endpoint)) throw invalid('endpoint', 'host:port');
  if (n.publicKey !== undefined && !/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/.test(n.publicKey)) throw invalid('public_key', 'not a WireGuard public key');
  if (!parsePool(n.poolCidr)) throw invalid('pool', 'an IPv4 CIDR between /8 and /30');
  const token = randomToken('gnt');
  const id = await transaction(ctx.store, async (tx) => {
    await requireProject(tx, projectId);
    if (await nodeNameTaken(tx, projectId, n.name)) throw new GatehouseError('CONFLICT', `node ${n.name} exists`, 'name');
    const now = ctx.clock.now();
    const id = await insertNode(tx, {
      project_id: projectId,
      name: n.name,
      country: n.country,
      city: n.city.trim(),
      location: locationName(n.country, n.city),
      endpoint: n.endpoint,
      public_key: n.publicKey ?? '',
      pool_cidr: n.poolCidr,
      dns: (n.dns ?? []).join(','),
      capacity: n.capacity ?? 0,
      token_hash: hashToken(token),
      last_sync_at: null,
      agent_version: null,
      created_at: BigInt(now),
    });
    await writeAudit(tx, { projectId, at: now, author, action: 'node.create', objectType: 'node', objectId: String(id), before: null, after: { ...n } });
    return id;
  });
  return { id, token };
};

/** Issues a new token for a node (lost or leaked token); the old one stops working at once. */
export const rotateNodeToken = async (ctx: AppContext, projectId: string, name: string, author: string): Promise<{ id: number; token: string }> => {
  const token = randomToken('gnt');
  const id = await transaction(ctx.store, async (tx) => {
    const row = await tx.db.selectFrom('nodes').select('id').where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
    if (!row) throw new GatehouseError('NOT_FOUND', `node ${name} not found`, 'name');
    await setNodeTokenHash(tx, Number(row.id), hashToken(token));
    await writeAudit(tx, { projectId, at: ctx.clock.now(), author, action: 'node.rotate_token', objectType: 'node', objectId: String(row.id), before: null, after: null });
    return Number(row.id);
  });
  return { id, token };
};

/** The node behind a node token (stored only as a hash), or NOT_AUTHORIZED. */
export const nodeOfToken = async (ctx: AppContext, token: string) => {
  const node = await nodeByTokenHash(ctx.store, hashToken(token));
  if (!node) throw new GatehouseError('NOT_AUTHORIZED', 'the node token is not valid', 'authorization');
  return node;
};
