/**
 * The partner operations (SPEC §3.2). Mounted twice: under /partner with a partner token, and under
 * /console/api/projects/:projectId with a member session, so the console and the API share every
 * schema and rule. `resolveActor` is the only difference between the two mounts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import * as P from '../../contract/partner.ts';
import { OkOnly, errorResponses } from '../../contract/common.ts';
import type { Actor } from '../../services/actor.ts';
import * as subscribers from '../../services/subscribers.ts';
import * as traffic from '../../services/traffic.ts';
import * as licenses from '../../services/licenses.ts';
import { listDevices, removeDevice } from '../../services/user-devices.ts';
import { activeSessions, userSessions } from '../../services/user-sessions.ts';
import { auditLog } from '../../services/audit.ts';
import { requireActor } from '../request-context.ts';
import { purchaseOperations } from './purchases.ts';

const E = errorResponses(400, 401, 403, 404, 409);
const ok = <T extends object>(v: T) => ({ result: 'OK' as const, ...v });

export const partnerOperations =
  (ctx: AppContext, resolveActor: (req: FastifyRequest) => Promise<Actor>): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('onRequest', async (req) => {
      req.actor = await resolveActor(req);
    });
    const actor = (req: FastifyRequest) => requireActor(req.actor);

    // ---- licenses
    const lt = ['licenses'];
    app.get('/licenses', { schema: { tags: lt, response: { 200: P.LicensesReply, ...E } } }, async (req) =>
      ok({ licenses: await licenses.listLicenses(ctx, actor(req)) }),
    );
    app.post('/licenses', { schema: { tags: lt, body: P.LicenseCreate, response: { 200: P.LicenseReply, ...E } } }, async (req) =>
      ok({ license: await licenses.createLicense(ctx, actor(req), req.body) }),
    );
    app.put(
      '/licenses/:id',
      { schema: { tags: lt, params: P.IdParams, body: P.LicenseUpdate, response: { 200: P.LicenseReply, ...E } } },
      async (req) => ok({ license: await licenses.updateLicense(ctx, actor(req), req.params.id, req.body) }),
    );
    app.delete('/licenses/:id', { schema: { tags: lt, params: P.IdParams, response: { 200: OkOnly, ...E } } }, async (req) => {
      await licenses.deleteLicense(ctx, actor(req), req.params.id);
      return ok({});
    });

    // ---- subscribers
    const st = ['subscribers'];
    app.get('/subscribers', { schema: { tags: st, querystring: P.SubscribersQuery, response: { 200: P.SubscribersReply, ...E } } }, async (req) =>
      ok(await subscribers.searchSubscribers(ctx, actor(req), req.query)),
    );
    app.post('/subscribers', { schema: { tags: st, body: P.SubscriberCreate, response: { 200: P.SubscriberReply, ...E } } }, async (req) =>
      ok({ subscriber: await subscribers.createSubscriber(ctx, actor(req), req.body) }),
    );
    app.get('/subscribers/:id', { schema: { tags: st, params: P.IdParams, response: { 200: P.SubscriberReply, ...E } } }, async (req) =>
      ok({ subscriber: await subscribers.getSubscriber(ctx, actor(req), req.params.id) }),
    );
    app.put(
      '/subscribers/:id',
      { schema: { tags: st, params: P.IdParams, body: P.SubscriberUpdate, response: { 200: P.SubscriberReply, ...E } } },
      async (req) => ok({ subscriber: await subscribers.updateSubscriber(ctx, actor(req), req.params.id, req.body) }),
    );
    app.delete(
      '/subscribers/:id',
      { schema: { tags: st, summary: 'Delete the user and all its data', params: P.IdParams, querystring: P.DeleteSubscriberQuery, response: { 200: OkOnly, ...E } } },
      async (req) => {
        await subscribers.deleteSubscriber(ctx, actor(req), req.params.id, req.query.confirm);
        return ok({});
      },
    );

    // ---- traffic
    const tt = ['traffic'];
    app.get('/subscribers/:id/traffic', { schema: { tags: tt, params: P.IdParams, response: { 200: P.TrafficReply, ...E } } }, async (req) =>
      ok({ traffic: await traffic.getTraffic(ctx, actor(req), req.params.id) }),
    );
    app.post(
      '/subscribers/:id/traffic',
      { schema: { tags: tt, summary: 'Set the limit in bytes, optionally resetting usage', params: P.IdParams, body: P.SetTrafficBody, response: { 200: P.TrafficReply, ...E } } },
      async (req) =>
        ok({ traffic: await traffic.setTrafficLimit(ctx, actor(req), req.params.id, BigInt(req.body.traffic_limit), req.body.reset ?? false) }),
    );
    app.delete(
      '/subscribers/:id/traffic',
      { schema: { tags: tt, summary: 'Make the user unlimited', params: P.IdParams, querystring: P.UnlimitedTrafficQuery, response: { 200: P.TrafficReply, ...E } } },
      async (req) => ok({ traffic: await traffic.setTrafficLimit(ctx, actor(req), req.params.id, null, req.query.reset ?? false) }),
    );
    app.get(
      '/subscribers/:id/traffic/daily',
      { schema: { tags: tt, params: P.IdParams, querystring: P.DailyTrafficQuery, response: { 200: P.DailyTrafficReply, ...E } } },
      async (req) => ok({ days: await traffic.getDailyTraffic(ctx, actor(req), req.params.id, req.query.days ?? 30) }),
    );

    // ---- sessions and devices
    app.get(
      '/subscribers/:id/sessions',
      { schema: { tags: ['sessions'], params: P.IdParams, querystring: P.SessionsQuery, response: { 200: P.SessionsReply, ...E } } },
      async (req) => ok(await userSessions(ctx, actor(req), req.params.id, req.query)),
    );
    app.get(
      '/sessions/active',
      { schema: { tags: ['sessions'], querystring: P.ActiveSessionsQuery, response: { 200: P.ActiveSessionsReply, ...E } } },
      async (req) => ok(await activeSessions(ctx, actor(req), req.query.limit ?? 5000)),
    );
    app.get('/subscribers/:id/devices', { schema: { tags: ['devices'], params: P.IdParams, response: { 200: P.DevicesReply, ...E } } }, async (req) =>
      ok({ devices: await listDevices(ctx, actor(req), req.params.id) }),
    );
    app.delete(
      '/subscribers/:id/devices/:deviceId',
      { schema: { tags: ['devices'], params: P.DeviceParams, response: { 200: OkOnly, ...E } } },
      async (req) => {
        await removeDevice(ctx, actor(req), req.params.id, req.params.deviceId);
        return ok({});
      },
    );

    // ---- purchases, store settings, product mapping (partner-api/purchases.ts)
    await app.register(purchaseOperations(ctx));

    // ---- audit
    app.get('/audit', { schema: { tags: ['audit'], querystring: P.AuditQuery, response: { 200: P.AuditReply, ...E } } }, async (req) =>
      ok(await auditLog(ctx, actor(req), req.query)),
    );
  };
