import type { AppContext } from '../context.ts';
import { listAudit } from '../store/audit.ts';
import { invalid } from '../domain/errors.ts';
import { authorize, type Actor } from './actor.ts';

export const auditLog = async (
  ctx: AppContext,
  actor: Actor,
  q: { object_type?: string; object_id?: string; cursor?: string; limit?: number },
) => {
  authorize(actor, 'audit.read');
  const before = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString('utf8').replace(/^a:/, '')) : undefined;
  if (before !== undefined && !Number.isSafeInteger(before)) throw invalid('cursor', 'not a cursor returned by this API');
  const limit = q.limit ?? 50;
  const rows = await listAudit(ctx.store, actor.projectId, {
    ...(q.object_type ? { objectType: q.object_type } : {}),
    ...(q.object_id ? { objectId: q.object_id } : {}),
    ...(before !== undefined ? { beforeId: before } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      author: r.author,
      action: r.action,
      object_type: r.objectType,
      object_id: r.objectId,
      before: r.before,
      after: r.after,
    })),
    next_cursor: rows.length > limit && page.length ? Buffer.from(`a:${page[page.length - 1]!.id}`).toString('base64url') : null,
  };
};
