/**
 * Runs the scheduled jobs. With several API processes on one PostgreSQL, a lease row in job_locks
 * makes each job run in one process at a time.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { SCHEDULE } from './schedule.ts';

const holder = randomUUID();

/** Takes or renews the lease of `name` until now + ttl; false if another process holds it. */
export const acquireLease = async (ctx: AppContext, name: string, ttlMs: number): Promise<boolean> => {
  const now = ctx.clock.now();
  const r = await sql<{ name: string }>`
    INSERT INTO job_locks (name, holder, until) VALUES (${name}, ${holder}, ${BigInt(now + ttlMs)})
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
    WHERE job_locks.until < ${BigInt(now)} OR job_locks.holder = excluded.holder
    RETURNING name`.execute(ctx.store.db);
  return r.rows.length > 0;
};

export const runJobOnce = async (ctx: AppContext, name: keyof typeof SCHEDULE): Promise<number> => {
  const job = SCHEDULE[name];
  if (!(await acquireLease(ctx, name, job.everyMs * 2))) return 0;
  return job.run(ctx);
};

export const startJobs = (ctx: AppContext, log: FastifyBaseLogger) => {
  const timers = Object.entries(SCHEDULE).map(([name, job]) =>
    setInterval(() => {
      runJobOnce(ctx, name as keyof typeof SCHEDULE)
        .then((n) => n > 0 && log.info({ job: name, changed: n }, 'job ran'))
        .catch((err: unknown) => log.error({ err, job: name }, 'job failed'));
    }, job.everyMs).unref(),
  );
  return { stop: () => timers.forEach(clearInterval) };
};
