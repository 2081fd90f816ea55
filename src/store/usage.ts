import type { Conn } from './db.ts';
import { big } from './db.ts';

/** Bytes (download, upload) a user has used in a period since its current traffic epoch began. */
export const usageOf = async (c: Conn, userId: number, periodStart: string, epoch: number) => {
  const r = await c.db
    .selectFrom('traffic_usage')
    .select(['download', 'upload'])
    .where('user_id', '=', BigInt(userId))
    .where('period_start', '=', periodStart)
    .where('epoch', '=', epoch)
    .executeTakeFirst();
  return { download: big(r?.download), upload: big(r?.upload) };
};

/** Per-day totals of a user for the given local dates (missing days are zero). */
export const dailyTraffic = async (c: Conn, projectId: string, userId: number, days: string[]) => {
  const rows = await c.db
    .selectFrom('traffic_daily')
    .select(['day', 'download', 'upload'])
    .where('project_id', '=', projectId)
    .where('user_id', '=', BigInt(userId))
    .where('day', '>=', days[0] ?? '')
    .where('day', '<=', days[days.length - 1] ?? '')
    .execute();
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => ({ day, download: big(byDay.get(day)?.download), upload: big(byDay.get(day)?.upload) }));
};
