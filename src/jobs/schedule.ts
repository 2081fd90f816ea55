/** Every scheduled job and its cadence, in one table. */
import type { AppContext } from '../context.ts';
import { sweepStaleSessions } from './sweep-stale-sessions.ts';
import { pruneHistory } from './prune-history.ts';
import { reverifyPurchases } from './reverify-purchases.ts';

interface Job {
  everyMs: number;
  run: (ctx: AppContext) => Promise<number>;
}

export const SCHEDULE = {
  'sweep-stale-sessions': { everyMs: 30_000, run: sweepStaleSessions },
  'prune-history': { everyMs: 6 * 3600_000, run: pruneHistory },
  'reverify-purchases': { everyMs: 60_000, run: reverifyPurchases },
} satisfies Record<string, Job>;
