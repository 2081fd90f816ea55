/** Traffic limits and usage of a user (User page "Traffic", client remainingTraffic). */
import type { AppContext } from '../context.ts';
import type { Conn } from '../store/db.ts';
import { transaction } from '../store/db.ts';
import type { Project } from '../store/projects.ts';
import type { User } from '../store/users.ts';
import { getUser, updateUser } from '../store/users.ts';
import { usageOf, dailyTraffic } from '../store/usage.ts';
import { writeAudit } from '../store/audit.ts';
import { lastDays } from '../domain/periods.ts';
import { remainingBytes, usedBytes } from '../domain/traffic.ts';
import { notFound } from '../domain/errors.ts';
import type { TrafficState } from '../contract/partner.ts';
import { authorize, type Actor } from './actor.ts';
import { requireProject } from './projects.ts';

export interface Traffic {
  limit: bigint | null;
  used: bigint;
  remaining: bigint | null;
  periodStart: number;
  periodEnd: number;
  resetAt: number | null;
}

/** Usage of the current period since the last reset (the current traffic epoch). */
export const currentTraffic = async (ctx: AppContext, c: Conn, project: Project, user: User): Promise<Traffic> => {
  const now = ctx.clock.now();
  const period = ctx.periods.at(now, project.timeZone, project.trafficPeriod);
  const u = await usageOf(c, user.id, period.key, user.trafficEpoch);
  const used = usedBytes(u.download, u.upload);
  const resetAt = user.trafficResetAt !== null && user.trafficResetAt >= period.startMs ? user.trafficResetAt : null;
  return {
    limit: user.trafficLimit,
    used,
    remaining: remainingBytes(user.trafficLimit, used),
    periodStart: period.startMs,
    periodEnd: period.endMs,
    resetAt,
  };
};

export const trafficView = (project: Project, t: Traffic): TrafficState => ({
  unlimited: t.limit === null,
  limit: t.limit,
  used: t.used,
  remaining: t.remaining,
  period: project.trafficPeriod,
  period_start: new Date(t.periodStart).toISOString(),
  period_end: new Date(t.periodEnd).toISOString(),
  reset_at: t.resetAt === null ? null : new Date(t.resetAt).toISOString(),
});

const loadUser = async (c: Conn, actor: Actor, userId: number, lock = false) => {
  const user = await getUser(c, actor.projectId, userId, lock);
  if (!user) throw notFound(`user ${userId}`);
  return user;
};

export const getTraffic = async (ctx: AppContext, actor: Actor, userId: number): Promise<TrafficState> => {
  authorize(actor, 'users.read');
  const project = await requireProject(ctx.store, actor.projectId);
  const user = await loadUser(ctx.store, actor, userId);
  return trafficView(project, await currentTraffic(ctx, ctx.store, project, user));
};

/**
 * Sets the limit (null = unlimited); with `reset`, starts a new usage epoch now, so used = 0 and a
 * late report about bytes moved before this instant can never bring the old usage back (case A7).
 */
export const setTrafficLimit = async (
  ctx: AppContext,
  actor: Actor,
  userId: number,
  limit: bigint | null,
  reset: boolean,
): Promise<TrafficState> => {
  authorize(actor, 'users.traffic');
  const project = await requireProject(ctx.store, actor.projectId);
  return transaction(ctx.store, async (tx) => {
    const user = await loadUser(tx, actor, userId, true);
    const now = ctx.clock.now();
    const before = await currentTraffic(ctx, tx, project, user);
    const patch = reset
      ? { traffic_limit: limit, traffic_epoch: user.trafficEpoch + 1, traffic_reset_at: BigInt(now) }
      : { traffic_limit: limit };
    await updateUser(tx, actor.projectId, userId, patch);
    const after = { ...user, trafficLimit: limit, ...(reset ? { trafficEpoch: user.trafficEpoch + 1, trafficResetAt: now } : {}) };
    const t = await currentTraffic(ctx, tx, project, after);
    await writeAudit(tx, {
      projectId: actor.projectId,
      at: now,
      author: actor.author,
      action: reset ? 'traffic.set_and_reset' : 'traffic.set',
      objectType: 'user',
      objectId: String(userId),
      before: { traffic_limit: before.limit, used: before.used },
      after: { traffic_limit: limit, used: t.used, reset },
    });
    return trafficView(project, t);
  });
};

export const getDailyTraffic = async (ctx: AppContext, actor: Actor, userId: number, days: number) => {
  authorize(actor, 'users.read');
  const project = await requireProject(ctx.store, actor.projectId);
  await loadUser(ctx.store, actor, userId);
  return dailyTraffic(ctx.store, actor.projectId, userId, lastDays(ctx.clock.now(), project.timeZone, days));
};
