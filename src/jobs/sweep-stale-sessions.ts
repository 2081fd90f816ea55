/**
 * Ends what no node will end: credentials leases never used before they expired, and active
 * sessions on nodes that stopped syncing (ended at their last reported activity).
 */
import type { AppContext } from '../context.ts';

/** A node silent this long is presumed gone; its sessions end. */
const NODE_GONE_MS = 15 * 60_000;

export const sweepStaleSessions = async (ctx: AppContext): Promise<number> => {
  const now = ctx.clock.now();
  const db = ctx.store.db;
  const expired = await db
    .deleteFrom('sessions')
    .where('status', '=', 'pending')
    .where('expires_at', '<', BigInt(now))
    .where('started_at', 'is', null)
    .executeTakeFirst();
  const gone = await db
    .updateTable('sessions')
    .set((eb) => ({ status: 'ended', ended_at: eb.fn.coalesce('last_activity_at', 'started_at', eb.val(BigInt(now))), end_reason: 'NODE_LOST' }))
    .where('status', '=', 'active')
    .where('node_id', 'in', (eb) =>
      eb.selectFrom('nodes').select('id').where((e) => e.or([e('last_sync_at', 'is', null), e('last_sync_at', '<', BigInt(now - NODE_GONE_MS))])),
    )
    .executeTakeFirst();
  return Number(expired.numDeletedRows) + Number(gone.numUpdatedRows);
};
