/** Retention (SPEC §1 "Session"): sessions and daily traffic older than 12 months go; stale tombstones too. */
import type { AppContext } from '../context.ts';
import { pruneTombstones } from '../store/tombstones.ts';
import { dayAt } from '../domain/periods.ts';

export const RETENTION_MS = 365 * 24 * 3600_000;

export const pruneHistory = async (ctx: AppContext): Promise<number> => {
  const now = ctx.clock.now();
  const cutoff = now - RETENTION_MS;
  const s = await ctx.store.db.deleteFrom('sessions').where('status', '=', 'ended').where('ended_at', '<', BigInt(cutoff)).executeTakeFirst();
  const d = await ctx.store.db.deleteFrom('traffic_daily').where('day', '<', dayAt(cutoff, 'UTC')).executeTakeFirst();
  const u = await ctx.store.db.deleteFrom('traffic_usage').where('period_start', '<', dayAt(cutoff, 'UTC')).executeTakeFirst();
  const t = await pruneTombstones(ctx.store, now - 24 * 3600_000);
  return Number(s.numDeletedRows) + Number(d.numDeletedRows) + Number(u.numDeletedRows) + t;
};
