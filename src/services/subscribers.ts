/** Users ("subscribers") as the User page and the Users list show and change them. */
import type { AppContext } from '../context.ts';
import type { Conn } from '../store/db.ts';
import { transaction } from '../store/db.ts';
import type { Project } from '../store/projects.ts';
import * as users from '../store/users.ts';
import { getLicense } from '../store/licenses.ts';
import { activeSessionCount, cutSessions, liveSessionsOfUser } from '../store/sessions.ts';
import { writeAudit } from '../store/audit.ts';
import { recordTombstones } from '../store/tombstones.ts';
import { GatehouseError, invalid, notFound } from '../domain/errors.ts';
import { hashToken } from '../platform/secrets.ts';
import type { Subscriber, SubscriberCreate, SubscriberSummary, SubscriberUpdate, SubscribersQuery } from '../contract/partner.ts';
import { authorize, type Actor } from './actor.ts';
import { requireProject } from './projects.ts';
import { currentTraffic, trafficView } from './traffic.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const purchaseState = (project: Project, activePurchases: number) =>
  project.type === 'public' ? (activePurchases > 0 ? ('active' as const) : ('none' as const)) : null;

export const subscriberView = async (ctx: AppContext, c: Conn, project: Project, user: users.User): Promise<Subscriber> => {
  const license = await getLicense(c, project.id, user.licenseId);
  if (!license) throw new Error(`user ${user.id} holds missing license ${user.licenseId}`);
  const [devices, sessions, purchases, traffic] = await Promise.all([
    users.countUserDevices(c, user.id),
    activeSessionCount(c, user.id),
    users.countActivePurchases(c, user.id),
    currentTraffic(ctx, c, project, user),
  ]);
  return {
    id: user.id,
    name: user.name,
    auth_method: user.authMethod,
    status: user.status,
    license: { id: license.id, name: license.name, devices_limit: license.devicesLimit, sessions_limit: license.sessionsLimit },
    traffic: trafficView(project, traffic),
    activated_devices: devices,
    active_sessions: sessions,
    purchase: purchaseState(project, purchases),
    extref: user.extref,
    description: user.description,
    country: user.country,
    registered_at: new Date(user.registeredAt).toISOString(),
    last_connection_at: iso(user.lastConnectionAt),
  };
};

export const requireUser = async (c: Conn, projectId: string, id: number, lock = false): Promise<users.User> => {
  const u = await users.getUser(c, projectId, id, lock);
  if (!u) throw notFound(`user ${id}`);
  return u;
};

export const getSubscriber = async (ctx: AppContext, actor: Actor, id: number): Promise<Subscriber> => {
  authorize(actor, 'users.read');
  const project = await requireProject(ctx.store, actor.projectId);
  return subscriberView(ctx, ctx.store, project, await requireUser(ctx.store, actor.projectId, id));
};

const cursorOf = (id: number) => Buffer.from(`u:${id}`).toString('base64url');
/** The id of the last user of the previous page: the next page holds smaller ids. */
const parseCursor = (s: string): number => {
  const m = /^u:(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) throw invalid('cursor', 'not a cursor returned by this API');
  return Number(m[1]);
};

export const searchSubscribers = async (
  ctx: AppContext,
  actor: Actor,
  q: SubscribersQuery,
): Promise<{ subscribers: SubscriberSummary[]; next_cursor: string | null }> => {
  authorize(actor, 'users.read');
  if ((q.search_by === undefined) !== (q.q === undefined)) {
    throw invalid(q.search_by === undefined ? 'search_by' : 'q', 'search_by and q go together');
  }
  const project = await requireProject(ctx.store, actor.projectId);
  const limit = q.limit ?? 50;
  const cursor = q.cursor ? parseCursor(q.cursor) : null;
  const rows = await users.searchUsers(ctx.store, actor.projectId, {
    ...(q.search_by ? { by: q.search_by, q: q.q } : {}),
    ...(q.search_by === 'device_token' && q.q ? { tokenHash: hashToken(q.q) } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(cursor !== null ? { beforeId: cursor } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    subscribers: page.map((u) => ({
      id: u.id,
      name: u.name,
      auth_method: u.authMethod,
      status: u.status,
      description: u.description,
      extref: u.extref,
      country: u.country,
      license_id: u.licenseId,
      activated_devices: u.activatedDevices,
      purchase: purchaseState(project, u.activePurchases),
      registered_at: new Date(u.registeredAt).toISOString(),
      last_connection_at: iso(u.lastConnectionAt),
    })),
    next_cursor: rows.length > limit && page.length ? cursorOf(page[page.length - 1]!.id) : null,
  };
};

/** Operator-created user: starts Invited and becomes Active at its first login. */
export const createSubscriber = async (ctx: AppContext, actor: Actor, body: SubscriberCreate): Promise<Subscriber> => {
  authorize(actor, 'users.create');
  const project = await requireProject(ctx.store, actor.projectId);
  const name = `${body.auth_method}_${body.external_id}`;
  const id = await transaction(ctx.store, async (tx) => {
    const licenseId = body.license_id ?? project.defaultLicenseId;
    if (!licenseId || !(await getLicense(tx, project.id, licenseId))) {
      throw new GatehouseError('LICENSE_NOT_FOUND', `license ${licenseId} not found`, 'license_id');
    }
    const now = ctx.clock.now();
    const id = await users.insertUserIfAbsent(tx, {
      project_id: project.id,
      name,
      auth_method: body.auth_method,
      status: 'invited',
      license_id: BigInt(licenseId),
      traffic_limit: body.traffic_limit === undefined ? project.defaultTrafficLimit : body.traffic_limit === null ? null : BigInt(body.traffic_limit),
      traffic_epoch: 0,
      extref: body.extref ?? '',
      description: body.description ?? '',
      country: body.country ?? null,
      registered_at: BigInt(now),
    });
    if (id === null) throw new GatehouseError('USER_ALREADY_EXISTS', `user ${name} already exists`, 'external_id');
    await writeAudit(tx, { projectId: project.id, at: now, author: actor.author, action: 'user.create', objectType: 'user', objectId: String(id), before: null, after: { ...body, name } });
    return id;
  });
  return getSubscriber(ctx, actor, id);
};

/** Edits description/extref/country, changes the license, or activates/disables the user. */
export const updateSubscriber = async (ctx: AppContext, actor: Actor, id: number, body: SubscriberUpdate): Promise<Subscriber> => {
  authorize(actor, 'users.update');
  await transaction(ctx.store, async (tx) => {
    const user = await requireUser(tx, actor.projectId, id, true);
    const now = ctx.clock.now();
    const patch: Parameters<typeof users.updateUser>[3] = {};
    if (body.extref !== undefined) patch.extref = body.extref;
    if (body.description !== undefined) patch.description = body.description;
    if (body.country !== undefined) patch.country = body.country;
    if (body.license_id !== undefined && body.license_id !== user.licenseId) {
      const license = await getLicense(tx, actor.projectId, body.license_id);
      if (!license) throw new GatehouseError('LICENSE_NOT_FOUND', `license ${body.license_id} not found`, 'license_id');
      patch.license_id = BigInt(license.id);
      if (license.sessionsLimit > 0) {
        const live = await liveSessionsOfUser(tx, actor.projectId, id);
        const excess = live.slice(license.sessionsLimit);
        if (excess.length) await cutSessions(tx, { projectId: actor.projectId, ids: excess }, 'SESSIONS_EXCEED', now);
      }
    }
    if (body.status !== undefined && body.status !== user.status) {
      if (body.status === 'disabled') {
        patch.status = 'disabled';
        await cutSessions(tx, { projectId: actor.projectId, userId: id }, 'USER_SUSPENDED', now);
      } else if (user.status === 'disabled') {
        // Re-enabling returns the user to where it was: active if it ever logged in, else invited.
        patch.status = user.lastConnectionAt !== null || (await users.countUserDevices(tx, id)) > 0 ? 'active' : 'invited';
      }
    }
    if (Object.keys(patch).length === 0) return;
    await users.updateUser(tx, actor.projectId, id, patch);
    const was = { extref: user.extref, description: user.description, country: user.country, license_id: user.licenseId, status: user.status };
    const before = Object.fromEntries(Object.keys(patch).map((k) => [k, was[k as keyof typeof was]]));
    await writeAudit(tx, { projectId: actor.projectId, at: now, author: actor.author, action: 'user.update', objectType: 'user', objectId: String(id), before, after: patch });
  });
  return getSubscriber(ctx, actor, id);
};


/** Deletes the user with all its data; its active sessions are cut at their nodes' next sync. */
export const deleteSubscriber = async (ctx: AppContext, actor: Actor, id: number, confirm: number): Promise<void> => {
  authorize(actor, 'users.delete');
  if (confirm !== id) throw invalid('confirm', 'must repeat the user id');
  await transaction(ctx.store, async (tx) => {
    const user = await requireUser(tx, actor.projectId, id, true);
    const now = ctx.clock.now();
    // Sessions go with the user, so the cut orders travel through the node's tombstone list instead.
    await recordTombstones(tx, actor.projectId, id, now);
    await users.deleteUser(tx, actor.projectId, id);
    await writeAudit(tx, {
      projectId: actor.projectId,
      at: now,
      author: actor.author,
      action: 'user.delete',
      objectType: 'user',
      objectId: String(id),
      before: { name: user.name, status: user.status, extref: user.extref },
      after: null,
    });
  });
};

