/**
 * Endpoints the stores call, one pair per project: App Store Server Notifications V2 (the same URL
 * serves production and sandbox) and the Pub/Sub push subscription of Google Play's Real-time
 * Developer Notifications. A 2xx tells the store the notification is handled; a 5xx makes it retry.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.ts';
import * as P from '../../contract/purchases.ts';
import { Ok, errorResponses } from '../../contract/common.ts';
import { Type } from 'typebox';
import { appleNotification, googleNotification } from '../../services/store-notifications.ts';

const Reply = Ok({ outcome: Type.String() });
const tags = ['store notifications'];
const limit = { rateLimit: { max: 600, timeWindow: 60_000 } };

export const storeNotifications =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/apple/:projectId',
      {
        config: limit,
        schema: { tags, summary: 'App Store Server Notifications V2', security: [], params: P.StoreProjectParams, body: P.AppleNotificationBody, response: { 200: Reply, ...errorResponses(400, 404, 429, 503) } },
      },
      async (req) => ({ result: 'OK' as const, ...(await appleNotification(ctx, req.params.projectId, req.body.signedPayload)) }),
    );
    app.post(
      '/google/:projectId',
      {
        config: limit,
        schema: { tags, summary: 'Google Play RTDN (Pub/Sub push)', security: [], params: P.StoreProjectParams, body: P.PubSubPushBody, response: { 200: Reply, ...errorResponses(400, 404, 429, 503) } },
      },
      async (req) => ({ result: 'OK' as const, ...(await googleNotification(ctx, req.params.projectId, req.body)) }),
    );
  };
