/** The User page's Sessions tab and the project's Active sessions page. */
import type { AppContext } from '../context.ts';
import { decodeCursor, encodeCursor, listActiveSessions, listUserSessions, sortKind, type SessionView } from '../store/session-list.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import type { Session, SessionsQuery } from '../contract/partner.ts';
import { authorize, type Actor } from './actor.ts';
import { requireUser } from './subscribers.ts';

export const MAX_WINDOW_MS = 30 * 24 * 3600 * 1000;

const view = (s: SessionView): Session => ({
  id: s.id,
  user_id: s.userId,
  device_id: s.deviceId,
  device_name: s.deviceName,
  server: s.server,
  location: s.location,
  start_time: new Date(s.startedAt).toISOString(),
  end_time: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
  internal_ip: s.internalIp,
  download: s.download,
  upload: s.upload,
  active: s.active,
  end_reason: s.endReason,
});

/** The window defaults to the 30 days up to now; it may not be longer (INTERVAL_TOO_LONG). */
export const sessionWindow = (now: number, start?: string, end?: string): { start: number; end: number } => {
  // RFC 3339 allows a leap second (23:59:60) that Date.parse cannot read.
  const instant = (v: string, field: string) => {
    const t = Date.parse(v);
    if (!Number.isFinite(t)) throw invalid(field, 'not an instant this server can read');
    return t;
  };
  const e = end ? instant(end, 'end_time') : start ? Math.min(instant(start, 'start_time') + MAX_WINDOW_MS, now) : now;
  const s = start ? instant(start, 'start_time') : e - MAX_WINDOW_MS;
  if (e <= s) throw new GatehouseError('INTERVAL_INVALID', 'end_time must be after start_time', 'end_time');
  if (e - s > MAX_WINDOW_MS) throw new GatehouseError('INTERVAL_TOO_LONG', 'start_time..end_time: the time window may be at most 30 days', 'end_time');
  return { start: s, end: e };
};

export const userSessions = async (ctx: AppContext, actor: Actor, userId: number, q: SessionsQuery) => {
  authorize(actor, 'users.read');
  const window = sessionWindow(ctx.clock.now(), q.start_time, q.end_time);
  const sort = q.sort ?? 'start_time';
  const cursor = q.cursor ? decodeCursor(q.cursor, sortKind(sort)) : null;
  if (q.cursor && !cursor) throw invalid('cursor', 'not a cursor returned by this API for this sort');
  await requireUser(ctx.store, actor.projectId, userId);
  const { sessions, next } = await listUserSessions(ctx.store, actor.projectId, userId, {
    ...(q.device_id !== undefined ? { deviceId: q.device_id } : {}),
    start: window.start,
    end: window.end,
    sort,
    order: q.order ?? 'desc',
    cursor,
    limit: q.limit ?? 50,
  });
  return {
    sessions: sessions.map(view),
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    next_cursor: next ? encodeCursor(next) : null,
  };
};

export const activeSessions = async (ctx: AppContext, actor: Actor, limit: number) => {
  authorize(actor, 'users.read');
  const rows = await listActiveSessions(ctx.store, actor.projectId, limit + 1);
  return { sessions: rows.slice(0, limit).map(view), capped: rows.length > limit };
};
