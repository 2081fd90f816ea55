/**
 * One node sync (SPEC §3.3): heartbeat + session events + cumulative counters, applied exactly once
 * in one transaction; the reply is the node's desired state. Bytes are attributed to the period and
 * the day of the instant the agent observed them (`at`), not to the instant they arrive: a report
 * delayed by an outage lands where the bytes moved (cases A1, A5), and bytes observed before an
 * operator's traffic reset go to the old usage epoch (case A7).
 */
import type { AppContext } from '../context.ts';
import { transaction } from '../store/db.ts';
import { touchNode, type Node } from '../store/nodes.ts';
import { getUserQuotas } from '../store/users.ts';
import { addDaily, addUsage, loadSessionCounters, lockUsersOfSessions, writeSessionCounters, type DailyDelta, type SessionCounters, type UsageDelta } from '../store/counters.ts';
import { cutSessions, desiredState } from '../store/sessions.ts';
import { clearTombstones, tombstonesOf } from '../store/tombstones.ts';
import { applyCounter, isOverQuota, satAdd, usedBytes } from '../domain/traffic.ts';
import type { SyncBody, SyncReply } from '../contract/node.ts';
import { requireProject } from './projects.ts';

/** How far ahead of the platform's clock a node's `at` may be before it is clamped. */
const MAX_SKEW_MS = 60_000;

export const syncNode = async (ctx: AppContext, node: Node, body: SyncBody): Promise<SyncReply> => {
  const project = await requireProject(ctx.store, node.projectId);
  return transaction(ctx.store, async (tx) => {
    const now = ctx.clock.now();
    // The agent owns the node's WireGuard key: what it reports is what devices must be given.
    await touchNode(tx, node.id, now, body.agent_version ?? null, body.public_key ?? null);
    const ids = new Set<number>();
    for (const r of body.counters) ids.add(r.session_id);
    for (const e of body.events) ids.add(e.session_id);
    await lockUsersOfSessions(tx, node.id, [...ids]);
    const sessions = await loadSessionCounters(tx, node.id, [...ids]);
    type Touched = SessionCounters & { endReason: string | null; lifecycleChanged: boolean; was: [string, number | null, number | null] };
    const touched = new Map<number, Touched>();
    const state = (id: number) => {
      let s = touched.get(id);
      if (!s) {
        // The loaded rows belong to this call: annotate them in place instead of copying 1,000 objects.
        const base = sessions.get(id) as Touched | undefined;
        if (!base) return null;
        base.endReason = null;
        base.lifecycleChanged = true;
        base.was = [base.status, base.startedAt, base.endedAt];
        s = base;
        touched.set(id, s);
      }
      return s;
    };
    // A node's clock can be wrong: nothing is later than now (+ skew), and nothing of a session is older
    // than its credentials, so a clock lagging by days cannot hide bytes in past periods.
    const clamp = (at: number, s: { createdAt: number }) => Math.max(Math.min(at, now + MAX_SKEW_MS), s.createdAt);

    const users = await getUserQuotas(tx, [...new Set([...sessions.values()].map((s) => s.userId))]);
    const usage = new Map<string, UsageDelta>();
    const daily = new Map<string, DailyDelta>();
    let applied = 0;
    let ignored = 0;
    for (const r of body.counters) {
      const s = state(r.session_id);
      if (!s) {
        ignored++;
        continue;
      }
      const out = applyCounter(
        { download: s.download, upload: s.upload, baseDown: s.baseDown, baseUp: s.baseUp, epoch: s.epoch, lastSeq: s.lastSeq },
        { epoch: BigInt(r.epoch), seq: BigInt(r.seq), download: BigInt(r.download), upload: BigInt(r.upload) },
      );
      if (!out.applied) {
        ignored++;
        continue;
      }
      applied++;
      const at = clamp(r.at, s);
      Object.assign(s, {
        download: out.state.download,
        upload: out.state.upload,
        baseDown: out.state.baseDown,
        baseUp: out.state.baseUp,
        epoch: out.state.epoch,
        lastSeq: out.state.lastSeq,
      });
      // Bytes prove the tunnel is up even if the start event was lost.
      if (s.startedAt === null) s.startedAt = at;
      if (s.status === 'pending') s.status = 'active';
      if (out.deltaDown === 0n && out.deltaUp === 0n) continue;
      if (s.lastActivityAt === null || at > s.lastActivityAt) s.lastActivityAt = at;
      const user = users.get(s.userId);
      if (!user) continue;
      const period = ctx.periods.at(at, project.timeZone, project.trafficPeriod);
      const epoch = user.trafficResetAt !== null && at < user.trafficResetAt ? user.trafficEpoch - 1 : user.trafficEpoch;
      const uk = `${s.userId}|${period.key}|${epoch}`;
      const u = usage.get(uk) ?? { projectId: project.id, userId: s.userId, periodStart: period.key, epoch, download: 0n, upload: 0n };
      u.download = satAdd(u.download, out.deltaDown);
      u.upload = satAdd(u.upload, out.deltaUp);
      usage.set(uk, u);
      const day = ctx.periods.day(at, project.timeZone);
      const dk = `${s.userId}|${day}`;
      const d = daily.get(dk) ?? { projectId: project.id, userId: s.userId, day, download: 0n, upload: 0n };
      d.download = satAdd(d.download, out.deltaDown);
      d.upload = satAdd(d.upload, out.deltaUp);
      daily.set(dk, d);
    }

    const ended: number[] = [];
    for (const e of body.events) {
      const s = state(e.session_id);
      if (!s) {
        if (e.type === 'end') ended.push(e.session_id);
        continue;
      }
      const at = clamp(e.at, s);
      if (e.type === 'start') {
        if (s.status === 'pending') s.status = 'active';
        if (s.startedAt === null || at < s.startedAt) s.startedAt = at;
        if (s.lastActivityAt === null || at > s.lastActivityAt) s.lastActivityAt = at;
      } else {
        ended.push(e.session_id);
        if (s.status !== 'ended') {
          s.status = 'ended';
          if (s.startedAt === null) s.startedAt = at;
          s.endedAt = Math.max(at, s.startedAt);
          s.endReason = s.cutReason ?? 'DISCONNECTED';
        }
      }
    }

    for (const s of touched.values()) {
      // A session the platform ended (cut while pending, say) can still show activity: the node keeps
      // the peer until its next sync. The end moves to the last activity, never before the start.
      if (s.endedAt !== null) s.endedAt = Math.max(s.endedAt, s.startedAt ?? s.endedAt, s.lastActivityAt ?? s.endedAt);
      s.lifecycleChanged = s.endReason !== null || s.status !== s.was[0] || s.startedAt !== s.was[1] || s.endedAt !== s.was[2];
    }
    await writeSessionCounters(tx, [...touched.values()]);
    // Running totals are read back only where a limit can be reached.
    const limited: UsageDelta[] = [];
    const unlimited: UsageDelta[] = [];
    // Upserts in key order, so that two nodes' syncs touching the same users cannot deadlock.
    const byKey = <T extends { userId: number }>(k: (x: T) => string) => (a: T, b: T) => a.userId - b.userId || (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0);
    const usageSorted = [...usage.values()].sort(byKey((u) => `${u.periodStart}|${u.epoch}`));
    for (const u of usageSorted) (users.get(u.userId)?.trafficLimit != null ? limited : unlimited).push(u);
    const totals = await addUsage(tx, limited);
    await addUsage(tx, unlimited, { totals: false });
    await addDaily(tx, [...daily.values()].sort(byKey((d) => d.day)));
    await clearTombstones(tx, node.id, ended);

    // Quota: a user whose current-period usage reached its limit is cut everywhere.
    const current = ctx.periods.at(now, project.timeZone, project.trafficPeriod).key;
    for (const t of totals) {
      const user = users.get(t.userId);
      if (!user || t.periodStart !== current || t.epoch !== user.trafficEpoch) continue;
      if (isOverQuota(user.trafficLimit, usedBytes(t.download, t.upload))) {
        await cutSessions(tx, { projectId: project.id, userId: t.userId }, 'TRAFFIC_EXCEED', now);
      }
    }

    const desired = await desiredState(tx, node.id, now);
    const tombstones = await tombstonesOf(tx, node.id);
    return {
      result: 'OK',
      now,
      sync_interval: ctx.config.nodeSyncInterval,
      applied_counters: applied,
      ignored_counters: ignored,
      peers: desired.peers,
      cut: [...desired.cut, ...tombstones],
    };
  });
};
