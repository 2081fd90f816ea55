import type { Conn } from './db.ts';
import { num } from './db.ts';

export interface AuditEntry {
  projectId: string;
  at: number;
  author: string;
  action: string;
  objectType: string;
  objectId: string;
  before: unknown;
  after: unknown;
}

const json = (v: unknown): string | null =>
  v === undefined || v === null ? null : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** Appends to the project's audit log; call inside the transaction of the change it records. */
export const writeAudit = async (c: Conn, e: AuditEntry): Promise<void> => {
  await c.db
    .insertInto('audit_log')
    .values({
      project_id: e.projectId,
      at: BigInt(e.at),
      author: e.author,
      action: e.action,
      object_type: e.objectType,
      object_id: e.objectId,
      before: json(e.before),
      after: json(e.after),
    })
    .execute();
};

export const listAudit = async (
  c: Conn,
  projectId: string,
  opts: { objectType?: string; objectId?: string; beforeId?: number; limit: number },
) => {
  let q = c.db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId);
  if (opts.objectType) q = q.where('object_type', '=', opts.objectType);
  if (opts.objectId) q = q.where('object_id', '=', opts.objectId);
  if (opts.beforeId !== undefined) q = q.where('id', '<', BigInt(opts.beforeId));
  const rows = await q.orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: num(r.id),
    at: num(r.at),
    author: r.author,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    before: r.before ? (JSON.parse(r.before) as unknown) : null,
    after: r.after ? (JSON.parse(r.after) as unknown) : null,
  }));
};
